package formats

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
	"github.com/ulikunitz/xz/lzma"
)

// The container red-team cases: files that a loader (pickle.load,
// joblib.load, torch.load) would unpickle with a dangerous callable, built
// so that a scanner finds no pickle where the loader reads one. Each must
// be flagged at high or worse; the benign look-alikes must not be.

// rtPayload is posix.system('touch /tmp/modelgate-redteam'), protocol 0.
const rtPayload = "cposix\nsystem\n(S'touch /tmp/modelgate-redteam'\ntR." // GLOBAL MARK STRING TUPLE REDUCE STOP

func le32(n int) string {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(n))
	return string(b[:])
}

func le64(n int) string {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	return string(b[:])
}

func gzipOf(t *testing.T, data string) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// longOperandPickles hide the payload behind one long operand (or many)
// that ends past the scanner's sniffing window: the first 64 KiB hold no
// import and no error.
var longOperandPickles = []struct{ name, data string }{
	{"binbytes_100k", "B" + le32(100000) + strings.Repeat("\x00", 100000) + "0" + rtPayload},                      // BINBYTES POP <payload>
	{"binbytes8_100k", "\x8e" + le64(100000) + strings.Repeat("\x00", 100000) + "0" + rtPayload},                  // BINBYTES8 POP <payload>
	{"binunicode_100k", "X" + le32(100000) + strings.Repeat("a", 100000) + "0" + rtPayload},                       // BINUNICODE POP <payload>
	{"string_line_100k", "S'" + strings.Repeat("a", 100000) + "'\n0" + rtPayload},                                 // STRING POP <payload>
	{"unicode_line_100k", "V" + strings.Repeat("a", 100000) + "\n0" + rtPayload},                                  // UNICODE POP <payload>
	{"float_line_100k", "F0." + strings.Repeat("0", 100000) + "1\n0" + rtPayload},                                 // FLOAT POP <payload>
	{"frame_100k", "\x95" + le64(100006) + "B" + le32(100000) + strings.Repeat("\x00", 100000) + "0" + rtPayload}, // FRAME BINBYTES POP <payload>
	{"binbytes_chain_20m", strings.Repeat("B"+le32(100000)+strings.Repeat("\x00", 100000)+"0", 200) + rtPayload},  // (BINBYTES POP)*200 <payload>
}

func TestLongOperandSniff(t *testing.T) {
	for _, tt := range longOperandPickles {
		for _, v := range []struct{ suffix, data string }{
			{"", tt.data},
			{"_gzip", gzipOf(t, tt.data)}, // joblib.load reads a gzip stream whatever the name
		} {
			t.Run(tt.name+v.suffix, func(t *testing.T) {
				// Named .bin (pytorch_model.bin): a name that says
				// nothing about pickles.
				res, _ := scanBytes(t, "pytorch_model.bin", []byte(v.data))
				if w := worst(res.Findings); w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
					t.Errorf("format %q status %q worst %v callables %q", res.Format, res.Status, w, callables(res))
				}
			})
		}
	}
}

// TestLongOperandBenign checks that files which only start like a
// long operand are not taken for pickles.
func TestLongOperandBenign(t *testing.T) {
	readme := "This is a README. " + strings.Repeat("Plain text, nothing more.\n", 4000)
	bmp := "BM" + le32(200000) + strings.Repeat("\x00\x11\x22\x33", 50000)
	tests := []struct{ name, data string }{
		{"text_t", readme},
		{"text_t_gzip", gzipOf(t, readme)},
		{"bmp", bmp},
		{"bmp_gzip", gzipOf(t, bmp)},
		{"binbytes_then_garbage", "B" + le32(100000) + strings.Repeat("\x00", 100000) + "\xff\xfe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := scanBytes(t, "data.bin", []byte(tt.data))
			if w := worst(res.Findings); w >= finding.Medium {
				t.Errorf("format %q worst %v findings %+v", res.Format, w, res.Findings)
			}
		})
	}
}

