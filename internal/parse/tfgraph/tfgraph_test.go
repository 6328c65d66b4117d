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
	loaders, _ := filepath.Glob(filepath.Join("../../../scan/formats/testdata/loaders", "*", "saved_model.pb*"))
	for _, p := range loaders {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		Parse(b, DefaultOptions())
		ParseSavedModel(b, DefaultOptions())
		ParseSavedModelText(b, DefaultOptions())
		SniffGraphDef(b, int64(len(b)))
		SniffSavedModel(b, -1)
	})
}

// TestSniffSavedModel holds the field orders protobuf accepts, and
// heads that are no SavedModel.
func TestSniffSavedModel(t *testing.T) {
	graph := "\x12\x05\x0a\x03\x0a\x01x" // graph_def{node{name "x"}}
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"version_first", "\x08\x01\x12\x07" + graph, true},
		{"version_last", "\x12\x07" + graph + "\x08\x01", true},
		{"no_version", "\x12\x07" + graph, true},
		{"collection_def_first", "\x08\x01\x12\x04\x22\x02\x0a\x00", true},
		{"cut_by_head", "\x08\x01\x12\x7f\x12\x05", true},
		{"unknown_top_field", "\x1a\x01x\x12\x07" + graph, false},
		{"meta_graph_varint_field", "\x12\x02\x08\x01", false},
		{"version_only", "\x08\x01", false},
		{"text", "hello", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SniffSavedModel([]byte(tt.head), -1); got != tt.want {
				t.Errorf("SniffSavedModel = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestParseSavedModelLenient checks that a SavedModel read by its name
// skips fields TensorFlow does not know, keeps string attributes, and
// merges a meta graph given in two parts.
func TestParseSavedModelLenient(t *testing.T) {
	attr := "\x2a\x15\x0a\x0doutput_stream\x12\x04\x12\x02f:" // attr{key "output_stream" value{s "f:"}}
	n1 := "\x0a\x01a\x12\x07PrintV2" + attr + "\x9a\x06\x01z" // + field 99
	n2 := "\x0a\x01b\x12\x09WriteFile"
	meta := func(n string) string {
		return "\x12" + string(rune(len(n)+4)) + "\x12" + string(rune(len(n)+2)) + "\x0a" + string(rune(len(n))) + n
	}
	b := []byte("\x08\x01" + meta(n1) + meta(n2))
	g, err := ParseSavedModel(b, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) != 2 || g.Nodes[0].Attrs["output_stream"] != "f:" || g.Nodes[1].Op != "WriteFile" {
		t.Errorf("nodes %+v", g.Nodes)
	}
	if _, err := Parse(b, DefaultOptions()); err == nil {
		t.Error("Parse (content decides) took an unknown NodeDef field")
	}
}
