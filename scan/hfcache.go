package scan

import (
	"os"
	"path/filepath"
	"strings"
)

// hfCacheBlob resolves a symlink of a Hugging Face cache snapshot,
// <repo>/snapshots/<revision>/<path> -> ../../blobs/<sha>, to the blob it
// leads to: a regular file in the blobs folder beside the snapshots
// folder of the same repository. Such links are how every file of a
// downloaded model is laid out (huggingface_hub), so a snapshot folder
// scanned on its own is scanned with its content, under the links' names,
// whatever the link's name says. Only that layout is followed, read-only,
// through filepath.EvalSymlinks (which bounds chains of links); ok is
// false for any other link.
func hfCacheBlob(p string) (dest string, size int64, ok bool) {
	parts := strings.Split(filepath.ToSlash(p), "/")
	i := len(parts) - 3 // the last snapshots folder with a revision and a file below it
	for i >= 1 && parts[i] != "snapshots" {
		i--
	}
	if i < 1 {
		return "", 0, false
	}
	repo := filepath.FromSlash(strings.Join(parts[:i], "/"))
	realRepo, err := filepath.EvalSymlinks(repo)
	if err != nil {
		return "", 0, false
	}
	dest, err = filepath.EvalSymlinks(p)
	if err != nil || filepath.Dir(dest) != filepath.Join(realRepo, "blobs") {
		return "", 0, false
	}
	info, err := os.Stat(dest)
	if err != nil || !info.Mode().IsRegular() {
		return "", 0, false
	}
	return dest, info.Size(), true
}

// outsideRoot reports whether dest, a resolved path, lies outside root:
// a blob inside the scanned tree is scanned where it lies, once.
func outsideRoot(root, dest string) bool {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		realRoot = root
	}
	r, err := filepath.Rel(realRoot, dest)
	return err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator))
}

// HFCacheBlob is hfCacheBlob for the formats: whether p, a path on disk,
// is a snapshot link of a Hugging Face cache and the blob it leads to.
func HFCacheBlob(p string) (dest string, size int64, ok bool) { return hfCacheBlob(p) }
