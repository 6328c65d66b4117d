package pickle

// Block sizes: the object table grows by blocks of objBlock; value
// blocks start small, so that a tiny nested pickle does not pay for a
// large block, and double up to maxValueBlock.
const (
	objBlock      = 256
	maxValueBlock = 4096
	minValueBlock = 256
)

// slab holds the tables of a stream and its nested pickles: the objects
// (containers, call results, globals) and the string contents that values
// refer to by index, and the blocks the items of containers are carved
// from. A state dict makes several objects per tensor: one allocation per
// block instead of one per object, and pointer-free values in blocks the
// collector does not scan, save most of the allocator's and the
// collector's work. Nothing is freed before the stream ends; everything is
// charged to MaxModelBytes when made (Options.sane keeps that bound far
// below what a 32-bit index can count).
type slab struct {
	objs  [][]object // blocks of objBlock objects
	nobjs int
	vals  []value // the rest of the current value block
	nvals int     // size of the next value block
	// strs is the string table: the content of every non-empty str,
	// bytes and bytearray value, in blocks of strBlock.
	strs  [][]string
	nstrs int
	// globals are the interned names objects refer to by gi - 1.
	globals []*Global
}

// object returns a new zero object with room for n items, and its ref.
func (a *slab) object(n int) (*object, uint32) {
	if a.nobjs%objBlock == 0 {
		a.objs = append(a.objs, make([]object, objBlock))
	}
	o := &a.objs[len(a.objs)-1][a.nobjs%objBlock]
	a.nobjs++
	if n > 0 {
		o.items = a.values(n)
	}
	return o, uint32(a.nobjs)
}

// obj returns the object of v, or nil when v has none.
func (a *slab) obj(v value) *object {
	if v.ref == 0 || !v.kind.hasObject() {
		return nil
	}
	i := v.ref - 1
	return &a.objs[i/objBlock][i%objBlock]
}

// values returns an empty slice with capacity n; appending past n
// reallocates, so neighbours in the block are never overwritten.
func (a *slab) values(n int) []value {
	if n > maxItems {
		return make([]value, 0, n)
	}
	if len(a.vals) < n {
		a.nvals = min(max(a.nvals*2, minValueBlock), maxValueBlock)
		a.vals = make([]value, a.nvals)
	}
	v := a.vals[:0:n]
	a.vals = a.vals[n:]
	return v
}

// filled returns a container holding a copy of items (the first maxItems).
func (a *slab) filled(k kind, items []value) value {
	o, ref := a.object(min(len(items), maxItems))
	o.items = append(o.items, items[:min(len(items), maxItems)]...)
	for _, v := range items[min(len(items), maxItems):] {
		o.over |= overOf(v)
	}
	o.count = int64(len(items))
	return value{kind: k, ref: ref}
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

// addGlobal enters g in the globals and returns its index for gi.
func (a *slab) addGlobal(g *Global) uint32 {
	a.globals = append(a.globals, g)
	return uint32(len(a.globals))
}

// globalOf returns the global the object of v is or derives from, or nil.
func (a *slab) globalOf(v value) *Global {
	o := a.obj(v)
	if o == nil || o.gi == 0 {
		return nil
	}
	return a.globals[o.gi-1]
}
