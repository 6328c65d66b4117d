package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// Flood control and recursion bounds of Judge.Pickle.
const (
	// maxPerCallable is how many findings one rule gets for one callable,
	// one per offset; the last one kept counts the rest.
	maxPerCallable = 20
	// maxNestedDepth bounds the recursion into nested pickles; the reader
	// bounds it too, this is defence in depth.
	maxNestedDepth = 32
	// maxEvidence bounds the length of Finding.Evidence, in runes.
	maxEvidence = 200
)

// isInstantiator reports the safe callables whose first argument is a
// class that they create without calling its constructor;
// copyreg._reconstructor also calls base.__init__ when its base is not
// object (see policy_shapes.go).
func isInstantiator(name string) bool {
	switch name {
	case "copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__":
		return true
	}
	return false
}

// isItemWrite reports the opcodes that call append, extend, __setitem__
// or add on their target when it is not a container the pickle built.
func isItemWrite(op string) bool {
	switch op {
	case "APPEND", "APPENDS", "SETITEM", "SETITEMS", "ADDITEMS":
		return true
	}
	return false
}

// use collects what one stream does with one global.
type use struct {
	g       pickle.Global
	first   int64 // first import offset, -1 if never imported
	imports int
	calls   []pickle.Call // REDUCE, INST, OBJ on the global itself
	inst    []pickle.Call // NEWOBJ, NEWOBJ_EX, BUILD, item writes on instances, instantiators
	// moreCalls and moreInst count the calls of each sort that the
	// reader counted without listing them (pickle.CallGroup).
	moreCalls, moreInst int64
	excused             int // calls a precise exception judged harmless (policy_exceptions.go)
	poisons             int // writes into the global itself, reported at once (MG013)
	// members counts the imports that are getattr(<global>, '<name>') of
	// an unknown global, the way enum members are pickled.
	members int
	// owners counts the getattr calls of that shape that fetch from this
	// global.
	owners int
	order  int
}

type uses struct {
	m   map[pickle.Global]*use
	seq int
}

func (u *uses) get(g pickle.Global) *use {
	g = normalize(g)
	if x, ok := u.m[g]; ok {
		return x
	}
	x := &use{g: g, first: -1, order: u.seq}
	u.seq++
	u.m[g] = x
	return x
}

// Pickle returns the findings for one stream's facts. Member is left
// empty; Offset is the offset in the stream (for findings inside a nested
// pickle, the offset of the call that loads it).
func (p *Judge) Pickle(res *pickle.Result) []finding.Finding {
	return p.pickle(res, 0)
}

func (p *Judge) pickle(res *pickle.Result, depth int) []finding.Finding {
	if res == nil {
		return nil
	}
	var out findingSet
	u := &uses{m: map[pickle.Global]*use{}}
	for _, im := range res.Imports {
		if strings.HasPrefix(im.Op, "EXT") {
			out.add(finding.Finding{Rule: finding.RuleExtensionCode, Severity: finding.High, Offset: im.Offset,
				Message:  fmt.Sprintf("%s at offset %d takes extension code %d from the copyreg registry of the loading process; the callable cannot be known from the file", im.Op, im.Offset, im.ExtCode),
				Evidence: fmt.Sprintf("%s(%d)", im.Op, im.ExtCode)})
			continue
		}
		if im.Unresolved {
			p.unresolved(&out, im)
			continue
		}
		x := u.get(im.Global)
		if x.first < 0 || im.Offset < x.first {
			x.first = im.Offset
		}
		x.imports++
	}
	clean := map[int64]pickle.Global{}
	for _, n := range res.Nested {
		if p.nested(&out, n, depth) {
			clean[n.Offset] = normalize(n.Loader)
		}
	}
	for _, s := range res.Sources {
		p.source(&out, s)
	}
	ex := newExceptions(p, res, clean)
	ex.harmlessFetch = ex.fetchedHarmless(res.CallGroups)
	ex.partialHarmless = ex.partialCallHarmless(res.CallGroups)
	for _, c := range res.Calls {
		p.call(&out, u, ex, c)
	}
	for _, g := range res.CallGroups {
		p.unlisted(&out, u, g)
	}
	list := make([]*use, 0, len(u.m))
	for _, x := range u.m {
		list = append(list, x)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].order < list[j].order })
	for _, x := range list {
		p.judge(&out, x, ex)
	}
	p.stream(&out, res)
	return out.sorted()
}

// unresolved reports an import whose module or name is computed at load
// time (STACK_GLOBAL of a call result): it may import anything, a module
// whose import alone does harm or a dangerous callable handed on to a call.
func (p *Judge) unresolved(out *findingSet, im pickle.Import) {
	name := globalName(im.Global)
	desc := ""
	if im.Desc != "" {
		desc = " (" + clean(im.Desc, maxEvidence) + ")"
	}
	out.add(finding.Finding{Rule: finding.RuleUnknownImport, Severity: finding.High, Offset: im.Offset, Callable: name, Evidence: name,
		Message: fmt.Sprintf("%s at offset %d imports a global whose name is computed at load time%s; it can be any module and any callable in it, os.system as well", im.Op, im.Offset, desc)})
}

