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
	"strconv"
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

// Resolve turns a revision into the commit it names. It reads what the
// Action and most command lines pass: a full or abbreviated object name,
// HEAD or @, a ref by the names gitrevisions(7) tries (main, origin/main,
// tags/v1, refs/heads/main), each optionally followed by ~N, ^N,
// ^{commit} or ^{}. Other syntax is ErrUnsupported.
func (r *Repo) Resolve(rev string) (Hash, error) {
	name := rev
	suffix := ""
	if i := strings.IndexAny(rev, "~^"); i >= 0 {
		name, suffix = rev[:i], rev[i:]
	}
	if name == "" || strings.ContainsAny(name, ":@{}*?[\\ \t") && name != "@" || strings.Contains(name, "..") {
		return Hash{}, fmt.Errorf("revision %q: %w", rev, ErrUnsupported)
	}
	h, err := r.resolveName(name)
	if err != nil {
		return Hash{}, fmt.Errorf("revision %q: %w", rev, err)
	}
	h, err = r.peelToCommit(h)
	if err != nil {
		return Hash{}, fmt.Errorf("revision %q: %w", rev, err)
	}
	for suffix != "" {
		var op byte
		op, suffix = suffix[0], suffix[1:]
		if op == '^' && strings.HasPrefix(suffix, "{") {
			end := strings.IndexByte(suffix, '}')
			if end < 0 || (suffix[1:end] != "commit" && suffix[1:end] != "") {
				return Hash{}, fmt.Errorf("revision %q: %w", rev, ErrUnsupported)
			}
			suffix = suffix[end+1:]
			continue
		}
		digits := len(suffix) - len(strings.TrimLeft(suffix, "0123456789"))
		n := 1
		if digits > 0 {
			v, err := strconv.Atoi(suffix[:digits])
			if err != nil || v > 1<<20 {
				return Hash{}, fmt.Errorf("revision %q: bad number", rev)
			}
			n = v
		}
		suffix = suffix[digits:]
		if op == '~' {
			for ; n > 0; n-- {
				if h, err = r.parent(h, 1); err != nil {
					return Hash{}, fmt.Errorf("revision %q: %w", rev, err)
				}
			}
		} else if n > 0 {
			if h, err = r.parent(h, n); err != nil {
				return Hash{}, fmt.Errorf("revision %q: %w", rev, err)
			}
		}
	}
	// A parent named by a commit may be missing (a shallow clone).
	if _, _, err := r.readObject(h); err != nil {
		return Hash{}, fmt.Errorf("revision %q: %w", rev, err)
	}
	return h, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// resolveName finds what a name without suffixes points at. As in git, a
// ref wins over an abbreviated object name, and a full object name is
// taken as one.
func (r *Repo) resolveName(name string) (Hash, error) {
	if len(name) == 40 && isHex(name) {
		return ParseHash(strings.ToLower(name))
	}
	if name == "@" {
		name = "HEAD"
	}
	for _, pattern := range []string{"%s", "refs/%s", "refs/tags/%s", "refs/heads/%s", "refs/remotes/%s", "refs/remotes/%s/HEAD"} {
		ref := fmt.Sprintf(pattern, name)
		if pattern == "%s" && ref != "HEAD" && ref != "FETCH_HEAD" && ref != "ORIG_HEAD" && ref != "MERGE_HEAD" && !strings.HasPrefix(ref, "refs/") {
			continue
		}
		h, err := r.readRef(ref, 0)
		if err == nil {
			return h, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Hash{}, err
		}
	}
	if len(name) >= 4 && isHex(name) {
		matches, err := r.objects.prefixMatches(strings.ToLower(name))
		if err != nil {
			return Hash{}, err
		}
		switch len(matches) {
		case 1:
			return matches[0], nil
		case 2:
			return Hash{}, fmt.Errorf("abbreviated object name %s is ambiguous", name)
		}
	}
	return Hash{}, ErrNotFound
}

// readRef reads a ref: a loose file (HEAD and the per-work-tree refs in the
// work tree's git directory, the rest in the common one) or a line of
// packed-refs, following symbolic refs.
func (r *Repo) readRef(ref string, depth int) (Hash, error) {
	if depth > 8 {
		return Hash{}, fmt.Errorf("ref %s: symbolic refs nest deeper than 8", ref)
	}
	if !validRefName(ref) {
		return Hash{}, ErrNotFound
	}
	dir := r.commonDir
	if !strings.HasPrefix(ref, "refs/") || strings.HasPrefix(ref, "refs/worktree/") || strings.HasPrefix(ref, "refs/bisect/") {
		dir = r.gitDir
	}
	b, err := readSmall(filepath.Join(dir, filepath.FromSlash(ref)))
	if err == nil {
		text := strings.TrimSpace(string(b))
		if target, ok := strings.CutPrefix(text, "ref:"); ok {
			return r.readRef(strings.TrimSpace(target), depth+1)
		}
		if ref == "FETCH_HEAD" {
			text, _, _ = strings.Cut(text, "\t")
		}
		if len(text) >= 40 {
			text = text[:40]
		}
		return ParseHash(text)
	}
	if !errors.Is(err, os.ErrNotExist) && !isDirErr(err) {
		return Hash{}, err
	}
	return r.packedRef(ref)
}

func isDirErr(err error) bool {
	var pe *os.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "is a directory")
}

