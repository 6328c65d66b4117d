package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/internal/testtree"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return testtree.Git(t, dir, args...)
}

// changedRepo is a repository with a base commit and a pull request on
// top: one file modified, one renamed, one added, one deleted, one left
// alone, and one untracked file. It returns the work tree and the base.
func changedRepo(t *testing.T) (dir, base string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir = writeTree(t, map[string]string{"models/keep.pkl": evilPickle, "models/modify.pkl": evilPickle,
		"models/rename.pt": tinynet(t), "models/delete.pkl": posixPickle, "README.md": "x"})
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-qm", "base")
	base = git(t, dir, "rev-parse", "HEAD")
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("models/modify.pkl", posixPickle)
	if err := os.MkdirAll(filepath.Join(dir, "moved"), 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "mv", "models/rename.pt", "moved/renamed.pt")
	git(t, dir, "rm", "-q", "models/delete.pkl")
	write("models/added.pkl", evilPickle)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-qm", "pull request")
	write("models/untracked.pkl", evilPickle)
	testtree.Settle(t, dir)
	return dir, base
}

// changedFiles is what a scan since base must look at.
var changedFiles = []string{"models/added.pkl", "models/modify.pkl", "models/untracked.pkl", "moved/renamed.pt"}

func scannedPaths(t *testing.T, jsonOut string) []string {
	t.Helper()
	var out []string
	for _, f := range parseJSON(t, jsonOut).Files {
		out = append(out, f.Path)
	}
	return out
}

func TestChangedSince(t *testing.T) {
	dir, base := changedRepo(t)
	all := []string{"README.md", "models/added.pkl", "models/keep.pkl", "models/modify.pkl", "models/untracked.pkl", "moved/renamed.pt"}
	shallow := filepath.Join(t.TempDir(), "shallow")
	git(t, dir, "clone", "-q", "--depth=1", "file://"+dir, shallow)
	for _, f := range []string{"models/untracked.pkl"} {
		if err := os.WriteFile(filepath.Join(shallow, f), []byte(evilPickle), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, dir, rev string
		noGit          bool
		want           []string
		stderr         string
	}{
		{"history", dir, base, false, changedFiles, "scanning only the files added, modified or renamed since " + base + " (4 in the work tree)"},
		{"symbolic_ref", dir, "HEAD~1", false, changedFiles, "since HEAD~1"},
		{"shallow_clone", shallow, base, false, all, "shallow clone: fetch more history"},
		{"unknown_rev", dir, "no-such-branch", false, all, "no-such-branch: revision not in the local git history; scanning every file instead"},
		{"no_git", dir, base, true, changedFiles, "since " + base + " (changes read from the repository (no git program here); files not proven unchanged are scanned)"},
		{"no_git_shallow", shallow, base, true, all, "shallow clone: fetch more history"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.noGit {
				t.Setenv("PATH", t.TempDir())
			}
			r := runIn(t, tt.dir, nil, "scan", "--format=json", "--changed-since", tt.rev)
			if got := scannedPaths(t, r.stdout); !slices.Equal(got, tt.want) {
				t.Errorf("scanned %q, want %q\n%s", got, tt.want, r.stderr)
			}
			if r.code != 1 || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q, want 1 and %q", r.code, r.stderr, tt.stderr)
			}
		})
	}
	t.Run("subdirectory", func(t *testing.T) {
		r := runIn(t, filepath.Join(dir, "models"), nil, "scan", "--format=json", "--changed-since", base)
		if got := scannedPaths(t, r.stdout); !slices.Equal(got, []string{"added.pkl", "modify.pkl", "untracked.pkl"}) {
			t.Errorf("scanned %q from models/", got)
		}
	})
	outside := filepath.Join(t.TempDir(), "policy.yml")
	if err := os.WriteFile(outside, []byte("severity:\n  MG003: high\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		config string // "" finds .modelgate.yml at the root
		noGit  bool
		widen  bool
	}{
		{"policy_changed", "", false, true},
		{"policy_changed_no_git", "", true, true},
		{"policy_changed_absolute", filepath.Join(dir, ".modelgate.yml"), false, true},
		{"policy_changed_absolute_no_git", filepath.Join(dir, ".modelgate.yml"), true, true},
		{"policy_outside_repository", outside, false, false},
		{"policy_outside_repository_no_git", outside, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.config != outside {
				if err := os.WriteFile(filepath.Join(dir, ".modelgate.yml"), []byte("severity:\n  MG003: high\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				defer os.Remove(filepath.Join(dir, ".modelgate.yml"))
			}
			if tc.noGit {
				t.Setenv("PATH", t.TempDir())
			}
			r := runIn(t, dir, nil, "scan", "--format=json", "--config="+tc.config, "--changed-since", base)
			got := scannedPaths(t, r.stdout)
			widened := slices.Contains(got, "models/keep.pkl") && strings.Contains(r.stderr, "changed since "+base+"; scanning every file")
			if widened != tc.widen || (!tc.widen && !slices.Equal(got, changedFiles)) {
				t.Errorf("scanned %q, want the scan widened: %v\n%s", got, tc.widen, r.stderr)
			}
		})
	}
	for name, args := range map[string][]string{"dash_rev": {"--changed-since=-p"}, "outside": {"--changed-since=HEAD", ".."},
		"bad_scope": {"--scan-scope=some"}} {
		t.Run(name, func(t *testing.T) {
			if r := runIn(t, dir, nil, append([]string{"scan"}, args...)...); r.code != 2 || !strings.Contains(r.stderr, "Run \"modelgate scan --help\"") {
				t.Errorf("exit %d, want a usage error\n%s", r.code, r.stderr)
			}
		})
	}
}

// TestScanScope runs the Action's scan-scope input the way the runner
// passes it, with an event payload.
func TestScanScope(t *testing.T) {
	dir, base := changedRepo(t)
	all := []string{"README.md", "models/added.pkl", "models/keep.pkl", "models/modify.pkl", "models/untracked.pkl", "moved/renamed.pt"}
	payload := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(payload, []byte(`{"pull_request": {"base": {"sha": "`+base+`"}, "head": {"sha": "x"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, event, scope string
		want               []string
		summary            string
	}{
		{"pull_request", "pull_request", "changed", changedFiles, "scanning only the files added, modified or renamed since " + base},
		{"pull_request_target", "pull_request_target", "changed", changedFiles, "since " + base},
		{"push", "push", "changed", all, `scan-scope changed: applies to pull_request events, and this run is for another event ("push"); scanning every file`},
		{"scope_all", "pull_request", "all", all, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := actionEnv(t, dir, map[string]string{"scan-scope": tt.scope})
			env["GITHUB_EVENT_NAME"], env["GITHUB_EVENT_PATH"] = tt.event, payload
			r := runIn(t, dir, env, "scan", "--format=json", "--scan-scope=", "--output=out.json", "--exclude=out.json")
			if got := scannedPaths(t, readFile(t, filepath.Join(dir, "out.json"))); !slices.Equal(got, tt.want) {
				t.Errorf("scanned %q, want %q\n%s", got, tt.want, r.stderr)
			}
			summary := readFile(t, env["GITHUB_STEP_SUMMARY"])
			if tt.summary == "" && strings.Contains(summary, "### Notes") || !strings.Contains(summary, strings.ReplaceAll(tt.summary, "_", "\\_")) {
				t.Errorf("step summary lacks %q:\n%s", tt.summary, summary)
			}
		})
	}
}
