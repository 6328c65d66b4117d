package pickle

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReturned(t *testing.T) {
	str := func(s string) ArgFact { return ArgFact{Kind: ArgStr, Str: s} }
	tests := []struct {
		name, data string
		want       Returned
	}{
		{"int", "\x80\x02K\x03.", Returned{Value: ArgFact{Kind: ArgInt, Int: 3}}},                               // PROTO BININT1 STOP
		{"text_bool", "I01\n.", Returned{Value: ArgFact{Kind: ArgBool, Int: 1}}},                                // INT STOP
		{"str", "\x80\x04\x8c\x02id.", Returned{Value: str("id")}},                                              // PROTO SHORT_BINUNICODE STOP
		{"bytes", "\x80\x03C\x02id.", Returned{Value: ArgFact{Kind: ArgBytes, Str: "id"}}},                      // PROTO SHORT_BINBYTES STOP
		{"global", "cos\nsystem\n.", Returned{Value: ArgFact{Kind: ArgGlobal, Global: Global{"os", "system"}}}}, // GLOBAL STOP
		{"call", "cos\nsystem\n(S'id'\ntR.", Returned{}},                                                        // GLOBAL MARK STRING TUPLE REDUCE STOP
		{"list", "\x80\x02](X\x01\x00\x00\x000K\x01e.", Returned{Value: ArgFact{Kind: ArgList}, Count: 2, // PROTO EMPTY_LIST MARK BINUNICODE BININT1 APPENDS STOP
			Items: []ArgFact{str("0"), {Kind: ArgInt, Int: 1}}}},
		{"list_protocol0", "(V0\nV1\nl.", Returned{Value: ArgFact{Kind: ArgList}, Count: 2, Items: []ArgFact{str("0"), str("1")}}}, // MARK UNICODE UNICODE LIST STOP
		{"long_list", "](" + strings.Repeat("N", 40) + "e.", Returned{Value: ArgFact{Kind: ArgList}, Count: 40}},                   // EMPTY_LIST MARK NONE*40 APPENDS STOP: 32 kept
		{"last_pickle", "K\x01.K\x02.", Returned{Value: ArgFact{Kind: ArgInt, Int: 2}}},                                            // BININT1 STOP BININT1 STOP
		{"no_stop", "K\x01", Returned{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Read(strings.NewReader(tt.data), DefaultOptions())
			if !reflect.DeepEqual(r.Returned, tt.want) {
				t.Errorf("Returned = %+v, want %+v", r.Returned, tt.want)
			}
		})
	}
}

// TestReturnedItems checks that MaxReturnedItems keeps the items of long
// lists, built by APPENDS or LIST, and that a list whose items do not
// all fit has none listed.
func TestReturnedItems(t *testing.T) {
	items := strings.Repeat("K\x07", 100)
	tests := []struct {
		name, data string
		max        int
		want       int // items listed, -1 for none
	}{
		{"appends", "](" + items + "e.", 100, 100},                             // EMPTY_LIST MARK BININT1*100 APPENDS STOP
		{"appends_batches", "](" + items + "e(" + items + "e.", 200, 200},      // two batches
		{"append", "]" + strings.Repeat("K\x07a", 50) + ".", 100, 50},          // (BININT1 APPEND)*50
		{"list_opcode", "(" + items + "l.", 100, 100},                          // MARK BININT1*100 LIST STOP
		{"over", "](" + items + "e.", 50, -1},                                  // 68 past the 32 kept, 50 allowed
		{"spent_on_another", "](" + items + "e0](" + items + "e.", 100, -1},    // the first list spends the items
		{"short_after_spent", "](" + items + "e0](K\x01e.", 60, 1},             // a list of 32 or fewer needs none
		{"memo_alias", "]q\x00(" + items + "eh\x00(" + items + "e.", 200, 200}, // the memo's list is the list
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			opts.MaxReturnedItems = tt.max
			r := Read(strings.NewReader(tt.data), opts)
			if r.Err != nil || r.Returned.Value.Kind != ArgList {
				t.Fatalf("err %v returned %+v", r.Err, r.Returned.Value)
			}
			got := len(r.Returned.Items)
			if r.Returned.Items == nil {
				got = -1
			}
			if got != tt.want {
				t.Errorf("%d items listed of %d, want %d", got, r.Returned.Count, tt.want)
			}
			for _, it := range r.Returned.Items {
				if it != (ArgFact{Kind: ArgInt, Int: 7}) && it != (ArgFact{Kind: ArgInt, Int: 1}) {
					t.Fatalf("item %+v", it)
				}
			}
		})
	}
}

