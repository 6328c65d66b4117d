package formats

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
)

// tarArchive is a tar archive (ustar, GNU, PAX or v7). Each regular file
// member is identified by content and scanned with Session.Scan.
//
// Decisions:
//   - Matched by the "ustar" magic at offset 257, or for v7 archives by a
//     valid header checksum and a file name.
//   - With random access a member is a section of the file: nothing is
//     copied and formats inside may seek. In a stream (tar.gz) a member is
//     a stream input; its first opens are served from the live stream and
//     later ones restart the outer stream and skip to the member.
//   - Links named "storages" or "tensors" are read as their target member
//     (an earlier regular member), entry by entry: torch's legacy_load
//     extracts them with tarfile, which copies the target. Other links,
//     directories and devices are not followed; sparse members,
//     which no model writer produces, are reported unscannable.
//   - The members "storages" and "tensors" of the tar written by
//     torch.save before 0.4 are read as torch reads them (see
//     format_legacy.go); the archive is then reported "torch-tar".
type tarArchive struct{}

var _ scan.Format = tarArchive{}

func (tarArchive) Name() string { return "tar" }

func (tarArchive) Match(in *scan.Input) bool {
	h := in.Head
	if len(h) < 512 {
		return false
	}
	if bytes.HasPrefix(h[257:], []byte("ustar")) {
		return true
	}
	return h[0] != 0 && tarChecksumOK(h[:512])
}

// tarChecksumOK checks a v7 header's checksum: the sum of its bytes with
// the checksum field counted as spaces, stored as octal at 148.
func tarChecksumOK(h []byte) bool {
	field := strings.TrimRight(strings.TrimLeft(string(h[148:156]), " "), " \x00")
	want, err := strconv.ParseInt(field, 8, 64)
	if err != nil || field == "" {
		return false
	}
	var sum int64
	for i, b := range h {
		if i >= 148 && i < 156 {
			b = ' '
		}
		sum += int64(b)
	}
	return sum == want
}

func (tarArchive) Scan(s *scan.Session, in *scan.Input) error {
	t := &tarScan{s: s, in: in}
	if in.At != nil {
		t.section = io.NewSectionReader(in.At, 0, in.Size)
		t.tr = tar.NewReader(t.section)
	} else {
		rc, err := in.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		t.tr = tar.NewReader(rc)
	}
	before := s.FindingCount()
	err := t.members()
	if err != nil {
		return err
	}
	containerDone(s, in, t.matched, before)
	if t.torch() {
		s.SetFormat(in, "torch-tar")
	}
	return nil
}

// tarScan is the state of one tar being scanned.
type tarScan struct {
	s       *scan.Session
	in      *scan.Input
	section *io.SectionReader // the whole archive, when it has random access
	tr      *tar.Reader
	matched int
	names   map[string]bool
	regular map[string]tarRegular // regular members read so far, by clean name
	links   []linkTo
}

// linkTo is a link member and the regular member before it that it names
// (zero when none does).
type linkTo struct {
	hdr    *tar.Header
	target tarRegular
}

// torch reports whether the members are those of torch's legacy tar.
func (t *tarScan) torch() bool {
	return t.names["pickle"] && t.names["storages"] && t.names["tensors"]
}

