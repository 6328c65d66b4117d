package gguf

import (
	"bytes"
	"encoding/binary"
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
