package pickle

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestCallGroups(t *testing.T) {
	tests := []struct {
		name, data string
		calls      int64 // all calls, counted in groups
		listed     int   // in Result.Calls
		groups     int
	}{
		// GLOBAL (DUP SHORT_BINUNICODE TUPLE1 REDUCE POP)*40 STOP
		{"reduce_same_callee", "cos\nsystem\n" + strings.Repeat("2\x8c\x02id\x85R0", 40) + ".", 40, 32, 1},
		// GLOBAL (DUP EMPTY_TUPLE REDUCE BUILD-state NONE BUILD POP)*40 STOP: REDUCE and BUILD keyed apart
		{"reduce_and_build", "cos\nsystem\n" + strings.Repeat("2)RNb0", 40) + ".", 80, 64, 2},
		// (GLOBAL copyreg._reconstructor, GLOBAL cls, GLOBAL object, NONE, TUPLE3, REDUCE, POP)*40: all listed
		{"reconstructor_kept", strings.Repeat("ccopyreg\n_reconstructor\ncos\nsystem\ncbuiltins\nobject\nN\x87R0", 40) + "N.", 40, 40, 1},
		// GLOBAL (DUP NONE SHORT_BINUNICODE TUPLE2 REDUCE POP)*40 STOP: getattr calls all listed
		{"getattr_kept", "cbuiltins\ngetattr\n" + strings.Repeat("2N\x8c\x01x\x86R0", 40) + ".", 40, 40, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Read(strings.NewReader(tt.data), listedOptions())
			if r.Err != nil || r.Limit != nil {
				t.Fatalf("err %v limit %v", r.Err, r.Limit)
			}
			if len(r.Calls) != tt.listed || len(r.CallGroups) != tt.groups {
				t.Fatalf("%d listed in %d groups, want %d in %d", len(r.Calls), len(r.CallGroups), tt.listed, tt.groups)
			}
			var count, listed int64
			for _, g := range r.CallGroups {
				count += g.Count
				listed += g.Listed
				if g.First != r.Calls[0].Offset && g.Op == r.Calls[0].Op {
					t.Errorf("group %+v: first offset, want %d", g, r.Calls[0].Offset)
				}
			}
			if count != tt.calls || listed != int64(tt.listed) {
				t.Errorf("groups count %d calls, %d listed; want %d, %d", count, listed, tt.calls, tt.listed)
			}
			last := int64(-1)
			for _, c := range r.Calls {
				if c.Offset <= last {
					t.Errorf("offsets out of order at %d", c.Offset)
				}
				last = c.Offset
				if c.Args == "" {
					t.Errorf("listed call without Args: %+v", c)
				}
			}
		})
	}
}

// TestArgFacts checks the structured facts of call arguments.
func TestArgFacts(t *testing.T) {
	tests := []struct {
		name, data string
		want       []ArgFact
		nargs      int
	}{
		// GLOBAL copyreg._reconstructor MARK GLOBAL GLOBAL NONE TUPLE REDUCE STOP
		{"reconstructor", "ccopyreg\n_reconstructor\n(cmypkg\nNet\nc__builtin__\nobject\nNtR.",
			[]ArgFact{{Kind: ArgGlobal, Global: Global{"mypkg", "Net"}}, {Kind: ArgGlobal, Global: Global{"builtins", "object"}}, {}}, 3},
		// GLOBAL getattr MARK GLOBAL EMPTY_TUPLE NEWOBJ STRING TUPLE REDUCE STOP
		{"getattr_instance", "cbuiltins\ngetattr\n(cmypkg\nNet\n)\x81S'forward'\ntR.",
			[]ArgFact{{Kind: ArgInstance, Global: Global{"mypkg", "Net"}}, {Kind: ArgStr, Str: "forward"}}, 2},
		// GLOBAL getattr MARK GLOBAL MARK TUPLE REDUCE STRING TUPLE REDUCE STOP: a call result is no instance
		{"getattr_call_result", "cbuiltins\ngetattr\n(cmypkg\nmake\n(tRS'x'\ntR.",
			[]ArgFact{{}, {Kind: ArgStr, Str: "x"}}, 2},
		// GLOBAL MARK INT TUPLE REDUCE STOP
		{"no_facts", "cmypkg\nf\n(I1\ntR.", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Read(strings.NewReader(tt.data), DefaultOptions())
			if r.Err != nil || len(r.Calls) == 0 {
				t.Fatalf("err %v calls %v", r.Err, r.Calls)
			}
			c := r.Calls[len(r.Calls)-1]
			if c.NArgs != tt.nargs || !reflect.DeepEqual(c.ArgFacts, tt.want) {
				t.Errorf("got %d args %+v, want %d %+v", c.NArgs, c.ArgFacts, tt.nargs, tt.want)
			}
		})
	}
}

