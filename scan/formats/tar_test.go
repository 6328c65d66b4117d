package formats

import (
	"archive/tar"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/scan"
)

type tarEntry struct {
	name string
	kind byte
	body string
}

func makeTar(t *testing.T, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Typeflag: e.kind, Size: int64(len(e.body)), Mode: 0o644}
		if e.kind != tar.TypeReg {
			hdr.Size = 0
			hdr.Linkname = e.body
		}
		if err := w.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if e.kind == tar.TypeReg {
			if _, err := w.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// v7 turns a ustar archive with one member into a v7 one: no magic, the
// header checksum recomputed.
func v7(ustar []byte) []byte {
	b := bytes.Clone(ustar)
	clear(b[257:512])
	copy(b[148:156], "        ")
	sum := 0
	for _, c := range b[:512] {
		sum += int(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

func TestTar(t *testing.T) {
	models := makeTar(t,
		tarEntry{"dir/", tar.TypeDir, ""},
		tarEntry{"dir/a.pkl", tar.TypeReg, "PROBE a"},
		tarEntry{"b.txt", tar.TypeReg, "text"},
		tarEntry{"link.pkl", tar.TypeSymlink, "/etc/passwd"},
		tarEntry{"c.bin", tar.TypeReg, "PROBE " + strings.Repeat("c", 5000)},
	)
	one := makeTar(t, tarEntry{"a.pkl", tar.TypeReg, "PROBE a"})
	files := map[string][]byte{
		"models.tar":    models,
		"models.tgz":    compress(t, "gzip", models),
		"text.tar":      makeTar(t, tarEntry{"b.txt", tar.TypeReg, "text"}),
		"v7.tar":        v7(one),
		"truncated.tar": models[:len(models)-1024-4000],
		"fake.tar":      makeTar(t, tarEntry{"x.pkl", tar.TypeReg, "text"}),
		"nested.tar":    makeTar(t, tarEntry{"inner.tar.gz", tar.TypeReg, string(compress(t, "gzip", one))}),
	}
	got := scanFiles(t, files, scan.DefaultLimits())
	long := "PROBE " + strings.Repeat("c", 5000)
	tests := []struct{ file, want string }{
		{"models.tar", "tar scanned [dir/a.pkl:MG140:PROBE a] [c.bin:MG140:" + long + "]"},
		{"models.tgz", "gzip scanned [models.tar/dir/a.pkl:MG140:PROBE a] [models.tar/c.bin:MG140:" + long + "]"},
		{"text.tar", "none skipped"},
		{"v7.tar", "tar scanned [a.pkl:MG140:PROBE a]"},
		{"truncated.tar", "tar partial [dir/a.pkl:MG140:PROBE a] [c.bin:MG007:] [c.bin:MG140:PROBE " + strings.Repeat("c", 1114) + "] [:MG007:]"},
		{"fake.tar", "tar partial [x.pkl:MG007:]"},
		{"nested.tar", "tar scanned [inner.tar.gz/inner.tar/a.pkl:MG140:PROBE a]"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.file, ".", "_"), func(t *testing.T) {
			if s := probeSummary(got[tt.file]); s != tt.want {
				t.Errorf("got  %.300s\nwant %.300s", s, tt.want)
			}
		})
	}
	for file, random := range map[string]string{"models.tar": "true", "models.tgz": "false"} {
		for _, f := range got[file].Findings {
			if f.Key != random {
				t.Errorf("%s %s: random access %s, want %s", file, f.Member, f.Key, random)
			}
		}
	}
}

func TestTarMaxMembers(t *testing.T) {
	var entries []tarEntry
	for i := range 5 {
		entries = append(entries, tarEntry{fmt.Sprintf("%d.pkl", i), tar.TypeReg, "PROBE"})
	}
	lim := scan.DefaultLimits()
	lim.MaxMembers = 3
	f := scanFiles(t, map[string][]byte{"many.tar": makeTar(t, entries...)}, lim)["many.tar"]
	want := "tar partial [0.pkl:MG140:PROBE] [1.pkl:MG140:PROBE] [2.pkl:MG140:PROBE] [:MG006:]"
	if s := probeSummary(f); s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
}

func TestTarChecksum(t *testing.T) {
	one := makeTar(t, tarEntry{"a", tar.TypeReg, "x"})
	bad := v7(one)
	bad[0] = 'b'
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"ustar", one[:512], true},
		{"v7", v7(one)[:512], true},
		{"v7_bad_sum", bad[:512], false},
		{"zeros", make([]byte, 512), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (tarArchive{}).Match(&scan.Input{Head: tt.head}); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}
