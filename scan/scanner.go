package scan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/policy"
)

// Options configures a scan.
type Options struct {
	// Roots are the files and directories to scan ("." when empty).
	Roots []string
	// Jobs is the number of files scanned at once (NumCPU when 0).
	Jobs int
	// Include and Exclude are globs over reported paths (** supported).
	Include, Exclude []string
	Limits           Limits
	Policy           *policy.Judge
	// Shard, when N > 1, scans only part K of N of the files.
	Shard Shard
	// Only, when not nil, limits the scan to the reported paths it
	// accepts (the files changed in a pull request).
	Only func(rel string) bool
	// Formats are the formats that identify and scan inputs, most specific
	// first (formats.Default). The engine knows none of its own: a scan
	// without formats is refused rather than passing every file.
	Formats []Format
	// Progress, when set, is called after each file with the count done.
	Progress func(done, total int)
	// Unmatched, when set, is called after the walk with each Include
	// ("include") and Exclude ("exclude") pattern that matched no file of
	// the tree, in their order: a pattern that selects nothing is most
	// often a mistake that makes the scan pass on files it never saw.
	Unmatched func(kind, pattern string)
}

// DefaultOptions returns options with the default limits and policy.
func DefaultOptions() Options {
	return Options{Limits: DefaultLimits(), Policy: policy.Default()}
}

// Scanner scans files with a fixed set of formats and options.
type Scanner struct {
	opts    Options
	formats []Format
}

// Scan walks the roots and scans every regular file. The files of the
// report are in path order whatever the number of workers. An error is
// returned only when the scan as a whole cannot proceed (a root that does
// not exist, a bad glob); a file that cannot be read is a finding.
func Scan(ctx context.Context, opts Options) (*finding.Report, error) {
	if len(opts.Roots) == 0 {
		opts.Roots = []string{"."}
	}
	if opts.Policy == nil {
		opts.Policy = policy.Default()
	}
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits()
	}
	if len(opts.Formats) == 0 {
		return nil, errors.New("no formats to scan with")
	}
	s := &Scanner{opts: opts, formats: opts.Formats}
	used := map[string]bool{}
	targets, excluded, err := walk(opts.Roots, opts.Include, opts.Exclude, used)
	if err != nil {
		return nil, err
	}
	if opts.Unmatched != nil {
		for _, l := range []struct {
			kind     string
			patterns []string
		}{{"include", opts.Include}, {"exclude", opts.Exclude}} {
			for _, g := range slices.Compact(slices.Clone(l.patterns)) {
				if !used[g] {
					opts.Unmatched(l.kind, g)
				}
			}
		}
	}
	before := len(dropLinked(targets))
	targets = opts.Shard.pick(dropLinked(scope(targets, opts.Only)))
	files := make([]finding.FileResult, len(targets))
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				files[i] = s.scanFile(targets[i])
				if opts.Progress != nil {
					mu.Lock()
					done++
					opts.Progress(done, len(targets))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range targets {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep := &finding.Report{Files: files, Summary: finding.Summarize(files, excluded)}
	rep.Summary.OutOfScope = before - len(targets)
	return rep, nil
}

func scope(targets []target, only func(rel string) bool) []target {
	if only == nil {
		return targets
	}
	var out []target
	for _, t := range targets {
		if only(t.rel) || t.via != "" && (only(t.via) || only(t.realRel)) {
			out = append(out, t)
		}
	}
	return out
}

// scanFile scans one file. A panic below is a bug: it is turned into a
// finding for this file, so one bad input cannot stop the whole run.
func (s *Scanner) scanFile(t target) (res finding.FileResult) {
	res = finding.FileResult{Path: t.rel, Size: t.size, Members: []string{}, Findings: []finding.Finding{}}
	sess := &Session{scanner: s, result: &res, seen: map[string]bool{}}
	top := &Input{Name: t.rel, Size: t.size}
	defer func() {
		if r := recover(); r != nil {
			sess.Unscannable(top, fmt.Errorf("internal error: %v\n%s", r, debug.Stack()))
			res.Status = sess.Status()
		}
	}()
	if t.symlink != "" {
		res.Format, res.Status = "symlink", finding.StatusNotScanned
		sess.Report(top, finding.Finding{Rule: finding.RuleSymlink, Offset: -1,
			Message: "symbolic link to a model or a folder outside the scanned tree, not followed: " + finding.Quote(t.symlink, 200)})
		return res
	}
	f, err := os.Open(t.abs)
	if err != nil {
		res.Format = "unknown"
		sess.Unscannable(top, fmt.Errorf("open: %w", err))
		res.Status = finding.StatusNotScanned
		return res
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil {
		res.Size, t.size = info.Size(), info.Size()
	}
	in, err := NewSectionInput(nil, t.rel, f, t.size)
	if err != nil {
		res.Format = "unknown"
		sess.Unscannable(top, fmt.Errorf("read: %w", err))
		res.Status = finding.StatusNotScanned
		return res
	}
	res.LinkTarget = t.blobLink
	res.Format = sess.Scan(in)
	sess.Finish()
	if res.Format == "" {
		res.Format = "none"
		if PickleName(t.rel) {
			sess.NotRead(in)
			res.Status = finding.StatusNotScanned
			return res
		}
		res.Status = finding.StatusSkipped
		return res
	}
	res.Status = sess.Status()
	return res
}

// Status says how completely the file was scanned so far.
func (s *Session) Status() finding.Status {
	switch {
	case !s.read:
		return finding.StatusNotScanned
	case s.partial:
		return finding.StatusPartial
	default:
		return finding.StatusScanned
	}
}
