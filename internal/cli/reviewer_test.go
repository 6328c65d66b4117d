package cli

import (
	"regexp"
	"strings"
	"testing"
)

// TestTextForReviewer: the text report gives each finding once (the same
// call at several offsets is one line, another payload its own), with
// the file, what it would do and the next step.
func TestTextForReviewer(t *testing.T) {
	// os.system('id') twice, then os.system('ls'): GLOBAL MARK STRING TUPLE REDUCE POP ... STOP
	twice := "cos\nsystem\n(S'id'\ntR0cos\nsystem\n(S'id'\ntR0cos\nsystem\n(S'ls'\ntR."
	ws := writeTree(t, map[string]string{"models/twice.pkl": twice})
	r := runIn(t, ws, nil, "scan")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := regexp.MustCompile(`(?m)^  critical  MG001 .*$`).FindAllString(r.stdout, -1)
	if len(lines) != 2 || !strings.Contains(lines[0], "os.system('id',)  (and 1 more like it)") || !strings.Contains(lines[1], "os.system('ls',)") {
		t.Errorf("finding lines %q\n%s", lines, r.stdout)
	}
	for _, want := range []string{"models/twice.pkl [pickle, scanned]", "runs shell commands",
		"next: do not load it; convert it to safetensors, or load it with torch.load(path, weights_only=True)", "with a reason in .modelgate.yml"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("text report lacks %q:\n%s", want, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "next: "); n != 1 {
		t.Errorf("%d next steps for one kind of finding:\n%s", n, r.stdout)
	}
}

// TestSummaryTellsTheTruth: with fail-on none the step summary does not
// say "passed" over critical findings, and it says what to do.
func TestSummaryTellsTheTruth(t *testing.T) {
	ws := writeTree(t, map[string]string{"models/evil.pkl": evilPickle})
	env := actionEnv(t, ws, map[string]string{"fail-on": "none"})
	if r := runIn(t, ws, env, "scan"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	s := readFile(t, env["GITHUB_STEP_SUMMARY"])
	if !regexp.MustCompile(`(?m)^## modelgate: \d+ critical findings?, not failing: fail-on is none$`).MatchString(s) {
		t.Errorf("headline:\n%s", s)
	}
	for _, want := range []string{"| critical | MG001 DangerousCallable | `models/evil.pkl` |", "### Next steps", "torch.load(path, weights\\_only=True)"} {
		if !strings.Contains(s, want) {
			t.Errorf("step summary lacks %q:\n%s", want, s)
		}
	}
}

// TestIgnoreCeremony: an ignore entry suppresses a critical finding only
// with force: true, which is reported (MG150); an ignore or allow entry
// that matches nothing is warned about.
func TestIgnoreCeremony(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		code   int
		stdout string
		stderr string
	}{
		{"critical_needs_force", "ignore:\n  - rule: MG001\n    path: 'models/**'\n    reason: reviewed\n", 1, "MG001", "needs force: true"},
		{"critical_forced_reported", "ignore:\n  - rule: MG001\n    path: 'models/**'\n    reason: reviewed\n    force: true\n", 0, "MG150", ""},
		{"stale_entry_warned", "ignore:\n  - rule: MG008\n    path: 'weights/**'\n    reason: fetched at deploy time\n", 1, "MG001", "matched no finding"},
		{"stale_allow_warned", "allow:\n  - global: mypkg.models.Net\n    reason: our model class\n", 1, "MG001", "allow entry 1 (mypkg.models.Net) matched nothing in the scan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := writeTree(t, map[string]string{"models/evil.pkl": evilPickle, ".modelgate.yml": tt.policy})
			r := runIn(t, ws, nil, "scan")
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstdout %s\nstderr %s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
}
