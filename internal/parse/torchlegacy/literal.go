package torchlegacy

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// errSyntax is the error for a summary that cannot be read.
func errSyntax(s, msg string) error {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return fmt.Errorf("persistent id %s: %s", strconv.Quote(s), msg)
}

type litKind int

const (
	litStr  litKind = iota + 1 // 'text' or b'bytes'
	litName                    // a global, e.g. torch.FloatStorage
	litInt
	litOther // None, containers and whatever else: not needed
)

type lit struct {
	kind litKind
	s    string
	n    int64
}

// literal reads the Python-repr summaries of scan/pickle.
type literal struct {
	s   string
	pos int
}

// tuple reads "(" and up to max items; the rest of the summary, which may
// be cut short with "...", is not needed.
func (p *literal) tuple(max int) ([]lit, error) {
	if !strings.HasPrefix(p.s, "(") {
		return nil, errSyntax(p.s, "not a tuple")
	}
	p.pos = 1
	var items []lit
	for len(items) < max {
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] == ')' {
			break
		}
		it, err := p.item()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			continue
		}
		break
	}
	return items, nil
}

func (p *literal) space() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *literal) item() (lit, error) {
	c := p.s[p.pos]
	switch {
	case c == '\'':
		s, err := p.quoted()
		return lit{kind: litStr, s: s}, err
	case c == 'b' && strings.HasPrefix(p.s[p.pos:], "b'"):
		p.pos++
		s, err := p.quoted()
		return lit{kind: litStr, s: s}, err
	case c == '-' || c >= '0' && c <= '9':
		end := p.pos + 1
		for end < len(p.s) && p.s[end] >= '0' && p.s[end] <= '9' {
			end++
		}
		n, err := strconv.ParseInt(p.s[p.pos:end], 10, 64)
		if err != nil {
			return lit{}, errSyntax(p.s, "bad integer")
		}
		p.pos = end
		return lit{kind: litInt, n: n}, nil
	case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
		end := p.pos
		for end < len(p.s) && (p.s[end] == '_' || p.s[end] == '.' || p.s[end] >= '0' && p.s[end] <= '9' ||
			p.s[end] >= 'A' && p.s[end] <= 'Z' || p.s[end] >= 'a' && p.s[end] <= 'z') {
			end++
		}
		name := p.s[p.pos:end]
		p.pos = end
		if name == "None" || name == "True" || name == "False" {
			return lit{kind: litOther}, nil
		}
		return lit{kind: litName, s: name}, nil
	}
	return lit{kind: litOther}, nil
}

// quoted reads a single-quoted string with the escapes scan/pickle writes.
// A string cut short by the summary's length bound is an error: a key or a
// type must be whole.
func (p *literal) quoted() (string, error) {
	var b strings.Builder
	for i := p.pos + 1; i < len(p.s); i++ {
		c := p.s[i]
		if c == '\'' {
			p.pos = i + 1
			if strings.HasPrefix(p.s[p.pos:], "...") {
				return "", errSyntax(p.s, "string cut short")
			}
			return b.String(), nil
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(p.s) {
			break
		}
		i++
		switch e := p.s[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'x', 'u', 'U':
			w := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+w >= len(p.s) {
				return "", errSyntax(p.s, "string cut short")
			}
			v, err := strconv.ParseUint(p.s[i+1:i+1+w], 16, 32)
			if err != nil {
				return "", errSyntax(p.s, "bad escape")
			}
			b.WriteString(string(utf8.AppendRune(nil, rune(v)))) // code points, as in a str's repr
			i += w
		default:
			b.WriteByte(e)
		}
	}
	return "", errSyntax(p.s, "string cut short")
}
