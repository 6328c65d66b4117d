package formats

import (
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
	"github.com/modelgate/modelgate/internal/parse/zipread"
	"github.com/modelgate/modelgate/scan"
)

// zipArchive is a zip archive, named by what its central directory holds:
// "torch-zip" (torch.save since 1.6: <root>/data.pkl), "torchscript"
// (torch.jit.save: also <root>/constants.pkl or <root>/code/), "npz"
// (only .npy members) or "zip".
//
// Decisions:
//   - Matched by content: the end record, wherever the archive starts (a
//     zip with data before it is still a zip to zipfile). The kinds are
//     told apart by member names only; every kind is scanned the same way.
//   - In a torch archive, <root>/data.pkl (and constants.pkl in
//     TorchScript) are read as pickles whatever their content, as torch
//     does. The storages their persistent ids reference
//     (<root>/data/<key>) are never read: torch reads them as raw bytes
//     and never unpickles them, and they hold nearly all of a
//     checkpoint's size. A member named like a storage that no pickle
//     references is treated like any other member.
//   - In a TorchScript archive, every code/**.py member (which
//     torch.jit.load compiles) is parsed and its calls judged together
//     (zip_torchscript.go), and every other .pkl and .debug_pkl member is
//     read as a pickle whatever its content.
//   - Every other member is identified afresh by Session.Scan (a pickle
//     with any name, an .npy, a nested zip, 7z or gzip) from its first
//     HeadSize bytes; a directory entry that holds data too.
//   - Stored members are inputs with random access over the file;
//     compressed ones are streams inflated through Session.Bounded, once
//     for the head and the format that matches (see NewStreamInput). A
//     zip inside a compressed member is held in memory up to
//     Limits.MaxBuffered bytes (Session.Materialize), beyond which it is
//     inconclusive. Member errors (encrypted, unknown compression, a
//     bound, a broken header) are findings of that member; the other
//     members are still scanned.
//   - An encryption flag does not stop the scan: the member is read as
//     plain data, and reported as encrypted only when it is neither a
//     format modelgate knows nor plain text (encrypted data is random
//     bytes); a flag on a model member in plain is a malformed-format
//     finding, since zip readers disagree on it.
//   - Central entries that share a name are all scanned, reported as
//     "name#0", "name#1", ... in directory order: zipfile opens the last,
//     miniz may pick either, and a payload in the one a scanner skips
//     would pass.
//   - Bytes between members that no central entry references (a local
//     header left out of the directory, or anything else) are never read
//     by a loader, but are not allowed to hide: they are reported and
//     scanned (see scanGaps).
//   - When zipfile and miniz find different central directories (the end
//     record's offset read as shifted or as is), both are scanned: the
//     second is miniz's, torch.load's, its members reported under
//     "(directory at offset N)/", and the file is a polyglot.
//   - Data before the archive (before its first local header or its
//     central directory) is scanned as an input of its own; when it is a
//     known format (a pickle that torch.load would run because the
//     file does not start with a zip header), the file is a polyglot.
type zipArchive struct{ kind string }

var _ scan.Format = zipArchive{}

func (z zipArchive) Name() string { return z.kind }

func (z zipArchive) Match(in *scan.Input) bool {
	if in.At == nil {
		// A compressed member: only the head can be seen.
		return z.kind == kindZip && (in.HasPrefix("PK\x03\x04") || in.HasPrefix("PK\x05\x06"))
	}
	// The directory is read once per input, whichever kind asks first.
	a, err := in.Zip(zipOptions(scan.DefaultLimits()))
	if z.kind == kindZip {
		return err == nil || in.HasPrefix("PK\x03\x04")
	}
	return err == nil && zipKind(a) == z.kind
}

func zipOptions(l scan.Limits) zipread.Options {
	o := zipread.DefaultOptions()
	o.MaxMembers = l.MaxMembers
	return o
}

