package gguf

import (
	"regexp"
	"strconv"
	"strings"
)

// Construct is something found in a chat template.
type Construct struct {
	// Hostile is set for constructs that reach Python internals (server-side
	// template injection); otherwise the construct is only unusual.
	Hostile bool
	// What describes it, e.g. "dunder attribute __globals__".
	What string
}

// TemplateKey reports whether a metadata key holds a chat template:
// tokenizer.chat_template and the named tokenizer.chat_template.<name>.
func TemplateKey(k string) bool {
	return k == "tokenizer.chat_template" || strings.HasPrefix(k, "tokenizer.chat_template.")
}

var (
	codeBlock = regexp.MustCompile(`(?s)\{\{.*?\}\}|\{%.*?%\}`)
	literal   = regexp.MustCompile(`'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"`)
	dunder    = regexp.MustCompile(`__[A-Za-z0-9_]*[A-Za-z0-9]__`)
	ident     = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	nameLike  = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	// builtKey is a subscript whose key is built by string filters or
	// concatenation: x['__gl' ~ 'obals__'], x['%c%c'|format(95, 95) ~ ...].
	builtKey = regexp.MustCompile(`\[[^\[\]]*(\|\s*(format|join|replace|reverse)\b|~)[^\[\]]*\]`)
	attrCall = regexp.MustCompile(`\|\s*attr\s*\(\s*`)
	// repeated is what follows a string literal that is repeated: '_' * 2.
	repeated = regexp.MustCompile(`^\s*\*\s*[0-9]`)
	// namedChar is Python's \N{NAME} escape, which Jinja string literals
	// understand.
	namedChar = regexp.MustCompile(`\\N\{([A-Za-z0-9 -]+)\}`)
	// hostileNames are identifiers no chat template needs and SSTI
	// payloads reach for: Python modules and builtins that run code, and
	// the jinja2 internals that lead to them.
	hostileNames = map[string]bool{
		"os": true, "popen": true, "eval": true, "exec": true, "subprocess": true,
		"builtins": true, "globals": true, "getattr": true, "import_module": true, "importlib": true,
		"_TemplateReference__context": true, "check_output": true,
	}
	// hostileStrings are string values that name such things (an |attr()
	// argument); "os" and "system" are left out: "system" is a chat role.
	hostileStrings = map[string]bool{
		"popen": true, "subprocess": true, "check_output": true, "getattr": true, "builtins": true,
		"globals": true, "import_module": true, "eval": true, "exec": true,
		"_TemplateReference__context": true,
	}
	// oddNames are jinja globals and statements that chat templates do not
	// need but that are not an attack by themselves.
	oddNames = map[string]bool{
		"lipsum": true, "cycler": true, "joiner": true, "self": true, "config": true, "request": true,
		"include": true, "import": true, "extends": true, "from": true, "call": true, "attr": true,
	}
)

// InspectTemplate returns the hostile and unusual constructs of a Jinja
// template, each once, hostile first. Only code ({{ }} and {% %}) is
// looked at: text outside is printed, never evaluated.
func InspectTemplate(t string) []Construct {
	var hostile, odd []string
	seen := map[string]bool{}
	add := func(h bool, what string) {
		if seen[what] {
			return
		}
		seen[what] = true
		if h {
			hostile = append(hostile, what)
		} else {
			odd = append(odd, what)
		}
	}
	for _, block := range codeBlock.FindAllString(t, -1) {
		lits := literal.FindAllString(block, -1)
		for _, loc := range literal.FindAllStringIndex(block, -1) {
			// Underscores on their own build dunder names out of pieces
			// kept apart ('__' ~ 'glo' ~ 'bals' ~ '__', '_' * 2).
			u := unquote(block[loc[0]:loc[1]])
			if u != "" && strings.Trim(u, "_") == "" && (len(u) >= 2 || repeated.MatchString(block[loc[1]:])) {
				add(true, "string of underscores to build a dunder name")
			}
			if strings.Contains(block[loc[0]:loc[1]], `\N{`) {
				add(false, "named character escape")
			}
		}
		code := literal.ReplaceAllString(block, "''")
		for _, id := range ident.FindAllString(code, -1) {
			switch {
			case dunder.MatchString(id):
				add(true, "dunder name "+id)
			case hostileNames[id]:
				add(true, "name "+id)
			case oddNames[id]:
				add(false, "name "+id)
			}
		}
		// Only strings that could be a name count: a dunder in printed
		// prose ('if __name__ == "__main__"') is not an attribute access.
		var joined strings.Builder
		named := false
		for _, l := range lits {
			s := strings.TrimSpace(unquote(l))
			if !nameLike.MatchString(s) {
				joined.Reset()
				continue
			}
			joined.WriteString(s)
			if d := dunder.FindString(s); d != "" {
				add(true, "string naming "+d)
				named = true
			}
			if hostileStrings[s] {
				add(true, "string naming "+s)
				named = true
			}
		}
		if d := dunder.FindString(joined.String()); d != "" && !named {
			add(true, "strings joined into "+d)
		}
		for _, loc := range attrCall.FindAllStringIndex(code, -1) {
			if !strings.HasPrefix(code[loc[1]:], "'')") {
				add(true, "|attr() with a computed name")
			}
		}
		if builtKey.MatchString(code) {
			add(true, "subscript with a computed name")
		}
		if strings.Contains(block, "%c") && strings.Contains(code, "format") {
			add(true, "characters built with format('%c')")
		}
	}
	var out []Construct
	for _, w := range hostile {
		out = append(out, Construct{Hostile: true, What: w})
	}
	for _, w := range odd {
		out = append(out, Construct{What: w})
	}
	return out
}

// unquote decodes a Jinja string literal with Python's escapes
// (\x5f, \u005f, octal); what cannot be decoded is kept as written.
func unquote(l string) string {
	body := l[1 : len(l)-1]
	if !strings.Contains(body, `\`) {
		return body
	}
	body = namedChar.ReplaceAllStringFunc(body, func(m string) string {
		if c := charNamed(namedChar.FindStringSubmatch(m)[1]); c != "" {
			return c
		}
		return m
	})
	if l[0] == '\'' {
		body = strings.ReplaceAll(strings.ReplaceAll(body, `"`, `\"`), `\'`, `'`)
	}
	if s, err := strconv.Unquote(`"` + body + `"`); err == nil {
		return s
	}
	return body
}

// charNamed returns the character of a Unicode name Python knows, for the
// names that spell identifiers (LOW LINE, LATIN SMALL LETTER A, DIGIT
// ZERO, FULL STOP); "" for others.
func charNamed(name string) string {
	name = strings.ToUpper(strings.TrimSpace(name))
	switch {
	case name == "LOW LINE":
		return "_"
	case name == "FULL STOP":
		return "."
	case strings.HasPrefix(name, "LATIN SMALL LETTER ") && len(name) == len("LATIN SMALL LETTER ")+1:
		return strings.ToLower(name[len(name)-1:])
	case strings.HasPrefix(name, "LATIN CAPITAL LETTER ") && len(name) == len("LATIN CAPITAL LETTER ")+1:
		return name[len(name)-1:]
	}
	digits := []string{"ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"}
	for i, d := range digits {
		if name == "DIGIT "+d {
			return strconv.Itoa(i)
		}
	}
	return ""
}
