package policy

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// findingSet keeps one finding per (rule, callable, offset), the most
// severe, and at most maxPerCallable per (rule, callable).
type findingSet struct {
	list   []finding.Finding
	index  map[[3]string]int
	kept   map[[2]string]int // findings kept per (rule, callable)
	last   map[[2]string]int // index of the last one kept
	hidden map[[2]string]int // findings left out per (rule, callable)
}

func (s *findingSet) add(f finding.Finding) {
	if f.Length < 1 {
		f.Length = 1
	}
	f.Message = clean(f.Message, 4*maxEvidence)
	k := [3]string{f.Rule, f.Callable, fmt.Sprint(f.Offset)}
	k2 := [2]string{f.Rule, f.Callable}
	if s.index == nil {
		s.index, s.kept, s.last, s.hidden = map[[3]string]int{}, map[[2]string]int{}, map[[2]string]int{}, map[[2]string]int{}
	}
	if i, ok := s.index[k]; ok {
		if f.Severity > s.list[i].Severity {
			s.list[i] = f
		}
		return
	}
	if s.kept[k2] >= maxPerCallable {
		s.hidden[k2]++
		return
	}
	s.kept[k2]++
	s.index[k] = len(s.list)
	s.last[k2] = len(s.list)
	s.list = append(s.list, f)
}

// hide counts n findings of rule for callable that are left out (calls
// the reader counted without listing them).
func (s *findingSet) hide(rule, callable string, n int64) {
	if s.index == nil {
		s.index, s.kept, s.last, s.hidden = map[[3]string]int{}, map[[2]string]int{}, map[[2]string]int{}, map[[2]string]int{}
	}
	s.hidden[[2]string{rule, callable}] += int(n)
}

func (s *findingSet) sorted() []finding.Finding {
	for k2, n := range s.hidden {
		if s.kept[k2] == 0 || n == 0 {
			continue
		}
		i := s.last[k2]
		s.list[i].Message += fmt.Sprintf(" (and %d more like it, not listed)", n)
	}
	sort.SliceStable(s.list, func(i, j int) bool {
		a, b := s.list[i], s.list[j]
		if a.Offset != b.Offset {
			return a.Offset < b.Offset
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Callable < b.Callable
	})
	return s.list
}

// because returns ": reason" for a dangerous verdict.
func because(v Verdict) string {
	if v.Class != ClassDangerous {
		return ""
	}
	return ": " + v.Reason
}

// note returns the parenthesised tail of a message: the opcode, the list
// entry that matched, the name a dotted path was judged as, and counts.
func note(op string, v Verdict, more ...string) string {
	var parts []string
	if op != "" {
		parts = append(parts, op)
	}
	if v.Class == ClassDangerous && v.Matched != "" {
		parts = append(parts, "matched "+v.Matched)
	}
	if v.Class == ClassDangerous && v.As != "" {
		parts = append(parts, "judged as "+printable(v.As, maxEvidence))
	}
	for _, m := range more {
		if m != "" {
			parts = append(parts, m)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func times(n int, what string) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf("%d %ss in all", n, what)
}

// globalName renders a global for messages and Finding.Callable: module
// and name come raw from the file, so they are escaped (printable).
func globalName(g pickle.Global) string {
	return printable(g.String(), maxEvidence)
}

// evidence renders a call, printable and bounded: the callee's name
// escaped, or the reader's own (escaped) description of a computed
// callee or of the method an item write calls; then the arguments.
func evidence(c pickle.Call) string {
	name := globalName(c.Callee)
	switch {
	case c.Desc != "" && (!c.Known || isItemWrite(c.Op)):
		name = c.Desc
	case c.Op == "BUILD":
		name += ".__setstate__"
	}
	return clean(name+c.Args, maxEvidence)
}

// printable escapes a string that comes from the scanned file so that it
// reads unambiguously: everything outside printable ASCII, the space and
// the backslash included, becomes an escape (a module "os " is shown as
// os\x20 and can never pass for os), and at most limit runes are kept.
func printable(s string, limit int) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); {
		if n == limit {
			b.WriteString("...")
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r > ' ' && r < 0x7f:
			b.WriteRune(r)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += size
		n++
	}
	return b.String()
}

// clean keeps evidence printable and short: the reader's summaries are
// printable already, this is defence in depth.
func clean(s string, limit int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == limit {
			b.WriteString("…")
			break
		}
		if !unicode.IsPrint(r) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
