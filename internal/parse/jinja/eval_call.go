package jinja

import (
	"strconv"
	"strings"
)

// attributeFilters take an attribute name (dotted: "a.b") as a keyword or,
// for those marked, as their first positional argument.
var attributeFilters = map[string]bool{"map": false, "selectattr": true, "rejectattr": true, "sort": false,
	"groupby": true, "sum": false, "unique": false, "min": false, "max": false, "join": false}

// callable are the globals chat templates call (namespace() for loop
// state, range(), dict()); calling them is ordinary.
var callable = map[string]bool{"namespace": true, "range": true, "dict": true}

// args evaluates a call's arguments: positional values and keywords.
func (a *analysis) args(kids []*Node, env map[string]val) ([]val, map[string]val) {
	var pos []val
	kw := map[string]val{}
	for _, k := range kids {
		switch k.Kind {
		case "Keyword":
			kw[k.Value] = a.eval(k.Kids[0], env)
		case "DynArgs", "DynKwargs":
			pos = append(pos, derived("*args", a.eval(k.Kids[0], env)))
		default:
			pos = append(pos, a.eval(k, env))
		}
	}
	return pos, kw
}

// filterChain applies a {% filter %} or {% set %} block's filters to v.
func (a *analysis) filterChain(f *Node, v val, env map[string]val) val {
	if f == nil || f.Kind != "Filter" {
		return v
	}
	if f.Kids[0] != nil {
		v = a.filterChain(f.Kids[0], v, env)
	}
	return a.filter(f, v, env)
}

// filter applies the filter node n to its evaluated subject.
func (a *analysis) filter(n *Node, subj val, env map[string]val) val {
	pos, kw := a.args(n.Kids[1:], env)
	how := "|" + n.Value
	attrArg := func(v val, h string) {
		if v.known {
			for _, part := range strings.Split(v.s, ".") {
				a.access(str(part, v.how), h, n.Offset)
			}
			return
		}
		if !v.isList {
			// A name no chat template computes: whatever it is built
			// from, the attribute it reaches is chosen at render time.
			v.built = true
		}
		a.access(v, h, n.Offset)
	}
	if first, ok := attributeFilters[n.Value]; ok {
		if v, ok := kw["attribute"]; ok {
			attrArg(v, how+"(attribute=)")
		}
		if first && len(pos) > 0 {
			attrArg(pos[0], how+"()")
		}
		if n.Value == "map" && len(pos) > 1 && pos[0].known && pos[0].s == "attr" {
			attrArg(pos[1], "|map('attr')")
		}
	}
	switch n.Value {
	case "attr":
		if len(pos) > 0 {
			attrArg(pos[0], "|attr()")
		}
		return val{}
	case "string", "safe", "e", "escape", "forceescape":
		if subj.known || !subj.isList && !subj.built && n.Value != "string" {
			return subj
		}
		return derived(how, subj, str("", ""))
	case "format":
		if subj.known {
			return printf(subj, pos...)
		}
	case "join":
		return join(subj, pos)
	case "lower", "upper", "trim", "title", "capitalize":
		if subj.known {
			return str(stringFilter(n.Value, subj.s), joinHow(subj.how, how))
		}
	case "replace":
		if subj.known && len(pos) >= 2 && pos[0].known && pos[1].known {
			return str(strings.ReplaceAll(subj.s, pos[0].s, pos[1].s), joinHow(subj.how, how))
		}
	case "reverse":
		if subj.known {
			return str(reverse(subj.s), joinHow(subj.how, how))
		}
	case "list":
		if subj.known {
			l := val{isList: true, how: joinHow(subj.how, how)}
			for _, r := range subj.s {
				l.list = append(l.list, string(r))
			}
			return l
		}
		if subj.isList {
			return subj
		}
	case "first", "last":
		if subj.known && subj.s != "" {
			r := []rune(subj.s)
			if n.Value == "first" {
				return str(string(r[0]), joinHow(subj.how, how))
			}
			return str(string(r[len(r)-1]), joinHow(subj.how, how))
		}
		if subj.isList && len(subj.list) > 0 {
			if n.Value == "first" {
				return str(subj.list[0], joinHow(subj.how, how))
			}
			return str(subj.list[len(subj.list)-1], joinHow(subj.how, how))
		}
	}
	v := derived(how, append([]val{subj}, pos...)...)
	v.built = v.built || !numericFilters[n.Value]
	return v
}

// numericFilters return numbers or pass their subject through; every
// other filter's result is a string or list built at render time.
var numericFilters = map[string]bool{"length": true, "count": true, "int": true, "float": true, "abs": true,
	"round": true, "sum": true, "min": true, "max": true, "wordcount": true, "default": true, "d": true}

