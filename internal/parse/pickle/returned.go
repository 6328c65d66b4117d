package pickle

// Containers keep their first maxItems items, which is all a summary
// needs. A container format that reads a pickle for its value needs a
// whole list (a legacy PyTorch file's storage keys, one per storage), so
// with Options.MaxReturnedItems set the items of lists past the first
// maxItems are kept on the side, up to that many in the stream, and
// Returned lists them. They are not charged to MaxModelBytes: the bound
// is the caller's, so a pickle read for its value hits no limit that the
// same pickle read for its facts does not.

// Returned is what the reader knows of the value a pickle's STOP
// returns, for a container format that reads a pickle for its value
// (the storage keys and entry counts of legacy PyTorch files) instead of
// decoding it a second time.
type Returned struct {
	// Value is the value: ArgInt, ArgBool, ArgStr or ArgBytes (whole
	// content of any length), ArgGlobal, ArgInstance, ArgList, or
	// ArgOther for anything else (a call result, a container of another
	// sort, a string kept only in part, an int beyond int64) and before
	// any pickle completes.
	Value ArgFact
	// Count is the length of an ArgList or ArgTuple.
	Count int64
	// Items lists the items of an ArgList or ArgTuple, each as Value
	// would record it, when the reader kept all of them (at most 32
	// items, or lists within Options.MaxReturnedItems); nil otherwise.
	Items []ArgFact
}

// returned records what STOP returns.
func (s *scanner) returned(v value) Returned {
	r := Returned{Value: s.factOf(v, -1)}
	if v.kind == kTuple {
		// A legacy tar's storage entry, (key, location, storage_type):
		// torch sizes the data by the class in it.
		r.Value.Kind = ArgTuple
	} else if r.Value.Kind != ArgList {
		return r
	}
	o := s.objectOf(v)
	r.Count = o.count
	items := append(o.items[:len(o.items):len(o.items)], s.more[v.ref]...)
	if int64(len(items)) != o.count {
		return r
	}
	r.Items = make([]ArgFact, len(items))
	for i, it := range items {
		r.Items[i] = s.factOf(it, -1)
	}
	return r
}

// factOf returns what the reader knows of v; str and bytes are recorded
// when whole and at most max bytes long (any length when max < 0).
func (s *scanner) factOf(v value, max int) ArgFact {
	fits := (v.kind == kStr || v.kind == kBytes) && v.flags&fTrunc == 0 && (max < 0 || len(s.str(v)) <= max)
	switch {
	case v.kind == kStr && fits:
		return ArgFact{Kind: ArgStr, Str: s.str(v)}
	case v.kind == kBytes && fits:
		return ArgFact{Kind: ArgBytes, Str: s.str(v)}
	case v.kind == kInt:
		return ArgFact{Kind: ArgInt, Int: v.n}
	case v.kind == kBool:
		return ArgFact{Kind: ArgBool, Int: v.n}
	case v.kind == kList:
		return ArgFact{Kind: ArgList}
	case v.kind == kGlobal && s.objectOf(v).direct:
		return ArgFact{Kind: ArgGlobal, Global: *s.globalOf(v)}
	case v.kind == kObject && s.objectOf(v).direct && s.globalOf(v) != nil && (s.objectOf(v).how == hNew || s.objectOf(v).how == hReconstruct):
		return ArgFact{Kind: ArgInstance, Global: *s.globalOf(v)}
	}
	return ArgFact{}
}

// keepMore keeps, for Returned, the items of the list l that its object
// did not keep: items[kept:], where kept items fitted in the object.
func (s *scanner) keepMore(l value, items []value, kept int) {
	if l.kind != kList || kept >= len(items) || s.opts.MaxReturnedItems <= 0 {
		return
	}
	more := items[kept:]
	if s.nmore+len(more) > s.opts.MaxReturnedItems {
		s.nmore = s.opts.MaxReturnedItems // later lists are kept in part: Returned lists none of them
		return
	}
	if s.more == nil {
		s.more = make(map[uint32][]value)
	}
	s.nmore += len(more)
	s.more[l.ref] = append(s.more[l.ref], more...)
}
