package cli

import (
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/modelgate/modelgate/internal/ghaction"
)

func TestParseScan(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want scanArgs
	}{
		{"none", nil, scanArgs{}},
		{"paths_only", []string{"a", "b"}, scanArgs{paths: []string{"a", "b"}}},
		{"interleaved", []string{"a", "--format", "json", "b", "--include=x", "c", "--include", "y", "--exclude=z"},
			scanArgs{format: "json", include: listFlag{"x", "y"}, exclude: listFlag{"z"}, paths: []string{"a", "b", "c"}}},
		{"flags_after_path", []string{".", "--fail-on", "critical"}, scanArgs{failOn: "critical", paths: []string{"."}}},
		{"single_dash", []string{"-format", "sarif", "-stats"}, scanArgs{format: "sarif", stats: true}},
		{"every_flag", []string{"--format=json", "--output=o.json", "--fail-on=low", "--category=c", "--sarif-file=s.sarif",
			"--config=p.yml", "--baseline=b.json", "--shard=1/2", "--changed-since=HEAD~1", "--scan-scope=changed", "--jobs=3", "--stats"},
			scanArgs{format: "json", output: "o.json", failOn: "low", category: "c", sarifFile: "s.sarif", config: "p.yml",
				baseline: "b.json", shard: "1/2", changedSince: "HEAD~1", scanScope: "changed", jobs: 3, stats: true}},
		{"double_dash", []string{"--format=json", "--", "--fail-on", "-x"}, scanArgs{format: "json", paths: []string{"--fail-on", "-x"}}},
		{"double_dash_after_path", []string{"a", "--", "--b", "c"}, scanArgs{paths: []string{"a", "--b", "c"}}},
		{"double_dash_twice", []string{"--", "--", "a"}, scanArgs{paths: []string{"--", "a"}}},
		{"multi_line_path", []string{"models\n  data/more \n\n", "x"}, scanArgs{paths: []string{"models", "data/more", "x"}}},
		{"one_line_path_kept", []string{" spaced "}, scanArgs{paths: []string{" spaced "}}},
		{"empty_values_as_from_runs_args", []string{"--fail-on=", "--sarif-file=", "--config=", "--category=", ""}, scanArgs{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseScan(tt.args)
			if err != nil {
				t.Fatalf("parseScan(%q): %v", tt.args, err)
			}
			if diff := cmp.Diff(&tt.want, got, cmp.AllowUnexported(scanArgs{})); diff != "" {
				t.Errorf("parseScan(%q) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestParseScanErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown_flag", []string{"a", "--bogus"}, "flag provided but not defined: -bogus"},
		{"missing_value", []string{"--format"}, "flag needs an argument: -format"},
		{"jobs_not_a_number", []string{"--jobs=many"}, `invalid value "many" for flag -jobs`},
		{"stats_not_a_bool", []string{"--stats=maybe"}, `invalid boolean value "maybe" for -stats`},
		{"help", []string{"a", "--help"}, flag.ErrHelp.Error()},
		{"help_short", []string{"-h"}, flag.ErrHelp.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseScan(tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseScan(%q) = %v, want an error with %q", tt.args, err, tt.want)
			}
			if strings.HasPrefix(tt.name, "help") != errors.Is(err, flag.ErrHelp) {
				t.Errorf("parseScan(%q) = %v: flag.ErrHelp only for help", tt.args, err)
			}
		})
	}
}

func TestFillFromInputs(t *testing.T) {
	full := ghaction.Inputs{Path: []string{"in/path"}, FailOn: "none", SarifFile: "in.sarif", Include: []string{"in/**"},
		Exclude: []string{"out/**"}, Config: "in.yml", Category: "in", ScanScope: "changed", Shard: "2/3", Baseline: "in.json"}
	fromInputs := scanArgs{paths: []string{"in/path"}, failOn: "none", sarifFile: "in.sarif", include: listFlag{"in/**"},
		exclude: listFlag{"out/**"}, config: "in.yml", category: "in", scanScope: "changed", shard: "2/3", baseline: "in.json"}
	fromFlags := scanArgs{paths: []string{"flag/path"}, failOn: "low", sarifFile: "flag.sarif", include: listFlag{"flag/**"},
		exclude: listFlag{"skip/**"}, config: "flag.yml", category: "flag", scanScope: "all", shard: "1/3", baseline: "flag.json"}
	tests := []struct {
		name  string
		flags scanArgs
		in    ghaction.Inputs
		want  scanArgs
	}{
		{"inputs_fill_empty_flags", scanArgs{}, full, fromInputs},
		{"flags_win", fromFlags, full, fromFlags},
		{"no_inputs", fromFlags, ghaction.Inputs{}, fromFlags},
		{"nothing", scanArgs{}, ghaction.Inputs{}, scanArgs{}},
		{"one_flag_wins_others_filled", scanArgs{failOn: "critical", format: "json"}, full,
			func() scanArgs { a := fromInputs; a.failOn, a.format = "critical", "json"; return a }()},
		{"flags_without_inputs_untouched", scanArgs{format: "sarif", output: "o", changedSince: "HEAD", jobs: 2, stats: true}, full,
			func() scanArgs {
				a := fromInputs
				a.format, a.output, a.changedSince, a.jobs, a.stats = "sarif", "o", "HEAD", 2, true
				return a
			}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.flags
			got.fillFromInputs(tt.in)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(scanArgs{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
