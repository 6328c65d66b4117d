package formats

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// probe is a test format: it matches content starting with "PROBE", reads
// it twice from the start (as formats that re-open do) and reports it, so
// tests see exactly what a container handed down.
type probe struct{}

func (probe) Name() string              { return "probe" }
func (probe) Match(in *scan.Input) bool { return in.HasPrefix("PROBE") }

func (probe) Scan(s *scan.Session, in *scan.Input) error {
	s.Read(in)
	var got [2][]byte
	for i := range got {
		rc, err := in.Open()
		if err != nil {
			return err
		}
		got[i], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	if !bytes.Equal(got[0], got[1]) {
		return fmt.Errorf("second read differs: %q then %q", got[0], got[1])
	}
	s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: string(got[0]), Key: fmt.Sprint(in.At != nil)})
	return nil
}

// scanFiles scans files written to a temporary tree with the default
// formats and probe, and returns the results by path.
func scanFiles(t *testing.T, files map[string][]byte, lim scan.Limits) map[string]finding.FileResult {
	t.Helper()
	tree := map[string]string{}
	for k, v := range files {
		tree[k] = string(v)
	}
	dir := writeTree(t, tree)
	opts := options()
	opts.Roots = []string{dir}
	opts.Limits = lim
	opts.Formats = append(Default(), probe{})
	rep, err := scan.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]finding.FileResult{}
	for _, f := range rep.Files {
		got[f.Path[strings.LastIndex(f.Path, "/")+1:]] = f
	}
	return got
}

// probeSummary renders a result as "format status member:rule:message ...".
func probeSummary(f finding.FileResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", f.Format, f.Status)
	for _, fd := range f.Findings {
		msg := fd.Message
		if fd.Rule != finding.RuleMalformedFormat {
			msg = ""
		}
		fmt.Fprintf(&b, " [%s:%s:%s]", fd.Member, fd.Rule, msg)
	}
	return b.String()
}

