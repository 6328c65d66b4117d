package gitread

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

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
	if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.EISDIR) {
		return Hash{}, err
	}
	return r.packedRef(ref)
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
