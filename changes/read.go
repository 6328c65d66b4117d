package changes

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/modelgate/modelgate/changes/gitread"
)

// sinceByReading finds the unchanged files without git. A file is
// unchanged when three things agree: the revision's tree holds the same
// blob and mode at its path, the index holds that blob for it (stage 0,
// compared with the work tree as usual), and the file's size and
// modification time are the ones the index recorded, before the index
// was written. Anything the reader cannot vouch for (a racily clean
// entry, a skip-worktree or assume-unchanged entry, a file git never saw,
// a mode change) counts as changed, so the scan reads more, never less,
// than git diff would show. Untracked files count whether or not they are
// ignored.
func sinceByReading(dir, rev string) (*Set, error) {
	repo, err := gitread.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("%s is not a git work tree: %w", dir, err)
	}
	defer repo.Close()
	commit, err := repo.Resolve(rev)
	if errors.Is(err, gitread.ErrNotFound) {
		if repo.Shallow() {
			return nil, fmt.Errorf("%s (shallow clone: fetch more history, e.g. actions/checkout with fetch-depth: 0): %w", rev, ErrNoHistory)
		}
		return nil, fmt.Errorf("%s: %w", rev, ErrNoHistory)
	} else if err != nil {
		return nil, fmt.Errorf("reading the repository without git: %w", err)
	}
	tree, err := repo.CommitTree(commit)
	if err != nil {
		return nil, fmt.Errorf("reading the repository without git: %w", err)
	}
	base, err := repo.Files(tree)
	if err != nil {
		return nil, fmt.Errorf("reading the tree of %s without git: %w", rev, err)
	}
	index, err := repo.Index()
	if err != nil {
		return nil, fmt.Errorf("reading the index without git: %w", err)
	}
	prefix, err := workTreePrefix(repo.WorkTree(), dir)
	if err != nil {
		return nil, err
	}
	unchanged := map[string]bool{}
	for _, e := range index.Entries {
		rel, ok := strings.CutPrefix(e.Path, prefix)
		if !ok || !sameAsBase(e, base) {
			continue
		}
		fi, err := os.Lstat(filepath.Join(repo.WorkTree(), filepath.FromSlash(e.Path)))
		if err == nil && statMatches(e, fi) && fi.ModTime().Before(index.Written) {
			unchanged[rel] = true
		}
	}
	return &Set{unchanged: unchanged, How: "read from the repository (no git program here); files not proven unchanged are scanned"}, nil
}

// sameAsBase reports whether an index entry holds the base tree's blob.
func sameAsBase(e gitread.IndexEntry, base map[string]gitread.Entry) bool {
	if e.Stage != 0 || e.AssumeValid || e.SkipWorktree || e.IntentToAdd {
		return false
	}
	b, ok := base[e.Path]
	return ok && b.Hash == e.Hash && b.Mode == e.Mode
}

// statMatches reports whether the file is the one the index entry
// recorded: same kind, executable bit, size and modification time.
func statMatches(e gitread.IndexEntry, fi fs.FileInfo) bool {
	switch e.Mode {
	case gitread.ModeSymlink:
		if fi.Mode()&fs.ModeSymlink == 0 {
			return false
		}
	case gitread.ModeFile, gitread.ModeExecutable:
		if !fi.Mode().IsRegular() || (fi.Mode().Perm()&0o100 != 0) != (e.Mode == gitread.ModeExecutable) {
			return false
		}
	default:
		return false
	}
	mt := fi.ModTime()
	return uint32(fi.Size()) == e.Size && uint32(mt.Unix()) == e.MtimeSec && uint32(mt.Nanosecond()) == e.MtimeNsec
}

// workTreePrefix returns the path of dir inside the work tree, as a
// prefix of index paths ("" at the top, else "sub/dir/").
func workTreePrefix(top, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside the work tree %s", dir, top)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel) + "/", nil
}
