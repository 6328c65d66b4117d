package formats

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

// TestTricksNamed checks that the samples written to pass a simpler
// reader are read and that the trick is named: a finding of its own
// (MG142, with the kind as evidence, at most medium) and, in a file with
// a payload, a clause in each high or critical finding.
func TestTricksNamed(t *testing.T) {
	root := filepath.Join("testdata", "loaders")
	got := map[string]finding.FileResult{}
	for _, f := range scanTree(t, root) {
		rel, err := filepath.Rel(root, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		got[filepath.ToSlash(rel)] = f
	}
	tests := []struct{ path, kind string }{
		{"l_onnx_ir_last.onnx", policy.TrickFieldOrder},
		{"l_onnx_no_ir.onnx", policy.TrickFieldOrder},
		{"l_onnx_split_graph.onnx", policy.TrickSplitMessage},
		{"benign_l_onnx_ir_last.onnx", policy.TrickFieldOrder},
		{"l_tf_field_order/saved_model.pb", policy.TrickFieldOrder},
		{"l_tf_unknown_field/saved_model.pb", policy.TrickUnknownField},
		{"l_tf_pbtxt/saved_model.pbtxt", policy.TrickTextProto},
		{"l_keras_no_metadata.keras", policy.TrickKerasNoMeta},
		{"benign_l_keras_no_metadata.keras", policy.TrickKerasNoMeta},
		{"l_keras_nul_name.keras", policy.TrickZipName},
		{"l_keras_dup_config.keras", policy.TrickZipName},
		{"l_keras_utf16.keras", policy.TrickJSONEncoding},
		{"l_keras_utf32le.keras", policy.TrickJSONEncoding},
		{"l_keras_utf8_bom.keras", policy.TrickJSONEncoding},
		{"l_keras_lzma_config.keras", policy.TrickZipMethod},
		{"l_keras_bzip2_config.keras", policy.TrickZipMethod},
		{"benign_l_keras_lzma_config.keras", policy.TrickZipMethod},
		{"l_keras_folder/config.json", policy.TrickKerasFolder},
		{"benign_l_keras_folder/config.json", policy.TrickKerasFolder},
		{"l_h5_committed_vlen.h5", policy.TrickH5Committed},
		{"l_h5_committed_fixed.h5", policy.TrickH5Committed},
		{"l_h5_userblock_pickle.dat", policy.TrickH5UserBlock},
		{"l_h5_fact_budget.h5", policy.TrickBudgetFlood},
		{"l_gzip_bad_header_crc.pkl.gz", policy.TrickGzipHeader},
		{"l_gzip_extra_comment_hcrc.pkl.gz", policy.TrickGzipHeader},
		{"l_gzip_reserved_flags.pkl.gz", policy.TrickGzipHeader},
		{"benign_l_gzip_bad_header_crc.pkl.gz", policy.TrickGzipHeader},
		{"xz/l_x86_system.pkl.xz", policy.TrickXZFilters},
		{"xz/benign_l_arm64.pkl.xz", policy.TrickXZFilters},
	}
	for _, tt := range tests {
		t.Run(strings.NewReplacer(".", "_", "/", "_", "-", "_").Replace(tt.path), func(t *testing.T) {
			f, ok := got[tt.path]
			if !ok {
				t.Fatal("not in the report")
			}
			checkTrick(t, f, tt.kind, !strings.Contains(tt.path, "benign"))
		})
	}
}

// checkTrick holds one file's report to the naming of kind.
func checkTrick(t *testing.T, f finding.FileResult, kind string, malicious bool) {
	t.Helper()
	named, high := false, 0
	for _, fd := range f.Findings {
		if fd.Rule == finding.RuleLoaderTrick && fd.Evidence == kind {
			named = true
			if fd.Severity > finding.Medium {
				t.Errorf("trick finding above medium: %+v", fd)
			}
		}
		if fd.Rule != finding.RuleLoaderTrick && fd.Severity >= finding.High {
			high++
			if !strings.Contains(fd.Message, kind) {
				t.Errorf("high finding does not name %s: %s", kind, fd.Message)
			}
		}
	}
	if !named {
		t.Errorf("no MG142 finding names %s: %+v", kind, f.Findings)
	}
	if malicious && high == 0 {
		t.Errorf("payload not found: %+v", f.Findings)
	}
	if !malicious && f.Worst() > finding.Medium {
		t.Errorf("benign file above medium: %+v", f.Findings)
	}
}

// scanTree scans root and returns the report's files.
func scanTree(t *testing.T, root string) []finding.FileResult {
	t.Helper()
	o := options()
	o.Roots = []string{root}
	rep, err := scan.Scan(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Files
}

// TestGzipHeaderCRC holds the header CRC16 to RFC 1952: the low half of
// the CRC-32 of the header bytes before it.
func TestGzipHeaderCRC(t *testing.T) {
	hdr := []byte("\x1f\x8b\x08\x0a\x00\x00\x00\x00\x00\x03name\x00")
	sum := crc32.ChecksumIEEE(hdr)
	good := append(append([]byte{}, hdr...), byte(sum), byte(sum>>8))
	bad := append(append([]byte{}, hdr...), byte(sum)^1, byte(sum>>8))
	tests := []struct {
		name      string
		head      []byte
		ok, match bool
	}{
		{"right_crc", good, true, true},
		{"wrong_crc", bad, true, false},
		{"no_fhcrc", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"), false, false},
		{"cut_name", hdr[:12], false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off, stored, want, ok := gzipHeaderCRC(tt.head)
			if ok != tt.ok || ok && (stored == want) != tt.match {
				t.Errorf("gzipHeaderCRC = %d %#x %#x %v, want ok %v match %v", off, stored, want, ok, tt.ok, tt.match)
			}
			if ok && off != int64(len(hdr)) {
				t.Errorf("offset %d, want %d", off, len(hdr))
			}
		})
	}
}

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

// TestSavedModelReach checks that a file-touching op says whether it runs
// when the SavedModel is loaded (reached from the saver's restore op or
// the init op, through inputs and called functions) or only when the
// graph is called, and that a restore op reading a constant path is one.
func TestSavedModelReach(t *testing.T) {
	root := filepath.Join("testdata", "loaders")
	tests := []struct{ dir, key, want string }{
		{"l_tf_restore_const", "save/RestoreV2", `reached from the saver's restore op "save/restore_all"`},
		{"l_tf_init_function", "__inference_init_5/write", `reached from the init op (signature "__saved_model_init_op") "init_call"`},
		{"l_tf_serve_function", "__inference_init_5/write", "runs when the graph or a signature is called"},
		{"l_tf_field_order", "dump", `reached from the collection "saved_model_main_op"`},
		{"benign_l_tf_saver", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			f := scanPaths(t, nil, filepath.Join(root, tt.dir, "saved_model.pb"))["saved_model.pb"]
			var got []string
			for _, fd := range f.Findings {
				if fd.Rule == finding.RuleTensorFlowOp {
					got = append(got, fd.Key+": "+fd.Message)
				}
			}
			if tt.key == "" {
				if len(got) > 0 {
					t.Errorf("benign saver reported: %q", got)
				}
				return
			}
			for _, g := range got {
				if strings.HasPrefix(g, tt.key+": ") && strings.Contains(g, tt.want) {
					return
				}
			}
			t.Errorf("no finding at %s saying %q: %q", tt.key, tt.want, got)
		})
	}
}
