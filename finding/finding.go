package finding

// Finding is one occurrence of a rule in one place.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Member is the archive member chain inside the file, joined with MemberSep
	// ("" for the file itself), e.g. "model.7z/archive/data.pkl". The
	// pickles of a legacy PyTorch file are "pickle#0" to "pickle#4".
	Member string `json:"member"`
	// Offset is the byte offset inside the innermost stream (the pickle,
	// the member), or -1 when the finding has no precise place.
	Offset int64 `json:"offset"`
	// Length is the number of bytes the evidence spans (at least 1 when
	// Offset is set).
	Length int64 `json:"length,omitempty"`
	// Callable is the global involved, e.g. "os.system", when there is one.
	Callable string `json:"callable,omitempty"`
	// Evidence is a short printable rendering, e.g. "os.system('id')". It
	// never holds raw bytes from the scanned file.
	Evidence string `json:"evidence,omitempty"`
	// Key is the place inside a config or metadata (a Keras layer path, a
	// GGUF key, a TensorFlow node) when that is more useful than an offset.
	Key string `json:"key,omitempty"`
	// Suppression is set when a reviewed exception in the policy file
	// covers this finding: it is still reported, but never fails the gate.
	Suppression *Suppression `json:"suppression,omitempty"`
	// Baseline is "unchanged" when the finding was already in the baseline
	// report given with --baseline, "new" when it was not, "" without one.
	Baseline string `json:"baseline,omitempty"`
}

// Suppression records why a finding is not held against the gate.
type Suppression struct {
	Kind          string `json:"kind"` // "external": from the policy file
	Justification string `json:"justification"`
}

// Fingerprint identifies a finding across runs for baselines and SARIF
// partialFingerprints: rule, path, member and callable, never offsets,
// which move whenever a file is re-saved.
func Fingerprint(path string, f Finding) string {
	return f.Rule + "|" + path + "|" + f.Member + "|" + f.Callable + "|" + f.Key
}

// Gating reports whether the finding counts towards --fail-on.
func (f Finding) Gating() bool {
	return f.Suppression == nil && f.Baseline != "unchanged"
}

// Status says how completely a file was scanned.
type Status string

// Statuses of a scanned file.
const (
	StatusScanned    Status = "scanned"     // every part that can execute was read
	StatusPartial    Status = "partial"     // some parts could not be read (see findings)
	StatusNotScanned Status = "not-scanned" // nothing could be read (see findings)
	StatusSkipped    Status = "skipped"     // not a model format: sniffed and passed over
)

// FileResult is the outcome for one file.
type FileResult struct {
	// Path is relative to the scan root, with forward slashes.
	Path   string `json:"path"`
	Format string `json:"format"`
	Status Status `json:"status"`
	Size   int64  `json:"size"`
	// Members lists the archive members (chains joined with MemberSep) whose
	// content was read.
	Members  []string  `json:"members"`
	Findings []Finding `json:"findings"`
	// LinkTarget is the link text of a symlink whose target was scanned
	// under the link's path (a Hugging Face cache snapshot's blob).
	LinkTarget string `json:"link_target,omitempty"`
}

// Worst returns the highest severity among the findings, or
// SeverityInvalid when there are none.
func (r *FileResult) Worst() Severity {
	w := SeverityInvalid
	for _, f := range r.Findings {
		if f.Severity > w {
			w = f.Severity
		}
	}
	return w
}

// Summary counts what a scan saw.
type Summary struct {
	Files      int            `json:"files"`        // files looked at, every status
	Scanned    int            `json:"scanned"`      // status scanned
	Partial    int            `json:"partial"`      // status partial
	NotScanned int            `json:"not_scanned"`  // status not-scanned
	Skipped    int            `json:"skipped"`      // not a model format
	Excluded   int            `json:"excluded"`     // left out by --include/--exclude
	OutOfScope int            `json:"out_of_scope"` // left to other shards, or unchanged in a pull-request scan
	Findings   int            `json:"findings"`     // findings that count towards the gate
	Suppressed int            `json:"suppressed"`   // covered by an ignore entry of the policy file
	Unchanged  int            `json:"unchanged"`    // already in the baseline
	BySeverity map[string]int `json:"by_severity"`
	ByFormat   map[string]int `json:"by_format"`
	Highest    string         `json:"highest"` // highest severity found, or "none"
}

// Report is the result of one scan.
type Report struct {
	Files   []FileResult `json:"files"`
	Summary Summary      `json:"summary"`
}

// Summarize computes the summary from the files; excluded is the number of
// files left out by path filters.
func Summarize(files []FileResult, excluded int) Summary {
	s := Summary{Files: len(files), Excluded: excluded, BySeverity: map[string]int{}, ByFormat: map[string]int{}}
	worst := SeverityInvalid
	for _, f := range files {
		switch f.Status {
		case StatusScanned:
			s.Scanned++
		case StatusPartial:
			s.Partial++
		case StatusNotScanned:
			s.NotScanned++
		case StatusSkipped:
			s.Skipped++
		}
		if f.Status != StatusSkipped {
			s.ByFormat[f.Format]++
		}
		for _, fd := range f.Findings {
			switch {
			case fd.Suppression != nil:
				s.Suppressed++
				continue
			case fd.Baseline == "unchanged":
				s.Unchanged++
				continue
			}
			s.Findings++
			s.BySeverity[fd.Severity.String()]++
			if fd.Severity > worst {
				worst = fd.Severity
			}
		}
	}
	s.Highest = "none"
	if worst > SeverityInvalid {
		s.Highest = worst.String()
	}
	return s
}
