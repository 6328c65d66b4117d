package jinja

// tupleOpts are parse_tuple's arguments.
type tupleOpts struct {
	simplified bool // targets: primaries only
	condexpr   bool
	parens     bool // inside explicit parentheses: () is an empty tuple
	extraEnd   []string
}

func (p *parser) tupleEnd(extra []string) bool {
	switch p.cur().Type {
	case TokVariableEnd, TokBlockEnd, "rparen":
		return true
	}
	for _, e := range extra {
		if p.is(e) {
			return true
		}
	}
	return false
}

func (p *parser) parseTuple(o tupleOpts) (*Node, error) {
	off := p.cur().Offset
	var args []*Node
	isTuple := false
	for {
		if len(args) > 0 {
			if _, err := p.expect("comma"); err != nil {
				return nil, err
			}
		}
		if p.tupleEnd(o.extraEnd) {
			break
		}
		var e *Node
		var err error
		if o.simplified {
			e, err = p.parsePrimary()
		} else {
			e, err = p.parseExpression(o.condexpr)
		}
		if err != nil {
			return nil, err
		}
		args = append(args, e)
		if !p.is("comma") {
			break
		}
		isTuple = true
	}
	if !isTuple {
		if len(args) > 0 {
			return args[0], nil
		}
		if !o.parens {
			return nil, p.fail("expected an expression")
		}
	}
	return &Node{Kind: "Tuple", Kids: args, Offset: off}, nil
}

// items parses comma-separated items up to the closing token.
func (p *parser) items(closer string, item func() (*Node, error)) ([]*Node, error) {
	var out []*Node
	for !p.is(closer) {
		if len(out) > 0 {
			if _, err := p.expect("comma"); err != nil {
				return nil, err
			}
			if p.is(closer) {
				break
			}
		}
		n, err := item()
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	_, err := p.expect(closer)
	return out, err
}

func (p *parser) parseList() (*Node, error) {
	off := p.next().Offset
	kids, err := p.items("rbracket", func() (*Node, error) { return p.parseExpression(true) })
	return &Node{Kind: "List", Kids: kids, Offset: off}, err
}

func (p *parser) parseDict() (*Node, error) {
	off := p.next().Offset
	kids, err := p.items("rbrace", func() (*Node, error) {
		k, err := p.parseExpression(true)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect("colon"); err != nil {
			return nil, err
		}
		v, err := p.parseExpression(true)
		return &Node{Kind: "Pair", Kids: []*Node{k, v}, Offset: k.Offset}, err
	})
	return &Node{Kind: "Dict", Kids: kids, Offset: off}, err
}

func (p *parser) parsePostfix(node *Node) (*Node, error) {
	var err error
	for err == nil {
		switch p.cur().Type {
		case "dot", "lbracket":
			node, err = p.parseSubscript(node)
		case "lparen":
			node, err = p.parseCall(node)
		default:
			return node, nil
		}
	}
	return node, err
}

func (p *parser) parseFilterExpr(node *Node) (*Node, error) {
	var err error
	for err == nil {
		switch {
		case p.is("pipe"):
			node, err = p.parseFilter(node, false)
		case p.is("name:is"):
			node, err = p.parseTest(node)
		case p.is("lparen"):
			node, err = p.parseCall(node)
		default:
			return node, nil
		}
	}
	return node, err
}

func (p *parser) parseSubscript(node *Node) (*Node, error) {
	t := p.next()
	if t.Type == "dot" {
		a := p.next()
		switch a.Type {
		case TokName:
			return &Node{Kind: "Getattr", Value: a.Value, Kids: []*Node{node}, Offset: a.Offset}, nil
		case TokInteger:
			return &Node{Kind: "Getitem", Kids: []*Node{node, {Kind: "Const", Value: a.Value, Offset: a.Offset}}, Offset: a.Offset}, nil
		}
		p.i--
		return nil, p.fail("expected name or number")
	}
	args, err := p.items("rbracket", p.parseSubscribed)
	if err != nil {
		return nil, err
	}
	var key *Node
	if len(args) == 1 {
		key = args[0]
	} else {
		key = &Node{Kind: "Tuple", Kids: args, Offset: t.Offset}
	}
	return &Node{Kind: "Getitem", Kids: []*Node{node, key}, Offset: t.Offset}, nil
}

// parseSubscribed parses an index or a slice start:stop:step.
func (p *parser) parseSubscribed() (*Node, error) {
	off := p.cur().Offset
	var parts []*Node
	if p.is("colon") {
		p.next()
		parts = []*Node{nil}
	} else {
		n, err := p.parseExpression(true)
		if err != nil || !p.is("colon") {
			return n, err
		}
		p.next()
		parts = []*Node{n}
	}
	optional := func() (*Node, error) {
		if p.is("rbracket") || p.is("comma") {
			return nil, nil
		}
		return p.parseExpression(true)
	}
	if p.is("colon") {
		parts = append(parts, nil)
	} else {
		n, err := optional()
		if err != nil {
			return nil, err
		}
		parts = append(parts, n)
	}
	if p.skipIf("colon") {
		n, err := optional()
		if err != nil {
			return nil, err
		}
		parts = append(parts, n)
	} else {
		parts = append(parts, nil)
	}
	return &Node{Kind: "Slice", Kids: parts, Offset: off}, nil
}