// zlibPicklePolyglot is a zlib stream that is also a pickle: header 0x28
// 0x91 (MARK FROZENSET, a valid zlib check), a stored deflate block whose
// header bytes are POP, BININT and its operand, and whose data is one
// byte joblib's zlib reading would see (NUL: no known format), then POP
// and the payload. joblib.load sees no 0x78 zlib prefix and unpickles the
// file; a scanner that takes it for a zlib stream of nothing known passes
// it.
func zlibPicklePolyglot() string {
	data := "\x00" + "0" + rtPayload
	data += strings.Repeat("\x00", 0x4a-len(data))
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], adler32.Checksum([]byte(data)))
	return "\x28\x91" + // zlib CMF FLG; MARK FROZENSET
		"0\x4a\x00\xb5\xff" + // stored block, LEN 0x4a, NLEN; POP BININT(4 bytes, the last is data[0])
		data + // NUL (BININT's last byte) POP <payload> padding
		"\x01\x00\x00\xff\xff" + string(sum[:]) // final empty stored block, Adler-32
}

// tarPicklePolyglot is a tar whose first member is named by the payload:
// the header starts with it.
func tarPicklePolyglot(t *testing.T, first string) string {
	t.Helper()
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	for _, name := range []string{first, "weights.bin"} {
		if err := w.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: 5, Format: tar.FormatGNU}); err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("hello"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestFormatPolyglots checks files that another format matches
// first, but that pickle.load, joblib.load and torch.load read as a
// pickle from their first byte.
func TestFormatPolyglots(t *testing.T) {
	h5, err := os.ReadFile("testdata/loader_disagreements/h5_userblock_pickle.h5")
	if err != nil {
		t.Fatal(err)
	}
	// zipfile finds a benign directory, miniz (torch.load) another one.
	twoDirs, err := os.ReadFile("testdata/loader_disagreements/zip_two_directories.pt")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, file, data string }{
		{"zlib_header_is_mark_frozenset", "model.bin", zlibPicklePolyglot()},
		{"tar_first_name_is_pickle", "model.bin", tarPicklePolyglot(t, rtPayload)},
		{"gguf_magic_is_binfloat", "model.bin", "GGUF\x03\x00\x00\x00x0" + rtPayload}, // BINFLOAT("GUF" version "x") POP <payload>
		{"hdf5_user_block_pickle", "model.h5", string(h5)},
		{"zip_directory_of_miniz_in_comment", "model.pt", string(twoDirs)},
		{"zlib_polyglot_in_zip_member", "model.zip", string(zipOf(t, [][3]string{{"model.bin", "store", zlibPicklePolyglot()}}, nil))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := scanBytes(t, tt.file, []byte(tt.data))
			if w := worst(res.Findings); w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
				t.Errorf("format %q status %q worst %v callables %q", res.Format, res.Status, w, callables(res))
			}
			if !slices.ContainsFunc(res.Findings, func(f finding.Finding) bool { return f.Rule == finding.RulePolyglot }) {
				t.Errorf("no %s finding: %+v", finding.RulePolyglot, res.Findings)
			}
		})
	}
}

// TestFormatPolyglotsBenign checks that files of other formats
// whose first bytes only start a harmless pickle are not polyglots.
func TestFormatPolyglotsBenign(t *testing.T) {
	header := `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`
	header += strings.Repeat(" ", 0x180-len(header)) // length 0x180: PROTO 1, then NUL
	tests := []struct{ name, file, data string }{
		{"tar_first_name_none_stop", "a.tar", tarPicklePolyglot(t, "N.txt")}, // NONE STOP: a pickle of None
		{"safetensors_header_len_0x180", "m.safetensors", le64(len(header)) + header + "\x00\x00\x80\x3f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := scanBytes(t, tt.file, []byte(tt.data))
			if len(res.Findings) > 0 {
				t.Errorf("format %q findings %+v", res.Format, res.Findings)
			}
		})
	}
}

// TestNpyHeaders checks .npy headers that numpy 1.24 accepts
// (_read_array_header: ast.literal_eval, then loose checks) but that a
// stricter re-implementation refuses, each with an object dtype: numpy.load
// (allow_pickle=True) unpickles the data after them.
func TestNpyHeaders(t *testing.T) {
	tests := []struct{ name, header string }{
		{"shape_bool", "{'descr': '|O', 'fortran_order': False, 'shape': (True,), }"},
		{"shape_negative", "{'descr': '|O', 'fortran_order': False, 'shape': (-1,), }"},
		{"comment", "{'descr': '|O', # c\n 'fortran_order': False, 'shape': (1,), }"},
		{"string_concatenation", "{'descr': '|' 'O', 'fortran_order': False, 'shape': (1,), }"},
		{"line_continuation", "{'descr': \\\n '|O', 'fortran_order': False, 'shape': (1,), }"},
		{"triple_quotes", "{'descr': '''|O''', 'fortran_order': False, 'shape': (1,), }"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := scanBytes(t, "a.npy", []byte(npyBytes(tt.header+"\n", rtPayload)))
			if w := worst(res.Findings); w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
				t.Errorf("format %q status %q worst %v findings %+v", res.Format, res.Status, w, res.Findings)
			}
		})
	}
	// A numeric array behind such a header is not read as a pickle.
	res, _ := scanBytes(t, "a.npy", []byte(npyBytes("{'descr': '<f8', # c\n 'fortran_order': False, 'shape': (1,), }\n", "\x00\x00\x00\x00\x00\x00\xf0?")))
	if w := worst(res.Findings); w > finding.Medium {
		t.Errorf("numeric: worst %v findings %+v", w, res.Findings)
	}
}

