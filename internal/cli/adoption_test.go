package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// workflow is the part of a workflow file the adoption checks read.
type workflow struct {
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]struct {
		Permissions map[string]string `yaml:"permissions"`
		Steps       []struct {
			Uses string `yaml:"uses"`
			If   string `yaml:"if"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// workflowBlocks returns the ```yaml blocks of markdown that are workflows.
func workflowBlocks(markdown string) []string {
	var out []string
	for _, part := range strings.Split(markdown, "```yaml\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		if strings.Contains(block, "\njobs:") {
			out = append(out, block)
		}
	}
	return out
}

// checkUploads holds every SARIF upload of a workflow to what the README
// promises: the current major of upload-sarif, run unless cancelled (the
// findings of a failed gate are uploaded), never from a fork's pull
// request (read-only token), with the permissions it needs.
func checkUploads(t *testing.T, name, text string) {
	t.Helper()
	var wf workflow
	if err := yaml.Unmarshal([]byte(text), &wf); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for id, job := range wf.Jobs {
		perms := job.Permissions
		if perms == nil {
			perms = wf.Permissions
		}
		for _, st := range job.Steps {
			if !strings.HasPrefix(st.Uses, "github/codeql-action/upload-sarif@") {
				continue
			}
			if st.Uses != "github/codeql-action/upload-sarif@v4" {
				t.Errorf("%s job %s: %s, want the current major @v4", name, id, st.Uses)
			}
			if !strings.Contains(st.If, "!cancelled()") || !strings.Contains(st.If, "github.event.pull_request.head.repo.full_name == github.repository") {
				t.Errorf("%s job %s: upload if %q lacks !cancelled() or the fork guard", name, id, st.If)
			}
			for k, v := range map[string]string{"contents": "read", "security-events": "write", "actions": "read"} {
				if perms[k] != v {
					t.Errorf("%s job %s: permission %s is %q, want %s", name, id, k, perms[k], v)
				}
			}
		}
	}
}

// TestReadmeAdoption: what a new user copies from the README works as
// the project's own CI does, and the README says how to install and pin.
func TestReadmeAdoption(t *testing.T) {
	readme := readFile(t, filepath.Join(repoRoot(t), "README.md"))
	blocks := workflowBlocks(readme)
	if len(blocks) < 3 {
		t.Fatalf("%d workflow examples in the README", len(blocks))
	}
	for i, b := range blocks {
		checkUploads(t, "README workflow "+string(rune('1'+i)), b)
	}
	ci := filepath.Join(repoRoot(t), ".github", "workflows", "ci.yml")
	checkUploads(t, "ci.yml", readFile(t, ci))
	for _, want := range []string{
		"## Install", "go install github.com/modelgate/modelgate@", "SHA256SUMS", "ghcr.io/modelgate/modelgate:",
		`docker run --rm --user "$(id -u):$(id -g)"`, "modelgate-docker", "never moved", "`v1` moves",
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks %q", want)
		}
	}
	if !regexp.MustCompile(`modelgate/modelgate@<40-hex\s+commit SHA>`).MatchString(readme) {
		t.Error("README does not show how to pin the Action by commit SHA")
	}
}

// TestReleasePinsByDigest: a release names its image by digest in the
// tagged action.yml and pre-commit hook (scripts/pin-release.sh, run on
// copies here), and creates its version tag once: only the major tag is
// ever forced.
func TestReleasePinsByDigest(t *testing.T) {
	root := repoRoot(t)
	wfText := readFile(t, filepath.Join(root, ".github", "workflows", "release.yml"))
	var wf struct {
		On map[string]any `yaml:"on"`
	}
	if err := yaml.Unmarshal([]byte(wfText), &wf); err != nil {
		t.Fatal(err)
	}
	if _, ok := wf.On["workflow_dispatch"]; !ok || wf.On["push"] != nil {
		t.Errorf("release triggers %v: want workflow_dispatch, which creates the tag, not a pushed tag", wf.On)
	}
	for _, line := range strings.Split(wfText, "\n") {
		if (strings.Contains(line, "git tag -f") || strings.Contains(line, "--force")) && !strings.Contains(line, "$MAJOR") {
			t.Errorf("release.yml forces a tag other than the major: %s", strings.TrimSpace(line))
		}
	}
	if !strings.Contains(wfText, "./scripts/pin-release.sh \"$IMAGE\" \"$DIGEST\"") {
		t.Error("release.yml does not pin with scripts/pin-release.sh")
	}
	dir := t.TempDir()
	for _, f := range []string{"action.yml", ".pre-commit-hooks.yaml"} {
		testtreeCopy(t, filepath.Join(root, f), filepath.Join(dir, f))
	}
	digest := "sha256:" + strings.Repeat("ab", 32)
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "pin-release.sh"), "ghcr.io/modelgate/modelgate", digest, dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pin-release.sh: %v\n%s", err, out)
	}
	var act action
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(dir, "action.yml"))), &act); err != nil {
		t.Fatal(err)
	}
	if want := "docker://ghcr.io/modelgate/modelgate@" + digest; act.Runs.Image != want {
		t.Errorf("pinned runs.image %q, want %q", act.Runs.Image, want)
	}
	var hooks []struct {
		ID, Entry string
	}
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(dir, ".pre-commit-hooks.yaml"))), &hooks); err != nil {
		t.Fatal(err)
	}
	for _, h := range hooks {
		if h.ID == "modelgate-docker" && !strings.HasPrefix(h.Entry, "ghcr.io/modelgate/modelgate@"+digest+" scan ") {
			t.Errorf("pinned docker hook entry %q", h.Entry)
		}
	}
	bad := exec.Command("bash", filepath.Join(root, "scripts", "pin-release.sh"), "ghcr.io/modelgate/modelgate", "latest", dir)
	if bad.Run() == nil {
		t.Error("pin-release.sh accepted a digest that is not sha256:<hex>")
	}
}

func testtreeCopy(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.WriteFile(dst, []byte(readFile(t, src)), 0o644); err != nil {
		t.Fatal(err)
	}
}
