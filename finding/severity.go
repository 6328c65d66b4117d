package finding

import "fmt"

// Severity ranks a finding. The zero value is invalid so that a finding
// built without one is caught by tests rather than passing as "low".
type Severity int

// Severities, least to most severe.
const (
	SeverityInvalid Severity = iota
	Low
	Medium
	High
	Critical
)

// None is a --fail-on threshold above every severity: the gate never fails.
const None Severity = Critical + 1

var severityNames = [...]string{"invalid", "low", "medium", "high", "critical", "none"}

// String returns the lower-case name used in reports and flags.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses a severity name; "none" is accepted as the
// threshold above every severity.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if i > 0 && n == name {
			return Severity(i), nil
		}
	}
	return SeverityInvalid, fmt.Errorf("unknown severity %q (want critical, high, medium, low or none)", name)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) {
	if s <= SeverityInvalid || s > None {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