func validRefName(ref string) bool {
	if ref == "" || strings.HasPrefix(ref, "/") || strings.HasSuffix(ref, "/") || strings.HasSuffix(ref, ".lock") {
		return false
	}
	for _, part := range strings.Split(ref, "/") {
		if part == "" || strings.HasPrefix(part, ".") {
			return false
		}
	}
	return !strings.ContainsAny(ref, "\x00\\") && !strings.Contains(ref, "..")
}

func (r *Repo) packedRef(ref string) (Hash, error) {
	f, err := os.Open(filepath.Join(r.commonDir, "packed-refs"))
	if errors.Is(err, os.ErrNotExist) {
		return Hash{}, ErrNotFound
	} else if err != nil {
		return Hash{}, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "^") {
			continue
		}
		hx, name, ok := strings.Cut(line, " ")
		if ok && name == ref {
			return ParseHash(hx)
		}
	}
	if err := sc.Err(); err != nil {
		return Hash{}, err
	}
	return Hash{}, ErrNotFound
}

// readObject reads an object, telling a missing one apart.
func (r *Repo) readObject(h Hash) (int, []byte, error) {
	typ, data, err := r.objects.read(h)
	if errors.Is(err, errMissing) {
		return 0, nil, fmt.Errorf("object %s: %w", h, ErrNotFound)
	}
	return typ, data, err
}

// peelToCommit follows annotated tags to the commit they tag.
func (r *Repo) peelToCommit(h Hash) (Hash, error) {
	for range 16 {
		typ, data, err := r.readObject(h)
		if err != nil {
			return Hash{}, err
		}
		switch typ {
		case typeCommit:
			return h, nil
		case typeTag:
			target, ok := header(data, "object")
			if !ok {
				return Hash{}, fmt.Errorf("tag %s has no object line", h)
			}
			if h, err = ParseHash(target); err != nil {
				return Hash{}, err
			}
		default:
			return Hash{}, fmt.Errorf("%s is not a commit", h)
		}
	}
	return Hash{}, fmt.Errorf("tags nest deeper than 16 at %s", h)
}

// header returns the value of the first header line "key value" of a
// commit or tag.
func header(data []byte, key string) (string, bool) {
	vals := headers(data, key)
	if len(vals) == 0 {
		return "", false
	}
	return vals[0], true
}

func headers(data []byte, key string) []string {
	var out []string
	text := string(data)
	for text != "" {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, key+" "); ok {
			out = append(out, v)
		}
	}
	return out
}

// parent returns the n-th parent (from 1) of a commit.
func (r *Repo) parent(h Hash, n int) (Hash, error) {
	typ, data, err := r.readObject(h)
	if err != nil {
		return Hash{}, err
	}
	if typ != typeCommit {
		return Hash{}, fmt.Errorf("%s is not a commit", h)
	}
	parents := headers(data, "parent")
	if n > len(parents) {
		return Hash{}, fmt.Errorf("commit %s has no parent %d: %w", h, n, ErrNotFound)
	}
	return ParseHash(parents[n-1])
}

// CommitTree returns the tree of a commit.
func (r *Repo) CommitTree(commit Hash) (Hash, error) {
	typ, data, err := r.readObject(commit)
	if err != nil {
		return Hash{}, err
	}
	if typ != typeCommit {
		return Hash{}, fmt.Errorf("%s is not a commit", commit)
	}
	tree, ok := header(data, "tree")
	if !ok {
		return Hash{}, fmt.Errorf("commit %s has no tree line", commit)
	}
	return ParseHash(tree)
}
