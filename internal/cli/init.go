package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/modelgate/modelgate/config"
	"github.com/modelgate/modelgate/report"
	"github.com/modelgate/modelgate/scan"
	"github.com/modelgate/modelgate/scan/formats"
)

const initUsage = `Usage: modelgate init [--force] [--jobs N] [PATH]

Scans PATH (default ".") and writes .modelgate.yml at the repository root
(where scan looks for it): a starter policy file that allows every global the scan found as unknown (your own classes
and functions), one entry each with "reason: TODO". Review every entry and
write its reason before committing the file. Known-dangerous callables are
never allowed by it: they are listed in a comment for you to investigate.

Flags:
  --force    overwrite an existing .modelgate.yml
  --jobs N   files scanned at once (default: number of CPUs)
`

// runInit writes a starter policy file from a first scan.
func runInit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	force := fs.Bool("force", false, "")
	jobs := fs.Int("jobs", 0, "")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, initUsage)
		return exitOK
	}
	if err == nil && (fs.NArg() > 1 || *jobs < 0) {
		err = errors.New("want at most one PATH and --jobs of 0 or more")
	}
	if err != nil {
		fmt.Fprintf(stderr, "modelgate init: %v\nRun \"modelgate init --help\" for usage.\n", err)
		return exitProblem
	}
	dir := cmp.Or(fs.Arg(0), ".")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return failure(stderr, fmt.Errorf("init: %s is not a directory", dir))
	}
	// At the repository root, where scan reads it whatever the paths.
	dest := reportPath(filepath.Join(repositoryRoot(""), config.DefaultName))
	if _, err := os.Lstat(dest); err == nil && !*force {
		return failure(stderr, fmt.Errorf("init: %s exists; review it, or run with --force to replace it", dest))
	}
	opts := scan.DefaultOptions()
	opts.Formats = formats.Default()
	opts.Roots, opts.Jobs = []string{dir}, *jobs
	rep, err := scan.Scan(ctx, opts)
	if err != nil {
		return failure(stderr, fmt.Errorf("init: scan: %w", err))
	}
	return writeStarter(dest, config.Starter(rep), *force, stdout, stderr)
}

// writeStarter writes the file (never through an existing one unless
// force) and prints what it wrote.
func writeStarter(dest string, body []byte, force bool, stdout, stderr io.Writer) int {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(dest, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return failure(stderr, fmt.Errorf("init: %s exists; run with --force to replace it", dest))
	}
	if err != nil {
		return failure(stderr, fmt.Errorf("init: %w", err))
	}
	_, err = f.Write(body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return failure(stderr, fmt.Errorf("init: write %s: %w", dest, err))
	}
	entries := strings.Count(string(body), "\n  - global: ")
	noun := "entries"
	if entries == 1 {
		noun = "entry"
	}
	fmt.Fprintf(stdout, "modelgate: wrote %s with %d allow %s (reason: TODO); review each before committing it:\n\n",
		report.Clean(filepath.ToSlash(dest)), entries, noun)
	for _, line := range strings.SplitAfter(string(body), "\n") {
		if line != "" {
			fmt.Fprintln(stdout, report.Clean(strings.TrimSuffix(line, "\n")))
		}
	}
	return exitOK
}
