package formats

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/bodgit/sevenzip"
	"github.com/modelgate/modelgate/scan"
)

// sevenZip is a 7-Zip archive. Wrapping a PyTorch zip in 7z hid
// payloads from scanners that only knew zip (the nullifAI technique), so
// every member is identified by content and scanned with Session.Scan.
//
// Decisions:
//   - 7z keeps its header at the end, so the archive needs random access:
//     a 7z inside a stream is held in memory up to Limits.MaxBuffered
//     (Session.Materialize), a bigger one is inconclusive.
//   - Members are streams (solid blocks cannot be entered in the middle),
//     bounded by Session.Bounded with the ratio taken against the size of
//     the whole archive, since a solid block has no per-member compressed
//     size. The first opens of a member share one decompression (the head
//     and the format's read); later ones decompress afresh.
//   - Encryption, of the header or of members, is reported unscannable:
//     never a silent pass.
type sevenZip struct{}

var _ scan.Format = sevenZip{}

func (sevenZip) Name() string { return "7z" }

func (sevenZip) Match(in *scan.Input) bool { return in.HasPrefix("7z\xbc\xaf\x27\x1c") }

func (sevenZip) Scan(s *scan.Session, in *scan.Input) error {
	ra, err := s.Materialize(in, min(s.Limits().MaxBuffered, s.Limits().MaxMemberSize))
	if err != nil {
		return err
	}
	registerSevenZipFilters()
	r, err := sevenzip.NewReader(ra.At, ra.Size)
	if err != nil {
		return fmt.Errorf("read 7z header: %w", sevenZipError(err))
	}
	matched, before := 0, s.FindingCount()
	for i, f := range r.File {
		if i >= s.Limits().MaxMembers {
			return fmt.Errorf("7z has more than %d members: %w", s.Limits().MaxMembers, scan.ErrLimit)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		if scanSevenZipMember(s, in, f) {
			matched++
		}
	}
	containerDone(s, in, matched, before)
	return nil
}

// scanSevenZipMember scans one member and reports whether it matched a
// format or was reported.
func scanSevenZipMember(s *scan.Session, in *scan.Input, f *sevenzip.File) bool {
	size := int64(-1)
	if f.UncompressedSize <= math.MaxInt64 {
		size = int64(f.UncompressedSize)
	}
	open := func() (io.ReadCloser, error) {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("open 7z member: %w", sevenZipError(err))
		}
		src := &scan.CountingReader{N: in.Size}
		return readCloser{s.Bounded(sevenZipReader{rc}, src), rc}, nil
	}
	live, err := open()
	if err != nil {
		s.Unscannable(&scan.Input{Chain: in.Child(f.Name)}, err)
		return true
	}
	defer live.Close()
	member, err := scan.NewLiveStreamInput(in.Child(f.Name), f.Name, size, live, open)
	if err != nil {
		s.Unscannable(&scan.Input{Chain: in.Child(f.Name)}, err)
		return true
	}
	member.Depth = in.Depth + 1
	return scanMember(s, member) != ""
}

// sevenZipReader reports read errors of encrypted members as such.
type sevenZipReader struct{ r io.Reader }

func (z sevenZipReader) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	if err != nil && err != io.EOF {
		err = sevenZipError(err)
	}
	return n, err
}

// errEncrypted marks content that cannot be read without a password.
var errEncrypted = errors.New("encrypted: cannot be read without the password")

// sevenZipError says so when err comes from encrypted content.
func sevenZipError(err error) error {
	var re *sevenzip.ReadError
	if errors.As(err, &re) && re.Encrypted {
		return fmt.Errorf("%w (%w)", errEncrypted, err)
	}
	return err
}
