package report

import "testing"

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "os.system('id')", "os.system('id')"},
		{"unicode_letters", "modèle_ü.pkl", "modèle_ü.pkl"},
		{"newline_workflow_command", "x\n::error::pwned", `x\n::error::pwned`},
		{"carriage_return", "a\rb", `a\rb`},
		{"escape_sequence", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"nul_and_del", "a\x00b\x7f", `a\x00b\x7f`},
		{"invalid_utf8", "a\xffb", `a\xffb`},
		{"c1_control", "a\u009bb", `a\u009bb`},
		{"bidi_override", "evil\u202egnp.pkl", `evil\u202egnp.pkl`},
		{"zero_width", "os\u200b.system", `os\u200b.system`},
		{"line_separator", "a\u2028b", `a\u2028b`},
		{"nbsp", "a\u00a0b", `a\u00a0b`},
		{"backslash_kept", `a\nb`, `a\nb`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "os.system", "\x1b[2J\n::error::x", "\xff\xfe", "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Clean(s)
		if !isClean(out) {
			t.Errorf("Clean(%q) = %q still holds unsafe runes", s, out)
		}
	})
}
