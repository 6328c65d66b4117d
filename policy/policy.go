package policy

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// Class is the verdict on one global.
type Class int

// Classes of globals. The zero value is unknown, so that anything not
// explicitly judged is reported.
const (
	ClassUnknown Class = iota
	ClassSafe
	ClassDangerous
)

// String returns the lower-case name of the class.
func (c Class) String() string {
	switch c {
	case ClassSafe:
		return "safe"
	case ClassDangerous:
		return "dangerous"
	default:
		return "unknown"
	}
}

// Verdict is the policy's judgement of one global.
type Verdict struct {
	Class Class
	// Reason says what the global does, e.g. "runs shell commands", or why
	// it is allowed, e.g. "allowlisted: torch tensor rebuild".
	Reason string
	// Matched is the list entry that decided, e.g. "os *", or
	// "allow mypkg.models.Net" for a configuration entry.
	Matched string
	// As is the name the global was judged as when that differs from the
	// global itself (a dotted path re-split: pathlib.os.system as os.system).
	As string
	// gate is set when the danger is a text gate's (textgate.go): the
	// stream's arguments decide.
	gate gate
	// index is set when the danger is a state-index gate's
	// (stateindex.go): the states the stream gives decide.
	index stateIndex
}

// Entry is one allow or deny entry of the configuration.
type Entry struct {
	// Global is "mypkg.models.Net" (exactly that global) or
	// "mypkg.layers.*" (every plain name in that module and its submodules).
	Global string
	Reason string
	// Force allows a known-dangerous global; it is reported (RuleForcedAllow).
	Force bool
}

// Config is what the policy file adds to the embedded knowledge: allow
// and deny entries, severity overrides by rule, and ignore entries.
type Config struct {
	Allow []Entry
	Deny  []Entry
	// Severity overrides the severity of every finding of a rule.
	Severity map[string]finding.Severity
	Ignore   []Ignore
	// Source is the policy file's path as reported (the findings on the
	// file itself are placed there).
	Source string
	// Today is the day ignore entries' expiry dates are judged against.
	Today time.Time
}

// Judge classifies globals and turns pickle facts into findings. It is
// immutable after construction and safe for concurrent use, but for the
// record of which allow entries matched a global (atomic flags), which the
// review after the scan reads (ReviewEntries).
type Judge struct {
	deny  *denyTable
	safe  *safeTable
	allow []pattern
	// allowUsed[i] is set when allow[i] matched a global of the scan.
	allowUsed []atomic.Bool
	denied    []pattern
	forced    []Entry
	listed    *pickle.Listed
	kb        *knowledge

	severity map[string]finding.Severity
	ignore   []Ignore
	file     string
	today    time.Time
}

// pattern is a parsed configuration entry.
type pattern struct {
	entry  Entry
	prefix string // "mypkg.layers" for "mypkg.layers.*"; "" for an exact entry
}

// Default returns the policy of the embedded lists alone.
func Default() *Judge {
	d, _ := parseList(dangerousData)
	s, _ := parseList(safeData)
	c, _ := parseList(safeClassesData)
	return &Judge{deny: newDenyTable(d), safe: newSafeTable(append(s, c...)), listed: newListed(), kb: &knowledge{text: knowledgeText}}
}

// New returns the default policy extended by cfg. It fails on a
// malformed pattern, and on an allow entry that covers a known-dangerous
// global without Force.
func New(cfg Config) (*Judge, error) {
	p := Default()
	p.severity, p.ignore, p.file, p.today = cfg.Severity, cfg.Ignore, cfg.Source, cfg.Today
	for _, e := range cfg.Deny {
		pt, err := parsePattern(e)
		if err != nil {
			return nil, fmt.Errorf("policy deny: %w", err)
		}
		p.denied = append(p.denied, pt)
	}
	for _, e := range cfg.Allow {
		pt, err := parsePattern(e)
		if err != nil {
			return nil, fmt.Errorf("policy allow: %w", err)
		}
		if hit, ok := p.dangerousPattern(pt); ok {
			if !e.Force {
				return nil, fmt.Errorf("policy allow %q: covers a known-dangerous global (%s: %s); set force: true to allow it anyway", e.Global, hit.String(), hit.Reason)
			}
			p.forced = append(p.forced, e)
		}
		p.allow = append(p.allow, pt)
	}
	p.allowUsed = make([]atomic.Bool, len(p.allow))
	return p, nil
}

// Forced returns the allow entries that were accepted only because of
// Force; the caller reports each as RuleForcedAllow.
func (p *Judge) Forced() []Entry {
	return append([]Entry(nil), p.forced...)
}

func parsePattern(e Entry) (pattern, error) {
	g := strings.TrimSpace(e.Global)
	prefix := ""
	if strings.HasSuffix(g, ".*") {
		prefix = strings.TrimSuffix(g, ".*")
	}
	body := g
	if prefix != "" {
		body = prefix
	}
	if body == "" || strings.ContainsAny(body, " \t*") {
		return pattern{}, fmt.Errorf("bad global %q: want \"module.name\" or \"module.*\"", e.Global)
	}
	for _, c := range strings.Split(body, ".") {
		if c == "" {
			return pattern{}, fmt.Errorf("bad global %q: empty component", e.Global)
		}
	}
	if prefix == "" && !strings.Contains(body, ".") {
		return pattern{}, fmt.Errorf("bad global %q: want \"module.name\" or \"module.*\"", e.Global)
	}
	e.Global = g
	return pattern{entry: e, prefix: prefix}, nil
}

