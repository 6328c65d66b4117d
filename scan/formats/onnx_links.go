package formats

import (
	"path/filepath"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/onnx"
	"github.com/modelgate/modelgate/scan"
)

// maxLinkChecks bounds the external data locations looked up on disk for
// one model.
const maxLinkChecks = 10_000

// linkedOutside returns, by location, where the external data files of a
// model on disk lead when a symlink on the way takes them out of the
// model's folder: onnx.load opens folder/location and follows links, so
// a location that stays inside by its text can still read
// /proc/self/environ. Only files scanned where they lie are checked (a
// member of an archive has no folder on disk); nothing is opened, only
// the links are resolved.
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
	for i, e := range ext {
		if i >= maxLinkChecks {
			break
		}
		if e.Location == "" || onnx.LeavesFolder(e.Location) {
			continue
		}
		dest, err := filepath.EvalSymlinks(filepath.Join(dir, filepath.FromSlash(e.Location)))
		if err != nil {
			continue
		}
		if r, err := filepath.Rel(realDir, dest); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			out[e.Location] = dest
		}
	}
	return out
}
