package policy

import (
	"fmt"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/gguf"
	"github.com/modelgate/modelgate/internal/parse/jinja"
)

// templateReach are attribute and item names that lead from a template's
// objects to code: Python modules and builtins, and the attributes
// jinja2.sandbox refuses even without an underscore (frame, code and
// format_map). A chat template reads messages, tools and loop state; it
// never needs one of these.
var templateReach = map[string]bool{
	"os": true, "popen": true, "subprocess": true, "check_output": true, "builtins": true, "globals": true,
	"eval": true, "exec": true, "getattr": true, "import_module": true, "importlib": true, "mro": true,
	"func_globals": true, "func_code": true, "f_globals": true, "f_locals": true, "f_builtins": true,
	"gi_frame": true, "gi_code": true, "cr_frame": true, "cr_code": true, "ag_frame": true, "ag_code": true,
	"tb_frame": true, "co_code": true, "format_map": true,
}

// Template judges the facts of a chat template's static pass
// (gguf.InspectTemplate) as two renderers would run it. An unsandboxed
// jinja2 Environment (llama-cpp-python before 0.2.72, many servers) runs
// any attribute access; transformers' ImmutableSandboxedEnvironment and
// llama.cpp's minja refuse names with a leading underscore and the
// sandbox's unsafe attributes. A template that reaches Python internals is
// template injection (MG130, critical) whichever renderer the file meets:
// the file cannot choose. Constructs chat templates do not need (|attr
// with a plain name, lipsum/cycler/joiner/self/config/request, imports, a
// template Jinja cannot parse) are unusual (MG131).
func (p *Judge) Template(kv gguf.KV, facts []jinja.Fact) []finding.Finding {
	var hostile, odd []string
	add := func(list *[]string, s string) {
		for _, x := range *list {
			if x == s {
				return
			}
		}
		*list = append(*list, s)
	}
	reached := map[string]bool{}
	for _, f := range facts {
		if f.Kind == jinja.FactAccess {
			reached[f.Name] = true
		}
	}
	underscore := false
	for _, f := range facts {
		if f.Kind == jinja.FactNameString && reached[f.Name] {
			continue // said once, as the access
		}
		h, o := judgeTemplateFact(f)
		underscore = underscore || h != "" && strings.HasPrefix(f.Name, "_")
		if h != "" {
			add(&hostile, h)
		}
		if o != "" {
			add(&odd, o)
		}
	}
	key := finding.Quote(kv.Key, 200)
	switch {
	case len(hostile) > 0:
		ev := finding.Quote(strings.Join(hostile, "; "), 300)
		renderers := "; an unsandboxed jinja2 renderer runs it"
		if underscore {
			renderers += " (transformers' sandbox and llama.cpp's minja refuse its underscore names)"
		}
		return []finding.Finding{{Rule: finding.RuleGGUFTemplate, Offset: kv.Offset, Key: finding.Plain(kv.Key), Evidence: ev,
			Message: "chat template " + key + " reaches Python internals (server-side template injection): " + ev + renderers}}
	case len(odd) > 0:
		ev := finding.Quote(strings.Join(odd, "; "), 300)
		return []finding.Finding{{Rule: finding.RuleGGUFTemplateOdd, Offset: kv.Offset, Key: finding.Plain(kv.Key), Evidence: ev,
			Message: "chat template " + key + " uses constructs chat templates do not need: " + ev}}
	}
	return nil
}

// judgeTemplateFact returns the words for one fact: hostile, unusual, or
// neither.
func judgeTemplateFact(f jinja.Fact) (hostile, odd string) {
	how := ""
	if f.How != "" {
		how = " (" + f.How + ")"
	}
	switch f.Kind {
	case jinja.FactAccess:
		switch {
		case strings.HasPrefix(f.Name, "_"):
			return fmt.Sprintf("reaches %s%s", f.Name, how), ""
		case templateReach[f.Name]:
			return fmt.Sprintf("reaches %s%s", f.Name, how), ""
		case strings.HasPrefix(f.How, "|attr()"), strings.HasPrefix(f.How, "|map('attr')"):
			return "", fmt.Sprintf("|attr(%q)", f.Name)
		}
	case jinja.FactComputedAccess:
		return "reaches an attribute or item whose name is built at render time" + how, ""
	case jinja.FactNameString:
		return fmt.Sprintf("builds the name %s%s", f.Name, how), ""
	case jinja.FactGlobal:
		return "", "global " + f.Name
	case jinja.FactImport:
		return "", fmt.Sprintf("%s of %q", f.How, f.Name)
	case jinja.FactUnparsed:
		return "", "does not parse as a Jinja template: " + f.Name
	}
	return "", ""
}
