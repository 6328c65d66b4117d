package formats

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
)

// policyRules are the rules the policy reports from pickle facts; the
// format tests look at the other findings, which the formats report.
var policyRules = []string{finding.RuleDangerousCallable, finding.RuleUnknownCall, finding.RuleUnknownClass, finding.RuleUnknownImport,
	finding.RuleMalformedPickle, finding.RuleNestedPickle, finding.RuleTrailingData, finding.RuleExtensionCode, finding.RuleAttributePoison}

// scanPaths scans the given files with the default options (or opts).
func scanPaths(t testing.TB, opts *scan.Options, paths ...string) map[string]finding.FileResult {
	t.Helper()
	o := options()
	if opts != nil {
		o = *opts
	}
	o.Roots = paths
	rep, err := scan.Scan(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]finding.FileResult{}
	for _, f := range rep.Files {
		out[filepath.Base(f.Path)] = f
	}
	return out
}

// formatFindings returns "rule@member" for the findings that are not the
// policy's.
func formatFindings(f finding.FileResult) []string {
	var out []string
	for _, fd := range f.Findings {
		if !slices.Contains(policyRules, fd.Rule) {
			out = append(out, fd.Rule+"@"+fd.Member)
		}
	}
	return out
}

// imports returns "callable@member" for every finding naming a callable.
func callables(f finding.FileResult) []string {
	var out []string
	for _, fd := range f.Findings {
		if fd.Callable != "" {
			out = append(out, fd.Callable+"@"+fd.Member)
		}
	}
	return out
}

