package policy

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// benignPickle returns the pickle stream of a benign fixture: the
// */data.pkl member of a torch zip, or the file itself.
func benignPickle(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".pt") {
		return data
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/data.pkl") {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("%s: no */data.pkl member", path)
	return nil
}

// TestLibraryBenign checks real files written by torch, scikit-learn,
// scipy, pandas and numpy (formats/testdata/library_benign/gen.py): training
// checkpoints with every scheduler, whole-module saves, tensor kinds. None
// may be flagged above medium.
func TestLibraryBenign(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "scan", "formats", "testdata", "library_benign", "benign", "*"))
	if err != nil || len(files) < 30 {
		t.Fatalf("want the generated benign fixtures, got %d (%v)", len(files), err)
	}
	p := Default()
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		t.Run(name, func(t *testing.T) {
			data := benignPickle(t, path)
			res := pickle.ReadOne(bytes.NewReader(data), Default().PickleOptions(pickle.DefaultOptions()))
			if res.Err != nil || res.Limit != nil || res.Pickles != 1 {
				t.Fatalf("reader: pickles=%d err=%v limit=%v", res.Pickles, res.Err, res.Limit)
			}
			for _, f := range p.Pickle(res) {
				if f.Severity > finding.Medium {
					t.Errorf("%s %s %s: %s", f.Rule, f.Severity, f.Callable, f.Message)
				}
			}
		})
	}
}
