package zipread

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func open(t *testing.T, b []byte) *Archive {
	t.Helper()
	a, err := Open(bytes.NewReader(b), int64(len(b)), DefaultOptions())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return a
}

func content(a *Archive, m *Member) ([]byte, error) {
	raw, err := a.Raw(m)
	if err != nil {
		return nil, err
	}
	rc, err := Decompress(m, raw)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func TestOpenQuirks(t *testing.T) {
	pk := []byte("\x80\x02}q\x00.") // PROTO 2, EMPTY_DICT, BINPUT, STOP
	two := []entry{
		{name: "a/data.pkl", body: pk},
		{name: "a/data/0", body: bytes.Repeat([]byte{1}, 100), method: Deflated},
	}
	tests := []struct {
		name    string
		es      []entry
		l       layout
		shift   int64
		zip64   bool
		dirErr  bool
		flags   uint16
		wantErr error
	}{
		{name: "plain", es: two, l: layout{count: -1}},
		{name: "prepended", es: two, l: layout{prefix: []byte("#!/bin/sh\nexit 0\n"), count: -1}, shift: 17},
		{name: "zip64", es: two, l: layout{zip64: true, count: -1}, zip64: true},
		{name: "zip64_prepended", es: two, l: layout{zip64: true, count: -1, prefix: []byte("junk")}, shift: 4, zip64: true},
		{name: "comment", es: two, l: layout{comment: []byte("PK\x05\x06 fake end in a comment"), count: -1}},
		{name: "wrong_count", es: two, l: layout{count: 1}},
		{name: "count_too_high", es: two, l: layout{count: 5}, dirErr: true},
		{name: "dir_garbage", es: two, l: layout{count: -1, dirBreak: true}},
		{name: "local_name_differs", es: []entry{{name: "a/data.pkl", localName: "zzzzzzzzzzzzzzzz", body: pk}}, l: layout{count: -1}},
		{name: "local_extra", es: []entry{{name: "a/data.pkl", body: pk, localExt: make([]byte, 40)}}, l: layout{count: -1}},
		{name: "encrypted_flag", es: []entry{{name: "a/data.pkl", body: pk, flags: FlagEncrypted}}, l: layout{count: -1}, flags: FlagEncrypted},
		{name: "odd_flags", es: []entry{{name: "a/data.pkl", body: pk, flags: 0x20 | 0x8 | 0x800}}, l: layout{count: -1}, flags: 0x828},
		{name: "empty", l: layout{count: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := open(t, buildZip(tt.es, tt.l))
			if a.End.Shift != tt.shift || a.End.Zip64 != tt.zip64 || (a.DirErr != nil) != tt.dirErr {
				t.Fatalf("shift %d zip64 %v dirErr %v, want %d %v %v", a.End.Shift, a.End.Zip64, a.DirErr, tt.shift, tt.zip64, tt.dirErr)
			}
			if len(a.Members) != len(tt.es) {
				t.Fatalf("%d members, want %d", len(a.Members), len(tt.es))
			}
			for i, e := range tt.es {
				m := &a.Members[i]
				if m.Name != e.name || m.Flags != e.flags {
					t.Errorf("member %d: name %q flags %#x, want %q %#x", i, m.Name, m.Flags, e.name, e.flags)
				}
				got, err := content(a, m)
				if err != nil || !bytes.Equal(got, e.body) {
					t.Errorf("member %q: content %q err %v, want %q", m.Name, got, err, e.body)
				}
			}
		})
	}
}

func TestOpenNotZip(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":        nil,
		"short":        []byte("PK\x05\x06"),
		"text":         []byte(strings.Repeat("hello world\n", 100)),
		"end_only_bad": append([]byte("PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00"), make([]byte, 10)...),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Open(bytes.NewReader(b), int64(len(b)), DefaultOptions()); !errors.Is(err, ErrNotZip) {
				t.Errorf("err = %v, want ErrNotZip", err)
			}
		})
	}
}

