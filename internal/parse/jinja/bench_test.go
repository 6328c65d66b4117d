package jinja

import (
	"strings"
	"testing"
)

// BenchmarkInspect measures the parse and the static pass over a large
// template of macros calling macros, the shape that costs the pass most.
func BenchmarkInspect(b *testing.B) {
	src := strings.Repeat("{% macro m%[1]d(a) %}{{ a ~ m%[1]d(a) }}{% endmacro %}", 1)
	var sb strings.Builder
	for i := 0; i < 200; i++ {
		sb.WriteString(strings.ReplaceAll(src, "%[1]d", string(rune('a'+i%26))+strings.Repeat("x", i/26)))
		sb.WriteString("{% for m in messages %}{{ m['role'] ~ m['content'] | trim }}{% endfor %}")
	}
	tmpl := sb.String()
	b.SetBytes(int64(len(tmpl)))
	for b.Loop() {
		Inspect(tmpl, DefaultOptions())
	}
}
