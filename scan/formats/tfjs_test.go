package formats

import (
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// TestTFJSModels scans testdata/tfjs: the model.json TensorFlow.js wrote
// passes (its weight shard is not a model file), a graph model's file ops
// are MG110 at their nodes, a weight path out of the folder is MG171.
func TestTFJSModels(t *testing.T) {
	// Every fixture is named model.json: each folder is scanned alone.
	tests := []struct {
		dir   string
		rules []string
		keys  []string
	}{
		{"benign_layers", nil, nil},
		{"mal_graph_readfile", []string{finding.RuleTensorFlowOp, finding.RuleTensorFlowOp}, []string{"read", "exfil/w"}},
		{"mal_weights_outside", []string{finding.RuleTFJSWeightsPath}, []string{"weightsManifest.paths[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			f := scanPaths(t, nil, "testdata/tfjs/"+tt.dir)["model.json"]
			if f.Format != "tfjs" || f.Status != finding.StatusScanned {
				t.Fatalf("format %q status %q", f.Format, f.Status)
			}
			var rules, keys []string
			for _, fd := range f.Findings {
				rules, keys = append(rules, fd.Rule), append(keys, fd.Key)
			}
			if len(rules) != len(tt.rules) {
				t.Fatalf("findings %+v", f.Findings)
			}
			for i := range rules {
				if rules[i] != tt.rules[i] || keys[i] != tt.keys[i] {
					t.Errorf("finding %d: %s at %s, want %s at %s", i, rules[i], keys[i], tt.rules[i], tt.keys[i])
				}
			}
		})
	}
}