// stringMethods are the str methods that build strings.
var stringMethods = map[string]bool{"format": true, "join": true, "replace": true, "split": true, "rsplit": true,
	"strip": true, "lstrip": true, "rstrip": true, "lower": true, "upper": true, "title": true, "capitalize": true,
	"swapcase": true, "casefold": true, "center": true, "ljust": true, "rjust": true, "zfill": true,
	"partition": true, "rpartition": true, "translate": true, "expandtabs": true, "removeprefix": true,
	"removesuffix": true, "encode": true, "decode": true}

// call evaluates a call: str.format on a known string, a macro, dict(),
// and anything else as an unknown result.
func (a *analysis) call(n *Node, env map[string]val) val {
	callee := n.Kids[0]
	pos, kw := a.args(n.Kids[1:], env)
	switch {
	case callee.Kind == "Getattr":
		obj := a.eval(callee.Kids[0], env)
		a.access(str(callee.Value, ""), "method", callee.Offset)
		return a.method(callee, obj, pos, kw)
	case callee.Kind == "Name" && callee.Value == "caller":
		if v, ok := env["caller"]; ok {
			v.how = joinHow(v.how, "call block body")
			return v
		}
		return val{built: true, how: "caller()"}
	case callee.Kind == "Name" && a.macros[callee.Value] != nil:
		if _, shadowed := env[callee.Value]; !shadowed {
			return a.callMacro(a.macros[callee.Value], pos, kw, env)
		}
	case callee.Kind == "Name" && callee.Value == "dict":
		if _, shadowed := env["dict"]; !shadowed {
			d := val{isList: true, how: "dict() keywords"}
			for _, k := range n.Kids[1:] {
				if k.Kind == "Keyword" {
					d.list = append(d.list, k.Value)
				}
			}
			return d
		}
	}
	if _, shadowed := env[callee.Value]; callee.Kind == "Name" && globals[callee.Value] && !shadowed && !callable[callee.Value] {
		a.fact(Fact{Kind: FactGlobal, Name: callee.Value, How: "call", Offset: callee.Offset})
	}
	if callee.Kind != "Name" || env[callee.Value].built {
		return derived("call", a.eval(callee, env))
	}
	return val{}
}

// method evaluates obj.name(args) for the string methods that build names.
func (a *analysis) method(callee *Node, obj val, pos []val, kw map[string]val) val {
	how := "str." + callee.Value
	if !obj.known {
		v := derived(how, append([]val{obj}, pos...)...)
		v.built = v.built || stringMethods[callee.Value]
		return v
	}
	switch callee.Value {
	case "format":
		return a.pyFormat(obj, pos, kw, callee.Offset)
	case "replace", "join", "lower", "upper", "strip", "title", "capitalize":
		switch {
		case callee.Value == "replace" && len(pos) >= 2 && pos[0].known && pos[1].known:
			return str(strings.ReplaceAll(obj.s, pos[0].s, pos[1].s), joinHow(obj.how, how))
		case callee.Value == "join" && len(pos) == 1 && pos[0].isList:
			return str(strings.Join(pos[0].list, obj.s), joinHow(obj.how, how))
		case callee.Value == "strip":
			return str(strings.TrimSpace(obj.s), joinHow(obj.how, how))
		case callee.Value != "replace" && callee.Value != "join":
			return str(stringFilter(strings.Replace(callee.Value, "strip", "trim", 1), obj.s), joinHow(obj.how, how))
		}
	}
	return derived(how, append([]val{obj}, pos...)...)
}

// callMacro evaluates a macro's body with its parameters bound, which is
// what a call prints (a macro whose body is "__init__" returns that name).
func (a *analysis) callMacro(m *Node, pos []val, kw map[string]val, env map[string]val) val {
	if a.calls >= 8 {
		return val{built: true, how: "macro recursion"}
	}
	a.calls++
	defer func() { a.calls-- }()
	inner := copyEnv(env)
	params := m.Kids[0].Kids
	for i, p := range params {
		v := val{}
		if i < len(pos) {
			v = pos[i]
		}
		if kv, ok := kw[p.Value]; ok {
			v = kv
		}
		inner[p.Value] = v
	}
	out := a.block(m.Kids[2].Kids, inner)
	if out.known || out.built {
		out.how = joinHow(out.how, "macro body")
	}
	return out
}

// intArg returns an argument as an integer for %c / {:c}.
func intArg(v val) (int64, bool) {
	if v.isInt {
		return v.n, true
	}
	if v.known {
		i, err := strconv.ParseInt(v.s, 10, 64)
		return i, err == nil
	}
	return 0, false
}
