package policy

import (
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// Precise exceptions. A few dangerous callables appear in real files in
// one harmless shape, and only that shape is excused; every other use
// keeps its verdict.
//
//   - A bound method. pickle stores obj.method as
//     builtins.getattr(obj, 'method'): torch 1.13's OneCycleLR keeps
//     self._annealing_cos in its state, so every checkpoint with that
//     scheduler has one. Excused only when the first argument is an
//     instance built by this stream (NEWOBJ, NEWOBJ_EX, INST, OBJ or a
//     copyreg reconstructor, before the getattr) of an allowlisted class,
//     the second a literal attribute name that does not start with "__",
//     and no result of builtins.getattr is ever called, instantiated or
//     written to in the stream, nor builtins.getattr itself passed as an
//     argument. getattr on a module, on an imported global, on an unknown
//     class, of a dunder, or whose result is used, stays critical.
//   - A member of an imported global. Python 3.11 and later pickle an
//     enum member as builtins.getattr(Color, 'RED') (Enum.__reduce_ex__),
//     so every file that holds an enum has one (Hugging Face's
//     training_args.bin among them). When the first argument is a global
//     imported directly, the second a literal name that does not start
//     with "__", and no result of builtins.getattr is ever called,
//     instantiated or written to, the call fetches what importing the
//     dotted global Color.RED would fetch, and it is judged as that import
//     (medium when unknown, critical when on a denylist); getattr itself
//     needs no finding.
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
}

type builtClass struct {
	g      pickle.Global
	offset int64
}

func newExceptions(p *Judge, res *pickle.Result, clean map[int64]pickle.Global) *exceptions {
	ex := &exceptions{p: p, built: map[string]builtClass{}, clean: clean, calls: res.Calls}
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
	return g == getattrGlobal && ex.boundMethod(c)
}

// member reports builtins.getattr(<imported global>, '<name>') whose
// results are never used, and returns the dotted global it fetches.
func (ex *exceptions) member(c pickle.Call) (pickle.Global, bool) {
	if normalize(c.Callee) != getattrGlobal || ex.getattrUsed || c.Op != "REDUCE" || c.NArgs != 2 || len(c.ArgFacts) != 2 {
		return pickle.Global{}, false
	}
	obj, attr := c.ArgFacts[0], c.ArgFacts[1]
	if obj.Kind != pickle.ArgGlobal || attr.Kind != pickle.ArgStr || !isIdent(attr.Str) || strings.HasPrefix(attr.Str, "__") {
		return pickle.Global{}, false
	}
	g := normalize(obj.Global)
	return pickle.Global{Module: g.Module, Name: g.Name + "." + attr.Str}, true
}

// boundMethod reports builtins.getattr(<instance of an allowlisted class
// built earlier in the stream>, '<name>') whose results are never used.
func (ex *exceptions) boundMethod(c pickle.Call) bool {
	if ex.getattrUsed || c.Op != "REDUCE" {
		return false
	}
	if c.NArgs != 2 || len(c.ArgFacts) != 2 {
		return false
	}
	obj, attr := c.ArgFacts[0], c.ArgFacts[1]
	if obj.Kind != pickle.ArgInstance || attr.Kind != pickle.ArgStr || !isIdent(attr.Str) || strings.HasPrefix(attr.Str, "__") {
		return false
	}
	b, ok := ex.built[normalize(obj.Global).String()]
	if !ok || b.offset > c.Offset {
		return false
	}
	return ex.p.Classify(b.g).Class == ClassSafe
}

// referenced reports whether g is passed as an argument anywhere in the
// stream: as a positional argument, or its name rendered without a call
// after it in the summaries (inside a container).
func (ex *exceptions) referenced(g pickle.Global) bool {
	name := g.String()
	for _, c := range ex.calls {
		for _, a := range c.ArgFacts {
			if a.Kind == pickle.ArgGlobal && normalize(a.Global) == g {
				return true
			}
		}
		for _, s := range []string{c.Args, c.Desc} {
			for i := strings.Index(s, name); i >= 0; {
				if end := i + len(name); end >= len(s) || s[end] != '(' {
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
