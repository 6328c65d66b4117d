package pickle

import "strings"

// sourceKey is the state entry scipy.stats executes: rv_generic's
// __setstate__ updates __dict__ from the state and calls _attach_methods,
// which runs exec(self._parse_arg_template) (scipy/stats/_distn_infrastructure.py).
const sourceKey = "_parse_arg_template"

// isScipyStats reports a class of scipy.stats, where every distribution
// derives from rv_generic.
func isScipyStats(g *Global) bool {
	return g != nil && (g.Module == "scipy.stats" || strings.HasPrefix(g.Module, "scipy.stats."))
}

// sources records the Python source that BUILD hands to exec: the
// _parse_arg_template entry of the state, whatever the class (user
// subclasses of rv_continuous run it too). __dict__.update takes a dict or
// any sequence of pairs. For a class of scipy.stats, a state the reader
// cannot see whole (computed, or with more entries than kept) is
// recorded too, as not whole.
func (s *scanner) sources(g *Global, state value) {
	var pairs []value // key, value, key, value...
	whole := true
	switch {
	case state.kind == kDict:
		// The dict keeps only its first entries; its keys were
		// noted as they were added (noteKeys).
		for _, v := range s.dictSources[state.ref] {
			s.addSource(g, v)
		}
		if s.dictOdd[state.ref] && isScipyStats(g) && len(s.dictSources[state.ref]) == 0 {
			s.addSource(g, value{kind: kObject})
		}
		return
	case state.kind == kTuple || state.kind == kList:
		o := s.objectOf(state)
		whole = int64(len(o.items)) == o.count
		for _, it := range o.items {
			p := s.objectOf(it)
			if (it.kind != kTuple && it.kind != kList) || p == nil || p.count != 2 || len(p.items) != 2 {
				whole = false
				continue
			}
			pairs = append(pairs, p.items[0], p.items[1])
		}
	default:
		// Computed, or an imported object: its entries are unknown.
		whole = state.kind != kObject && state.kind != kGlobal
	}
	found := false
	for i := 0; i+1 < len(pairs); i += 2 {
		k, v := pairs[i], pairs[i+1]
		if !k.isText() {
			if k.kind == kObject || k.kind == kGlobal || k.kind == kStr {
				whole = false // may be the key
			}
			continue
		}
		if s.str(k) != sourceKey {
			continue
		}
		found = true
		s.addSource(g, v)
	}
	if !found && !whole && isScipyStats(g) {
		s.addSource(g, value{kind: kObject})
	}
}

// addSource records one source, v being its value in the state.
func (s *scanner) addSource(g *Global, v value) {
	if !s.fact() {
		return
	}
	src := Source{Offset: s.opStart, Whole: v.isData()}
	if g != nil {
		src.Callee = *g
	}
	if v.kind == kStr || v.kind == kBytes || v.kind == kByteArray {
		src.Text = s.str(v)
	}
	if !s.evidenceOK(len(src.Text)) {
		return
	}
	s.res.Sources = append(s.res.Sources, src)
}

// noteKeys notes the keys added to the dict d from the flat key, value
// list kv, past the entries the dict keeps: the values of the source
// key, and whether a key that may be it (computed, or a str not kept
// whole) was added.
func (s *scanner) noteKeys(d value, kv []value) {
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i]
		switch {
		case k.isText():
			if s.str(k) != sourceKey {
				continue
			}
			if s.dictSources == nil {
				s.dictSources = make(map[uint32][]value)
			}
			if len(s.dictSources[d.ref]) < maxItems {
				s.charge(valueBytes)
				s.dictSources[d.ref] = append(s.dictSources[d.ref], kv[i+1])
			}
		case k.kind == kObject || k.kind == kGlobal || k.kind == kStr:
			if s.dictOdd == nil {
				s.dictOdd = make(map[uint32]bool)
			}
			if !s.dictOdd[d.ref] {
				s.charge(valueBytes)
				s.dictOdd[d.ref] = true
			}
		}
	}
}
