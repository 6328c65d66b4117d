package cli

import (
	"os"
	"path/filepath"

	"github.com/modelgate/modelgate/config"
)

// noPolicy is how the outputs name the absence of a policy file.
const noPolicy = "no policy file"

// loadPolicy reads the policy file: the one given, else .modelgate.yml at
// the repository root (repoRoot), else none. The paths to scan never
// decide it: a scan of "models" and one of "." must judge by the same
// rules, and a policy file inside a scanned folder would let whoever adds
// files there also add their exceptions. It returns the file and its path
// as reports name it.
func loadPolicy(path, repoRoot string) (*config.File, string, error) {
	if path == "" {
		candidate := filepath.Join(repoRoot, config.DefaultName)
		if fi, err := os.Stat(candidate); err != nil || !fi.Mode().IsRegular() {
			return nil, "", nil
		}
		path = filepath.FromSlash(reportPath(candidate)) // messages name it as reports do
	}
	f, err := config.Load(path)
	if err != nil {
		return nil, "", err
	}
	return f, reportPath(path), nil
}

// repositoryRoot is where the policy file is looked for and what SARIF
// paths are relative to: the workspace inside GitHub Actions, else the
// nearest folder at or above the working directory that holds .git, else
// the working directory.
func repositoryRoot(workspace string) string {
	if workspace != "" {
		return workspace
	}
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return wd
		}
		dir = parent
	}
}

// reportPath is path relative to the working directory with forward
// slashes ("../.modelgate.yml" from a subfolder) when it can be, else
// absolute.
func reportPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(abs)
}
