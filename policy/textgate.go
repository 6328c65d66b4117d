package policy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// Text gates: library code that reaches a sink only as one of its
// parameters steers it (sympy's sympify evaluates a str; sympy's
// import_module imports the name it is given). The knowledge base marks
// such evaluators ("textonly" in scripts/knowledge/reviewed.txt) and
// records, for every callable whose chain ends at one, which of its
// parameters flow there (scripts/knowledge/textflow.py). A global whose
// only sink is such a gate is judged by what the pickle hands it: safe
// when every argument that flows to the gate holds nothing but numbers,
// bools, None, containers of them and instances of the classes the gate
// passes through unevaluated (sympy's Basic); dangerous otherwise, and
// whenever it is used in a way the summaries do not cover (handed to
// other code, called through a computed object, rebuilt by copyreg).

// gate is what the knowledge base says of a text-gated capability.
type gate struct {
	key      string   // the evaluator at the chain's end
	category string   // the sink category it stands for
	passes   []string // classes whose instances it takes unevaluated
}

// gateOf returns the G line of an evaluator.
func (k *knowledge) gateOf(key string) gate {
	f, ok := k.find("G\t" + key + "\t")
	if !ok || len(f) != 2 {
		return gate{key: key, category: "exec"}
	}
	g := gate{key: key, category: f[0]}
	if f[1] != "-" && f[1] != "" {
		g.passes = strings.Split(f[1], ",")
	}
	return g
}

// textTokens returns the tokens of a callable node whose chain ends at a
// gate ("1,2+~"), "" when it has no text chain.
func (k *knowledge) textTokens(key string) string {
	n, ok := k.node(key)
	if !ok {
		return ""
	}
	return n.text
}

// reach says which argument positions of a call a callable's tokens
// reach, the parameters being shifted by shift (1 for a method whose
// first parameter is the class or instance). all is set when every
// position and the state count ("s", "*", or the instance itself).
type reach struct {
	pos  map[int]bool
	from int // positions >= from reach (varargs); -1 for none
	rest bool
	all  bool
}

func parseReach(tokens string, shift int) reach {
	r := reach{pos: map[int]bool{}, from: -1}
	for _, t := range strings.Split(tokens, ",") {
		t = strings.TrimSuffix(t, "~")
		switch {
		case t == "" || t == "-": // "-": reviewed, no parameter flows
		case t == "*" || t == "s":
			r.all = true
		case t == "k":
			r.rest = true
		default:
			plus := strings.HasSuffix(t, "+")
			i, err := strconv.Atoi(strings.TrimSuffix(t, "+"))
			if err != nil {
				r.all = true
				continue
			}
			i -= shift
			if i < 0 {
				// the class itself (__new__'s cls) is library data; the
				// instance itself (__init__'s or __setstate__'s self) is
				// everything it was given
				if shift == 1 && i == -1 && !plus {
					r.all = true
				}
				if plus {
					r.from = 0
				}
				continue
			}
			if plus {
				if r.from < 0 || i < r.from {
					r.from = i
				}
				r.rest = true
				continue
			}
			r.pos[i] = true
		}
	}
	return r
}

func (r reach) reaches(i int) bool {
	if r.all {
		return true
	}
	if i == pickle.RestArgs {
		return r.rest || r.from >= 0
	}
	return r.pos[i] || (r.from >= 0 && i >= r.from)
}

// textGated decides a global whose capability is a text gate, from how
// the stream uses it: ok is true when every use is covered by the
// argument summaries and none hands the gate anything it evaluates; why
// otherwise says what reached it.
func (p *Judge) textGated(x *use, v Verdict, groups []pickle.CallGroup) (ok bool, why string) {
	if p.kb == nil || v.gate.key == "" {
		return false, ""
	}
	for _, c := range append(append([]pickle.Call(nil), x.calls...), x.inst...) {
		if normalize(c.Callee) != x.g && !emptyInstance(c, x.g) {
			return false, fmt.Sprintf("; it is handed to %s at offset %d, which may call it with anything", globalName(c.Callee), c.Offset)
		}
	}
	for _, grp := range groups {
		for i := range grp.Args {
			for _, h := range grp.Args[i].Handed {
				if normalize(h) == x.g && !(i == 0 && emptyInstances(grp)) {
					return false, fmt.Sprintf("; it is handed as an argument to %s, which may call it with anything", globalName(grp.Callee))
				}
			}
		}
	}
	if len(x.calls)+len(x.inst) == 0 && x.moreCalls+x.moreInst == 0 {
		// Imported and handed to nothing that runs while loading: no
		// call reaches the gate during the load (the summaries cover
		// every argument, state and item the stream hands to code).
		return true, ""
	}
	t, ok := p.kb.resolve(x.g)
	if !ok {
		return false, ""
	}
	for _, grp := range groups {
		if !grp.Known || normalize(grp.Callee) != x.g {
			continue
		}
		r, covered := p.kb.reachOf(t, grp.Op)
		if !covered {
			return false, fmt.Sprintf("; it is used by %s, which the knowledge base does not follow", grp.Op)
		}
		for i, a := range grp.Args {
			if !r.reaches(i) {
				continue
			}
			if bad := p.evaluated(a, v.gate); bad != "" {
				where := "argument " + strconv.Itoa(i)
				switch {
				case grp.Op == "BUILD":
					where = "its state"
				case i == pickle.RestArgs:
					where = "later or keyword arguments"
				}
				return false, fmt.Sprintf("; %s gives %s %s, which %s evaluates", grp.Op, where, bad, shortName(v.gate.key))
			}
		}
	}
	return true, ""
}

