package tfjs

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const fixtures = "../../../scan/formats/testdata/tfjs"

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParse reads the model.json TensorFlow.js wrote and the edited ones.
func TestParse(t *testing.T) {
	m, err := Parse(read(t, "benign_layers"), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != "layers-model" || !slices.Contains(m.Classes, "Dense") || !slices.Equal(m.WeightPaths, []string{"weights.bin"}) || m.WeightBytes != 4*(3*2+2+2*1+1) {
		t.Errorf("layers model %+v", m)
	}
	g, err := Parse(read(t, "mal_graph_readfile"), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := []Node{{"path", "Const", ""}, {"read", "ReadFile", ""}, {"out", "Identity", ""}, {"w", "WriteFile", "exfil"}}
	if g.Format != "graph-model" || !slices.Equal(g.Nodes, want) {
		t.Errorf("graph model %+v", g)
	}
}

// TestParseErrors: what is not a model.json is a format error with its
// offset; a bound is an error.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		opt       Options
		want      string
	}{
		{"nan", `{"modelTopology": {"x": NaN}}`, DefaultOptions(), "offset"},
		{"not_model", `{"a": 1}`, DefaultOptions(), "no modelTopology"},
		{"truncated", `{"modelTopology": {`, DefaultOptions(), "invalid"},
		{"too_big", `{"modelTopology": {}}`, Options{MaxBytes: 4, MaxNodes: 10}, "over the limit"},
		{"too_many", `{"modelTopology": {"node": [{"op": "A"}, {"op": "B"}, {"op": "C"}]}}`, Options{MaxBytes: 1 << 20, MaxNodes: 2}, "more than 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src), tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
			if tt.name != "too_big" && !errors.Is(err, ErrFormat) {
				t.Errorf("not a format error: %v", err)
			}
		})
	}
}

// FuzzParse feeds hostile JSON seeded with the fixtures.
func FuzzParse(f *testing.F) {
	for _, n := range []string{"benign_layers", "mal_graph_readfile", "mal_weights_outside"} {
		f.Add(read(f, n))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b, Options{MaxBytes: 1 << 20, MaxNodes: 1000})
		if err == nil && m == nil {
			t.Error("no model and no error")
		}
	})
}
