package sarif

import (
	"cmp"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/report"
)

// SourceRootID is the uriBaseId of every artifact location: paths are
// relative to the repository root, which originalUriBaseIds defines.
const SourceRootID = "%SRCROOT%"

// PolicyFileProperty is the run property that names the policy file the
// findings were judged by, or says there was none.
const PolicyFileProperty = "policyFile"

// Notification is something the tool says about the run rather than about
// a file's content: a note, or a warning that the gate may have missed
// something.
type Notification struct {
	Level string // "warning" or "note"
	Text  string
}

// artifactURI is the URI of a report path, relative to the repository
// root: the prefix (the working directory below the root) joined on.
func artifactURI(prefix, p string) string {
	if prefix != "" && prefix != "." {
		p = path.Join(prefix, p)
	}
	return URI(p)
}

// describeRun adds to the run what says how it went: the invocation (it
// completed, with the notifications of the run and one for each file that
// could not be read in full), the source root, and the policy file.
func describeRun(run *gosarif.Run, r *finding.Report, opts Options) {
	inv := gosarif.NewInvocation().WithExecutionSuccess(true)
	for _, n := range opts.Notifications {
		inv.AddTToolExecutionNotification(notification(cmp.Or(n.Level, "note"), n.Text, ""))
	}
	files := slices.Clone(r.Files)
	slices.SortStableFunc(files, func(a, b finding.FileResult) int { return strings.Compare(a.Path, b.Path) })
	for _, f := range files {
		var what string
		switch f.Status {
		case finding.StatusNotScanned:
			what = "could not be scanned"
		case finding.StatusPartial:
			what = "was scanned only in part"
		default:
			continue
		}
		text := report.Clean(f.Path) + " " + what
		if w := worst(f.Findings); w != nil && f.Status == finding.StatusNotScanned {
			text += ": " + report.Clean(w.Message) // why, when nothing was read
		}
		inv.AddTToolExecutionNotification(notification("warning", text, artifactURI(opts.URIPrefix, f.Path)))
	}
	run.AddInvocations(inv)
	root := gosarif.NewArtifactLocation().WithDescriptionText("the root of the repository")
	if opts.SourceRoot != "" {
		root.WithUri(fileURI(opts.SourceRoot))
	}
	run.WithOriginalUriBaseIds(map[string]*gosarif.ArtifactLocation{SourceRootID: root})
	if opts.PolicyFile != "" {
		bag := gosarif.NewPropertyBag()
		bag.Add(PolicyFileProperty, report.Clean(opts.PolicyFile))
		run.AttachPropertyBag(bag)
	}
}

func notification(level, text, uri string) *gosarif.Notification {
	n := gosarif.NewNotification().WithLevel(level).WithMessage(gosarif.NewTextMessage(sentence(text)))
	if uri != "" {
		al := gosarif.NewSimpleArtifactLocation(uri).WithUriBaseId(SourceRootID)
		n.AddLocation(gosarif.NewLocationWithPhysicalLocation(gosarif.NewPhysicalLocation().WithArtifactLocation(al)))
	}
	return n
}

// worst is the most severe finding, first in report order on a tie.
func worst(fs []finding.Finding) *finding.Finding {
	var w *finding.Finding
	for i := range fs {
		if w == nil || report.CompareFindings(fs[i], *w) < 0 {
			w = &fs[i]
		}
	}
	return w
}

// fileURI is the file: URI of an absolute folder, ending in "/" as
// SARIF wants of a base URI.
func fileURI(dir string) string {
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x on Windows
	}
	u := url.URL{Scheme: "file", Path: p}
	s := u.String()
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s
}
