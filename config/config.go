// Package config reads the policy file, .modelgate.yml: reviewed
// exceptions a team keeps in its repository (globals it allows or denies,
// severity overrides, suppressions with reasons and expiry dates, path
// filters and limits).
//
// Decisions: the file is parsed strictly (unknown keys, bad values and
// missing reasons are errors, reported with their line), because a typo
// in a security exception must not silently widen or narrow it. Every
// allow, deny and ignore entry needs a reason: the file is meant to be
// reviewed in pull requests like code.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"go.yaml.in/yaml/v3"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

// DefaultName is the policy file looked for at the scan root.
const DefaultName = ".modelgate.yml"

// File is the content of a policy file.
type File struct {
	Allow    []Entry           `yaml:"allow"`
	Deny     []Entry           `yaml:"deny"`
	Severity map[string]string `yaml:"severity"`
	Ignore   []Ignore          `yaml:"ignore"`
	Paths    Paths             `yaml:"paths"`
	Limits   Limits            `yaml:"limits"`
}

// Entry allows or denies a global: "mypkg.models.Net" exactly, or
// "mypkg.layers.*" for every name under a module or package.
type Entry struct {
	Global string `yaml:"global"`
	Reason string `yaml:"reason"`
	// Force accepts an allow entry for a known-dangerous global.
	Force bool `yaml:"force"`
}

// Ignore suppresses the findings of one rule under a path glob, optionally
// narrowed to an archive member or a callable, until Expires.
type Ignore struct {
	Rule     string `yaml:"rule"`
	Path     string `yaml:"path"`
	Member   string `yaml:"member"`
	Callable string `yaml:"callable"`
	Reason   string `yaml:"reason"`
	Expires  Date   `yaml:"expires"`
	// Force lets the entry suppress critical findings, as force lets an
	// allow entry cover a known-dangerous global; it is reported (MG150).
	Force bool `yaml:"force"`
}

// Paths filters the files scanned.
type Paths struct {
	Include []string `yaml:"include"`
	Exclude []string `yaml:"exclude"`
}

// Limits overrides the scanner's bounds; absent keys keep the defaults.
type Limits struct {
	MaxDepth        *int   `yaml:"max_depth"`
	MaxMembers      *int   `yaml:"max_members"`
	MaxMemberSize   *int64 `yaml:"max_member_size"`
	MaxRatio        *int64 `yaml:"max_ratio"`
	MaxDecompressed *int64 `yaml:"max_decompressed"`
}

// Date is a calendar day, written 2027-01-31.
type Date struct{ time.Time }

// UnmarshalYAML accepts YYYY-MM-DD.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	t, err := time.Parse(time.DateOnly, n.Value)
	if err != nil {
		return fmt.Errorf("line %d: expires %q is not a date like 2027-01-31", n.Line, n.Value)
	}
	d.Time = t
	return nil
}

// Load reads and validates a policy file.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read policy file: %w", err)
	}
	f, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("policy file %s: %w", path, err)
	}
	return f, nil
}

// Parse parses and validates the bytes of a policy file.
func Parse(b []byte) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, explain(err)
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// sections names the YAML section of each type, for messages.
var sections = map[string]string{"File": "at the top level", "Entry": "in an allow or deny entry",
	"Ignore": "in an ignore entry", "Paths": "under paths", "Limits": "under limits"}

var unknownField = regexp.MustCompile(`field (\S+) not found in type config\.(\w+)`)

// explain rewrites the YAML decoder's errors in the file's own terms:
// `line 3: unknown key "alow" at the top level`.
func explain(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("not valid YAML: %w", err)
	}
	errs := make([]error, 0, len(te.Errors))
	for _, e := range te.Errors {
		if m := unknownField.FindStringSubmatch(e); m != nil {
			e = strings.Replace(e, m[0], fmt.Sprintf("unknown key %q %s", m[1], cmpOr(sections[m[2]], "in "+m[2])), 1)
		}
		errs = append(errs, errors.New(e))
	}
	return errors.Join(errs...)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

var globalPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\.\*)?$`)

func (f *File) validate() error {
	var errs []error
	for _, list := range []struct {
		key     string
		entries []Entry
	}{{"allow", f.Allow}, {"deny", f.Deny}} {
		for i, e := range list.entries {
			switch {
			case !globalPattern.MatchString(e.Global) || !containsDot(e.Global):
				errs = append(errs, fmt.Errorf("%s[%d]: global %q is not a dotted name like mypkg.models.Net or mypkg.layers.*", list.key, i, e.Global))
			case e.Reason == "":
				errs = append(errs, fmt.Errorf("%s[%d] (%s): a reason is required", list.key, i, e.Global))
			case list.key == "deny" && e.Force:
				errs = append(errs, fmt.Errorf("deny[%d] (%s): force applies to allow entries only", i, e.Global))
			}
		}
	}
	for id, sev := range f.Severity {
		if _, ok := finding.RuleByID(id); !ok {
			errs = append(errs, fmt.Errorf("severity: unknown rule %q", id))
		}
		if s, err := finding.ParseSeverity(sev); err != nil || s == finding.None {
			errs = append(errs, fmt.Errorf("severity: %s: %q is not critical, high, medium or low", id, sev))
		}
	}
	for i, ig := range f.Ignore {
		if _, ok := finding.RuleByID(ig.Rule); !ok {
			errs = append(errs, fmt.Errorf("ignore[%d]: unknown rule %q", i, ig.Rule))
		}
		if ig.Path == "" || !doublestar.ValidatePattern(ig.Path) {
			errs = append(errs, fmt.Errorf("ignore[%d]: path %q is not a valid glob", i, ig.Path))
		}
		if ig.Reason == "" {
			errs = append(errs, fmt.Errorf("ignore[%d]: a reason is required", i))
		}
	}
	for _, g := range append(append([]string(nil), f.Paths.Include...), f.Paths.Exclude...) {
		if !doublestar.ValidatePattern(g) {
			errs = append(errs, fmt.Errorf("paths: %q is not a valid glob", g))
		}
	}
	if err := f.Limits.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func containsDot(s string) bool { return bytes.IndexByte([]byte(s), '.') > 0 }

func (l Limits) validate() error {
	var errs []error
	for _, lim := range []struct {
		name string
		set  bool
		v    int64
	}{
		{"max_depth", l.MaxDepth != nil, deref(l.MaxDepth)}, {"max_members", l.MaxMembers != nil, deref(l.MaxMembers)},
		{"max_member_size", l.MaxMemberSize != nil, deref(l.MaxMemberSize)}, {"max_ratio", l.MaxRatio != nil, deref(l.MaxRatio)},
		{"max_decompressed", l.MaxDecompressed != nil, deref(l.MaxDecompressed)},
	} {
		if lim.set && lim.v < 1 {
			errs = append(errs, fmt.Errorf("limits: %s must be positive (leave it out for the default)", lim.name))
		}
	}
	return errors.Join(errs...)
}

func deref[T int | int64](p *T) int64 {
	if p == nil {
		return 0
	}
	return int64(*p)
}

// ApplyLimits returns lim with the file's overrides.
func (f *File) ApplyLimits(lim scan.Limits) scan.Limits {
	set := func(dst *int64, p *int64) {
		if p != nil && *p > 0 {
			*dst = *p
		}
	}
	if f.Limits.MaxDepth != nil && *f.Limits.MaxDepth > 0 {
		lim.MaxDepth = *f.Limits.MaxDepth
	}
	if f.Limits.MaxMembers != nil && *f.Limits.MaxMembers > 0 {
		lim.MaxMembers = *f.Limits.MaxMembers
	}
	set(&lim.MaxMemberSize, f.Limits.MaxMemberSize)
	set(&lim.MaxRatio, f.Limits.MaxRatio)
	set(&lim.MaxDecompressed, f.Limits.MaxDecompressed)
	return lim
}

// PolicyConfig returns what the file says to the judge (policy.New): its
// allow and deny entries, severity overrides and ignore entries. source is
// the file's path as reported; today is the day expiry dates are judged
// against. The file was validated when it was read, so every severity
// parses.
func (f *File) PolicyConfig(source string, today time.Time) policy.Config {
	cfg := policy.Config{Source: source, Today: today}
	for _, e := range f.Allow {
		cfg.Allow = append(cfg.Allow, policy.Entry{Global: e.Global, Reason: e.Reason, Force: e.Force})
	}
	for _, e := range f.Deny {
		cfg.Deny = append(cfg.Deny, policy.Entry{Global: e.Global, Reason: e.Reason})
	}
	if len(f.Severity) > 0 {
		cfg.Severity = map[string]finding.Severity{}
		for id, name := range f.Severity {
			cfg.Severity[id], _ = finding.ParseSeverity(name)
		}
	}
	for _, ig := range f.Ignore {
		cfg.Ignore = append(cfg.Ignore, policy.Ignore{Rule: ig.Rule, Path: ig.Path, Member: ig.Member,
			Callable: ig.Callable, Reason: ig.Reason, Expires: ig.Expires.Time, Force: ig.Force})
	}
	return cfg
}
