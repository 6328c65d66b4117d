package jinja

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzInspect feeds the lexer, the parser and the static pass hostile
// sources, seeded with every template of testdata/templates: none may
// panic or loop, and a template that does not parse says so.
func FuzzInspect(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "templates", "*.jinja"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		opt := Options{MaxTokens: 1 << 14, MaxDepth: 64}
		_, err := Parse(src, opt)
		facts := Inspect(src, opt)
		if err != nil && (len(facts) == 0 || facts[0].Kind != FactUnparsed) {
			t.Errorf("parse error %v without an unparsed fact: %+v", err, facts)
		}
		norm := Normalize(src)
		for _, off := range InnerEnds(src, opt) {
			if off < 0 || off+2 > len(norm) || norm[off+1] != '}' {
				t.Errorf("inner end at %d of %q", off, norm)
			}
		}
	})
}