func (z zipArchive) Scan(s *scan.Session, in *scan.Input) error {
	s.Read(in)
	in, err := bufferInput(s, in)
	if err != nil {
		return err
	}
	a, err := in.Zip(zipOptions(s.Limits()))
	if err != nil {
		return fmt.Errorf("read zip central directory: %w", err)
	}
	if start := archiveStart(a, in.Size); start > 0 {
		z.scanPrefix(s, in, start)
	}
	if a.DirErr != nil {
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: a.End.DirOffset, Message: "zip central directory: " + finding.Quote(a.DirErr.Error(), 300)})
	}
	if a.More {
		s.Unscannable(in, fmt.Errorf("more than %d members (or names over %d bytes); the rest were not scanned: %w",
			s.Limits().MaxMembers, zipOptions(s.Limits()).MaxNameBytes, scan.ErrLimit))
	}
	scanMembers(s, in, a, "")
	scanGaps(s, in, a)
	if m := a.Miniz; m != nil {
		prefix := fmt.Sprintf("(directory at offset %d)/", m.End.DirOffset)
		s.Report(in, finding.Finding{Rule: finding.RulePolyglot, Offset: m.End.DirOffset, Message: fmt.Sprintf(
			"two central directories: zipfile (numpy.load) reads the one at offset %d, miniz (torch.load) the one at offset %d; both were scanned, the second as %q",
			a.End.DirOffset, m.End.DirOffset, prefix)})
		if m.DirErr != nil {
			s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: m.End.DirOffset, Message: "zip central directory: " + finding.Quote(m.DirErr.Error(), 300)})
		}
		scanMembers(s, in, m, prefix)
	}
	return nil
}

// scanMembers scans the members of a's directory, their reported names
// starting with prefix: the torch pickles first (read as pickles), then
// every other member but the storages they reference.
func scanMembers(s *scan.Session, in *scan.Input, a *zipread.Archive, prefix string) {
	names := memberNames(a)
	for i := range names {
		names[i] = prefix + names[i]
	}
	if prefix == "" {
		zipLinks(s, in, a)
		zipMethodTricks(s, in, a)
	}
	t := &torchArchive{}
	kind := zipKind(a)
	if kind == kindTorchZip || kind == kindTorchScript {
		t = scanTorchPickles(s, in, a, names)
	}
	if kind == kindTorchScript {
		scanTorchScript(s, in, a, names, t)
	}
	for i := range a.Members {
		m := &a.Members[i]
		if (m.IsDir() && m.Size == 0 && m.CompressedSize == 0) || t.pickles[i] || (t.storages[m.Name] && names[i] == prefix+m.Name) {
			continue
		}
		scanZipMember(s, in, a, m, names[i], false)
	}
}

// memberNames returns the reported name of each member: its name, or
// "name#k" (k the occurrence, from 0) when several central entries share
// it. Loaders pick one of them (zipfile the last, miniz either), so every
// one is scanned and told apart in reports.
func memberNames(a *zipread.Archive) []string {
	count := map[string]int{}
	for _, m := range a.Members {
		count[m.Name]++
	}
	seen := map[string]int{}
	out := make([]string, len(a.Members))
	for i, m := range a.Members {
		out[i] = memberName(m.Name)
		if count[m.Name] > 1 {
			out[i] += "#" + strconv.Itoa(seen[m.Name])
			seen[m.Name]++
		}
	}
	return out
}

// bufferInput holds a zip inside a compressed member in memory, up to
// Limits.MaxBuffered bytes, for the random access its directory needs.
func bufferInput(s *scan.Session, in *scan.Input) (*scan.Input, error) {
	out, err := s.Materialize(in, s.Limits().MaxBuffered)
	if err != nil {
		return nil, fmt.Errorf("zip inside a compressed member: %w", err)
	}
	return out, nil
}

// archiveStart is where the archive's own bytes start: the first local
// header or the central directory, whichever comes first. Bytes before it
// (a self-extractor stub, junk, or a pickle with an end record appended)
// are not the archive's, and loaders that look at the first bytes read
// them instead.
func archiveStart(a *zipread.Archive, size int64) int64 {
	start := a.End.DirOffset
	for _, m := range a.Members {
		if m.Err == nil && m.HeaderOffset >= 0 && m.HeaderOffset < start {
			start = m.HeaderOffset
		}
	}
	return min(start, size)
}

// scanPrefix scans the data before the archive as an input of its own.
func (z zipArchive) scanPrefix(s *scan.Session, in *scan.Input, n int64) {
	pre, err := scan.NewSectionInput(in.Child("(data before the zip)"), "(data before the zip)", io.NewSectionReader(in.At, 0, n), n)
	if err != nil {
		s.Unscannable(&scan.Input{Chain: in.Child("(data before the zip)")}, err)
		return
	}
	pre.Depth = in.Depth + 1
	if got := s.Scan(pre); got != "" {
		s.Report(in, finding.Finding{Rule: finding.RulePolyglot, Offset: 0, Length: n, Message: fmt.Sprintf(
			"the %d bytes before the zip archive are a %s: loaders that look at the first bytes (torch.load, numpy.load) read that, zip readers read the archive",
			n, got)})
	}
}

