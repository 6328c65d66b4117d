package torchlegacy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/internal/parse/pickle"
)

func TestElementSize(t *testing.T) {
	tests := []struct {
		typ  string
		want int64
		ok   bool
	}{
		{"torch.FloatStorage", 4, true},
		{"torch.DoubleStorage", 8, true},
		{"torch.HalfStorage", 2, true},
		{"torch.BFloat16Storage", 2, true},
		{"torch.LongStorage", 8, true},
		{"torch.BoolStorage", 1, true},
		{"torch.ComplexDoubleStorage", 16, true},
		{"torch.cuda.FloatStorage", 4, true},
		{"os.FloatStorage", 0, false},
		{"torch.EvilStorage", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			if got, ok := ElementSize(tt.typ); ok != tt.ok || ok && got != tt.want {
				t.Errorf("ElementSize = %d %v, want %d %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// readOne reads the first pickle of data as the legacy format does, with
// the items of long lists kept.
func readOne(data []byte) *pickle.Result {
	opts := pickle.DefaultOptions()
	opts.MaxReturnedItems = 1 << 20
	return pickle.ReadOne(bytes.NewReader(data), opts)
}

// keysOf is StorageKeys of the pickle in data, or the reader's error.
func keysOf(data []byte) ([]string, error) {
	res := readOne(data)
	if res.Err != nil {
		return nil, res.Err
	}
	return StorageKeys(res)
}

func TestStorageKeys(t *testing.T) {
	many := make([]string, 1200)
	var b strings.Builder
	b.WriteString("\x80\x02]q\x00(") // PROTO EMPTY_LIST BINPUT MARK
	for i := range many {
		many[i] = strconv.Itoa(i)
		fmt.Fprintf(&b, "X%s%s", binary.LittleEndian.AppendUint32(nil, uint32(len(many[i]))), many[i]) // BINUNICODE
		if i%1000 == 999 {
			b.WriteString("e(") // APPENDS MARK, as the pickler batches
		}
	}
	b.WriteString("e.") // APPENDS STOP
	tests := []struct {
		name    string
		pickle  string
		want    []string
		wantErr bool
	}{
		{"protocol2", "\x80\x02]q\x00(X\x01\x00\x00\x000q\x01X\x01\x00\x00\x001q\x02X\x02\x00\x00\x0094q\x03e.", // PROTO EMPTY_LIST BINPUT MARK BINUNICODE BINPUT ... APPENDS STOP
			[]string{"0", "1", "94"}, false},
		{"protocol4", "\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x010\x94\x8c\x011\x94e.", // PROTO FRAME EMPTY_LIST MEMOIZE MARK SHORT_BINUNICODE MEMOIZE ... APPENDS STOP
			[]string{"0", "1"}, false},
		{"protocol0", "(lp0\nV0\np1\naV1\np2\na.", // MARK LIST PUT UNICODE PUT APPEND ... STOP
			[]string{"0", "1"}, false},
		{"memo_get", "\x80\x02]q\x00(X\x01\x00\x00\x000q\x01h\x01e.", // ... BINGET 1 APPENDS STOP
			[]string{"0", "0"}, false},
		{"py2_bytes", "\x80\x02]q\x00(U\x010C\x011e.", // PROTO EMPTY_LIST BINPUT MARK SHORT_BINSTRING SHORT_BINBYTES APPENDS STOP
			[]string{"0", "1"}, false},
		{"many", b.String(), many, false},
		{"empty", "\x80\x02]q\x00.", []string{}, false},
		{"call", "\x80\x02cos\nsystem\nq\x00.", nil, true},
		{"truncated", "\x80\x02]q\x00(X\x09\x00\x00\x000", nil, true},
		{"huge_length", "\x80\x02](X\xff\xff\xff\xff0e.", nil, true},
		{"not_list", "\x80\x02X\x01\x00\x00\x000.", nil, true},
		{"no_stop", "\x80\x02]", nil, true},
		{"int_item", "\x80\x02](X\x01\x00\x00\x000K\x01e.", nil, true},                                         // PROTO EMPTY_LIST MARK BINUNICODE BININT1 APPENDS STOP
		{"tuple", "\x80\x02X\x01\x00\x00\x000\x85.", nil, true},                                                // PROTO BINUNICODE TUPLE1 STOP
		{"list_of_call", "\x80\x02]cbuiltins\nstr\n)Ra.", nil, true},                                           // PROTO EMPTY_LIST GLOBAL EMPTY_TUPLE REDUCE APPEND STOP
		{"payload_first", "\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R0]X\x01\x00\x00\x000a.", nil, true}, // PROTO GLOBAL BINUNICODE TUPLE1 REDUCE POP EMPTY_LIST BINUNICODE APPEND STOP
		{"list_call_result", "\x80\x02cbuiltins\nlist\n)R.", nil, true},                                        // PROTO GLOBAL EMPTY_TUPLE REDUCE STOP
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := keysOf([]byte(tt.pickle))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("keys = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestStorageKeysNotKept checks that a list longer than the items the
// reader keeps is no list of keys, rather than its first items.
func TestStorageKeysNotKept(t *testing.T) {
	data := "\x80\x02](" + strings.Repeat("\x8c\x010", 40) + "e." // PROTO EMPTY_LIST MARK SHORT_BINUNICODE*40 APPENDS STOP
	res := pickle.ReadOne(strings.NewReader(data), pickle.DefaultOptions())
	if keys, err := StorageKeys(res); err == nil {
		t.Errorf("keys %q from a list of 40 with 32 kept", keys)
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		name    string
		pickle  string
		want    int64
		wantErr bool
	}{
		{"binint1", "\x80\x02K\x03.", 3, false},                // PROTO BININT1 STOP
		{"binint2", "\x80\x02M\x00\x01.", 256, false},          // PROTO BININT2 STOP
		{"binint", "\x80\x02J\x00\x00\x01\x00.", 65536, false}, // PROTO BININT STOP
		{"text", "I12\n.", 12, false},                          // INT STOP
		{"text_bool", "I01\n.", 1, false},                      // INT STOP: True, which range() takes as 1
		{"long", "L7L\n.", 7, false},                           // LONG STOP
		{"str", "\x80\x02X\x01\x00\x00\x003.", 0, true},        // PROTO BINUNICODE STOP
		{"call", "\x80\x02cos\nsystem\n.", 0, true},
		{"none", "N.", 0, true},
		{"payload_first", "\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R0K\x02.", 0, true}, // PROTO GLOBAL BINUNICODE TUPLE1 REDUCE POP BININT1 STOP
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readOne([]byte(tt.pickle))
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			got, err := Count(res, []byte(tt.pickle))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Count = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestMagicHead(t *testing.T) {
	real, err := os.ReadFile(filepath.Join("../../../scan/formats/testdata", "streams", "legacy_state_dict.pt"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"torch", string(real[:min(len(real), 512)]), true},
		{"protocol0", "L119547037146038801333356L\n.", true},
		{"protocol4", "\x80\x04\x95\r\x00\x00\x00\x00\x00\x00\x00\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19.", true},
		{"other_long", "\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x18.", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MagicHead([]byte(tt.head)); got != tt.want {
				t.Errorf("MagicHead = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMagicEnds(t *testing.T) {
	long1 := "\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19."
	tests := []struct {
		name string
		b    string
		want []int
	}{
		{"protocol2", "\x80\x02" + long1, []int{2 + len(long1)}},
		{"protocol0_both_forms", "L119547037146038801333356\n.L119547037146038801333356L\n.", []int{27, 55}},
		{"twice", long1 + "xx" + long1, []int{len(long1), 2*len(long1) + 2}},
		{"none", "\x80\x02K\x01.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MagicEnds([]byte(tt.b)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("MagicEnds = %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzLegacyPickles reads data as the five pickles of a legacy file,
// each where the previous one ends, and interprets the values they
// return and the persistent ids whose results are called.
func FuzzLegacyPickles(f *testing.F) {
	for _, name := range []string{"legacy_state_dict.pt", "legacy_model.pt", "evil_legacy_pickle4.pt", "evil_legacy_bad_count.pt"} {
		if b, err := os.ReadFile(filepath.Join("../../../scan/formats/testdata/streams", name)); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte("\x80\x02]q\x00(X\x01\x00\x00\x000q\x01X\x01\x00\x00\x001q\x02e."))
	f.Add([]byte("(lp0\nV0\np1\naV1\np2\na."))
	f.Add([]byte("\x80\x02K\x03."))
	f.Fuzz(func(t *testing.T, data []byte) {
		for off := int64(0); off < int64(len(data)); {
			res := readOne(data[off:])
			if res.Err != nil || res.Limit != nil || res.Pickles != 1 || res.End <= 0 {
				return
			}
			off += res.End
			if keys, err := StorageKeys(res); err == nil && int64(len(keys)) > res.End {
				t.Errorf("%d keys from %d bytes", len(keys), res.End)
			}
			if n, err := Count(res, data[off-res.End:off]); err == nil && res.Returned.Value.Int != n {
				t.Errorf("count %d of %+v", n, res.Returned.Value)
			}
			for _, c := range res.Calls {
				if g, ok := ModuleClass(c.PersistentID); ok && (g.Module == "" || g.Name == "" || c.PersistentID[1].Global.String() != g.String()) {
					t.Errorf("class %+v from %+v", g, c.PersistentID)
				}
			}
		}
	})
}

func TestModuleClass(t *testing.T) {
	str := func(s string) pickle.ArgFact { return pickle.ArgFact{Kind: pickle.ArgStr, Str: s} }
	global := func(m, n string) pickle.ArgFact {
		return pickle.ArgFact{Kind: pickle.ArgGlobal, Global: pickle.Global{Module: m, Name: n}}
	}
	tests := []struct {
		name          string
		id            []pickle.ArgFact
		module, class string
		ok            bool
	}{
		{"sequential", []pickle.ArgFact{str("module"), global("torch.nn.modules.container", "Sequential"), str("/usr/lib/container.py"), {}}, "torch.nn.modules.container", "Sequential", true},
		{"storage", []pickle.ArgFact{str("storage"), global("torch", "FloatStorage"), str("0"), str("cpu"), {Kind: pickle.ArgInt, Int: 6}, {}}, "", "", false},
		{"no_dot", []pickle.ArgFact{str("module"), global("", "Net"), str("a.py"), str("src")}, "", "", false},
		{"py2_bytes", []pickle.ArgFact{{Kind: pickle.ArgBytes, Str: "module"}, global("__main__", "Net"), {Kind: pickle.ArgBytes, Str: "net.py"}}, "__main__", "Net", true},
		{"dotted_name", []pickle.ArgFact{str("module"), global("torch", "nn.Linear")}, "torch.nn", "Linear", true},
		{"int_tag", []pickle.ArgFact{{Kind: pickle.ArgInt, Int: 1}, global("a", "B")}, "", "", false},
		{"not_global", []pickle.ArgFact{str("module"), {Kind: pickle.ArgInstance, Global: pickle.Global{Module: "a", Name: "B"}}}, "", "", false},
		{"one_item", []pickle.ArgFact{str("module")}, "", "", false},
		{"none", nil, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, ok := ModuleClass(tt.id)
			if g.Module != tt.module || g.Name != tt.class || ok != tt.ok {
				t.Errorf("ModuleClass = %+v %v, want %q %q %v", g, ok, tt.module, tt.class, tt.ok)
			}
		})
	}
}

// TestModuleClassRead checks the facts the reader hands over for a call
// of what persistent_load returns: the class of a 'module' id is found,
// whatever the protocol.
func TestModuleClassRead(t *testing.T) {
	tests := []struct{ name, data string }{
		// PROTO MARK BINUNICODE GLOBAL BINUNICODE BINUNICODE TUPLE BINPERSID EMPTY_TUPLE REDUCE STOP
		{"protocol2", "\x80\x02(X\x06\x00\x00\x00modulectorch.nn\nLinear\nX\x01\x00\x00\x00aX\x01\x00\x00\x00btQ)R."},
		// PROTO SHORT_BINSTRING GLOBAL TUPLE2 BINPERSID EMPTY_DICT BUILD STOP
		{"py2_build", "\x80\x02U\x06modulectorch.nn\nLinear\n\x86Q}b."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readOne([]byte(tt.data))
			if res.Err != nil || len(res.Calls) != 1 {
				t.Fatalf("err %v calls %+v", res.Err, res.Calls)
			}
			if g, ok := ModuleClass(res.Calls[0].PersistentID); !ok || g != (pickle.Global{Module: "torch.nn", Name: "Linear"}) {
				t.Errorf("ModuleClass = %+v %v from %+v", g, ok, res.Calls[0].PersistentID)
			}
		})
	}
}
