package pickle

import (
	"bytes"
	"testing"
)

// TestTorchStateDict100k reads what torch.save writes for a state dict
// of 100,000 tensors with the default options: every storage is listed
// and every _rebuild_tensor_v2 call counted, with no Limit.
func TestTorchStateDict100k(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	const n = 100_000
	r := Read(bytes.NewReader(torchStateDict(n)), DefaultOptions())
	if r.Err != nil || r.Limit != nil {
		t.Fatalf("err %v limit %v", r.Err, r.Limit)
	}
	if r.Pickles != 1 || len(r.Storages) != n {
		t.Fatalf("pickles %d storages %d, want 1 and %d", r.Pickles, len(r.Storages), n)
	}
	if r.PersistentIDCount != n {
		t.Errorf("persistent ids %d, want %d", r.PersistentIDCount, n)
	}
	if last := r.Storages[n-1]; last.Key != "99999" || last.Location != "cpu" || last.Type != (Global{"torch", "FloatStorage"}) || last.Elements != 1<<20 {
		t.Errorf("last storage %+v", last)
	}
	var rebuilds int64
	for _, g := range r.CallGroups {
		if g.Callee == (Global{"torch._utils", "_rebuild_tensor_v2"}) {
			rebuilds += g.Count
		}
	}
	if rebuilds != n {
		t.Errorf("_rebuild_tensor_v2 calls %d, want %d", rebuilds, n)
	}
}
