package formats

import (
	"io"

	"github.com/modelgate/modelgate/internal/parse/zipread"
	"github.com/modelgate/modelgate/scan"
)

// maxLinkTarget is the longest symlink target read from a zip member:
// PATH_MAX on Linux. A longer one is recorded as leading out (fail closed).
const maxLinkTarget = 4096

// zipLinks records the symbolic links of a zip as unzip restores them
// (Session.ArchiveLink), so that a loader's file beside a member (ONNX
// external data) is checked against them. The target is the member's
// content; one that cannot be read, or is too long, counts as leading out.
func zipLinks(s *scan.Session, in *scan.Input, a *zipread.Archive) {
	for i := range a.Members {
		m := &a.Members[i]
		if !m.IsSymlink() {
			continue
		}
		s.ArchiveLink(in, m.Name, zipLinkTarget(s, in, a, m), false)
	}
}

// zipLinkTarget reads the target of a symlink member.
func zipLinkTarget(s *scan.Session, in *scan.Input, a *zipread.Archive, m *zipread.Member) string {
	const unread = "/(a link target modelgate could not read)"
	if m.Size > maxLinkTarget {
		return unread
	}
	bare := &scan.Input{Chain: in.Child(m.Name), Name: m.Name, Size: m.Size, Depth: in.Depth + 1}
	mi, err := memberInput(s, a, m, bare)
	if err != nil {
		return unread
	}
	rc, err := mi.Open()
	if err != nil {
		return unread
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxLinkTarget))
	if err != nil {
		return unread
	}
	return string(b)
}
