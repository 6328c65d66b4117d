package jinja

import (
	"strconv"
	"strings"
	"unicode"
)

// convert renders one argument with a conversion character (Python's c,
// s, d, i, r, x, o); ok is false when the pass does not know the result.
func convert(v val, conv byte) (string, bool) {
	switch conv {
	case 'c':
		if i, ok := intArg(v); ok && i >= 0 && i <= 0x10ffff {
			return string(rune(i)), true
		}
		if v.known && len([]rune(v.s)) == 1 {
			return v.s, true
		}
	case 's', 0:
		if v.known {
			return v.s, true
		}
		if v.isInt {
			return strconv.FormatInt(v.n, 10), true
		}
	case 'd', 'i':
		if v.isInt {
			return strconv.FormatInt(v.n, 10), true
		}
	case 'x':
		if v.isInt {
			return strconv.FormatInt(v.n, 16), true
		}
	case 'o':
		if v.isInt {
			return strconv.FormatInt(v.n, 8), true
		}
	}
	return "", false
}

// printf is Python's "fmt % args" (and Jinja's |format): the conversions
// without width or precision are followed, others make the result
// unknown.
func printf(f val, args ...val) val {
	if len(args) == 1 && args[0].isList {
		t := args[0]
		args = nil
		for _, s := range t.list {
			args = append(args, str(s, t.how))
		}
	}
	how := joinHow(f.how, "%-format")
	var b strings.Builder
	next := 0
	s := f.s
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		j := i + 1
		for j < len(s) && strings.IndexByte("#0- +", s[j]) >= 0 {
			j++
		}
		if j >= len(s) || next >= len(args) || j > i+1 {
			return derived(how, append([]val{f}, args...)...)
		}
		out, ok := convert(args[next], s[j])
		if !ok {
			return derived(how, append([]val{f}, args...)...)
		}
		if s[j] == 'c' {
			how = joinHow(how, "c conversion")
		}
		b.WriteString(out)
		next++
		i = j
	}
	return str(b.String(), how)
}

// pyFormat is str.format on a known string. A field that reaches into
// its argument ({0.attr}, {0[key]}) is an access in its own right.
func (a *analysis) pyFormat(f val, pos []val, kw map[string]val, off int) val {
	how := joinHow(f.how, "str.format")
	var b strings.Builder
	auto, known := 0, true
	s := f.s
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '}' && i+1 < len(s) && s[i+1] == '}' || c == '{' && i+1 < len(s) && s[i+1] == '{' {
			b.WriteByte(c)
			i++
			continue
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return derived(how, f)
		}
		field := s[i+1 : i+end]
		i += end
		name, spec, _ := strings.Cut(field, ":")
		name, conv, _ := strings.Cut(name, "!")
		head := name
		if k := strings.IndexAny(name, ".["); k >= 0 {
			head = name[:k]
			a.formatAccess(name[k:], how, off)
			known = false
		}
		var arg val
		switch idx, err := strconv.Atoi(head); {
		case head == "":
			if auto < len(pos) {
				arg = pos[auto]
			}
			auto++
		case err == nil:
			if idx < len(pos) {
				arg = pos[idx]
			}
		default:
			arg = kw[head]
		}
		cv := byte(0)
		if spec != "" {
			cv = spec[len(spec)-1]
			if cv == 'c' {
				how = joinHow(how, "c conversion")
			}
			if len(spec) > 1 {
				known = false
			}
		}
		if conv != "" && conv != "s" {
			known = false
		}
		out, ok := convert(arg, cv)
		known = known && ok
		b.WriteString(out)
	}
	if !known {
		return derived(how, append([]val{f}, pos...)...)
	}
	return str(b.String(), how)
}

// formatAccess records the attributes and keys a format field reaches:
// ".__globals__[os]".
func (a *analysis) formatAccess(path, how string, off int) {
	for path != "" {
		var part string
		switch path[0] {
		case '.':
			k := strings.IndexAny(path[1:], ".[")
			if k < 0 {
				k = len(path) - 1
			}
			part, path = path[1:1+k], path[1+k:]
		case '[':
			if k := strings.IndexByte(path, ']'); k < 0 {
				part, path = path[1:], ""
			} else {
				part, path = path[1:k], path[k+1:]
			}
		default:
			return
		}
		a.access(str(part, ""), joinHow(how, "format field"), off)
	}
}

func stringFilter(name, s string) string {
	switch name {
	case "lower":
		return strings.ToLower(s)
	case "upper":
		return strings.ToUpper(s)
	case "trim":
		return strings.TrimSpace(s)
	case "capitalize":
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
	}
	return title(s)
}

// title is Python's str.title: each run of letters starts upper case.
func title(s string) string {
	var b strings.Builder
	prev := false
	for _, r := range s {
		letter := unicode.IsLetter(r)
		switch {
		case letter && !prev:
			b.WriteRune(unicode.ToUpper(r))
		case letter:
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
		prev = letter
	}
	return b.String()
}

// join is the join filter on a list, the characters of a string or the
// keys of a dict.
func join(subj val, pos []val) val {
	sep := ""
	if len(pos) > 0 {
		if !pos[0].known {
			return derived("|join", subj, pos[0])
		}
		sep = pos[0].s
	}
	switch {
	case subj.isList:
		return str(strings.Join(subj.list, sep), joinHow(subj.how, "|join"))
	case subj.known:
		return str(strings.Join(strings.Split(subj.s, ""), sep), joinHow(subj.how, "|join"))
	}
	return derived("|join", subj)
}