// dangerousPattern reports a denylist entry that an allow pattern covers.
func (p *Judge) dangerousPattern(pt pattern) (listEntry, bool) {
	if pt.prefix != "" {
		return p.deny.coversUnder(pt.prefix)
	}
	c := strings.Split(pt.entry.Global, ".")
	for s := 1; s < len(c); s++ {
		g := pickle.Global{Module: strings.Join(c[:s], "."), Name: strings.Join(c[s:], ".")}
		if m, ok := p.deny.match(g); ok {
			return m.Entry, true
		}
	}
	return listEntry{}, false
}

// matches reports whether a configuration pattern covers g. A prefix
// pattern covers plain names only, like a "module *" list entry.
func (pt pattern) matches(g pickle.Global, anyName bool) bool {
	full := g.String()
	if pt.prefix == "" {
		return full == pt.entry.Global || (anyName && strings.HasPrefix(full, pt.entry.Global+"."))
	}
	if !anyName && strings.Contains(g.Name, ".") {
		return false
	}
	return g.Module == pt.prefix || strings.HasPrefix(g.Module, pt.prefix+".") ||
		(anyName && strings.HasPrefix(full, pt.prefix+"."))
}

// normalize maps the Python 2 names a reader may leave in place, as
// CPython's _compat_pickle does for the names that matter here, and the
// names dill's Unpickler.find_class resolves where pickle.load refuses
// them (dill.dill, __builtin__.NoneType, __builtin__.__main__): any pickle may be handed to
// dill.load, and a name one loader refuses runs nothing in it, so the
// name is judged as the loader that resolves it reads it.
func normalize(g pickle.Global) pickle.Global {
	switch g.Module {
	case "__builtin__", "exceptions":
		g.Module = "builtins"
		switch g.Name {
		case "xrange":
			g.Name = "range"
		case "unicode", "basestring":
			g.Name = "str"
		case "long":
			g.Name = "int"
		case "unichr":
			g.Name = "chr"
		case "raw_input":
			g.Name = "input"
		case "reduce":
			g.Module = "functools"
		case "intern":
			g.Module = "sys"
		}
	case "copy_reg":
		g.Module = "copyreg"
	case "dill.dill":
		// dill's Unpickler.find_class reads dill.dill as dill._dill (dill
		// 0.3.6 _dill.py); before dill 0.3 dill.dill was that module.
		g.Module = "dill._dill"
	}
	switch g {
	case pickle.Global{Module: "builtins", Name: "NoneType"}:
		// dill's find_class returns type(None) for __builtin__.NoneType;
		// every other loader refuses the name, running nothing.
		g = pickle.Global{Module: "types", Name: "NoneType"}
	case pickle.Global{Module: "builtins", Name: "__main__"}:
		// and the namespace of the program's __main__ module (its
		// __dict__) for __builtin__.__main__.
		g = pickle.Global{Module: "__main__", Name: "__dict__"}
	}
	return g
}

// Classify judges one global. It serves pickles and any other format that
// names Python callables by module and name (Keras configs).
func (p *Judge) Classify(g pickle.Global) Verdict {
	return p.classify(g, useCall)
}

// classify judges g for one use: as called (Classify), or, for a class,
// only instantiated without its constructor (useInstance).
func (p *Judge) classify(g pickle.Global, use int) Verdict {
	if g.IsZero() {
		return Verdict{Class: ClassUnknown, Reason: "no global named"}
	}
	g = normalize(g)
	for _, pt := range p.denied {
		if pt.matches(g, true) {
			return Verdict{Class: ClassDangerous, Reason: orDefault(pt.entry.Reason, "denied by the policy file"), Matched: "deny " + pt.entry.Global}
		}
	}
	if m, ok := p.deny.match(g); ok {
		for i, pt := range p.allow {
			if pt.entry.Force && pt.matches(g, false) {
				p.allowUsed[i].Store(true)
				return Verdict{Class: ClassSafe, Reason: "allowed by force in the policy file: " + orDefault(pt.entry.Reason, "no reason given"), Matched: "allow " + pt.entry.Global}
			}
		}
		if v, ok := p.dataOfDeniedModule(g, m); ok {
			return v
		}
		reason := m.Entry.Reason
		if v, ok := p.analysed(g, use); ok && v.Class == ClassDangerous && strings.Contains(v.Reason, " -> ") {
			reason = m.Entry.Reason + "; " + v.Reason // the chain says how
		}
		return Verdict{Class: ClassDangerous, Reason: reason, Matched: m.Entry.String(), As: m.As}
	}
	for i, pt := range p.allow {
		if pt.matches(g, false) {
			p.allowUsed[i].Store(true)
			return Verdict{Class: ClassSafe, Reason: "allowed by the policy file: " + orDefault(pt.entry.Reason, "no reason given"), Matched: "allow " + pt.entry.Global}
		}
	}
	if v, ok := p.analysed(g, use); ok {
		return v
	}
	if e, ok := p.safe.match(g); ok {
		return Verdict{Class: ClassSafe, Reason: "allowlisted: " + e.Reason, Matched: e.String()}
	}
	return Verdict{Class: ClassUnknown, Reason: "on no list"}
}

func orDefault(s, d string) string {
	if strings.TrimSpace(s) == "" {
		return d
	}
	return s
}
