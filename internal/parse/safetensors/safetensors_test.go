package safetensors

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtures = "../../../scan/formats/testdata/formats"

func TestCheck(t *testing.T) {
	tests := []struct {
		file      string
		malformed string // a substring of the joined problems, "" for none
		polyglot  string
	}{
		{"benign_model.safetensors", "", ""},
		{"bad_overlap.safetensors", "not contiguous or overlapping", ""},
		{"bad_shape.safetensors", "does not match", ""},
		{"bad_dtype.safetensors", "unknown dtype", ""},
		{"bad_truncated.safetensors", "header length", ""},
		{"mal_polyglot_pickle.safetensors", "", "pickle PROTO 4"},
		{"mal_polyglot_zip.safetensors", "", "starts with a zip local file header"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.file, ".", "_"), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(fixtures, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !Sniff(b, int64(len(b))) {
				t.Error("not sniffed")
			}
			rep, err := Check(bytes.NewReader(b), int64(len(b)), DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			m, p := strings.Join(rep.Malformed, "; "), strings.Join(rep.Polyglot, "; ")
			if (tt.malformed == "") != (m == "") || !strings.Contains(m, tt.malformed) {
				t.Errorf("malformed %q, want %q", m, tt.malformed)
			}
			if (tt.polyglot == "") != (p == "") || !strings.Contains(p, tt.polyglot) {
				t.Errorf("polyglot %q, want %q", p, tt.polyglot)
			}
		})
	}
}

func file(header, data string) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

func TestCheckHeader(t *testing.T) {
	tests := []struct {
		name, header, data, want string
	}{
		{"duplicate_key", `{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, "x", "duplicate key"},
		{"metadata_not_strings", `{"__metadata__":{"a":1}}`, "", "__metadata__"},
		{"gap_at_end", `{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, "xy", "data region has 2 bytes"},
		{"out_of_bounds", `{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}`, "x", "outside the data region"},
		{"shape_overflow", `{"a":{"dtype":"F64","shape":[4294967296,4294967296,4],"data_offsets":[0,8]}}`, "12345678", "does not match"},
		{"negative_dim", `{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}`, "x", "does not match"},
		{"trailing_garbage", `{}xyz`, "", "after the header JSON"},
		{"not_an_object", `[1, 2]`, "", "not a JSON object"},
		{"sub_byte_dtype", `{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}`, "xy", "does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := file(tt.header, tt.data)
			rep, err := Check(bytes.NewReader(b), int64(len(b)), DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			if m := strings.Join(rep.Malformed, "; "); !strings.Contains(m, tt.want) || m == "" {
				t.Errorf("malformed %q, want %q", m, tt.want)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	for name, tt := range map[string]struct {
		b    []byte
		want bool
	}{
		"valid":     {file(`{"a":1}`, ""), true},
		"zip":       {[]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), false},
		"pickle":    {[]byte("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}"), false},
		"too_short": {[]byte("\x02\x00"), false},
	} {
		if got := Sniff(tt.b, int64(len(tt.b))); got != tt.want {
			t.Errorf("%s: Sniff = %v", name, got)
		}
	}
}

func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.safetensors"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if Sniff(b, int64(len(b))) {
			Check(bytes.NewReader(b), int64(len(b)), DefaultOptions())
		}
	})
}
