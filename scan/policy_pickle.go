package scan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/modelgate/modelgate/scan/pickle"
)

// Flood control and recursion bounds of Policy.Pickle.
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
// object (see reconstructorArgs).
func isInstantiator(name string) bool {
	switch name {
	case "copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__":
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
	inst    []pickle.Call // NEWOBJ, NEWOBJ_EX, BUILD, instantiators
	order   int
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
func (p *Policy) Pickle(res *pickle.Result) []Finding {
	return p.pickle(res, 0)
}

func (p *Policy) pickle(res *pickle.Result, depth int) []Finding {
	if res == nil {
		return nil
	}
	var out findingSet
	u := &uses{m: map[pickle.Global]*use{}}
	for _, im := range res.Imports {
		if strings.HasPrefix(im.Op, "EXT") {
			out.add(Finding{Rule: RuleExtensionCode, Severity: High, Offset: im.Offset,
				Message:  fmt.Sprintf("%s at offset %d resolves extension code %d from the copyreg registry of the loading process: the callable cannot be known from the file", im.Op, im.Offset, im.ExtCode),
				Evidence: fmt.Sprintf("%s(%d)", im.Op, im.ExtCode)})
			continue
		}
		x := u.get(im.Global)
		if x.first < 0 || im.Offset < x.first {
			x.first = im.Offset
		}
		x.imports++
	}
	for _, c := range res.Calls {
		p.call(&out, u, c)
	}
	list := make([]*use, 0, len(u.m))
	for _, x := range u.m {
		list = append(list, x)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].order < list[j].order })
	for _, x := range list {
		p.judge(&out, x)
	}
	for _, n := range res.Nested {
		p.nested(&out, n, depth)
	}
	p.stream(&out, res)
	return out.sorted()
}

// call records one call, or reports it at once when its nature decides.
func (p *Policy) call(out *findingSet, u *uses, c pickle.Call) {
	switch {
	case c.Op == "BUILD" && c.OnGlobal:
		v := p.Classify(c.Callee)
		sev := High
		if v.Class == ClassDangerous {
			sev = Critical
		}
		name := c.Callee.String()
		out.add(Finding{Rule: RuleAttributePoison, Severity: sev, Offset: c.Offset, Callable: name, Evidence: evidence(c),
			Message: fmt.Sprintf("BUILD at offset %d sets attributes on the imported object %s itself, not on an instance: %s; this changes %s for the whole process%s",
				c.Offset, name, evidence(c), name, verdictNote(v))})
	case c.Op == "BUILD":
		if !c.Callee.IsZero() {
			x := u.get(c.Callee)
			x.inst = append(x.inst, c)
		}
	case !c.Known || c.Callee.IsZero():
		p.derivedCall(out, c)
	case c.Op == "NEWOBJ" || c.Op == "NEWOBJ_EX":
		x := u.get(c.Callee)
		x.inst = append(x.inst, c)
	default: // REDUCE, INST, OBJ
		x := u.get(c.Callee)
		x.calls = append(x.calls, c)
		if isInstantiator(normalize(c.Callee).String()) {
			cls, base := reconstructorArgs(c.Args)
			if cls != "" {
				y := u.get(globalOf(cls))
				y.inst = append(y.inst, c)
			}
			if base != "" && !isObject(base) {
				// copyreg._reconstructor calls base.__init__(obj, state).
				y := u.get(globalOf(base))
				y.calls = append(y.calls, c)
			}
		}
	}
}

// derivedCall reports a call of an object that does not come straight
// from an import: the result of another call, an attribute fetched at run
// time. Calling a computed object is at least high.
func (p *Policy) derivedCall(out *findingSet, c pickle.Call) {
	what := c.Desc
	if what == "" {
		what = "an object computed in the stream"
	}
	from := ""
	if !c.Callee.IsZero() {
		from = " derived from " + c.Callee.String()
	}
	v := p.Classify(c.Callee)
	f := Finding{Rule: RuleUnknownCall, Severity: High, Offset: c.Offset, Callable: c.Callee.String(), Evidence: evidence(c)}
	if v.Class == ClassDangerous {
		f.Rule, f.Severity = RuleDangerousCallable, Critical
	}
	f.Message = fmt.Sprintf("%s at offset %d calls %s%s: %s%s", c.Op, c.Offset, what, from, evidence(c), verdictNote(v))
	out.add(f)
}

