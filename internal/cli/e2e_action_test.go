package cli

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/modelgate/modelgate/internal/sarifcheck"
)

// action is the part of action.yml the runner reads.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]any `yaml:"outputs"`
	Runs    struct {
		Using string   `yaml:"using"`
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
	} `yaml:"runs"`
}

func loadAction(t *testing.T) action {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

var inputExpr = regexp.MustCompile(`\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}`)

type stepResult struct {
	code            int
	stdout, outputs string
	summary         string
}

// runAsAction runs bin the way the runner runs a Docker action: INPUT_*
// for every input (hyphens kept), runs.args with inputs substituted, fresh
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the workspace as working
// directory, and no other environment.
func runAsAction(t *testing.T, bin, ws string, inputs map[string]string) stepResult {
	t.Helper()
	return runAsActionEnv(t, bin, ws, inputs, nil)
}

// runAsActionEnv is runAsAction with more variables (the event, PATH).
func runAsActionEnv(t *testing.T, bin, ws string, inputs map[string]string, extra []string) stepResult {
	t.Helper()
	a := loadAction(t)
	files := t.TempDir()
	env := []string{"GITHUB_ACTIONS=true", "CI=true", "GITHUB_WORKSPACE=" + ws, "HOME=" + files,
		"GITHUB_OUTPUT=" + filepath.Join(files, "output"), "GITHUB_STEP_SUMMARY=" + filepath.Join(files, "summary")}
	env = append(env, extra...)
	values := map[string]string{}
	for name, in := range a.Inputs {
		values[name] = in.Default
		if v, ok := inputs[name]; ok {
			values[name] = v
		}
		env = append(env, "INPUT_"+strings.ToUpper(strings.ReplaceAll(name, " ", "_"))+"="+values[name])
	}
	var args []string
	for _, arg := range a.Runs.Args {
		args = append(args, inputExpr.ReplaceAllStringFunc(arg, func(m string) string {
			return values[inputExpr.FindStringSubmatch(m)[1]]
		}))
	}
	for _, f := range []string{"output", "summary"} {
		if err := os.WriteFile(filepath.Join(files, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = ws, env
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stdout
	err := cmd.Run()
	res := stepResult{stdout: stdout.String(), outputs: readFile(t, filepath.Join(files, "output")), summary: readFile(t, filepath.Join(files, "summary"))}
	if ee, ok := err.(*exec.ExitError); ok {
		res.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestActionEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	a := loadAction(t)
	if a.Runs.Using != "docker" || a.Runs.Image != "Dockerfile" {
		t.Errorf("runs: %+v", a.Runs)
	}
	for _, name := range []string{"sarif-file", "findings", "highest-severity", "files-scanned"} {
		if _, ok := a.Outputs[name]; !ok {
			t.Errorf("action.yml lacks output %s", name)
		}
	}
	bin := buildAsDockerfile(t)
	if f, err := elf.Open(bin); err == nil {
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Error("the binary is dynamically linked: it cannot run on distroless/static")
			}
		}
		f.Close()
	}
	schema := sarifcheck.Schema(t, sarifcheck.Dir(repoRoot(t)))

	t.Run("malicious", func(t *testing.T) {
		ws := writeTree(t, map[string]string{"models/evil.pkl": evilPickle, "README.md": "x"})
		r := runAsAction(t, bin, ws, nil)
		if r.code != 1 {
			t.Fatalf("exit %d, want 1\n%s", r.code, r.stdout)
		}
		logBytes, err := os.ReadFile(filepath.Join(ws, "modelgate.sarif"))
		if err != nil {
			t.Fatalf("no SARIF file in the workspace: %v", err)
		}
		if err := sarifcheck.Validate(t, schema, logBytes); err != nil {
			t.Errorf("SARIF does not follow the schema: %v", err)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					Level     string
					Locations []struct {
						PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
					}
				}
			}
		}
		if err := json.Unmarshal(logBytes, &log); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, res := range log.Runs[0].Results {
			if res.Level == "error" && res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "models/evil.pkl" {
				found = true
			}
		}
		if !found {
			t.Errorf("no error-level result for models/evil.pkl:\n%s", logBytes)
		}
		for _, want := range []string{"sarif-file<<", "\nmodelgate.sarif\n", "findings<<", "highest-severity<<", "files-scanned<<"} {
			if !strings.Contains(r.outputs, want) {
				t.Errorf("outputs lack %q:\n%s", want, r.outputs)
			}
		}
		if !regexp.MustCompile(`highest-severity<<\S+\n(critical|high)\n`).MatchString(r.outputs) {
			t.Errorf("highest-severity not high or critical:\n%s", r.outputs)
		}
		if !strings.Contains(r.summary, "## modelgate: failed") || !strings.Contains(r.summary, "`models/evil.pkl`") {
			t.Errorf("step summary:\n%s", r.summary)
		}
		if !strings.Contains(r.stdout, "::error file=models/evil.pkl,") {
			t.Errorf("no ::error annotation for the file:\n%s", r.stdout)
		}
	})

	t.Run("clean", func(t *testing.T) {
		ws := writeTree(t, map[string]string{"README.md": "x", "data/table.csv": "a,b\n1,2\n"})
		r := runAsAction(t, bin, ws, map[string]string{"category": "models"})
		if r.code != 0 {
			t.Fatalf("exit %d, want 0\n%s", r.code, r.stdout)
		}
		if !regexp.MustCompile(`findings<<\S+\n0\n`).MatchString(r.outputs) || !strings.Contains(r.summary, "## modelgate: passed") {
			t.Errorf("outputs:\n%s\nsummary:\n%s", r.outputs, r.summary)
		}
		if s := readFile(t, filepath.Join(ws, "modelgate.sarif")); !strings.Contains(s, `"results": []`) || !strings.Contains(s, `"id": "models/"`) {
			t.Errorf("clean SARIF:\n%s", s)
		}
		if strings.Contains(r.stdout, "::error") {
			t.Errorf("annotations on a clean tree:\n%s", r.stdout)
		}
	})
	t.Run("adoption_inputs", func(t *testing.T) { adoptionInputs(t, bin) })
}
