package pbtxt

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// flat renders a message as name=value and name{...} for comparison.
func flat(m *Message) string {
	var b strings.Builder
	for i, f := range m.Fields {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.Name)
		if f.Msg != nil {
			b.WriteString("{" + flat(f.Msg) + "}")
		} else {
			b.WriteString("=" + f.Value)
		}
	}
	return b.String()
}

// TestParse holds the grammar of TextFormat as protobuf's own printers and
// hand-written files use it.
func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"printed", "a: 1\nb {\n  c: \"x\"\n}\n", "a=1 b{c=x}"},
		{"colon_before_message", "b: { c: 'y' }", "b{c=y}"},
		{"angle_brackets", "b < c: 2 >", "b{c=2}"},
		{"separators", "a: 1, b: 2; c: 3", "a=1 b=2 c=3"},
		{"comments", "# head\na: 1 # tail\n# end", "a=1"},
		{"concatenated_strings", `s: "file" ':' "//x"`, "s=file://x"},
		{"escapes", `s: "\x66\151le\n\u00e9\"\\"`, "s=file\n\u00e9\"\\"},
		{"list_of_scalars", "a: [1, 2, 3]", "a=1 a=2 a=3"},
		{"list_of_messages", "m: [{x: 1}, <x: 2>]", "m{x=1} m{x=2}"},
		{"extension_name", "[type.googleapis.com/tf.X] { v: 1 }", "[type.googleapis.com/tf.X]{v=1}"},
		{"enum_and_negative", "t: DT_STRING n: -1.5e3 b: true", "t=DT_STRING n=-1.5e3 b=true"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.in), DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, flat(m)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseErrors checks malformed text and bounds: each is an error of
// its kind, with what was read before it kept.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts Options
		want error
	}{
		{"unclosed_message", "a { b: 1", DefaultOptions(), ErrFormat},
		{"unclosed_string", `a: "x`, DefaultOptions(), ErrFormat},
		{"newline_in_string", "a: \"x\ny\"", DefaultOptions(), ErrFormat},
		{"no_value", "a:", DefaultOptions(), ErrFormat},
		{"bad_escape", `a: "\q"`, DefaultOptions(), ErrFormat},
		{"stray_brace", "}", DefaultOptions(), ErrFormat},
		{"too_deep", strings.Repeat("a {", 5) + strings.Repeat("}", 5), Options{MaxDepth: 3, MaxFields: 100}, ErrLimit},
		{"too_many_fields", "a: 1 a: 2 a: 3", Options{MaxDepth: 3, MaxFields: 2}, ErrLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.in), tt.opts); !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"a: 1\nb {\n  c: \"x\"\n}\n", "m: [{x: 1}, <x: 2>]", `s: "\x66\151le\u00e9"`, "[a.b/c] { v: 1 } # c"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		Parse(b, Options{MaxDepth: 50, MaxFields: 10_000}) //nolint:errcheck // any error is fine
	})
}
