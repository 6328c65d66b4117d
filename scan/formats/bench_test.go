package formats

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
	"github.com/ulikunitz/xz"
)

// The benchmarks below build their inputs in Go (no fixture needs Python)
// and report, besides time and allocations, the logical throughput over
// the file's whole size (b.SetBytes) and "read-B/op", the bytes actually
// read from the file: the cost of a scan should follow the pickle bytes,
// not the file size.

// binunicode appends BINUNICODE s.
func binunicode(b *bytes.Buffer, s string) {
	b.WriteByte('X')
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(s))))
	b.WriteString(s)
}

// stateDictPickle writes what torch.save pickles for a state dict of n
// float tensors of numel elements each (protocol 2, CPython's memo use
// left out): an OrderedDict of _rebuild_tensor_v2 calls on persistent
// storages keyed "0".."n-1".
func stateDictPickle(n int, numel int64) []byte {
	var b bytes.Buffer
	b.WriteString("\x80\x02ccollections\nOrderedDict\n)R") // PROTO GLOBAL EMPTY_TUPLE REDUCE
	for i := range n {
		if i%1000 == 0 {
			if i > 0 {
				b.WriteByte('u') // SETITEMS
			}
			b.WriteByte('(') // MARK
		}
		binunicode(&b, "layers."+strconv.Itoa(i)+".weight")
		b.WriteString("ctorch._utils\n_rebuild_tensor_v2\n((") // GLOBAL MARK MARK
		binunicode(&b, "storage")
		b.WriteString("ctorch\nFloatStorage\n") // GLOBAL
		binunicode(&b, strconv.Itoa(i))
		binunicode(&b, "cpu")
		b.WriteString("J" + string(binary.LittleEndian.AppendUint32(nil, uint32(numel))) + "NtQ") // BININT NONE TUPLE BINPERSID
		b.WriteString("K\x00J" + string(binary.LittleEndian.AppendUint32(nil, uint32(numel))))    // BININT1 BININT
		b.WriteString("\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR")                         // TUPLE1 BININT1 TUPLE1 NEWFALSE GLOBAL EMPTY_TUPLE REDUCE TUPLE REDUCE
	}
	if n > 0 {
		b.WriteByte('u') // SETITEMS
	}
	b.WriteByte('.') // STOP
	return b.Bytes()
}

// writeTorchZip writes a torch.save zip checkpoint of n tensors of numel
// float32 each to path, storages stored (as torch does) and zero-filled.
func writeTorchZip(tb testing.TB, path string, n int, numel int64) int64 {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := zip.NewWriter(f)
	add := func(name string, size int64, body io.Reader) {
		fw, err := w.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store,
			CompressedSize64: uint64(size), UncompressedSize64: uint64(size)})
		if err == nil {
			_, err = io.Copy(fw, body)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	pkl := stateDictPickle(n, numel)
	add("archive/data.pkl", int64(len(pkl)), bytes.NewReader(pkl))
	for i := range n {
		add("archive/data/"+strconv.Itoa(i), numel*4, io.LimitReader(zeros{}, numel*4))
	}
	add("archive/version", 2, strings.NewReader("3\n"))
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return fileSize(tb, path)
}

// writeLegacyTorch writes a legacy (non-zip) torch.save of a state dict
// of n tensors of numel float32 each: five pickles, then the storages.
func writeLegacyTorch(tb testing.TB, path string, n int, numel int64) int64 {
	tb.Helper()
	var b bytes.Buffer
	b.WriteString("\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.")   // PROTO LONG1 magic STOP
	b.WriteString("\x80\x02M\xe9\x03.")                           // PROTO BININT2 1001 STOP
	b.WriteString("\x80\x02}(X\r\x00\x00\x00little_endian\x88u.") // PROTO EMPTY_DICT MARK BINUNICODE NEWTRUE SETITEMS STOP
	b.Write(stateDictPickle(n, numel))                            // the object
	b.WriteString("\x80\x02](")                                   // PROTO EMPTY_LIST MARK
	for i := range n {
		binunicode(&b, strconv.Itoa(i))
	}
	b.WriteString("e.") // APPENDS STOP
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b.Bytes()); err != nil {
		tb.Fatal(err)
	}
	for range n {
		if _, err := f.Write(binary.LittleEndian.AppendUint64(nil, uint64(numel))); err != nil {
			tb.Fatal(err)
		}
		if _, err := io.Copy(f, io.LimitReader(zeros{}, numel*4)); err != nil {
			tb.Fatal(err)
		}
	}
	return fileSize(tb, path)
}

func fileSize(tb testing.TB, path string) int64 {
	tb.Helper()
	st, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return st.Size()
}

