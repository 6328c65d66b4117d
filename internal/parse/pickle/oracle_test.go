package pickle

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oracleImport is one import as CPython's pickletools sees it
// (testdata/gen_oracle.py).
type oracleImport struct {
	Offset int64  `json:"offset"`
	Op     string `json:"op"`
	Global string `json:"global"`
}

func oracleFixtures(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "oracle", "*.pkl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no oracle fixtures: %v", err)
	}
	return files
}

func TestCPythonOracle(t *testing.T) {
	for _, file := range oracleFixtures(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".pkl")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(strings.TrimSuffix(file, ".pkl") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var want struct{ Imports []oracleImport }
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			r := Read(f, DefaultOptions())
			if r.Err != nil || r.Limit != nil || r.Pickles != 1 || r.End != fi.Size() || r.Trailing != nil {
				t.Fatalf("read: err %v limit %v pickles %d end %d of %d", r.Err, r.Limit, r.Pickles, r.End, fi.Size())
			}
			var got []oracleImport
			for _, im := range r.Imports {
				got = append(got, oracleImport{Offset: im.Offset, Op: im.Op, Global: im.Global.String()})
			}
			if len(got) != len(want.Imports) {
				t.Fatalf("got %d imports, CPython %d:\n got %v\nwant %v", len(got), len(want.Imports), got, want.Imports)
			}
			for i := range got {
				if got[i] != want.Imports[i] {
					t.Errorf("import %d: got %+v, CPython %+v", i, got[i], want.Imports[i])
				}
			}
		})
	}
}
