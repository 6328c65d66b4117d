package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// symlink makes the link name -> target inside dir.
func symlink(t *testing.T, dir, target, name string) {
	t.Helper()
	if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
		t.Skipf("symlinks: %v", err)
	}
}

// TestSymlinkedPath: a symlink named as a scan path is followed when it
// stays inside the working directory or the workspace, and refused when
// it leaves them; it never scans as an empty folder.
func TestSymlinkedPath(t *testing.T) {
	outside := writeTree(t, map[string]string{"evil.pkl": evilPickle})
	tests := []struct {
		name    string
		target  string
		inAct   bool
		code    int
		stdout  string
		stderr  string
		another bool
	}{
		{name: "inside_followed", target: "data/models", code: 1, stdout: "data/models/evil.pkl"},
		{name: "inside_followed_in_actions", target: "data/models", inAct: true, code: 1, stdout: "data/models/evil.pkl"},
		{name: "outside_refused", target: outside, code: 2, stderr: "outside"},
		{name: "outside_refused_in_actions", target: outside, inAct: true, code: 2, stderr: "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := writeTree(t, map[string]string{"data/models/evil.pkl": evilPickle, "README.md": "x"})
			symlink(t, ws, tt.target, "models")
			env := map[string]string{}
			if tt.inAct {
				env = actionEnv(t, ws, map[string]string{"path": "models"})
			}
			r := runIn(t, ws, env, "scan", "models")
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstdout %s\nstderr %s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
}

// TestGlobsLikeGitignore: a pattern without a slash matches the base name
// at any depth, a pattern with one matches from the root, and a folder
// matched covers what is below it.
func TestGlobsLikeGitignore(t *testing.T) {
	tree := map[string]string{"models/a/b.pkl": evilPickle, "vendor/x/c.pkl": evilPickle, "README.md": "x"}
	tests := []struct {
		name string
		args []string
		code int
		want []string // scanned paths
	}{
		{"include_base_name_any_depth", []string{"--include", "*.pkl"}, 1, []string{"models/a/b.pkl", "vendor/x/c.pkl"}},
		{"exclude_base_name_any_depth", []string{"--exclude", "*.pkl"}, 0, nil},
		{"exclude_folder_name_any_depth", []string{"--exclude", "x"}, 1, []string{"models/a/b.pkl"}},
		{"exclude_folder_path", []string{"--exclude", "vendor"}, 1, []string{"models/a/b.pkl"}},
		{"exclude_dir_only_pattern", []string{"--exclude", "a/"}, 1, []string{"vendor/x/c.pkl"}},
		{"anchored_pattern", []string{"--include", "/models/**"}, 1, []string{"models/a/b.pkl"}},
		{"slash_pattern_from_root", []string{"--include", "a/*.pkl"}, 0, nil},
		{"doublestar_kept", []string{"--include", "**/a/*.pkl"}, 1, []string{"models/a/b.pkl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := writeTree(t, tree)
			r := runIn(t, ws, nil, append([]string{"scan", "--format=json"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
			var got []string
			for _, p := range scannedPaths(t, r.stdout) {
				if strings.HasSuffix(p, ".pkl") {
					got = append(got, p)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("scanned %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPartialScanCategory: a scan limited to the changed files has its own
// SARIF category, so code scanning does not close the alerts of the files
// it did not look at; a category given wins.
func TestPartialScanCategory(t *testing.T) {
	dir, base := changedRepo(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"changed_since", []string{"--changed-since", base}, `"id": "modelgate/changed/"`},
		{"changed_and_shard", []string{"--changed-since", base, "--shard", "1/2"}, `"id": "modelgate/changed/shard-1-of-2/"`},
		{"given_wins", []string{"--changed-since", base, "--category", "mine"}, `"id": "mine/"`},
		{"full_scan_has_none", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runIn(t, dir, nil, append([]string{"scan", "--format=sarif", "--fail-on=none"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			checkSARIF(t, []byte(r.stdout))
			if tt.want == "" && strings.Contains(r.stdout, "automationDetails") || !strings.Contains(r.stdout, tt.want) {
				t.Errorf("want %q in the SARIF:\n%.2000s", tt.want, r.stdout)
			}
		})
	}
}

// TestReleaseVersion: the release workflow's and the Dockerfile's -X
// flags name a variable that exists, so a release build reports its
// version instead of devel.
func TestReleaseVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	root := repoRoot(t)
	wf := readFile(t, filepath.Join(root, ".github", "workflows", "release.yml"))
	df := readFile(t, filepath.Join(root, "Dockerfile"))
	for _, src := range []struct{ name, text string }{{"release.yml", wf}, {"Dockerfile", df}} {
		t.Run(strings.ToLower(strings.TrimSuffix(src.name, ".yml")), func(t *testing.T) {
			i := strings.Index(src.text, "-X ")
			if i < 0 {
				t.Fatalf("%s sets no version with -ldflags -X", src.name)
			}
			symbol, _, ok := strings.Cut(strings.Fields(src.text[i+3:])[0], "=")
			if !ok {
				t.Fatalf("%s: -X without =", src.name)
			}
			bin := filepath.Join(t.TempDir(), "modelgate")
			cmd := exec.Command(goTool(t), "build", "-ldflags", "-X "+symbol+"=v9.8.7", "-o", bin, ".")
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			out, err := exec.Command(bin, "--version").Output()
			if err != nil || strings.TrimSpace(string(out)) != "modelgate v9.8.7" {
				t.Errorf("%s: -X %s=v9.8.7 gives %q (%v)", src.name, symbol, out, err)
			}
		})
	}
}
