package policy

import (
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// TestNamesRaw checks that module and name strings are judged as
// CPython's find_class sees them, never normalised ("os " is not os: the
// import fails), and that they reach Finding.Callable and messages
// escaped.
func TestNamesRaw(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		callable string // the escaped callable that must be reported
		min      finding.Severity
	}{
		{"module_trailing_space",
			"cos \nsystem\n(S'id'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE STOP
			`os\x20.system`, finding.High},
		{"module_carriage_return",
			"cos\r\nsystem\n(S'id'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE STOP
			`os\x0d.system`, finding.High},
		{"module_newline_stack_global",
			"\x80\x04\x8c\x03os\n\x8c\x06system\x93\x8c\x02id\x85R.", // PROTO SHORT_BINUNICODE SHORT_BINUNICODE STACK_GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE STOP
			`os\x0a.system`, finding.High},
		{"name_escape_not_decoded",
			"cposix\nsy\\u0073tem\n(S'id'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE STOP
			`posix.sy\\u0073tem`, finding.Critical},
		{"homoglyph_module",
			"\x80\x04\x8c\x03\xd0\xbes\x8c\x06system\x93\x8c\x02id\x85R.", // PROTO SHORT_BINUNICODE(Cyrillic o + s) SHORT_BINUNICODE STACK_GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE STOP
			`\u043es.system`, finding.High},
		// GLOBAL lines must be UTF-8 (_pickle.c raises otherwise), but a
		// Python 2 STRING is any bytes (decoded by the loader's encoding).
		{"invalid_utf8_name",
			"S'posix'\nS'sys\\xfftem'\n\x93(S'id'\ntR.", // STRING STRING STACK_GLOBAL MARK STRING TUPLE REDUCE STOP
			`posix.sys\xfftem`, finding.Critical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, res := judgeBytes(tt.data)
			found := false
			for _, f := range fs {
				if f.Callable == "os.system" {
					t.Errorf("judged as os.system, which CPython would not import%s", dumpFindings(fs, res))
				}
				for _, s := range []string{f.Callable, f.Message, f.Evidence} {
					if strings.ContainsAny(s, "\n\r\x00") || strings.ContainsRune(s, '\u043e') {
						t.Errorf("raw byte in %q", s)
					}
				}
				if f.Callable == tt.callable && f.Severity >= tt.min {
					found = true
				}
			}
			if !found {
				t.Errorf("no finding at %s or above for %s%s", tt.min, tt.callable, dumpFindings(fs, res))
			}
		})
	}
}
