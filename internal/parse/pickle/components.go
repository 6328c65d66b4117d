package pickle

import "strings"

// Components returns every object a dotted name makes the unpickler
// touch, so that a policy can judge each: for STACK_GLOBAL('pathlib',
// 'os.system') the module attribute pathlib.os, then pathlib.os.system,
// and each tail of the attribute path taken as a global of its own
// (os.system), since pathlib.os is the os module. Dotted module names
// also yield their parent packages (the import system imports them).
// The global itself is always the first element.
func (g Global) Components() []Global {
	out := []Global{g}
	seen := map[Global]bool{g: true}
	addOnce := func(c Global) {
		if c.Name != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	parts := strings.Split(g.Name, ".")
	// Prefixes of the attribute chain: module.a, module.a.b, ...
	for i := 1; i < len(parts); i++ {
		addOnce(Global{Module: g.Module, Name: strings.Join(parts[:i], ".")})
	}
	// Tails: an attribute that is a module re-exports names: a.b.c is
	// judged as module a (name b.c) and module a.b (name c).
	for i := 1; i < len(parts); i++ {
		addOnce(Global{Module: strings.Join(parts[:i], "."), Name: strings.Join(parts[i:], ".")})
	}
	// Parent packages of a dotted module are imported first.
	mparts := strings.Split(g.Module, ".")
	for i := 1; i < len(mparts); i++ {
		addOnce(Global{Module: strings.Join(mparts[:i], "."), Name: mparts[i]})
	}
	return out
}
