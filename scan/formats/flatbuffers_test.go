package formats

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// TestFlatBufferModels scans testdata/flatbuffers (TFLite models and
// onnxruntime adapters written by flatc): builtin operators and a good
// adapter pass; custom and benign Flex operators are low; Flex ops that
// touch files are MG110; broken files are malformed, never a crash.
func TestFlatBufferModels(t *testing.T) {
	got := scanPaths(t, nil, "testdata/flatbuffers")
	tests := []struct {
		file   string
		format string
		rule   string // "" for no finding
		key    string
		worst  finding.Severity
	}{
		{"benign_builtin.tflite", "tflite", "", "", 0},
		{"benign_extended_code.tflite", "tflite", "", "", 0},
		{"custom_op.tflite", "tflite", finding.RuleTFLiteCustomOp, "operator_codes[0]", finding.Low},
		{"flex_benign.tflite", "tflite", finding.RuleTFLiteCustomOp, "operator_codes[0]", finding.Low},
		{"mal_flex_readfile.tflite", "tflite", finding.RuleTensorFlowOp, "operator_codes[0]", finding.High},
		{"mal_flex_writefile.tflite", "tflite", finding.RuleTensorFlowOp, "operator_codes[1]", finding.High},
		{"bad_truncated.tflite", "tflite", finding.RuleMalformedFormat, "", finding.Medium},
		{"benign_lora.onnx_adapter", "onnx-adapter", "", "", 0},
		{"bad_size_lora.onnx_adapter", "onnx-adapter", finding.RuleMalformedFormat, "", finding.Medium},
	}
	for _, tt := range tests {
		t.Run(strings.NewReplacer(".", "_").Replace(strings.TrimSuffix(tt.file, filepath.Ext(tt.file))), func(t *testing.T) {
			f, ok := got[tt.file]
			if !ok {
				t.Fatal("not scanned")
			}
			if f.Format != tt.format || f.Status != finding.StatusScanned {
				t.Errorf("format %q status %q, want %q", f.Format, f.Status, tt.format)
			}
			if tt.rule == "" {
				if len(f.Findings) > 0 {
					t.Errorf("findings %+v", f.Findings)
				}
				return
			}
			if len(f.Findings) != 1 || f.Findings[0].Rule != tt.rule || f.Findings[0].Key != tt.key || f.Findings[0].Severity != tt.worst {
				t.Errorf("findings %+v, want one %s at %q (%s)", f.Findings, tt.rule, tt.key, tt.worst)
			}
		})
	}
}
