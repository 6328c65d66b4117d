package flatbuf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func buf(b []byte) Buf { return New(bytes.NewReader(b), int64(len(b))) }

// TestHostileOffsets: offsets that point outside the buffer, vtables of
// odd sizes and vectors longer than the bytes left are errors.
func TestHostileOffsets(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"root_past_end", []byte("\xff\x00\x00\x00TFL3")},
		{"vtable_before_start", []byte("\x08\x00\x00\x00TFL3\x10\x00\x00\x00")},
		{"vtable_odd", []byte("\x08\x00\x00\x00TFL3\xfc\xff\xff\xff\x05\x00\x00\x00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := buf(tt.b).Root(); !errors.Is(err, ErrFormat) {
				t.Errorf("error %v", err)
			}
		})
	}
	// A table with one vector field whose length is far past the end.
	b := []byte{
		16, 0, 0, 0, 'T', 'E', 'S', 'T', // root table at 16
		6, 0, 8, 0, 4, 0, // vtable at 8: 6 bytes, table 8 bytes, field 0 at +4
		0, 0,
		8, 0, 0, 0, // soffset: vtable at 16-8 = 8
		4, 0, 0, 0, // field 0 at 20: vector at 20+4 = 24
		0xff, 0xff, 0xff, 0x0f, // length
	}
	root, err := buf(b).Root()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := root.Vector(0, 4); !errors.Is(err, ErrFormat) {
		t.Errorf("long vector: %v", err)
	}
	if _, err := root.String(0); !errors.Is(err, ErrFormat) {
		t.Errorf("long string: %v", err)
	}
}

// FuzzWalk reads every field of every table reachable from the root as
// each kind, seeded with the fixtures: nothing may panic.
func FuzzWalk(f *testing.F) {
	paths, _ := filepath.Glob("../../../scan/formats/testdata/flatbuffers/*.*")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && filepath.Ext(p) != ".py" {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		root, err := buf(b).Root()
		if err != nil {
			return
		}
		walk(root, 0)
	})
}

func walk(t Table, depth int) {
	if depth > 4 {
		return
	}
	for i := 0; i < 8; i++ {
		t.Int32(i, 0)
		t.Int8(i, 0)
		t.String(i)
		t.Int64s(i, 16)
		tables, _, _ := t.Tables(i, 16)
		for _, c := range tables {
			walk(c, depth+1)
		}
	}
}
