package formats

import (
	"regexp"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pickle"
	"github.com/modelgate/modelgate/internal/parse/zipread"
	"github.com/modelgate/modelgate/scan"
)

// Zip kinds, the format names.
const (
	kindTorchZip    = "torch-zip"
	kindTorchScript = "torchscript"
	kindNpz         = "npz"
	kindZip         = "zip"
)

// zipKind names an archive by its member names.
func zipKind(a *zipread.Archive) string {
	roots := torchRoots(a)
	if len(roots) > 0 {
		for _, m := range a.Members {
			root, rest, _ := strings.Cut(m.Name, "/")
			if roots[root] && (strings.EqualFold(rest, "constants.pkl") || strings.HasPrefix(strings.ToLower(rest), "code/")) {
				return kindTorchScript
			}
		}
		return kindTorchZip
	}
	npz := false
	for _, m := range a.Members {
		if m.IsDir() {
			continue
		}
		if !strings.HasSuffix(m.Name, ".npy") {
			return kindZip
		}
		npz = true
	}
	if npz {
		return kindNpz
	}
	return kindZip
}

// torchRoots returns the top folders that hold a data.pkl. torch finds
// records with miniz's mz_zip_reader_locate_file, which compares names
// without regard to ASCII case, so "archive/DATA.PKL" is data.pkl too;
// and the root is what comes before the first "/", the empty string for
// "/data.pkl".
func torchRoots(a *zipread.Archive) map[string]bool {
	roots := map[string]bool{}
	for _, m := range a.Members {
		if root, rest, ok := strings.Cut(m.Name, "/"); ok && strings.EqualFold(rest, "data.pkl") {
			roots[root] = true
		}
	}
	return roots
}

// torchRecord reports whether rest, a member name after its root, is one
// of names as torch finds records: ASCII case does not matter.
func torchRecord(names []string, rest string) bool {
	for _, n := range names {
		if strings.EqualFold(n, rest) {
			return true
		}
	}
	return false
}

// torchPickles are the members of a torch archive's root that torch
// unpickles whatever their content.
var torchPickles = []string{"data.pkl", "constants.pkl"}

// storageKey matches the storage keys torch.save writes: record numbers.
var storageKey = regexp.MustCompile(`^[0-9]+$`)

// torchArchive holds what the torch pickles of an archive say.
type torchArchive struct {
	roots   map[string]bool
	pickles map[int]bool // indexes of the torch pickles in the directory
	// storages are the members the pickles reference as tensor storages
	// (<root>/data/<key>, <root>/constants/<key>): torch reads them as
	// raw bytes, so they are never read.
	storages map[string]bool
}

// scanTorchPickles scans the pickles torch unpickles (data.pkl, and
// constants.pkl in TorchScript) as pickles, whatever their content, and
// collects the storages their persistent ids reference.
func scanTorchPickles(s *scan.Session, in *scan.Input, a *zipread.Archive, names []string) *torchArchive {
	t := &torchArchive{roots: torchRoots(a), pickles: map[int]bool{}, storages: map[string]bool{}}
	for i := range a.Members {
		m := &a.Members[i]
		root, rest, _ := strings.Cut(m.Name, "/")
		if !t.roots[root] || !torchRecord(torchPickles, rest) {
			continue
		}
		t.pickles[i] = true
		res := scanZipMember(s, in, a, m, names[i], true)
		if res == nil {
			continue
		}
		t.reference(root, res)
	}
	return t
}

func (t *torchArchive) reference(root string, res *pickle.Result) {
	// Result.Storages lists every storage reference; PersistentIDs keep a
	// text summary of only the first few.
	for _, st := range res.Storages {
		if !storageKey.MatchString(st.Key) {
			continue // only the numbered records torch.save writes are skipped unread
		}
		t.storages[root+"/data/"+st.Key] = true
		t.storages[root+"/constants/"+st.Key] = true
	}
}
