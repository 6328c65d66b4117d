package pickle

import (
	"reflect"
	"strings"
	"testing"
)

// TestArgSummaries holds what the reader tells of the arguments of every
// call of a group, looked through the containers the pickle built.
func TestArgSummaries(t *testing.T) {
	many := strings.Repeat("I1\n", 40)
	// the 41st argument is text: past the kept items, at RestArgs
	pastKept := make([]ArgSummary, RestArgs+1)
	pastKept[RestArgs].Text = true
	tests := []struct {
		name string
		data string
		op   string
		want []ArgSummary
	}{
		{"numbers", "cm\nf\n(I1\nF2.0\nNtR.", "REDUCE", []ArgSummary{{}, {}, {}}},
		{"text", "cm\nf\n(I1\nVx\ntR.", "REDUCE", []ArgSummary{{}, {Text: true}}},
		{"text_in_nested_list", "cm\nf\n((lp0\n(lp1\nVx\naatR.", "REDUCE", []ArgSummary{{Text: true}}},
		{"instance_and_global", "cm\nf\n(cm\nC\n(I1\ntRcm\nG\ntR.", "REDUCE",
			[]ArgSummary{{Made: []Global{{"m", "C"}}}, {Handed: []Global{{"m", "G"}}}}},
		{"computed_callable", "cm\nf\n(cm\ng\n(tR(tRtR.", "REDUCE", []ArgSummary{{Opaque: true}}},
		{"past_kept_items_text", "cm\nf\n(" + many + "Vx\ntR.", "REDUCE", pastKept},
		{"build_state", "cm\nC\n(tR}Vk\nVx\nsb.", "BUILD", []ArgSummary{{Text: true, NotTuple: true}}},
		// tuple states: the ints at each position, over every state
		{"build_tuple_items", "cm\nC\n(tR(I0\nI5\nVx\nI88\ntbcm\nC\n(tR(I3\nI-1\nI2\ntb.", "BUILD",
			[]ArgSummary{{Text: true, Tuples: 2, Items: []ItemInts{{Ints: 2, Lo: 0, Hi: 3}, {Ints: 2, Lo: -1, Hi: 5}, {Ints: 1, Lo: 2, Hi: 2, Other: true}, {Ints: 1, Lo: 88, Hi: 88}}}}},
		{"build_tuple_bool_and_big", "cm\nC\n(tR(I01\nL99999999999999999999999L\ntb.", "BUILD",
			[]ArgSummary{{Tuples: 1, Items: []ItemInts{{Other: true}, {Other: true}}}}},
		{"build_list_state", "cm\nC\n(tR(lp0\nI0\nab.", "BUILD", []ArgSummary{{NotTuple: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Read(strings.NewReader(tt.data), DefaultOptions())
			if res.Err != nil {
				t.Fatalf("read: %v", res.Err)
			}
			var got []ArgSummary
			for _, g := range res.CallGroups {
				if g.Op == tt.op && g.Known && (g.Callee.Name == "f" || g.Op == "BUILD") {
					got = g.Args
					break
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