// judge reports one global according to its verdict and its uses.
func (p *Policy) judge(out *findingSet, x *use) {
	v := p.Classify(x.g)
	name := x.g.String()
	switch v.Class {
	case ClassSafe:
		return
	case ClassDangerous:
		what := dangerWhat(name, v)
		acts := append(append([]pickle.Call(nil), x.calls...), x.inst...)
		sort.SliceStable(acts, func(i, j int) bool { return acts[i].Offset < acts[j].Offset })
		if len(acts) == 0 {
			out.add(Finding{Rule: RuleDangerousCallable, Severity: Critical, Offset: x.first, Callable: name, Evidence: name,
				Message: fmt.Sprintf("imports %s at offset %d%s: %s; a reference is enough to hand it to another call", name, x.first, times(x.imports, "import"), what)})
			return
		}
		for _, c := range acts {
			out.add(Finding{Rule: RuleDangerousCallable, Severity: Critical, Offset: c.Offset, Callable: name, Evidence: evidence(c),
				Message: fmt.Sprintf("%s at offset %d invokes %s: %s: %s", c.Op, c.Offset, name, evidence(c), what)})
		}
	default:
		switch {
		case len(x.calls) > 0:
			c := x.calls[0]
			out.add(Finding{Rule: RuleUnknownCall, Severity: High, Offset: c.Offset, Callable: name, Evidence: evidence(c),
				Message: fmt.Sprintf("%s at offset %d calls %s, which is on no allowlist: %s%s", c.Op, c.Offset, name, evidence(c), times(len(x.calls), "call"))})
		case len(x.inst) > 0:
			c := x.inst[0]
			out.add(Finding{Rule: RuleUnknownClass, Severity: Medium, Offset: c.Offset, Callable: name, Evidence: evidence(c),
				Message: fmt.Sprintf("%s at offset %d builds an instance of %s, a class on no allowlist, and loading it imports that class%s; torch.load(weights_only=True) would refuse it",
					c.Op, c.Offset, name, times(len(x.inst), "use"))})
		default:
			out.add(Finding{Rule: RuleUnknownImport, Severity: Medium, Offset: x.first, Callable: name, Evidence: name,
				Message: fmt.Sprintf("imports %s at offset %d%s; it is on no allowlist, and importing runs its module's top-level code", name, x.first, times(x.imports, "import"))})
		}
	}
}

// nested reports a pickle that reaches a loader, and its own findings at
// the offset of the loading call.
func (p *Policy) nested(out *findingSet, n pickle.Nested, depth int) {
	loader := n.Loader.String()
	if loader == "" {
		loader = "a loader"
	}
	prefix := fmt.Sprintf("in a pickle loaded by %s at offset %d: ", loader, n.Offset)
	var inner []Finding
	if depth+1 >= maxNestedDepth {
		inner = []Finding{{Rule: RuleInconclusive, Severity: High, Message: fmt.Sprintf("pickles nest deeper than %d levels; the innermost was not analysed", maxNestedDepth)}}
	} else {
		inner = p.pickle(n.Result, depth+1)
	}
	worst := SeverityInvalid
	for _, f := range inner {
		f.Offset, f.Length = n.Offset, 1
		f.Message = prefix + f.Message
		if f.Severity > worst {
			worst = f.Severity
		}
		out.add(f)
	}
	msg := fmt.Sprintf("a pickle at offset %d is passed to %s; it was scanned: %d finding%s", n.Offset, loader, len(inner), plural(len(inner)))
	if worst > SeverityInvalid {
		msg += ", worst " + worst.String()
	}
	out.add(Finding{Rule: RuleNestedPickle, Severity: High, Offset: n.Offset, Callable: n.Loader.String(), Evidence: loader + "(<pickle>)", Message: msg})
}

// stream reports the state of the stream itself: limit, trailing data,
// and the parse error raised to the worst finding before it.
func (p *Policy) stream(out *findingSet, res *pickle.Result) {
	if l := res.Limit; l != nil {
		out.add(Finding{Rule: RuleInconclusive, Severity: High, Offset: l.Offset,
			Message: fmt.Sprintf("the scan stopped at offset %d: bound %s hit (%s); the rest of the stream was not analysed", l.Offset, l.Name, clean(l.Msg, maxEvidence))})
	}
	if t := res.Trailing; t != nil {
		out.add(Finding{Rule: RuleTrailingData, Severity: Low, Offset: t.Offset, Length: max(t.Size, 1),
			Message: fmt.Sprintf("%d bytes at offset %d follow the last pickle and are not a pickle", t.Size, t.Offset)})
	}
	if e := res.Err; e != nil {
		sev, cause := Medium, ""
		for _, f := range out.list {
			if f.Offset < e.Offset && f.Severity > sev {
				sev, cause = f.Severity, f.Rule
			}
		}
		at := "the stream ends"
		if e.Op != "" {
			at = "opcode " + e.Op
		}
		msg := fmt.Sprintf("the unpickler would fail at offset %d (%s): %s; everything before it runs when the file is loaded", e.Offset, at, clean(e.Msg, maxEvidence))
		if cause != "" {
			msg += fmt.Sprintf("; raised to %s because a %s finding (%s) precedes the break", sev, sev, cause)
		}
		out.add(Finding{Rule: RuleMalformedPickle, Severity: sev, Offset: e.Offset, Message: msg})
	}
}
