package formats

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
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

// TestGGUFBounds checks a GGUF whose template comes after a key longer
// than the parser keeps (read on, the padding named, the template judged)
// and one with more key-values than MaxKVs (inconclusive, high, the bound
// named), never a medium "does not follow the format".
func TestGGUFBounds(t *testing.T) {
	kv := func(key, val string) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(key)))
		b = append(b, key...)
		b = binary.LittleEndian.AppendUint32(b, 8) // string
		b = binary.LittleEndian.AppendUint64(b, uint64(len(val)))
		return append(b, val...)
	}
	file := func(kvs ...[]byte) []byte {
		b := []byte("GGUF\x03\x00\x00\x00")
		b = binary.LittleEndian.AppendUint64(b, 0)
		b = binary.LittleEndian.AppendUint64(b, uint64(len(kvs)))
		return append(b, bytes.Join(kvs, nil)...)
	}
	attack := "{{ cycler.__init__.__globals__.os.popen('true').read() }}"
	res, _ := scanBytes(t, "m.gguf", file(kv(strings.Repeat("k", 70_000), "x"), kv("tokenizer.chat_template", attack)))
	checkTrick(t, res, policy.TrickBudgetFlood, true)

	opts := options()
	opts.Limits.GGUF.MaxKVs = 1
	res = finding.FileResult{Findings: []finding.Finding{}}
	s := scan.NewSession(opts, &res)
	b := file(kv("a", "1"), kv("tokenizer.chat_template", "{{ x }}"))
	in, err := scan.NewSectionInput(nil, "m.gguf", bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	s.Scan(in)
	found := false
	for _, fd := range res.Findings {
		found = found || fd.Rule == finding.RuleInconclusive && fd.Severity >= finding.High && strings.Contains(fd.Message, "MaxKVs")
	}
	if !found {
		t.Errorf("no inconclusive finding naming MaxKVs: %+v", res.Findings)
	}
}
