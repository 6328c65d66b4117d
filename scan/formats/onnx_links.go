package formats

import (
	"path/filepath"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/onnx"
	"github.com/modelgate/modelgate/scan"
)

// linkedOutside returns, by location, where the external data files of a
// model on disk lead when a symlink on the way takes them out of the
// model's folder: onnx.load opens folder/location and follows links, so
// a location that stays inside by its text can still read
// /proc/self/environ. Each location is resolved once (the model's items
// are bounded by Limits.ONNX); nothing is opened, only the links are
// resolved. A link into the blobs of a Hugging Face cache, how the cache
// lays out every file of a snapshot, stays inside. A model that is an
// archive member has no folder on disk: its locations are looked up
// among the archive's own links (archiveLinkChecks).
func linkedOutside(in *scan.Input, ext []onnx.External) map[string]string {
	if len(in.Chain) != 0 || in.Name == "" {
		return nil
	}
	dir := filepath.Dir(filepath.FromSlash(in.Name))
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	seen := map[string]bool{}
	for _, e := range ext {
		if e.Location == "" || seen[e.Location] || onnx.LeavesFolder(e.Location) {
			continue
		}
		seen[e.Location] = true
		p := filepath.Join(dir, filepath.FromSlash(e.Location))
		dest, err := filepath.EvalSymlinks(p)
		if err != nil {
			continue
		}
		if _, _, blob := scan.HFCacheBlob(p); blob {
			continue
		}
		if r, err := filepath.Rel(realDir, dest); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			out[e.Location] = dest
		}
	}
	return out
}

// archiveLinkChecks asks the session to look each external data location
// of a model that is an archive member up among the links of its archive
// (Session.LinkCheck): extracted by tarfile or unzip, a link member beside
// the model leads onnx.load wherever it points. Findings come when the
// whole file was read, as the policy makes them of the linked locations.
func archiveLinkChecks(s *scan.Session, in *scan.Input, ext []onnx.External) {
	if len(in.Chain) == 0 {
		return
	}
	by := map[string][]onnx.External{}
	var order []string
	for _, e := range ext {
		if e.Location == "" || onnx.LeavesFolder(e.Location) {
			continue
		}
		if by[e.Location] == nil {
			order = append(order, e.Location)
		}
		by[e.Location] = append(by[e.Location], e)
	}
	for _, loc := range order {
		s.LinkCheck(in, filepath.ToSlash(loc), func(dest string) {
			m := &onnx.Model{External: by[loc]}
			for _, f := range s.Policy().ONNX(m, map[string]string{loc: dest + " (a link member of the archive)"}) {
				s.Report(in, f)
			}
		})
	}
}
