package tfgraph

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtures = "../../../scan/formats/testdata/formats"

func TestParse(t *testing.T) {
	tests := []struct {
		file  string
		kind  Kind
		nodes []string // function/name:op of every node
	}{
		{"benign_frozen.pb", GraphDef, []string{"/x:Placeholder", "/w:Const", "/y:MatMul"}},
		{"mal_readfile.pb", GraphDef, []string{"/x:Placeholder", "/w:Const", "/y:MatMul", "/steal/path:Const", "/steal/read:ReadFile"}},
		{"mal_pyfunc_saved_model.pb", SavedModel, []string{"/x:Placeholder", "/w:Const", "/y:MatMul",
			"__inference_save_12/saver/filename:Const", "__inference_save_12/SaveV2:SaveV2",
			"__inference_save_12/MergeV2Checkpoints:MergeV2Checkpoints",
			"__inference_call_34/hook:PyFunc", "__inference_call_34/dump:WriteFile"}},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.file, ".", "_"), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(fixtures, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !SniffSavedModel(b, int64(len(b))) && !SniffGraphDef(b, int64(len(b))) {
				t.Error("not sniffed")
			}
			g, err := Parse(b, DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range g.Nodes {
				got = append(got, fmt.Sprintf("%s/%s:%s", n.Function, n.Name, n.Op))
			}
			if g.Kind != tt.kind || strings.Join(got, " ") != strings.Join(tt.nodes, " ") {
				t.Errorf("kind %d nodes %v, want %d %v", g.Kind, got, tt.kind, tt.nodes)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		b    string
	}{
		{"empty", ""},
		{"text", "hello world, this is not a graph"},
		{"bad_op", "\x0a\x08\x0a\x01x\x12\x03a b"},             // node{name "x", op "a b"}
		{"unknown_field", "\x0a\x05\x0a\x01x\x12\x00\x38\x01"}, // field 7 varint at top level
		{"truncated", "\x0a\x10\x0a\x01x"},
		{"savedmodel_no_graph", "\x08\x01\x12\x02\x0a\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g, err := Parse([]byte(tt.b), DefaultOptions()); err == nil {
				t.Errorf("parsed as %+v", g)
			}
		})
	}
}

func TestParseMaxNodes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "mal_readfile.pb"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse(b, Options{MaxNodes: 2})
	if err != nil || len(g.Nodes) != 2 || !g.Truncated {
		t.Errorf("graph %+v, %v", g, err)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.pb"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		Parse(b, DefaultOptions())
		SniffGraphDef(b, int64(len(b)))
		SniffSavedModel(b, -1)
	})
}
