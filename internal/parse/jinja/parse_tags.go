package jinja

import "strings"

// withNamespace lets an assignment target be ns.attr (only {% set %}).
const withNamespace = true

// assignTarget parses a target of set, for, with and macro parameters
// (parse_assign_target): a name, a tuple of names, or ns.attr.
func (p *parser) assignTarget(o tupleOpts, namespace ...bool) (*Node, error) {
	if len(namespace) > 0 && namespace[0] && p.look().Type == "dot" {
		t, err := p.expect(string(TokName))
		if err != nil {
			return nil, err
		}
		p.next()
		a, err := p.expect(string(TokName))
		return &Node{Kind: "NSRef", Value: t.Value + "." + a.Value, Offset: t.Offset}, err
	}
	o.simplified = true
	n, err := p.parseTuple(o)
	if err != nil {
		return nil, err
	}
	if !canAssign(n) {
		return nil, &Error{n.Offset, "can't assign to " + strings.ToLower(n.Kind)}
	}
	return n, nil
}

// canAssign is Node.can_assign: names and tuples of names.
func canAssign(n *Node) bool {
	switch n.Kind {
	case "Name", "NSRef":
		return true
	case "Tuple":
		for _, k := range n.Kids {
			if !canAssign(k) {
				return false
			}
		}
		return true
	}
	return false
}

// name parses a single assignable name (name_only targets).
func (p *parser) name() (*Node, error) {
	t, err := p.expect(string(TokName))
	if err != nil {
		return nil, err
	}
	switch t.Value {
	case "true", "false", "none", "True", "False", "None":
		return nil, &Error{t.Offset, "can't assign to name"}
	}
	return &Node{Kind: "Name", Value: t.Value, Offset: t.Offset}, nil
}

// parseMacro parses {% macro name(params) %} ("Macro": Value the name;
// params, defaults, body) and {% call(params) expr %} ("CallBlock":
// params, defaults, call, body).
func (p *parser) parseMacro(call bool) (*Node, error) {
	off := p.next().Offset
	n := &Node{Kind: "Macro", Offset: off}
	if !call {
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		n.Value = name.Value
	}
	params, defaults := &Node{Kind: "Params"}, &Node{Kind: "Defaults"}
	if !call || p.is("lparen") {
		if err := p.signature(params, defaults); err != nil {
			return nil, err
		}
	}
	n.Kids = []*Node{params, defaults}
	end := "endmacro"
	if call {
		n.Kind, end = "CallBlock", "endcall"
		c, err := p.parseExpression(true)
		if err != nil {
			return nil, err
		}
		if c.Kind != "Call" {
			return nil, &Error{c.Offset, "expected call"}
		}
		n.Kids = append(n.Kids, c)
	}
	return p.withBody(n, nil, end)
}

func (p *parser) signature(params, defaults *Node) error {
	if _, err := p.expect("lparen"); err != nil {
		return err
	}
	for !p.is("rparen") {
		if len(params.Kids) > 0 {
			if _, err := p.expect("comma"); err != nil {
				return err
			}
		}
		a, err := p.name()
		if err != nil {
			return err
		}
		if p.skipIf("assign") {
			d, err := p.parseExpression(true)
			if err != nil {
				return err
			}
			defaults.Kids = append(defaults.Kids, d)
		} else if len(defaults.Kids) > 0 {
			return p.fail("non-default argument follows default argument")
		}
		params.Kids = append(params.Kids, a)
	}
	p.next()
	return nil
}

// importContext skips "with context" / "without context".
func (p *parser) importContext() bool {
	if (p.is("name:with") || p.is("name:without")) && tokenIs(p.look(), "name:context") {
		p.next()
		p.next()
		return true
	}
	return false
}

// parseExprStatement parses the tags made of a keyword and expressions:
// autoescape (a "Scope" with a body), do ("ExprStmt"), print ("Output"),
// extends, include, import (Value the target) and from ("FromImport",
// Value the names imported, comma-separated).
func (p *parser) parseExprStatement(t Token) (*Node, error) {
	p.next()
	kinds := map[string]string{"autoescape": "Scope", "do": "ExprStmt", "print": "Output", "extends": "Extends", "include": "Include", "import": "Import", "from": "FromImport"}
	n := &Node{Kind: kinds[t.Value], Offset: t.Offset}
	switch t.Value {
	case "do":
		e, err := p.parseTuple(tupleOpts{condexpr: true})
		n.Kids = []*Node{e}
		return n, err
	case "print":
		for !p.is(string(TokBlockEnd)) {
			if len(n.Kids) > 0 {
				if _, err := p.expect("comma"); err != nil {
					return nil, err
				}
			}
			e, err := p.parseExpression(true)
			if err != nil {
				return nil, err
			}
			n.Kids = append(n.Kids, e)
		}
		return n, nil
	}
	e, err := p.parseExpression(true)
	if err != nil {
		return nil, err
	}
	n.Kids = []*Node{e}
	switch t.Value {
	case "autoescape":
		return p.withBody(n, nil, "endautoescape")
	case "include":
		if p.is("name:ignore") && tokenIs(p.look(), "name:missing") {
			p.next()
			p.next()
		}
		p.importContext()
	case "import":
		if _, err := p.expect("name:as"); err != nil {
			return nil, err
		}
		a, err := p.name()
		if err != nil {
			return nil, err
		}
		n.Value = a.Value
		p.importContext()
	case "from":
		return n, p.fromNames(n)
	}
	return n, nil
}

// fromNames parses the names of {% from t import a, b as c %}.
func (p *parser) fromNames(n *Node) error {
	if _, err := p.expect("name:import"); err != nil {
		return err
	}
	var names []string
	for {
		if len(names) > 0 {
			if _, err := p.expect("comma"); err != nil {
				return err
			}
		}
		if !p.is(string(TokName)) {
			_, err := p.expect(string(TokName))
			return err
		}
		if p.importContext() {
			break
		}
		a, err := p.name()
		if err != nil {
			return err
		}
		if strings.HasPrefix(a.Value, "_") {
			return &Error{a.Offset, "names starting with an underline can not be imported"}
		}
		if p.skipIf("name:as") {
			if _, err := p.name(); err != nil {
				return err
			}
		}
		names = append(names, a.Value)
		if p.importContext() || !p.is("comma") {
			break
		}
	}
	n.Value = strings.Join(names, ",")
	return nil
}
