package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/modelgate/modelgate/baseline"
	"github.com/modelgate/modelgate/config"
	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/ghaction"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/report"
	"github.com/modelgate/modelgate/scan"
	"github.com/modelgate/modelgate/scan/formats"
)

// scanJob is one run of the scan command: the options for package scan,
// then what is done to the report (policy file, baseline) and where it goes.
type scanJob struct {
	args       *scanArgs
	failOn     finding.Severity
	opts       scan.Options
	policy     *config.File
	policyPath string
	base       *baseline.Set
	inActions  bool
	stderr     io.Writer
	// repoRoot is the repository root: where the policy file is looked
	// for, and what SARIF paths are relative to.
	repoRoot string
	// notes are said on stderr as they arise and repeated in the step
	// summary and the SARIF inside GitHub Actions.
	notes []string
	// warnings are notes that say the gate may have missed something
	// (nothing scanned, a pattern that matched nothing): annotated as
	// warnings inside Actions, and a failure with --fail-on-empty when
	// they say nothing was scanned.
	warnings []string
	// empty is set when no model file was scanned or a path or pattern
	// matched nothing; failOnEmpty makes that fail the gate.
	empty, failOnEmpty bool
}

// usageErr is a mistake in the flags: exit 2 with a pointer to --help.
type usageErr struct{ error }

// runScan is the scan command: flags, then the action's inputs, then the
// scan job; it returns the exit status. Inside Actions, a run that cannot
// do its work (exit 2) says so in an error annotation and the step
// summary too: a failed step whose summary is empty sends the reviewer
// hunting through logs.
func runScan(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	a, err := parseScan(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, scanUsage)
		return exitOK
	}
	inActions := ghaction.Enabled(getenv)
	var rep *finding.Report
	fail := func(err error) int {
		var ue usageErr
		if errors.As(err, &ue) {
			usageError(stderr, "%v", ue.error)
		} else {
			failure(stderr, err)
		}
		if inActions {
			publishFailure(stdout, getenv, rep, err.Error())
		}
		return exitProblem
	}
	if err != nil {
		return fail(usageErr{err})
	}
	if inActions {
		a.fillFromInputs(ghaction.ReadInputs(getenv))
	}
	job, err := newScanJob(ctx, a, stderr, getenv, inActions)
	if err != nil {
		return fail(err)
	}
	if rep, err = job.run(ctx); err != nil {
		return fail(fmt.Errorf("scan: %w", err))
	}
	code, err := job.finish(rep, stdout, getenv)
	if err != nil {
		return fail(err)
	}
	return code
}

// newScanJob checks the settings and reads the policy file, the baseline
// and the list of changed files.
func newScanJob(ctx context.Context, a *scanArgs, stderr io.Writer, getenv func(string) string, inActions bool) (*scanJob, error) {
	j := &scanJob{args: a, inActions: inActions, stderr: stderr}
	if err := j.settings(); err != nil {
		return nil, err
	}
	setMemoryLimit(a.jobs, getenv)
	var err error
	workspace := ""
	if inActions {
		workspace = getenv("GITHUB_WORKSPACE")
	}
	j.repoRoot = repositoryRoot(workspace)
	if j.opts.Roots, err = resolveRoots(j.opts.Roots, workspace); err != nil {
		return nil, err
	}
	if err := j.usePolicyFile(); err != nil {
		return nil, err
	}
	if a.baseline != "" {
		if j.base, err = baseline.Load(a.baseline); err != nil {
			return nil, err
		}
	}
	if err := j.limitToChanges(ctx, getenv); err != nil {
		return nil, err
	}
	a.category = cmp.Or(a.category, j.defaultCategory())
	return j, nil
}

// defaultCategory is the SARIF category of a partial scan: code scanning
// closes the alerts of a category that a new analysis no longer reports,
// so a scan of the changed files or of one shard must not share the
// category of full scans, or it would close the alerts of every file it
// did not look at. A full scan has none.
func (j *scanJob) defaultCategory() string {
	var parts []string
	if j.opts.Only != nil {
		parts = append(parts, "changed")
	}
	if sh := j.opts.Shard; sh.N > 1 {
		parts = append(parts, fmt.Sprintf("shard-%d-of-%d", sh.K, sh.N))
	}
	if len(parts) == 0 {
		return ""
	}
	return "modelgate/" + strings.Join(parts, "/")
}

