package cli

import (
	"strings"
	"testing"
)

// TestUsageErrors: every mistake in the arguments exits 2 with one
// message on stderr and nothing on stdout, before anything is scanned.
func TestUsageErrors(t *testing.T) {
	const scanHelp = "\nRun \"modelgate scan --help\" for usage.\n"
	const initHelp = "\nRun \"modelgate init --help\" for usage.\n"
	tests := []struct {
		name   string
		args   []string
		stderr string // the whole of stderr, or with a trailing "..." its start
	}{
		{"no_args", nil, usage},
		{"unknown_command", []string{"frobnicate"}, "modelgate: unknown command \"frobnicate\"\n\n" + usage},
		{"scan_unknown_flag", []string{"scan", "--bogus"}, "modelgate scan: flag provided but not defined: -bogus" + scanHelp},
		{"scan_missing_value", []string{"scan", "--format"}, "modelgate scan: flag needs an argument: -format" + scanHelp},
		{"scan_bad_format", []string{"scan", "--format", "xml"}, "modelgate scan: unknown --format \"xml\" (want text, json or sarif)" + scanHelp},
		{"scan_bad_fail_on", []string{"scan", "--fail-on=severe"},
			"modelgate scan: --fail-on: unknown severity \"severe\" (want critical, high, medium, low or none)" + scanHelp},
		{"scan_negative_jobs", []string{"scan", "--jobs=-1"}, "modelgate scan: --jobs must be 0 or more" + scanHelp},
		{"scan_bad_jobs", []string{"scan", "--jobs=x"}, "modelgate scan: invalid value \"x\" for flag -jobs: parse error" + scanHelp},
		{"scan_bad_shard", []string{"scan", "--shard=4/3"}, "modelgate scan: --shard: ..."},
		{"scan_bad_scope", []string{"scan", "--scan-scope=some"}, "modelgate scan: unknown --scan-scope \"some\" (want all or changed)" + scanHelp},
		{"scan_dash_revision", []string{"scan", "--changed-since=-p"},
			"modelgate scan: --changed-since \"-p\": a revision must not start with '-'" + scanHelp},
		{"scan_outside_working_dir", []string{"scan", "--changed-since=HEAD", ".."},
			"modelgate scan: --changed-since: path .. is outside the working directory; run modelgate from the repository" + scanHelp},
		{"init_two_paths", []string{"init", "a", "b"}, "modelgate init: want at most one PATH and --jobs of 0 or more" + initHelp},
		{"init_negative_jobs", []string{"init", "--jobs=-2"}, "modelgate init: want at most one PATH and --jobs of 0 or more" + initHelp},
		{"init_unknown_flag", []string{"init", "--frob"}, "modelgate init: flag provided but not defined: -frob" + initHelp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runIn(t, writeTree(t, map[string]string{"README.md": "x"}), nil, tt.args...)
			if r.code != exitProblem || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", r.code, r.stdout, exitProblem)
			}
			if prefix, ok := strings.CutSuffix(tt.stderr, "..."); ok {
				if !strings.HasPrefix(r.stderr, prefix) || !strings.HasSuffix(r.stderr, scanHelp) {
					t.Errorf("stderr %q, want %q...%q", r.stderr, prefix, scanHelp)
				}
			} else if r.stderr != tt.stderr {
				t.Errorf("stderr %q, want %q", r.stderr, tt.stderr)
			}
		})
	}
}