// TestZipFixtures scans the files written by testdata/zip/gen.py.
func TestZipFixtures(t *testing.T) {
	got := scanPaths(t, nil, "testdata/zip")
	tests := []struct {
		file     string
		format   string
		status   finding.Status
		members  []string // exactly the members read
		findings []string // rule@member of the format's own findings
		callable string   // callable@member that must be reported (malicious files)
	}{
		{"torch_state.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl"}, nil, ""},
		{"torch_linear.pt", "torch-zip", finding.StatusScanned, []string{"linear/data.pkl"}, nil, ""},
		{"torchscript.pt", "torchscript", finding.StatusScanned, []string{"archive/data.pkl", "archive/constants.pkl",
			"archive/code/__torch__/torch/nn/modules/linear.py.debug_pkl"}, nil, ""},
		{"quirk_bad_crc.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl"}, nil, ""},
		{"quirk_deflated.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl"}, nil, ""},
		{"quirk_flag_20.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl"}, nil, ""},
		{"quirk_flag_40.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl"}, []string{"MG140@state/data.pkl"}, ""},
		{"quirk_flag_encrypted_plain.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl"}, []string{"MG140@state/data.pkl"}, ""},
		{"quirk_local_name.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl"}, nil, ""},
		{"quirk_prepended.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl"}, nil, ""},
		{"quirk_zip64.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl"}, nil, ""},
		{"storage_referenced_pickle.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl"}, nil, ""},
		{"mal_unreferenced_storage.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl", "state/data/7"}, nil, "posix.system@state/data/7"},
		{"mal_torch_reduce.pt", "torch-zip", finding.StatusScanned, []string{"evil/data.pkl"}, nil, "posix.system@evil/data.pkl"},
		{"mal_extra_pkl.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl", "state/extra.pkl"}, nil, "posix.system@state/extra.pkl"},
		{"mal_odd_name.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl", "state/.data/version"}, nil, "posix.system@state/.data/version"},
		{"mal_weights_bin.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl", "state/weights.bin"}, nil, "posix.system@state/weights.bin"},
		{"mal_flag_encrypted.pt", "torch-zip", finding.StatusScanned, []string{"state/data.pkl"}, []string{"MG140@state/data.pkl"}, "posix.system@state/data.pkl"},
		{"mal_prepended_pickle.pt", "torch-zip", finding.StatusScanned, []string{"(data before the zip)", "state/data.pkl"}, []string{"MG141@"},
			"posix.system@(data before the zip)"},
		{"mal_nested.zip", "zip", finding.StatusScanned, []string{"inner.pt", "inner.pt/evil/data.pkl"}, nil, "posix.system@inner.pt/evil/data.pkl"},
		{"mal_bzip2.zip", "zip", finding.StatusScanned, []string{"model.pkl"}, []string{"MG142@model.pkl"}, "posix.system@model.pkl"},
		{"encrypted.zip", "zip", finding.StatusPartial, nil, []string{"MG007@secret.pkl"}, ""},
		{"mal_lzma.zip", "zip", finding.StatusScanned, []string{"model.pkl"}, []string{"MG142@model.pkl"}, "posix.system@model.pkl"},
		{"plain.zip", "zip", finding.StatusScanned, nil, nil, ""},
		{"npz_numeric.npz", "npz", finding.StatusScanned, []string{"a.npy", "b.npy"}, nil, ""},
		{"npz_object.npz", "npz", finding.StatusScanned, []string{"a.npy", "o.npy"}, nil, ""},
		{"mal_npz.npz", "npz", finding.StatusScanned, []string{"a.npy", "evil.npy"}, nil, "posix.system@evil.npy"},
		{"npy_f4.npy", "npy", finding.StatusScanned, nil, nil, ""},
		{"npy_v2.npy", "npy", finding.StatusScanned, nil, nil, ""},
		{"npy_v3.npy", "npy", finding.StatusScanned, nil, nil, ""},
		{"npy_fortran.npy", "npy", finding.StatusScanned, nil, nil, ""},
		{"npy_object.npy", "npy", finding.StatusScanned, nil, nil, ""},
		{"npy_struct_object.npy", "npy", finding.StatusScanned, nil, nil, ""},
		{"mal_npy_object.npy", "npy", finding.StatusScanned, nil, nil, "posix.system@"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, filepath.Ext(tt.file)), func(t *testing.T) {
			f, ok := got[tt.file]
			if !ok {
				t.Fatal("not scanned")
			}
			if f.Format != tt.format || f.Status != tt.status {
				t.Errorf("format %q status %q, want %q %q", f.Format, f.Status, tt.format, tt.status)
			}
			if !slices.Equal(f.Members, tt.members) && (len(f.Members) > 0 || len(tt.members) > 0) {
				t.Errorf("members read %q, want %q", f.Members, tt.members)
			}
			if ff := formatFindings(f); !slices.Equal(ff, tt.findings) {
				t.Errorf("findings %q, want %q", ff, tt.findings)
			}
			benign := !strings.HasPrefix(tt.file, "mal_")
			if benign && tt.format != "torchscript" && len(f.Findings) != len(tt.findings) {
				// The policy passes what torch and numpy write: any other
				// finding means a member was read wrong. (TorchScript's
				// __torch__ classes and debug pickles are the policy's to
				// judge.)
				t.Errorf("benign file with findings %v", f.Findings)
			}
			cs := callables(f)
			if tt.callable != "" && !slices.Contains(cs, tt.callable) {
				t.Errorf("no finding names %s; callables %q", tt.callable, cs)
			}
			if !strings.HasPrefix(tt.file, "mal_") && slices.ContainsFunc(cs, func(c string) bool { return strings.HasPrefix(c, "posix.") }) {
				t.Errorf("benign file reports posix: %q", cs)
			}
		})
	}
}

