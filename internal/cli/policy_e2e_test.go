package cli

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sarifLog is the part of a SARIF log the end-to-end tests look at.
type sarifLog struct {
	Runs []struct {
		AutomationDetails *struct {
			ID string `json:"id"`
		} `json:"automationDetails"`
		Results []struct {
			RuleID  string `json:"ruleId"`
			Level   string `json:"level"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Suppressions []struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, s string) sarifLog {
	t.Helper()
	var l sarifLog
	if err := json.Unmarshal([]byte(s), &l); err != nil || len(l.Runs) != 1 {
		t.Fatalf("not a SARIF log with one run (%v):\n%s", err, s)
	}
	return l
}

// jsonReport is the part of the JSON report the tests look at.
type jsonReport struct {
	Files []struct {
		Path     string `json:"path"`
		Findings []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Callable string `json:"callable"`
			Baseline string `json:"baseline"`
		} `json:"findings"`
	} `json:"files"`
}

func parseJSON(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("not a JSON report (%v):\n%s", err, s)
	}
	return r
}

// findings lists "path rule severity callable" for every finding.
func (r jsonReport) findings() []string {
	var out []string
	for _, f := range r.Files {
		for _, fd := range f.Findings {
			out = append(out, strings.Join([]string{f.Path, fd.Rule, fd.Severity, fd.Callable}, " "))
		}
	}
	return out
}

// tinynet is a whole-model torch.save of a user's own nn.Module,
// __main__.TinyNet, written by testdata/generate.py.
func tinynet(t *testing.T) string {
	return readFile(t, filepath.Join(repoRoot(t), "testdata", "benign", "torch", "tinynet_whole.pt"))
}

func TestOwnClassesAllowed(t *testing.T) {
	tree := map[string]string{"models/tinynet.pt": tinynet(t)}
	dir := writeTree(t, tree)
	r := runIn(t, dir, nil, "scan", "--format=json", "--fail-on=medium")
	want := []string{"models/tinynet.pt MG003 medium __main__.TinyNet"}
	if got := parseJSON(t, r.stdout).findings(); r.code != 1 || !slices.Equal(got, want) {
		t.Fatalf("default policy: exit %d, findings %q, want 1 and %q", r.code, got, want)
	}
	tree[".modelgate.yml"] = "allow:\n  - global: __main__.TinyNet\n    reason: our own model class\n"
	r = runIn(t, writeTree(t, tree), nil, "scan", "--format=json", "--fail-on=low")
	if got := parseJSON(t, r.stdout).findings(); r.code != 0 || len(got) != 0 {
		t.Errorf("with the class allowed: exit %d, findings %q, want 0 and none\n%s", r.code, got, r.stderr)
	}
	tree[".modelgate.yml"] = "severity:\n  MG003: high\n"
	if r = runIn(t, writeTree(t, tree), nil, "scan"); r.code != 1 || !strings.Contains(r.stdout, "high      MG003") {
		t.Errorf("severity override MG003: high: exit %d\n%s", r.code, r.stdout)
	}
}

func TestDangerousAllowNeedsForce(t *testing.T) {
	for _, global := range []string{"os.system", "posix.system", "os.*", "builtins.eval"} {
		t.Run(strings.NewReplacer(".", "_", "*", "all").Replace(global), func(t *testing.T) {
			tree := map[string]string{"models/evil.pkl": evilPickle,
				".modelgate.yml": "allow:\n  - global: " + global + "\n    reason: test harness\n"}
			r := runIn(t, writeTree(t, tree), nil, "scan")
			if r.code != 2 || !strings.Contains(r.stderr, "known-dangerous") || !strings.Contains(r.stderr, "set force: true") {
				t.Errorf("allow %s without force: exit %d, want 2 and a clear message\n%s", global, r.code, r.stderr)
			}
		})
	}
	tree := map[string]string{"models/evil.pkl": evilPickle,
		".modelgate.yml": "allow:\n  - global: os.system\n    reason: test harness\n    force: true\n"}
	ws := writeTree(t, tree)
	env := actionEnv(t, ws, nil)
	env["GITHUB_ACTIONS"] = "true"
	r := runIn(t, ws, env, "scan", "--format=sarif", "--fail-on=medium")
	if r.code != 1 {
		t.Errorf("forced allow: exit %d, want 1 (MG150 is medium)\n%s", r.code, r.stderr)
	}
	sarifText, _, _ := strings.Cut(r.stdout, "\n::")
	log := parseSARIF(t, sarifText)
	var rules []string
	for _, res := range log.Runs[0].Results {
		rules = append(rules, res.RuleID)
		if res.RuleID == "MG150" && !strings.Contains(res.Message.Text, "os.system by force (reason: test harness)") {
			t.Errorf("MG150 message: %s", res.Message.Text)
		}
	}
	if !slices.Equal(rules, []string{"MG150"}) {
		t.Errorf("SARIF rules %q, want only MG150 (os.system allowed by force)", rules)
	}
	checkSARIF(t, []byte(sarifText))
	if s := readFile(t, env["GITHUB_STEP_SUMMARY"]); !strings.Contains(s, "MG150 ForcedAllow") {
		t.Errorf("step summary does not say the allow was forced:\n%s", s)
	}
}

func TestDeny(t *testing.T) {
	// cmypkg.tools\nrun_shell: GLOBAL MARK STRING TUPLE REDUCE STOP
	tree := map[string]string{"m.pkl": "cmypkg.tools\nrun_shell\n(S'x'\ntR."}
	r := runIn(t, writeTree(t, tree), nil, "scan", "--format=json", "--fail-on=critical")
	if got := parseJSON(t, r.stdout).findings(); r.code != 0 || !slices.Equal(got, []string{"m.pkl MG002 high mypkg.tools.run_shell"}) {
		t.Fatalf("default: exit %d, findings %q", r.code, got)
	}
	tree[".modelgate.yml"] = "deny:\n  - global: mypkg.tools.run_shell\n    reason: runs a shell\n"
	r = runIn(t, writeTree(t, tree), nil, "scan", "--format=json", "--fail-on=critical")
	got := parseJSON(t, r.stdout).findings()
	if r.code != 1 || len(got) != 1 || !strings.Contains(got[0], " critical mypkg.tools.run_shell") {
		t.Errorf("denied: exit %d, findings %q, want one critical", r.code, got)
	}
}

func TestPolicyPathsAndLimits(t *testing.T) {
	tree := map[string]string{"models/tinynet.pt": tinynet(t), "third_party/evil.pkl": evilPickle,
		".modelgate.yml": "paths:\n  exclude: [third_party/**]\n"}
	r := runIn(t, writeTree(t, tree), nil, "scan", "--format=json", "--fail-on=high")
	if got := parseJSON(t, r.stdout).findings(); r.code != 0 || len(got) != 1 || !strings.HasPrefix(got[0], "models/") {
		t.Errorf("paths.exclude: exit %d, findings %q", r.code, got)
	}
	tree[".modelgate.yml"] = "paths:\n  include: [third_party/**]\n"
	if r = runIn(t, writeTree(t, tree), nil, "scan", "--format=json"); len(parseJSON(t, r.stdout).Files) != 1 || r.code != 1 {
		t.Errorf("paths.include: exit %d\n%s", r.code, r.stdout)
	}
	tree[".modelgate.yml"] = "limits:\n  max_members: 1\n"
	r = runIn(t, writeTree(t, tree), nil, "scan", "--format=json", "--config=.modelgate.yml", "models")
	if got := parseJSON(t, r.stdout).findings(); r.code != 1 || !slices.Contains(got, "models/tinynet.pt MG006 high ") {
		t.Errorf("limits.max_members: 1: exit %d, findings %q, want the limit reported (MG006)", r.code, got)
	}
}

func TestPolicyFileErrors(t *testing.T) {
	tests := []struct{ name, policy, want string }{
		{"unknown_key", "alow: []\n", `.modelgate.yml: line 1: unknown key "alow" at the top level`},
		{"unknown_ignore_key", "ignore:\n  - rule: MG001\n    path: '**'\n    reason: x\n    until: 2027-01-01\n", `unknown key "until" in an ignore entry`},
		{"missing_reason", "allow:\n  - global: mypkg.Net\n", "allow[0] (mypkg.Net): a reason is required"},
		{"bad_severity", "severity:\n  MG003: severe\n", `MG003: "severe" is not critical, high, medium or low`},
		{"unknown_rule", "ignore:\n  - rule: MG999\n    path: '**'\n    reason: x\n", `unknown rule "MG999"`},
		{"bad_date", "ignore:\n  - rule: MG001\n    path: '**'\n    reason: x\n    expires: 31/01/2027\n", "not a date like 2027-01-31"},
		{"bad_limit", "limits:\n  max_depth: -3\n", "max_depth must be positive"},
		{"not_yaml", "allow: [\n", "not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runIn(t, writeTree(t, map[string]string{".modelgate.yml": tt.policy}), nil, "scan")
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("exit %d (want 2), stderr lacks %q:\n%s", r.code, tt.want, r.stderr)
			}
		})
	}
}
