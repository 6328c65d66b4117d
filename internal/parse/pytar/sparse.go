package pytar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// procSparse is _proc_sparse: the old GNU sparse member (S), its map in
// the header and in extension blocks, its data after them.
func (t *Reader) procSparse(h *raw) (*Member, error) {
	m := &h.m
	regions := append([]Region(nil), h.sparse...) // frombuf keeps all four, zero or not
	pos := m.Offset + 512
	for ext := h.extended; ext; {
		buf, err := t.read(pos, 512)
		if err != nil {
			return nil, err
		}
		if len(buf) < 512 {
			return nil, &headerError{off: pos, msg: "truncated sparse header"}
		}
		pos += 512
		for i := 0; i < 21; i++ {
			o, ok1 := nti(buf[i*24 : i*24+12])
			n, ok2 := nti(buf[i*24+12 : i*24+24])
			if !ok1 || !ok2 {
				return nil, &headerError{off: pos - 512, msg: "invalid header"}
			}
			if o != 0 && n != 0 {
				regions = append(regions, Region{o, n})
			}
		}
		if len(regions) > t.opts.MaxSparse {
			return nil, fmt.Errorf("sparse map at offset %d over %d entries: %w", m.Offset, t.opts.MaxSparse, ErrLimit)
		}
		ext = buf[504] != 0
	}
	m.Sparse, m.IsSparse = regions, true
	m.DataOffset = pos
	t.offset = pos + block(m.Size)
	m.Size = h.origSize
	return m, nil
}

// paxSparse is the sparse part of _proc_pax: the GNU.sparse maps of
// versions 0.1 (GNU.sparse.map), 0.0 (offset and numbytes records) and
// 1.0 (the map at the start of the data).
func (t *Reader) paxSparse(next *Member, recs *paxRecords, raws [][2]string) error {
	var nums []int64
	switch v, _ := recs.get("GNU.sparse.major"); {
	case has(recs, "GNU.sparse.map"):
		m, _ := recs.get("GNU.sparse.map")
		for _, f := range strings.Split(m, ",") {
			n, ok := pyInt(f, 10)
			if !ok {
				return fmt.Errorf("GNU.sparse.map of the member at offset %d: invalid number %q: %w", next.Offset, f, ErrFormat)
			}
			nums = append(nums, n)
		}
	case has(recs, "GNU.sparse.size"):
		var offs, sizes []int64
		for _, r := range raws {
			n, ok := pyInt(r[1], 10)
			switch {
			case (r[0] == "GNU.sparse.offset" || r[0] == "GNU.sparse.numbytes") && !ok:
				return &headerError{off: next.Offset, msg: "invalid header"}
			case r[0] == "GNU.sparse.offset":
				offs = append(offs, n)
			case r[0] == "GNU.sparse.numbytes":
				sizes = append(sizes, n)
			}
		}
		for i := 0; i < len(offs) && i < len(sizes); i++ {
			nums = append(nums, offs[i], sizes[i])
		}
	case v == "1" && minor(recs) == "0":
		var err error
		if nums, err = t.sparseMap10(next); err != nil {
			return err
		}
	default:
		return nil
	}
	if len(nums)/2 > t.opts.MaxSparse {
		return fmt.Errorf("sparse map of the member at offset %d over %d entries: %w", next.Offset, t.opts.MaxSparse, ErrLimit)
	}
	next.Sparse, next.IsSparse = nil, true
	for i := 0; i+1 < len(nums); i += 2 {
		next.Sparse = append(next.Sparse, Region{nums[i], nums[i+1]})
	}
	return nil
}

func has(r *paxRecords, k string) bool { _, ok := r.get(k); return ok }

func minor(r *paxRecords) string { v, _ := r.get("GNU.sparse.minor"); return v }

// sparseMap10 reads the 1.0 map from the member's data: a count line,
// then 2*count number lines, read 512 bytes at a time; the data starts
// after the last block read.
func (t *Reader) sparseMap10(next *Member) ([]int64, error) {
	pos := next.DataOffset
	buf, err := t.read(pos, 512)
	if err != nil {
		return nil, err
	}
	pos += int64(len(buf))
	line, rest, ok := bytes.Cut(buf, []byte("\n"))
	count, ok2 := pyInt(string(line), 10)
	if !ok || !ok2 || count < 0 || count > int64(t.opts.MaxSparse) {
		return nil, fmt.Errorf("GNU sparse 1.0 map at offset %d: bad count %q: %w", next.DataOffset, line, ErrFormat)
	}
	var nums []int64
	for int64(len(nums)) < 2*count {
		for !bytes.Contains(rest, []byte("\n")) {
			more, err := t.read(pos, 512)
			if err != nil {
				return nil, err
			}
			if len(more) == 0 {
				return nil, fmt.Errorf("GNU sparse 1.0 map at offset %d: truncated: %w", next.DataOffset, ErrFormat)
			}
			pos += int64(len(more))
			rest = append(rest, more...)
		}
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		n, ok := pyInt(string(line), 10)
		if !ok {
			return nil, fmt.Errorf("GNU sparse 1.0 map at offset %d: bad number %q: %w", next.DataOffset, line, ErrFormat)
		}
		nums = append(nums, n)
	}
	next.DataOffset = pos
	return nums, nil
}

// Sparse returns a reader of a sparse member's content as tarfile's
// _FileInFile reads it from the archive r: Size bytes, the stored runs
// at their offsets (read back to back from DataOffset), zeros between.
func Sparse(r io.ReaderAt, m *Member) io.Reader {
	f := &fileInFile{r: r, size: m.Size}
	var last int64
	real := m.DataOffset
	for _, b := range m.Sparse {
		if b.Offset > last {
			f.m = append(f.m, chunk{false, last, b.Offset, 0})
		}
		f.m = append(f.m, chunk{true, b.Offset, b.Offset + b.Size, real})
		real += b.Size
		last = b.Offset + b.Size
	}
	if last < m.Size {
		f.m = append(f.m, chunk{false, last, m.Size, 0})
	}
	return f
}

type chunk struct {
	data        bool
	start, stop int64
	real        int64
}

// fileInFile is _FileInFile.read: the map is searched from the entry
// last used, wrapping around.
type fileInFile struct {
	r    io.ReaderAt
	size int64
	pos  int64
	m    []chunk
	idx  int
}

func (f *fileInFile) Read(p []byte) (int, error) {
	if f.pos >= f.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), f.size-f.pos)
	got := int64(0)
	for got < want {
		c, ok := f.find()
		if !ok {
			return int(got), fmt.Errorf("sparse map holds no run at offset %d: %w", f.pos, ErrFormat)
		}
		n := min(want-got, c.stop-f.pos)
		dst := p[got : got+n]
		if c.data {
			k, err := f.r.ReadAt(dst, c.real+(f.pos-c.start))
			if int64(k) != n {
				if err == nil || errors.Is(err, io.EOF) {
					err = fmt.Errorf("unexpected end of data: %w", ErrFormat)
				}
				return int(got) + k, err
			}
		} else {
			clear(dst)
		}
		got += n
		f.pos += n
	}
	return int(got), nil
}

// find returns the map entry holding pos, searching as _FileInFile does
// (Python loops for ever when none does; this gives up after one turn).
func (f *fileInFile) find() (chunk, bool) {
	for range len(f.m) + 1 {
		if f.idx >= len(f.m) {
			f.idx = 0
			if len(f.m) == 0 {
				return chunk{}, false
			}
		}
		c := f.m[f.idx]
		if c.start <= f.pos && f.pos < c.stop {
			return c, true
		}
		f.idx++
	}
	return chunk{}, false
}
