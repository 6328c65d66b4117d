package sarif

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/report"
)

// FingerprintsProperty is the result property that lists the
// finding.Fingerprint of every occurrence merged into the result, so that a
// SARIF log can serve as a baseline (package baseline reads it).
const FingerprintsProperty = "fingerprints"

// EvidenceProperty is the result property that lists the evidence-bound
// key of every merged occurrence, so that a baseline binds the payload.
const EvidenceProperty = "evidence"

// EvidenceKey is a finding's fingerprint with a hash of its evidence:
// package baseline computes the same (its test holds them equal).
func EvidenceKey(path string, f finding.Finding) string {
	h := sha256.Sum256([]byte(f.Evidence))
	return finding.Fingerprint(path, f) + "|" + hex.EncodeToString(h[:8])
}

// result builds the result of one group; ruleIndex is the rule's index in
// tool.driver.rules.
func result(g *group, ruleIndex int, prefix string) *gosarif.Result {
	primary := g.findings[0]
	uri := artifactURI(prefix, g.path)
	res := gosarif.NewRuleResult(g.rule).
		WithRuleIndex(ruleIndex).
		WithLevel(Level(primary.Severity)).
		WithMessage(gosarif.NewTextMessage(message(primary, len(g.findings)-1))).
		WithLocations([]*gosarif.Location{location(uri, primary)}).
		WithPartialFingerPrints(map[string]any{"primaryLocationLineHash": LineHash(finding.Fingerprint(g.path, primary))})
	if g.baseline != "" {
		res.WithBaselineState(g.baseline)
	}
	fps := make([]string, 0, len(g.findings))
	keys := make([]string, 0, len(g.findings))
	for _, fd := range g.findings {
		fps = append(fps, finding.Fingerprint(g.path, fd))
		keys = append(keys, EvidenceKey(g.path, fd))
	}
	bag := gosarif.NewPropertyBag()
	slices.Sort(fps)
	slices.Sort(keys)
	bag.Add(FingerprintsProperty, slices.Compact(fps))
	bag.Add(EvidenceProperty, slices.Compact(keys))
	res.AttachPropertyBag(bag)
	for i, fd := range g.findings[1:] {
		if i == MaxRelated {
			break
		}
		loc := location(uri, fd).WithId(i + 1).WithMessage(gosarif.NewTextMessage(occurrence(fd)))
		res.AddRelatedLocation(loc)
	}
	if sup := primary.Suppression; sup != nil {
		s := gosarif.NewSuppression(cmp.Or(sup.Kind, "external")).WithStatus("accepted")
		if sup.Justification != "" {
			s.WithJustifcation(report.Clean(sup.Justification))
		}
		res.AddSuppression(s)
	}
	return res
}

// location is a physical location in the file: line 1, and the byte range
// when the offset is one in the file itself.
func location(uri string, fd finding.Finding) *gosarif.Location {
	region := gosarif.NewRegion().WithStartLine(1)
	if fd.Member == "" && fd.Offset >= 0 {
		region.WithByteOffset(int(fd.Offset)).WithByteLength(int(max(fd.Length, 1)))
	}
	phys := gosarif.NewPhysicalLocation().
		WithArtifactLocation(gosarif.NewSimpleArtifactLocation(uri).WithUriBaseId(SourceRootID)).
		WithRegion(region)
	loc := gosarif.NewLocationWithPhysicalLocation(phys)
	if fd.Member != "" {
		bag := gosarif.NewPropertyBag()
		bag.Add("member", report.Clean(fd.Member))
		if fd.Offset >= 0 {
			bag.Add("memberOffset", fd.Offset)
		}
		loc.AttachPropertyBag(bag)
	}
	return loc
}

// message is the text of a result: the finding's message, then the call
// with its arguments, the member chain and the offset, and how many other
// occurrences are related locations.
func message(fd finding.Finding, others int) string {
	msg := report.Clean(fd.Message)
	parts := []string{sentence(msg)}
	// The call and callable are added unless the message names them already.
	if ev := report.Clean(fd.Evidence); ev != "" && !strings.Contains(msg, ev) {
		parts = append(parts, "Call: "+ev+".")
	} else if c := report.Clean(fd.Callable); ev == "" && c != "" && !strings.Contains(msg, c) {
		parts = append(parts, "Callable: "+c+".")
	}
	if fd.Member != "" {
		parts = append(parts, "Archive member: "+report.Clean(fd.Member)+".")
	}
	if fd.Key != "" {
		parts = append(parts, "Key: "+report.Clean(fd.Key)+".")
	}
	if fd.Offset >= 0 {
		where := "the file"
		if fd.Member != "" {
			where = "the member"
		}
		parts = append(parts, fmt.Sprintf("Byte offset %d in %s.", fd.Offset, where))
	}
	switch {
	case others == 1:
		parts = append(parts, "1 more occurrence in this file is a related location.")
	case others > MaxRelated:
		parts = append(parts, fmt.Sprintf("%d more occurrences in this file; the first %d are related locations.", others, MaxRelated))
	case others > 1:
		parts = append(parts, fmt.Sprintf("%d more occurrences in this file are related locations.", others))
	}
	return strings.Join(parts, " ")
}

// occurrence is the message of a related location.
func occurrence(fd finding.Finding) string {
	what := report.Clean(fd.Evidence)
	if what == "" {
		what = report.Clean(fd.Callable)
	}
	if what == "" {
		what = strings.TrimSuffix(report.Clean(fd.Message), ".")
	}
	if fd.Member != "" {
		what += " in " + report.Clean(fd.Member)
	}
	if fd.Offset >= 0 {
		what += fmt.Sprintf(" at byte offset %d", fd.Offset)
	}
	return sentence(what)
}

// sentence capitalises nothing but makes sure the text ends with a period.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "Finding."
	}
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// LineHash is the primaryLocationLineHash of a result whose primary
// finding has the fingerprint fp (finding.Fingerprint: rule, path, member,
// callable and key, never offsets, so an alert survives a rewrite that moves
// bytes): 16 hex digits of its SHA-256 and ":1", GitHub's own shape.
func LineHash(fp string) string {
	h := sha256.Sum256([]byte(fp))
	return hex.EncodeToString(h[:8]) + ":1"
}

// URI turns a report path (relative, forward slashes) into a relative URI
// reference: each segment percent-encoded, ":" included so that no segment
// reads as a scheme.
func URI(path string) string {
	path = strings.TrimPrefix(path, "./")
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(segs, "/")
}
