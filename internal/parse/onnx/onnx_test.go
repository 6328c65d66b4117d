package onnx

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

const fixtures = "../../../scan/formats/testdata/formats"

func TestParse(t *testing.T) {
	tests := []struct {
		file     string
		nodes    string // key=domain:op
		external string // tensor=location
	}{
		{"benign_add.onnx", "graph.node[add]=:Add", ""},
		{"benign_external.onnx", "graph.node[add]=:Add", "W=weights/W.bin"},
		{"mal_traversal.onnx", "graph.node[add]=:Add", "W=../../../../etc/passwd"},
		{"odd_custom_domain.onnx", "graph.node[evil]=com.example.evil:Evil", ""},
		{"benign_local_function.onnx", "graph.node[twice]=local.fn:AddTwice functions[AddTwice].node[0]=:Add functions[AddTwice].node[1]=:Add", ""},
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
			m, err := Parse(b, DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			var nodes, ext []string
			for _, n := range m.Nodes {
				nodes = append(nodes, fmt.Sprintf("%s=%s:%s", n.Key, n.Domain, n.OpType))
			}
			for _, e := range m.External {
				ext = append(ext, e.Tensor+"="+e.Location)
			}
			if strings.Join(nodes, " ") != tt.nodes || strings.Join(ext, " ") != tt.external {
				t.Errorf("nodes %v external %v", nodes, ext)
			}
		})
	}
}

func TestLeavesFolder(t *testing.T) {
	tests := []struct {
		loc  string
		want bool
	}{
		{"weights.bin", false},
		{"sub/dir/w.bin", false},
		{"./w.bin", false},
		{"../w.bin", true},
		{"a/../../w.bin", true},
		{"a/../w.bin", true},
		{"/etc/passwd", true},
		{`C:\Windows\win.ini`, true},
		{`\\server\share\w.bin`, true},
		{`..\w.bin`, true},
		{"w.bin\x00", true},
	}
	for _, tt := range tests {
		if got := LeavesFolder(tt.loc); got != tt.want {
			t.Errorf("LeavesFolder(%q) = %v", tt.loc, got)
		}
	}
}

func TestStandardDomain(t *testing.T) {
	for d, want := range map[string]bool{"": true, "ai.onnx": true, "ai.onnx.ml": true, "com.microsoft": true,
		"com.microsoft.nchwc": true, "com.example": false, "ai.onnx.contrib": false} {
		if StandardDomain(d) != want {
			t.Errorf("StandardDomain(%q) != %v", d, want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for name, b := range map[string]string{
		"empty":       "",
		"no_graph":    "\x08\x07\x12\x03abc",
		"bad_wire":    "\x08\x07\x3a\x05\x0a\x03",
		"wrong_types": "\x08\x07\x38\x01", // graph as a varint
		"text":        "ir_version: 7\ngraph {}",
	} {
		t.Run(name, func(t *testing.T) {
			if m, err := Parse([]byte(b), DefaultOptions()); err == nil {
				t.Errorf("parsed as %+v", m)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.onnx"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		Parse(b, Options{MaxItems: 1000, MaxDepth: 8})
		Sniff(b, -1)
	})
}

// TestSniffFieldOrder holds the field orders protobuf accepts for a
// ModelProto, and heads that are none.
func TestSniffFieldOrder(t *testing.T) {
	graph := "\x3a\x05\x0a\x03\x22\x01A" // graph{node{op_type "A"}}
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"ir_first", "\x08\x08" + graph, true},
		{"ir_last", graph + "\x08\x08", true},
		{"no_ir", graph + "\x12\x07pytorch", true},
		{"producer_then_ir", "\x12\x07pytorch\x08\x08", true},
		{"ir_alone", "\x08\x08", false},
		{"ir_out_of_range", "\x08\x63" + graph, false},
		{"graph_as_varint", "\x08\x08\x38\x01", false},
		{"graph_not_a_graph", "\x3a\x02\x08\x01", false},
		{"text", "ir_version: 8", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff([]byte(tt.head), -1); got != tt.want {
				t.Errorf("Sniff = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestParseDepthLimit checks that subgraphs nested past MaxDepth are a
// bound (ErrLimit), not a malformed model.
func TestParseDepthLimit(t *testing.T) {
	msg := func(num protowire.Number, b []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), b)
	}
	g := msg(1, msg(4, []byte("Identity")))
	for range 10 {
		g = msg(1, append(msg(4, []byte("If")), msg(5, msg(6, g))...)) // node{op_type, attribute{g}}
	}
	model := append([]byte{0x08, 0x08}, msg(7, g)...)
	if _, err := Parse(model, Options{MaxItems: 1000, MaxDepth: 3}); !errors.Is(err, ErrLimit) {
		t.Errorf("error %v, want ErrLimit", err)
	}
	if _, err := Parse(model, DefaultOptions()); err != nil {
		t.Errorf("default options: %v", err)
	}
}
