package jinja

import (
	"slices"
	"strconv"
	"strings"
)

// maxString bounds a string the pass builds ('_' * 10**9 stays unknown).
const maxString = 4096

// val is what the pass knows of a value: a string (s, known), a list of
// strings (list), an integer (n, isInt), or nothing; built marks a value
// made by string operations at render time, how the operations.
type val struct {
	s      string
	known  bool
	list   []string
	isList bool
	n      int64
	isInt  bool
	built  bool
	how    string
}

func str(s, how string) val {
	if len(s) > maxString {
		return val{built: true, how: how}
	}
	return val{s: s, known: true, how: how}
}

// derived is an unknown value built from parts by an operation.
func derived(how string, parts ...val) val {
	v := val{how: how}
	for _, p := range parts {
		if p.known || p.isList || p.built {
			v.built = true
		}
		v.how = joinHow(v.how, p.how)
	}
	return v
}

// joinHow merges two descriptions of how a value was built, each step
// once, in order.
func joinHow(a, b string) string {
	switch {
	case a == "" || a == b:
		return b
	case b == "":
		return a
	}
	steps := strings.Split(a, ", ")
	for _, s := range strings.Split(b, ", ") {
		if !slices.Contains(steps, s) {
			steps = append(steps, s)
		}
	}
	return strings.Join(steps, ", ")
}

// analysis is the state of one static pass: a flat environment (set
// assignments in document order; scoping is ignored, which only makes the
// pass see more), the macros by name, the facts, and a step budget.
type analysis struct {
	env    map[string]val
	macros map[string]*Node
	facts  []Fact
	seen   map[Fact]bool
	budget int
	calls  int
}

func (a *analysis) fact(f Fact) {
	if !a.seen[f] {
		a.seen[f] = true
		a.facts = append(a.facts, f)
	}
}

// access records the name used to reach an attribute or item.
func (a *analysis) access(key val, how string, off int) {
	switch {
	case key.known && key.s == "":
	case key.known:
		a.fact(Fact{Kind: FactAccess, Name: strings.TrimSpace(key.s), How: joinHow(how, key.how), Offset: off})
	case key.isList:
		for _, s := range key.list {
			a.fact(Fact{Kind: FactAccess, Name: strings.TrimSpace(s), How: joinHow(how, key.how), Offset: off})
		}
	case key.built:
		a.fact(Fact{Kind: FactComputedAccess, How: joinHow(how, key.how), Offset: off})
	}
}

// block runs statements in env.
func (a *analysis) block(stmts []*Node, env map[string]val) val {
	out := val{known: true}
	for _, s := range stmts {
		out = concat(out, a.stmt(s, env), "")
	}
	return out
}

// concat joins two output values.
func concat(x, y val, how string) val {
	if x.known && y.known {
		return str(x.s+y.s, joinHow(joinHow(x.how, y.how), how))
	}
	return derived(how, x, y)
}

// stmt runs one statement and returns what it prints.
func (a *analysis) stmt(n *Node, env map[string]val) val {
	a.budget--
	if n == nil || a.budget < 0 {
		return val{built: true, how: "template too large to follow"}
	}
	switch n.Kind {
	case "Output":
		out := val{known: true}
		for _, k := range n.Kids {
			v := a.eval(k, env)
			if k.Kind == "TemplateData" {
				v.how = ""
			}
			out = concat(out, v, "")
		}
		return out
	case "Assign":
		a.assign(n.Kids[0], a.eval(n.Kids[1], env), env)
		a.namespace(n.Kids[0], n.Kids[1], env)
	case "AssignBlock":
		body := a.block(n.Kids[2].Kids, env)
		if f := n.Kids[1]; f != nil {
			body = a.filterChain(f, body, env)
		}
		if body.known {
			body.how = joinHow(body.how, "{% set %} block")
		}
		a.assign(n.Kids[0], body, env)
	case "Macro":
		a.macros[n.Value] = n
		inner := copyEnv(env)
		for _, p := range n.Kids[0].Kids {
			inner[p.Value] = val{}
		}
		a.walkExprs(n.Kids[1].Kids, inner)
		a.block(n.Kids[2].Kids, inner)
	case "For":
		iter := a.eval(n.Kids[1], env)
		a.assign(n.Kids[0], derived("for loop", iter), env)
		a.walkExprs([]*Node{n.Kids[2]}, env)
		return concat(a.block(n.Kids[3].Kids, env), a.block(n.Kids[4].Kids, env), "for loop")
	case "If":
		a.eval(n.Kids[0], env)
		return a.choice(a.block(n.Kids[1].Kids, env), a.block(n.Kids[2].Kids, env))
	case "CallBlock":
		// caller() inside the called macro is this block's body.
		inner := copyEnv(env)
		inner["caller"] = a.block(n.Kids[3].Kids, copyEnv(env))
		return a.eval(n.Kids[2], inner)
	case "FilterBlock":
		return a.filterChain(n.Kids[0], a.block(n.Kids[1].Kids, env), env)
	case "Include", "Import", "FromImport", "Extends":
		t := a.eval(n.Kids[0], env)
		a.fact(Fact{Kind: FactImport, Name: t.s, How: strings.ToLower(n.Kind), Offset: n.Offset})
	default:
		var out val
		for _, k := range n.Kids {
			switch {
			case k == nil:
			case k.Kind == "Body":
				out = concat(out, a.block(k.Kids, env), "")
			default:
				a.eval(k, env)
			}
		}
		return out
	}
	return val{known: true}
}

// choice is the output of one of two branches.
func (a *analysis) choice(x, y val) val {
	switch {
	case x.known && y.known && x.s == "":
		return y
	case x.known && y.known && y.s == "":
		return x
	}
	return derived("if", x, y)
}

func (a *analysis) walkExprs(ns []*Node, env map[string]val) {
	for _, k := range ns {
		if k != nil {
			a.eval(k, env)
		}
	}
}

func (a *analysis) assign(target *Node, v val, env map[string]val) {
	switch target.Kind {
	case "Name", "NSRef":
		env[target.Value] = v
	case "Tuple":
		for _, k := range target.Kids {
			a.assign(k, derived("tuple unpacking", v), env)
		}
	}
}

// namespace binds the keyword arguments of "set ns = namespace(k=v)" to
// ns.k, as later "set ns.k" statements do.
func (a *analysis) namespace(target, value *Node, env map[string]val) {
	if target.Kind != "Name" || value.Kind != "Call" || value.Kids[0].Kind != "Name" || value.Kids[0].Value != "namespace" {
		return
	}
	for _, k := range value.Kids[1:] {
		if k.Kind == "Keyword" {
			env[target.Value+"."+k.Value] = a.eval(k.Kids[0], env)
		}
	}
}

func copyEnv(env map[string]val) map[string]val {
	out := make(map[string]val, len(env))
	for k, v := range env {
		out[k] = v
	}
	return out
}

// intOf returns the integer a constant spells.
func intOf(v val) (int64, bool) {
	if v.isInt {
		return v.n, true
	}
	return 0, false
}

func constVal(n *Node) val {
	if n.Str {
		return str(n.Value, "")
	}
	if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
		return val{n: i, isInt: true}
	}
	return val{}
}
