package sarif

import (
	"strings"

	"github.com/modelgate/modelgate/finding"
	gosarif "github.com/owenrumney/go-sarif/v2/sarif"
)

// HelpURI is the page that documents the rules.
const HelpURI = InformationURI + "#rules"

// descriptor turns a rule of the table, with its default severity, into a
// reportingDescriptor. The
// properties are attached as a whole bag: go-sarif's PropertyBag.Add on a
// rule writes into the embedded bag, which the rule's own Properties field
// hides when marshalled.
func descriptor(r finding.Rule, sev finding.Severity) *gosarif.ReportingDescriptor {
	d := gosarif.NewRule(r.ID).
		WithName(r.Name).
		WithShortDescription(gosarif.NewMultiformatMessageString(r.Short)).
		WithFullDescription(gosarif.NewMultiformatMessageString(r.Full)).
		WithHelp(gosarif.NewMultiformatMessageString(plainText(r.Help)).WithMarkdown(r.Help)).
		WithHelpURI(HelpURI).
		WithDefaultConfiguration(gosarif.NewReportingConfiguration().WithLevel(Level(sev)))
	tags := []string{"security"}
	for _, cwe := range r.CWE {
		tags = append(tags, "external/cwe/"+strings.ToLower(cwe))
	}
	bag := gosarif.NewPropertyBag()
	bag.Add("tags", tags)
	bag.Add("security-severity", SecuritySeverity(sev))
	d.AttachPropertyBag(bag)
	return d
}

// plainText strips the Markdown emphasis and code marks of a help text.
func plainText(md string) string {
	return strings.NewReplacer("**", "", "`", "").Replace(md)
}
