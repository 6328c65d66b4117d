package main

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"
)

// dockerfile is the parsed Dockerfile: its instructions in order.
func dockerfile(t *testing.T) [][2]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		out = append(out, [2]string{strings.ToUpper(instr), strings.TrimSpace(rest)})
	}
	return out
}

func TestDockerfileShape(t *testing.T) {
	var froms, entrypoints []string
	var buildLine string
	args := map[string]string{}
	for _, in := range dockerfile(t) {
		switch in[0] {
		case "FROM":
			froms = append(froms, in[1])
		case "ENTRYPOINT":
			entrypoints = append(entrypoints, in[1])
		case "USER", "WORKDIR":
			t.Errorf("%s %s: the runner sets the user and the working directory", in[0], in[1])
		case "ARG":
			k, v, _ := strings.Cut(in[1], "=")
			args[k] = v
		case "RUN":
			if strings.Contains(in[1], "go build") {
				buildLine = in[1]
			}
		}
	}
	if len(froms) != 2 || !strings.HasSuffix(froms[0], " AS build") {
		t.Errorf("want a builder stage and a final stage, got FROM %q", froms)
	}
	if !strings.HasPrefix(args["GO_IMAGE"], "golang:1.26") || !strings.Contains(args["BASE_IMAGE"], "distroless/static") {
		t.Errorf("base image arguments %v", args)
	}
	if len(entrypoints) != 1 {
		t.Fatalf("ENTRYPOINT %q", entrypoints)
	}
	var ep []string
	if err := json.Unmarshal([]byte(entrypoints[0]), &ep); err != nil || len(ep) != 1 || !filepath.IsAbs(ep[0]) {
		t.Errorf("ENTRYPOINT %s: want exec form with an absolute path", entrypoints[0])
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-o " + ep[0]} {
		if !strings.Contains(buildLine, want) {
			t.Errorf("build line %q lacks %q", buildLine, want)
		}
	}
}

// buildAsDockerfile builds the binary with the Dockerfile's own build line,
// with the source folder and output path moved to the test's.
func buildAsDockerfile(t *testing.T) string {
	t.Helper()
	var line string
	for _, in := range dockerfile(t) {
		if in[0] == "RUN" && strings.Contains(in[1], "go build") {
			line = in[1]
		}
	}
	if strings.ContainsAny(line, `"'\$&;|`) {
		t.Fatalf("build line %q must be plain words", line)
	}
	fields := strings.Fields(line)
	var env []string
	for len(fields) > 0 && strings.Contains(fields[0], "=") {
		env = append(env, fields[0])
		fields = fields[1:]
	}
	if len(fields) < 2 || fields[0] != "go" || fields[1] != "build" {
		t.Fatalf("build line %q does not run go build", line)
	}
	bin := filepath.Join(t.TempDir(), "modelgate")
	context := buildContext(t)
	args := fields[1:]
	for i := 0; i < len(args)-1; i++ {
		switch args[i] {
		case "-C":
			args[i+1] = context
		case "-o":
			args[i+1] = bin
		}
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	cmd := exec.Command(goTool, args...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin
}

// buildContext copies the repository into a temporary folder, leaving out
// what .dockerignore excludes, as docker build does with its context.
func buildContext(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	var patterns []string
	for _, l := range strings.Split(readFile(t, filepath.Join(root, ".dockerignore")), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, l)
		}
	}
	dst := t.TempDir()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		if dockerIgnored(filepath.ToSlash(rel), patterns) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// dockerIgnored applies .dockerignore patterns the way docker does: the
// last pattern that matches the path or one of its parent folders decides,
// and "!" re-includes.
func dockerIgnored(rel string, patterns []string) bool {
	ignored := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(strings.TrimPrefix(p, "!"), "/")
		for q := rel; q != "." && q != ""; q = path.Dir(q) {
			if ok, _ := doublestar.Match(p, q); ok {
				ignored = !neg
				break
			}
		}
	}
	return ignored
}

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
	a := loadAction(t)
	files := t.TempDir()
	env := []string{"GITHUB_ACTIONS=true", "CI=true", "GITHUB_WORKSPACE=" + ws, "HOME=" + files,
		"GITHUB_OUTPUT=" + filepath.Join(files, "output"), "GITHUB_STEP_SUMMARY=" + filepath.Join(files, "summary")}
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
	schema := compileSARIFSchema(t)

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
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(logBytes))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
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
		if !strings.Contains(r.summary, "## modelgate: failed") || !strings.Contains(r.summary, "models\\/evil\\.pkl") {
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
}

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), "sarif", "testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
