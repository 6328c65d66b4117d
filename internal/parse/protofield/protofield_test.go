package protofield

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var errBad = errors.New("malformed")

func TestWalk(t *testing.T) {
	tests := []struct {
		name    string
		msg     string
		want    []Field
		wantErr bool
	}{
		{"varint", "\x08\x96\x01", // field 1 varint 150
			[]Field{{Num: 1, Typ: 0, N: 150, Off: 100}}, false},
		{"bytes", "\x12\x03abc\x18\x07", // field 2 bytes "abc", field 3 varint 7
			[]Field{{Num: 2, Typ: 2, Bytes: []byte("abc"), Off: 100, Val: 102}, {Num: 3, Typ: 0, N: 7, Off: 105}}, false},
		{"fixed", "\x25\x01\x00\x00\x00\x29\x02\x00\x00\x00\x00\x00\x00\x00", // field 4 fixed32 1, field 5 fixed64 2
			[]Field{{Num: 4, Typ: 5, N: 1, Off: 100}, {Num: 5, Typ: 1, N: 2, Off: 105}}, false},
		{"group", "\x0b\x0c", nil, true},       // field 1 start group, end group
		{"bytes_cut", "\x12\x05ab", nil, true}, // field 2 bytes of 5, 2 present
		{"bad_tag", "\x80", nil, true},
		{"zero_field", "\x00\x01", nil, true},
		{"empty", "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Field
			err := Walk([]byte(tt.msg), 100, errBad, func(f Field) error {
				got = append(got, f)
				return nil
			})
			if (err != nil) != tt.wantErr || err != nil && !errors.Is(err, errBad) {
				t.Fatalf("err = %v, want error %v wrapping %v", err, tt.wantErr, errBad)
			}
			if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWalkStopsAtError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := Walk([]byte("\x08\x01\x08\x02"), 0, errBad, func(Field) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("err %v after %d calls, want stop after 1", err, calls)
	}
}

func FuzzWalk(f *testing.F) {
	f.Add([]byte("\x08\x96\x01\x12\x03abc"))
	f.Add([]byte("\x25\x01\x00\x00\x00\x29\x02\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		o := Order{Message: "M"}
		_ = Walk(b, 0, errBad, func(fd Field) error {
			if irr := o.Note(fd, fd.Num%2 == 0); irr != nil && irr.Off != fd.Off {
				t.Fatalf("irregular at %d for the field at %d", irr.Off, fd.Off)
			}
			if fd.Off < 0 || fd.Off >= len(b) || fd.Bytes != nil && (fd.Val < fd.Off || fd.Val+len(fd.Bytes) > len(b)) {
				t.Fatalf("field %+v out of the %d bytes", fd, len(b))
			}
			return nil
		})
	})
}

// TestOrder checks the departures from protoc's layout that Order names:
// a field after one of a higher number, a singular field given again;
// repeated fields and ascending order are protoc's own.
func TestOrder(t *testing.T) {
	tests := []struct {
		name     string
		msg      string
		singular map[int]bool
		want     []Irregular
	}{
		{"ascending", "\x08\x01\x12\x00\x12\x00\x18\x02", // 1 varint, 2 bytes twice (repeated), 3 varint
			nil, nil},
		{"out_of_order", "\x3a\x00\x08\x08", // field 7 bytes, then field 1 varint
			nil, []Irregular{{Off: 2, What: "M field 1 after field 7 at offset 2 (protoc writes fields in ascending order)"}}},
		{"split_singular", "\x3a\x00\x3a\x00", // field 7 twice, singular
			map[int]bool{7: true}, []Irregular{{Off: 2, What: "M field 7 given again at offset 2 (split in parts, merged by the parser)", Split: true}}},
		{"repeated_ok", "\x3a\x00\x3a\x00", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Order{Message: "M"}
			var got []Irregular
			err := Walk([]byte(tt.msg), 0, errBad, func(f Field) error {
				if irr := o.Note(f, tt.singular[int(f.Num)]); irr != nil {
					got = append(got, *irr)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("irregular (-want +got):\n%s", diff)
			}
		})
	}
}
