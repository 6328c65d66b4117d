package hdf5

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// btree2 is the part of a version 2 B-tree header needed to walk it.
type btree2 struct {
	at       int64
	nodeSize int64
	recSize  int64
	// nrecSize is the width of a child's record count; cumSize[d] the
	// width of the total record count below a child at depth d.
	nrecSize int
	cumSize  []int
}

// btree2Records returns the records of the version 2 B-tree of type typ
// whose header is at off, leaves and internal nodes alike, in key order.
// At most Options.MaxMessages records are returned (the records of the
// trees read here are attribute messages or heap ids of them): a larger
// tree is an error, as is a node that is not where the header says.
func (f *file) btree2Records(off int64, typ byte) ([][]byte, error) {
	o := f.offSize
	b, err := f.read(off, int64(18+o+f.lenSize))
	if err != nil {
		return nil, err
	}
	if string(b[:4]) != "BTHD" || b[5] != typ {
		return nil, formatErr(off, "B-tree header of type %d expected", typ)
	}
	t := &btree2{at: off, nodeSize: int64(binary.LittleEndian.Uint32(b[6:])), recSize: int64(binary.LittleEndian.Uint16(b[10:]))}
	depth := int(binary.LittleEndian.Uint16(b[12:]))
	root, n := f.abs(f.addr(b[16:])), int(binary.LittleEndian.Uint16(b[16+o:]))
	if n == 0 {
		return nil, nil
	}
	if t.recSize == 0 || t.nodeSize < 10+t.recSize || t.nodeSize > f.size || depth > 32 {
		return nil, formatErr(off, "B-tree node size %d, record size %d, depth %d", t.nodeSize, t.recSize, depth)
	}
	t.sizes(o, depth)
	var out [][]byte
	budget := f.opts.MaxMessages
	if err := f.btree2Node(t, root, n, depth, &out, &budget); err != nil {
		return out, err
	}
	return out, nil
}

// sizes computes the widths of the record counts in internal nodes, as
// the HDF5 library does (H5B2__hdr_init).
func (t *btree2) sizes(offSize, depth int) {
	enc := func(v uint64) int { return (bits.Len64(max(v, 1))-1)/8 + 1 }
	leafMax := uint64((t.nodeSize - 10) / t.recSize)
	t.nrecSize = enc(leafMax)
	cum := []uint64{leafMax}
	t.cumSize = []int{0}
	for d := 1; d <= depth; d++ {
		ptr := int64(offSize + t.nrecSize)
		if d > 1 {
			ptr += int64(t.cumSize[d-2])
		}
		maxRec := uint64(max((t.nodeSize-(10+ptr))/(t.recSize+ptr), 0))
		c := (maxRec+1)*cum[d-1] + maxRec
		cum = append(cum, c)
		t.cumSize = append(t.cumSize, enc(c))
	}
}

// btree2Node appends the records of the node at off, which holds n
// records and is at the given depth (0 for a leaf).
func (f *file) btree2Node(t *btree2, off int64, n, depth int, out *[][]byte, budget *int) error {
	if *budget -= n + 1; *budget < 0 {
		return fmt.Errorf("offset %d: B-tree with more than %d records (MaxMessages): %w", t.at, f.opts.MaxMessages, ErrLimit)
	}
	sig := "BTLF"
	ptr := 0
	if depth > 0 {
		sig = "BTIN"
		ptr = f.offSize + t.nrecSize
		if depth > 1 {
			ptr += t.cumSize[depth-1]
		}
	}
	need := 6 + int64(n)*t.recSize + int64(n+1)*int64(ptr)
	if depth == 0 {
		need = 6 + int64(n)*t.recSize
	}
	if need > t.nodeSize {
		return formatErr(off, "B-tree node of %d records does not fit in %d bytes", n, t.nodeSize)
	}
	b, err := f.read(off, need)
	if err != nil {
		return err
	}
	if string(b[:4]) != sig {
		return formatErr(off, "B-tree node without %s signature", sig)
	}
	recs := b[6 : 6+int64(n)*t.recSize]
	rec := func(i int) []byte { return recs[int64(i)*t.recSize : int64(i+1)*t.recSize] }
	if depth == 0 {
		for i := range n {
			*out = append(*out, rec(i))
		}
		return nil
	}
	ptrs := b[6+int64(n)*t.recSize:]
	for i := 0; i <= n; i++ {
		p := ptrs[i*ptr:]
		child := f.abs(f.addr(p))
		cn := int(uintN(pad8(p[f.offSize:f.offSize+t.nrecSize]), 8))
		if child < 0 || child == off {
			return formatErr(off, "B-tree child %d at an invalid address", i)
		}
		if err := f.btree2Node(t, child, cn, depth-1, out, budget); err != nil {
			return err
		}
		if i < n {
			*out = append(*out, rec(i))
		}
	}
	return nil
}
