package jinja

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Unescape decodes the body of a string literal as Jinja does: Python's
// s.encode("ascii", "backslashreplace").decode("unicode-escape"), so
// \x5f, \u005f, \U0000005f, octal \137 and \N{LOW LINE} all spell '_'.
// An escape Python would reject, or a \N{} name outside the small table
// of charNamed, is kept as written.
func Unescape(body string) string {
	if !strings.Contains(body, `\`) {
		return body
	}
	var ascii strings.Builder
	for _, r := range body {
		switch {
		case r < 0x80:
			ascii.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&ascii, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&ascii, `\u%04x`, r)
		default:
			fmt.Fprintf(&ascii, `\U%08x`, r)
		}
	}
	s := ascii.String()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		n := escape(&b, s[i+1:])
		if n == 0 {
			b.WriteByte('\\')
			continue
		}
		i += n
	}
	return b.String()
}

// escape writes the character of the escape that s starts with (the text
// after a backslash) and returns how many bytes of s it used, or 0 when
// the backslash stands for itself.
func escape(b *strings.Builder, s string) int {
	simple := map[byte]string{'\n': "", '\\': `\`, '\'': "'", '"': `"`, 'a': "\a", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t", 'v': "\v"}
	if v, ok := simple[s[0]]; ok {
		b.WriteString(v)
		return 1
	}
	switch c := s[0]; {
	case c >= '0' && c <= '7':
		n := 1
		for n < 3 && n < len(s) && s[n] >= '0' && s[n] <= '7' {
			n++
		}
		v, _ := strconv.ParseUint(s[:n], 8, 32)
		b.WriteRune(rune(v))
		return n
	case c == 'x' || c == 'u' || c == 'U':
		n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
		if len(s) < 1+n {
			return 0
		}
		v, err := strconv.ParseUint(s[1:1+n], 16, 32)
		if err != nil || v > utf8.MaxRune {
			return 0
		}
		b.WriteRune(rune(v))
		return 1 + n
	case c == 'N':
		end := strings.IndexByte(s, '}')
		if len(s) < 3 || s[1] != '{' || end < 0 {
			return 0
		}
		ch := charNamed(s[2:end])
		if ch == "" {
			return 0
		}
		b.WriteString(ch)
		return end + 1
	}
	return 0
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
	case name == "SPACE":
		return " "
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
