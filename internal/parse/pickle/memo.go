package pickle

// pageBits sets the size of a dense memo page (4096 entries).
const pageBits = 12

// memo maps memo keys to values. The pickler numbers memo entries from
// zero, so keys live in dense pages allocated in order; any other key
// goes to a map. Both are bounded by Options.MaxMemo.
type memo struct {
	pages    [][]value
	maxPages int
	sparse   map[uint64]value
	n        int // entries present: the next MEMOIZE key
}

func newMemo(maxEntries int) memo {
	return memo{maxPages: maxEntries>>pageBits + 1}
}

func (m *memo) get(k uint64) (value, bool) {
	if p := k >> pageBits; p < uint64(len(m.pages)) {
		if v := m.pages[p][k&(1<<pageBits-1)]; v.kind != kAbsent {
			return v, true
		}
	}
	// A key stored before its page existed stays in the map.
	v, ok := m.sparse[k]
	return v, ok
}

// has reports whether k is present.
func (m *memo) has(k uint64) bool {
	_, ok := m.get(k)
	return ok
}

// put stores v at k and reports whether a page was added. The value must
// not be kAbsent.
func (m *memo) put(k uint64, v value) (paged bool) {
	p := k >> pageBits
	_, inSparse := m.sparse[k]
	if p == uint64(len(m.pages)) && len(m.pages) < m.maxPages && !inSparse {
		m.pages = append(m.pages, make([]value, 1<<pageBits))
		paged = true
	}
	if p < uint64(len(m.pages)) && !inSparse {
		slot := &m.pages[p][k&(1<<pageBits-1)]
		if slot.kind == kAbsent {
			m.n++
		}
		*slot = v
		return paged
	}
	if m.sparse == nil {
		m.sparse = make(map[uint64]value)
	}
	if !inSparse {
		m.n++
	}
	m.sparse[k] = v
	return false
}
