package jinja

import "strings"

// eval returns what the pass knows of an expression's value, recording
// the facts of every access on the way.
func (a *analysis) eval(n *Node, env map[string]val) val {
	a.budget--
	if n == nil || a.budget < 0 {
		return val{built: a.budget < 0, how: "template too large to follow"}
	}
	var v val
	switch n.Kind {
	case "Const", "TemplateData":
		v = constVal(n)
	case "Name":
		v = a.name(n, env)
	case "Getattr":
		if o := n.Kids[0]; o.Kind == "Name" {
			if v, ok := env[o.Value+"."+n.Value]; ok { // {% set ns.attr = ... %}
				return v
			}
		}
		obj := a.eval(n.Kids[0], env)
		a.access(str(n.Value, ""), "attribute", n.Offset)
		v = derived("", obj)
		v.built = false
	case "Getitem":
		v = a.item(n, env)
	case "Neg", "Pos":
		v = a.eval(n.Kids[0], env)
		if !v.isInt {
			v = derived("", v)
		} else if n.Kind == "Neg" {
			v.n = -v.n
		}
	case "Concat":
		v = str("", "")
		for _, k := range n.Kids {
			v = concat(v, a.eval(k, env), "built by ~")
		}
	case "Mod":
		x := a.eval(n.Kids[0], env)
		if r := n.Kids[1]; r.Kind == "Tuple" && x.known {
			args, _ := a.args(r.Kids, env)
			v = printf(x, args...)
		} else {
			v = a.arith(n, x, a.eval(r, env))
		}
	case "Add", "Mul":
		v = a.arith(n, a.eval(n.Kids[0], env), a.eval(n.Kids[1], env))
	case "List", "Tuple":
		v = a.list(n.Kids, env)
	case "Dict":
		v = val{isList: true}
		for _, p := range n.Kids {
			k := a.eval(p.Kids[0], env)
			a.eval(p.Kids[1], env)
			v = appendItem(v, k)
		}
	case "Filter":
		v = a.filter(n, a.eval(n.Kids[0], env), env)
	case "Call":
		v = a.call(n, env)
	case "CondExpr":
		a.eval(n.Kids[0], env)
		x, y := a.eval(n.Kids[1], env), a.eval(n.Kids[2], env)
		v = derived("conditional", x, y)
	default:
		var parts []val
		for _, k := range n.Kids {
			parts = append(parts, a.eval(k, env))
		}
		v = derived("", parts...)
		v.built = false
	}
	if v.known && n.Kind != "TemplateData" && SpecialName(v.s) {
		a.fact(Fact{Kind: FactNameString, Name: strings.TrimSpace(v.s), How: v.how, Offset: n.Offset})
	}
	return v
}

func (a *analysis) name(n *Node, env map[string]val) val {
	if v, ok := env[n.Value]; ok {
		if v.known || v.isList {
			v.how = joinHow(v.how, "{% set %}")
		}
		return v
	}
	if globals[n.Value] {
		a.fact(Fact{Kind: FactGlobal, Name: n.Value, How: "name", Offset: n.Offset})
	}
	return val{}
}

// item evaluates x[key]: an access, and on a known string or list the
// character, element or slice.
func (a *analysis) item(n *Node, env map[string]val) val {
	obj := a.eval(n.Kids[0], env)
	key := n.Kids[1]
	if key.Kind == "Slice" {
		a.walkExprs(key.Kids, env)
		if obj.known && len(key.Kids) == 3 && key.Kids[0] == nil && key.Kids[1] == nil && key.Kids[2] != nil {
			if s, ok := intOf(a.eval(key.Kids[2], env)); ok && s == -1 {
				return str(reverse(obj.s), joinHow(obj.how, "reversed by [::-1]"))
			}
		}
		return derived("slice", obj)
	}
	k := a.eval(key, env)
	if i, ok := intOf(k); ok {
		switch {
		case obj.known && i >= -int64(len(obj.s)) && i < int64(len(obj.s)):
			if i < 0 {
				i += int64(len(obj.s))
			}
			return str(obj.s[i:i+1], joinHow(obj.how, "indexed"))
		case obj.isList && i >= -int64(len(obj.list)) && i < int64(len(obj.list)):
			if i < 0 {
				i += int64(len(obj.list))
			}
			return str(obj.list[i], joinHow(obj.how, "indexed"))
		}
		return derived("indexed", obj)
	}
	a.access(k, "subscript", n.Offset)
	v := derived("", obj)
	v.built = false
	return v
}

func (a *analysis) arith(n *Node, x, y val) val {
	switch n.Kind {
	case "Add":
		if x.known && y.known {
			return str(x.s+y.s, joinHow(joinHow(x.how, y.how), "built by +"))
		}
		if x.isList && y.isList {
			return val{isList: true, list: append(append([]string{}, x.list...), y.list...), how: joinHow(x.how, y.how)}
		}
		if x.isInt && y.isInt {
			return val{n: x.n + y.n, isInt: true}
		}
		return derived("built by +", x, y)
	case "Mul":
		s, m := x, y
		if y.known {
			s, m = y, x
		}
		if c, ok := intOf(m); ok && s.known && c >= 0 && int64(len(s.s))*c <= maxString {
			return str(strings.Repeat(s.s, int(c)), joinHow(s.how, "repeated by *"))
		}
		if x.isInt && y.isInt {
			return val{n: x.n * y.n, isInt: true}
		}
		return derived("repeated by *", x, y)
	}
	if x.known {
		return printf(x, y)
	}
	return derived("%", x, y)
}

func (a *analysis) list(kids []*Node, env map[string]val) val {
	v := val{isList: true}
	for _, k := range kids {
		v = appendItem(v, a.eval(k, env))
	}
	return v
}

// appendItem adds an element to a list value; an element the pass does
// not know makes the list unknown.
func appendItem(l, e val) val {
	if !l.isList {
		return derived("", l, e)
	}
	if !e.known {
		if e.isInt {
			l.list = append(l.list, "")
			return l
		}
		return derived("list", l, e)
	}
	l.list = append(l.list, e.s)
	l.how = joinHow(l.how, e.how)
	return l
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
