package policy

import (
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/tfgraph"
)

// TestTensorFlowOps checks the ops that touch files when a graph runs,
// PrintV2 among them only when its output stream is a file.
func TestTensorFlowOps(t *testing.T) {
	p, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		node tfgraph.Node
		want bool
	}{
		{"printv2_file", tfgraph.Node{Name: "p", Op: "PrintV2", Attrs: map[string]string{"output_stream": "file:///tmp/x"}}, true},
		{"printv2_stderr", tfgraph.Node{Name: "p", Op: "PrintV2", Attrs: map[string]string{"output_stream": "stderr"}}, false},
		{"printv2_no_attr", tfgraph.Node{Name: "p", Op: "PrintV2"}, false},
		{"writefile", tfgraph.Node{Name: "w", Op: "WriteFile"}, true},
		{"snapshot_dataset", tfgraph.Node{Name: "s", Op: "SnapshotDatasetV2"}, true},
		{"matmul", tfgraph.Node{Name: "m", Op: "MatMul"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.TensorFlow([]tfgraph.Node{tt.node})
			if (len(got) == 1 && got[0].Rule == finding.RuleTensorFlowOp) != tt.want || len(got) > 1 {
				t.Errorf("findings %+v, want one: %v", got, tt.want)
			}
		})
	}
}
