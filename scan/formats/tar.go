package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pytar"
	"github.com/modelgate/modelgate/scan"
)

// tarArchive is a tar archive (ustar, GNU, PAX or v7), read as Python's
// tarfile reads it (internal/parse/pytar): that is how torch.load reads a
// legacy tar checkpoint and how Python tools extract archives. Each
// regular member is identified by content and scanned with Session.Scan.
//
// Decisions:
//   - Matched by the "ustar" magic at offset 257, or for v7 archives by a
//     valid header checksum and a file name, or by a first header that
//     tarfile accepts (a signed checksum, numbers as Python's int reads
//     them).
//   - Members are named as tarfile names them (global and local PAX
//     records, GNU long names, the ustar prefix). A member that a global
//     PAX header renames is read under tarfile's name, and the
//     disagreement with its own header's name, which Go's archive/tar and
//     other tools keep, is reported (MG141, high): torch's legacy_load
//     extracts "storages" by tarfile's name.
//   - With random access a member is a section of the file: nothing is
//     copied and formats inside may seek; a sparse member is read as
//     tarfile's _FileInFile reads it. In a stream (tar.gz) a member is a
//     stream input; its first opens are served from the live stream and
//     later ones restart the outer stream and skip to the member; sparse
//     members there, which no model writer produces, are reported
//     unscannable.
//   - Links named "storages" or "tensors" are read as their target member
//     (an earlier regular member), entry by entry: torch's legacy_load
//     extracts them with tarfile, which copies the target. Other links,
//     directories and devices are not followed.
//   - The members "storages" and "tensors" of the tar written by
//     torch.save before 0.4 are read as torch reads them (see
//     legacy_tar.go); the archive is then reported "torch-tar".
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
	// What tarfile.open accepts (torch.load tries it on every file that
	// is not a zip): a checksum, signed or unsigned, in any form Python's
	// int reads.
	return (h[0] != 0 && tarChecksumOK(h[:512])) || pytar.HeaderOK(h)
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
	opts := s.Limits().Tar
	opts.MaxMembers = s.Limits().MaxMembers + 1 // one more: the engine reports the bound
	if in.At != nil {
		t.tr = pytar.NewReader(in.At, in.Size, opts)
	} else {
		rc, err := in.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		t.fwd = &forwardReaderAt{r: rc}
		t.tr = pytar.NewReader(t.fwd, -1, opts)
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
	fwd     *forwardReaderAt // the archive stream, when it has no random access
	tr      *pytar.Reader
	matched int
	names   map[string]bool
	regular map[string]tarRegular // regular members read so far, by clean name
	links   []linkTo
}

// linkTo is a link member and the regular member before it that it names
// (zero when none does).
type linkTo struct {
	hdr    *pytar.Member
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
			if errors.Is(err, pytar.ErrLimit) {
				err = fmt.Errorf("%w: %w", err, scan.ErrLimit)
			}
			return fmt.Errorf("read tar header after %d members: %w", i, err)
		}
		if i >= t.s.Limits().MaxMembers {
			return fmt.Errorf("tar has more than %d members: %w", t.s.Limits().MaxMembers, scan.ErrLimit)
		}
		t.renamed(hdr)
		if hdr.Type == pytar.TypeLink || hdr.Type == pytar.TypeSymlink {
			// tarfile.extractall makes these links on disk, which a
			// loader opening a file beside a member follows (LinkCheck).
			t.s.ArchiveLink(t.in, hdr.Name, hdr.Linkname, hdr.Type == pytar.TypeLink)
			if hdr.Name == "storages" || hdr.Name == "tensors" {
				t.names[hdr.Name] = true
				t.links = append(t.links, linkTo{hdr, t.regular[tarLinkTarget(hdr)]})
			}
			continue
		}
		if !hdr.IsReg() {
			continue
		}
		t.names[hdr.Name] = true
		member, err := t.member(hdr, i)
		if err != nil {
			t.s.Unscannable(&scan.Input{Chain: t.in.Child(hdr.Name)}, fmt.Errorf("open tar member: %w", err))
			continue
		}
		t.regular[path.Clean(hdr.Name)] = tarRegular{index: i, hdr: hdr}
		if scanTorchTarMember(t.s, member) || scanMember(t.s, member) != "" {
			t.matched++
		}
	}
}

