package jinja

import (
	"slices"
	"strings"
	"testing"
)

// TestInspectFacts checks the facts the static pass reports for each way
// of building or reaching a name.
func TestInspectFacts(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // "kind name" of a fact that must be present
	}{
		{"getattr", "{{ a.b }}", "access b"},
		{"subscript", "{{ a['b'] }}", "access b"},
		{"attr_filter", "{{ a|attr('b') }}", "access b"},
		{"map_attribute", "{{ a|map(attribute='b.c')|list }}", "access c"},
		{"selectattr", "{{ a|selectattr('b') }}", "access b"},
		{"concat_set", "{% set x = 'b' ~ 'c' %}{{ a[x] }}", "access bc"},
		{"plus", "{{ a['b' + 'c'] }}", "access bc"},
		{"repeat", "{{ a['_' * 2 ~ 'x' ~ '_' * 2] }}", "access __x__"},
		{"str_format_c", "{{ a['{0:c}x'.format(98)] }}", "access bx"},
		{"percent", "{{ a['%s%c' % ('b', 99)] }}", "access bc"},
		{"format_filter", "{{ a['%c'|format(98)] }}", "access b"},
		{"join_dict", "{{ a[dict(b=1, c=2)|join] }}", "access bc"},
		{"reverse_slice", "{{ a['cb'[::-1]] }}", "access bc"},
		{"replace", "{{ a['xb'|replace('x', '')] }}", "access b"},
		{"macro", "{% macro m() %}b{% endmacro %}{{ a[m()] }}", "access b"},
		{"macro_kw", "{% macro m(p='z') %}{{ p }}{% endmacro %}{{ a[m(p='b')] }}", "access b"},
		{"set_block", "{% set x %}b{% endset %}{{ a[x] }}", "access b"},
		{"computed", "{% set u = (x|string)[3] %}{{ a[u ~ 'b'] }}", "computed access "},
		{"dunder_string", "{% set x = '__cl' ~ 'ass__' %}", "name string __class__"},
		{"global", "{{ lipsum }}", "global lipsum"},
		{"import", "{% from 't' import m %}", "import t"},
		{"format_field", "{{ '{0.b[c]}'.format(a) }}", "access c"},
		{"string_in_brace", "{{ '}}' ~ a.__b__ }}", "access __b__"},
		{"dict_braces", "{{ {'k': {'j': a}}['k']['j'].b }}", "access b"},
		{"raw_is_text", "{% raw %}{{ a.__b__ }}{% endraw %}{{ c.d }}", "access d"},
		{"call_block_body", "{% macro m() %}{{ a[caller()] }}{% endmacro %}{% call m() %}b{% endcall %}", "access b"},
		{"namespace_kwargs", "{% set ns = namespace(k='b') %}{% set ns.k = ns.k ~ 'c' %}{{ a[ns.k] }}", "access bc"},
		{"unparsed", "{{ a.__b__ ? }}", "name string __b__"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts := Inspect(tt.src, DefaultOptions())
			var got []string
			for _, f := range facts {
				got = append(got, string(f.Kind)+" "+f.Name)
			}
			found := false
			for _, g := range got {
				found = found || g == tt.want || strings.HasSuffix(tt.want, " ") && strings.HasPrefix(g, tt.want)
			}
			if !found {
				t.Errorf("no %q in %q", tt.want, got)
			}
		})
	}
}

// TestRawIsNotCode: text of a raw block and of comments is never code.
func TestRawIsNotCode(t *testing.T) {
	for _, src := range []string{"{% raw %}{{ a.__b__ }}{% endraw %}", "{# {{ a.__b__ }} #}", "__b__ {{ x }}"} {
		if facts := Inspect(src, DefaultOptions()); len(facts) != 0 {
			t.Errorf("%q: %+v", src, facts)
		}
	}
}

// TestBounds: deep nesting and long token streams end in an error, not a
// crash, and a huge repetition stays unknown.
func TestBounds(t *testing.T) {
	deep := "{{ " + strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000) + " }}"
	if _, err := Parse(deep, DefaultOptions()); err == nil {
		t.Error("deep nesting parsed")
	}
	if _, err := Lex(strings.Repeat("{{ a }}", 100), 50); err == nil {
		t.Error("token bound not applied")
	}
	facts := Inspect("{{ a['_' * 100000000 ~ 'b'] }}", DefaultOptions())
	if len(facts) != 1 || facts[0].Kind != FactComputedAccess {
		t.Errorf("repetition: %+v", facts)
	}
}

// TestInnerEnds checks the tag ends found inside open brackets: a nested
// dict literal's "}}" in an expression or a statement, not a tag's own
// end nor one inside a string.
func TestInnerEnds(t *testing.T) {
	tests := []struct {
		name, src string
		want      []int
	}{
		{"nested_dict", "{{ {'a':{'b':namespace}}.x }}", []int{22}},
		{"statement_braces", "{% set x = {'a':{'b':1}} %}", nil}, // a statement ends at %}
		{"plain", "{{ x }}{% if y %}{% endif %}", nil},
		{"in_string", "{{ '}}' }}", nil},
		{"flat_dict", "{{ {'a': 1} }}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := InnerEnds(tt.src, DefaultOptions())
			if !slices.Equal(got, tt.want) {
				t.Errorf("InnerEnds = %v, want %v", got, tt.want)
			}
		})
	}
}
