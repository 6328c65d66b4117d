package policy

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// traitState renders a cTrait state tuple in protocol 0 text with the
// items given by position replaced: (getattr, setattr, post_setattr,
// py_post_setattr, validate, py_validate, default_value_type,
// default_value, flags, delegate_name, delegate_prefix,
// delegate_attr_name, notifiers, handler, obj_dict), as traits 6.3 writes
// it for a Float trait.
func traitState(set map[int]string) string {
	return "(" + traitItems(set) + "t"
}

// traitItems renders the items of traitState, without MARK and TUPLE.
func traitItems(set map[int]string) string {
	items := []string{"I0\n", "I0\n", "I5\n", "N", "I21\n", "(I21\nt", "I0\n", "F5.3\n", "I0\n", "N", "N", "I4\n", "N",
		"ctraits.trait_types\nFloat\n)\x81", "(d"}
	for i, v := range set {
		items[i] = v
	}
	return strings.Join(items, "")
}

// TestStateIndexGate holds the judgement of traits' cTrait, whose C
// __setstate__ indexes its handler tables with items of the state: real
// states pass, an index past a table or a state the reader cannot vouch
// for is critical. The states traits itself writes, at every protocol,
// are in library_benign_test.go (traits_*.pkl).
func TestStateIndexGate(t *testing.T) {
	newobj := "ctraits.traits\nCTrait\n(I0\nt\x81"
	viaNewobj := "ctraits.traits\n__newobj__\n(ctraits.traits\nCTrait\nI0\ntR"
	ok := traitState(nil)
	runJudgeCases(t, []judgeCase{
		{"newobj_real_state", newobj + ok + "b.", finding.SeverityInvalid},
		{"via_traits_newobj", viaNewobj + ok + "b.", finding.SeverityInvalid},
		{"via_copyreg_newobj", "ccopyreg\n__newobj__\n(ctraits.traits\nCTrait\nI0\ntR" + ok + "b.", finding.SeverityInvalid},
		{"state_from_memo", newobj + ok + "p0\nb" + newobj + "g0\nb.", finding.SeverityInvalid},
		{"callable_trait_validate_22", newobj + traitState(map[int]string{4: "I22\n", 5: "(I22\nI01\nt"}) + "b.", finding.SeverityInvalid},
		// an index past a table, at every indexing item
		{"getattr_past_table", newobj + traitState(map[int]string{0: "I14\n"}) + "b.", finding.Critical},
		{"setattr_past_table", viaNewobj + traitState(map[int]string{1: "I40\n"}) + "b.", finding.Critical},
		{"post_setattr_past_table", newobj + traitState(map[int]string{2: "I6\n"}) + "b.", finding.Critical},
		{"validate_negative", newobj + traitState(map[int]string{4: "I-1\n"}) + "b.", finding.Critical},
		{"delegate_past_table", newobj + traitState(map[int]string{11: "I5\n"}) + "b.", finding.Critical},
		// one bad state among good ones
		{"second_state_bad", newobj + ok + "b" + newobj + traitState(map[int]string{4: "I1000\n"}) + "b.", finding.Critical},
		// what the reader cannot vouch for
		{"bool_index", newobj + traitState(map[int]string{1: "I01\n"}) + "b.", finding.Critical},
		{"big_int_index", newobj + traitState(map[int]string{0: "L99999999999999999999L\n"}) + "b.", finding.Critical},
		{"computed_index", newobj + traitState(map[int]string{0: "cbuiltins\nlen\n(Vab\ntR"}) + "b.", finding.Critical},
		{"list_state", newobj + "(" + traitItems(nil) + "l" + "b.", finding.Critical},
		{"short_state", newobj + "(I0\nI0\nI5\nNI21\ntb.", finding.Critical},
		{"state_computed", newobj + "cbuiltins\ntuple\n(" + ok + "tRb.", finding.Critical},
		// BUILD on what an instantiator made: any class it made may be a trait
		{"newobj_of_other_class_bad_state", viaNewobj + ok + "b" + "ctraits.traits\n__newobj__\n(cbuiltins\nobject\ntR" + traitState(map[int]string{0: "I99\n"}) + "b.", finding.Critical},
		// handed to code that may set the state itself
		// copyreg._reconstructor with object as the base only instantiates
		{"reconstructed", "ccopyreg\n_reconstructor\n(ctraits.traits\nCTrait\ncbuiltins\nobject\nNtR" + ok + "b.", finding.SeverityInvalid},
		{"reconstructed_bad_state", "ccopyreg\n_reconstructor\n(ctraits.traits\nCTrait\ncbuiltins\nobject\nNtR" + traitState(map[int]string{2: "I7\n"}) + "b.", finding.Critical},
		// with another base, that base's __init__ is handed the instance
		{"reconstructed_other_base", "ccopyreg\n_reconstructor\n(ctraits.traits\nCTrait\ncbuiltins\ndict\n(dtR" + ok + "b.", finding.Critical},
		{"handed_as_base", "ccopyreg\n_reconstructor\n(cbuiltins\nobject\nctraits.traits\nCTrait\nNtR.", finding.Critical},
		{"handed_to_partial", "cfunctools\npartial\n(ctraits.traits\nCTrait\nI0\ntR.", finding.Critical},
		// the method itself, called with a state of the pickle's
		{"setstate_called", "ctraits.ctraits\ncTrait.__setstate__\n(" + newobj + ok + "tR.", finding.Critical},
	})
}

