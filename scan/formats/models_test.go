package formats

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

// TestModelFormats scans the fixtures written by testdata/formats/gen.py:
// benign files get nothing above medium, malicious ones the rule and key
// of their risk.
func TestModelFormats(t *testing.T) {
	opts := options()
	opts.Roots = []string{filepath.Join("testdata", "formats")}
	rep, err := scan.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]finding.FileResult{}
	for _, f := range rep.Files {
		got[filepath.Base(f.Path)] = f
	}
	tests := []struct {
		file, format, rule, key string
	}{
		{"benign_sequential.keras", "keras", "", ""},
		{"benign_custom.keras", "keras", finding.RuleKerasCustomObject, "config.layers[1].module"},
		{"mal_lambda.keras", "keras", finding.RuleKerasLambda, "config.layers[2].config.function"},
		{"mal_module_os.keras", "keras", finding.RuleKerasDangerous, "config.layers[2].module"},
		{"mal_nested_function.keras", "keras", finding.RuleKerasDangerous, "config.layers[0].config.layer.config.activation.module"},
		{"benign_keras2_earliest.h5", "hdf5", "", ""},
		{"benign_keras2_latest.h5", "hdf5", "", ""},
		{"benign_keras2_v108.h5", "hdf5", "", ""},
		{"mal_lambda_v108.h5", "hdf5", finding.RuleKerasLambda, "model_config.config.layers[2].config.function[0]"},
		{"mal_module_os_v108.h5", "hdf5", finding.RuleKerasDangerous, "model_config.config.layers[2].module"},
		{"mal_lambda_earliest.h5", "hdf5", finding.RuleKerasLambda, "model_config.config.layers[2].config.function[0]"},
		{"mal_lambda_latest.h5", "hdf5", finding.RuleKerasLambda, "model_config.config.layers[2].config.function[0]"},
		{"mal_lambda_dense.h5", "hdf5", finding.RuleKerasLambda, "model_config.config.layers[2].config.function[0]"},
		{"mal_module_os_earliest.h5", "hdf5", finding.RuleKerasDangerous, "model_config.config.layers[2].module"},
		{"mal_module_os_latest.h5", "hdf5", finding.RuleKerasDangerous, "model_config.config.layers[2].module"},
		{"mal_tfoplambda_earliest.h5", "hdf5", finding.RuleTensorFlowOp, "model_config.config.layers[2].config.function"},
		{"mal_module_os_userblock.h5", "hdf5", finding.RuleKerasDangerous, "model_config.config.layers[2].module"},
		{"mal_module_os_huge.h5", "hdf5", finding.RuleKerasDangerous, "model_config.config.layers[1502].module"},
		{"benign_frozen.pb", "tensorflow", "", ""},
		{"benign_saved_model.pb", "tensorflow", "", ""},
		{"mal_readfile.pb", "tensorflow", finding.RuleTensorFlowOp, "steal/read"},
		{"mal_pyfunc_saved_model.pb", "tensorflow", finding.RuleTensorFlowOp, "__inference_call_34/hook"},
		{"benign_keras_metadata.pb", "keras-metadata", "", ""},
		{"mal_lambda_keras_metadata.pb", "keras-metadata", finding.RuleKerasLambda, "root.layer-1.config.function[0]"},
		{"benign_add.onnx", "onnx", "", ""},
		{"benign_external.onnx", "onnx", "", ""},
		{"benign_local_function.onnx", "onnx", "", ""},
		{"mal_traversal.onnx", "onnx", finding.RuleONNXExternalPath, "graph.initializer[W].external_data.location"},
		{"mal_absolute.onnx", "onnx", finding.RuleONNXExternalPath, "graph.initializer[W].external_data.location"},
		{"odd_custom_domain.onnx", "onnx", finding.RuleONNXCustomDomain, "evil"},
		{"benign_llama3_v3.gguf", "gguf", "", ""},
		{"benign_chatml_v2.gguf", "gguf", "", ""},
		{"benign_chatml_v1.gguf", "gguf", "", ""},
		{"mal_ssti_v3.gguf", "gguf", finding.RuleGGUFTemplate, "tokenizer.chat_template"},
		{"mal_ssti_named_v2.gguf", "gguf", finding.RuleGGUFTemplate, "tokenizer.chat_template.rag"},
		{"benign_model.safetensors", "safetensors", "", ""},
		{"mal_polyglot_pickle.safetensors", "safetensors", finding.RulePolyglot, ""},
		{"mal_polyglot_pickle.safetensors", "safetensors", finding.RuleDangerousCallable, ""},
		{"mal_polyglot_zip.safetensors", "safetensors", finding.RulePolyglot, ""},
		{"mal_polyglot_zip.safetensors", "safetensors", finding.RuleDangerousCallable, ""},
		{"bad_overlap.safetensors", "safetensors", finding.RuleMalformedFormat, ""},
		{"bad_shape.safetensors", "safetensors", finding.RuleMalformedFormat, ""},
		{"bad_dtype.safetensors", "safetensors", finding.RuleMalformedFormat, ""},
		{"bad_truncated.safetensors", "safetensors", finding.RuleMalformedFormat, ""},
	}
	for _, tt := range tests {
		t.Run(strings.NewReplacer(".", "_").Replace(tt.file), func(t *testing.T) {
			f, ok := got[tt.file]
			if !ok {
				t.Fatal("not in report")
			}
			if f.Format != tt.format {
				t.Errorf("format %q, want %q", f.Format, tt.format)
			}
			if strings.HasPrefix(tt.file, "benign_") && f.Worst() > finding.Medium {
				t.Errorf("benign file has findings above medium: %+v", f.Findings)
			}
			if tt.rule == "" {
				if len(f.Findings) > 0 {
					t.Errorf("unexpected findings %+v", f.Findings)
				}
				return
			}
			want := policy.RuleSeverities()[tt.rule]
			found := false
			for _, fd := range f.Findings {
				if fd.Rule == tt.rule && (tt.key == "" || fd.Key == tt.key) && fd.Severity == want {
					found = true
				}
			}
			if !found {
				t.Errorf("no %s finding with key %q in %+v", tt.rule, tt.key, f.Findings)
			}
			if strings.HasPrefix(tt.file, "mal_") && f.Worst() < finding.High {
				t.Errorf("malicious file worst severity %v", f.Worst())
			}
		})
	}
}
