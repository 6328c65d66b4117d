package gitread

import (
	"bytes"
	"fmt"
	"strconv"
)

// Modes of tree and index entries.
const (
	ModeTree       = 0o040000
	ModeFile       = 0o100644
	ModeExecutable = 0o100755
	ModeSymlink    = 0o120000
	ModeGitlink    = 0o160000
)

// Entry is a file of a tree: its mode and blob.
type Entry struct {
	Mode uint32
	Hash Hash
}

// maxTreeEntries bounds the files of one flattened tree.
const maxTreeEntries = 20_000_000

// Files returns every file (blob or symbolic link) of a tree by its path
// from the top, with forward slashes. Submodules (gitlinks) are left out.
func (r *Repo) Files(tree Hash) (map[string]Entry, error) {
	out := map[string]Entry{}
	if err := r.walkTree(tree, "", 0, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *Repo) walkTree(h Hash, prefix string, depth int, out map[string]Entry) error {
	if depth > 4096 {
		return fmt.Errorf("trees nest deeper than 4096 at %s", prefix)
	}
	typ, data, err := r.readObject(h)
	if err != nil {
		return err
	}
	if typ != typeTree {
		return fmt.Errorf("%s (%q) is not a tree", h, prefix)
	}
	return parseTree(data, func(mode uint32, name string, child Hash) error {
		path := prefix + name
		switch mode {
		case ModeTree:
			return r.walkTree(child, path+"/", depth+1, out)
		case ModeGitlink:
			return nil
		}
		if len(out) >= maxTreeEntries {
			return fmt.Errorf("more than %d files in one tree", maxTreeEntries)
		}
		out[path] = Entry{Mode: mode, Hash: child}
		return nil
	})
}

// parseTree calls fn for each entry of a tree object: "MODE NAME\x00" and
// a 20-byte object name.
func parseTree(data []byte, fn func(mode uint32, name string, h Hash) error) error {
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp <= 0 || sp > 7 {
			return fmt.Errorf("bad tree entry mode")
		}
		mode, err := strconv.ParseUint(string(data[:sp]), 8, 32)
		if err != nil {
			return fmt.Errorf("bad tree entry mode %q", data[:sp])
		}
		data = data[sp+1:]
		nul := bytes.IndexByte(data, 0)
		if nul <= 0 || len(data) < nul+21 {
			return fmt.Errorf("truncated tree entry")
		}
		name := string(data[:nul])
		if name == "." || name == ".." || bytes.IndexByte(data[:nul], '/') >= 0 {
			return fmt.Errorf("bad tree entry name %q", name)
		}
		var h Hash
		copy(h[:], data[nul+1:nul+21])
		data = data[nul+21:]
		m := uint32(mode)
		switch {
		case m == ModeTree, m == ModeGitlink, m == ModeSymlink, m&0o170000 == 0o100000:
			if m&0o170000 == 0o100000 {
				// git normalises file modes to 644 or 755.
				m = ModeFile
				if mode&0o100 != 0 {
					m = ModeExecutable
				}
			}
			if err := fn(m, name, h); err != nil {
				return err
			}
		default:
			return fmt.Errorf("tree entry %q has unknown mode %o", name, mode)
		}
	}
	return nil
}
