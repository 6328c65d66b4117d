package formats

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzScanZip scans arbitrary bytes as a file through every format, from
// the zip, npy and pickle fixtures: no input may panic, and a finding
// always comes with the format that reported it.
func FuzzScanZip(f *testing.F) {
	paths, _ := filepath.Glob("testdata/zip/*")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) < 4096 && filepath.Ext(p) != ".py" && filepath.Ext(p) != ".md" {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		res, _ := scanBytes(t, "fuzz.bin", b)
		if res.Format == "" && len(res.Findings) > 0 {
			t.Errorf("findings without a format: %v", res.Findings)
		}
	})
}

// FuzzScanTarLinks scans tars whose members are an ONNX model and links
// with arbitrary names and targets: resolving the links never panics nor
// loops, whatever the chain.
func FuzzScanTarLinks(f *testing.F) {
	model, err := os.ReadFile(filepath.Join("testdata", "loaders", "benign_l_onnx_ir_last.onnx"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("m/weights.bin", "/proc/self/environ", "m/a", "../b", false)
	f.Add("m/weights.bin", "sub/x", "m/sub", "/etc", false)
	f.Add("m/weights.bin", "a", "m/a", "weights.bin", true)
	f.Fuzz(func(t *testing.T, n1, t1, n2, t2 string, hard bool) {
		b := buildTarFuzz(t, []archiveEntry{{name: "m/model.onnx", content: model}, {name: n1, target: t1}, {name: n2, target: t2, hard: hard}})
		if b == nil {
			return
		}
		res, _ := scanBytes(t, "fuzz.tar", b)
		if res.Format == "" && len(res.Findings) > 0 {
			t.Errorf("findings without a format: %v", res.Findings)
		}
	})
}