// legacyTar is a tar as torch.save wrote it before 0.4, with members in
// the given order.
func legacyTar(t *testing.T, members ...[2]string) string {
	t.Helper()
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	for _, m := range members {
		if err := w.WriteHeader(&tar.Header{Name: m[0], Mode: 0o644, Size: int64(len(m[1])), Format: tar.FormatPAX}); err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(m[1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestLegacyTarProtocol0 checks torch's legacy tar whose
// "storages" and "tensors" members hold protocol 0 pickles: legacy_load
// reads them with pickle.load like any others, so a payload after the raw
// data of an entry runs.
func TestLegacyTarProtocol0(t *testing.T) {
	const (
		count    = "I1\n."                                    // INT STOP
		storage  = "(S'0'\nS'cpu'\nctorch\nFloatStorage\nt."  // MARK STRING STRING GLOBAL TUPLE STOP
		tensor   = "(S't'\nS'0'\nctorch\nFloatTensor\nt."     // MARK STRING STRING GLOBAL TUPLE STOP
		empty    = "\x00\x00\x00\x00\x00\x00\x00\x00"         // element count 0
		dims0    = "\x00\x00\x00\x00\x00\x00\x00\x00" + empty // ndim 0, 4 bytes, storage offset
		storages = count + storage + empty + rtPayload        // storage_views is the payload
	)
	tests := []struct{ name, data string }{
		{"payload_in_storages", legacyTar(t, [2]string{"storages", storages}, [2]string{"tensors", "I0\n."}, [2]string{"pickle", "N."})},
		{"payload_in_tensors", legacyTar(t, [2]string{"storages", count + storage + empty + "]."}, [2]string{"tensors", count + tensor + dims0 + rtPayload}, [2]string{"pickle", "N."})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := scanBytes(t, "model.pt", []byte(tt.data))
			if w := worst(res.Findings); w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
				t.Errorf("format %q status %q worst %v findings %+v", res.Format, res.Status, w, res.Findings)
			}
		})
	}
}

// lzmaAloneOf compresses data as one raw LZMA stream (.lzma, end marker).
func lzmaAloneOf(t *testing.T, data string) string {
	t.Helper()
	var b bytes.Buffer
	w, err := lzma.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(data))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestConcatenatedLZMA checks a pickle split over two raw LZMA
// streams: joblib.load reads the prefix 0x5d 0x00 as lzma and opens the
// file with lzma.LZMAFile, which goes on with the next stream; the first
// alone holds no import.
func TestConcatenatedLZMA(t *testing.T) {
	first := "I1\n0" + strings.Repeat("I2\n0", 10) // (INT POP)*11
	for _, tt := range []struct{ name, data string }{
		{"two_alone_streams", lzmaAloneOf(t, first) + lzmaAloneOf(t, rtPayload)},
		{"alone_then_garbage", lzmaAloneOf(t, first+rtPayload) + "trailing data"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := scanBytes(t, "model.bin", []byte(tt.data))
			if w := worst(res.Findings); w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
				t.Errorf("format %q status %q worst %v findings %+v", res.Format, res.Status, w, res.Findings)
			}
		})
	}
}

