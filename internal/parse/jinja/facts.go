package jinja

import (
	"regexp"
	"strings"
)

// FactKind names what the static pass saw.
type FactKind string

// The facts of a template. The pass reports them; the policy judges them.
const (
	// FactAccess is an attribute or item name reached from an object
	// (x.name, x['name'], x|attr('name'), map(attribute='name'), a
	// str.format field {0.name}), the name known to the pass.
	FactAccess FactKind = "access"
	// FactComputedAccess is an attribute or item reached by a name built
	// at render time from pieces the pass could not resolve.
	FactComputedAccess FactKind = "computed access"
	// FactNameString is a string value of the code (a literal or one the
	// pass built) that spells a dunder or a mangled private name.
	FactNameString FactKind = "name string"
	// FactGlobal is a reference to one of Jinja's (or a web framework's)
	// global objects used as an object rather than called: lipsum,
	// cycler, joiner, namespace, range, dict, self, config, request.
	FactGlobal FactKind = "global"
	// FactImport is an include, import, from or extends.
	FactImport FactKind = "import"
	// FactUnparsed is a template Jinja's grammar (as this package reads
	// it) rejects; its facts come from its tokens alone.
	FactUnparsed FactKind = "unparsed"
)

// Fact is one thing the static pass saw: its kind, the name involved and
// how it was reached ("subscript", "|attr()", "built by ~", "macro body",
// "str.format with c conversion", ...), at a byte offset of the source.
type Fact struct {
	Kind   FactKind
	Name   string
	How    string
	Offset int
}

var (
	// dunderRe is a Python special name; mangledRe a name-mangled private
	// one (_TemplateReference__context).
	dunderRe  = regexp.MustCompile(`^__[A-Za-z0-9_]*[A-Za-z0-9]__$`)
	mangledRe = regexp.MustCompile(`^_[A-Za-z][A-Za-z0-9]*__[A-Za-z0-9_]+$`)
	// globals are the objects of Jinja's default namespace and of the web
	// frameworks SSTI payloads aim at.
	globals = map[string]bool{"lipsum": true, "cycler": true, "joiner": true, "namespace": true, "range": true, "dict": true,
		"self": true, "config": true, "request": true, "url_for": true, "get_flashed_messages": true}
)

// SpecialName reports a dunder or mangled private name, spaces around it
// ignored (a macro body's text keeps its line breaks).
func SpecialName(s string) bool {
	s = strings.TrimSpace(s)
	return dunderRe.MatchString(s) || mangledRe.MatchString(s)
}

// Inspect parses a template and runs the static pass over it. A template
// that does not parse is still inspected, from its tokens: a fact of kind
// FactUnparsed says so, and every name and string token that spells a
// special name is reported.
func Inspect(src string, opt Options) []Fact {
	tree, err := Parse(src, opt)
	if err != nil {
		return inspectTokens(src, opt, err)
	}
	a := &analysis{env: map[string]val{}, macros: map[string]*Node{}, seen: map[Fact]bool{}, budget: 1 << 20}
	a.block(tree.Kids, a.env)
	return a.facts
}

// inspectTokens is the fallback for a template that does not parse.
func inspectTokens(src string, opt Options, err error) []Fact {
	off := 0
	if e, ok := err.(*Error); ok {
		off = e.Offset
	}
	facts := []Fact{{Kind: FactUnparsed, Name: err.Error(), Offset: off}}
	toks, _ := Lex(Normalize(src), opt.MaxTokens)
	for _, t := range toks {
		switch {
		case (t.Type == TokName || t.Type == TokString) && SpecialName(t.Value):
			facts = append(facts, Fact{Kind: FactNameString, Name: strings.TrimSpace(t.Value), How: "token of an unparsed template", Offset: t.Offset})
		case t.Type == TokName && globals[t.Value]:
			facts = append(facts, Fact{Kind: FactGlobal, Name: t.Value, How: "token of an unparsed template", Offset: t.Offset})
		}
	}
	return facts
}
