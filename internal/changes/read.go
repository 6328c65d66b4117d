package changes

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/modelgate/modelgate/internal/changes/gitread"
)

// sinceByReading finds the unchanged files without git. A file is
// unchanged when the revision's tree and the index (stage 0) hold the same
// blob and mode at its path, and the work-tree file is that blob: its size
// and modification time are the ones the index recorded, from before the
// index was written, or, failing that (a file touched, or written in the
// instant the index was), its content hashes to the blob. Anything the
// reader cannot vouch for (a skip-worktree or assume-unchanged entry, a
// file git never saw, a mode change, a file past the hashing budget)
// counts as changed, so the scan reads more, never less, than git diff
// would show. Untracked files count whether or not they are ignored.
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
	budget := int64(maxHashBytes)
	for _, e := range index.Entries {
		rel, ok := strings.CutPrefix(e.Path, prefix)
		if !ok || !sameAsBase(e, base) {
			continue
		}
		path := filepath.Join(repo.WorkTree(), filepath.FromSlash(e.Path))
		fi, err := os.Lstat(path)
		switch {
		case err != nil || !kindMatches(e, fi) || uint32(fi.Size()) != e.Size:
		case stampMatches(e, fi) && fi.ModTime().Before(index.Written):
			unchanged[rel] = true
		case fi.Size() <= budget:
			// Touched, or written in the instant the index was (racily
			// clean): the content decides, as it does for git.
			budget -= fi.Size()
			if h, err := blobHash(path, fi); err == nil && h == e.Hash {
				unchanged[rel] = true
			}
		}
	}
	return &Set{unchanged: unchanged, How: readHow("no git program here")}, nil
}

// readHow says, for the scan's notes, that the changes were read from the
// repository, and why.
func readHow(why string) string {
	return "read from the repository (" + why + "); files not proven unchanged are scanned"
}

// sameAsBase reports whether an index entry holds the base tree's blob.
func sameAsBase(e gitread.IndexEntry, base map[string]gitread.Entry) bool {
	if e.Stage != 0 || e.AssumeValid || e.SkipWorktree || e.IntentToAdd {
		return false
	}
	b, ok := base[e.Path]
	return ok && b.Hash == e.Hash && b.Mode == e.Mode
}

// maxHashBytes bounds the bytes of work-tree files read to prove them
// unchanged when their stat data cannot; past it, such files are scanned.
const maxHashBytes = 2 << 30

// kindMatches reports whether the file is of the index entry's kind: a
// symbolic link, or a regular file with the same executable bit.
func kindMatches(e gitread.IndexEntry, fi fs.FileInfo) bool {
	switch e.Mode {
	case gitread.ModeSymlink:
		return fi.Mode()&fs.ModeSymlink != 0
	case gitread.ModeFile, gitread.ModeExecutable:
		return fi.Mode().IsRegular() && (fi.Mode().Perm()&0o100 != 0) == (e.Mode == gitread.ModeExecutable)
	}
	return false
}

// stampMatches reports whether the file's modification time is the one
// the index entry recorded, to the nanosecond.
func stampMatches(e gitread.IndexEntry, fi fs.FileInfo) bool {
	mt := fi.ModTime()
	return uint32(mt.Unix()) == e.MtimeSec && uint32(mt.Nanosecond()) == e.MtimeNsec
}

// blobHash is the git object name of a work-tree file's content (of a
// symbolic link, its target), read without any git filter: a file that
// filters change (line endings, Git LFS) does not match and is scanned.
func blobHash(path string, fi fs.FileInfo) (gitread.Hash, error) {
	var h gitread.Hash
	sum := sha1.New()
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(path)
		if err != nil {
			return h, err
		}
		fmt.Fprintf(sum, "blob %d\x00%s", len(target), target)
	} else {
		f, err := os.Open(path)
		if err != nil {
			return h, err
		}
		defer f.Close()
		fmt.Fprintf(sum, "blob %d\x00", fi.Size())
		if n, err := io.Copy(sum, io.LimitReader(f, fi.Size()+1)); err != nil {
			return h, err
		} else if n != fi.Size() {
			return h, fmt.Errorf("%s changed while read", path)
		}
	}
	copy(h[:], sum.Sum(nil))
	return h, nil
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