func (t *tarScan) members() error {
	t.names, t.regular = map[string]bool{}, map[string]tarRegular{}
	for i := 0; ; i++ {
		hdr, err := t.tr.Next()
		if err == io.EOF {
			// Links last: in a stream, reading a target again restarts
			// the archive, which the reader of the members shares.
			for _, l := range t.links {
				t.link(l)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("read tar header after %d members: %w", i, err)
		}
		if i >= t.s.Limits().MaxMembers {
			return fmt.Errorf("tar has more than %d members: %w", t.s.Limits().MaxMembers, scan.ErrLimit)
		}
		if sparse(hdr) {
			t.s.Unscannable(&scan.Input{Chain: t.in.Child(hdr.Name)}, errors.New("sparse tar member"))
			continue
		}
		if hdr.Typeflag == tar.TypeLink || hdr.Typeflag == tar.TypeSymlink {
			if hdr.Name == "storages" || hdr.Name == "tensors" {
				t.names[hdr.Name] = true
				t.links = append(t.links, linkTo{hdr, t.regular[tarLinkTarget(hdr)]})
			}
			continue
		}
		if hdr.Typeflag != tar.TypeReg { // Next reports the old '\x00' as TypeReg
			continue
		}
		t.names[hdr.Name] = true
		member, err := t.member(hdr, i)
		if err != nil {
			t.s.Unscannable(&scan.Input{Chain: t.in.Child(hdr.Name)}, fmt.Errorf("open tar member: %w", err))
			continue
		}
		t.regular[path.Clean(hdr.Name)] = tarRegular{index: i, hdr: hdr, off: t.offset()}
		if scanTorchTarMember(t.s, member) || scanMember(t.s, member) != "" {
			t.matched++
		}
	}
}

// tarRegular is a regular member already read: where its data lies.
type tarRegular struct {
	index int
	hdr   *tar.Header
	off   int64 // data offset with random access, else -1
}

// offset returns where the data of the member just read starts, or -1
// in a stream.
func (t *tarScan) offset() int64 {
	if t.section == nil {
		return -1
	}
	off, err := t.section.Seek(0, io.SeekCurrent)
	if err != nil {
		return -1
	}
	return off
}

// tarLinkTarget is the name of the member a link names: for a hard link
// its link name, for a symbolic one that name from the link's folder.
func tarLinkTarget(hdr *tar.Header) string {
	if hdr.Typeflag == tar.TypeSymlink {
		return path.Join(path.Dir(hdr.Name), hdr.Linkname)
	}
	return path.Clean(hdr.Linkname)
}

// link reads a link member named "storages" or "tensors" as its target:
// Python's tarfile extracts a hard link whose target is not on disk as a
// copy of the target member (and a symbolic one where links cannot be
// made), so torch's legacy_load reads the target's content as those
// members. The target is read again, entry by entry, under the link's
// name.
func (t *tarScan) link(l linkTo) {
	e := l.target
	if e.hdr == nil {
		return
	}
	chain := t.in.Child(l.hdr.Name)
	var m *scan.Input
	var err error
	if e.off >= 0 {
		size := min(e.hdr.Size, max(t.in.Size-e.off, 0))
		m, err = scan.NewSectionInput(chain, l.hdr.Name, io.NewSectionReader(t.in.At, e.off, size), size)
	} else {
		m, err = scan.NewStreamInput(chain, l.hdr.Name, e.hdr.Size, func() (io.ReadCloser, error) { return t.reopen(e.index) })
	}
	if err != nil {
		t.s.Unscannable(&scan.Input{Chain: chain}, fmt.Errorf("open tar member %q linked as %q: %w", e.hdr.Name, l.hdr.Name, err))
		return
	}
	m.Depth = t.in.Depth + 1
	if scanTorchTarMember(t.s, m) {
		t.matched++
	}
}

// sparse reports whether a member is stored sparse (GNU or PAX).
func sparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// member returns the input of the member whose header was just read.
func (t *tarScan) member(hdr *tar.Header, index int) (*scan.Input, error) {
	chain := t.in.Child(hdr.Name)
	if t.section != nil {
		off, err := t.section.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, err
		}
		size := hdr.Size
		if off+size > t.in.Size {
			size = max(t.in.Size-off, 0)
			t.s.Unscannable(&scan.Input{Chain: chain}, fmt.Errorf("tar member at offset %d truncated: %d of %d bytes present", off, size, hdr.Size))
		}
		m, err := scan.NewSectionInput(chain, hdr.Name, io.NewSectionReader(t.in.At, off, size), size)
		if err != nil {
			return nil, err
		}
		m.Depth = t.in.Depth + 1
		return m, nil
	}
	reopen := func() (io.ReadCloser, error) { return t.reopen(index) }
	m, err := scan.NewLiveStreamInput(chain, hdr.Name, hdr.Size, t.tr, reopen)
	if err != nil {
		return nil, err
	}
	m.Depth = t.in.Depth + 1
	return m, nil
}

// reopen restarts the archive stream and returns a reader of member index.
func (t *tarScan) reopen(index int) (io.ReadCloser, error) {
	rc, err := t.in.Open()
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(rc)
	for i := 0; i <= index; i++ {
		if _, err := tr.Next(); err != nil {
			rc.Close()
			return nil, fmt.Errorf("reopen tar member %d: %w", index, err)
		}
	}
	return readCloser{tr, rc}, nil
}

// containerDone records the outcome of a container whose members have
// been scanned: read when a member matched a format or something was
// reported, else passed over like its members ("" format).
func containerDone(s *scan.Session, in *scan.Input, matched, findingsBefore int) {
	if matched > 0 || s.FindingCount() > findingsBefore {
		s.Read(in)
		return
	}
	s.SetFormat(in, "")
}

// scanMember scans a member of a container. A member that is no format
// modelgate knows but is named like a pickle is reported, as a file would
// be.
func scanMember(s *scan.Session, in *scan.Input) string {
	got := s.Scan(in)
	if got == "" && scan.PickleName(in.Name) {
		s.Report(in, finding.Finding{Rule: finding.RuleUnscannable, Offset: -1,
			Message: "named like a pickle-based model, but the content is no format modelgate knows; a loader may still read it"})
		s.Partial()
	}
	return got
}
