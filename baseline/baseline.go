// Package baseline compares a scan with an earlier report so that a gate
// fails only on what is new. A finding matches the baseline by its stable
// fingerprint (rule, path, member, callable, key), never by offset: a
// re-saved file moves its offsets but keeps its findings. The match also
// binds the evidence (the rendered call and its arguments, EvidenceKey):
// a file whose payload changed under the same callable is a new finding,
// or a reviewed os.system('echo hi') would let any other command through.
//
// The baseline is either modelgate's JSON report or its SARIF, which
// carries every fingerprint of a result in properties["fingerprints"] and
// every evidence-bound key in properties["evidence"] (a SARIF result
// merges the occurrences of one rule in one file). A SARIF log written
// before the evidence keys existed matches by fingerprint alone, and
// Set.BindsEvidence says so.
package baseline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"github.com/modelgate/modelgate/finding"
)

// Set is the findings of a baseline report.
type Set struct {
	keys map[string]bool
	// BindsEvidence is false for a SARIF baseline without evidence keys,
	// matched by fingerprint alone.
	BindsEvidence bool
}

// SARIFProperty is the result property that lists a SARIF result's
// fingerprints, one per merged occurrence.
const SARIFProperty = "fingerprints"

// SARIFEvidenceProperty is the result property that lists a SARIF
// result's evidence-bound keys (EvidenceKey), one per merged occurrence.
const SARIFEvidenceProperty = "evidence"

// EvidenceKey identifies a finding with its evidence: the fingerprint and
// a hash of the rendered evidence. The SARIF writer computes the same
// (a test holds them equal).
func EvidenceKey(path string, f finding.Finding) string {
	h := sha256.Sum256([]byte(f.Evidence))
	return finding.Fingerprint(path, f) + "|" + hex.EncodeToString(h[:8])
}

// key is how a finding is looked up in the set.
func (s *Set) key(path string, f finding.Finding) string {
	if s.BindsEvidence {
		return EvidenceKey(path, f)
	}
	return finding.Fingerprint(path, f)
}

// Load reads a JSON or SARIF report written by modelgate.
func Load(path string) (*Set, error) {
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

func fromJSON(b []byte) (*Set, error) {
	var rep finding.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("parse JSON baseline: %w", err)
	}
	set := &Set{keys: map[string]bool{}, BindsEvidence: true}
	for _, f := range rep.Files {
		for _, fd := range f.Findings {
			set.keys[set.key(f.Path, fd)] = true
		}
	}
	return set, nil
}

func fromSARIF(b []byte) (*Set, error) {
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
	loose, bound := map[string]bool{}, map[string]bool{}
	binds := true
	for _, run := range log.Runs {
		for i, r := range run.Results {
			if _, ok := r.Properties[SARIFProperty]; !ok {
				return nil, fmt.Errorf("SARIF baseline: result %d has no %q property: not written by modelgate", i, SARIFProperty)
			}
			if err := addList(loose, r.Properties[SARIFProperty]); err != nil {
				return nil, fmt.Errorf("SARIF baseline: result %d: %w", i, err)
			}
			raw, ok := r.Properties[SARIFEvidenceProperty]
			binds = binds && ok
			if err := addList(bound, raw); ok && err != nil {
				return nil, fmt.Errorf("SARIF baseline: result %d: %w", i, err)
			}
		}
	}
	if binds {
		return &Set{keys: bound, BindsEvidence: true}, nil
	}
	return &Set{keys: loose}, nil
}

// addList adds the strings of a JSON array to set.
func addList(set map[string]bool, raw json.RawMessage) error {
	var items []string
	if err := json.Unmarshal(raw, &items); err != nil {
		return err
	}
	for _, it := range items {
		set[it] = true
	}
	return nil
}

// Apply marks every finding of rep as "unchanged" or "new".
func (s *Set) Apply(rep *finding.Report) {
	for i := range rep.Files {
		f := &rep.Files[i]
		for j := range f.Findings {
			if s.keys[s.key(f.Path, f.Findings[j])] {
				f.Findings[j].Baseline = "unchanged"
			} else {
				f.Findings[j].Baseline = "new"
			}
		}
	}
}