// bigTorchZip writes a torch-style zip whose storage member holds n bytes,
// with the data.pkl of a real torch.save. CRCs are left zero (the scanner
// never checks them), which keeps the test fast.
func bigTorchZip(t testing.TB, n int64) []byte {
	t.Helper()
	pkl := memberOf(t, "testdata/zip/torch_state.pt", "state/data.pkl")
	var buf bytes.Buffer
	buf.Grow(int(n) + 4096)
	w := zip.NewWriter(&buf)
	for _, m := range []struct {
		name string
		size int64
		body io.Reader
	}{
		{"big/data.pkl", int64(len(pkl)), bytes.NewReader(pkl)},
		{"big/data/0", n, io.LimitReader(zeros{}, n)},
		{"big/data/1", 16, strings.NewReader("0123456789abcdef")},
		{"big/version", 2, strings.NewReader("3\n")},
	} {
		fw, err := w.CreateRaw(&zip.FileHeader{Name: m.name, Method: zip.Store,
			CompressedSize64: uint64(m.size), UncompressedSize64: uint64(m.size)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(fw, m.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func memberOf(t testing.TB, file, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

// scanBytes scans b as a file through every format, counting the bytes
// read.
func scanBytes(t testing.TB, name string, b []byte) (finding.FileResult, int64) {
	t.Helper()
	res := finding.FileResult{Path: name, Members: []string{}, Findings: []finding.Finding{}}
	s := newSession(options(), &res)
	cr := &countingReaderAt{r: bytes.NewReader(b)}
	in, err := scan.NewSectionInput(nil, name, cr, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	res.Format = s.Scan(in)
	s.Finish()
	res.Status = s.Status()
	return res, cr.n
}

// TestTorchZipReadsLittle checks that the storages of a torch zip are
// never read: a checkpoint of 50 MB costs its directory and pickle.
func TestTorchZipReadsLittle(t *testing.T) {
	b := bigTorchZip(t, 50<<20)
	res, n := scanBytes(t, "big.pt", b)
	if res.Format != "torch-zip" || res.Status != finding.StatusScanned || !slices.Equal(res.Members, []string{"big/data.pkl"}) {
		t.Fatalf("format %q status %q members %q", res.Format, res.Status, res.Members)
	}
	if n >= 1<<20 {
		t.Errorf("read %d bytes of a %d-byte checkpoint, want under 1 MiB", n, len(b))
	}
	t.Logf("read %d bytes of %d", n, len(b))
}

func BenchmarkScanTorchZip(b *testing.B) {
	data := bigTorchZip(b, 50<<20)
	b.ResetTimer()
	for range b.N {
		if res, _ := scanBytes(b, "big.pt", data); res.Format != "torch-zip" {
			b.Fatal(res.Format)
		}
	}
}

// TestZipBounds checks that member bounds are findings of that member and
// that the other members are still scanned.
func TestZipBounds(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	w.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
	bomb, _ := w.Create("bomb.pkl")
	bomb.Write([]byte("\x80\x04\x8e\x00\x00\x30\x00\x00\x00\x00\x00")) // PROTO 4, BINBYTES8 of 3 MiB...
	io.Copy(bomb, io.LimitReader(zeros{}, 3<<20))
	bomb.Write([]byte(".")) // STOP
	evil, _ := w.Create("evil.pkl")
	evil.Write([]byte("cos\nsystem\n(S'touch /tmp/modelgate_bomb'\ntR.")) // GLOBAL MARK STRING TUPLE REDUCE STOP
	w.Close()
	dir := t.TempDir()
	p := filepath.Join(dir, "bomb.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := options()
	opts.Limits.MaxRatio = 20
	f := scanPaths(t, &opts, p)["bomb.zip"]
	if ff := formatFindings(f); !slices.Equal(ff, []string{"MG006@bomb.pkl"}) {
		t.Errorf("findings %q, want the bomb inconclusive", ff)
	}
	if !slices.Contains(callables(f), "posix.system@evil.pkl") && !slices.Contains(callables(f), "os.system@evil.pkl") {
		t.Errorf("member after the bomb not scanned: %q", callables(f))
	}
	if f.Status != finding.StatusPartial {
		t.Errorf("status %q, want partial", f.Status)
	}
}

// TestZipInCompressedMember checks that a zip inside a deflated member is
// held in memory up to Limits.MaxBuffered, and inconclusive beyond.
func TestZipInCompressedMember(t *testing.T) {
	evil := "cos\nsystem\n(S'touch /tmp/modelgate_inner'\ntR." // GLOBAL MARK STRING TUPLE REDUCE STOP
	inner := zipOf(t, [][3]string{{"pad.bin", "store", strings.Repeat("\x00", 4096)}, {"m.pkl", "store", evil}}, nil)
	dir := writeTree(t, map[string]string{"outer.zip": string(zipOf(t, [][3]string{{"inner.zip", "deflate", string(inner)}}, nil))})
	for _, tt := range []struct {
		name     string
		buffered int64
		findings []string
		callable string
	}{
		{"held", 1 << 20, nil, "os.system@inner.zip/m.pkl"},
		{"too_big", 1024, []string{"MG006@inner.zip"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := options()
			opts.Limits.MaxBuffered = tt.buffered
			f := scanPaths(t, &opts, dir)["outer.zip"]
			if ff := formatFindings(f); !slices.Equal(ff, tt.findings) {
				t.Errorf("findings %q, want %q", ff, tt.findings)
			}
			if tt.callable != "" && !slices.Contains(callables(f), tt.callable) {
				t.Errorf("callables %q, want %s", callables(f), tt.callable)
			}
		})
	}
}

// zipOf writes a zip of the given members (name, method, body) and lets
// patch change the bytes.
func zipOf(t *testing.T, members [][3]string, patch func([]byte) []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, m := range members {
		method := zip.Store
		if m[1] == "deflate" {
			method = zip.Deflate
		}
		fw, err := w.CreateHeader(&zip.FileHeader{Name: m[0], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(m[2]))
	}
	w.Close()
	if patch != nil {
		return patch(buf.Bytes())
	}
	return buf.Bytes()
}

// setFlag sets flag bits on every local and central header.
func setFlag(bit uint16) func([]byte) []byte {
	return func(b []byte) []byte {
		for _, sig := range []struct {
			s   string
			off int
		}{{"PK\x03\x04", 6}, {"PK\x01\x02", 8}} {
			for i := 0; ; {
				j := bytes.Index(b[i:], []byte(sig.s))
				if j < 0 {
					break
				}
				b[i+j+sig.off] |= byte(bit)
				i += j + 4
			}
		}
		return b
	}
}

func TestZipMembers(t *testing.T) {
	evil := "cos\nsystem\n(S'touch /tmp/modelgate_zip'\ntR." // GLOBAL MARK STRING TUPLE REDUCE STOP
	random := "\x01\xfe\x93\x00\x17\xaa\x80\x02\x11\x00\x9c\x33\x44"
	tests := []struct {
		name     string
		zip      []byte
		status   finding.Status
		findings []string
		callable string
		format   string // "" for zip
	}{
		{"encrypted_data_pkl", zipOf(t, [][3]string{{"a/data.pkl", "store", random}, {"a/version", "store", "3\n"}}, setFlag(1)),
			finding.StatusPartial, []string{"MG007@a/data.pkl"}, "", "torch-zip"},
		{"flag_on_text", zipOf(t, [][3]string{{"a/version", "store", "3\n"}, {"a/notes.txt", "deflate", "plain words"}}, setFlag(1)),
			finding.StatusScanned, nil, "", ""},
		{"flag_on_pickle", zipOf(t, [][3]string{{"m.pkl", "deflate", evil}}, setFlag(1)),
			finding.StatusScanned, []string{"MG140@m.pkl"}, "os.system@m.pkl", ""},
		{"encrypted_binary", zipOf(t, [][3]string{{"w.bin", "store", random}}, setFlag(1)),
			finding.StatusPartial, []string{"MG007@w.bin"}, "", ""},
		{"pickle_name_unknown_content", zipOf(t, [][3]string{{"model.pkl", "store", "\x00\x01 not a pickle"}}, nil),
			finding.StatusScanned, []string{"MG007@model.pkl"}, "", ""},
		{"nested_deflated_zip", zipOf(t, [][3]string{{"inner.zip", "deflate", string(zipOf(t, [][3]string{{"m.pkl", "store", evil}}, nil))}}, nil),
			finding.StatusScanned, nil, "os.system@inner.zip/m.pkl", ""},
		{"pickle_in_storage_dir_of_plain_zip", zipOf(t, [][3]string{{"a/data/0", "store", evil}}, nil),
			finding.StatusScanned, nil, "os.system@a/data/0", ""},
		{"truncated_member", zipOf(t, [][3]string{{"m.pkl", "store", evil}}, func(b []byte) []byte {
			i := bytes.Index(b, []byte("PK\x01\x02"))
			binary.LittleEndian.PutUint32(b[i+20:], 1<<20) // compressed size
			binary.LittleEndian.PutUint32(b[i+24:], 1<<20) // size
			return b
		}), finding.StatusPartial, []string{"MG140@m.pkl", "MG141@m.pkl", "MG007@m.pkl/m.pkl"}, "os.system@m.pkl", ""}, // the data runs into the directory
		{"pickle_then_empty_end_record", []byte(evil + "PK\x05\x06" + strings.Repeat("\x00", 18)),
			finding.StatusScanned, []string{"MG141@"}, "os.system@(data before the zip)", ""},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		if err := os.WriteFile(filepath.Join(dir, tt.name+".zip"), tt.zip, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := scanPaths(t, nil, dir)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := got[tt.name+".zip"]
			if tt.format == "" {
				tt.format = "zip"
			}
			if f.Format != tt.format || f.Status != tt.status {
				t.Errorf("format %q status %q, want %q %q", f.Format, f.Status, tt.format, tt.status)
			}
			if ff := formatFindings(f); !slices.Equal(ff, tt.findings) {
				t.Errorf("findings %q, want %q", ff, tt.findings)
			}
			if cs := callables(f); tt.callable != "" && !slices.ContainsFunc(cs, func(c string) bool { return strings.HasPrefix(c, tt.callable) }) {
				t.Errorf("callables %q, want %s", cs, tt.callable)
			}
		})
	}
}

// TestTorchZipManyStoragesUnread: a checkpoint with more storages than
// the reader keeps persistent-id summaries of still reads only its pickle.
func TestTorchZipManyStoragesUnread(t *testing.T) {
	b, err := os.ReadFile("testdata/zip/many_storages.pt")
	if err != nil {
		t.Fatal(err)
	}
	res, _ := scanBytes(t, "many_storages.pt", b)
	if res.Format != "torch-zip" || !slices.Equal(res.Members, []string{"many_storages/data.pkl"}) {
		t.Errorf("format %q members %q, want only many_storages/data.pkl read", res.Format, res.Members)
	}
	if len(res.Findings) != 0 {
		t.Errorf("findings on a benign checkpoint: %+v", res.Findings)
	}
}

// TestTorchZipReadCost: a checkpoint costs its pickle, its central
// directory once, the fixed part of each local header and a little more.
func TestTorchZipReadCost(t *testing.T) {
	b, err := os.ReadFile("testdata/zip/many_storages.pt")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	pkl := memberOf(t, "testdata/zip/many_storages.pt", "many_storages/data.pkl")
	eocd := bytes.LastIndex(b, []byte("PK\x05\x06"))
	cdSize := int64(binary.LittleEndian.Uint32(b[eocd+12:]))
	_, n := scanBytes(t, "many_storages.pt", b)
	budget := int64(len(pkl)) + cdSize + 30*int64(len(zr.File)) + 4096
	if n > budget {
		t.Errorf("read %d bytes, want at most %d (pickle %d + directory %d + 30 per member + 4 KiB)", n, budget, len(pkl), cdSize)
	}
}
