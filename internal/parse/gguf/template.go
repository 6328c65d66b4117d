package gguf

import (
	"strings"

	"github.com/modelgate/modelgate/internal/parse/jinja"
)

// TemplateKey reports whether a metadata key holds a chat template:
// tokenizer.chat_template and the named tokenizer.chat_template.<name>.
func TemplateKey(k string) bool {
	return k == "tokenizer.chat_template" || strings.HasPrefix(k, "tokenizer.chat_template.")
}

// InspectTemplate parses a chat template with the Jinja grammar (package
// jinja) and returns the facts of its static pass: every attribute and
// item reached and how its name was built, special names spelled by the
// code's strings, globals used as objects, imports. A template is read as
// Jinja's lexer reads it, so a '}}' inside a string literal or closing a
// dict literal does not end a tag, and text is only evaluated where Jinja
// evaluates it (a macro body used as a name).
func InspectTemplate(t string, opt jinja.Options) []jinja.Fact {
	return jinja.Inspect(t, opt)
}