// reachOf returns the argument positions that reach a gate when the
// target is used by op.
func (k *knowledge) reachOf(t target, op string) (reach, bool) {
	var methods []string
	switch {
	case op == "REDUCE" || op == "INST" || op == "OBJ":
		// a call: the tokens of the callable, or of the class (its
		// __new__ and __init__ already shifted past the class or instance)
		return parseReach(k.textTokens(t.node), 0), true
	case t.kind != kindClass:
		return reach{}, false
	case op == "NEWOBJ" || op == "NEWOBJ_EX":
		methods = []string{"__new__"}
	case op == "BUILD":
		methods = []string{"__setstate__"}
	case isItemWrite(op):
		methods = []string{"append", "extend", "__setitem__", "add"}
	default:
		return reach{}, false
	}
	// Each method's parameter 0 is the class or the instance (the
	// instance: everything, see parseReach); parameter 1 is summary 0 (the
	// first argument, the state, the first item), and so on.
	r := reach{pos: map[int]bool{}, from: -1}
	for _, m := range methods {
		key, ok := k.method(t.node, m)
		if !ok {
			continue
		}
		tok := k.textTokens(key)
		if tok == "" {
			continue
		}
		mr := parseReach(tok, 1)
		r.all = r.all || mr.all
		r.rest = r.rest || mr.rest
		if mr.from >= 0 && (r.from < 0 || mr.from < r.from) {
			r.from = mr.from
		}
		for i := range mr.pos {
			r.pos[i] = true
		}
	}
	return r, true
}

// evaluated says what in a summary the gate would evaluate, "" when
// nothing: text, values the reader cannot see into, objects made by
// anything but a class the gate passes through.
func (p *Judge) evaluated(a pickle.ArgSummary, g gate) string {
	switch {
	case a.Text:
		return "text"
	case a.Opaque:
		return "a value the scanner cannot see into"
	case a.More:
		return "more objects than the scanner lists"
	case len(a.Handed) > 0:
		return "the imported object " + globalName(a.Handed[0])
	}
	for _, m := range a.Made {
		if !p.kb.passes(m, g.passes) {
			return "an object made by " + globalName(m)
		}
	}
	return ""
}

// passes reports whether objects made by m are instances of one of the
// classes: m is a class of the knowledge base with one of them on its MRO.
func (k *knowledge) passes(m pickle.Global, classes []string) bool {
	if len(classes) == 0 {
		return false
	}
	t, ok := k.resolve(normalize(m))
	if !ok || t.kind != kindClass {
		return false
	}
	for _, c := range append([]string{t.node}, k.mro(t.node)...) {
		for _, want := range classes {
			if c == want {
				return true
			}
		}
	}
	return false
}

// emptyInstance reports a call that makes an instance of x and runs none
// of its methods: copyreg._reconstructor(x, object, state), which makes
// it with object.__new__ and, the base being object, calls no __init__
// (another base runs its own __new__ and __init__ with the state). The
// reader attributes what the stream does with the instance after (BUILD,
// item writes) to x, where it is judged.
func emptyInstance(c pickle.Call, x pickle.Global) bool {
	if c.Op != "REDUCE" || normalize(c.Callee) != reconstructorGlobal || c.NArgs != 3 || len(c.ArgFacts) < 2 {
		return false
	}
	cls, base := c.ArgFacts[0], c.ArgFacts[1]
	return cls.Kind == pickle.ArgGlobal && normalize(cls.Global) == x && base.Kind == pickle.ArgGlobal && normalize(base.Global) == objectGlobal
}

// emptyInstances reports a group of copyreg._reconstructor calls that
// the reader listed every one of: each call that hands a class first is
// then among the class's uses, judged one by one (emptyInstance).
func emptyInstances(grp pickle.CallGroup) bool {
	return grp.Known && grp.Op == "REDUCE" && normalize(grp.Callee) == reconstructorGlobal && grp.Listed == grp.Count
}

// reconstructorGlobal is copyreg._reconstructor (copy_reg's, once
// normalised).
var reconstructorGlobal = pickle.Global{Module: "copyreg", Name: "_reconstructor"}