// TestStateIndexMessage checks that the finding names the item and the
// table it indexes past.
func TestStateIndexMessage(t *testing.T) {
	fs, _ := judgeBytes("ctraits.traits\nCTrait\n(I0\nt\x81" + traitState(map[int]string{4: "I23\n"}) + "b.")
	for _, f := range fs {
		if f.Severity == finding.Critical && strings.Contains(f.Message, "item 4 is 23, past the 23 entries of the table cTrait.__setstate__ indexes with it") {
			return
		}
	}
	t.Errorf("no critical finding naming item 4 and its bound: %v", fs)
}

// FuzzStateIndex judges hostile streams around traits' cTrait: the judge
// never panics, and a real state with one indexing item set to any int
// passes exactly when the int is within that item's table.
func FuzzStateIndex(f *testing.F) {
	newobj := "ctraits.traits\nCTrait\n(I0\nt\x81"
	for _, s := range []string{
		newobj + traitState(nil) + "b.",
		"ctraits.traits\n__newobj__\n(ctraits.traits\nCTrait\nI0\ntR" + traitState(nil) + "b.",
		newobj + "(" + traitItems(nil) + "l" + "b.",
	} {
		f.Add([]byte(s), uint8(4), int64(22))
	}
	p := Default()
	bounds := map[int]int64{0: 14, 1: 14, 2: 6, 4: 23, 11: 5}
	positions := []int{0, 1, 2, 4, 11}
	f.Fuzz(func(t *testing.T, data []byte, which uint8, n int64) {
		res := pickle.Read(bytes.NewReader(data), p.PickleOptions(pickle.DefaultOptions()))
		p.Pickle(res)
		pos := positions[int(which)%len(positions)]
		fs, _ := judgeBytes(newobj + traitState(map[int]string{pos: "I" + strconv.FormatInt(n, 10) + "\n"}) + "b.")
		if in := n >= 0 && n < bounds[pos]; in != (worst(fs) < finding.High) {
			t.Fatalf("item %d = %d: worst %s: %v", pos, n, worst(fs), fs)
		}
	})
}

// TestIndexGateIsSetstate holds which state-index chains the stream's
// states decide: the gate itself, and only a __setstate__, since the
// judge checks what BUILD gives.
func TestIndexGateIsSetstate(t *testing.T) {
	for _, tt := range []struct {
		chain string
		want  bool
	}{
		{"m.C.__setstate__", true},
		{"m.C.__init__", false},
		{"m.f -> m.C.__setstate__", false},
	} {
		hops := strings.Split(tt.chain, " -> ")
		c := capability{sink: "index", chain: tt.chain, gate: hops[len(hops)-1]}
		if got := c.gated(); got != tt.want {
			t.Errorf("%s: gated = %v, want %v", tt.chain, got, tt.want)
		}
	}
}
