package formats

import (
	"fmt"
	"io"
	"sort"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/zipread"
	"github.com/modelgate/modelgate/scan"
)

// maxDescriptor is the longest data descriptor that may follow a member's
// data when flag 0x8 is set: signature, CRC and two 8-byte sizes (zip64).
// torch.save writes one after every member.
const maxDescriptor = 24

// Names of the inputs that stand for unreferenced bytes of a zip.
const (
	localOnlyPrefix = "(local header only)"
	unlistedFormat  = "(unlisted bytes at offset %d)"
)

// scanGaps reports the bytes between the start of the archive and its
// central directory that no central entry covers, and scans them. Zip
// readers (zipfile, miniz) go by the central directory and never read
// such bytes, so a payload there does not run; but a scanner must not let
// bytes hide, and a second reader or a repaired directory would find
// them. A gap that starts with a local header is scanned as the member it
// declares ("(local header only)name"); any other gap as an input of its
// own ("(unlisted bytes at offset N)"). Each gap is a malformed-format
// finding. It costs one read of the fixed 30 bytes of each local
// header: member data is not read.
func scanGaps(s *scan.Session, in *scan.Input, a *zipread.Archive) {
	type span struct {
		start, end int64
		descriptor bool
	}
	spans := make([]span, 0, len(a.Members))
	for i := range a.Members {
		m := &a.Members[i]
		data, err := a.DataOffset(m)
		if err != nil {
			continue
		}
		spans = append(spans, span{m.HeaderOffset, data + m.CompressedSize, m.Flags&0x8 != 0})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	cursor, slack := archiveStart(a, in.Size), int64(0)
	gap := func(end int64) {
		if end-cursor > slack {
			scanGap(s, in, a, cursor, min(end, in.Size))
		}
	}
	for _, sp := range spans {
		if sp.start > cursor {
			gap(sp.start)
		}
		if sp.end > cursor {
			cursor, slack = sp.end, 0
			if sp.descriptor {
				slack = maxDescriptor
			}
		}
	}
	gap(a.End.DirOffset)
}

// scanGap reports and scans the unreferenced bytes [off, end).
func scanGap(s *scan.Session, in *scan.Input, a *zipread.Archive, off, end int64) {
	if off >= end {
		return
	}
	s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: off, Length: end - off, Message: fmt.Sprintf(
		"%d bytes at offset %d are referenced by no central directory entry: zip readers never read them; they were scanned", end-off, off)})
	for n := 0; off < end && n < s.Limits().MaxMembers; n++ {
		next, ok := scanLocalOnly(s, in, a, off, end)
		if !ok {
			break
		}
		off = next
	}
	if off >= end {
		return
	}
	name := fmt.Sprintf(unlistedFormat, off)
	raw, err := scan.NewSectionInput(in.Child(name), name, io.NewSectionReader(in.At, off, end-off), end-off)
	if err != nil {
		s.Unscannable(&scan.Input{Chain: in.Child(name)}, err)
		return
	}
	raw.Depth = in.Depth + 1
	scanMember(s, raw)
}

// scanLocalOnly scans the entry of a local header at off that no central
// entry references, and returns where its data ends. ok is false when no
// local header starts at off.
func scanLocalOnly(s *scan.Session, in *scan.Input, a *zipread.Archive, off, end int64) (next int64, ok bool) {
	if end-off < 30 || !hasLocalSig(in.At, off) {
		return off, false
	}
	m, err := a.LocalEntry(off)
	if err != nil {
		return off, false
	}
	l, err := a.Local(&m)
	if err != nil || l.DataOffset > end {
		return off, false
	}
	// Sizes left to a data descriptor (or lying) are bounded by the gap.
	if rem := end - l.DataOffset; m.CompressedSize == 0 || m.CompressedSize > rem {
		m.CompressedSize = rem
	}
	if m.Size == 0 {
		m.Size = m.CompressedSize
		if m.Method != zipread.Stored {
			m.Size = s.Limits().MaxMemberSize
		}
	}
	scanZipMember(s, in, a, &m, localOnlyPrefix+memberName(m.Name), false)
	next = l.DataOffset + m.CompressedSize
	if m.Flags&0x8 != 0 {
		next = min(next+maxDescriptor, end)
	}
	return next, true
}

func hasLocalSig(r io.ReaderAt, off int64) bool {
	b := make([]byte, 4)
	_, err := r.ReadAt(b, off)
	return err == nil && string(b) == "PK\x03\x04"
}
