package pickle

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJoblibFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "joblib", "*.joblib"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no joblib fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".joblib"), func(t *testing.T) {
			raw, err := os.ReadFile(strings.TrimSuffix(file, ".joblib") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var want struct {
				MustImport []string `json:"must_import"`
				SystemCall bool     `json:"system_call"`
			}
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			opts := DefaultOptions()
			opts.Joblib = true
			r := Read(strings.NewReader(string(data)), opts)
			if r.Err != nil || r.Limit != nil || r.Pickles != 1 || r.Trailing != nil || r.End != int64(len(data)) {
				t.Fatalf("err %v limit %v pickles %d trailing %v end %d of %d", r.Err, r.Limit, r.Pickles, r.Trailing, r.End, len(data))
			}
			seen := map[string]bool{}
			for _, im := range r.Imports {
				seen[im.Global.String()] = true
			}
			for _, m := range want.MustImport {
				if !seen[m] {
					t.Errorf("import %s not reported", m)
				}
			}
			found := false
			for _, c := range r.Calls {
				if c.Callee.String() == "posix.system" && c.Args == "('touch /tmp/modelgate-test',)" {
					found = true
				}
			}
			if found != want.SystemCall {
				t.Errorf("posix.system call found %v, want %v", found, want.SystemCall)
			}
		})
	}
}
