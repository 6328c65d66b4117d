package hdf5

import (
	"fmt"
	"io"
)

// Object header message types the walk acts on.
const (
	msgLinkInfo    = 0x02
	msgDatatype    = 0x03
	msgLink        = 0x06
	msgSymbolTable = 0x11
)

// ObjectAttribute is an attribute of a group or dataset, with the path of
// its object ("/" for the root group, "/df/table" below it).
type ObjectAttribute struct {
	Object string
	Attribute
}

// Contents is what ReadObjects found in the groups and datasets of a file.
type Contents struct {
	Attributes []ObjectAttribute
	// Rows are the rows of PyTables object arrays (a VLArray whose
	// PSEUDOATOM attribute is "object"): each a pickle PyTables loads
	// when the array is read.
	Rows []Row
}

// Row is one row of a PyTables object array.
type Row struct {
	Object string
	Index  int64
	Data   []byte
}

// ReadObjects reads the attributes of every group and dataset reached
// from the root group through hard links, breadth first: old-style groups
// (symbol table B-trees and local heaps), new-style compact links and
// dense links (a fractal heap through its name index); and the rows of
// PyTables object arrays (objectRows). Each object is read once, whatever
// the links that lead to it; each has the message budget of
// Options.MaxMessages, and at most Options.MaxObjects objects are read
// (then the error wraps ErrLimit). What was read before an error is
// returned with it.
func ReadObjects(r io.ReaderAt, size int64, opts Options) (*Contents, error) {
	out := &Contents{}
	sb := FindSuperblock(r, size)
	if sb < 0 {
		return out, formatErr(0, "no superblock signature")
	}
	f := &file{r: r, size: size, opts: opts}
	root, err := f.superblock(sb)
	if err != nil {
		return out, err
	}
	type object struct {
		path string
		at   int64
	}
	seen := map[int64]bool{root: true}
	queue := []object{{"/", root}}
	for len(queue) > 0 {
		o := queue[0]
		queue = queue[1:]
		if len(seen) > opts.MaxObjects {
			return out, fmt.Errorf("more than %d objects (MaxObjects): %w", opts.MaxObjects, ErrLimit)
		}
		f.nmsg, f.chunks = 0, 0
		msgs, err := f.messages(o.at)
		if err != nil {
			return out, fmt.Errorf("object %s: %w", o.path, err)
		}
		attrs, err := f.attributesOf(msgs)
		for _, a := range attrs {
			out.Attributes = append(out.Attributes, ObjectAttribute{Object: o.path, Attribute: a})
		}
		if err != nil {
			return out, fmt.Errorf("attributes of %s: %w", o.path, err)
		}
		if objectArray(attrs) {
			if err := f.objectRows(o.path, msgs, out); err != nil {
				return out, fmt.Errorf("object array %s: %w", o.path, err)
			}
		}
		links, err := f.links(msgs)
		if err != nil {
			return out, fmt.Errorf("links of %s: %w", o.path, err)
		}
		for _, l := range links {
			if l.at >= 0 && !seen[l.at] {
				seen[l.at] = true
				queue = append(queue, object{path: joinPath(o.path, l.name), at: l.at})
			}
		}
	}
	return out, nil
}

func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// link is a hard link: a name and the address of an object header.
type link struct {
	name string
	at   int64
}

// links lists the hard links of a group's messages.
func (f *file) links(msgs []message) ([]link, error) {
	var out []link
	for _, m := range msgs {
		switch m.typ {
		case msgLink:
			if l, ok := f.linkMessage(m.data); ok {
				out = append(out, l)
			}
		case msgSymbolTable:
			if len(m.data) < 2*f.offSize {
				return out, formatErr(m.off, "symbol table message truncated")
			}
			ls, err := f.symbolTable(f.abs(f.addr(m.data)), f.abs(f.addr(m.data[f.offSize:])))
			out = append(out, ls...)
			if err != nil {
				return out, err
			}
		case msgLinkInfo:
			ls, err := f.denseLinks(m)
			out = append(out, ls...)
			if err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// linkMessage decodes a link message (version 1); only hard links are
// returned (ok), soft and external links lead nowhere in this file.
func (f *file) linkMessage(b []byte) (link, bool) {
	if len(b) < 2 || b[0] != 1 {
		return link{}, false
	}
	flags, p := b[1], 2
	typ := byte(0)
	if flags&0x08 != 0 {
		if p >= len(b) {
			return link{}, false
		}
		typ = b[p]
		p++
	}
	if flags&0x04 != 0 {
		p += 8
	}
	if flags&0x10 != 0 {
		p++
	}
	w := 1 << (flags & 3)
	if p+w > len(b) {
		return link{}, false
	}
	n := int(uintN(b[p:], w))
	p += w
	if n < 0 || p+n+f.offSize > len(b) || typ != 0 {
		return link{}, false
	}
	return link{name: string(b[p : p+n]), at: f.abs(f.addr(b[p+n:]))}, true
}

// denseLinks reads the links kept in a fractal heap, found through the
// name index B-tree (type 5: a 4-byte hash, then the heap id) of a link
// info message.
func (f *file) denseLinks(m message) ([]link, error) {
	b := m.data
	p := 2
	if len(b) >= 2 && b[1]&1 != 0 {
		p += 8
	}
	if len(b) < p+2*f.offSize {
		return nil, formatErr(m.off, "link info message truncated")
	}
	heapAddr, nameTree := f.abs(f.addr(b[p:])), f.abs(f.addr(b[p+f.offSize:]))
	if heapAddr < 0 || nameTree < 0 {
		return nil, nil // compact links, or none
	}
	h, err := f.heapHeader(heapAddr)
	if err != nil {
		return nil, err
	}
	recs, err := f.btree2Records(nameTree, 5)
	if err != nil {
		return nil, err
	}
	var out []link
	for _, r := range recs {
		if len(r) < 4+h.idLen {
			return out, formatErr(nameTree, "link name record shorter than a heap id")
		}
		obj, _, err := f.heapObject(h, r[4:4+h.idLen])
		if err != nil {
			return out, err
		}
		if l, ok := f.linkMessage(obj); ok {
			out = append(out, l)
		}
	}
	return out, nil
}
