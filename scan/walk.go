package scan

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// target is one regular file to scan, or a symlink to report.
type target struct {
	abs     string // path on disk
	rel     string // reported path: relative, forward slashes
	size    int64
	symlink string // link text, when the target is a symlink
	// linkOf is the reported path of the file a symlink in the tree leads
	// to, when the walk scans that file too.
	linkOf string
	// via and realRel, for a file reached through a symlink to a
	// directory: the link's reported path and the file's own. Either one
	// changed puts the file in a pull request's scope.
	via, realRel string
	// blobLink is the link text of a Hugging Face cache snapshot link
	// whose blob is scanned under the link's name (hfCacheBlob).
	blobLink string
}

// walk lists the files under roots in a deterministic order. It never
// follows symlinks and skips .git directories. Files left out by the
// include/exclude globs are counted. A symlink to a file in the tree that
// the walk leaves out (excluded, or under .git) is scanned under the
// link's name, with the target's content: a loader opening the link
// reads it. So are the files under a symlink to such a directory
// (linkedDir); a symlink to a directory outside the tree is reported.
// A link of a Hugging Face cache snapshot is scanned with its blob's
// content under the link's name (hfCacheBlob).
//
// used records the patterns that matched a file of the tree.
func walk(roots []string, include, exclude []string, used map[string]bool) (targets []target, excluded int, err error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, 0, fmt.Errorf("get working directory: %w", err)
	}
	for _, p := range append(include, exclude...) {
		if !doublestar.ValidatePattern(p) {
			return nil, 0, fmt.Errorf("invalid glob %q", p)
		}
	}
	use := func(rel string) {
		for _, g := range append(include, exclude...) {
			if !used[g] && globMatch(g, rel) {
				used[g] = true
			}
		}
	}
	seen := map[string]bool{}
	for _, root := range roots {
		absRoot, err := filepath.Abs(root)
		if err != nil {
			return nil, 0, fmt.Errorf("resolve %s: %w", root, err)
		}
		err = filepath.WalkDir(absRoot, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == absRoot {
					return err
				}
				// An unreadable entry is still reported: scanning it fails
				// with its own error and becomes a finding.
				targets = append(targets, target{abs: p, rel: relPath(cwd, absRoot, root, p), size: -1})
				return nil
			}
			if d.IsDir() {
				if d.Name() == ".git" && p != absRoot {
					return filepath.SkipDir
				}
				return nil
			}
			if seen[p] {
				return nil
			}
			seen[p] = true
			rel := relPath(cwd, absRoot, root, p)
			if d.Type()&fs.ModeSymlink != 0 {
				if info, err := os.Stat(p); err == nil && info.IsDir() {
					// The link's own path is no file: the files under it
					// are selected by theirs.
					linked, outside := linkedDir(cwd, absRoot, root, p, rel, include, exclude)
					if outside {
						if link, err := os.Readlink(p); err == nil {
							targets = append(targets, target{abs: p, rel: rel, size: -1, symlink: link})
						}
					}
					targets = append(targets, linked...)
					return nil
				}
			}
			use(rel)
			if !selected(rel, include, exclude) {
				excluded++
				return nil
			}
			t := target{abs: p, rel: rel, size: -1}
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				link, err := os.Readlink(p)
				if err != nil {
					return nil
				}
				if dest, size, ok := hfCacheBlob(p); ok && outsideRoot(absRoot, dest) {
					t.abs, t.size, t.blobLink = dest, size, link
					break
				}
				if outsideLink(absRoot, p, link) {
					t.symlink = link
					break
				}
				dest, size, how := linkTarget(absRoot, p, func(dest string) bool {
					return selected(relPath(cwd, absRoot, root, dest), include, exclude)
				})
				switch {
				case how == targetSkipped:
					t.abs, t.size = dest, size
				case how == targetScanned && dest != "":
					// Kept only while the target itself is in scope
					// (see dropLinked): a pull request may add the link
					// alone.
					t.abs, t.size, t.linkOf = dest, size, relPath(cwd, absRoot, root, dest)
				case how == targetOutside && (ModelName(dest) || ModelName(p)):
					t.symlink = link // through another link
				default:
					return nil // scanned where it lies, or nothing to scan
				}
			case !d.Type().IsRegular():
				return nil
			default:
				if info, err := d.Info(); err == nil {
					t.size = info.Size()
				}
			}
			targets = append(targets, t)
			return nil
		})
		if err != nil {
			return nil, 0, fmt.Errorf("walk %s: %w", root, err)
		}
	}
	sort.SliceStable(targets, func(i, j int) bool { return targets[i].rel < targets[j].rel })
	return targets, excluded, nil
}

