package policy

import (
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// Precise exceptions. A few dangerous callables appear in real files in
// one harmless shape, and only that shape is excused; every other use
// keeps its verdict.
//
//   - An attribute fetched by builtins.getattr with a literal name. pickle
//     stores a bound method obj.method as builtins.getattr(obj, 'method')
//     (torch's OneCycleLR keeps self._annealing_cos), and Python 3.11
//     and later an enum member as builtins.getattr(Color, 'RED'). What
//     such a call fetches is known: the attribute of an imported global
//     (the dotted global Color.RED), or the method of the class of an
//     instance built by the stream (OneCycleLR._annealing_cos). It is
//     judged as that global, and as called: library code calls whatever
//     callable it is handed by duck typing (OrderedDict(ns) calls
//     ns.keys(), torch calls location.startswith()), so a bound
//     PosixPath.write_text is as dangerous called by torch as by the
//     pickle. A name the knowledge base resolves is judged by its
//     capability; one it does not is a call of an unknown callable (high),
//     or, on an imported global whose results are never used, an import
//     of the dotted global (medium). A dunder name, a computed name, or an
//     object that is neither keeps getattr's own verdict.
//   - A call of what such a getattr fetched, when every getattr of the
//     stream was listed and judged harmless above: it calls a callable the
//     knowledge base found to reach no sink (zoneinfo's
//     getattr(ZoneInfo, '_unpickle')(key, 1)).
//   - A nested loader (pickle.loads, torch.storage._load_from_bytes, ...)
//     whose only argument is a literal pickle that the reader scanned to
//     its end with nothing above medium in it: pickle.dumps(tensor) writes
//     torch.storage._load_from_bytes(b'<legacy torch file>'). The nested
//     pickle keeps its own findings and MG009 records the load. A second
//     argument is never excused: torch.load calls a map_location
//     callable for every storage and loads with its pickle_module.

var getattrGlobal = pickle.Global{Module: "builtins", Name: "getattr"}

// exceptions holds the facts of one stream that the exceptions need.
type exceptions struct {
	p *Judge
	// built maps the rendered name of each class instantiated in the
	// stream to the class and the offset of its first instantiation.
	built map[string]builtClass
	// getattrUsed is set when a result of builtins.getattr is called,
	// instantiated, given state or written to.
	getattrUsed bool
	// clean holds the offsets of loader calls whose nested pickle was
	// scanned and found clean, with the loader.
	clean map[int64]pickle.Global
	calls []pickle.Call
	// groups are the stream's call groups, with their argument summaries.
	groups []pickle.CallGroup
	// harmlessFetch is set when every getattr of the stream fetches a
	// global judged safe (fetchedHarmless).
	harmlessFetch bool
	// partialHarmless is set when calling a functools.partial object the
	// stream built calls only what the policy judged (partialCallHarmless).
	partialHarmless bool
}

type builtClass struct {
	g      pickle.Global
	offset int64
}

func newExceptions(p *Judge, res *pickle.Result, clean map[int64]pickle.Global) *exceptions {
	ex := &exceptions{p: p, built: map[string]builtClass{}, clean: clean, calls: res.Calls, groups: res.CallGroups}
	for _, c := range res.Calls {
		g := normalize(c.Callee)
		switch {
		case !c.Known:
			ex.getattrUsed = ex.getattrUsed || g == getattrGlobal
		case c.Op == "NEWOBJ" || c.Op == "NEWOBJ_EX" || c.Op == "INST" || c.Op == "OBJ":
			ex.addBuilt(g, c.Offset)
		case c.Op == "REDUCE" && isInstantiator(g.String()):
			if cls, ok := argGlobal(c, 0); ok {
				ex.addBuilt(cls, c.Offset)
			}
		}
	}
	return ex
}

func (ex *exceptions) addBuilt(g pickle.Global, off int64) {
	k := g.String()
	if b, ok := ex.built[k]; !ok || off < b.offset {
		ex.built[k] = builtClass{g: g, offset: off}
	}
}

// excuses reports whether call c (REDUCE, INST or OBJ of a known global)
// has one of the excused shapes.
func (ex *exceptions) excuses(c pickle.Call) bool {
	g := normalize(c.Callee)
	if l, ok := ex.clean[c.Offset]; ok && l == g && c.NArgs == 1 {
		return true // the data alone: torch.load's map_location and pickle_module would be called
	}
	return false
}

// fetched returns the global that builtins.getattr(obj, 'name') fetches,
// when the name is a literal and not a dunder and obj an imported global
// or an instance the stream built (see above); onGlobal says which.
func (ex *exceptions) fetched(c pickle.Call) (g pickle.Global, onGlobal, ok bool) {
	if normalize(c.Callee) != getattrGlobal || c.Op != "REDUCE" || c.NArgs != 2 || len(c.ArgFacts) != 2 {
		return pickle.Global{}, false, false
	}
	obj, attr := c.ArgFacts[0], c.ArgFacts[1]
	if attr.Kind != pickle.ArgStr || !isIdent(attr.Str) || strings.HasPrefix(attr.Str, "__") && !(attr.Str == "__new__" && obj.Kind == pickle.ArgGlobal) {
		// A class's __new__ is the one dunder let through: pickle
		// protocols 2 and 3 fetch it to make an instance of a class whose
		// __getnewargs_ex__ has keywords (see partialCallHarmless).
		return pickle.Global{}, false, false
	}
	switch obj.Kind {
	case pickle.ArgGlobal:
		onGlobal = true
	case pickle.ArgInstance:
		if b, ok := ex.built[normalize(obj.Global).String()]; !ok || b.offset > c.Offset {
			return pickle.Global{}, false, false
		}
	default:
		return pickle.Global{}, false, false
	}
	o := normalize(obj.Global)
	return pickle.Global{Module: o.Module, Name: o.Name + "." + attr.Str}, onGlobal, true
}

// fetchedHarmless reports that every getattr of the stream was listed
// and fetches a global the policy judges safe: calling what one of them
// returned calls a harmless callable.
func (ex *exceptions) fetchedHarmless(groups []pickle.CallGroup) bool {
	for _, g := range groups {
		if normalize(g.Callee) == getattrGlobal && g.Known && g.Count != g.Listed {
			return false
		}
	}
	for _, c := range ex.calls {
		if !c.Known || normalize(c.Callee) != getattrGlobal {
			continue
		}
		g, _, ok := ex.fetched(c)
		if !ok || ex.p.Classify(g).Class != ClassSafe {
			return false
		}
	}
	return true
}

// partialGlobal is what pickle protocols 2 and 3 call to make an
// instance of a class whose __getnewargs_ex__ has keywords (CPython's
// reduce_newobj): functools.partial(getattr(cls, '__new__'), cls, *args,
// **kwargs), the partial then called with no arguments.
var partialGlobal = pickle.Global{Module: "functools", Name: "partial"}

// partialCallHarmless reports that calling a functools.partial object the
// stream built calls nothing but what the policy already judged: every
// getattr fetched something safe (fetchedHarmless), and everything handed
// to functools.partial, by its constructor or its BUILD state, is a
// value, an imported global (judged on its own as if called), or an
// object made by getattr or an instance of a class whose construction and
// call are judged safe (inertInstance). The partial's function is one of
// those, and its arguments reach that function only. What a function
// returns is none of those: a function judged safe to call may return
// anything it fetches by name (nltk's getattr_, astropy's
// getattr_recursive), and calling that is not judged by the function.
func (ex *exceptions) partialCallHarmless(groups []pickle.CallGroup) bool {
	if !ex.harmlessFetch {
		return false
	}
	for _, g := range groups {
		if normalize(g.Callee) != partialGlobal || !g.Known {
			continue
		}
		if g.Op != "REDUCE" && g.Op != "BUILD" {
			return false
		}
		for _, a := range g.Args {
			if a.Opaque || a.More {
				return false
			}
			for _, m := range a.Made {
				if m = normalize(m); m != getattrGlobal && !ex.p.inertInstance(m) {
					return false
				}
			}
		}
	}
	return true
}

// inertInstance reports that objects made by m are instances of a class
// the knowledge base knows, whose construction is judged safe and whose
// instances are harmless to call: no __call__ on its MRO, or one that
// reaches no sink.
func (p *Judge) inertInstance(m pickle.Global) bool {
	if p.kb == nil || p.Classify(m).Class != ClassSafe {
		return false
	}
	t, ok := p.kb.resolve(m)
	if !ok || (t.kind != kindClass && t.kind != kindStruct) || t.node == "" {
		return false
	}
	key, ok := p.kb.method(t.node, "__call__")
	if !ok {
		return true
	}
	c := p.kb.callable(key)
	return c.known && c.chain == ""
}

// referenced reports whether g is passed as an argument anywhere in the
// stream: as a positional argument, or its name rendered without a call
// after it in the summaries (inside a container).
func (ex *exceptions) referenced(g pickle.Global) bool {
	return ex.referencedBut(g, false)
}

// referencedBut is referenced, leaving out, when owner is set, the
// getattr calls that fetch a literal attribute of g itself: the shape of
// an enum member, which hands g to nothing else.
func (ex *exceptions) referencedBut(g pickle.Global, owner bool) bool {
	name := g.String()
	for _, c := range ex.calls {
		if owner && c.Known {
			if _, onGlobal, ok := ex.fetched(c); ok && onGlobal && normalize(c.ArgFacts[0].Global) == g {
				continue
			}
		}
		for _, a := range c.ArgFacts {
			if a.Kind == pickle.ArgGlobal && normalize(a.Global) == g {
				return true
			}
		}
		for _, s := range []string{c.Args, c.Desc} {
			for i := strings.Index(s, name); i >= 0; {
				end := i + len(name)
				switch {
				case end < len(s) && s[end] == '(':
				case strings.HasPrefix(s[end:], "...") && c.Known && !ex.mayHand(c, g):
					// cut short where a call may follow: the group's
					// summaries of every argument say g is not among them
				default:
					return true
				}
				j := strings.Index(s[i+1:], name)
				if j < 0 {
					break
				}
				i += 1 + j
			}
		}
	}
	return false
}

// mayHand reports whether the arguments of c's groups may hold g itself,
// by the groups' summaries: g among the globals handed, more globals than
// listed, or values the reader cannot see into. True when no group is
// found.
func (ex *exceptions) mayHand(c pickle.Call, g pickle.Global) bool {
	found := false
	for _, grp := range ex.groups {
		if !grp.Known || grp.Op != c.Op || grp.Callee != c.Callee {
			continue
		}
		found = true
		for _, a := range grp.Args {
			if a.MoreHanded || a.Opaque {
				return true
			}
			for _, h := range a.Handed {
				if normalize(h) == g {
					return true
				}
			}
		}
	}
	return !found
}

// isIdent reports an ASCII Python identifier.
func isIdent(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
