package pickle

// Small tuples of literals (numbers, None, bools, str and bytes) are
// immutable and have no identity the reader can observe: nothing the
// reader does modifies a tuple, and CPython raises before any opcode
// could. A state dict repeats the same size and stride tuples for
// thousands of tensors, so one object per distinct tuple is shared by
// the stream, up to maxSharedTuples of them.
const (
	maxSharedTuples  = 4096
	maxSharedItems   = 3
	sharedTupleBytes = 96 // a map entry with its share of the map
)

// tupleKey identifies a small tuple of literals: values are compared as
// they are, so two str items match only when they are the same entry of
// the string table.
type tupleKey struct {
	items [maxSharedItems]value
	n     uint8
}

// tuple returns the shared tuple holding items when they are few
// literals, making it the first time; ok is false for other tuples.
func (s *scanner) tuple(items []value) (v value, ok bool) {
	if len(items) == 0 || len(items) > maxSharedItems {
		return value{}, false
	}
	key := tupleKey{n: uint8(len(items))}
	for i, it := range items {
		if it.kind.hasObject() || it.kind == kAbsent {
			return value{}, false
		}
		key.items[i] = it
	}
	if v, ok := s.sh.tuples[key]; ok {
		return v, true
	}
	if len(s.sh.tuples) >= maxSharedTuples {
		return value{}, false
	}
	if s.sh.tuples == nil {
		s.sh.tuples = make(map[tupleKey]value)
	}
	s.charge(objectBytes + valueBytes*int64(len(items)) + sharedTupleBytes)
	v = s.sh.slab.filled(kTuple, items)
	s.sh.tuples[key] = v
	return v, true
}
