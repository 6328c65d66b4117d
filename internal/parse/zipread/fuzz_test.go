package zipread

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpen checks that no archive makes the reader panic, hang or read
// member data it was not asked for.
func FuzzOpen(f *testing.F) {
	paths, _ := filepath.Glob("../../../scan/formats/testdata/zip/*")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) < 4096 {
			f.Add(b)
		}
	}
	f.Add(buildZip([]entry{{name: "a/data.pkl", body: []byte("\x80\x02N.")}}, layout{zip64: true, count: -1, prefix: []byte("xx")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Open(bytes.NewReader(b), int64(len(b)), Options{MaxMembers: 64, MaxNameBytes: 1 << 16})
		if err != nil {
			return
		}
		if len(a.Members) > 64 {
			t.Fatalf("%d members over the bound", len(a.Members))
		}
		for i := range a.Members {
			m := &a.Members[i]
			raw, err := a.Raw(m)
			if raw == nil {
				continue
			}
			if raw.Size() > int64(len(b)) {
				t.Fatalf("member %q: raw size %d over the file size %d (err %v)", m.Name, raw.Size(), len(b), err)
			}
			rc, err := Decompress(m, raw)
			if err != nil {
				continue
			}
			io.Copy(io.Discard, io.LimitReader(rc, 1<<20))
			rc.Close()
		}
	})
}