// TestTorchRecordNames checks members torch.load reads as data.pkl
// although they are not named "<root>/data.pkl" exactly: miniz compares
// names without regard to ASCII case, and the root is what precedes the
// first "/" of the first entry, possibly nothing. They are torch pickles,
// read as pickles whatever their content; the payload is protocol 0 with
// a first long operand, which only the pickle reading takes whole.
func TestTorchRecordNames(t *testing.T) {
	pkl := "B" + le32(100000) + strings.Repeat("\x00", 100000) + "0" + rtPayload // BINBYTES POP <payload>
	for _, tt := range []struct{ name, first, data string }{
		{"upper_case", "archive/version", "archive/DATA.PKL"},
		{"mixed_case_root", "Archive/version", "Archive/Data.Pkl"},
		{"empty_root", "/version", "/data.pkl"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := zipOf(t, [][3]string{{tt.first, "store", "3\n"}, {tt.data, "store", pkl}}, nil)
			res, _ := scanBytes(t, "model.pt", b)
			if res.Format != kindTorchZip || worst(res.Findings) < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system@"+tt.data) {
				t.Errorf("format %q worst %v callables %q", res.Format, worst(res.Findings), callables(res))
			}
		})
	}
}

// TestSymlinkToSkippedFile checks a symlink in the tree whose
// target the walk leaves out: a loader opening the link reads the target,
// so the link is scanned with its content.
func TestSymlinkToSkippedFile(t *testing.T) {
	outside := writeTree(t, map[string]string{"elsewhere.bin": rtPayload})
	tests := []struct {
		name    string
		link    string // target of model.pt, relative to the tree
		opts    func(*scan.Options)
		want    string // callable or rule expected on model.pt
		wantNot bool   // model.pt is not in the report (its target is scanned itself)
	}{
		{"target_excluded", "data/evil.bin", func(o *scan.Options) { o.Exclude = []string{"**/data/**"} }, "posix.system", false},
		{"target_not_included", "data/evil.bin", func(o *scan.Options) { o.Include = []string{"**/*.pt"} }, "posix.system", false},
		{"target_under_git", ".git/evil", nil, "posix.system", false},
		{"chain_leaving_the_tree", "hop", nil, finding.RuleSymlink, false},
		{"target_scanned_itself", "data/evil.bin", nil, "", true},
		// A pull request that adds only the link: its target is out of
		// the scan's scope.
		{"target_out_of_scope", "data/evil.bin", func(o *scan.Options) {
			o.Only = func(rel string) bool { return strings.HasSuffix(rel, "model.pt") }
		}, "posix.system", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"data/evil.bin": rtPayload, ".git/evil": rtPayload})
			if err := os.Symlink(filepath.Join(outside, "elsewhere.bin"), filepath.Join(dir, "hop")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(tt.link, filepath.Join(dir, "model.pt")); err != nil {
				t.Fatal(err)
			}
			o := options()
			if tt.opts != nil {
				tt.opts(&o)
			}
			got := scanPaths(t, &o, dir)
			f, ok := got["model.pt"]
			if tt.wantNot {
				if ok || !strings.Contains(strings.Join(callables(got["evil.bin"]), " "), "posix.system") {
					t.Errorf("model.pt in report %v (%+v); evil.bin %+v", ok, f, got["evil.bin"])
				}
				return
			}
			hit := strings.Contains(strings.Join(callables(f), " "), tt.want) ||
				slices.ContainsFunc(f.Findings, func(fd finding.Finding) bool { return fd.Rule == tt.want })
			if !ok || !hit {
				t.Errorf("model.pt: %+v", f)
			}
		})
	}
}

// TestGzipPadding checks gzip files with zero bytes after a member,
// which Python's gzip module (and so joblib.load) skips as padding: a
// benign padded dump is no finding; a pickle continued in a member after
// the padding is one pickle to Python.
func TestGzipPadding(t *testing.T) {
	zeros := strings.Repeat("\x00", 1024)
	benign := "\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s." // PROTO EMPTY_DICT BINPUT BINUNICODE BINPUT BININT1 SETITEM STOP
	first := "I1\n0" + strings.Repeat("I2\n0", 10)           // (INT POP)*11
	res, _ := scanBytes(t, "clf.joblib", []byte(gzipOf(t, benign)+zeros))
	if len(res.Findings) > 0 {
		t.Errorf("padded benign dump: format %q findings %+v", res.Format, res.Findings)
	}
	res, _ = scanBytes(t, "clf.joblib", []byte(gzipOf(t, first)+zeros+gzipOf(t, rtPayload)+zeros))
	if w := worst(res.Findings); w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
		t.Errorf("payload after padding: format %q worst %v findings %+v", res.Format, w, res.Findings)
	}
}