func TestPersistentIDFacts(t *testing.T) {
	tests := []struct {
		name, data string
		want       []ArgFact
	}{
		// PROTO MARK BINUNICODE GLOBAL BININT1 TUPLE BINPERSID EMPTY_TUPLE REDUCE STOP
		{"reduce", "\x80\x02(X\x06\x00\x00\x00modulectorch.nn\nLinear\nK\x05tQ)R.",
			[]ArgFact{{Kind: ArgStr, Str: "module"}, {Kind: ArgGlobal, Global: Global{"torch.nn", "Linear"}}, {Kind: ArgInt, Int: 5}}},
		// PROTO SHORT_BINBYTES NONE TUPLE2 BINPERSID EMPTY_DICT BUILD STOP
		{"build", "\x80\x03C\x06moduleN\x86Q}b.", []ArgFact{{Kind: ArgBytes, Str: "module"}, {}}},
		// PROTO SHORT_BINUNICODE TUPLE1 BINPERSID EMPTY_LIST MARK NONE APPENDS STOP: extend on the object
		{"method", "\x80\x04\x8c\x01x\x85Q(Ne.", []ArgFact{{Kind: ArgStr, Str: "x"}}},
		// PERSID EMPTY_TUPLE REDUCE STOP: a str id has no items
		{"str_id", "Pid\n)R.", nil},
		// GLOBAL EMPTY_TUPLE REDUCE EMPTY_TUPLE REDUCE STOP: a call result is no persistent object
		{"call_result", "cos\ngetcwd\n)R)R.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Read(strings.NewReader(tt.data), DefaultOptions())
			var unknown *Call
			for i := range r.Calls {
				if !r.Calls[i].Known {
					unknown = &r.Calls[i]
				}
			}
			if r.Err != nil || unknown == nil {
				t.Fatalf("err %v calls %+v", r.Err, r.Calls)
			}
			if !reflect.DeepEqual(unknown.PersistentID, tt.want) {
				t.Errorf("PersistentID = %+v, want %+v", unknown.PersistentID, tt.want)
			}
		})
	}
}

// FuzzReturned checks that keeping the items of long lists changes no
// fact but Returned, and that Returned lists a list whole or not at all.
func FuzzReturned(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "oracle", "*"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil && len(b) < 16<<10 && !strings.HasSuffix(file, ".json") {
			f.Add(b, 64)
		}
	}
	f.Add([]byte("]("+strings.Repeat("K\x07", 100)+"e."), 100)
	f.Add([]byte("(lp0\nV0\np1\naV1\np2\na."), 8)
	f.Add([]byte("\x80\x02(X\x06\x00\x00\x00modulectorch.nn\nLinear\nK\x05tQ)R."), 0)
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		opts := DefaultOptions()
		plain := Read(bytes.NewReader(data), opts)
		opts.MaxReturnedItems = max % 4096
		kept := Read(bytes.NewReader(data), opts)
		ret := kept.Returned
		if ret.Items != nil && (ret.Value.Kind != ArgList || int64(len(ret.Items)) != ret.Count) {
			t.Fatalf("returned %+v: %d items of %d", ret.Value, len(ret.Items), ret.Count)
		}
		if plain.Returned.Items != nil && !reflect.DeepEqual(plain.Returned, ret) {
			t.Fatalf("returned differ: %+v, %+v", plain.Returned, ret)
		}
		plain.Returned, kept.Returned = Returned{}, Returned{}
		if !reflect.DeepEqual(plain, kept) {
			t.Fatalf("facts differ with MaxReturnedItems %d", max%4096)
		}
	})
}
