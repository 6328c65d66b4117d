package pytar

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// paxRecords is a dict of PAX records in insertion order, as Python's
// dict keeps them: a key set again keeps its place.
type paxRecords struct {
	keys []string
	vals map[string]string
	// at is the offset of the global header that last set each record.
	at map[string]int64
}

func (p *paxRecords) set(k, v string) {
	if p.vals == nil {
		p.vals = map[string]string{}
	}
	if _, ok := p.vals[k]; !ok {
		p.keys = append(p.keys, k)
	}
	p.vals[k] = v
}

func (p *paxRecords) get(k string) (string, bool) {
	v, ok := p.vals[k]
	return v, ok
}

func (p *paxRecords) clone() *paxRecords {
	c := &paxRecords{keys: append([]string(nil), p.keys...), vals: make(map[string]string, len(p.vals)), at: map[string]int64{}}
	for k, v := range p.vals {
		c.vals[k] = v
	}
	for k, v := range p.at {
		c.at[k] = v
	}
	return c
}

// procPAX is _proc_pax: the records of a global header (g) join the
// archive's for every later member; those of a local one (x, X) apply,
// over the global ones, to the next member.
func (t *Reader) procPAX(h *raw) (*Member, error) {
	n := block(h.m.Size)
	if n > t.opts.MaxHeaderBytes {
		return nil, fmt.Errorf("PAX header at offset %d of %d bytes, over %d: %w", h.m.Offset, n, t.opts.MaxHeaderBytes, ErrLimit)
	}
	buf, err := t.read(h.m.Offset+512, n)
	if err != nil {
		return nil, err
	}
	recs := t.global
	if h.m.Type != TypeGlobal {
		recs = t.global.clone()
	}
	raws, err := parseRecords(buf, h.m.Offset)
	if err != nil {
		return nil, err
	}
	for _, r := range raws {
		recs.set(r[0], r[1])
		switch {
		case h.m.Type == TypeGlobal:
			if recs.at == nil {
				recs.at = map[string]int64{}
			}
			recs.at[r[0]] = h.m.Offset
		case recs.at != nil:
			delete(recs.at, r[0]) // a local record now
		}
	}
	next, err := t.fromTarfile(h.m.Offset + 512 + int64(len(buf)))
	if err != nil {
		return nil, subsequent(err)
	}
	if err := t.paxSparse(next, recs, raws); err != nil {
		return nil, err
	}
	if h.m.Type == TypeGlobal {
		return next, nil
	}
	why := "PAX path"
	if h.m.Type == TypeSolaris {
		why = "Solaris PAX path (typeflag X)"
	}
	t.applyPAX(next, recs, why)
	next.Offset = h.m.Offset
	if _, ok := recs.get("size"); ok {
		t.offset = next.DataOffset
		if next.IsReg() {
			t.offset += block(next.Size)
		}
	}
	return next, nil
}

// parseRecords reads "%d %s=%s\n" records up to the first NUL, as
// _proc_pax does; a malformed record is an invalid header.
func parseRecords(buf []byte, off int64) ([][2]string, error) {
	var out [][2]string
	bad := &headerError{off: off, msg: "invalid PAX header"}
	for pos := 0; pos < len(buf) && buf[pos] != 0; {
		sp := pos
		for sp < len(buf) && sp-pos < 20 && buf[sp] >= '0' && buf[sp] <= '9' {
			sp++
		}
		if sp == pos || sp >= len(buf) || buf[sp] != ' ' {
			return nil, bad
		}
		length, err := strconv.ParseInt(string(buf[pos:sp]), 10, 64)
		if err != nil || length < 5 || int64(pos)+length > int64(len(buf)) {
			return nil, bad
		}
		end := pos + int(length) - 1
		kv := buf[sp+1 : end]
		k, v, ok := bytes.Cut(kv, []byte("="))
		if !ok || len(k) == 0 || buf[end] != '\n' {
			return nil, bad
		}
		out = append(out, [2]string{string(k), string(v)})
		pos += int(length)
	}
	return out, nil
}

// applyPAX is _apply_pax_info: the records that tarfile maps onto a
// member, in the dict's order. why names the renaming when path is set.
func (t *Reader) applyPAX(m *Member, recs *paxRecords, why string) {
	for _, k := range recs.keys {
		v := recs.vals[k]
		switch k {
		case "GNU.sparse.name":
			m.Name, m.Renamed = v, "GNU.sparse.name"
		case "GNU.sparse.size", "GNU.sparse.realsize":
			if n, ok := pyInt(v, 10); ok {
				m.Size = n
			}
		case "path":
			m.Name = strings.TrimRight(v, "/")
			m.Renamed = why
			if at, ok := recs.at[k]; ok {
				m.Renamed = fmt.Sprintf("global PAX path at offset %d", at)
			}
		case "linkpath":
			m.Linkname = v
		case "size":
			m.Size, _ = pyInt(v, 10) // invalid: 0
			if at, ok := recs.at[k]; ok {
				m.Resized = fmt.Sprintf("global PAX size at offset %d", at)
			}
		}
	}
	if m.Renamed != "" && m.Name == m.Header {
		m.Renamed = ""
	}
	if len(recs.keys) > 0 {
		m.PAX = make(map[string]string, len(recs.keys))
		for k, v := range recs.vals {
			m.PAX[k] = v
		}
	}
}
