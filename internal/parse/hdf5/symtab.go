package hdf5

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// symbolTable reads an old-style group: the version 1 B-tree of group
// nodes at tree, whose leaves point to symbol table nodes, with names in
// the local heap at heapAt.
func (f *file) symbolTable(tree, heapAt int64) ([]link, error) {
	names, err := f.localHeap(heapAt)
	if err != nil {
		return nil, err
	}
	var out []link
	budget := f.opts.MaxMessages
	err = f.btree1(tree, 0, &budget, func(snod int64) error {
		ls, err := f.symbolNode(snod, names)
		out = append(out, ls...)
		return err
	})
	return out, err
}

// localHeap returns the data segment of the local heap at off.
func (f *file) localHeap(off int64) ([]byte, error) {
	b, err := f.read(off, int64(8+2*f.lenSize+f.offSize))
	if err != nil {
		return nil, err
	}
	if string(b[:4]) != "HEAP" {
		return nil, formatErr(off, "local heap without HEAP signature")
	}
	n := f.length(b[8:])
	if n > uint64(f.opts.MaxValue) {
		return nil, fmt.Errorf("offset %d: local heap of %d bytes over the limit (MaxValue): %w", off, n, ErrLimit)
	}
	return f.read(f.abs(f.addr(b[8+2*f.lenSize:])), int64(n))
}

// btree1 walks the group nodes of a version 1 B-tree from the node at
// off, calling leaf for each symbol table node address.
func (f *file) btree1(off int64, depth int, budget *int, leaf func(int64) error) error {
	if depth > 64 {
		return formatErr(off, "group B-tree deeper than 64")
	}
	h, err := f.read(off, int64(8+2*f.offSize))
	if err != nil {
		return err
	}
	if string(h[:4]) != "TREE" || h[4] != 0 {
		return formatErr(off, "group B-tree node without TREE signature")
	}
	level, n := int(h[5]), int(binary.LittleEndian.Uint16(h[6:]))
	if *budget -= n + 1; *budget < 0 {
		return fmt.Errorf("offset %d: group B-trees with more than %d entries (MaxMessages): %w", off, f.opts.MaxMessages, ErrLimit)
	}
	step := int64(f.lenSize + f.offSize)
	b, err := f.read(off+int64(len(h)), int64(n)*step+int64(f.lenSize))
	if err != nil {
		return err
	}
	for i := range n {
		child := f.abs(f.addr(b[int64(i)*step+int64(f.lenSize):]))
		if child < 0 || child == off {
			return formatErr(off, "group B-tree child %d at an invalid address", i)
		}
		if level > 0 {
			err = f.btree1(child, depth+1, budget, leaf)
		} else {
			err = leaf(child)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// symbolNode reads the entries of the symbol table node at off.
func (f *file) symbolNode(off int64, names []byte) ([]link, error) {
	h, err := f.read(off, 8)
	if err != nil {
		return nil, err
	}
	if string(h[:4]) != "SNOD" {
		return nil, formatErr(off, "symbol table node without SNOD signature")
	}
	n := int(binary.LittleEndian.Uint16(h[6:]))
	size := int64(2*f.offSize + 24)
	b, err := f.read(off+8, int64(n)*size)
	if err != nil {
		return nil, err
	}
	out := make([]link, 0, n)
	for i := range n {
		e := b[int64(i)*size:]
		name := ""
		if at := f.addr(e); at < uint64(len(names)) {
			s := names[at:]
			if j := bytes.IndexByte(s, 0); j >= 0 {
				s = s[:j]
			}
			name = string(s)
		}
		out = append(out, link{name: name, at: f.abs(f.addr(e[f.offSize:]))})
	}
	return out, nil
}
