package pickle

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// bigPrefix returns a protocol 2 joblib dump preceded, in the same
// pickle, by a list of n strings of 1 KiB that is popped: a large pickle
// before the first array.
func bigPrefix(t testing.TB, n int) []byte {
	dump, err := os.ReadFile(filepath.Join("testdata", "joblib", "payload_after_arrays_p2.joblib"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("\x80\x02](") // PROTO 2, EMPTY_LIST, MARK
	item := strings.Repeat("a", 1024)
	for range n {
		b.WriteByte('X') // BINUNICODE
		binary.Write(&b, binary.LittleEndian, uint32(len(item)))
		b.WriteString(item)
	}
	b.WriteString("e0") // APPENDS, POP
	b.Write(dump[2:])
	return b.Bytes()
}

// onlyReader hides the Seek of a reader (a decompressed stream).
type onlyReader struct{ io.Reader }

// countedAt returns an open function over data that counts the bytes the
// readers it returns deliver, and remembers the lowest offset opened.
func countedAt(data []byte, seekable bool, read *int64, lowest *int64) func(int64) (io.Reader, error) {
	return func(off int64) (io.Reader, error) {
		*lowest = min(*lowest, off)
		r := io.NewSectionReader(bytes.NewReader(data), off, int64(len(data))-off)
		if seekable {
			return &countingSeeker{r: r, n: read}, nil
		}
		return onlyReader{&countingSeeker{r: r, n: read}}, nil
	}
}

type countingSeeker struct {
	r *io.SectionReader
	n *int64
}

func (c *countingSeeker) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

func (c *countingSeeker) Seek(off int64, whence int) (int64, error) { return c.r.Seek(off, whence) }

// TestForkEqualsPlainReading: the fork resumed from the parting reads
// exactly what pickle.load's reading from offset 0 reads, and taking it
// leaves joblib's reading as it was, with random access or without, with
// every byte after the parting kept or almost none.
func TestForkEqualsPlainReading(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "joblib", "*.joblib"))
	inputs := map[string][]byte{"big_prefix": bigPrefix(t, 512)}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[strings.TrimSuffix(filepath.Base(f), ".joblib")] = b
	}
	for name, data := range inputs {
		for _, seekable := range []bool{true, false} {
			for _, keep := range []int64{1, 0} {
				t.Run(strings.ReplaceAll(name, "-", "_"), func(t *testing.T) {
					checkFork(t, data, seekable, keep)
				})
			}
		}
	}
}

func checkFork(t *testing.T, data []byte, seekable bool, keep int64) {
	opts := DefaultOptions()
	opts.MaxForkBytes = keep
	reader := func() io.Reader {
		if seekable {
			return bytes.NewReader(data)
		}
		return onlyReader{bytes.NewReader(data)}
	}
	got, f := ReadFork(reader(), opts)
	opts.Joblib = true
	if want := Read(reader(), opts); !reflect.DeepEqual(got, want) {
		t.Fatalf("joblib's reading changed by the fork:\n got %+v\nwant %+v", got, want)
	}
	if f == nil {
		if len(got.JoblibData) > 0 {
			t.Fatalf("no fork, yet joblib read array data at %+v", got.JoblibData)
		}
		return
	}
	var read int64
	lowest := int64(len(data))
	plain := f.Resume(countedAt(data, seekable, &read, &lowest))
	opts.Joblib = false
	if want := Read(reader(), opts); !reflect.DeepEqual(plain, want) {
		t.Fatalf("fork differs from pickle.load's reading:\n got %+v\nwant %+v", plain, want)
	}
	if lowest < f.Offset {
		t.Errorf("fork opened the stream at %d, before the parting at %d", lowest, f.Offset)
	}
	if f.Resume(countedAt(data, seekable, &read, &lowest)) != nil {
		t.Error("a fork resumed twice")
	}
}

// TestForkReadsOnlyTheRest: a dump whose first array follows a 2 MiB
// pickle is not read twice: the second reading reads no byte before the
// parting, and from the kept bytes none at all.
func TestForkReadsOnlyTheRest(t *testing.T) {
	data := bigPrefix(t, 2048)
	for _, seekable := range []bool{true, false} {
		var r io.Reader = bytes.NewReader(data)
		if !seekable {
			r = onlyReader{r}
		}
		res, f := ReadFork(r, DefaultOptions())
		if f == nil || len(res.JoblibData) == 0 || f.Offset < 2<<20 {
			t.Fatalf("seekable %v: fork %+v, joblib data %+v", seekable, f, res.JoblibData)
		}
		var read int64
		lowest := int64(len(data))
		plain := f.Resume(countedAt(data, seekable, &read, &lowest))
		if plain == nil || read > int64(len(data))-f.Offset {
			t.Errorf("seekable %v: the second reading read %d bytes from %d, the rest after the parting at %d is %d", seekable, read, lowest, f.Offset, int64(len(data))-f.Offset)
		}
		if read != 0 {
			t.Errorf("seekable %v: the second reading read %d bytes again; the kept ones suffice", seekable, read)
		}
	}
}
