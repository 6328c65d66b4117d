package pyjson

import (
	"encoding/binary"
	"encoding/json"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
)

func utf16le(s string, bom bool) []byte {
	var out []byte
	if bom {
		out = []byte{0xff, 0xfe}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

func utf32be(s string, bom bool) []byte {
	var out []byte
	if bom {
		out = []byte{0, 0, 0xfe, 0xff}
	}
	for _, r := range s {
		out = binary.BigEndian.AppendUint32(out, uint32(r))
	}
	return out
}

// TestDecode holds the readings json.loads gives (written down from
// CPython 3.11's json module).
func TestDecode(t *testing.T) {
	doc := `{"class_name": "Lambda", "a": 1}`
	want := map[string]any{"class_name": "Lambda", "a": json.Number("1")}
	tests := []struct {
		name    string
		in      []byte
		want    any
		wantErr bool
	}{
		{"utf8", []byte(doc), want, false},
		{"utf8_bom", append([]byte{0xef, 0xbb, 0xbf}, doc...), want, false},
		{"utf16le_bom", utf16le(doc, true), want, false},
		{"utf16le_no_bom", utf16le(doc, false), want, false},
		{"utf32be_bom", utf32be(doc, true), want, false},
		{"utf32be_no_bom", utf32be(doc, false), want, false},
		{"nan_infinity", []byte(`{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN"}`),
			map[string]any{"a": nil, "b": []any{nil, nil}, "c": "NaN"}, false},
		{"escaped_quote_then_nan", []byte(`["\"", NaN]`), []any{`"`, nil}, false},
		{"duplicate_key_last_wins", []byte(`{"class_name": "Dense", "class_name": "Lambda"}`),
			map[string]any{"class_name": "Lambda"}, false},
		{"extra_data", []byte(`{} {}`), nil, true},
		{"trailing_space", []byte("{}\n "), map[string]any{}, false},
		{"not_json", []byte(`{a}`), nil, true},
		{"odd_utf16", append(utf16le(doc, true), 'x'), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Decode error = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEncoding holds json.detect_encoding's choices.
func TestEncoding(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"utf32_bom_le", []byte{0xff, 0xfe, 0, 0, '{', 0, 0, 0}, "utf-32"},
		{"utf16_bom_be", []byte{0xfe, 0xff, 0, '{'}, "utf-16"},
		{"utf8_sig", []byte{0xef, 0xbb, 0xbf, '{'}, "utf-8-sig"},
		{"utf16_be", []byte{0, '{', 0, '}'}, "utf-16-be"},
		{"utf32_be", []byte{0, 0, 0, '{'}, "utf-32-be"},
		{"utf16_le", []byte{'{', 0, '}', 0}, "utf-16-le"},
		{"utf32_le", []byte{'{', 0, 0, 0}, "utf-32-le"},
		{"two_bytes_le", []byte{'1', 0}, "utf-16-le"},
		{"utf8", []byte("{}"), "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Encoding(tt.in); got != tt.want {
				t.Errorf("Encoding = %q, want %q", got, tt.want)
			}
		})
	}
}
