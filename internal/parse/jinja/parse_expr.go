package jinja

// The expression grammar of Jinja's parser.py, one function per
// production, lowest precedence first.

var (
	compareOps = map[TokenType]bool{"eq": true, "ne": true, "lt": true, "lteq": true, "gt": true, "gteq": true}
	math1Ops   = map[TokenType]string{"add": "Add", "sub": "Sub"}
	math2Ops   = map[TokenType]string{"mul": "Mul", "div": "Div", "floordiv": "FloorDiv", "mod": "Mod"}
)

func (p *parser) parseExpression(condexpr bool) (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if condexpr {
		return p.parseCondexpr()
	}
	return p.parseOr()
}

func (p *parser) parseCondexpr() (*Node, error) {
	e1, err := p.parseOr()
	for err == nil && p.is("name:if") {
		off := p.next().Offset
		var e2, e3 *Node
		if e2, err = p.parseOr(); err != nil {
			break
		}
		if p.skipIf("name:else") {
			if e3, err = p.parseExpression(true); err != nil {
				break
			}
		}
		e1 = &Node{Kind: "CondExpr", Kids: []*Node{e2, e1, e3}, Offset: off}
	}
	return e1, err
}

// binary parses left-associative operators of one level.
func (p *parser) binary(sub func() (*Node, error), ops func(Token) string) (*Node, error) {
	left, err := sub()
	for err == nil {
		kind := ops(p.cur())
		if kind == "" {
			break
		}
		off := p.next().Offset
		var right *Node
		if right, err = sub(); err == nil {
			left = &Node{Kind: kind, Kids: []*Node{left, right}, Offset: off}
		}
	}
	return left, err
}

func (p *parser) parseOr() (*Node, error) {
	return p.binary(p.parseAnd, func(t Token) string { return kindIf(tokenIs(t, "name:or"), "Or") })
}

func (p *parser) parseAnd() (*Node, error) {
	return p.binary(p.parseNot, func(t Token) string { return kindIf(tokenIs(t, "name:and"), "And") })
}

func kindIf(ok bool, kind string) string {
	if ok {
		return kind
	}
	return ""
}

func (p *parser) parseNot() (*Node, error) {
	if p.is("name:not") {
		off := p.next().Offset
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		n, err := p.parseNot()
		return &Node{Kind: "Not", Kids: []*Node{n}, Offset: off}, err
	}
	return p.parseCompare()
}

func (p *parser) parseCompare() (*Node, error) {
	expr, err := p.parseMath1()
	if err != nil {
		return nil, err
	}
	cmp := &Node{Kind: "Compare", Kids: []*Node{expr}, Offset: expr.Offset}
	for {
		t := p.cur()
		op := ""
		switch {
		case compareOps[t.Type]:
			op = string(t.Type)
			p.next()
		case tokenIs(t, "name:in"):
			op = "in"
			p.next()
		case tokenIs(t, "name:not") && tokenIs(p.look(), "name:in"):
			op = "notin"
			p.next()
			p.next()
		}
		if op == "" {
			break
		}
		right, err := p.parseMath1()
		if err != nil {
			return nil, err
		}
		cmp.Kids = append(cmp.Kids, &Node{Kind: "Operand", Value: op, Kids: []*Node{right}, Offset: t.Offset})
	}
	if len(cmp.Kids) == 1 {
		return expr, nil
	}
	return cmp, nil
}

func (p *parser) parseMath1() (*Node, error) {
	return p.binary(p.parseConcat, func(t Token) string { return math1Ops[t.Type] })
}

func (p *parser) parseConcat() (*Node, error) {
	first, err := p.parseMath2()
	if err != nil || !p.is("tilde") {
		return first, err
	}
	n := &Node{Kind: "Concat", Kids: []*Node{first}, Offset: first.Offset}
	for p.skipIf("tilde") {
		e, err := p.parseMath2()
		if err != nil {
			return nil, err
		}
		n.Kids = append(n.Kids, e)
	}
	return n, nil
}

func (p *parser) parseMath2() (*Node, error) {
	return p.binary(p.parsePow, func(t Token) string { return math2Ops[t.Type] })
}

func (p *parser) parsePow() (*Node, error) {
	return p.binary(func() (*Node, error) { return p.parseUnary(true) }, func(t Token) string { return kindIf(t.Type == "pow", "Pow") })
}

func (p *parser) parseUnary(withFilter bool) (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	var node *Node
	var err error
	switch t := p.cur(); t.Type {
	case "sub", "add":
		p.next()
		var n *Node
		if n, err = p.parseUnary(false); err != nil {
			return nil, err
		}
		node = &Node{Kind: map[TokenType]string{"sub": "Neg", "add": "Pos"}[t.Type], Kids: []*Node{n}, Offset: t.Offset}
	default:
		if node, err = p.parsePrimary(); err != nil {
			return nil, err
		}
	}
	if node, err = p.parsePostfix(node); err != nil || !withFilter {
		return node, err
	}
	return p.parseFilterExpr(node)
}

func (p *parser) parsePrimary() (*Node, error) {
	t := p.cur()
	switch t.Type {
	case TokName:
		p.next()
		switch t.Value {
		case "true", "false", "True", "False", "none", "None":
			return &Node{Kind: "Const", Value: t.Value, Offset: t.Offset}, nil
		}
		return &Node{Kind: "Name", Value: t.Value, Offset: t.Offset}, nil
	case TokString:
		v := ""
		for p.is(string(TokString)) {
			v += p.next().Value
		}
		return &Node{Kind: "Const", Value: v, Str: true, Offset: t.Offset}, nil
	case TokInteger, TokFloat:
		p.next()
		return &Node{Kind: "Const", Value: t.Value, Offset: t.Offset}, nil
	case "lparen":
		p.next()
		n, err := p.parseTuple(tupleOpts{condexpr: true, parens: true})
		if err != nil {
			return nil, err
		}
		_, err = p.expect("rparen")
		return n, err
	case "lbracket":
		return p.parseList()
	case "lbrace":
		return p.parseDict()
	}
	if t.Type == TokEOF {
		return nil, p.fail("unexpected end of template")
	}
	return nil, p.fail("unexpected " + string(t.Type))
}