// TestBz2TrailingData checks a bz2 stream followed by data that
// starts no stream, which Python's bz2 module ignores: no finding.
func TestBz2TrailingData(t *testing.T) {
	b, err := os.ReadFile("testdata/loader_disagreements/bz2_trailing_garbage.pkl.bz2")
	if err != nil {
		t.Fatal(err)
	}
	res, _ := scanBytes(t, "clf.pkl.bz2", b)
	if len(res.Findings) > 0 {
		t.Errorf("format %q findings %+v", res.Format, res.Findings)
	}
}

// TestLegacyTarLinkedMember checks torch's legacy tar whose
// "storages" member is a link to an earlier member: tarfile extracts a
// hard link whose target is not on disk as a copy of the target, so
// legacy_load reads the target entry by entry, raw storage data and all.
func TestLegacyTarLinkedMember(t *testing.T) {
	storages := "I1\n." + "(S'0'\nS'cpu'\nctorch\nFloatStorage\nt." + strings.Repeat("\x00", 8) + rtPayload // count, entry, element count 0, storage_views
	for _, typ := range []byte{tar.TypeLink, tar.TypeSymlink} {
		var b bytes.Buffer
		w := tar.NewWriter(&b)
		w.WriteHeader(&tar.Header{Name: "x", Mode: 0o644, Size: int64(len(storages)), Format: tar.FormatPAX})
		w.Write([]byte(storages))
		w.WriteHeader(&tar.Header{Name: "storages", Typeflag: typ, Linkname: "x", Mode: 0o644, Format: tar.FormatPAX})
		for _, m := range [][2]string{{"tensors", "I0\n."}, {"pickle", "N."}} {
			w.WriteHeader(&tar.Header{Name: m[0], Mode: 0o644, Size: int64(len(m[1])), Format: tar.FormatPAX})
			w.Write([]byte(m[1]))
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct{ name, data string }{{"tar", b.String()}, {"tar_gzip", gzipOf(t, b.String())}} {
			t.Run(fmt.Sprintf("%s_type_%c", v.name, typ), func(t *testing.T) {
				res, _ := scanBytes(t, "model.pt", []byte(v.data))
				if w := worst(res.Findings); w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system@") {
					t.Errorf("format %q status %q worst %v findings %+v", res.Format, res.Status, w, res.Findings)
				}
				if res.Status != finding.StatusScanned {
					t.Errorf("status %q: %+v", res.Status, res.Findings)
				}
			})
		}
	}
}

// zfile writes joblib's format before 0.9.3: "ZF", the content length
// as 19 characters of hexadecimal text (sep, if any, after them), zlib.
func zfile(t *testing.T, content, sep string) string {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(content))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return "ZF" + fmt.Sprintf("%-19s", fmt.Sprintf("%#x", len(content))) + sep + b.String()
}

// TestJoblibZFile checks joblib's old compressed format, which
// joblib.load detects by its "ZF" prefix and unpickles whatever the name.
func TestJoblibZFile(t *testing.T) {
	for _, sep := range []string{"", " "} {
		res, _ := scanBytes(t, "model.bin", []byte(zfile(t, rtPayload, sep)))
		if w := worst(res.Findings); res.Format != "joblib-zfile" || w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
			t.Errorf("sep %q: format %q worst %v findings %+v", sep, res.Format, w, res.Findings)
		}
	}
	benign := "\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s." // PROTO EMPTY_DICT BINPUT BINUNICODE BINPUT BININT1 SETITEM STOP
	if res, _ := scanBytes(t, "model.bin", []byte(zfile(t, benign, ""))); res.Format != "joblib-zfile" || len(res.Findings) > 0 {
		t.Errorf("benign: format %q findings %+v", res.Format, res.Findings)
	}
}

// TestJoblibZFileArrayData checks a side file of joblib's old
// format holding raw array data, which joblib never unpickles: no finding.
func TestJoblibZFileArrayData(t *testing.T) {
	data := strings.Repeat("\x00\x00\x80?\x00\x00\x00@", 64) // float32 1, 2, ...
	if res, _ := scanBytes(t, "x.pkl_01.npy.z", []byte(zfile(t, data, ""))); len(res.Findings) > 0 {
		t.Errorf("format %q findings %+v", res.Format, res.Findings)
	}
}

