package policy

import (
	"strings"
	"testing"

	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// TestShapedListsAgree holds the policy's callables judged by their
// arguments (argCallers, the copyreg instantiators, builtins.type) equal
// to those whose every argument shape the reader lists: one missing from
// the reader could hide a call past MaxListedCalls, one missing from the
// policy costs memory for nothing.
func TestShapedListsAgree(t *testing.T) {
	policy := []pickle.Global{typeGlobal}
	names := []string{"copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__"}
	for name := range argCallers {
		names = append(names, name)
	}
	for _, name := range names {
		i := strings.LastIndexByte(name, '.')
		policy = append(policy, pickle.Global{Module: name[:i], Name: name[i+1:]})
	}
	for _, g := range policy {
		if !isShaped(g) {
			t.Errorf("%s: listed here but not judged by the policy", g)
		}
		if !pickle.ArgShaped(g) {
			t.Errorf("%s: judged by its arguments, but the reader does not list them", g)
		}
	}
	for _, g := range pickle.ArgShapedCallables() {
		if !isShaped(g) {
			t.Errorf("%s: the reader lists its argument shapes, but the policy does not judge them", g)
		}
	}
}
