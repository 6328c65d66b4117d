package cli

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// posixPickle calls posix.system('id') when loaded; only ever written.
const posixPickle = "cposix\nsystem\n(S'id'\ntR." // GLOBAL MARK STRING TUPLE REDUCE STOP

// suppressed maps "uri ruleId" to the justifications of each SARIF result.
func suppressed(t *testing.T, log sarifLog) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, r := range log.Runs[0].Results {
		key := r.Locations[0].PhysicalLocation.ArtifactLocation.URI + " " + r.RuleID
		out[key] = []string{}
		for _, s := range r.Suppressions {
			if s.Kind != "external" {
				t.Errorf("%s: suppression kind %q, want external", key, s.Kind)
			}
			out[key] = append(out[key], s.Justification)
		}
	}
	return out
}

func TestIgnoreEntry(t *testing.T) {
	tree := map[string]string{"models/legacy/a.pkl": evilPickle, "models/legacy/p.pkl": posixPickle,
		"models/new/b.pkl": evilPickle, "models/legacy/tinynet.pt": tinynet(t)}
	// Critical findings are ignored only with force (reported as MG150).
	const entry = "ignore:\n  - rule: MG001\n    path: models/legacy/**\n    callable: os.system\n    reason: reviewed in PR 12\n    force: true\n"
	none, reviewed := []string{}, []string{"reviewed in PR 12"}
	tests := []struct {
		name, policy string
		want         map[string][]string
		warning      string
	}{
		{"exact", entry, map[string][]string{"models/legacy/a.pkl MG001": reviewed, "models/legacy/p.pkl MG001": none,
			"models/new/b.pkl MG001": none, "models/legacy/tinynet.pt MG003": none, ".modelgate.yml MG150": none}, ""},
		{"not_expired", entry + "    expires: 2999-12-31\n", map[string][]string{"models/legacy/a.pkl MG001": reviewed,
			"models/legacy/p.pkl MG001": none, "models/new/b.pkl MG001": none, "models/legacy/tinynet.pt MG003": none,
			".modelgate.yml MG150": none}, ""},
		{"expired", entry + "    expires: 2020-01-31\n", map[string][]string{"models/legacy/a.pkl MG001": none,
			"models/legacy/p.pkl MG001": none, "models/new/b.pkl MG001": none, "models/legacy/tinynet.pt MG003": none},
			`warning: ignore entry for MG001 on "models/legacy/**" expired on 2020-01-31 and no longer suppresses findings`},
		{"member", "ignore:\n  - rule: MG003\n    path: '**/*.pt'\n    member: '*/data.pkl'\n    reason: our class\n",
			map[string][]string{"models/legacy/a.pkl MG001": none, "models/legacy/p.pkl MG001": none,
				"models/new/b.pkl MG001": none, "models/legacy/tinynet.pt MG003": {"our class"}}, ""},
		{"other_member", "ignore:\n  - rule: MG003\n    path: '**/*.pt'\n    member: '*/other.pkl'\n    reason: our class\n",
			map[string][]string{"models/legacy/a.pkl MG001": none, "models/legacy/p.pkl MG001": none,
				"models/new/b.pkl MG001": none, "models/legacy/tinynet.pt MG003": none},
			`ignore entry 1 (MG003 on "**/*.pt") matched no finding`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := merged(tree, map[string]string{".modelgate.yml": tt.policy})
			r := runIn(t, writeTree(t, tree), nil, "scan", "--format=sarif")
			if r.code != 1 {
				t.Errorf("exit %d, want 1 (unsuppressed criticals remain)\n%s", r.code, r.stderr)
			}
			got := suppressed(t, parseSARIF(t, r.stdout))
			if !maps.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("suppressions %v, want %v", got, tt.want)
			}
			if !strings.Contains(r.stderr, tt.warning) || (tt.warning == "" && strings.Contains(r.stderr, "warning")) {
				t.Errorf("stderr %q, want warning %q", r.stderr, tt.warning)
			}
			checkSARIF(t, []byte(r.stdout))
		})
	}
}

// TestIgnoreNeverGates: a suppressed finding never fails the gate, and an
// expired entry gates again.
func TestIgnoreNeverGates(t *testing.T) {
	tree := map[string]string{"models/legacy/a.pkl": evilPickle,
		".modelgate.yml": "ignore:\n  - rule: MG001\n    path: models/legacy/**\n    reason: reviewed\n    force: true\n    expires: 2999-01-01\n"}
	// --fail-on=high: the forced entry is itself reported (MG150, medium).
	if r := runIn(t, writeTree(t, tree), nil, "scan", "--fail-on=high"); r.code != 0 || !strings.Contains(r.stdout, "1 suppressed") {
		t.Errorf("suppressed critical: exit %d, want 0\n%s", r.code, r.stdout)
	}
	tree[".modelgate.yml"] = strings.Replace(tree[".modelgate.yml"], "2999", "2001", 1)
	ws := writeTree(t, tree)
	env := actionEnv(t, ws, nil)
	if r := runIn(t, ws, env, "scan", "--fail-on=low"); r.code != 1 {
		t.Errorf("expired suppression: exit %d, want 1", r.code)
	}
	if s := readFile(t, env["GITHUB_STEP_SUMMARY"]); !strings.Contains(s, "no longer suppresses findings") {
		t.Errorf("step summary lacks the expiry warning:\n%s", s)
	}
}

// TestBaselineNewMalicious: against a baseline of an earlier report (JSON
// or SARIF) the gate passes until a new malicious file appears.
func TestBaselineNewMalicious(t *testing.T) {
	for _, format := range []string{"json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"models/old.pkl": evilPickle, "models/tinynet.pt": tinynet(t)})
			report := filepath.Join(t.TempDir(), "base."+format)
			if r := runIn(t, dir, nil, "scan", "--format="+format, "--output="+report); r.code != 1 {
				t.Fatalf("first scan: exit %d %s", r.code, r.stderr)
			}
			r := runIn(t, dir, nil, "scan", "--baseline="+report, "--format=json", "--fail-on=low")
			if r.code != 0 {
				t.Errorf("unchanged tree against its baseline: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, f := range parseJSON(t, r.stdout).Files {
				for _, fd := range f.Findings {
					if fd.Baseline != "unchanged" {
						t.Errorf("%s %s: baseline %q, want unchanged", f.Path, fd.Rule, fd.Baseline)
					}
				}
			}
			if err := os.WriteFile(filepath.Join(dir, "models", "new.pkl"), []byte(posixPickle), 0o644); err != nil {
				t.Fatal(err)
			}
			r = runIn(t, dir, nil, "scan", "--baseline="+report, "--format=json")
			var fresh []string
			for _, f := range parseJSON(t, r.stdout).Files {
				for _, fd := range f.Findings {
					if fd.Baseline == "new" {
						fresh = append(fresh, f.Path+" "+fd.Rule)
					}
				}
			}
			if r.code != 1 || !slices.Equal(fresh, []string{"models/new.pkl MG001"}) {
				t.Errorf("new malicious file: exit %d, new findings %q, want 1 and models/new.pkl MG001", r.code, fresh)
			}
		})
	}
}

func merged(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}
