package pickle

import (
	"fmt"
	"strings"
	"testing"
)

// reconstructorFlood returns a pickle that calls copyreg._reconstructor n
// times with one argument shape, then once per class in odd, each
// (cls, cls, 'x'): a base whose __init__ runs.
func reconstructorFlood(n int, odd []string) string {
	var b strings.Builder
	b.WriteString("\x80\x02ccopyreg\n_reconstructor\nq\x00(ccollections\nOrderedDict\ncbuiltins\nobject\nNtq\x01") // PROTO GLOBAL BINPUT MARK GLOBAL GLOBAL NONE TUPLE BINPUT
	b.WriteString(strings.Repeat("h\x00h\x01R0", n))                                                               // (BINGET BINGET REDUCE POP)*n
	for _, c := range odd {
		fmt.Fprintf(&b, "h\x00(cm\n%s\ncm\n%s\nS'x'\ntR0", c, c) // BINGET MARK GLOBAL GLOBAL STRING TUPLE REDUCE POP
	}
	b.WriteString("N.") // NONE STOP
	return b.String()
}

// TestShapedCallsListed checks that a call of a callable whose arguments
// decide what runs is listed past MaxListedCalls when its arguments have
// a shape not listed before, and counted as unexamined only when the
// shapes kept run out.
func TestShapedCallsListed(t *testing.T) {
	many := make([]string, maxShapes+2)
	for i := range many {
		many[i] = fmt.Sprintf("C%d", i)
	}
	tests := []struct {
		name       string
		data       string
		wantOdd    bool  // the last call is listed with its base
		unexamined int64 // in the _reconstructor group
	}{
		{"repeats_then_new_shape", reconstructorFlood(DefaultOptions().MaxListedCalls+10, []string{"Evil"}), true, 0},
		{"repeats_only", reconstructorFlood(DefaultOptions().MaxListedCalls+10, nil), false, 0},
		{"shapes_run_out", reconstructorFlood(0, many), false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Read(strings.NewReader(tt.data), listedOptions())
			if r.Err != nil || r.Limit != nil {
				t.Fatalf("err=%v limit=%v", r.Err, r.Limit)
			}
			var grp *CallGroup
			for i := range r.CallGroups {
				if r.CallGroups[i].Callee == (Global{"copyreg", "_reconstructor"}) {
					grp = &r.CallGroups[i]
				}
			}
			if grp == nil {
				t.Fatal("no _reconstructor group")
			}
			if grp.Unexamined != tt.unexamined {
				t.Errorf("unexamined %d, want %d (count %d, listed %d)", grp.Unexamined, tt.unexamined, grp.Count, grp.Listed)
			}
			if grp.Listed > int64(DefaultOptions().MaxListedCalls)+int64(maxShapes) {
				t.Errorf("listed %d: repeats were listed", grp.Listed)
			}
			last := r.Calls[len(r.Calls)-1]
			odd := len(last.ArgFacts) > 1 && last.ArgFacts[1].Global == Global{"m", "Evil"}
			if odd != tt.wantOdd {
				t.Errorf("last listed call %s %v, want the odd one listed: %v", last, last.ArgFacts, tt.wantOdd)
			}
		})
	}
}

// listedOptions returns the default options with callables listed call by
// call as a policy lists them (policy.Judge.PickleOptions): the
// instantiators and getattr with their facts, the copyreg instantiators
// and builtins.type with their shapes.
func listedOptions() Options {
	o := DefaultOptions()
	o.Listed = &Listed{
		Facted: map[Global]bool{{"copyreg", "_reconstructor"}: true, {"copyreg", "__newobj__"}: true, {"builtins", "getattr"}: true},
		Shaped: map[Global]bool{{"copyreg", "_reconstructor"}: true, {"copyreg", "__newobj__"}: true, {"builtins", "type"}: true},
	}
	return o
}
