package gguf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtures = "../../../scan/formats/testdata/formats"

func parseFile(t *testing.T, name string) *File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(bytes.NewReader(b), int64(len(b)), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestParse(t *testing.T) {
	tests := []struct {
		file    string
		version uint32
		keys    string
	}{
		{"benign_llama3_v3.gguf", 3, "general.architecture general.name llama.context_length tokenizer.ggml.tokens tokenizer.chat_template"},
		{"benign_chatml_v1.gguf", 1, "general.architecture general.name llama.context_length tokenizer.ggml.tokens tokenizer.chat_template"},
		{"benign_chatml_v2.gguf", 2, "general.architecture general.name llama.context_length tokenizer.ggml.tokens tokenizer.chat_template tokenizer.chat_template.tool_use"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.file, ".", "_"), func(t *testing.T) {
			f := parseFile(t, tt.file)
			var keys []string
			for _, kv := range f.KVs {
				keys = append(keys, kv.Key)
			}
			if f.Version != tt.version || strings.Join(keys, " ") != tt.keys {
				t.Errorf("version %d keys %v", f.Version, keys)
			}
			if kv := f.KVs[1]; !kv.IsString || kv.String != "tiny" {
				t.Errorf("general.name = %+v", kv)
			}
		})
	}
}

// header builds a GGUF v3 header claiming n key-values, followed by body.
func header(n uint64, body string) []byte {
	b := []byte("GGUF\x03\x00\x00\x00")
	b = binary.LittleEndian.AppendUint64(b, 0)
	b = binary.LittleEndian.AppendUint64(b, n)
	return append(b, body...)
}

func TestParseHostile(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
	}{
		{"huge_kv_count", header(1<<62, "")},
		{"huge_key_length", header(1, "\xff\xff\xff\xff\xff\xff\xff\x7f")},
		{"huge_string", header(1, "\x01\x00\x00\x00\x00\x00\x00\x00k\x08\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\x7f")},
		{"huge_array", header(1, "\x01\x00\x00\x00\x00\x00\x00\x00k\x09\x00\x00\x00\x08\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\x0f")},
		{"nested_arrays", header(1, "\x01\x00\x00\x00\x00\x00\x00\x00k\x09\x00\x00\x00"+strings.Repeat("\x09\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00", 10))},
		{"bad_type", header(1, "\x01\x00\x00\x00\x00\x00\x00\x00k\x63\x00\x00\x00")},
		{"bad_version", []byte("GGUF\x09\x00\x00\x00")},
		{"truncated", []byte("GGUF\x03\x00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(bytes.NewReader(tt.b), int64(len(tt.b)), DefaultOptions()); err == nil {
				t.Error("no error")
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.gguf"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if g, err := Parse(bytes.NewReader(b), int64(len(b)), DefaultOptions()); err == nil {
			for _, kv := range g.KVs {
				InspectTemplate(kv.String, DefaultOptions().Template)
			}
		}
	})
}

func TestParseSkipsLongStrings(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "benign_llama3_v3.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.MaxString = 100
	f, err := Parse(bytes.NewReader(b), int64(len(b)), opts)
	if err != nil {
		t.Fatal(err)
	}
	kv := f.KVs[len(f.KVs)-1]
	if kv.Key != "tokenizer.chat_template" || kv.IsString || kv.Skipped <= 100 {
		t.Errorf("template kv %+v", kv)
	}
}

func BenchmarkInspectTemplate(b *testing.B) {
	tmpl := strings.Repeat("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>'}}{% endfor %}", 100)
	b.SetBytes(int64(len(tmpl)))
	for b.Loop() {
		InspectTemplate(tmpl, DefaultOptions().Template)
	}
}

// kvString encodes a v3 string key-value.
func kvString(key, val string) string {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(key)))
	b = append(b, key...)
	b = binary.LittleEndian.AppendUint32(b, TypeString)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(val)))
	return string(append(b, val...))
}

// TestParseBounds checks that a bound met before the metadata ends never
// passes for a format error: a key over MaxKey is skipped and the reading
// goes on to the template after it; more key-values than MaxKVs, or
// arrays nested deeper than MaxArrayDepth, end in ErrLimit with what came
// before kept.
func TestParseBounds(t *testing.T) {
	opts := DefaultOptions()
	opts.MaxKVs = 2
	long := strings.Repeat("k", 70_000)
	tests := []struct {
		name    string
		b       []byte
		limit   bool
		keys    string
		skipped uint64
	}{
		{"long_key", header(2, kvString(long, "x")+kvString("tokenizer.chat_template", "{{ x }}")), false, " tokenizer.chat_template", 70_000},
		{"too_many", header(3, kvString("a", "1")+kvString("tokenizer.chat_template", "t")+kvString("c", "3")), true, "a tokenizer.chat_template", 0},
		{"nested_arrays", header(2, kvString("tokenizer.chat_template", "t")+"\x01\x00\x00\x00\x00\x00\x00\x00k\x09\x00\x00\x00"+
			strings.Repeat("\x09\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00", 10)), true, "tokenizer.chat_template", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(bytes.NewReader(tt.b), int64(len(tt.b)), opts)
			if errors.Is(err, ErrLimit) != tt.limit || err != nil && !tt.limit {
				t.Fatalf("err = %v, want limit %v", err, tt.limit)
			}
			var keys []string
			for _, kv := range f.KVs {
				keys = append(keys, kv.Key)
			}
			if strings.Join(keys, " ") != tt.keys || f.KVs[0].KeySkipped != tt.skipped {
				t.Errorf("keys %q, first skipped %d", keys, f.KVs[0].KeySkipped)
			}
		})
	}
}
