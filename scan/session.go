package scan

import (
	"errors"
	"fmt"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// ErrLimit marks an error caused by a bound of Limits: the scan of that
// input is inconclusive rather than failed.
var ErrLimit = errors.New("limit reached")

// Session collects what the scan of one file finds, across every archive
// member inside it. Formats report through it; it is not safe for
// concurrent use (each file has its own).
type Session struct {
	scanner *Scanner
	result  *finding.FileResult
	seen    map[string]bool
	read    bool
	partial bool
	// decompressed counts the bytes inflated for this file, across members.
	decompressed int64
	// formats holds names set by SetFormat, which override Format.Name.
	formats map[*Input]string
}

// Limits returns the bounds in force.
func (s *Session) Limits() Limits { return s.scanner.opts.Limits }

// Policy returns the policy that judges pickle facts.
func (s *Session) Policy() *Policy { return s.scanner.opts.Policy }

// Read records that the content of in was read, so the report lists it.
func (s *Session) Read(in *Input) {
	s.read = true
	if len(in.Chain) == 0 {
		return
	}
	m := in.Member()
	if !s.seen[m] {
		s.seen[m] = true
		s.result.Members = append(s.result.Members, m)
	}
}

// Report adds a finding located in in; the member chain is filled in.
func (s *Session) Report(in *Input, f finding.Finding) {
	f.Member = in.Member()
	if f.Severity == finding.SeverityInvalid {
		if r, ok := finding.RuleByID(f.Rule); ok {
			f.Severity = r.Severity
		}
	}
	if f.Length == 0 && f.Offset >= 0 {
		f.Length = 1
	}
	s.result.Findings = append(s.result.Findings, f)
}

// Pickle judges the facts of a pickle stream read from in. prefix is put
// before each message (e.g. "pickle #3: "), for containers that hold
// several pickles in one member.
func (s *Session) Pickle(in *Input, res *pickle.Result, prefix string) {
	s.Read(in)
	for _, f := range s.Policy().Pickle(res) {
		f.Message = prefix + f.Message
		s.Report(in, f)
	}
	if res.Limit != nil {
		s.partial = true
	}
}

// SetFormat names the format of in more precisely than the Name of the
// format that scans it, e.g. "joblib-gzip" for a gzip stream holding a
// joblib dump. The name "" says the input held nothing modelgate knows (a
// gzip of a text file), so it is passed over like the text file would be.
func (s *Session) SetFormat(in *Input, name string) {
	if s.formats == nil {
		s.formats = map[*Input]string{}
	}
	s.formats[in] = name
}

// Partial marks the file as not completely scanned; the caller reports why.
func (s *Session) Partial() { s.partial = true }

// Unscannable reports that in could not be read and why.
func (s *Session) Unscannable(in *Input, err error) {
	s.partial = true
	rule := finding.RuleUnscannable
	if errors.Is(err, ErrLimit) {
		rule = finding.RuleInconclusive
	}
	s.Report(in, finding.Finding{Rule: rule, Offset: -1, Message: fmt.Sprintf("could not scan %s: %v", describe(in), err)})
}

// Scan identifies in and scans it with the first format that matches. It
// returns the name of that format, or "" when none matched. Errors of the
// format are reported as findings, never returned: a container goes on
// with its other members.
func (s *Session) Scan(in *Input) string {
	if in.Depth > s.Limits().MaxDepth {
		s.Unscannable(in, fmt.Errorf("containers nested deeper than %d: %w", s.Limits().MaxDepth, ErrLimit))
		return ""
	}
	for _, f := range s.scanner.formats {
		if !f.Match(in) {
			continue
		}
		if err := f.Scan(s, in); err != nil {
			s.Unscannable(in, fmt.Errorf("%s: %w", f.Name(), err))
		}
		name, ok := s.formats[in]
		if !ok {
			name = f.Name()
		}
		return s.alsoPickle(f, in, name)
	}
	return ""
}

// alsoPickle scans in as pickles from its first byte when a format that
// does not read it that way matched it, yet it is a pickle too: a zlib
// stream whose header bytes are pickle opcodes, a tar whose first member
// name is a pickle, an HDF5 file with a pickle in its user block.
// pickle.load, joblib.load and torch.load read the pickle; the other
// format's reader reads the rest. Such a file is a polyglot when the
// pickle can do something: it imports a global or hits a bound (a tar
// whose first member is named "N." is a pickle of None, and a
// safetensors header length of 128 reads as PROTO 0, then fails). It
// returns the name of the format to report: name, or "pickle" when the
// other format found nothing it knows (a zlib stream of no known
// content).
//
// A zip is left out: data before the archive is scanned as an input of
// its own (zipArchive.scanPrefix), and an archive that starts at the
// first byte starts with "PK", PERSID, which no loader reads at the top.
func (s *Session) alsoPickle(f Format, in *Input, name string) string {
	switch f.(type) {
	case rawPickle, joblibDump, torchLegacy, zipArchive:
		return name // read as pickles from the first byte already, or above
	}
	if len(in.Head) == 0 || !isPickleOpcode(in.Head[0]) || !sniffPickle(in) {
		return name
	}
	opts := s.Limits().Pickle
	opts.Joblib = true
	res, err := readPicklesAt(in, 0, opts, false)
	if res == nil || (len(res.Imports) == 0 && res.Limit == nil && err == nil) {
		return name
	}
	what := name
	if what == "" {
		what, name = f.Name(), "pickle"
	}
	s.Report(in, finding.Finding{Rule: finding.RulePolyglot, Offset: 0, Message: fmt.Sprintf(
		"a %s that is also a pickle from its first byte: pickle.load, joblib.load and torch.load run the pickle; it was scanned as one", what)})
	if err != nil && res.Err != nil && strings.HasPrefix(res.Err.Msg, "read: ") {
		res.Err = nil // the input failed, not the pickle: reported below
	}
	s.Pickle(in, res, "read as a pickle: ")
	if err != nil {
		s.Unscannable(in, fmt.Errorf("read as a pickle: %w", err))
	}
	return name
}

func describe(in *Input) string {
	if len(in.Chain) == 0 {
		return "file"
	}
	return fmt.Sprintf("member %q", in.Member())
}
