//go:build unix

package ghaction

import (
	"os"
	"syscall"
)

func owner(fi os.FileInfo) (uint32, uint32) {
	st := fi.Sys().(*syscall.Stat_t)
	return st.Uid, st.Gid
}
