package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestInit(t *testing.T) {
	dir := writeTree(t, map[string]string{"models/tinynet.pt": tinynet(t), "models/evil.pkl": evilPickle})
	r := runIn(t, dir, nil, "init")
	if r.code != 0 || !strings.Contains(r.stdout, "wrote .modelgate.yml with 1 allow entry (reason: TODO)") {
		t.Fatalf("init: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	written := readFile(t, filepath.Join(dir, ".modelgate.yml"))
	for _, want := range []string{"  - global: __main__.TinyNet\n    reason: TODO\n", "#   os.system\n"} {
		if !strings.Contains(written, want) || !strings.Contains(r.stdout, want) {
			t.Errorf("the file, or what init printed, lacks %q:\n%s", want, written)
		}
	}
	if strings.Contains(written, "global: os.system") {
		t.Error("init allowed a known-dangerous callable")
	}
	r = runIn(t, dir, nil, "scan", "--format=json")
	if got := parseJSON(t, r.stdout).findings(); !slices.Equal(got, []string{"models/evil.pkl MG001 critical os.system"}) {
		t.Errorf("scan with the starter file: findings %q, want only the dangerous one", got)
	}

	if err := os.WriteFile(filepath.Join(dir, ".modelgate.yml"), []byte("allow: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r = runIn(t, dir, nil, "init"); r.code != 2 || !strings.Contains(r.stderr, ".modelgate.yml exists") {
		t.Errorf("init over an existing file: exit %d, want 2\n%s", r.code, r.stderr)
	}
	if got := readFile(t, filepath.Join(dir, ".modelgate.yml")); got != "allow: []\n" {
		t.Errorf("init changed an existing file without --force: %q", got)
	}
	if r = runIn(t, dir, nil, "init", "--force"); r.code != 0 || !strings.Contains(readFile(t, filepath.Join(dir, ".modelgate.yml")), "__main__.TinyNet") {
		t.Errorf("init --force: exit %d\n%s", r.code, r.stderr)
	}
	// A folder is scanned, and the file written at the root, where a
	// scan of that folder reads it.
	if r = runIn(t, dir, nil, "init", "--force", "models"); r.code != 0 || !strings.Contains(r.stdout, "wrote .modelgate.yml") {
		t.Errorf("init models: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runIn(t, dir, nil, "scan", "--format=json", "models")
	if got := parseJSON(t, r.stdout).findings(); !slices.Equal(got, []string{"models/evil.pkl MG001 critical os.system"}) {
		t.Errorf("scan models with the starter file: findings %q, want only the dangerous one", got)
	}
	for name, args := range map[string][]string{"two_paths": {"init", "a", "b"}, "missing": {"init", "nowhere"}, "flag": {"init", "--frob"}} {
		if r = runIn(t, dir, nil, args...); r.code != 2 {
			t.Errorf("%s: exit %d, want 2", name, r.code)
		}
	}
	if r = runIn(t, dir, nil, "help", "init"); r.code != 0 || !strings.Contains(r.stdout, "reason: TODO") {
		t.Errorf("help init: exit %d\n%s", r.code, r.stdout)
	}
}

// TestShards: --shard 1/3, 2/3 and 3/3 over testdata/ cover every file
// exactly once, and each shard's SARIF has its own category.
func TestShards(t *testing.T) {
	root := repoRoot(t)
	full := scannedPaths(t, runIn(t, root, nil, "scan", "--format=json", "testdata").stdout)
	if len(full) < 50 {
		t.Fatalf("only %d files under testdata", len(full))
	}
	var union []string
	for k := 1; k <= 3; k++ {
		shard := []string{"--shard", string(rune('0'+k)) + "/3"}
		part := scannedPaths(t, runIn(t, root, nil, append([]string{"scan", "--format=json", "testdata"}, shard...)...).stdout)
		if len(part) == 0 {
			t.Errorf("shard %d/3 is empty", k)
		}
		union = append(union, part...)
		r := runIn(t, root, nil, append([]string{"scan", "--format=sarif", "testdata"}, shard...)...)
		log := parseSARIF(t, r.stdout)
		want := "modelgate/shard-" + string(rune('0'+k)) + "-of-3/"
		if ad := log.Runs[0].AutomationDetails; ad == nil || ad.ID != want {
			t.Errorf("shard %d/3: automationDetails %+v, want id %q", k, ad, want)
		}
	}
	slices.Sort(union)
	if !slices.Equal(union, full) {
		t.Errorf("the shards cover %d files (%d distinct), the full scan %d", len(union), len(slices.Compact(slices.Clone(union))), len(full))
	}
	r := runIn(t, root, nil, "scan", "--format=sarif", "--shard=2/3", "--category=models", "testdata")
	if ad := parseSARIF(t, r.stdout).Runs[0].AutomationDetails; ad == nil || ad.ID != "models/" {
		t.Errorf("--category with --shard: %+v, want models/", ad)
	}
	for _, bad := range []string{"0/3", "4/3", "1/0", "a/b", "1/3/5"} {
		if r := runIn(t, root, nil, "scan", "--shard", bad); r.code != 2 || !strings.Contains(r.stderr, "--shard") {
			t.Errorf("--shard %s: exit %d, want 2\n%s", bad, r.code, r.stderr)
		}
	}
}

// TestPreCommitHook runs the hook's entry the way pre-commit does with
// pass_filenames: the entry's words, then the staged file names.
func TestPreCommitHook(t *testing.T) {
	var hooks []struct {
		ID            string   `yaml:"id"`
		Entry         string   `yaml:"entry"`
		Language      string   `yaml:"language"`
		PassFilenames bool     `yaml:"pass_filenames"`
		Types         []string `yaml:"types"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(repoRoot(t), ".pre-commit-hooks.yaml"))), &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 2 || hooks[0].ID != "modelgate" || hooks[0].Language != "golang" || !hooks[0].PassFilenames {
		t.Fatalf("hooks: %+v", hooks)
	}
	// For machines without Go: the same command from the published image
	// (its ENTRYPOINT is the binary, so the entry is the image, then args).
	if d := hooks[1]; d.ID != "modelgate-docker" || d.Language != "docker_image" || !d.PassFilenames ||
		!strings.HasPrefix(d.Entry, "ghcr.io/modelgate/modelgate:v1 ") || strings.Join(strings.Fields(d.Entry)[1:], " ") != strings.Join(strings.Fields(hooks[0].Entry)[1:], " ") {
		t.Errorf("docker_image hook: %+v", d)
	}
	// pre-commit's golang language runs "go install ./..." in the
	// repository: it must install exactly one command, modelgate.
	cmd := exec.Command(goTool(t), "list", "-f", "{{if eq .Name \"main\"}}{{.ImportPath}}{{end}}", "./...")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.Output(); err != nil || strings.TrimSpace(string(out)) != "github.com/modelgate/modelgate" {
		t.Errorf("main packages of the module: %q (%v), want only github.com/modelgate/modelgate", out, err)
	}
	entry := strings.Fields(hooks[0].Entry)
	if entry[0] != "modelgate" || entry[1] != "scan" {
		t.Fatalf("entry %q does not run modelgate scan", hooks[0].Entry)
	}
	tree := map[string]string{"models/evil.pkl": evilPickle, "models/tinynet.pt": tinynet(t), "src/train.py": "print(1)\n", "README.md": "x"}
	tests := []struct {
		name   string
		policy string
		staged []string
		code   int
	}{
		{"malicious_staged", "", []string{"README.md", "models/evil.pkl", "src/train.py"}, 1},
		{"benign_staged", "", []string{"README.md", "models/tinynet.pt", "src/train.py"}, 0},
		{"policy_at_root_applies", "severity:\n  MG003: high\n", []string{"models/tinynet.pt", "README.md"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := merged(tree, nil)
			if tt.policy != "" {
				tree[".modelgate.yml"] = tt.policy
			}
			r := runIn(t, writeTree(t, tree), nil, append(entry[1:], tt.staged...)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
}

// adoptionInputs runs the built binary as the Action with the inputs
// scan-scope, shard and baseline. Without PATH, as in the Action's
// distroless image, there is no git.
func adoptionInputs(t *testing.T, bin string) {
	ws, base := changedRepo(t)
	event := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(event, []byte(`{"pull_request": {"base": {"sha": "`+base+`"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	pr := []string{"GITHUB_EVENT_NAME=pull_request", "GITHUB_EVENT_PATH=" + event}
	uris := func() []string {
		var out []string
		for _, res := range parseSARIF(t, readFile(t, filepath.Join(ws, "modelgate.sarif"))).Runs[0].Results {
			out = append(out, res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		}
		return out
	}
	r := runAsActionEnv(t, bin, ws, map[string]string{"scan-scope": "changed"}, append(pr, "PATH="+os.Getenv("PATH")))
	if got := uris(); r.code != 1 || !slices.Equal(got, changedFiles) {
		t.Errorf("scan-scope changed with git: exit %d, results on %q, want %q\n%s", r.code, got, changedFiles, r.stdout)
	}
	r = runAsActionEnv(t, bin, ws, map[string]string{"scan-scope": "changed"}, pr)
	if got := uris(); r.code != 1 || !slices.Equal(got, changedFiles) || !strings.Contains(r.summary, "no git program here") {
		t.Errorf("scan-scope changed without git: exit %d, results on %q, want %q and a note\n%s", r.code, got, changedFiles, r.summary)
	}
	r = runAsAction(t, bin, ws, map[string]string{"shard": "2/3"})
	if ad := parseSARIF(t, readFile(t, filepath.Join(ws, "modelgate.sarif"))).Runs[0].AutomationDetails; ad == nil || ad.ID != "modelgate/shard-2-of-3/" {
		t.Errorf("shard input: exit %d, automationDetails %+v", r.code, ad)
	}
	if r = runAsAction(t, bin, ws, nil); r.code != 1 {
		t.Fatalf("baseline run: exit %d", r.code)
	}
	if err := os.Rename(filepath.Join(ws, "modelgate.sarif"), filepath.Join(ws, "base.sarif")); err != nil {
		t.Fatal(err)
	}
	if r = runAsAction(t, bin, ws, map[string]string{"baseline": "base.sarif"}); r.code != 0 || !strings.Contains(r.summary, "already in the baseline") {
		t.Errorf("baseline input: exit %d\n%s", r.code, r.summary)
	}
}
