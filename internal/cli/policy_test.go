package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyFile(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"ignore_suppresses", "ignore:\n  - rule: MG008\n    path: models/**\n    reason: weights fetched at deploy time\n",
			nil, 0, "1 suppressed by the policy file", ""},
		{"forced_allow_reported", "allow:\n  - global: os.system\n    reason: test harness\n    force: true\n",
			[]string{"--fail-on=medium"}, 1, "MG150", ""},
		{"explicit_config", "", []string{"--config=other.yml"}, 0, "1 suppressed", ""},
		{"invalid", "allow:\n  - global: mypkg.Net\n", nil, 2, "", "policy file"},
		{"unknown_key", "alow: []\n", nil, 2, "", "policy file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := map[string]string{"models/model.bin": lfsPointer,
				"other.yml": "ignore:\n  - rule: MG008\n    path: '**'\n    reason: reviewed\n"}
			if tt.policy != "" {
				tree[".modelgate.yml"] = tt.policy
			}
			r := runIn(t, writeTree(t, tree), nil, append([]string{"scan"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
}

func TestBaseline(t *testing.T) {
	for _, format := range []string{"json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"models/model.bin": lfsPointer})
			if r := runIn(t, dir, nil, "scan", "--format="+format, "--output=base."+format, "models"); r.code != 1 {
				t.Fatalf("first scan: exit %d %s", r.code, r.stderr)
			}
			r := runIn(t, dir, nil, "scan", "--baseline=base."+format, "models")
			if r.code != 0 || !strings.Contains(r.stdout, "1 already in the baseline") {
				t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if err := os.WriteFile(filepath.Join(dir, "models", "other.bin"), []byte(lfsPointer), 0o644); err != nil {
				t.Fatal(err)
			}
			if r := runIn(t, dir, nil, "scan", "--baseline=base."+format, "models"); r.code != 1 {
				t.Errorf("a new finding passed the gate: exit %d", r.code)
			}
		})
	}
}
