package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/gguf"
	"github.com/modelgate/modelgate/internal/parse/jinja"
)

// judgeTemplate runs the static pass and the judge over one template.
func judgeTemplate(tmpl string) []finding.Finding {
	kv := gguf.KV{Key: "tokenizer.chat_template", String: tmpl, IsString: true}
	return Default().Template(kv, gguf.InspectTemplate(tmpl, jinja.DefaultOptions()))
}

// TestTemplate judges templates by what a renderer would do with them:
// each family of injection (names built by ~, +, set, join, format with
// %c or {:c}, escapes, macro bodies, brackets that fool a regular
// expression) is critical; printed underscores, dunders in prose, and
// the constructs of real chat templates are not.
func TestTemplate(t *testing.T) {
	tests := []struct {
		name, tmpl string
		want       string // "", "MG130" or "MG131"
		words      string // in the evidence
	}{
		{"namespace_and_raise", "{% set ns = namespace(found=false) %}{% if messages|length == 0 %}{{ raise_exception('no messages') }}{% endif %}", "", ""},
		{"dunder_in_text_only", "Say __init__ politely {{ messages[0]['content'] }}", "", ""},
		{"dunder_in_printed_prose", `{{ 'Run it with: if __name__ == "__main__": main()' }}`, "", ""},
		{"underscores_printed", "{{ '_' * 32 }}{{ '%c%c'|format(95, 95) }}{{ '__' }}", "", ""},
		{"attr_concat", "{{ self|attr('_TemplateReference'~'__context') }}", "MG130", "_TemplateReference__context"},
		{"attr_computed", "{% set a = 'cla' %}{{ ()|attr('__' ~ a ~ 'ss__') }}", "MG130", "__class__"},
		{"escaped_dunder", `{{ ''['\x5f\x5fclass\x5f\x5f'] }}`, "MG130", "__class__"},
		{"joined_list", "{{ ['__cl', 'ass__']|join }}", "MG130", "__class__"},
		{"lipsum_globals", "{{ lipsum.__globals__['os'].popen('true') }}", "MG130", "__globals__"},
		{"built_subscript", "{{ g['%s%sbuiltins%s%s'|format('_', '_', '_', '_')] }}", "MG130", "__builtins__"},
		{"padded_name", "{{ g['__globals__ '|trim] }}", "MG130", "__globals__"},
		{"brace_in_string", "{{ '}}' ~ joiner.__init__.__globals__.os.popen('true').read() }}", "MG130", "__init__"},
		{"dict_literal_braces", "{{ {'x':{'y':cycler}}['x']['y'].__init__.__globals__ }}", "MG130", "__globals__"},
		{"str_format_c", "{{ cycler['{0:c}{0:c}init{0:c}{0:c}'.format(95)] }}", "MG130", "c conversion"},
		{"str_format_named", "{{ cycler['{u}{u}init{u}{u}'.format(u='_')] }}", "MG130", "__init__"},
		{"percent_c_tuple", "{{ cycler['%c%cinit%c%c' % (95, 95, 95, 95)] }}", "MG130", "__init__"},
		{"format_field_attr", "{{ '{0.__class__}'.format(x) }}", "MG130", "format field"},
		{"macro_body_name", "{% macro k() %}__init__{% endmacro %}{{ cycler[k()|string] }}", "MG130", "macro body"},
		{"macro_param_name", "{% macro k(a) %}__{{ a }}__{% endmacro %}{{ cycler[k('init')] }}", "MG130", "__init__"},
		{"set_block_name", "{% set k %}__init__{% endset %}{{ cycler[k] }}", "MG130", "__init__"},
		{"loop_built_name", "{% set ns = namespace(k='') %}{% for c in ['__in', 'it__'] %}{% set ns.k = ns.k ~ c %}{% endfor %}{{ cycler[ns.k] }}", "MG130", "built at render time"},
		{"map_attr_filter", "{{ [cycler]|map('attr', '__init__')|list }}", "MG130", "__init__"},
		{"unparsed_dunder", "{{ cycler.__init__ ? }}", "MG130", "__init__"},
		{"attr_data_name", "{{ lipsum|attr(message.role) }}", "MG130", "built at render time"},
		{"slice_of_json", "{{ cycler[(x|tojson)[2:13]] }}", "MG130", "built at render time"},
		{"method_built_key", "{{ cycler[x.upper()] }}", "MG130", "built at render time"},
		{"numeric_index", "{{ messages[loop.index0|int]['content'] }}{{ messages[messages|length - 1].content }}", "", ""},
		{"cycler_only", "{{ cycler('a', 'b').next() }}", "MG131", "cycler"},
		{"attr_plain", "{{ message|attr('content') }}", "MG131", "content"},
		{"include", "{% include 'other.j2' %}", "MG131", "include"},
		{"unparsed", "{% frobnicate %}", "MG131", "does not parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := judgeTemplate(tt.tmpl)
			got, ev := "", ""
			if len(fs) > 0 {
				got, ev = fs[0].Rule, fs[0].Evidence
			}
			if got != tt.want || !strings.Contains(ev, tt.words) {
				t.Errorf("got %s %q, want %s with %q", got, ev, tt.want, tt.words)
			}
		})
	}
}

// TestTemplateRealModels: the chat templates of the format_variants
// fixtures written in the style of real models (Llama 3 and 3.1 with
// tools, Mistral, Qwen2, DeepSeek-R1 with namespace, Gemma, Phi-3,
// Hermes macros, Zephyr) are judged nothing.
func TestTemplateRealModels(t *testing.T) {
	paths, err := filepath.Glob("../internal/parse/jinja/testdata/templates/fixture_benign_g_*.jinja")
	if err != nil || len(paths) < 9 {
		t.Fatalf("templates: %v %d", err, len(paths))
	}
	for _, p := range paths {
		if strings.Contains(p, "config_items") {
			continue // config.items(): unusual by design
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if fs := judgeTemplate(string(b)); len(fs) > 0 {
			t.Errorf("%s: %+v", filepath.Base(p), fs)
		}
	}
}
