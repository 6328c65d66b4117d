package zipread

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
)

// entry is one member for buildZip.
type entry struct {
	name      string
	localName string // "" for name
	body      []byte
	method    uint16 // Stored or Deflated
	flags     uint16
	localExt  []byte // extra field of the local header only
}

// layout are archive-wide quirks for buildZip.
type layout struct {
	prefix   []byte // data before the archive, offsets not adjusted
	zip64    bool   // zip64 extras, zip64 end record and locator
	comment  []byte
	count    int // entry count to declare; -1 for the real one
	dirBreak bool
}

// buildZip writes a zip by hand so that every field can be wrong on
// purpose.
func buildZip(es []entry, l layout) []byte {
	le := binary.LittleEndian
	var body, dir bytes.Buffer
	for _, e := range es {
		data := e.body
		if e.method == Deflated {
			var b bytes.Buffer
			w, _ := flate.NewWriter(&b, flate.BestCompression)
			w.Write(e.body)
			w.Close()
			data = b.Bytes()
		}
		off := body.Len()
		ln := e.localName
		if ln == "" {
			ln = e.name
		}
		h := make([]byte, localLen)
		copy(h, sigLocal)
		le.PutUint16(h[4:], 20)
		le.PutUint16(h[6:], e.flags)
		le.PutUint16(h[8:], e.method)
		le.PutUint32(h[18:], uint32(len(data)))
		le.PutUint32(h[22:], uint32(len(e.body)))
		le.PutUint16(h[26:], uint16(len(ln)))
		le.PutUint16(h[28:], uint16(len(e.localExt)))
		body.Write(h)
		body.WriteString(ln)
		body.Write(e.localExt)
		body.Write(data)

		d := make([]byte, dirLen)
		copy(d, sigDir)
		le.PutUint16(d[6:], 20)
		le.PutUint16(d[8:], e.flags)
		le.PutUint16(d[10:], e.method)
		le.PutUint32(d[20:], uint32(len(data)))
		le.PutUint32(d[24:], uint32(len(e.body)))
		le.PutUint16(d[28:], uint16(len(e.name)))
		le.PutUint32(d[42:], uint32(off))
		var extra []byte
		if l.zip64 {
			le.PutUint32(d[20:], 0xFFFFFFFF)
			le.PutUint32(d[24:], 0xFFFFFFFF)
			le.PutUint32(d[42:], 0xFFFFFFFF)
			extra = make([]byte, 4+24)
			le.PutUint16(extra, 1)
			le.PutUint16(extra[2:], 24)
			le.PutUint64(extra[4:], uint64(len(e.body)))
			le.PutUint64(extra[12:], uint64(len(data)))
			le.PutUint64(extra[20:], uint64(off))
		}
		le.PutUint16(d[30:], uint16(len(extra)))
		dir.Write(d)
		dir.WriteString(e.name)
		dir.Write(extra)
	}
	if l.dirBreak {
		dir.WriteString("garbage!")
	}
	count := l.count
	if count < 0 {
		count = len(es)
	}
	out := append([]byte(nil), l.prefix...)
	out = append(out, body.Bytes()...)
	out = append(out, dir.Bytes()...)
	dirOff, dirSize := body.Len(), dir.Len()
	if l.zip64 {
		r := make([]byte, end64Len)
		copy(r, sigEnd64)
		le.PutUint64(r[4:], end64Len-12)
		le.PutUint64(r[24:], uint64(count))
		le.PutUint64(r[32:], uint64(count))
		le.PutUint64(r[40:], uint64(dirSize))
		le.PutUint64(r[48:], uint64(dirOff))
		loc := make([]byte, locatorLen)
		copy(loc, sigLocator)
		le.PutUint64(loc[8:], uint64(dirOff+dirSize))
		le.PutUint32(loc[16:], 1)
		out = append(append(out, r...), loc...)
	}
	e := make([]byte, endLen)
	copy(e, sigEnd)
	le.PutUint16(e[8:], uint16(count))
	le.PutUint16(e[10:], uint16(count))
	le.PutUint32(e[12:], uint32(dirSize))
	le.PutUint32(e[16:], uint32(dirOff))
	if l.zip64 {
		le.PutUint16(e[8:], 0xFFFF)
		le.PutUint16(e[10:], 0xFFFF)
		le.PutUint32(e[12:], 0xFFFFFFFF)
		le.PutUint32(e[16:], 0xFFFFFFFF)
	}
	le.PutUint16(e[20:], uint16(len(l.comment)))
	out = append(out, e...)
	return append(out, l.comment...)
}