// renamed reports a member that Python's tarfile names otherwise than
// Go's archive/tar (and other tools that ignore global PAX records):
// what each reader sees under a name like "storages" differs.
func (t *tarScan) renamed(m *pytar.Member) {
	if m.Resized != "" {
		t.s.Report(t.in, finding.Finding{Rule: finding.RulePolyglot, Offset: m.Offset, Length: 512, Message: fmt.Sprintf(
			"loaders disagree on the size of the tar member %q at offset %d (%s): Python's tarfile (torch.load's legacy_load, tarfile.extract) reads %d bytes from offset %d, over the headers that follow; its own header, as Go's archive/tar reads it, says otherwise",
			m.Name, m.Offset, m.Resized, m.Size, m.DataOffset),
			Evidence: fmt.Sprintf("tarfile: %d bytes | archive/tar: the header's size", m.Size)})
	}
	switch {
	case strings.HasPrefix(m.Renamed, "global PAX path"), strings.HasPrefix(m.Renamed, "ustar prefix"), strings.HasPrefix(m.Renamed, "Solaris"):
	default:
		return
	}
	t.s.Report(t.in, finding.Finding{Rule: finding.RulePolyglot, Offset: m.Offset, Length: 512, Message: fmt.Sprintf(
		"loaders disagree on the name of the tar member at offset %d (%s): Python's tarfile (torch.load's legacy_load, tarfile.extract) names it %q; its own header, as Go's archive/tar and other tools read it, names it %q",
		m.Offset, m.Renamed, m.Name, m.Header),
		Evidence: fmt.Sprintf("tarfile: %q | archive/tar: %q", m.Name, m.Header)})
}

// tarRegular is a regular member already read.
type tarRegular struct {
	index int
	hdr   *pytar.Member
}

// tarLinkTarget is the name of the member a link names: for a hard link
// its link name, for a symbolic one that name from the link's folder.
func tarLinkTarget(hdr *pytar.Member) string {
	if hdr.Type == pytar.TypeSymlink {
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
	if t.in.At != nil {
		m, err = t.sectionInput(chain, l.hdr.Name, e.hdr)
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

// sectionInput returns the content of member hdr of an archive with
// random access: a section of it, or for a sparse member the content
// tarfile assembles.
func (t *tarScan) sectionInput(chain []string, name string, hdr *pytar.Member) (*scan.Input, error) {
	size := max(hdr.Size, 0)
	if hdr.IsSparse {
		return scan.NewStreamInput(chain, name, size, func() (io.ReadCloser, error) {
			return io.NopCloser(pytar.Sparse(t.in.At, hdr)), nil
		})
	}
	if hdr.DataOffset+size > t.in.Size {
		short := max(t.in.Size-hdr.DataOffset, 0)
		t.s.Unscannable(&scan.Input{Chain: chain}, fmt.Errorf("tar member at offset %d truncated: %d of %d bytes present", hdr.DataOffset, short, size))
		size = short
	}
	return scan.NewSectionInput(chain, name, io.NewSectionReader(t.in.At, hdr.DataOffset, size), size)
}

// member returns the input of the member whose header was just read.
func (t *tarScan) member(hdr *pytar.Member, index int) (*scan.Input, error) {
	chain := t.in.Child(hdr.Name)
	var m *scan.Input
	var err error
	switch {
	case t.in.At != nil:
		m, err = t.sectionInput(chain, hdr.Name, hdr)
	case hdr.IsSparse:
		return nil, errors.New("sparse tar member in a stream")
	default:
		live := io.NewSectionReader(t.fwd, hdr.DataOffset, max(hdr.Size, 0))
		reopen := func() (io.ReadCloser, error) { return t.reopen(index) }
		m, err = scan.NewLiveStreamInput(chain, hdr.Name, max(hdr.Size, 0), live, reopen)
	}
	if err != nil {
		return nil, err
	}
	m.Depth = t.in.Depth + 1
	return m, nil
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
		s.NotRead(in)
		s.Partial()
	}
	return got
}