// TestSymlinkToSkippedDir checks a symlink in the tree to a
// directory the walk leaves out: a loader opening link/evil.pkl reads the
// file, so it is scanned under that name, and in a pull request's scope
// when the link or the file changed. A link out of the tree is reported.
func TestSymlinkToSkippedDir(t *testing.T) {
	outside := writeTree(t, map[string]string{"evil.pkl": rtPayload})
	tests := []struct {
		name  string
		link  string // target of models, relative to the tree
		opts  func(*scan.Options)
		want  string // reported path expected with posix.system, or with MG011
		rule  string // finding.RuleSymlink when the link itself is the finding
		wantN int    // reported paths, to catch duplicates
	}{
		{"target_excluded", "vendor/x", func(o *scan.Options) { o.Exclude = []string{"**/vendor/**"} }, "models/evil.pkl", "", 1},
		{"target_under_git", ".git/x", nil, "models/evil.pkl", "", 2},
		{"target_scanned_itself", "vendor/x", nil, "vendor/x/evil.pkl", "", 1},
		{"target_not_included", "vendor/x", func(o *scan.Options) { o.Include = []string{"**/models/**"} }, "models/evil.pkl", "", 1},
		{"link_added_by_a_pull_request", "vendor/x", func(o *scan.Options) {
			o.Exclude = []string{"**/vendor/**"}
			o.Only = func(rel string) bool { return strings.HasSuffix(rel, "/models") }
		}, "models/evil.pkl", "", 1},
		{"target_added_by_a_pull_request", "vendor/x", func(o *scan.Options) {
			o.Exclude = []string{"**/vendor/**"}
			o.Only = func(rel string) bool { return strings.HasSuffix(rel, "/vendor/x/evil.pkl") }
		}, "models/evil.pkl", "", 1},
		{"outside_the_tree", outside, nil, "models", finding.RuleSymlink, 2},
		{"loop", ".", nil, "vendor/x/evil.pkl", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"vendor/x/evil.pkl": rtPayload, ".git/x/evil.pkl": rtPayload})
			if err := os.Symlink(tt.link, filepath.Join(dir, "models")); err != nil {
				t.Fatal(err)
			}
			o := options()
			if tt.opts != nil {
				tt.opts(&o)
			}
			o.Roots = []string{dir}
			rep, err := scan.Scan(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]finding.FileResult{}
			for _, f := range rep.Files {
				got[strings.TrimPrefix(filepath.ToSlash(f.Path), filepath.ToSlash(dir)+"/")] = f
			}
			f, ok := got[tt.want]
			hit := strings.Contains(strings.Join(callables(f), " "), "posix.system")
			if tt.rule != "" {
				hit = slices.ContainsFunc(f.Findings, func(fd finding.Finding) bool { return fd.Rule == tt.rule })
			}
			if !ok || !hit || len(got) != tt.wantN {
				t.Errorf("%s: found %v %+v; reported %d paths, want %d: %v", tt.want, ok, f, len(got), tt.wantN, slices.Collect(maps.Keys(got)))
			}
		})
	}
}

// TestJoblibZFileNotLoadable checks joblib's array side files as a walk
// meets them: named like a pickle, decompressed to bytes that no unpickler
// runs anything of, so every loader refuses them (joblib.load unpickles
// the decompressed bytes, the others read "ZF" as no opcode) and they are
// not scanned at medium. Content that imports something before it breaks
// is a pickle, scanned as one.
func TestJoblibZFileNotLoadable(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.pkl_01.npy.z": zfile(t, strings.Repeat("\x00\x00\x80?\x00\x00\x00@", 64), ""),
		"b.pkl_01.npy.z": zfile(t, "N\xff"+strings.Repeat("\x00", 30), ""), // NONE, then no opcode
		"c.pkl":          zfile(t, "cposix\nsystem\n\xff", ""),             // GLOBAL, then no opcode
	})
	opts := options()
	opts.Roots = []string{dir}
	rep, err := scan.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]finding.FileResult{}
	for _, f := range rep.Files {
		got[filepath.Base(f.Path)] = f
	}
	for _, name := range []string{"a.pkl_01.npy.z", "b.pkl_01.npy.z"} {
		f := got[name]
		if f.Worst() != finding.Medium || f.Status != finding.StatusNotScanned || len(f.Findings) != 1 ||
			!strings.Contains(f.Findings[0].Message, "joblib.load decompresses it") {
			t.Errorf("%s: %s %+v, want not scanned at medium with the proof", name, f.Status, f.Findings)
		}
	}
	if f := got["c.pkl"]; f.Worst() < finding.High {
		t.Errorf("c.pkl: %+v, want the import judged", f.Findings)
	}
}
