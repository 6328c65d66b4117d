package jinja

// parseCallArgs parses "(args, key=value, *dyn, **dynkw)" into nodes:
// positional arguments as they are, keywords as "Keyword" (Value the key),
// *x as "DynArgs" and **x as "DynKwargs".
func (p *parser) parseCallArgs() ([]*Node, error) {
	if _, err := p.expect("lparen"); err != nil {
		return nil, err
	}
	var args []*Node
	kw, dyn, dynkw := false, false, false
	for !p.is("rparen") {
		if len(args) > 0 {
			if _, err := p.expect("comma"); err != nil {
				return nil, err
			}
			if p.is("rparen") {
				break
			}
		}
		t := p.cur()
		var n *Node
		var err error
		switch {
		case t.Type == "mul":
			if dyn || dynkw {
				return nil, p.fail("invalid syntax for function call expression")
			}
			p.next()
			dyn = true
			n, err = p.parseExpression(true)
			n = &Node{Kind: "DynArgs", Kids: []*Node{n}, Offset: t.Offset}
		case t.Type == "pow":
			if dynkw {
				return nil, p.fail("invalid syntax for function call expression")
			}
			p.next()
			dynkw = true
			n, err = p.parseExpression(true)
			n = &Node{Kind: "DynKwargs", Kids: []*Node{n}, Offset: t.Offset}
		case t.Type == TokName && p.look().Type == "assign":
			if dynkw {
				return nil, p.fail("invalid syntax for function call expression")
			}
			p.next()
			p.next()
			kw = true
			n, err = p.parseExpression(true)
			n = &Node{Kind: "Keyword", Value: t.Value, Kids: []*Node{n}, Offset: t.Offset}
		default:
			if dyn || dynkw || kw {
				return nil, p.fail("invalid syntax for function call expression")
			}
			n, err = p.parseExpression(true)
		}
		if err != nil {
			return nil, err
		}
		args = append(args, n)
	}
	_, err := p.expect("rparen")
	return args, err
}

func (p *parser) parseCall(node *Node) (*Node, error) {
	off := p.cur().Offset
	args, err := p.parseCallArgs()
	return &Node{Kind: "Call", Kids: append([]*Node{node}, args...), Offset: off}, err
}

// dottedName reads a filter or test name, which may be dotted.
func (p *parser) dottedName() (string, error) {
	t, err := p.expect(string(TokName))
	name := t.Value
	for err == nil && p.is("dot") {
		p.next()
		t, err = p.expect(string(TokName))
		name += "." + t.Value
	}
	return name, err
}

// parseFilter parses "|name(args)" chains; inline starts without a pipe
// ({% filter %} blocks), and node is then nil.
func (p *parser) parseFilter(node *Node, inline bool) (*Node, error) {
	for p.is("pipe") || inline {
		if !inline {
			p.next()
		}
		inline = false
		off := p.cur().Offset
		name, err := p.dottedName()
		if err != nil {
			return nil, err
		}
		var args []*Node
		if p.is("lparen") {
			if args, err = p.parseCallArgs(); err != nil {
				return nil, err
			}
		}
		node = &Node{Kind: "Filter", Value: name, Kids: append([]*Node{node}, args...), Offset: off}
	}
	return node, nil
}

func (p *parser) parseTest(node *Node) (*Node, error) {
	off := p.next().Offset
	negated := p.skipIf("name:not")
	name, err := p.dottedName()
	if err != nil {
		return nil, err
	}
	var args []*Node
	t := p.cur()
	switch t.Type {
	case "lparen":
		if args, err = p.parseCallArgs(); err != nil {
			return nil, err
		}
	case TokName, TokString, TokInteger, TokFloat, "lbracket", "lbrace":
		if tokenIs(t, "name:else") || tokenIs(t, "name:or") || tokenIs(t, "name:and") {
			break
		}
		if tokenIs(t, "name:is") {
			return nil, p.fail("you cannot chain multiple tests with is")
		}
		arg, err := p.parsePrimary()
		if err == nil {
			arg, err = p.parsePostfix(arg)
		}
		if err != nil {
			return nil, err
		}
		args = []*Node{arg}
	}
	node = &Node{Kind: "Test", Value: name, Kids: append([]*Node{node}, args...), Offset: off}
	if negated {
		node = &Node{Kind: "Not", Kids: []*Node{node}, Offset: off}
	}
	return node, nil
}