// settings validates the flags and turns them into scan options.
func (j *scanJob) settings() error {
	a := j.args
	a.format = strings.ToLower(cmp.Or(a.format, "text"))
	if a.format != "text" && a.format != "json" && a.format != "sarif" {
		return usageErr{fmt.Errorf("unknown --format %q (want text, json or sarif)", a.format)}
	}
	var err error
	if j.failOn, err = finding.ParseSeverity(strings.ToLower(cmp.Or(a.failOn, "high"))); err != nil {
		return usageErr{fmt.Errorf("--fail-on: %w", err)}
	}
	if a.jobs < 0 {
		return usageErr{errors.New("--jobs must be 0 or more")}
	}
	if j.failOnEmpty, err = parseBool(a.failOnEmpty); err != nil {
		return usageErr{fmt.Errorf("--fail-on-empty: %w", err)}
	}
	j.opts = scan.DefaultOptions()
	j.opts.Formats = formats.Default()
	j.opts.Roots, j.opts.Jobs = a.paths, a.jobs
	j.opts.Include, j.opts.Exclude = a.include, a.exclude
	if a.shard != "" {
		if j.opts.Shard, err = scan.ParseShard(a.shard); err != nil {
			return usageErr{fmt.Errorf("--shard: %w", err)}
		}
	}
	return j.scopeSettings()
}

// usePolicyFile reads the policy file, when there is one, into the options.
func (j *scanJob) usePolicyFile() error {
	pf, path, err := loadPolicy(j.args.config, j.repoRoot)
	if err != nil || pf == nil {
		return err
	}
	j.policy, j.policyPath = pf, path
	j.opts.Include = append(j.opts.Include, pf.Paths.Include...)
	j.opts.Exclude = append(j.opts.Exclude, pf.Paths.Exclude...)
	j.opts.Limits = pf.ApplyLimits(j.opts.Limits)
	if j.opts.Policy, err = policy.New(pf.PolicyConfig(path, time.Now())); err != nil {
		return fmt.Errorf("policy file %s: %w", path, err)
	}
	return nil
}

// note says something the user should know about this run.
func (j *scanJob) note(msg string) {
	j.notes = append(j.notes, msg)
	fmt.Fprintf(j.stderr, "modelgate: %s\n", report.Clean(msg))
}

// warn says that the gate may have missed something.
func (j *scanJob) warn(msg string) {
	j.warnings = append(j.warnings, msg)
	fmt.Fprintf(j.stderr, "modelgate: warning: %s\n", report.Clean(msg))
}

// policyShown names the policy file used, or says there is none.
func (j *scanJob) policyShown() string {
	return cmp.Or(j.policyPath, noPolicy)
}

// run scans, then applies the policy file and the baseline.
func (j *scanJob) run(ctx context.Context) (*finding.Report, error) {
	var progress *report.Progress
	if isTerminal(j.stderr) && !j.inActions {
		progress = report.NewProgress(j.stderr)
		j.opts.Progress = progress.Update
	}
	j.opts.Unmatched = func(kind, pattern string) {
		j.empty = true
		j.warn(fmt.Sprintf("%s pattern %q matched no file", kind, pattern))
	}
	start := time.Now()
	rep, err := scan.Scan(ctx, j.opts)
	if progress != nil {
		progress.Done()
	}
	if err != nil {
		return nil, err
	}
	if j.args.stats {
		writeStats(j.stderr, start, rep)
	}
	j.checkScanned(rep)
	j.reviewIgnores(rep)
	for _, w := range j.opts.Policy.Warnings() {
		j.note("warning: " + w)
	}
	if j.base != nil {
		j.base.Apply(rep)
	}
	summary := finding.Summarize(rep.Files, rep.Summary.Excluded)
	summary.OutOfScope = rep.Summary.OutOfScope
	rep.Summary = summary
	return rep, nil
}

// finish writes the reports and, inside Actions, the outputs and the step
// summary, and returns the exit status of the gate.
func (j *scanJob) finish(rep *finding.Report, stdout io.Writer, getenv func(string) string) (int, error) {
	failed := gateFails(rep, j.failOn) || j.failOnEmpty && j.empty
	facts := j.facts(failed)
	color := j.args.output == "" && isTerminal(stdout) && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb" && !j.inActions
	if err := writeReports(j.args, rep, facts, stdout, getenv, j.inActions, color); err != nil {
		return 0, err
	}
	if j.inActions {
		if err := publish(stdout, getenv, rep, facts, j.args.sarifFile); err != nil {
			return 0, err
		}
	}
	if failed {
		return exitFailed, nil
	}
	return exitOK, nil
}