func TestStorages(t *testing.T) {
	r := Read(strings.NewReader(string(torchStateDict(100))), DefaultOptions())
	if r.Err != nil || r.Limit != nil {
		t.Fatalf("err %v limit %v", r.Err, r.Limit)
	}
	if r.PersistentIDCount != 100 || len(r.PersistentIDs) != DefaultOptions().MaxPersistentIDs || len(r.Storages) != 100 {
		t.Fatalf("pids %d listed %d storages %d", r.PersistentIDCount, len(r.PersistentIDs), len(r.Storages))
	}
	for i, st := range r.Storages {
		want := Storage{Offset: st.Offset, Type: Global{"torch", "FloatStorage"}, Key: strconv.Itoa(i), Location: "cpu", Elements: 1 << 20}
		if st != want || (i > 0 && st.Offset <= r.Storages[i-1].Offset) {
			t.Fatalf("storage %d: %+v", i, st)
		}
	}
	if r.Storages[0].Offset != r.PersistentIDs[0].Offset {
		t.Errorf("storage offset %d, pid offset %d", r.Storages[0].Offset, r.PersistentIDs[0].Offset)
	}
}

func TestStorageForms(t *testing.T) {
	tests := []struct {
		name, data string
		want       []Storage
	}{
		// legacy: ('storage', torch.FloatStorage, '94', 'cuda:0', 12, None)
		{"legacy_view_none", "\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x02\x00\x00\x0094X\x06\x00\x00\x00cuda:0K\x0cNtQ.", // PROTO MARK BINUNICODE GLOBAL BINUNICODE BINUNICODE BININT1 NONE TUPLE BINPERSID STOP
			[]Storage{{Offset: 57, Type: Global{"torch", "FloatStorage"}, Key: "94", Location: "cuda:0", Elements: 12}}},
		// computed element count: ('storage', torch.FloatStorage, 'k', 'cpu', f())
		{"computed_elements", "\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00kX\x03\x00\x00\x00cpucm\nf\n)RtQ.", // PROTO MARK BINUNICODE GLOBAL BINUNICODE BINUNICODE GLOBAL EMPTY_TUPLE REDUCE TUPLE BINPERSID STOP
			[]Storage{{Offset: 57, Type: Global{"torch", "FloatStorage"}, Key: "k", Location: "cpu", Elements: -1}}},
		// not a storage: a string id
		{"plain_id", "\x80\x02X\x03\x00\x00\x00fooQ.", nil}, // PROTO BINUNICODE BINPERSID STOP
		// too short a tuple
		{"short_tuple", "\x80\x02X\x07\x00\x00\x00storageK\x01\x86Q.", nil}, // PROTO BINUNICODE BININT1 TUPLE2 BINPERSID STOP
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Read(strings.NewReader(tt.data), DefaultOptions())
			if r.Err != nil || r.Limit != nil || r.PersistentIDCount != 1 {
				t.Fatalf("err %v limit %v pids %d", r.Err, r.Limit, r.PersistentIDCount)
			}
			if len(r.Storages) != len(tt.want) || (len(tt.want) > 0 && r.Storages[0] != tt.want[0]) {
				t.Errorf("storages %+v, want %+v", r.Storages, tt.want)
			}
		})
	}
}
