package pytar

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// oracleMember is what CPython's tarfile read from a fixture (gen.py).
type oracleMember struct {
	Name       string    `json:"name"`
	Linkname   string    `json:"linkname"`
	Type       string    `json:"type"`
	Size       int64     `json:"size"`
	Offset     int64     `json:"offset"`
	OffsetData int64     `json:"offset_data"`
	Sparse     [][]int64 `json:"sparse"`
	Content    *string   `json:"content"`
}

// readAll reads every member of b as the oracle lists them.
func readAll(t *testing.T, b []byte) []oracleMember {
	t.Helper()
	r := NewReader(bytes.NewReader(b), int64(len(b)), DefaultOptions())
	var out []oracleMember
	for {
		m, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d members: %v", len(out), err)
		}
		o := oracleMember{Name: m.Name, Linkname: m.Linkname, Type: string(rune(m.Type)), Size: m.Size, Offset: m.Offset, OffsetData: m.DataOffset}
		if m.IsSparse {
			o.Sparse = [][]int64{}
			for _, s := range m.Sparse {
				o.Sparse = append(o.Sparse, []int64{s.Offset, s.Size})
			}
		}
		if m.IsReg() {
			var data io.Reader = io.NewSectionReader(bytes.NewReader(b), m.DataOffset, m.Size)
			if m.IsSparse {
				data = Sparse(bytes.NewReader(b), m)
			}
			c, err := io.ReadAll(data)
			if err != nil {
				t.Fatalf("member %q: %v", m.Name, err)
			}
			s := hex.EncodeToString(c)
			o.Content = &s
		}
		out = append(out, o)
	}
}

// TestOracle compares every member of every fixture with what CPython's
// tarfile read from it: names (global and local PAX path, GNU long
// names, a ustar prefix without the magic), sizes (PAX size, base-256),
// offsets, sparse maps and the bytes extractfile returns.
func TestOracle(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]oracleMember
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	for file, members := range want {
		t.Run(strings.TrimSuffix(file, ".tar"), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(members, readAll(t, b)); diff != "" {
				t.Errorf("members differ from tarfile's (-tarfile +pytar):\n%s", diff)
			}
		})
	}
}

// TestRenamed checks that a member renamed by a global PAX header keeps
// its header name and says what renamed it.
func TestRenamed(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "pax_global_path.tar"))
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(bytes.NewReader(b), int64(len(b)), DefaultOptions())
	var got []string
	for {
		m, err := r.Next()
		if err != nil {
			break
		}
		got = append(got, m.Header+">"+m.Name+":"+m.Renamed)
	}
	want := []string{"decoy>storages:global PAX path at offset 0", "weights.bin>storages:global PAX path at offset 0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	for _, c := range []struct{ file, renamed, resized string }{
		{"solaris_path.tar", "Solaris PAX path (typeflag X)", ""},
		{"global_size.tar", "", "global PAX size at offset 0"},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewReader(bytes.NewReader(b), int64(len(b)), DefaultOptions()).Next()
		if err != nil || m.Renamed != c.renamed || m.Resized != c.resized {
			t.Errorf("%s: %+v, %v", c.file, m, err)
		}
	}
	b, err = os.ReadFile(filepath.Join("testdata", "prefix_no_magic.tar"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewReader(bytes.NewReader(b), int64(len(b)), DefaultOptions()).Next()
	if err != nil || m.Header != "name.pkl" || m.Name != "pre/fix/name.pkl" || !strings.HasPrefix(m.Renamed, "ustar prefix") {
		t.Errorf("prefix without magic: %+v, %v", m, err)
	}
}

func TestErrors(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "pax_local_path.tar"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrFormat},
		{"not_tar", []byte(strings.Repeat("\x89PNG\r\n", 100)), ErrFormat},
		{"short_first_header", good[:100], ErrFormat},
		{"pax_then_garbage", append(append([]byte{}, good[:1024]...), bytes.Repeat([]byte{1}, 512)...), ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(bytes.NewReader(tt.data), int64(len(tt.data)), DefaultOptions())
			var err error
			for err == nil {
				_, err = r.Next()
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
	// Bounds.
	r := NewReader(bytes.NewReader(good), int64(len(good)), Options{MaxHeaderBytes: 16})
	if _, err := r.Next(); !errors.Is(err, ErrLimit) {
		t.Errorf("PAX header over MaxHeaderBytes: %v", err)
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0000644\x00", 0o644, true},
		{"  644 \x00", 0o644, true},
		{"\x00\x00\x00", 0, true},
		{"0o17\x00", 0o17, true},
		{"1_7\x00", 0o17, true},
		{"+7\x00", 7, true},
		{"8\x00", 0, false},
		{"1__7", 0, false},
		{"\xe9", 0, false},
		{"\x80\x00\x00\x00\x00\x00\x00\x01\x00", 256, true},
		{"\xff\xff\xff\xff\xff\xff\xff\xff", -1, true},
	}
	for _, tt := range tests {
		got, ok := nti([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("nti(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.tar"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(bytes.NewReader(b), int64(len(b)), Options{MaxMembers: 100, MaxHeaderBytes: 4096, MaxSparse: 100})
		for range 200 {
			m, err := r.Next()
			if err != nil {
				return
			}
			if m.IsSparse && m.Size < 1<<20 {
				_, _ = io.Copy(io.Discard, Sparse(bytes.NewReader(b), m))
			}
		}
		t.Fatal("more members than MaxMembers")
	})
}
