package config

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/modelgate/modelgate/finding"
)

// Starter returns a policy file that allows every unknown global a scan
// found, one entry each with "reason: TODO", so adopting modelgate on an
// existing repository is one review away. Known-dangerous callables are
// never put in it: they are listed in a comment for the reviewer instead.
func Starter(rep *finding.Report) []byte {
	unknown := map[string]bool{}
	dangerous := map[string]bool{}
	for _, f := range rep.Files {
		for _, fd := range f.Findings {
			if !globalPattern.MatchString(fd.Callable) || !containsDot(fd.Callable) {
				continue
			}
			switch fd.Rule {
			case finding.RuleUnknownCall, finding.RuleUnknownClass, finding.RuleUnknownImport, finding.RuleKerasCustomObject, finding.RuleKerasExternal:
				unknown[fd.Callable] = true
			case finding.RuleDangerousCallable, finding.RuleKerasDangerous:
				dangerous[fd.Callable] = true
			}
		}
	}
	var b bytes.Buffer
	b.WriteString("# modelgate policy file: review every entry and replace each TODO with a reason.\n")
	b.WriteString("# Reference: allow, deny, severity, ignore, paths, limits (see the README).\n")
	if len(dangerous) > 0 {
		b.WriteString("#\n# Known-dangerous callables found (not allowed here; investigate these files first):\n")
		for _, g := range sorted(dangerous) {
			fmt.Fprintf(&b, "#   %s\n", g)
		}
	}
	if len(unknown) == 0 {
		b.WriteString("allow: []\n")
		return b.Bytes()
	}
	b.WriteString("allow:\n")
	for _, g := range sorted(unknown) {
		fmt.Fprintf(&b, "  - global: %s\n    reason: TODO\n", g)
	}
	return b.Bytes()
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
