package scan

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/modelgate/modelgate/scan/keras"
	"github.com/modelgate/modelgate/scan/pickle"
)

// maxKerasConfig is the largest config.json read from a .keras archive.
const maxKerasConfig = 256 << 20

// kerasZip recognises a Keras v3 archive: a zip whose central directory
// lists config.json and metadata.json. It analyses the config and scans
// every other member like any zip member. A .keras archive reached as a
// stream (inside a compressed container) has no central directory to look
// at: it is recognised by its first member, metadata.json or config.json
// as Keras writes them, and read into memory within Limits.MaxMemberSize.
// Interim: it reads the zip with archive/zip until the project's lenient
// zip reader is on main.
type kerasZip struct{}

var _ Format = kerasZip{}

func (kerasZip) Name() string { return "keras" }

func (kerasZip) Match(in *Input) bool {
	if !in.HasPrefix("PK\x03\x04") {
		return false
	}
	if in.At == nil {
		return firstMember(in.Head) == "metadata.json" || firstMember(in.Head) == "config.json"
	}
	zr, err := zip.NewReader(in.At, in.Size)
	if err != nil {
		return false
	}
	var cfg, meta bool
	for _, f := range zr.File {
		cfg = cfg || f.Name == "config.json"
		meta = meta || f.Name == "metadata.json"
	}
	return cfg && meta
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

func (kerasZip) Scan(s *Session, in *Input) error {
	if in.At == nil {
		b, err := readInput(s, in)
		if err != nil {
			return err
		}
		whole := *in
		whole.At, whole.Size = bytes.NewReader(b), int64(len(b))
		in = &whole
	}
	zr, err := zip.NewReader(in.At, in.Size)
	s.Read(in)
	if err != nil {
		// Keras opens archives with Python's zipfile, which needs the
		// central directory: without one the model does not load.
		s.Report(in, Finding{Rule: RuleMalformedFormat, Offset: -1, Message: "Keras archive without a readable zip directory: " + err.Error()})
		return nil
	}
	for i, f := range zr.File {
		if i >= s.Limits().MaxMembers {
			return fmt.Errorf("more than %d members: %w", s.Limits().MaxMembers, ErrLimit)
		}
		if f.Name == "config.json" {
			if err := kerasConfigMember(s, in, f); err != nil {
				s.Unscannable(&Input{Chain: in.Child(f.Name), Name: f.Name}, err)
			}
			continue
		}
		if f.FileInfo().IsDir() || f.Name == "metadata.json" {
			continue
		}
		child, err := zipMemberInput(s, in, f)
		if err != nil {
			s.Unscannable(&Input{Chain: in.Child(f.Name), Name: f.Name}, err)
			continue
		}
		s.Scan(child)
	}
	return nil
}

func kerasConfigMember(s *Session, in *Input, f *zip.File) error {
	if f.UncompressedSize64 > maxKerasConfig {
		return fmt.Errorf("config.json of %d bytes: %w", f.UncompressedSize64, ErrLimit)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("open config.json: %w", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(s.Bounded(rc, nil), maxKerasConfig))
	if err != nil {
		return fmt.Errorf("read config.json: %w", err)
	}
	member := &Input{Chain: in.Child(f.Name), Name: f.Name, Size: int64(len(data)), Depth: in.Depth + 1}
	s.Read(member)
	reportKeras(s, member, keras.AnalyzeConfig(data), "")
	return nil
}

// zipMemberInput opens a member for Session.Scan: stored members keep
// random access, compressed ones are streamed through the session's bounds.
func zipMemberInput(s *Session, in *Input, f *zip.File) (*Input, error) {
	chain, size := in.Child(f.Name), int64(f.UncompressedSize64)
	var child *Input
	var err error
	if off, derr := f.DataOffset(); derr == nil && f.Method == zip.Store && size == int64(f.CompressedSize64) {
		child, err = NewSectionInput(chain, f.Name, io.NewSectionReader(in.At, off, size), size)
	} else {
		child, err = NewStreamInput(chain, f.Name, size, func() (io.ReadCloser, error) {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{s.Bounded(rc, nil), rc}, nil
		})
	}
	if err != nil {
		return nil, err
	}
	child.Depth = in.Depth + 1
	return child, nil
}

// reportKeras turns Keras config facts into findings; prefix is put
// before each key (e.g. "model_config." for an HDF5 attribute).
func reportKeras(s *Session, in *Input, facts []keras.Fact, prefix string) {
	for _, f := range facts {
		key := prefix + f.Key
		switch f.Kind {
		case keras.Lambda:
			msg := "Keras Lambda layer with serialised Python bytecode at " + key
			ev := ""
			if len(f.CodeNames) > 0 {
				ev = "code names: " + Quote(strings.Join(f.CodeNames, ", "), 300)
				msg += "; the code uses " + ev
			}
			if f.Detail != "" {
				msg += " (" + f.Detail + ")"
			}
			s.Report(in, Finding{Rule: RuleKerasLambda, Offset: -1, Key: key, Evidence: ev, Callable: "keras.layers.Lambda", Message: msg})
		case keras.Reference, keras.CustomObject:
			reportKerasReference(s, in, f, key)
		case keras.TFOp:
			if what, ok := tfRiskyFunctions[f.Name]; ok {
				s.Report(in, Finding{Rule: RuleTensorFlowOp, Offset: -1, Key: key, Callable: "tf." + f.Name,
					Message: "Keras TFOpLambda layer calls tf." + Quote(f.Name, 100) + " (" + what + ") at " + key})
			}
		case keras.Malformed:
			s.Report(in, Finding{Rule: RuleMalformedFormat, Offset: -1, Key: key, Message: "Keras config: " + f.Detail})
		}
	}
}

// reportKerasReference judges a referenced global with the policy: known
// dangerous is the safe_mode bypass, allowed is passed, unknown is a
// reference outside Keras (or a custom object when it has a registered
// package name).
func reportKerasReference(s *Session, in *Input, f keras.Fact, key string) {
	g := pickle.Global{Module: f.Module, Name: f.Name}
	name := Quote(g.String(), 200)
	v := s.Policy().Classify(g)
	switch {
	case v.Class == ClassDangerous:
		s.Report(in, Finding{Rule: RuleKerasDangerous, Offset: -1, Key: key, Callable: g.String(), Evidence: Quote(v.Reason, 200),
			Message: "Keras config makes the loader import and call " + name + " (" + v.Reason + "; safe_mode bypass, CVE-2025-1550)"})
	case v.Class == ClassSafe:
	case f.Kind == keras.CustomObject:
		s.Report(in, Finding{Rule: RuleKerasCustomObject, Offset: -1, Key: key, Callable: g.String(),
			Message: "Keras custom object " + Quote(f.Registered, 200) + " from " + name + " must be importable to load the model"})
	default:
		s.Report(in, Finding{Rule: RuleKerasExternal, Offset: -1, Key: key, Callable: g.String(),
			Message: "Keras config references " + name + " outside Keras: loading imports it"})
	}
}
