package pickle

import (
	"maps"
	"slices"
)

// clone copies the machine and the facts so far for a fork (see Fork): a
// deep copy of everything the reading changes later, so that neither
// reading sees the other's work. The input is not copied; the copy reads
// as pickle.load (Options.Joblib unset).
func (s *scanner) clone() *scanner {
	c := *s
	c.in, c.fork, c.walk = nil, nil, nil
	c.opts.Joblib = false
	c.res = s.res.clone()
	c.stack, c.marks = slices.Clone(s.stack), slices.Clone(s.marks)
	c.memo = s.memo.clone()
	if s.shortFrame != nil {
		d := *s.shortFrame
		c.shortFrame = &d
	}
	c.sh = s.sh.clone()
	c.globals, c.classes, c.names = maps.Clone(s.globals), maps.Clone(s.classes), maps.Clone(s.names)
	c.imports, c.calls, c.storages = s.imports.clone(), s.calls.clone(), s.storages.clone()
	c.groups, c.shapes, c.dictOdd = maps.Clone(s.groups), maps.Clone(s.shapes), maps.Clone(s.dictOdd)
	c.dictSources, c.more = cloneLists(s.dictSources), cloneLists(s.more)
	return &c
}

// clone copies the facts: every slice the reading appends to or changes
// in place. Nested results are complete when recorded and are shared.
func (r *Result) clone() *Result {
	c := *r
	c.Protocols, c.Imports, c.Calls = slices.Clone(r.Protocols), slices.Clone(r.Imports), slices.Clone(r.Calls)
	c.CallGroups, c.PersistentIDs = slices.Clone(r.CallGroups), slices.Clone(r.PersistentIDs)
	for i := range c.CallGroups {
		c.CallGroups[i].Args = cloneSummaries(c.CallGroups[i].Args)
	}
	c.Storages, c.Nested, c.Sources = slices.Clone(r.Storages), slices.Clone(r.Nested), slices.Clone(r.Sources)
	c.Anomalies, c.Disagreements = slices.Clone(r.Anomalies), slices.Clone(r.Disagreements)
	c.JoblibData, c.JoblibFiles, c.FrameRests = slices.Clone(r.JoblibData), slices.Clone(r.JoblibFiles), slices.Clone(r.FrameRests)
	c.Returned.Items = slices.Clone(r.Returned.Items)
	c.Trailing, c.Err, c.Limit = clonePtr(r.Trailing), clonePtr(r.Err), clonePtr(r.Limit)
	return &c
}

// cloneSummaries copies argument summaries, which both readings change
// in place and append to.
func cloneSummaries(a []ArgSummary) []ArgSummary {
	if a == nil {
		return nil
	}
	c := slices.Clone(a)
	for i := range c {
		c[i].Made, c[i].Handed = slices.Clone(c[i].Made), slices.Clone(c[i].Handed)
		c[i].Items = slices.Clone(c[i].Items)
	}
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// cloneLists copies a map of lists and the lists.
func cloneLists(m map[uint32][]value) map[uint32][]value {
	if m == nil {
		return nil
	}
	c := make(map[uint32][]value, len(m))
	for k, v := range m {
		c[k] = slices.Clone(v)
	}
	return c
}

func (m memo) clone() memo {
	c := m
	c.pages = make([][]value, len(m.pages))
	for i, p := range m.pages {
		c.pages[i] = slices.Clone(p)
	}
	c.sparse = maps.Clone(m.sparse)
	return c
}

func (c chunks[T]) clone() chunks[T] {
	c.full = slices.Clip(slices.Clone(c.full)) // full chunks never change
	c.cur = slices.Clone(c.cur)
	return c
}

func (sh *shared) clone() *shared {
	return &shared{opcodes: sh.opcodes, nested: sh.nested, model: sh.model, slab: sh.slab.clone(), tuples: maps.Clone(sh.tuples)}
}

// clone copies the tables: the objects with their items (carved from one
// block, each clipped so that an append copies it), the string table's
// last block (the only one appended to) and the globals (never changed).
// Indexes stay valid: the copy holds the same objects at the same places.
func (a *slab) clone() slab {
	c := slab{nobjs: a.nobjs, nvals: a.nvals, nstrs: a.nstrs, globals: slices.Clone(a.globals)}
	total := 0
	for _, b := range a.objs {
		for i := range b {
			total += len(b[i].items)
		}
	}
	items := make([]value, total)
	c.objs = make([][]object, len(a.objs))
	for i, b := range a.objs {
		c.objs[i] = slices.Clone(b)
		for j := range c.objs[i] {
			o := &c.objs[i][j]
			if o.items == nil {
				continue
			}
			n := copy(items, o.items)
			o.items, items = items[:n:n], items[n:]
		}
	}
	c.strs = slices.Clone(a.strs)
	if n := len(c.strs); n > 0 {
		c.strs[n-1] = slices.Clip(slices.Clone(c.strs[n-1]))
	}
	return c
}
