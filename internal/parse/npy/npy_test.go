package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"reflect"
)

// npyFile builds a .npy prefix of the given version around header text.
func npyFile(major byte, header string) []byte {
	b := []byte(Magic)
	b = append(b, major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	}
	return append(b, header...)
}

func TestReadHeader(t *testing.T) {
	tests := []struct {
		name    string
		major   byte
		header  string
		want    Header
		wantErr bool
	}{
		{"float", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }   \n",
			Header{Descr: `"<f4"`, Shape: []int64{2, 3}, ItemSize: 4}, false},
		{"object", 1, "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }\n",
			Header{Descr: `"|O"`, Object: true, Shape: []int64{3}}, false},
		{"object_escaped", 1, `{'descr': '|\x4f', 'fortran_order': False, 'shape': (3,), }`,
			Header{Descr: `"|O"`, Object: true, Shape: []int64{3}}, false},
		{"object_name", 2, `{"descr": "object", "fortran_order": True, "shape": ()}`,
			Header{Descr: `"object"`, Object: true, FortranOrder: true, Shape: []int64{}}, false},
		{"structured_object", 1, "{'descr': [('a', '<i4'), ('b', [('c', '|O')])], 'fortran_order': False, 'shape': (2,), }",
			Header{Descr: `[("a", "<i4"), ("b", [("c", "|O")])]`, Object: true, Shape: []int64{2}}, false},
		{"subarray_object", 1, "{'descr': [('a', '|O', (2,))], 'fortran_order': False, 'shape': (1,)}",
			Header{Descr: `[("a", "|O", (2,))]`, Object: true, Shape: []int64{1}}, false},
		{"comma_spec", 1, "{'descr': 'i4, (2,)O', 'fortran_order': False, 'shape': (1,)}",
			Header{Descr: `"i4, (2,)O"`, Object: true, Shape: []int64{1}}, false},
		{"datetime", 1, "{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (1,)}",
			Header{Descr: `"<M8[ns]"`, Shape: []int64{1}, ItemSize: 8}, false},
		{"unknown_type", 1, "{'descr': 'zz9', 'fortran_order': False, 'shape': (1,)}",
			Header{Descr: `"zz9"`, Unknown: true, Shape: []int64{1}}, false},
		{"python2_long", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3L, 4L), }",
			Header{Descr: `"<i8"`, Shape: []int64{3, 4}, ItemSize: 8}, false},
		{"v3_utf8", 3, "{'descr': [('\u00e9t\u00e9', '<f8')], 'fortran_order': False, 'shape': (2,), }",
			Header{Descr: `[("été", "<f8")]`, Shape: []int64{2}}, false},
		{"unicode", 1, "{'descr': '<U3', 'fortran_order': False, 'shape': (2,)}",
			Header{Descr: `"<U3"`, Shape: []int64{2}, ItemSize: 12}, false},
		{"missing_key", 1, "{'descr': '<f4', 'shape': (2,)}", Header{}, true},
		{"extra_key", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", Header{}, true},
		{"not_dict", 1, "['descr']", Header{}, true},
		{"negative_dim", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", Header{}, true},
		{"call", 1, "{'descr': __import__('os'), 'fortran_order': False, 'shape': ()}", Header{}, true},
		{"unterminated", 1, "{'descr': '<f4", Header{}, true},
		{"deep", 1, strings.Repeat("[", 100) + strings.Repeat("]", 100), Header{}, true},
		{"missing_comma", 1, "{'descr': '<f4' 'fortran_order': False, 'shape': ()}", Header{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := npyFile(tt.major, tt.header)
			h, err := ReadHeader(bytes.NewReader(b), DefaultOptions())
			if tt.wantErr {
				if err == nil {
					t.Fatalf("accepted: %+v", h)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Major, tt.want.DataOffset = tt.major, int64(len(b))
			if !reflect.DeepEqual(&tt.want, h) {
				t.Errorf("header\n got %+v\nwant %+v", h, &tt.want)
			}
		})
	}
}

func TestReadHeaderErrors(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"not_npy", []byte("PK\x03\x04 hello"), ErrNotNpy},
		{"short", []byte("\x93NUM"), ErrNotNpy},
		{"big_header", append([]byte(Magic+"\x02\x00"), 0xff, 0xff, 0xff, 0x7f), ErrHeaderSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ReadHeader(bytes.NewReader(tt.b), DefaultOptions()); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	for _, b := range [][]byte{[]byte(Magic + "\x04\x00\x10\x00"), []byte(Magic + "\x01\x00\x10\x00{}"), []byte(Magic)} {
		if _, err := ReadHeader(bytes.NewReader(b), DefaultOptions()); err == nil || errors.Is(err, ErrNotNpy) {
			t.Errorf("%q: err = %v, want a header error", b, err)
		}
	}
}

// TestFixtures reads the headers numpy wrote.
func TestFixtures(t *testing.T) {
	want := map[string]bool{ // file: object
		"npy_f4.npy": false, "npy_v2.npy": false, "npy_v3.npy": false, "npy_fortran.npy": false,
		"npy_object.npy": true, "npy_struct_object.npy": true, "mal_npy_object.npy": true,
	}
	for name, object := range want {
		t.Run(strings.TrimSuffix(name, ".npy"), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("../../../scan/formats/testdata/zip", name))
			if err != nil {
				t.Fatal(err)
			}
			h, err := ReadHeader(bytes.NewReader(b), DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			if h.Object != object || h.Unknown || h.DataOffset%64 != 0 {
				t.Errorf("object %v unknown %v data at %d, want object %v, known, aligned", h.Object, h.Unknown, h.DataOffset, object)
			}
		})
	}
}

func FuzzReadHeader(f *testing.F) {
	paths, _ := filepath.Glob("../../../scan/formats/testdata/zip/*.npy")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(npyFile(1, "{'descr': [('a', '|O', (2,))], 'fortran_order': False, 'shape': (1L,)}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ReadHeader(bytes.NewReader(b), Options{MaxHeaderBytes: 4096})
		if err == nil && h.DataOffset > int64(len(b)) {
			t.Fatalf("data offset %d past the input of %d bytes", h.DataOffset, len(b))
		}
	})
}
