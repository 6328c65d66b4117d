package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runLog is the part of a SARIF run that says how the run went.
type runLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Version         string `json:"version"`
				SemanticVersion string `json:"semanticVersion"`
			} `json:"driver"`
		} `json:"tool"`
		OriginalURIBaseIDs map[string]json.RawMessage `json:"originalUriBaseIds"`
		Invocations        []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Properties map[string]any `json:"properties"`
		Results    []struct {
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func (l runLog) notifications() string {
	var b strings.Builder
	for _, inv := range l.Runs[0].Invocations {
		for _, n := range inv.ToolExecutionNotifications {
			b.WriteString(n.Level + ": " + n.Message.Text + "\n")
		}
	}
	return b.String()
}

func readRunLog(t *testing.T, path string) runLog {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkSARIF(t, b)
	var l runLog
	if err := json.Unmarshal(b, &l); err != nil || len(l.Runs) != 1 {
		t.Fatalf("not a SARIF log with one run (%v)", err)
	}
	return l
}

// TestNothingScanned: a run that scanned no model file, or whose path or
// patterns matched nothing, says so on stderr, as a warning annotation,
// in the step summary and in the SARIF; fail-on-empty makes it fail.
func TestNothingScanned(t *testing.T) {
	tests := []struct {
		name   string
		tree   map[string]string
		inputs map[string]string
		code   int
		want   string
	}{
		{"no_model_file", map[string]string{"README.md": "x"}, nil, 0, "no model file was scanned"},
		{"fail_on_empty", map[string]string{"README.md": "x"}, map[string]string{"fail-on-empty": "true"}, 1, "no model file was scanned"},
		{"include_matched_nothing", map[string]string{"m/evil.pkl": evilPickle}, map[string]string{"include": "*.pkl\n*.pt"}, 1, `include pattern "*.pt" matched no file`},
		{"exclude_matched_nothing", map[string]string{"m/evil.pkl": evilPickle}, map[string]string{"exclude": "*.bin", "fail-on": "none"}, 0, `exclude pattern "*.bin" matched no file`},
		{"path_holds_nothing", map[string]string{"m/evil.pkl": evilPickle, "empty/README": "x"}, map[string]string{"path": "m\nempty", "fail-on": "none"}, 0, `path "empty" holds no model file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := writeTree(t, tt.tree)
			in := map[string]string{"sarif-file": "modelgate.sarif"}
			for k, v := range tt.inputs {
				in[k] = v
			}
			env := actionEnv(t, ws, in)
			r := runIn(t, ws, env, "scan")
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, r.stderr)
			}
			if !strings.Contains(r.stdout, "::warning::") || !strings.Contains(r.stdout, tt.want) {
				t.Errorf("no warning annotation:\n%s", r.stdout)
			}
			s, want := readFile(t, env["GITHUB_STEP_SUMMARY"]), strings.ReplaceAll(tt.want, "*", `\*`)
			if !strings.Contains(s, want) {
				t.Errorf("step summary lacks %q:\n%s", want, s)
			}
			if tt.name == "fail_on_empty" && !strings.Contains(s, "## modelgate: failed: nothing or not everything was scanned (fail-on-empty)") {
				t.Errorf("the headline does not say why the gate failed:\n%s", s)
			}
			if n := readRunLog(t, filepath.Join(ws, "modelgate.sarif")).notifications(); !strings.Contains(n, "warning: ") || !strings.Contains(n, tt.want) {
				t.Errorf("SARIF notifications lack %q:\n%s", tt.want, n)
			}
		})
	}
}

// TestPolicyFileAtRoot: the policy file is found at the repository root
// (the workspace in Actions) whatever the shape of the path, and the file
// used, or its absence, is named in every output.
func TestPolicyFileAtRoot(t *testing.T) {
	policy := "ignore:\n  - rule: MG008\n    path: '**/model.bin'\n    reason: weights fetched at deploy time\n"
	tests := []struct {
		name    string
		tree    map[string]string
		args    []string
		inAct   bool
		code    int
		applied string
	}{
		{"dir_path", map[string]string{".modelgate.yml": policy}, []string{"models"}, false, 0, ".modelgate.yml"},
		{"dir_path_in_actions", map[string]string{".modelgate.yml": policy}, []string{"models"}, true, 0, ".modelgate.yml"},
		{"from_subfolder_of_repo", map[string]string{".modelgate.yml": policy, ".git/HEAD": "ref: refs/heads/main\n"}, []string{"--chdir-models", "."}, false, 0, "../.modelgate.yml"},
		{"policy_in_path_not_used", map[string]string{"models/.modelgate.yml": policy}, []string{"models"}, false, 1, "no policy file"},
		{"none", nil, []string{"models"}, false, 1, "no policy file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := map[string]string{"models/model.bin": lfsPointer}
			for k, v := range tt.tree {
				tree[k] = v
			}
			ws := writeTree(t, tree)
			dir, args := ws, tt.args
			if args[0] == "--chdir-models" {
				dir, args = filepath.Join(ws, "models"), args[1:]
			}
			env := map[string]string{}
			if tt.inAct {
				env = actionEnv(t, ws, map[string]string{"sarif-file": filepath.Join(ws, "modelgate.sarif")})
			}
			r := runIn(t, dir, env, append([]string{"scan"}, args...)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
			if want := "policy: " + tt.applied; !strings.Contains(r.stdout, want) {
				t.Errorf("text output lacks %q:\n%s", want, r.stdout)
			}
			if !tt.inAct {
				return
			}
			if s := readFile(t, env["GITHUB_STEP_SUMMARY"]); !strings.Contains(s, "Policy: "+tt.applied) && !strings.Contains(s, "Policy: `"+tt.applied+"`") {
				t.Errorf("step summary lacks the policy file:\n%s", s)
			}
			props := readRunLog(t, filepath.Join(ws, "modelgate.sarif")).Runs[0].Properties
			if got, _ := props["policyFile"].(string); got != tt.applied {
				t.Errorf("SARIF run property policyFile %q, want %q", got, tt.applied)
			}
		})
	}
}

// TestFailuresVisible: a run that ends with exit 2 inside Actions still
// writes the step summary and an error annotation, and a sarif-file in a
// folder that does not exist yet is written there.
func TestFailuresVisible(t *testing.T) {
	t.Run("bad_policy", func(t *testing.T) {
		ws := writeTree(t, map[string]string{"m/evil.pkl": evilPickle, ".modelgate.yml": "alow: []\n"})
		env := actionEnv(t, ws, nil)
		r := runIn(t, ws, env, "scan")
		if r.code != 2 {
			t.Fatalf("exit %d, want 2", r.code)
		}
		if !strings.Contains(r.stdout, "::error::") || !strings.Contains(r.stdout, "policy file") {
			t.Errorf("no error annotation:\n%s", r.stdout)
		}
		if s := readFile(t, env["GITHUB_STEP_SUMMARY"]); !strings.Contains(s, "## modelgate: error") || !strings.Contains(s, "policy file") {
			t.Errorf("step summary:\n%s", s)
		}
	})
	t.Run("bad_input", func(t *testing.T) {
		ws := writeTree(t, map[string]string{"m/evil.pkl": evilPickle})
		env := actionEnv(t, ws, map[string]string{"fail-on": "severe"})
		r := runIn(t, ws, env, "scan")
		if r.code != 2 || !strings.Contains(r.stdout, "::error::") {
			t.Errorf("exit %d, stdout:\n%s", r.code, r.stdout)
		}
		if s := readFile(t, env["GITHUB_STEP_SUMMARY"]); !strings.Contains(s, "## modelgate: error") {
			t.Errorf("step summary:\n%s", s)
		}
	})
	t.Run("unwritable_sarif_file", func(t *testing.T) {
		ws := writeTree(t, map[string]string{"m/evil.pkl": evilPickle, "blocker": "a file, not a folder"})
		env := actionEnv(t, ws, map[string]string{"sarif-file": "blocker/modelgate.sarif"})
		r := runIn(t, ws, env, "scan")
		if r.code != 2 || !strings.Contains(r.stdout, "::error::") {
			t.Errorf("exit %d, stdout:\n%s", r.code, r.stdout)
		}
		if s := readFile(t, env["GITHUB_STEP_SUMMARY"]); !strings.Contains(s, "## modelgate: error") {
			t.Errorf("step summary:\n%s", s)
		}
		if o := readFile(t, env["GITHUB_OUTPUT"]); !strings.Contains(o, "findings<<") || !strings.Contains(o, "highest-severity<<") {
			t.Errorf("outputs not set:\n%s", o)
		}
	})
	t.Run("sarif_file_parents_made", func(t *testing.T) {
		ws := writeTree(t, map[string]string{"m/evil.pkl": evilPickle})
		env := actionEnv(t, ws, map[string]string{"sarif-file": "reports/deep/modelgate.sarif"})
		if r := runIn(t, ws, env, "scan"); r.code != 1 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		readRunLog(t, filepath.Join(ws, "reports", "deep", "modelgate.sarif"))
	})
}

// TestBaselineBindsEvidence: a finding whose payload changed (same file,
// rule and callable, other arguments) is new, not in the baseline.
func TestBaselineBindsEvidence(t *testing.T) {
	other := "cos\nsystem\n(S'touch /tmp/pwned'\ntR." // GLOBAL MARK STRING TUPLE REDUCE STOP
	for _, format := range []string{"json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"models/evil.pkl": evilPickle})
			if r := runIn(t, dir, nil, "scan", "--format="+format, "--output=base."+format, "models"); r.code != 1 {
				t.Fatalf("first scan: exit %d %s", r.code, r.stderr)
			}
			if r := runIn(t, dir, nil, "scan", "--baseline=base."+format, "models"); r.code != 0 {
				t.Fatalf("same file against its baseline: exit %d\n%s", r.code, r.stdout)
			}
			if err := os.WriteFile(filepath.Join(dir, "models", "evil.pkl"), []byte(other), 0o644); err != nil {
				t.Fatal(err)
			}
			if r := runIn(t, dir, nil, "scan", "--baseline=base."+format, "models"); r.code != 1 || strings.Contains(r.stdout, "already in the baseline") {
				t.Errorf("a changed payload passed as already in the baseline: exit %d\n%s", r.code, r.stdout)
			}
		})
	}
}

// TestSARIFRun: the SARIF says how the run went (invocations, with the
// notes and the files that could not be read), names its version, and
// gives paths relative to %SRCROOT%, which it defines.
func TestSARIFRun(t *testing.T) {
	ws := writeTree(t, map[string]string{"models/model.bin": lfsPointer, "models/broken.pt": "PK\x03\x04garbage"})
	r := runIn(t, ws, nil, "scan", "--sarif-file=out.sarif", "--fail-on=none")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	run := readRunLog(t, filepath.Join(ws, "out.sarif")).Runs[0]
	if run.Tool.Driver.Version != "0.0.0-devel" || run.Tool.Driver.SemanticVersion != "0.0.0-devel" {
		t.Errorf("driver version %q semanticVersion %q", run.Tool.Driver.Version, run.Tool.Driver.SemanticVersion)
	}
	if len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful {
		t.Errorf("invocations %+v", run.Invocations)
	}
	if _, ok := run.OriginalURIBaseIDs["%SRCROOT%"]; !ok {
		t.Errorf("originalUriBaseIds lacks %%SRCROOT%%: %v", run.OriginalURIBaseIDs)
	}
	for _, res := range run.Results {
		if al := res.Locations[0].PhysicalLocation.ArtifactLocation; al.URIBaseID != "%SRCROOT%" || strings.HasPrefix(al.URI, "/") {
			t.Errorf("artifact location %+v", al)
		}
	}
	var l runLog
	l.Runs = append(l.Runs, run)
	if n := l.notifications(); !strings.Contains(n, "models/broken.pt") {
		t.Errorf("no notification for the file that could not be read:\n%s", n)
	}
}
