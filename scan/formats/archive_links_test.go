package formats

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// archiveEntry is one member of an archive built by a test: a file with
// content, or a link (symbolic, or hard in a tar) to target.
type archiveEntry struct {
	name, target string
	content      []byte
	hard         bool
}

func buildTar(t *testing.T, entries []archiveEntry) []byte {
	t.Helper()
	b := buildTarFuzz(t, entries)
	if b == nil {
		t.Fatal("entries a tar cannot hold")
	}
	return b
}

// buildTarFuzz writes entries as a tar, or returns nil when archive/tar
// refuses them (names a fuzzer makes up).
func buildTarFuzz(t testing.TB, entries []archiveEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.content)), Typeflag: tar.TypeReg}
		switch {
		case e.hard:
			h.Typeflag, h.Linkname, h.Size = tar.TypeLink, e.target, 0
		case e.target != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.target, 0
		}
		if err := w.WriteHeader(h); err != nil {
			return nil
		}
		if _, err := w.Write(e.content); err != nil {
			return nil
		}
	}
	if err := w.Close(); err != nil {
		return nil
	}
	return buf.Bytes()
}

// buildZip writes entries as Info-ZIP does: a link is a member made on
// Unix whose mode is a symlink and whose content is the target.
func buildZip(t *testing.T, entries []archiveEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		data := e.content
		h.SetMode(0o644)
		if e.target != "" {
			h.SetMode(fs.ModeSymlink | 0o777)
			data = []byte(e.target)
		}
		fw, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestONNXArchiveLinks checks external data reached through a link member
// of the archive that holds the model (tar symlinks and hard links as
// tarfile.extractall makes them, zip symlinks as unzip restores them),
// whether the link comes before or after the model, through a linked
// folder or a chain of links; links that stay in the folder pass.
func TestONNXArchiveLinks(t *testing.T) {
	model, err := os.ReadFile(filepath.Join("testdata", "loaders", "benign_l_onnx_ir_last.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	m := archiveEntry{name: "m/model.onnx", content: model}
	real := archiveEntry{name: "m/real.bin", content: make([]byte, 16)}
	tests := []struct {
		name    string
		entries []archiveEntry
		want    bool
	}{
		{"absolute_after", []archiveEntry{m, {name: "m/weights.bin", target: "/proc/self/environ"}}, true},
		{"absolute_before", []archiveEntry{{name: "m/weights.bin", target: "/proc/self/environ"}, m}, true},
		{"dotdot", []archiveEntry{m, {name: "m/weights.bin", target: "../../../etc/passwd"}}, true},
		{"out_of_folder", []archiveEntry{m, {name: "other/secret", content: []byte("x")}, {name: "m/weights.bin", target: "../other/secret"}}, true},
		{"chain", []archiveEntry{m, {name: "m/weights.bin", target: "a"}, {name: "m/a", target: "b"}, {name: "m/b", target: "/etc/passwd"}}, true},
		{"loop", []archiveEntry{m, {name: "m/weights.bin", target: "a"}, {name: "m/a", target: "weights.bin"}}, true},
		{"inside", []archiveEntry{m, real, {name: "m/weights.bin", target: "real.bin"}}, false},
		{"no_link", []archiveEntry{m, {name: "m/weights.bin", content: make([]byte, 16)}}, false},
	}
	for _, tt := range tests {
		for _, kind := range []string{"tar", "zip"} {
			t.Run(tt.name+"_"+kind, func(t *testing.T) {
				checkArchiveLink(t, kind, tt.entries, tt.want)
			})
		}
	}
	t.Run("hard_link_tar", func(t *testing.T) {
		checkArchiveLink(t, "tar", []archiveEntry{m, {name: "m/weights.bin", target: "/etc/passwd", hard: true}}, true)
	})
	t.Run("hard_link_inside_tar", func(t *testing.T) {
		checkArchiveLink(t, "tar", []archiveEntry{m, real, {name: "m/weights.bin", target: "m/real.bin", hard: true}}, false)
	})
	t.Run("linked_folder_tar", func(t *testing.T) {
		checkArchiveLink(t, "tar", []archiveEntry{m, {name: "m/weights.bin", target: "sub/x"}, {name: "m/sub", target: "/etc"}}, true)
	})
}

func checkArchiveLink(t *testing.T, kind string, entries []archiveEntry, want bool) {
	t.Helper()
	b := buildTar(t, entries)
	if kind == "zip" {
		b = buildZip(t, entries)
	}
	p := filepath.Join(t.TempDir(), "model."+kind)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	f := scanPaths(t, nil, p)["model."+kind]
	found := false
	for _, fd := range f.Findings {
		if fd.Rule == finding.RuleONNXExternalPath && fd.Severity >= finding.High && strings.Contains(fd.Message, "symlink") {
			found = true
		}
	}
	if found != want {
		t.Errorf("link finding %v, want %v: %+v", found, want, f.Findings)
	}
}

// TestONNXHFCacheLinks checks that an ONNX model in a Hugging Face cache
// snapshot, whose external data is a link into the cache's blobs as
// huggingface_hub lays out every file, is not taken for a link out of the
// folder, and that a snapshot link elsewhere still is.
func TestONNXHFCacheLinks(t *testing.T) {
	model, err := os.ReadFile(filepath.Join("testdata", "loaders", "benign_l_onnx_ir_last.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, weights string
		want          bool
	}{
		{"blob", "../../blobs/2222", false},
		{"outside_cache", "/etc/hostname", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := filepath.Join(t.TempDir(), "models--acme--tiny")
			snap := filepath.Join(repo, "snapshots", "abc")
			for _, d := range []string{filepath.Join(repo, "blobs"), snap} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for name, b := range map[string][]byte{"1111": model, "2222": make([]byte, 16)} {
				if err := os.WriteFile(filepath.Join(repo, "blobs", name), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			for name, target := range map[string]string{"model.onnx": "../../blobs/1111", "weights.bin": tt.weights} {
				if err := os.Symlink(target, filepath.Join(snap, name)); err != nil {
					t.Fatal(err)
				}
			}
			f := scanPaths(t, nil, snap)["model.onnx"]
			found := false
			for _, fd := range f.Findings {
				found = found || fd.Rule == finding.RuleONNXExternalPath
			}
			if found != tt.want {
				t.Errorf("MG120 %v, want %v: %+v", found, tt.want, f.Findings)
			}
		})
	}
}
