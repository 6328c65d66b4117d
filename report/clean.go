package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean returns s with everything that could steer a terminal, a log viewer
// or a workflow-command parser made visible: C0 and C1 control characters
// (newlines and ESC included), DEL, invalid UTF-8, and the Unicode format
// characters that reorder or hide text (bidi overrides, zero-width marks) are
// written as Go-style escapes (\n, \x1b, \u202e). Printable text, spaces
// included, is kept as it is.
//
// Strings in findings can come straight from a scanned file (a pickle
// argument, an archive member name), so every one is cleaned before it is
// printed. Cleaning is idempotent only in the sense that its output holds no
// control characters; a backslash in the input is kept as one backslash.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isClean(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || r < 0x20 || r == 0x7f || unsafeRune(r) {
			return false
		}
		i += size
	}
	return true
}

// unsafeRune reports runes above ASCII that are not shown as themselves:
// C1 controls, format characters (Cf: bidi controls, zero-width joiners,
// BOM), line and paragraph separators, and private or unassigned points.
func unsafeRune(r rune) bool {
	if r < 0x80 {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co) || !unicode.IsPrint(r) && r != ' '
}
