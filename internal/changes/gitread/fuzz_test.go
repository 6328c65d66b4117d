package gitread

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Fuzz targets for every parser of repository data. The seeds in
// testdata/seeds were written by git (testdata/make-seeds.sh).

func seed(f *testing.F, name string) []byte {
	f.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "seeds", name))
	if err != nil {
		f.Fatal(err)
	}
	return b
}

func FuzzParseIndex(f *testing.F) {
	for _, n := range []string{"index-v2", "index-v3", "index-v4"} {
		f.Add(seed(f, n))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := ParseIndex(data)
		if err == nil && len(idx.Entries) > len(data)/40 {
			t.Fatalf("%d entries from %d bytes", len(idx.Entries), len(data))
		}
	})
}

func FuzzParseTree(f *testing.F) {
	_, tree, err := readLoose(bytes.NewReader(seed(f, "loose-tree")))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tree)
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = parseTree(data, func(uint32, string, Hash) error { return nil })
	})
}

func FuzzReadLoose(f *testing.F) {
	f.Add(seed(f, "loose-tree"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, content, err := readLoose(bytes.NewReader(data))
		if err == nil && len(content) > maxObjectSize {
			t.Fatalf("%d bytes inflated", len(content))
		}
	})
}

func FuzzApplyDelta(f *testing.F) {
	f.Add([]byte("hello world"), []byte{11, 16, 0x91, 0, 5, 5, ' ', 't', 'h', 'e', 'r', 0x90, 1})
	f.Add([]byte{}, []byte{0, 0})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		_, _ = applyDelta(base, delta)
	})
}

// FuzzPack reads every object a pack's index names, from the fuzzer's
// index and pack bytes.
func FuzzPack(f *testing.F) {
	f.Add(seed(f, "ofs.idx"), seed(f, "ofs.pack"))
	f.Add(seed(f, "ref.idx"), seed(f, "ref.pack"))
	f.Fuzz(func(t *testing.T, idx, data []byte) {
		p, err := newPack("fuzz.pack", idx, bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		s := &store{packs: []*pack{p}, cache: map[cacheKey][]byte{}, resolving: map[Hash]bool{}}
		for i := 0; i < int(p.fanout[255]) && i < 1000; i++ {
			var h Hash
			copy(h[:], p.name(i))
			_, _, _ = s.read(h)
		}
	})
}
