package cli

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/modelgate/modelgate/internal/ghaction"
)

const scanUsage = `Usage: modelgate scan [flags] [PATH ...]

Scans files and directories (default ".") for model files and reports code
that would run when they are loaded. Nothing is ever loaded or executed.

Flags:
  --format text|json|sarif   report format (default text)
  --output FILE              write the report to FILE (default stdout)
  --fail-on SEVERITY         exit 1 on a finding of this severity or higher:
                             critical, high, medium, low or none (default high)
  --include GLOB             scan only paths matching GLOB (** allowed; repeatable)
  --exclude GLOB             skip paths matching GLOB (repeatable)
  --jobs N                   files scanned at once (default: number of CPUs)
  --category NAME            SARIF automationDetails.id, to keep several
                             analyses of one commit apart
  --sarif-file FILE          also write SARIF to FILE (used by the GitHub Action)
  --config FILE              policy file (default: .modelgate.yml in the first
                             PATH, when present)
  --baseline FILE            a previous JSON or SARIF report: only findings not
                             in it count towards --fail-on
  --shard K/N                scan only part K of N of the files (balanced by
                             bytes); SARIF category default modelgate/shard-K-of-N
  --changed-since REF        scan only files added, modified or renamed since the
                             git revision REF (a full scan when git or the
                             history is missing, with a note saying why)
  --scan-scope all|changed   inside GitHub Actions, "changed" on a pull_request
                             event is --changed-since the pull request's base
  --fail-on-empty[=true]     exit 1 when no model file was scanned, or a path
                             or an --include/--exclude pattern matched nothing
                             (always a warning)
  --stats                    print wall and CPU time, bytes read, peak memory
                             and files/s to stderr after the scan

Exit status: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage error or scanner failure.
`

// listFlag is a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// boolText is a boolean flag kept as text, so that runs.args' empty
// "--fail-on-empty=" counts as not given and "--fail-on-empty" alone as
// true; parseBool reads it.
type boolText string

func (b *boolText) String() string     { return string(*b) }
func (b *boolText) Set(v string) error { *b = boolText(v); return nil }
func (b *boolText) IsBoolFlag() bool   { return true }

// scanArgs are the settings of one scan, from flags, then INPUT_*
// variables inside GitHub Actions, then defaults.
type scanArgs struct {
	format, output, failOn, category, sarifFile, config, baseline, shard string
	changedSince, scanScope, failOnEmpty                                 string
	include, exclude                                                     listFlag
	jobs                                                                 int
	stats                                                                bool
	paths                                                                []string
}

// parseScan parses flags and paths; flags and paths may be interleaved, and
// everything after "--" is a path.
func parseScan(args []string) (*scanArgs, error) {
	a := &scanArgs{}
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&a.format, "format", "", "")
	fs.StringVar(&a.output, "output", "", "")
	fs.StringVar(&a.failOn, "fail-on", "", "")
	fs.StringVar(&a.category, "category", "", "")
	fs.StringVar(&a.sarifFile, "sarif-file", "", "")
	fs.StringVar(&a.config, "config", "", "")
	fs.StringVar(&a.baseline, "baseline", "", "")
	fs.StringVar(&a.shard, "shard", "", "")
	fs.StringVar(&a.changedSince, "changed-since", "", "")
	fs.StringVar(&a.scanScope, "scan-scope", "", "")
	fs.Var((*boolText)(&a.failOnEmpty), "fail-on-empty", "")
	fs.Var(&a.include, "include", "")
	fs.Var(&a.exclude, "exclude", "")
	fs.IntVar(&a.jobs, "jobs", 0, "")
	fs.BoolVar(&a.stats, "stats", false, "")
	for rest := args; len(rest) > 0; {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		consumed := len(rest) - fs.NArg()
		if consumed > 0 && rest[consumed-1] == "--" {
			a.paths = append(a.paths, fs.Args()...)
			break
		}
		if fs.NArg() == 0 {
			break
		}
		a.paths = append(a.paths, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	a.paths = ghaction.Lines(a.paths...)
	return a, nil
}

// fillFromInputs fills what the flags left empty from the action's inputs:
// a flag given with a value always wins. runs.args passes empty inputs as
// "--flag=" and an empty path as "", so empty values count as not given.
func (a *scanArgs) fillFromInputs(in ghaction.Inputs) {
	for _, f := range []struct {
		dst   *string
		input string
	}{
		{&a.failOn, in.FailOn}, {&a.sarifFile, in.SarifFile}, {&a.config, in.Config}, {&a.category, in.Category},
		{&a.shard, in.Shard}, {&a.baseline, in.Baseline}, {&a.scanScope, in.ScanScope}, {&a.failOnEmpty, in.FailOnEmpty},
	} {
		*f.dst = cmp.Or(*f.dst, f.input)
	}
	if len(a.paths) == 0 {
		a.paths = in.Path
	}
	if len(a.include) == 0 {
		a.include = in.Include
	}
	if len(a.exclude) == 0 {
		a.exclude = in.Exclude
	}
}

// usageError says what is wrong with the flags of scan, with a pointer to
// its help, and returns the exit status of a usage error.
func usageError(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "modelgate scan: "+format+"\nRun \"modelgate scan --help\" for usage.\n", args...)
	return exitProblem
}