// scanZipMember identifies one member and scans it. With asPickle the
// member is read as a pickle whatever its content (torch's data.pkl), and
// the facts are returned.
func scanZipMember(s *scan.Session, in *scan.Input, a *zipread.Archive, m *zipread.Member, name string, asPickle bool) *pickle.Result {
	bare := &scan.Input{Chain: in.Child(name), Name: path.Base(name), Size: m.Size, Depth: in.Depth + 1}
	mi, err := memberInput(s, a, m, bare)
	if err != nil {
		if m.Encrypted() {
			err = fmt.Errorf("encrypted (flags %#04x): %w", m.Flags, err)
		}
		s.Unscannable(bare, err)
		return nil
	}
	var res *pickle.Result
	got := ""
	switch {
	case asPickle && m.Encrypted() && !(rawPickle{}).Match(mi):
		// Encrypted for real: random bytes, not a pickle to judge.
	case asPickle:
		got = "pickle"
		if res, err = scanPickleAt(s, mi, 0, true, ""); err != nil {
			s.Unscannable(mi, err)
		}
	default:
		got = s.Scan(mi)
	}
	switch {
	case got != "" && m.Encrypted():
		s.Report(mi, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: fmt.Sprintf(
			"flagged as encrypted (flags %#04x) but stored in plain: zip readers refuse it or read it depending on the reader", m.Flags)})
	case got == "" && m.Encrypted() && !plainText(mi.Head):
		// No loader decrypts (miniz and zipfile without a password
		// refuse): proven harmless when its bytes, read as they are,
		// are no pickle either.
		if why := scan.Unloadable(mi, ""); why != "" {
			s.Report(mi, s.Policy().NotLoadable(fmt.Sprintf("encrypted (flags %#04x), which no loader decrypts, and read as stored %s", m.Flags, why)))
			s.Partial()
			break
		}
		s.Unscannable(mi, fmt.Errorf("encrypted (flags %#04x): the content cannot be read", m.Flags))
	case got == "" && scan.PickleName(name):
		s.NotRead(mi)
	}
	return res
}

// memberInput returns the input of a member's content: random access
// over the file when stored, a bounded inflating stream otherwise.
func memberInput(s *scan.Session, a *zipread.Archive, m *zipread.Member, bare *scan.Input) (*scan.Input, error) {
	raw, err := a.Raw(m)
	if raw == nil {
		return nil, err
	}
	if err != nil {
		s.Report(bare, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "zip member: " + finding.Quote(err.Error(), 300)})
	}
	var mi *scan.Input
	if m.Method == zipread.Stored {
		mi, err = scan.NewSectionInput(bare.Chain, bare.Name, raw, raw.Size())
	} else {
		if derr := checkMemberMethod(m); derr != nil {
			return nil, derr
		}
		mi, err = scan.NewStreamInput(bare.Chain, bare.Name, m.Size, func() (io.ReadCloser, error) {
			src := &scan.CountingReader{R: io.NewSectionReader(raw, 0, raw.Size())}
			dec, err := decompressMember(m, src)
			if err != nil {
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{s.Bounded(dec, src), dec}, nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("read member: %w", err)
	}
	mi.Depth = bare.Depth
	return mi, nil
}

// plainText reports whether head is readable text, which encrypted data
// (random bytes after a 12-byte random header) never is.
func plainText(head []byte) bool {
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		switch {
		case r == utf8.RuneError && n <= 1 && len(head)-i < utf8.UTFMax && !utf8.FullRune(head[i:]):
			return true // a rune cut by the end of the head
		case r == utf8.RuneError && n <= 1, !unicode.IsPrint(r) && !unicode.IsSpace(r):
			return false
		}
		i += n
	}
	return true
}

// memberName renders a member name for reports: as is when it is
// printable UTF-8, quoted otherwise (the empty name too, which would read
// as the file itself).
func memberName(name string) string {
	if name != "" && utf8.ValidString(name) && strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
		return name
	}
	return strconv.Quote(name)
}
