package ghaction

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/modelgate/modelgate/finding"
	yaml "go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// hostileReport has findings whose strings try to inject workflow
// commands, HTML and Markdown, and more findings than GitHub shows.
func hostileReport() *finding.Report {
	var many []finding.Finding
	for i := range 12 {
		many = append(many, finding.Finding{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Message: "calls os.system",
			Member: fmt.Sprintf("archive/data%d.pkl", i), Offset: int64(100 + i), Callable: "os.system", Evidence: "os.system('id')"})
	}
	files := []finding.FileResult{
		{Path: "models/evil.pt", Format: "pytorch", Status: finding.StatusScanned, Findings: many},
		{Path: "a,b:c.pkl", Format: "pickle", Status: finding.StatusScanned, Findings: []finding.Finding{
			{Rule: finding.RuleUnknownCall, Severity: finding.High, Message: "calls x.y\n::error file=README.md::owned", Offset: 3, Callable: "x.y",
				Evidence: "x.y('<img src=x onerror=alert(1)> | **bold** [l](http://e)')"},
			{Rule: finding.RuleUnknownImport, Severity: finding.Medium, Message: "imports z\r\n::set-output name=x::y %0A", Offset: 9, Callable: "z"},
			{Rule: finding.RuleTrailingData, Severity: finding.Low, Message: "trailing bytes", Offset: 20},
			{Rule: finding.RuleUnknownClass, Severity: finding.Medium, Message: "allowed class", Offset: 30, Callable: "mine.Net",
				Suppression: &finding.Suppression{Kind: "external", Justification: "ours"}},
		}},
		{Path: "docs/a.txt", Status: finding.StatusSkipped},
	}
	return &finding.Report{Files: files, Summary: finding.Summarize(files, 0)}
}

func golden(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (go test ./internal/ghaction -update): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestReadInputs(t *testing.T) {
	got := ReadInputs(env(map[string]string{
		"INPUT_PATH":       "models\n  data/more \n\n",
		"INPUT_FAIL-ON":    " critical ",
		"INPUT_SARIF-FILE": "out.sarif",
		"INPUT_INCLUDE":    "**/*.pt\n**/*.pkl",
		"INPUT_EXCLUDE":    "",
		"INPUT_CATEGORY":   "models",
		"INPUT_CONFIG":     ".modelgate.yml",
		"INPUT_SCAN-SCOPE": "changed\n",
		"INPUT_SHARD":      " 2/3",
		"INPUT_BASELINE":   "base.sarif",
		"INPUT_SCAN_SCOPE": "all", // not how the runner names scan-scope
	}))
	want := Inputs{Path: []string{"models", "data/more"}, FailOn: "critical", SarifFile: "out.sarif",
		Include: []string{"**/*.pt", "**/*.pkl"}, Config: ".modelgate.yml", Category: "models",
		ScanScope: "changed", Shard: "2/3", Baseline: "base.sarif"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !Enabled(env(map[string]string{"GITHUB_ACTIONS": "true"})) || Enabled(env(nil)) {
		t.Error("Enabled")
	}
}

// TestInputsCoverAction: every input of action.yml, under the variable
// name the runner gives it, reaches a field of Inputs.
func TestInputsCoverAction(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]any `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(b, &action); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for name := range action.Inputs {
		vars["INPUT_"+strings.ToUpper(name)] = "value-of-" + name
	}
	read := map[string]bool{}
	v := reflect.ValueOf(ReadInputs(env(vars)))
	for i := range v.NumField() {
		switch f := v.Field(i).Interface().(type) {
		case string:
			read[f] = true
		case []string:
			for _, s := range f {
				read[s] = true
			}
		}
	}
	for name := range action.Inputs {
		if !read["value-of-"+name] {
			t.Errorf("input %s (INPUT_%s) is not read", name, strings.ToUpper(name))
		}
	}
	if n, fields := len(action.Inputs), reflect.TypeFor[Inputs]().NumField(); n != fields {
		t.Errorf("action.yml has %d inputs, Inputs %d fields", n, fields)
	}
}

func TestLines(t *testing.T) {
	tests := []struct {
		name  string
		items []string
		want  []string
	}{
		{"none", nil, nil},
		{"empty_dropped", []string{"", "a"}, []string{"a"}},
		{"one_line_kept_as_is", []string{" a b "}, []string{" a b "}},
		{"lines_trimmed", []string{"models\n  data/more \n\n"}, []string{"models", "data/more"}},
		{"mixed", []string{"x", "a\r\nb", ""}, []string{"x", "a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Lines(tt.items...)); diff != "" {
				t.Errorf("Lines(%q) (-want +got):\n%s", tt.items, diff)
			}
		})
	}
}

func TestSetOutputs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "output")
	e := env(map[string]string{"GITHUB_OUTPUT": out})
	if err := SetOutputs(e, OutputsOf(hostileReport(), "modelgate.sarif")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"sarif-file<<", "\nmodelgate.sarif\n", "findings<<", "\n15\n", "highest-severity<<", "\ncritical\n", "files-scanned<<", "\n2\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("output file lacks %q:\n%s", want, b)
		}
	}
	if err := SetOutputs(e, Outputs{SarifFile: "a\nb"}); err == nil {
		t.Error("a value with a line break was written")
	}
}

func TestRunnerFilesMissing(t *testing.T) {
	if err := SetOutputs(env(nil), Outputs{}); err != nil {
		t.Errorf("SetOutputs without GITHUB_OUTPUT: %v", err)
	}
	if err := AddStepSummary(env(nil), "x"); err != nil {
		t.Errorf("AddStepSummary without GITHUB_STEP_SUMMARY: %v", err)
	}
	bad := env(map[string]string{"GITHUB_OUTPUT": "/nonexistent/dir/out", "GITHUB_STEP_SUMMARY": "/nonexistent/dir/sum"})
	if err := SetOutputs(bad, Outputs{}); err == nil {
		t.Error("SetOutputs into a missing folder reported no error")
	}
	if err := AddStepSummary(bad, "x"); err == nil {
		t.Error("AddStepSummary into a missing folder reported no error")
	}
}

func TestAnnotate(t *testing.T) {
	var buf bytes.Buffer
	if err := Annotate(&buf, hostileReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "annotations.txt", buf.String())
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	count := map[string]int{}
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "::error "):
			count["error"]++
		case strings.HasPrefix(l, "::warning "):
			count["warning"]++
		case strings.HasPrefix(l, "::notice "):
			count["notice"]++
		case strings.HasPrefix(l, "modelgate: 3 more findings"):
		default:
			t.Errorf("unexpected line %q", l)
		}
		if strings.ContainsAny(l, "\r\x1b") {
			t.Errorf("raw control character in %q", l)
		}
	}
	if count["error"] != MaxAnnotations || count["warning"] != 1 || count["notice"] != 1 {
		t.Errorf("annotations per level %v", count)
	}
	if !strings.Contains(buf.String(), "file=a%2Cb%3Ac.pkl") {
		t.Error("file property not escaped")
	}
	if strings.Contains(buf.String(), "allowed class") {
		t.Error("a suppressed finding was annotated")
	}
}

func TestGiveToOwnerOf(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, as in the action's container")
	}
	dir := t.TempDir()
	if err := os.Chown(dir, 1001, 121); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "modelgate.sarif")
	if err := os.WriteFile(file, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := GiveToOwnerOf(file, dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if uid, gid := owner(fi); uid != 1001 || gid != 121 {
		t.Errorf("owner %d:%d, want 1001:121", uid, gid)
	}
}