// writeCompressed writes data compressed with codec to path.
func writeCompressed(tb testing.TB, path, codec string, data []byte) int64 {
	tb.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	var err error
	switch codec {
	case "zlib":
		w, err = zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	case "gzip":
		w, err = gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	case "xz":
		w, err = xz.WriterConfig{DictCap: 8 << 20}.NewWriter(&buf)
	default:
		w = nopWriteCloser{&buf}
	}
	if err == nil {
		_, err = w.Write(data)
	}
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		err = os.WriteFile(path, buf.Bytes(), 0o644)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return int64(buf.Len())
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// benchFile scans the file at path b.N times through the session, as
// scanFile does, and reports the bytes read per scan.
func benchFile(b *testing.B, path, wantFormat string) {
	b.Helper()
	size := fileSize(b, path)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(size)
	b.ReportAllocs()
	var read int64
	for b.Loop() {
		res := finding.FileResult{Path: path, Members: []string{}, Findings: []finding.Finding{}}
		s := newSession(options(), &res)
		cr := &countingReaderAt{r: f}
		in, err := scan.NewSectionInput(nil, filepath.Base(path), cr, size)
		if err != nil {
			b.Fatal(err)
		}
		if got := s.Scan(in); got != wantFormat || s.Status() != finding.StatusScanned {
			b.Fatalf("format %q status %q findings %v", got, s.Status(), res.Findings)
		}
		read += cr.n
	}
	b.ReportMetric(float64(read)/float64(b.N), "read-B/op")
}

func BenchmarkTorchZipFile(b *testing.B) {
	for _, c := range []struct {
		name  string
		n     int
		numel int64
	}{
		{"4000x16KiB", 4000, 4 << 10}, // 64 MiB, a data.pkl of 400 KB
		{"200x1MiB", 200, 256 << 10},  // 200 MiB
	} {
		b.Run(c.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "model.pt")
			writeTorchZip(b, path, c.n, c.numel)
			benchFile(b, path, kindTorchZip)
		})
	}
}

func BenchmarkLegacyTorchFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "legacy.pt")
	writeLegacyTorch(b, path, 2000, 8<<10) // 64 MiB
	benchFile(b, path, "torch-legacy")
}

func BenchmarkJoblibFile(b *testing.B) {
	dir := b.TempDir()
	big := joblibDumpBytes(8, 1<<20, false)   // 64 MiB of arrays
	small := joblibDumpBytes(8, 1<<17, false) // 8 MiB, for the slow codecs
	for _, c := range []struct {
		name, codec string
		data        []byte
		format      string
	}{
		{"uncompressed_64MiB", "", big, "joblib"},
		{"zlib_64MiB", "zlib", big, "joblib-zlib"},
		{"gzip_8MiB", "gzip", small, "joblib-gzip"},
		{"xz_8MiB", "xz", small, "joblib-xz"},
	} {
		b.Run(c.name, func(b *testing.B) {
			path := filepath.Join(dir, c.name)
			writeCompressed(b, path, c.codec, c.data)
			benchFile(b, path, c.format)
			// Throughput over the decompressed bytes, what joblib.load reads.
			b.ReportMetric(float64(len(c.data))/1e6/(b.Elapsed().Seconds()/float64(b.N)), "content-MB/s")
		})
	}
}

// writeBenchTree writes a small model repository: two zip checkpoints, a
// legacy checkpoint, a joblib dump plain and compressed, n small pickles
// and n source files. It returns the total size.
func writeBenchTree(b *testing.B, dir string, n int) int64 {
	b.Helper()
	total := int64(0)
	for _, d := range []string{"models", "pickles", "src"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 2 {
		total += writeTorchZip(b, filepath.Join(dir, "models", fmt.Sprintf("checkpoint-%d.pt", i)), 1000, 8<<10)
	}
	total += writeLegacyTorch(b, filepath.Join(dir, "models", "legacy.pt"), 1000, 8<<10)
	total += writeCompressed(b, filepath.Join(dir, "models", "pipeline.joblib"), "", joblibDumpBytes(4, 1<<20, false))
	total += writeCompressed(b, filepath.Join(dir, "models", "pipeline.joblib.gz"), "gzip", joblibDumpBytes(4, 1<<16, false))
	for i := range n {
		var p bytes.Buffer
		p.WriteString("\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00}(") // PROTO FRAME(0) EMPTY_DICT MARK
		for k := range i % 50 {
			p.WriteString("\x8c\x04step" + "J" + string(binary.LittleEndian.AppendUint32(nil, uint32(k)))) // SHORT_BINUNICODE BININT
		}
		p.WriteString("\x8c\x05numpy\x8c\x06arange\x93K\x05\x85Ru.") // STACK_GLOBAL BININT1 TUPLE1 REDUCE SETITEMS STOP
		src := strings.Repeat(fmt.Sprintf("# module %d\nVALUE = %d\n\ndef f(x):\n    return x * VALUE\n", i, i), 5)
		for name, body := range map[string][]byte{
			filepath.Join("pickles", fmt.Sprintf("state-%05d.pkl", i)): p.Bytes(),
			filepath.Join("src", fmt.Sprintf("module_%05d.py", i)):     []byte(src),
		} {
			if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
				b.Fatal(err)
			}
			total += int64(len(body))
		}
	}
	return total
}

func BenchmarkScanTree(b *testing.B) {
	dir := b.TempDir()
	total := writeBenchTree(b, dir, 1000)
	for _, jobs := range []int{1, 2} {
		b.Run("jobs"+strconv.Itoa(jobs), func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				opts := options()
				opts.Roots, opts.Jobs = []string{dir}, jobs
				rep, err := scan.Scan(context.Background(), opts)
				if err != nil {
					b.Fatal(err)
				}
				if len(rep.Files) != 2005 {
					b.Fatalf("%d files", len(rep.Files))
				}
			}
			b.ReportMetric(2005/(b.Elapsed().Seconds()/float64(b.N)), "files/s")
		})
	}
}

// BenchmarkScanFixtures scans the repository's fixture tree: many small
// files of every format, the compressed joblib dumps among them.
func BenchmarkScanFixtures(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		opts := options()
		opts.Roots = []string{filepath.Join("..", "..", "testdata")}
		if _, err := scan.Scan(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
	}
}
