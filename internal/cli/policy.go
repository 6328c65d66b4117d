package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/modelgate/modelgate/config"
)

// loadPolicy reads the policy file: the one given, else .modelgate.yml in
// the first root when that is a directory, or in the working directory
// when the first root is a file (pre-commit passes file names), else none.
// It returns the file and its path as reports name it.
func loadPolicy(path string, roots []string) (*config.File, string, error) {
	if path == "" {
		dir := "."
		if len(roots) > 0 {
			if fi, err := os.Stat(roots[0]); err == nil && fi.IsDir() {
				dir = roots[0]
			}
		}
		candidate := filepath.Join(dir, config.DefaultName)
		if fi, err := os.Stat(candidate); err != nil || !fi.Mode().IsRegular() {
			return nil, "", nil
		}
		path = candidate
	}
	f, err := config.Load(path)
	if err != nil {
		return nil, "", err
	}
	return f, reportPath(path), nil
}

// reportPath is path relative to the working directory with forward
// slashes when it lies below it, else as given.
func reportPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(path)
}
