// Package gitread reads what a pull-request scan needs from a git
// repository without running git: the tree of a commit, the index, and the
// revision names that lead to them. The modelgate Action's image has no
// git program, and a scan must not need one to know what changed.
//
// It only reads. It understands SHA-1 repositories with the files ref
// backend: loose objects, pack files (version 1 and 2 indexes, offset and
// reference deltas), alternates, linked work trees and index versions 2
// to 4. Anything else (SHA-256 objects, reftable, split or sparse
// indexes) is refused with ErrUnsupported, and the caller scans
// everything. Every size it reads is bounded.
package gitread

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotFound means a revision or object is not in the repository.
var ErrNotFound = errors.New("not found")

// ErrUnsupported means the repository uses a feature this reader does not
// read; git itself could.
var ErrUnsupported = errors.New("not supported without git")

// ErrNotRepository means no repository holds the directory.
var ErrNotRepository = errors.New("not inside a git work tree")

// Repo is an open repository.
type Repo struct {
	workTree  string // the top of the work tree
	gitDir    string // HEAD, index (per work tree)
	commonDir string // objects, refs, packed-refs, shallow, config
	objects   *store
}

// Open finds the repository whose work tree holds dir, as git does: the
// nearest .git directory or .git file ("gitdir: PATH") above it.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		dotgit := filepath.Join(d, ".git")
		fi, err := os.Stat(dotgit)
		if err == nil {
			return openAt(d, dotgit, fi.IsDir())
		}
		if filepath.Dir(d) == d {
			return nil, fmt.Errorf("%s: %w", dir, ErrNotRepository)
		}
	}
}

func openAt(workTree, dotgit string, isDir bool) (*Repo, error) {
	r := &Repo{workTree: workTree, gitDir: dotgit}
	if !isDir {
		b, err := readSmall(dotgit)
		if err != nil {
			return nil, err
		}
		target, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir: ")
		if !ok {
			return nil, fmt.Errorf("%s: not a gitdir file", dotgit)
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(workTree, target)
		}
		r.gitDir = filepath.Clean(target)
	}
	r.commonDir = r.gitDir
	if b, err := readSmall(filepath.Join(r.gitDir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(r.gitDir, c)
		}
		r.commonDir = filepath.Clean(c)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := r.checkConfig(); err != nil {
		return nil, err
	}
	objects, err := openStore(filepath.Join(r.commonDir, "objects"))
	if err != nil {
		return nil, err
	}
	r.objects = objects
	return r, nil
}

// Close releases the pack files.
func (r *Repo) Close() { r.objects.close() }

// WorkTree is the top directory of the work tree.
func (r *Repo) WorkTree() string { return r.workTree }

// Shallow reports whether the repository is a shallow clone, whose
// history stops short.
func (r *Repo) Shallow() bool {
	_, err := os.Stat(filepath.Join(r.commonDir, "shallow"))
	return err == nil
}

// checkConfig refuses repositories whose format this reader does not
// know: an extension it does not read changes what the files mean.
func (r *Repo) checkConfig() error {
	f, err := os.Open(filepath.Join(r.commonDir, "config"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	defer f.Close()
	section := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			end := strings.IndexByte(line, ']')
			if end < 0 {
				continue
			}
			section = strings.ToLower(strings.TrimSpace(line[1:end]))
			line = strings.TrimSpace(line[end+1:])
		}
		key, value, _ := strings.Cut(line, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.ToLower(strings.Trim(strings.TrimSpace(value), `"`))
		switch {
		case section == "core" && key == "repositoryformatversion" && value != "0" && value != "1":
			return fmt.Errorf("repository format version %s: %w", value, ErrUnsupported)
		case section == "extensions" && key == "objectformat" && value != "sha1":
			return fmt.Errorf("%s object names: %w", value, ErrUnsupported)
		case section == "extensions" && key == "refstorage" && value != "files":
			return fmt.Errorf("the %s ref storage: %w", value, ErrUnsupported)
		case section == "extensions" && key != "" && !knownExtensions[key]:
			return fmt.Errorf("the repository extension %s: %w", key, ErrUnsupported)
		}
	}
	return sc.Err()
}

// knownExtensions are the repository extensions that leave objects, refs
// and the index as this reader reads them (objectformat and refstorage
// only with their default values, checked above).
var knownExtensions = map[string]bool{
	"noop": true, "noop-v1": true, "partialclone": true, "preciousobjects": true,
	"worktreeconfig": true, "objectformat": true, "refstorage": true,
}

// readSmall reads a file of git's own bookkeeping (a ref, a gitdir link)
// that has no reason to be large.
func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := readExactlyUpTo(f, 64<<10)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

func readExactlyUpTo(f *os.File, limit int64) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%d bytes, more than %d", fi.Size(), limit)
	}
	b := make([]byte, fi.Size())
	n, err := f.ReadAt(b, 0)
	if n == len(b) {
		return b, nil
	}
	return nil, err
}