// call records one call, or reports it at once when its nature decides.
func (p *Judge) call(out *findingSet, u *uses, ex *exceptions, c pickle.Call) {
	switch {
	case c.OnGlobal && (c.Op == "BUILD" || isItemWrite(c.Op)):
		if !c.Callee.IsZero() {
			u.get(c.Callee).poisons++
		}
		p.poison(out, c)
	case c.Op == "BUILD":
		if !c.Callee.IsZero() {
			x := u.get(c.Callee)
			x.inst = append(x.inst, c)
		}
	case !c.Known || c.Callee.IsZero():
		if c.Op == "REDUCE" && normalize(c.Callee) == getattrGlobal && ex.harmlessFetch {
			return
		}
		if c.Op == "REDUCE" && normalize(c.Callee) == partialGlobal && ex.partialHarmless {
			return
		}
		p.derivedCall(out, c)
	case c.Op == "NEWOBJ" || c.Op == "NEWOBJ_EX" || isItemWrite(c.Op):
		x := u.get(c.Callee)
		x.inst = append(x.inst, c)
		if !isItemWrite(c.Op) {
			p.shape(out, u, c)
		}
	default: // REDUCE, INST, OBJ
		x := u.get(c.Callee)
		if ex.excuses(c) {
			x.excused++
			return
		}
		if m, onGlobal, ok := ex.fetched(c); ok {
			x.excused++
			y := u.get(m)
			if y.first < 0 || c.Offset < y.first {
				y.first = c.Offset
			}
			y.imports++
			if v := p.Classify(m); v.Class != ClassUnknown || !onGlobal || ex.getattrUsed {
				y.calls = append(y.calls, c) // judged as called: duck typing calls what it is handed
			} else {
				y.members++ // the shape of an enum member: judged as the import of Color.RED
				u.get(c.ArgFacts[0].Global).owners++
			}
			return
		}
		x.calls = append(x.calls, c)
		p.shape(out, u, c) // instantiators, callers of arguments (policy_shapes.go)
		p.handed(u, c)     // what the knowledge base says it calls
	}
}

// poison reports BUILD, or an item write, applied to an imported object
// itself rather than to an instance: the change lasts for the whole
// process. Always at least high, whatever the object.
func (p *Judge) poison(out *findingSet, c pickle.Call) {
	v := p.Classify(c.Callee)
	sev := finding.High
	if v.Class == ClassDangerous {
		sev = finding.Critical
	}
	what := "sets attributes on"
	if c.Op != "BUILD" {
		what = "writes into"
	}
	ev := evidence(c)
	out.add(finding.Finding{Rule: finding.RuleAttributePoison, Severity: sev, Offset: c.Offset, Callable: globalName(c.Callee), Evidence: ev,
		Message: fmt.Sprintf("%s at offset %d %s the imported object %s itself, for the whole process%s%s",
			ev, c.Offset, what, globalName(c.Callee), because(v), note(c.Op, v))})
}

// derivedCall reports a call of an object that does not come straight
// from an import: the result of another call, an attribute fetched at run
// time. Calling a computed object is at least high.
func (p *Judge) derivedCall(out *findingSet, c pickle.Call) {
	from := ""
	if !c.Callee.IsZero() {
		from = ", derived from " + globalName(c.Callee)
	}
	v := p.Classify(c.Callee)
	ev := evidence(c)
	f := finding.Finding{Rule: finding.RuleUnknownCall, Severity: finding.High, Offset: c.Offset, Callable: globalName(c.Callee), Evidence: ev}
	if v.Class == ClassDangerous {
		f.Rule, f.Severity = finding.RuleDangerousCallable, finding.Critical
	}
	f.Message = fmt.Sprintf("%s at offset %d calls an object computed at load time%s%s%s", ev, c.Offset, from, because(v), note(c.Op, v))
	out.add(f)
}

var objectGlobal = pickle.Global{Module: "builtins", Name: "object"}

// argGlobal returns the imported global that positional argument i of c
// is, if it is one.
func argGlobal(c pickle.Call, i int) (pickle.Global, bool) {
	if i >= len(c.ArgFacts) || c.ArgFacts[i].Kind != pickle.ArgGlobal {
		return pickle.Global{}, false
	}
	return c.ArgFacts[i].Global, true
}

// unlisted accounts for the calls of a group that the reader counted
// without listing them: they add to the counts of their callable and to
// the "more like it" of the findings the listed ones raised. None of them
// is excused: an exception needs the call itself.
func (p *Judge) unlisted(out *findingSet, u *uses, g pickle.CallGroup) {
	if g.Unexamined > 0 {
		out.add(finding.Finding{Rule: finding.RuleInconclusive, Severity: finding.High, Offset: g.First, Callable: globalName(g.Callee),
			Message: fmt.Sprintf("%d %s calls of %s, whose arguments decide what runs, were not examined one by one (too many argument shapes in one stream)", g.Unexamined, g.Op, globalName(g.Callee))})
	}
	n := g.Count - g.Listed
	if n <= 0 {
		return
	}
	name := globalName(g.Callee)
	switch {
	case g.OnGlobal && (g.Op == "BUILD" || isItemWrite(g.Op)):
		if !g.Callee.IsZero() {
			u.get(g.Callee).poisons += int(n)
		}
		out.hide(finding.RuleAttributePoison, name, n)
	case g.Op == "BUILD" || g.Op == "NEWOBJ" || g.Op == "NEWOBJ_EX" || (g.Known && isItemWrite(g.Op)):
		if !g.Callee.IsZero() {
			u.get(g.Callee).moreInst += n
		}
	case !g.Known || g.Callee.IsZero():
		rule := finding.RuleUnknownCall
		if p.Classify(g.Callee).Class == ClassDangerous {
			rule = finding.RuleDangerousCallable
		}
		out.hide(rule, name, n)
	default:
		u.get(g.Callee).moreCalls += n
	}
}