func compress(t *testing.T, codec string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	var err error
	switch codec {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "zlib":
		w = zlib.NewWriter(&buf)
	case "xz":
		w, err = xz.NewWriter(&buf)
	case "lzma":
		w, err = lzma.NewWriter(&buf)
	case "lz4":
		w = lz4.NewWriter(&buf)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bz2Probe is bz2.compress(b"PROBE bz2 content") from CPython.
const bz2Probe = "BZh91AY&SY\\{\x9ch\x00\x00\x03\x1f\x80@\x00\x10\x00\x12\x00\xd0\x00\x1a\x01\x84\x10 \x001\x00\x00" +
	"\x08\x8d\x194\xc7\xa9\xc5\x19\xbcD\"\xd1b\x18.\xe4\x8ap\xa1 \xb8\xf78\xd0"

func TestCompressed(t *testing.T) {
	probeData := []byte("PROBE hello")
	gz := compress(t, "gzip", probeData)
	files := map[string][]byte{
		"a.pkl.gz":       gz,
		"m.joblib":       compress(t, "zlib", probeData),
		"m.xz":           compress(t, "xz", probeData),
		"m.lzma":         compress(t, "lzma", probeData),
		"m.lz4":          compress(t, "lz4", probeData),
		"m.bz2":          []byte(bz2Probe),
		"twice.gz":       compress(t, "gzip", compress(t, "zlib", probeData)),
		"notes.txt.gz":   compress(t, "gzip", []byte("just text")),
		"fake.pkl.gz":    compress(t, "gzip", []byte("just text")),
		"truncated.gz":   gz[:len(gz)-6],
		"zlib_like.txt":  []byte("x^ this is text that starts like a zlib header"),
		"garbage.xz":     []byte("\xfd7zXZ\x00 not really xz at all"),
		"empty_gzip.bin": compress(t, "gzip", nil),
	}
	got := scanFiles(t, files, scan.DefaultLimits())
	tests := []struct{ file, want string }{
		{"a.pkl.gz", "gzip scanned [a.pkl:MG140:PROBE hello]"},
		{"m.joblib", "zlib scanned [<zlib>:MG140:PROBE hello]"},
		{"m.xz", "xz scanned [m:MG140:PROBE hello]"},
		{"m.lzma", "lzma scanned [m:MG140:PROBE hello]"},
		{"m.lz4", "lz4 scanned [m:MG140:PROBE hello]"},
		{"m.bz2", "bz2 scanned [m:MG140:PROBE bz2 content]"},
		{"twice.gz", "gzip scanned [twice/<zlib>:MG140:PROBE hello]"},
		{"notes.txt.gz", "none skipped"},
		{"fake.pkl.gz", "gzip partial [fake.pkl:MG007:]"},
		{"truncated.gz", "gzip partial [truncated:MG007:]"},
		{"zlib_like.txt", "none skipped"},
		{"garbage.xz", "xz not-scanned [:MG007:]"},
		{"empty_gzip.bin", "none skipped"},
	}
	for _, tt := range tests {
		t.Run(strings.NewReplacer(".", "_").Replace(tt.file), func(t *testing.T) {
			if s := probeSummary(got[tt.file]); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

func TestCompressedBounds(t *testing.T) {
	zeros := append([]byte("PROBE"), make([]byte, 8<<20)...)
	files := map[string][]byte{"bomb.gz": compress(t, "gzip", zeros)}
	tests := []struct {
		name string
		lim  func(*scan.Limits)
	}{
		{"member_size", func(l *scan.Limits) { l.MaxMemberSize = 1 << 20 }},
		{"ratio", func(l *scan.Limits) { l.MaxRatio = 100 }},
		{"file_budget", func(l *scan.Limits) { l.MaxDecompressed = 2 << 20 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := scan.DefaultLimits()
			tt.lim(&lim)
			f := scanFiles(t, files, lim)["bomb.gz"]
			if len(f.Findings) != 1 || f.Findings[0].Rule != finding.RuleInconclusive || f.Status != finding.StatusPartial {
				t.Errorf("got %s, want one inconclusive finding", probeSummary(f))
			}
		})
	}
}

func TestMemberName(t *testing.T) {
	tests := []struct {
		codec compressed
		name  string
		want  string
	}{
		{gzipStream, "dir/model.pkl.gz", "model.pkl"},
		{gzipStream, "model.TGZ", "model.tar"},
		{gzipStream, ".gz", "<gzip>"},
		{zlibStream, "model.joblib", "<zlib>"},
		{bzip2Stream, "a.tbz2", "a.tar"},
		{lzmaStream, "a.joblib.lzma", "a.joblib"},
		{xzStream, "a.txz", "a.tar"},
	}
	for _, tt := range tests {
		t.Run(string(tt.codec)+"_"+strings.NewReplacer(".", "_", "/", "_").Replace(strings.ToLower(tt.name)), func(t *testing.T) {
			if got := tt.codec.memberName(tt.name); got != tt.want {
				t.Errorf("memberName(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestLZMAAloneSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"python_default", "\x5d\x00\x00\x80\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00", true},
		{"known_size", "\x5d\x00\x00\x00\x01\x10\x00\x00\x00\x00\x00\x00\x00\x00", true},
		{"odd_dict", "\x5d\x01\x23\x45\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00", false},
		{"tiny_dict", "\x5d\x00\x01\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00", false},
		{"huge_size", "\x5d\x00\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00", false},
		{"other_props", "\x5e\x00\x00\x80\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00", false},
		{"short", "\x5d\x00\x00\x80", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lzmaAlone([]byte(tt.head)); got != tt.want {
				t.Errorf("lzmaAlone = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCompressedJoblibIsTheFile(t *testing.T) {
	dump, err := os.ReadFile("testdata/streams/evil_joblib_zlib.joblib")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"top.joblib": dump,
		"in.tar":     makeTar(t, tarEntry{"dir/x.joblib", tar.TypeReg, string(dump)}),
	}
	got := scanFiles(t, files, scan.DefaultLimits())
	tests := []struct {
		file, format, member string
		members              []string
	}{
		{"top.joblib", "joblib-zlib", "", []string{}},
		{"in.tar", "tar", "dir/x.joblib", []string{"dir/x.joblib"}},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.file, ".", "_"), func(t *testing.T) {
			f := got[tt.file]
			var system []string
			for _, fd := range f.Findings {
				if fd.Callable == "posix.system" {
					system = append(system, fd.Member)
				}
			}
			if f.Format != tt.format || !slices.Equal(system, []string{tt.member}) || !slices.Equal(f.Members, tt.members) {
				t.Errorf("format %q, posix.system in %q, members %q; want %q, %q, %q", f.Format, system, f.Members, tt.format, tt.member, tt.members)
			}
		})
	}
}
