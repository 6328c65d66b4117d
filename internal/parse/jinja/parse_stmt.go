package jinja

import "fmt"

// parseStatement parses the statement whose tag name is current.
func (p *parser) parseStatement() (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.cur()
	if t.Type != TokName {
		return nil, p.fail("tag name expected")
	}
	switch t.Value {
	case "for":
		return p.parseFor()
	case "if":
		return p.parseIf()
	case "set":
		return p.parseSet()
	case "macro", "call":
		return p.parseMacro(t.Value == "call")
	case "with":
		return p.parseWith()
	case "filter":
		p.next()
		f, err := p.parseFilter(nil, true)
		return p.withBody(&Node{Kind: "FilterBlock", Kids: []*Node{f}, Offset: t.Offset}, err, "endfilter")
	case "autoescape", "do", "print", "extends", "include", "import", "from":
		return p.parseExprStatement(t)
	case "block":
		return p.parseBlock()
	case "generation":
		p.next()
		return p.withBody(&Node{Kind: "Generation", Offset: t.Offset}, nil, "endgeneration")
	case "break", "continue":
		p.next()
		return &Node{Kind: map[string]string{"break": "Break", "continue": "Continue"}[t.Value], Offset: t.Offset}, nil
	}
	return nil, p.fail(fmt.Sprintf("encountered unknown tag %q", t.Value))
}

// statements is parse_statements: an optional colon, the block end, and
// the body up to one of ends (left current unless drop).
func (p *parser) statements(drop bool, ends ...string) (*Node, error) {
	p.skipIf("colon")
	if _, err := p.expect(string(TokBlockEnd)); err != nil {
		return nil, err
	}
	tests := make([]string, len(ends))
	for i, e := range ends {
		tests[i] = "name:" + e
	}
	body, err := p.subparse(tests)
	if err != nil {
		return nil, err
	}
	if drop {
		p.next()
	}
	return &Node{Kind: "Body", Kids: body}, nil
}

// withBody appends the body up to end to n, after the head parsed with err.
func (p *parser) withBody(n *Node, err error, end string) (*Node, error) {
	if err != nil {
		return nil, err
	}
	body, err := p.statements(true, end)
	n.Kids = append(n.Kids, body)
	return n, err
}

func (p *parser) parseFor() (*Node, error) {
	off := p.next().Offset
	target, err := p.assignTarget(tupleOpts{extraEnd: []string{"name:in"}})
	if err != nil {
		return nil, err
	}
	if _, err := p.expect("name:in"); err != nil {
		return nil, err
	}
	iter, err := p.parseTuple(tupleOpts{extraEnd: []string{"name:recursive"}})
	if err != nil {
		return nil, err
	}
	var test *Node
	if p.skipIf("name:if") {
		if test, err = p.parseExpression(true); err != nil {
			return nil, err
		}
	}
	p.skipIf("name:recursive")
	body, err := p.statements(false, "endfor", "else")
	if err != nil {
		return nil, err
	}
	els := &Node{Kind: "Body"}
	if p.next().Value != "endfor" {
		if els, err = p.statements(true, "endfor"); err != nil {
			return nil, err
		}
	}
	return &Node{Kind: "For", Kids: []*Node{target, iter, test, body, els}, Offset: off}, nil
}

// parseIf parses if/elif/else; an elif is an If inside the else body.
func (p *parser) parseIf() (*Node, error) {
	off := p.next().Offset
	test, err := p.parseTuple(tupleOpts{})
	if err != nil {
		return nil, err
	}
	body, err := p.statements(false, "elif", "else", "endif")
	if err != nil {
		return nil, err
	}
	n := &Node{Kind: "If", Kids: []*Node{test, body, {Kind: "Body"}}, Offset: off}
	switch p.cur().Value {
	case "elif":
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		elif, err := p.parseIf()
		n.Kids[2].Kids = []*Node{elif}
		return n, err
	case "else":
		p.next()
		n.Kids[2], err = p.statements(true, "endif")
		return n, err
	}
	p.next()
	return n, nil
}

// parseSet parses {% set x = e %} ("Assign") and {% set x %}...{% endset %}
// ("AssignBlock": target, filter or nil, body).
func (p *parser) parseSet() (*Node, error) {
	off := p.next().Offset
	target, err := p.assignTarget(tupleOpts{}, withNamespace)
	if err != nil {
		return nil, err
	}
	if p.skipIf("assign") {
		v, err := p.parseTuple(tupleOpts{condexpr: true})
		return &Node{Kind: "Assign", Kids: []*Node{target, v}, Offset: off}, err
	}
	f, err := p.parseFilter(nil, false)
	return p.withBody(&Node{Kind: "AssignBlock", Kids: []*Node{target, f}, Offset: off}, err, "endset")
}

func (p *parser) parseWith() (*Node, error) {
	off := p.next().Offset
	targets, values := &Node{Kind: "Tuple"}, &Node{Kind: "List"}
	for !p.is(string(TokBlockEnd)) {
		if len(targets.Kids) > 0 {
			if _, err := p.expect("comma"); err != nil {
				return nil, err
			}
		}
		t, err := p.assignTarget(tupleOpts{})
		if err != nil {
			return nil, err
		}
		if _, err := p.expect("assign"); err != nil {
			return nil, err
		}
		v, err := p.parseExpression(true)
		if err != nil {
			return nil, err
		}
		targets.Kids, values.Kids = append(targets.Kids, t), append(values.Kids, v)
	}
	return p.withBody(&Node{Kind: "With", Kids: []*Node{targets, values}, Offset: off}, nil, "endwith")
}

func (p *parser) parseBlock() (*Node, error) {
	off := p.next().Offset
	name, err := p.expect(string(TokName))
	if err != nil {
		return nil, err
	}
	p.skipIf("name:scoped")
	p.skipIf("name:required")
	if p.is("sub") {
		return nil, p.fail("block names in Jinja have to be valid Python identifiers")
	}
	n, err := p.withBody(&Node{Kind: "Block", Value: name.Value, Offset: off}, nil, "endblock")
	if err == nil {
		p.skipIf("name:" + name.Value)
	}
	return n, err
}
