package scan

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
	"github.com/modelgate/modelgate/policy"
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
	// joblibRefused holds, by input, why joblib.load refuses what it
	// decompresses the input to (JoblibRefuses).
	joblibRefused map[*Input]string
	// tricks lists the kinds of the tricks reported (Trick), in order.
	tricks []string
	// links holds the link members of archives, by archive chain then
	// member name; checks the lookups asked for (LinkCheck).
	links  map[string]map[string]archiveLink
	checks []linkCheck
}

// NewSession returns the session of one file scanned with opts, reporting
// into res: for formats scanning an input outside a walk (tests,
// benchmarks, a caller with bytes in memory).
func NewSession(opts Options, res *finding.FileResult) *Session {
	return &Session{scanner: &Scanner{opts: opts, formats: opts.Formats}, result: res, seen: map[string]bool{}}
}

// Limits returns the bounds in force.
func (s *Session) Limits() Limits { return s.scanner.opts.Limits }

// Policy returns the policy that judges pickle facts.
func (s *Session) Policy() *policy.Judge { return s.scanner.opts.Policy }

// PickleOptions returns the pickle reader's options: the limits in force,
// with the callables the policy examines call by call.
func (s *Session) PickleOptions() pickle.Options {
	return s.Policy().PickleOptions(s.Limits().Pickle)
}

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

// Report adds a finding located in in; the member chain is filled in, and
// the policy decides its severity and suppression (policy.Judge.Decide).
func (s *Session) Report(in *Input, f finding.Finding) {
	f.Member = in.Member()
	f = s.Policy().Decide(s.result.Path, f)
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

// FormatName returns the name SetFormat gave in, or def when none was set.
func (s *Session) FormatName(in *Input, def string) string {
	if name, ok := s.formats[in]; ok {
		return name
	}
	return def
}

// FindingCount returns how many findings the file has so far: a container
// compares it before and after a member to tell whether the member held
// anything.
func (s *Session) FindingCount() int { return len(s.result.Findings) }

// MemberCount returns how many members were recorded as read so far.
func (s *Session) MemberCount() int { return len(s.result.Members) }

// Rechain renames the member chain from to chain to in the findings and
// members recorded from the given counts on. A compressed joblib dump is
// one file to joblib.load, which decompresses it transparently, so its
// pickle is reported as the compressed input itself, not as a member.
func (s *Session) Rechain(from, to string, findings, members int) {
	rename := func(m string) string {
		switch {
		case m == from:
			return to
		case strings.HasPrefix(m, from+MemberSep) && to == "":
			return m[len(from)+len(MemberSep):]
		case strings.HasPrefix(m, from+MemberSep):
			return to + m[len(from):]
		}
		return m
	}
	for i := findings; i < len(s.result.Findings); i++ {
		s.result.Findings[i].Member = rename(s.result.Findings[i].Member)
	}
	kept := s.result.Members[:members]
	for _, m := range s.result.Members[members:] {
		delete(s.seen, m)
		if m = rename(m); m != "" && !s.seen[m] {
			s.seen[m] = true
			kept = append(kept, m)
		}
	}
	s.result.Members = kept
}

// JoblibRefuses records that joblib.load refuses the bytes it decompresses
// in to, and why (PickleRefused of the decompressed content): a format
// that decompresses an input it then passes over gives Unloadable this
// proof, which the input's head alone cannot give.
func (s *Session) JoblibRefuses(in *Input, why string) {
	if s.joblibRefused == nil {
		s.joblibRefused = map[*Input]string{}
	}
	s.joblibRefused[in] = why
}

// Trick reports that in was read past a layout that a simpler reader
// misreads (policy.Trick, judged by the policy), and remembers its kind so
// that the file's high and critical findings name it (Finish).
func (s *Session) Trick(in *Input, t policy.Trick) {
	s.Report(in, s.Policy().Trick(t))
	if !slices.Contains(s.tricks, t.Kind) {
		s.tricks = append(s.tricks, t.Kind)
	}
}

// Finish completes the scan of the file once everything in it was read:
// it resolves the lookups of LinkCheck through the archives' links, then
// names the tricks reported in the high and critical findings.
func (s *Session) Finish() {
	s.runLinkChecks()
	s.nameTricks()
}

// nameTricks adds the kinds of the tricks reported so far to every high
// or critical finding of the file, so that the finding a trick hid says
// how it was hidden.
func (s *Session) nameTricks() {
	clause := policy.TrickClause(s.tricks)
	if clause == "" {
		return
	}
	for i := range s.result.Findings {
		f := &s.result.Findings[i]
		if f.Rule != finding.RuleLoaderTrick && f.Severity >= finding.High {
			f.Message += clause
		}
	}
}

// Partial marks the file as not completely scanned; the caller reports why.
func (s *Session) Partial() { s.partial = true }

// NotRead reports an input named like a pickle that no format reads: not
// scanned at medium when every loader provably rejects it before running
// anything (Unloadable), else high, since a loader may still read it.
func (s *Session) NotRead(in *Input) {
	if why := Unloadable(in, s.joblibRefused[in]); why != "" {
		s.Report(in, s.Policy().NotLoadable(why))
		return
	}
	s.Report(in, finding.Finding{Rule: finding.RuleUnscannable, Offset: -1,
		Message: "named like a pickle-based model, but the content is no format modelgate knows; a loader may still read it"})
}

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
		return s.FormatName(in, f.Name())
	}
	return ""
}

func describe(in *Input) string {
	if len(in.Chain) == 0 {
		return "file"
	}
	return fmt.Sprintf("member %q", in.Member())
}