func TestMemberErrors(t *testing.T) {
	pk := []byte("\x80\x02N.") // PROTO 2, NONE, STOP
	t.Run("unknown_method", func(t *testing.T) {
		b := buildZip([]entry{{name: "x", body: pk, method: 14}}, layout{count: -1})
		a := open(t, b)
		if _, err := content(a, &a.Members[0]); !errors.Is(err, ErrMethod) {
			t.Errorf("err = %v, want ErrMethod", err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		b := buildZip([]entry{{name: "x", body: bytes.Repeat([]byte("a"), 1000)}}, layout{count: -1})
		a := open(t, b)
		a.Members[0].CompressedSize, a.Members[0].Size = 1<<40, 1<<40
		if _, err := a.Raw(&a.Members[0]); !errors.Is(err, ErrTruncated) {
			t.Errorf("err = %v, want ErrTruncated", err)
		}
	})
	t.Run("bad_local_header", func(t *testing.T) {
		b := buildZip([]entry{{name: "x", body: pk}}, layout{count: -1})
		b[0] = 'X'
		a := open(t, b)
		if _, err := a.Raw(&a.Members[0]); err == nil {
			t.Error("bad local signature accepted")
		}
	})
	t.Run("max_members", func(t *testing.T) {
		b := buildZip([]entry{{name: "x", body: pk}, {name: "y", body: pk}, {name: "z", body: pk}}, layout{count: -1})
		a, err := Open(bytes.NewReader(b), int64(len(b)), Options{MaxMembers: 2})
		if err != nil || len(a.Members) != 2 || !a.More {
			t.Errorf("members %d more %v err %v, want 2 true nil", len(a.Members), a.More, err)
		}
	})
	t.Run("zip64_extra_missing", func(t *testing.T) {
		b := buildZip([]entry{{name: "x", body: pk}}, layout{zip64: true, count: -1})
		i := bytes.Index(b, []byte(sigDir))
		copy(b[i+46+1:], []byte{0x7f}) // extra id 1 becomes 0x7f01
		a := open(t, b)
		if a.Members[0].Err == nil {
			t.Error("missing zip64 extra accepted")
		}
	})
}

// TestFixtures checks the reader against archive/zip on the generated
// fixtures that archive/zip reads, and that the others open at all.
func TestFixtures(t *testing.T) {
	paths, _ := filepath.Glob("../../../scan/formats/testdata/zip/*")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(sigEnd)) {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)), func(t *testing.T) {
			a := open(t, b)
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				return // a quirk archive/zip refuses
			}
			if len(zr.File) != len(a.Members) {
				t.Fatalf("%d members, archive/zip %d", len(a.Members), len(zr.File))
			}
			for i, f := range zr.File {
				m := &a.Members[i]
				if m.Name != f.Name {
					t.Errorf("member %d: %q, archive/zip %q", i, m.Name, f.Name)
				}
				if m.Method == 14 || m.Encrypted() {
					continue
				}
				want, err := readZipFile(f)
				if err != nil {
					continue
				}
				got, err := content(a, m)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("member %q: content differs from archive/zip (err %v)", m.Name, err)
				}
			}
		})
	}
}

func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// TestFindEndLongComment checks that an end record behind a comment longer
// than the first read of the tail is still found, and found by the same
// candidate as a single read of the whole window would.
func TestFindEndLongComment(t *testing.T) {
	for _, n := range []int{0, firstTail - endLen, firstTail, 40_000, maxComment} {
		comment := bytes.Repeat([]byte("c"), n)
		if n > 100 {
			// A false end signature inside the comment, nearer the end.
			copy(comment[n-60:], sigEnd)
		}
		b := buildZip([]entry{{name: "a.pkl", body: []byte("x")}}, layout{count: -1, comment: comment})
		a, err := Open(bytes.NewReader(b), int64(len(b)), DefaultOptions())
		if err != nil {
			t.Fatalf("comment %d: %v", n, err)
		}
		if len(a.Members) != 1 || a.Members[0].Name != "a.pkl" {
			t.Errorf("comment %d: members %+v", n, a.Members)
		}
	}
}

func TestCheckMethod(t *testing.T) {
	tests := []struct {
		name   string
		method uint16
		ok     bool
	}{
		{"stored", Stored, true},
		{"deflated", Deflated, true},
		{"bzip2", Bzip2, true},
		{"lzma", 14, false},
		{"zstd", 93, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckMethod(&Member{Name: "m", Method: tt.method})
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrMethod)) {
				t.Errorf("method %d: %v", tt.method, err)
			}
		})
	}
}
