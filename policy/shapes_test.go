package policy

import (
	"strings"
	"testing"

	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// TestShapedListsAgree holds the callables the policy judges by their
// arguments (argCallers, the copyreg instantiators, builtins.type) equal to
// those whose every argument shape it has the reader list: one missing from
// the reader's list could hide a call past MaxListedCalls, one missing from
// the policy costs memory for nothing.
func TestShapedListsAgree(t *testing.T) {
	listed := newListed()
	want := []pickle.Global{typeGlobal}
	names := []string{"copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__"}
	for name := range argCallers {
		names = append(names, name)
	}
	for _, name := range names {
		i := strings.LastIndexByte(name, '.')
		want = append(want, pickle.Global{Module: name[:i], Name: name[i+1:]})
	}
	for _, g := range want {
		if !isShaped(g) {
			t.Errorf("%s: listed here but not judged by the policy", g)
		}
		if !listed.Shaped[g] {
			t.Errorf("%s: judged by its arguments, but the reader is not told to list them", g)
		}
	}
	for g := range listed.Shaped {
		if !isShaped(g) {
			t.Errorf("%s: the reader lists its argument shapes, but the policy does not judge them", g)
		}
	}
}
