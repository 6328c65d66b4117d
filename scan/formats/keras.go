package formats

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/keras"
	"github.com/modelgate/modelgate/internal/parse/zipread"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

// maxKerasConfig is the largest config.json read from a .keras archive.
const maxKerasConfig = 256 << 20

// kerasZip recognises a Keras v3 archive: a zip whose central directory
// lists config.json, as Python's zipfile names members (kerasConfig). It
// analyses the config, then scans the archive like any zip (every other
// member identified afresh, data before the archive, directory errors).
// Keras never reads metadata.json, so it is not required. A .keras
// archive reached as a stream (inside a compressed container) shows only
// its head: it is recognised by its first member, metadata.json or
// config.json as Keras writes them, and held in memory within
// Limits.MaxBuffered; so is a file whose zip directory cannot be read
// (cut short): it does not load.
type kerasZip struct{}

var _ scan.Format = kerasZip{}

func (kerasZip) Name() string { return "keras" }

func (kerasZip) Match(in *scan.Input) bool {
	if in.At == nil {
		return kerasHead(in)
	}
	// Any zip, wherever it starts: Python's zipfile (and so Keras) reads
	// an archive with data before it.
	a, err := in.Zip(zipOptions(scan.DefaultLimits()))
	if err != nil {
		// A Keras archive cut short (no directory): reported as one that
		// does not load rather than as a zip that cannot be read.
		return kerasHead(in)
	}
	return kerasConfig(a) != nil
}

// kerasHead reports whether the head is a zip whose first member is one a
// Keras archive starts with.
func kerasHead(in *scan.Input) bool {
	first := pyZipName(firstMember(in.Head))
	return in.HasPrefix("PK\x03\x04") && (first == "metadata.json" || first == "config.json")
}

// kerasConfig returns the member zf.open("config.json") opens in Python:
// the last entry of the central directory whose name, cut at its first
// NUL, is config.json (ZipFile keeps names in a dict, so a later entry
// replaces an earlier one). It returns nil when there is none.
func kerasConfig(a *zipread.Archive) *zipread.Member {
	var cfg *zipread.Member
	for i := range a.Members {
		if pyZipName(a.Members[i].Name) == "config.json" {
			cfg = &a.Members[i]
		}
	}
	return cfg
}

// pyZipName is a member name as Python's zipfile reports it: ZipInfo cuts
// a name at its first NUL.
func pyZipName(name string) string {
	if i := strings.IndexByte(name, 0); i >= 0 {
		return name[:i]
	}
	return name
}

// firstMember returns the name in the local header at the start of head.
func firstMember(head []byte) string {
	if len(head) < 30 {
		return ""
	}
	n := int(binary.LittleEndian.Uint16(head[26:]))
	if 30+n > len(head) {
		return ""
	}
	return string(head[30 : 30+n])
}

func (kerasZip) Scan(s *scan.Session, in *scan.Input) error {
	in, err := bufferInput(s, in)
	if err != nil {
		return err
	}
	s.Read(in)
	a, err := in.Zip(zipOptions(s.Limits()))
	if err != nil {
		// Keras opens archives with Python's zipfile, which needs the
		// central directory: without one the model does not load.
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "Keras archive without a readable zip directory: " + finding.Quote(err.Error(), 300)})
		return nil
	}
	if m := kerasConfig(a); m != nil {
		kerasArchiveTricks(s, in, a)
		bare := &scan.Input{Chain: in.Child(m.Name), Name: m.Name, Size: m.Size, Depth: in.Depth + 1}
		if m.Name != "config.json" {
			s.Trick(bare, policy.Trick{Kind: policy.TrickZipName, Offset: -1, Detail: "zip member " + finding.Quote(m.Name, 200) +
				" is opened by Keras as config.json: Python's zipfile cuts a member name at its first NUL"})
		}
		if err := kerasConfigMember(s, a, m, bare); err != nil {
			s.Unscannable(bare, err)
		}
	}
	return zipArchive{kindZip}.Scan(s, in)
}

func kerasConfigMember(s *scan.Session, a *zipread.Archive, m *zipread.Member, bare *scan.Input) error {
	if m.Size > maxKerasConfig {
		return fmt.Errorf("config.json of %d bytes: %w", m.Size, scan.ErrLimit)
	}
	mi, err := memberInput(s, a, m, bare)
	if err != nil {
		return err
	}
	rc, err := mi.Open()
	if err != nil {
		return fmt.Errorf("open config.json: %w", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxKerasConfig))
	if err != nil {
		return fmt.Errorf("read config.json at offset %d: %w", len(data), err)
	}
	s.Read(mi)
	jsonEncodingTrick(s, mi, data)
	reportKeras(s, mi, keras.Analyze(data, s.Limits().Keras, s.Policy().KerasSideEffects()), "")
	return nil
}

// reportKeras reports the findings the policy makes of Keras config
// facts; prefix is put before each key (e.g. "model_config." for an HDF5
// attribute).
func reportKeras(s *scan.Session, in *scan.Input, facts []keras.Fact, prefix string) {
	for _, f := range s.Policy().Keras(facts, prefix) {
		s.Report(in, f)
	}
	// A bound hit is inconclusive (MG006) and the reading went on for
	// what runs code; the flood that reached the bound is named too.
	for _, f := range facts {
		if f.Kind == keras.Limit {
			s.Trick(in, policy.Trick{Kind: policy.TrickBudgetFlood, Offset: -1, Key: prefix + f.Key, Detail: "the config reaches a bound of the reader (" +
				f.Detail + ") at " + finding.Quote(prefix+f.Key, 200) + ": a config padded to exhaust a reader's budget before what runs code; Keras reads it all"})
			break
		}
	}
}
