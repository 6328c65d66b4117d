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

// TestTensorFlowCheckpointPaths checks the ops reported by where their file
// comes from: a proto op whose descriptor_source is a file; a checkpoint op
// that runs at load with a constant path the loader does not feed, outside
// variables/; and, wherever it runs, one whose constant path is absolute or
// climbs or lies behind an Identity chain not followed. A saver fed the
// variables path, or called later with a relative default, is not.
func TestTensorFlowCheckpointPaths(t *testing.T) {
	const load = "the saver's restore op"
	tests := []struct {
		name string
		node tfgraph.Node
		want bool
	}{
		{"fed_at_load", tfgraph.Node{Op: "RestoreV2", AtLoad: load, First: tfgraph.Source{Op: "Const", Value: "model", Fed: true}}, false},
		{"variables_at_load", tfgraph.Node{Op: "RestoreV2", AtLoad: load, First: tfgraph.Source{Op: "Const", Value: "variables/variables"}}, false},
		{"constant_at_load", tfgraph.Node{Op: "RestoreV2", AtLoad: load, First: tfgraph.Source{Op: "Const", Value: "model"}}, true},
		{"absolute_at_load", tfgraph.Node{Op: "SaveV2", AtLoad: load, First: tfgraph.Source{Op: "Const", Value: "/proc/self/environ"}}, true},
		{"deep_at_load", tfgraph.Node{Op: "RestoreV2", AtLoad: load, First: tfgraph.Source{Op: "Identity", Deep: true}}, true},
		{"deep_called", tfgraph.Node{Op: "SaveV2", First: tfgraph.Source{Op: "Identity", Deep: true}}, true},
		{"placeholder_at_load", tfgraph.Node{Op: "RestoreV2", AtLoad: load, First: tfgraph.Source{Op: "Placeholder"}}, false},
		{"relative_called", tfgraph.Node{Op: "SaveV2", First: tfgraph.Source{Op: "Const", Value: "model"}}, false},
		{"absolute_called", tfgraph.Node{Op: "SaveV2", First: tfgraph.Source{Op: "Const", Value: "/tmp/x"}}, true},
		{"dotdot_called", tfgraph.Node{Op: "MergeV2Checkpoints", First: tfgraph.Source{Op: "Const", Value: "a/../../x"}}, true},
		{"other_op", tfgraph.Node{Op: "MatMul", AtLoad: load, First: tfgraph.Source{Op: "Const", Value: "/x"}}, false},
		{"descriptor_file", tfgraph.Node{Op: "DecodeProtoV2", Attrs: map[string]string{"descriptor_source": "/etc/passwd"}}, true},
		{"descriptor_local", tfgraph.Node{Op: "DecodeProtoV2", Attrs: map[string]string{"descriptor_source": "local://"}}, false},
		{"descriptor_bytes", tfgraph.Node{Op: "EncodeProto", Attrs: map[string]string{"descriptor_source": "bytes://\x0a"}}, false},
	}
	j := &Judge{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.node.Name = "n"
			got := j.TensorFlow([]tfgraph.Node{tt.node})
			if (len(got) > 0) != tt.want {
				t.Errorf("findings %+v, want reported %v", got, tt.want)
			}
		})
	}
}
