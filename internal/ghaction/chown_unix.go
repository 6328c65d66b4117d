//go:build unix

package ghaction

import (
	"fmt"
	"os"
	"syscall"
)

// GiveToOwnerOf changes the owner of path to the owner of dir (the
// workspace) when this process runs as root and they differ. The action's
// container runs as root, and files it leaves in the workspace must stay
// removable by the runner's user in later steps.
func GiveToOwnerOf(path, dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	di, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("stat workspace %s: %w", dir, err)
	}
	ds, ok := di.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("stat %s: %w", path, err)
	}
	if fs, ok := fi.Sys().(*syscall.Stat_t); ok && fs.Uid == ds.Uid && fs.Gid == ds.Gid {
		return nil
	}
	if err := os.Lchown(path, int(ds.Uid), int(ds.Gid)); err != nil {
		return fmt.Errorf("chown %s: %w", path, err)
	}
	return nil
}
