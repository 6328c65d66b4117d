package formats

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
	"github.com/modelgate/modelgate/scan"
)

func TestLegacyFixtures(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		{"legacy_state_dict.pt", "torch-legacy scanned system=[] rules=[]"},
		{"legacy_model.pt", "torch-legacy scanned system=[] rules=[]"},
		{"evil_legacy_pickle1.pt", `torch-legacy scanned system=["pickle#0"] rules=[]`},
		{"evil_legacy_pickle3.pt", `torch-legacy scanned system=["pickle#2"] rules=[]`},
		{"evil_legacy_pickle4.pt", `torch-legacy scanned system=["pickle#3"] rules=[]`},
		{"evil_legacy_after_storages.pt", `torch-legacy scanned system=["after-storages"] rules=["MG010@"]`},
		{"evil_legacy_bad_count.pt", `torch-legacy partial system=[] rules=["MG140@"]`},
	})
}

// scanStreamBytes scans data as a file (random access) or as a stream member,
// with small bounds, the way fuzz targets need.
func scanStreamBytes(data []byte, stream bool) *finding.FileResult {
	res := &finding.FileResult{}
	opts := options()
	opts.Limits.MaxMemberSize = 1 << 20
	opts.Limits.MaxDecompressed = 4 << 20
	opts.Limits.MaxBuffered = 1 << 20
	opts.Limits.MaxMembers = 100
	s := newSession(opts, res)
	var in *scan.Input
	var err error
	if stream {
		in, err = scan.NewStreamInput(nil, "f", -1, func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	} else {
		in, err = scan.NewSectionInput(nil, "f", bytes.NewReader(data), int64(len(data)))
	}
	if err == nil {
		res.Format = s.Scan(in)
	}
	return res
}

// addStreamSeeds adds every fixture of testdata/streams to f.
func addStreamSeeds(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "streams", "*"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b, false)
		}
	}
}

func FuzzStreamFormats(f *testing.F) {
	addStreamSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, stream bool) {
		res := scanStreamBytes(data, stream)
		for _, fd := range res.Findings {
			if fd.Rule == "" {
				t.Errorf("finding without a rule: %+v", fd)
			}
		}
	})
}

func FuzzCompressedSniff(f *testing.F) {
	addStreamSeeds(f)
	codecs := []compressed{gzipStream, bzip2Stream, xzStream, lzmaStream, zlibStream, lz4Stream}
	f.Fuzz(func(t *testing.T, data []byte, _ bool) {
		head := data[:min(len(data), scan.HeadSize)]
		for _, c := range codecs {
			c.sniff(head)
		}
	})
}

func TestResolveModuleIDs(t *testing.T) {
	tests := []struct {
		name   string
		pickle string
		want   string
	}{
		{"module_class", "\x80\x02(X\x06\x00\x00\x00modulectorch.nn.modules.linear\nLinear\nNNtQ)\x81.", // MARK BINUNICODE GLOBAL NONE NONE TUPLE BINPERSID EMPTY_TUPLE NEWOBJ STOP
			"torch.nn.modules.linear.Linear"},
		{"module_system", "\x80\x02(X\x06\x00\x00\x00modulecposix\nsystem\nNNtQX\x02\x00\x00\x00id\x85R.", // MARK BINUNICODE GLOBAL NONE NONE TUPLE BINPERSID BINUNICODE TUPLE1 REDUCE STOP
			"posix.system"},
		{"storage_stays_unknown", "\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x01NtQ)R.", // ... BINPERSID EMPTY_TUPLE REDUCE STOP
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := pickle.ReadOne(strings.NewReader(tt.pickle), pickle.DefaultOptions())
			if len(res.Calls) != 1 {
				t.Fatalf("calls %+v, err %v", res.Calls, res.Err)
			}
			resolveModuleIDs(res)
			got := ""
			if res.Calls[0].Known {
				got = res.Calls[0].Callee.String()
			}
			if got != tt.want {
				t.Errorf("callee %q (%+v), want %q", got, res.Calls[0], tt.want)
			}
		})
	}
}

// TestStreamPaths reads fixtures inside gzip, where nothing has random
// access: pickles are reached by decompressing afresh, storages are
// discarded, a 7z is held in memory up to Limits.MaxBuffered.
func TestStreamPaths(t *testing.T) {
	files := map[string][]byte{}
	for _, name := range []string{"legacy_state_dict.pt", "evil_legacy_pickle4.pt", "evil_legacy_after_storages.pt",
		"evil_legacy_bad_count.pt", "evil_broken_pickle.7z", "torch_tar.pt", "evil_torch_tar_pickle.pt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "streams", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name+".gz"] = compress(t, "gzip", b)
	}
	lim := scan.DefaultLimits()
	lim.MaxBuffered = 200 // less than the 7z
	got := scanFiles(t, files, lim)
	tests := []fixtureCase{
		{"legacy_state_dict.pt.gz", "gzip scanned system=[] rules=[]"},
		{"evil_legacy_pickle4.pt.gz", `gzip scanned system=["evil_legacy_pickle4.pt/pickle#3"] rules=[]`},
		{"evil_legacy_after_storages.pt.gz", `gzip scanned system=["evil_legacy_after_storages.pt/after-storages"] rules=["MG010@evil_legacy_after_storages.pt"]`},
		{"evil_legacy_bad_count.pt.gz", `gzip partial system=[] rules=["MG140@evil_legacy_bad_count.pt"]`},
		{"evil_broken_pickle.7z.gz", `gzip partial system=[] rules=["MG006@evil_broken_pickle.7z"]`},
		{"torch_tar.pt.gz", "gzip scanned system=[] rules=[]"},
		{"evil_torch_tar_pickle.pt.gz", `gzip scanned system=["evil_torch_tar_pickle.pt/pickle"] rules=[]`},
	}
	for _, tt := range tests {
		t.Run(strings.NewReplacer(".", "_").Replace(tt.file), func(t *testing.T) {
			if s := outcome(got[tt.file]); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

// TestLegacyMatchNested holds that a legacy file is matched by its first
// pickle returning the magic number, not by the number appearing: a
// plain pickle that nests a legacy file in a bytes literal (what
// pickle.dumps of a module with tensors writes, through
// torch.storage._load_from_bytes) is a plain pickle, scanned as one.
func TestLegacyMatchNested(t *testing.T) {
	legacy, err := os.ReadFile(filepath.Join("testdata", "streams", "legacy_state_dict.pt"))
	if err != nil {
		t.Fatal(err)
	}
	n := len(legacy)
	nested := append([]byte{0x80, 0x04, 'B', byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)}, legacy...)
	nested = append(nested, '.')
	payload := append([]byte("cos\nsystem\n(Vtrue\ntR0"), legacy...) // a first pickle that runs something, then returns the number
	tests := []struct {
		name   string
		data   []byte
		format string
	}{
		{"legacy", legacy, "torch-legacy"},
		{"nested_in_bytes", nested, "pickle"},
		{"payload_then_magic", payload, "torch-legacy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := tt.data[:min(len(tt.data), scan.HeadSize)]
			if got := (torchLegacy{}).Match(&scan.Input{Head: head}); got != (tt.format == "torch-legacy") {
				t.Errorf("Match = %v, want %v", got, !got)
			}
			res := scanStreamBytes(tt.data, false)
			if res.Format != tt.format {
				t.Errorf("format %s, want %s", res.Format, tt.format)
			}
			if tt.format == "pickle" {
				for _, f := range res.Findings {
					if f.Severity >= finding.Medium {
						t.Errorf("%s %s: %s", f.Rule, f.Severity, f.Message)
					}
				}
			}
		})
	}
}
