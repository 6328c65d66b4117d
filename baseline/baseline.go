// Package baseline compares a scan with an earlier report so that a gate
// fails only on what is new. A finding matches the baseline by its stable
// fingerprint (rule, path, member, callable, key), never by offset: a
// re-saved file moves its offsets but keeps its findings.
//
// The baseline is either modelgate's JSON report or its SARIF, which
// carries every fingerprint of a result in properties["fingerprints"] (a
// SARIF result merges the occurrences of one rule in one file).
package baseline

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/modelgate/modelgate/finding"
)

// Set is the fingerprints of a baseline report.
type Set map[string]bool

// SARIFProperty is the result property that lists a SARIF result's
// fingerprints, one per merged occurrence.
const SARIFProperty = "fingerprints"

// Load reads a JSON or SARIF report written by modelgate.
func Load(path string) (Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	var probe struct {
		Runs  json.RawMessage `json:"runs"`
		Files json.RawMessage `json:"files"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("baseline %s: not a JSON or SARIF report: %w", path, err)
	}
	switch {
	case probe.Files != nil:
		return fromJSON(b)
	case probe.Runs != nil:
		return fromSARIF(b)
	}
	return nil, fmt.Errorf("baseline %s: neither a modelgate JSON report (files) nor SARIF (runs)", path)
}

func fromJSON(b []byte) (Set, error) {
	var rep finding.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("parse JSON baseline: %w", err)
	}
	set := Set{}
	for _, f := range rep.Files {
		for _, fd := range f.Findings {
			set[finding.Fingerprint(f.Path, fd)] = true
		}
	}
	return set, nil
}

func fromSARIF(b []byte) (Set, error) {
	var log struct {
		Runs []struct {
			Results []struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		return nil, fmt.Errorf("parse SARIF baseline: %w", err)
	}
	set := Set{}
	for _, run := range log.Runs {
		for i, r := range run.Results {
			var fps []string
			raw, ok := r.Properties[SARIFProperty]
			if !ok {
				return nil, fmt.Errorf("SARIF baseline: result %d has no %q property: not written by modelgate", i, SARIFProperty)
			}
			if err := json.Unmarshal(raw, &fps); err != nil {
				return nil, fmt.Errorf("SARIF baseline: result %d: %w", i, err)
			}
			for _, fp := range fps {
				set[fp] = true
			}
		}
	}
	return set, nil
}

// Apply marks every finding of rep as "unchanged" or "new".
func (s Set) Apply(rep *finding.Report) {
	for i := range rep.Files {
		f := &rep.Files[i]
		for j := range f.Findings {
			if s[finding.Fingerprint(f.Path, f.Findings[j])] {
				f.Findings[j].Baseline = "unchanged"
			} else {
				f.Findings[j].Baseline = "new"
			}
		}
	}
}
