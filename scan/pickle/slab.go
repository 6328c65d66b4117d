package pickle

// Slab block sizes: blocks start small, so that a tiny nested pickle does
// not pay for a large block, and double up to these.
const (
	maxObjectBlock = 512
	maxValueBlock  = 4096
	minBlock       = 8
)

// slab hands out objects and item arrays carved from shared blocks: a
// state dict makes several objects per tensor, and one allocation per
// block instead of one per object saves most of the allocator's and the
// collector's work. A block lives as long as any object in it; objects are
// charged to MaxModelBytes when made and never refunded, so the blocks
// never outweigh the charges by more than the unused tail of the two
// current blocks. The slab is shared by a stream and its nested pickles.
type slab struct {
	objs  []object
	vals  []value
	nobjs int // size of the next object block
	nvals int // size of the next value block
	// strs is the string table: the content of every non-empty str,
	// bytes and bytearray value, in blocks of strBlock.
	strs  [][]string
	nstrs int
}

// object returns a zero object with room for n items.
func (a *slab) object(n int) *object {
	if len(a.objs) == 0 {
		a.nobjs = min(max(a.nobjs*2, minBlock), maxObjectBlock)
		a.objs = make([]object, a.nobjs)
	}
	o := &a.objs[0]
	a.objs = a.objs[1:]
	if n > 0 {
		o.items = a.values(n)
	}
	return o
}

// values returns an empty slice with capacity n; appending past n
// reallocates, so neighbours in the block are never overwritten.
func (a *slab) values(n int) []value {
	if n > maxItems {
		return make([]value, 0, n)
	}
	if len(a.vals) < n {
		a.nvals = min(max(a.nvals*2, minBlock*maxItems), maxValueBlock)
		a.vals = make([]value, a.nvals)
	}
	v := a.vals[:0:n]
	a.vals = a.vals[n:]
	return v
}

// filled returns a container holding a copy of items (the first maxItems).
func (a *slab) filled(k kind, items []value) value {
	o := a.object(min(len(items), maxItems))
	o.items = append(o.items, items[:min(len(items), maxItems)]...)
	o.count = int64(len(items))
	return value{kind: k, o: o}
}

// strBlock is the size of a block of the string table.
const strBlock = 4096

// text returns a value of kind k whose content is str, entered in the
// string table (empty content takes no entry). ok is false when the
// table is full.
func (a *slab) text(k kind, str string, n int64, flags uint8) (v value, ok bool) {
	v = value{kind: k, n: n, flags: flags}
	if str == "" {
		return v, true
	}
	if a.nstrs == 1<<32-1 {
		return v, false
	}
	if a.nstrs%strBlock == 0 {
		a.strs = append(a.strs, make([]string, 0, strBlock))
	}
	b := &a.strs[len(a.strs)-1]
	*b = append(*b, str)
	a.nstrs++
	v.ref = uint32(a.nstrs)
	return v, true
}

// str returns the content of a str, bytes or bytearray value.
func (a *slab) str(v value) string {
	if v.ref == 0 {
		return ""
	}
	i := v.ref - 1
	return a.strs[i/strBlock][i%strBlock]
}
