package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// resolveRoots follows the scan paths that are symlinks themselves. The
// walk never follows a link, and a link named as a path would otherwise
// scan as an empty folder and pass. A link is followed when its target
// lies inside the working directory or the workspace (GITHUB_WORKSPACE,
// when set), where the reported paths still name files of the
// repository; one that leads elsewhere is refused, since the gate would
// judge files the repository does not hold. A followed root is given as
// its target, relative to the working directory when below it.
func resolveRoots(roots []string, workspace string) ([]string, error) {
	out := make([]string, 0, len(roots))
	for _, root := range roots {
		fi, err := os.Lstat(root)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			out = append(out, root) // the walk reports a missing path
			continue
		}
		dest, err := filepath.EvalSymlinks(root)
		if err != nil {
			return nil, fmt.Errorf("path %s: follow symlink: %w", root, err)
		}
		rel, inWD := within(dest, ".")
		if _, inWS := within(dest, workspace); !inWD && (workspace == "" || !inWS) {
			return nil, fmt.Errorf("path %s is a symlink to %s, outside the working directory and the workspace: name the folder itself", root, dest)
		}
		if inWD {
			dest = rel
		}
		out = append(out, dest)
	}
	return out, nil
}

// within reports whether path (already free of symlinks) lies in dir or
// below it, comparing real paths, and returns it relative to dir.
func within(path, dir string) (string, bool) {
	if dir == "" {
		return "", false
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", false
	}
	if real, err = filepath.Abs(real); err != nil {
		return "", false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(real, abs)
	inside := err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	return rel, inside
}