// relPath reports p relative to the working directory when it lies below
// it, else relative to the root as given on the command line.
func relPath(cwd, absRoot, root, p string) string {
	if r, err := filepath.Rel(cwd, p); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(r)
	}
	r, err := filepath.Rel(absRoot, p)
	if err != nil || r == "." {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(filepath.Join(root, r))
}

// outsideLink reports whether a symlink at p with text link points outside
// root, and the link or its target is named like a model: a file we would
// have scanned had it been in the tree (a loader opens model.pt whatever
// the name of what it points at).
func outsideLink(root, p, link string) bool {
	dest := link
	if !filepath.IsAbs(dest) {
		dest = filepath.Join(filepath.Dir(p), dest)
	}
	dest = filepath.Clean(dest)
	r, err := filepath.Rel(root, dest)
	inside := err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
	return !inside && (ModelName(dest) || ModelName(p))
}

// What a symlink inside the tree leads to, for the walk.
const (
	targetScanned = iota // a file the walk scans anyway (returned), a directory, nothing
	targetSkipped        // a file in the tree that the walk leaves out
	targetOutside        // a file outside the tree, reached through another link
)

// linkTarget resolves the symlink at p, whose text points inside root,
// and says what it leads to: a file the walk leaves out (one the globs do
// not select, as selected says, or one under a .git directory) is
// returned with its size, to be scanned under the link's name.
func linkTarget(root, p string, selected func(dest string) bool) (dest string, size int64, how int) {
	dest, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", 0, targetScanned
	}
	info, err := os.Stat(dest)
	if err != nil || !info.Mode().IsRegular() {
		return "", 0, targetScanned
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		realRoot = root
	}
	r, err := filepath.Rel(realRoot, dest)
	switch {
	case err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)):
		return dest, info.Size(), targetOutside
	case !selected(filepath.Join(root, r)) || slices.Contains(strings.Split(filepath.ToSlash(r), "/"), ".git"):
		return dest, info.Size(), targetSkipped
	}
	return dest, info.Size(), targetScanned
}

// maxLinkedFiles bounds the files listed through one directory link.
const maxLinkedFiles = 100_000

// linkedDir lists the files reached through the symlink p (reported as
// rel) to a directory in the tree that the walk itself leaves out
// (excluded, not included, under .git): a loader opening rel/name reads
// them, so they are scanned under that name. Files the walk scans where
// they lie are not listed again. outside reports a link that leaves the
// tree, which is never followed.
func linkedDir(cwd, absRoot, root, p, rel string, include, exclude []string) (ts []target, outside bool) {
	dest, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil, false
	}
	realRoot, err := filepath.EvalSymlinks(absRoot)
	if err != nil {
		realRoot = absRoot
	}
	if r, err := filepath.Rel(realRoot, dest); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return nil, true
	}
	_ = filepath.WalkDir(dest, func(f string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == ".git" && f != dest {
			return filepath.SkipDir // git's own files, as in the walk
		}
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		if len(ts) >= maxLinkedFiles {
			return filepath.SkipAll
		}
		fr, err := filepath.Rel(realRoot, f)
		if err != nil {
			return nil
		}
		realRel := relPath(cwd, absRoot, root, filepath.Join(absRoot, fr))
		if selected(realRel, include, exclude) && !slices.Contains(strings.Split(filepath.ToSlash(fr), "/"), ".git") {
			return nil // scanned where it lies
		}
		sub, err := filepath.Rel(dest, f)
		if err != nil {
			return nil
		}
		linkRel := rel + "/" + filepath.ToSlash(sub)
		if !selected(linkRel, include, exclude) {
			return nil
		}
		size := int64(-1)
		if info, err := d.Info(); err == nil {
			size = info.Size()
		}
		ts = append(ts, target{abs: f, rel: linkRel, size: size, via: rel, realRel: realRel})
		return nil
	})
	return ts, false
}

// dropLinked removes the links to files in the tree whose target is
// among targets itself: it is scanned there, once. A link whose target
// is not (out of a pull request's scope) stays, scanned with the
// target's content.
func dropLinked(targets []target) []target {
	scanned := map[string]bool{}
	for _, t := range targets {
		if t.linkOf == "" {
			scanned[t.rel] = true
		}
	}
	out := targets[:0:0]
	for _, t := range targets {
		if t.linkOf == "" || !scanned[t.linkOf] {
			out = append(out, t)
		}
	}
	return out
}
