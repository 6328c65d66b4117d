package jinja

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token reads one token inside a tag, in the order of Jinja's tag rules:
// whitespace, float, integer, name, string, operator.
func (l *lexer) token(stack *[]byte) error {
	s, p := l.src, l.pos
	r, n := utf8.DecodeRuneInString(s[p:])
	switch {
	case unicode.IsSpace(r):
		l.pos = skipSpace(s, p)
		return nil
	case r >= '0' && r <= '9':
		if e := floatEnd(s, p); e > p {
			l.emit(TokFloat, s[p:e], p, e)
			return nil
		}
		l.emit(TokInteger, s[p:intEnd(s, p)], p, intEnd(s, p))
		return nil
	case r == '_' || unicode.IsLetter(r):
		e := p + n
		for e < len(s) {
			r, n := utf8.DecodeRuneInString(s[e:])
			if !nameRune(r) {
				break
			}
			e += n
		}
		l.emit(TokName, s[p:e], p, e)
		return nil
	case r == '\'' || r == '"':
		e := stringEnd(s, p)
		if e < 0 {
			return &Error{p, fmt.Sprintf("unexpected char %q", r)}
		}
		l.emit(TokString, Unescape(s[p+1:e-1]), p, e)
		return nil
	}
	for _, o := range operators {
		if strings.HasPrefix(s[p:], o.op) {
			if err := balance(stack, o.op, p); err != nil {
				return err
			}
			l.emit(o.typ, o.op, p, p+len(o.op))
			return nil
		}
	}
	return &Error{p, fmt.Sprintf("unexpected char %q", r)}
}

func (l *lexer) emit(t TokenType, v string, start, end int) {
	l.toks = append(l.toks, Token{t, v, start})
	l.pos = end
}

// nameRune is a rune that may continue a name (Python identifiers,
// approximated by letters, digits, marks and connector punctuation).
func nameRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc)
}

// balance keeps the stack of open brackets, failing as Jinja does on a
// closing bracket that does not match.
func balance(stack *[]byte, op string, p int) error {
	switch op {
	case "{":
		*stack = append(*stack, '}')
	case "(":
		*stack = append(*stack, ')')
	case "[":
		*stack = append(*stack, ']')
	case "}", ")", "]":
		st := *stack
		if len(st) == 0 {
			return &Error{p, fmt.Sprintf("unexpected '%s'", op)}
		}
		if st[len(st)-1] != op[0] {
			return &Error{p, fmt.Sprintf("unexpected '%s', expected '%c'", op, st[len(st)-1])}
		}
		*stack = st[:len(st)-1]
	}
	return nil
}

// digitsEnd matches (\d+_)*\d+ at p and returns its end, or p.
func digitsEnd(s string, p int) int {
	e := p
	for {
		q := e
		for q < len(s) && s[q] >= '0' && s[q] <= '9' {
			q++
		}
		if q == e {
			return e
		}
		e = q
		if e+1 < len(s) && s[e] == '_' && s[e+1] >= '0' && s[e+1] <= '9' {
			e++
			continue
		}
		return e
	}
}

// floatEnd matches Jinja's float rule at p:
// (?<!\.)(\d+_)*\d+((\.(\d+_)*\d+)?e[+\-]?(\d+_)*\d+|\.(\d+_)*\d+).
func floatEnd(s string, p int) int {
	if p > 0 && s[p-1] == '.' {
		return p
	}
	e := digitsEnd(s, p)
	frac := e
	if frac < len(s) && s[frac] == '.' {
		if f := digitsEnd(s, frac+1); f > frac+1 {
			frac = f
		}
	}
	if frac < len(s) && (s[frac] == 'e' || s[frac] == 'E') {
		q := frac + 1
		if q < len(s) && (s[q] == '+' || s[q] == '-') {
			q++
		}
		if x := digitsEnd(s, q); x > q {
			return x
		}
	}
	if frac > e {
		return frac
	}
	return p
}

// intEnd matches Jinja's integer rule at p:
// 0b(_?[01])+ | 0o(_?[0-7])+ | 0x(_?[0-9a-f])+ | [1-9](_?\d)* | 0(_?0)*.
func intEnd(s string, p int) int {
	if s[p] == '0' && p+1 < len(s) {
		var ok func(byte) bool
		switch s[p+1] | 0x20 {
		case 'b':
			ok = func(c byte) bool { return c == '0' || c == '1' }
		case 'o':
			ok = func(c byte) bool { return c >= '0' && c <= '7' }
		case 'x':
			ok = func(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }
		}
		if ok != nil {
			if e := underscored(s, p+2, ok); e > p+2 {
				return e
			}
		}
	}
	if s[p] == '0' {
		return underscored(s, p+1, func(c byte) bool { return c == '0' }) // 0(_?0)*
	}
	return underscored(s, p+1, func(c byte) bool { return c >= '0' && c <= '9' })
}

// underscored matches (_?D)* at p for digits D.
func underscored(s string, p int, ok func(byte) bool) int {
	for {
		switch {
		case p < len(s) && ok(s[p]):
			p++
		case p+1 < len(s) && s[p] == '_' && ok(s[p+1]):
			p += 2
		default:
			return p
		}
	}
}

// stringEnd returns the end of the string literal opening at p (after
// its closing quote), or -1 when it is not closed.
func stringEnd(s string, p int) int {
	q := s[p]
	for i := p + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case q:
			return i + 1
		}
	}
	return -1
}
