package policy

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// The lists are data, not code: see the header of each file for its format.

//go:embed data/dangerous.txt
var dangerousData string

//go:embed data/safe.txt
var safeData string

//go:embed data/safe_classes.txt
var safeClassesData string

// listEntry is one line of a list file.
type listEntry struct {
	Module string // "*" for a component rule
	Name   string // "*" for a whole module and its submodules
	Reason string // the category's reason
	Line   int
}

// String returns the entry as written in its file, "module name".
func (e listEntry) String() string { return e.Module + " " + e.Name }

// parseList reads a list file. It returns the entries it could read and one
// error per line it could not; the embedded files are checked by a test, so
// callers may use the entries and ignore the errors.
func parseList(data string) ([]listEntry, []error) {
	var entries []listEntry
	var errs []error
	reason := ""
	for i, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			reason = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		f := strings.Fields(line)
		switch {
		case len(f) != 2:
			errs = append(errs, fmt.Errorf("line %d: want \"module name\", got %q", i+1, line))
		case reason == "":
			errs = append(errs, fmt.Errorf("line %d: entry %q before any [category]", i+1, line))
		case f[0] == "*" && (f[1] == "*" || strings.Contains(f[1], ".")):
			errs = append(errs, fmt.Errorf("line %d: a component rule names one component, got %q", i+1, line))
		default:
			entries = append(entries, listEntry{Module: f[0], Name: f[1], Reason: reason, Line: i + 1})
		}
	}
	return entries, errs
}

// maxNameComponents bounds the dotted components of a name that the
// denylist re-splits; a longer name is judged dangerous without trying.
const maxNameComponents = 32

// denyTable matches globals against the dangerous list.
type denyTable struct {
	wild  map[string]listEntry // module -> "module *"
	exact map[string]listEntry // module+" "+name
	comps map[string]listEntry // component -> "* component"
}

func newDenyTable(entries []listEntry) *denyTable {
	t := &denyTable{wild: map[string]listEntry{}, exact: map[string]listEntry{}, comps: map[string]listEntry{}}
	for _, e := range entries {
		switch {
		case e.Module == "*":
			t.comps[e.Name] = e
		case e.Name == "*":
			t.wild[e.Module] = e
		default:
			t.exact[e.Module+" "+e.Name] = e
		}
	}
	return t
}

// denyMatch is a hit on the dangerous list; As is the module.name the
// global was judged as when that differs from the global itself (a
// dotted name re-split, a private alias).
type denyMatch struct {
	Entry listEntry
	As    string
}

// match judges g on every way its dotted path can be re-split into a
// module and an attribute path (pickle resolves "pathlib" + "os.system" to
// os.system, and "argparse" + "_os.system" to the os module's system), and
// then on every component.
func (t *denyTable) match(g pickle.Global) (denyMatch, bool) {
	name := splitDots(g.Name)
	if len(name) > maxNameComponents {
		// Re-splitting costs the cube of the length; no real global is
		// this deep, so fail closed rather than judge it.
		return denyMatch{Entry: listEntry{Module: g.Module, Name: "<long path>",
			Reason: fmt.Sprintf("resolves an attribute path of %d components, too long to judge", len(name))}}, true
	}
	if e, ok := t.pair(g.Module, name); ok {
		if m, ok := t.through(name); ok {
			return m, true // shutil + os.system is os.system, not just shutil
		}
		return denyMatch{Entry: e}, true
	}
	// The module's own submodules reached through the name: torch + hub.load.
	for s := 1; s < len(name); s++ {
		m := g.Module + "." + strings.Join(name[:s], ".")
		if e, ok := t.pair(m, name[s:]); ok {
			return denyMatch{Entry: e, As: m + "." + strings.Join(name[s:], ".")}, true
		}
	}
	if m, ok := t.through(name); ok {
		return m, true
	}
	// Last, components that are dangerous anywhere: __globals__, system.
	for _, c := range append(splitDots(g.Module), name...) {
		if e, ok := t.comps[c]; ok {
			return denyMatch{Entry: e}, true
		}
	}
	return denyMatch{}, false
}

// aliases returns the module names a name component may stand for: itself
// and, for a private alias like "_os" (import os as _os), the public name.
func aliases(c string) []string {
	if t := strings.TrimLeft(c, "_"); t != c && t != "" {
		return []string{c, t}
	}
	return []string{c}
}

// pair matches module m (or a parent package of it) and the attribute path
// name (or a prefix of it).
func (t *denyTable) pair(m string, name []string) (listEntry, bool) {
	for i := len(m); i > 0; i = strings.LastIndexByte(m[:i], '.') {
		if e, ok := t.wild[m[:i]]; ok {
			return e, true
		}
	}
	for k := 1; k <= len(name); k++ {
		if e, ok := t.exact[m+" "+strings.Join(name[:k], ".")]; ok {
			return e, true
		}
	}
	return listEntry{}, false
}

// coversUnder reports a dangerous entry at or under the module prefix p,
// for judging an allow pattern "p.*".
func (t *denyTable) coversUnder(p string) (listEntry, bool) {
	if e, ok := t.match(pickle.Global{Module: p, Name: "x"}); ok {
		return e.Entry, true
	}
	var hit listEntry
	found := false
	for _, m := range []map[string]listEntry{t.wild, t.exact} {
		for _, e := range m {
			if (e.Module == p || strings.HasPrefix(e.Module, p+".")) && (!found || e.String() < hit.String()) {
				hit, found = e, true
			}
		}
	}
	return hit, found
}

// safeTable matches globals against the allowlist.
type safeTable struct {
	wild  map[string]listEntry
	exact map[string]listEntry
}

func newSafeTable(entries []listEntry) *safeTable {
	t := &safeTable{wild: map[string]listEntry{}, exact: map[string]listEntry{}}
	for _, e := range entries {
		if e.Name == "*" {
			t.wild[e.Module] = e
		} else {
			t.exact[e.Module+" "+e.Name] = e
		}
	}
	return t
}

// match allows exact entries, and "module *" for plain public names in
// the module or its submodules. A dotted name is never allowed by a
// wildcard: it can reach whatever the module imported; nor a private
// one: numpy.dtypes._add_dtype_helper sets attributes of the module.
func (t *safeTable) match(g pickle.Global) (listEntry, bool) {
	if e, ok := t.exact[g.Module+" "+g.Name]; ok {
		return e, true
	}
	if g.Name == "" || strings.Contains(g.Name, ".") || strings.HasPrefix(g.Name, "_") {
		return listEntry{}, false
	}
	m := g.Module
	for i := len(m); i > 0; i = strings.LastIndexByte(m[:i], '.') {
		if e, ok := t.wild[m[:i]]; ok {
			return e, true
		}
	}
	return listEntry{}, false
}

func splitDots(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ".")
}

// through finds modules reached as attributes inside a dotted name:
// pathlib + os.system, sysconfig + prefix.os.system, argparse + _os.system.
func (t *denyTable) through(name []string) (denyMatch, bool) {
	for start := 0; start < len(name)-1; start++ {
		for s := start + 1; s < len(name); s++ {
			for _, head := range aliases(name[start]) {
				m := strings.Join(append([]string{head}, name[start+1:s]...), ".")
				if e, ok := t.pair(m, name[s:]); ok {
					return denyMatch{Entry: e, As: m + "." + strings.Join(name[s:], ".")}, true
				}
			}
		}
	}
	return denyMatch{}, false
}
