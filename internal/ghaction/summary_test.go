package ghaction

import (
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

func TestSummary(t *testing.T) {
	r := hostileReport()
	got := Summary(r, SummaryOptions{FailOn: finding.High, Failed: true, SarifFile: "modelgate.sarif"})
	golden(t, "summary.md", got)
	// Outside code spans, nothing from the tree may form markup; inside
	// one it is inert, save a pipe, which would split the table cell.
	outside, inside := codeSpans(got)
	for _, bad := range []string{"'<img", "**bold**", "[l](", "\n::", "http://"} {
		if strings.Contains(outside, bad) {
			t.Errorf("summary holds %q outside code spans", bad)
		}
	}
	if strings.Contains(strings.ReplaceAll(inside, `\|`, ""), "|") {
		t.Errorf("an unescaped pipe in a code span: %s", inside)
	}
	for _, want := range []string{"## modelgate: failed", "| critical | 12 |", "| pytorch | 1 |", "| Severity | Rule | File | Member | Callable |",
		"`models/evil.pt`", "`archive/data0.pkl`", "### Next steps", "- MG001, MG002: do not load it"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	clean := &finding.Report{Summary: finding.Summarize(nil, 0)}
	golden(t, "summary_clean.md", Summary(clean, SummaryOptions{FailOn: finding.None}))
}

// TestSummaryHeadline: the headline never says "passed" over findings
// the gate was told to ignore.
func TestSummaryHeadline(t *testing.T) {
	r := hostileReport()
	tests := []struct {
		name string
		o    SummaryOptions
		want string
	}{
		{"failed", SummaryOptions{FailOn: finding.High, Failed: true}, "## modelgate: failed\n"},
		{"fail_on_none", SummaryOptions{FailOn: finding.None}, "## modelgate: 12 critical findings, not failing: fail-on is none\n"},
		{"clean", SummaryOptions{FailOn: finding.None}, "## modelgate: passed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := r
			if tt.name == "clean" {
				rep = &finding.Report{Summary: finding.Summarize(nil, 0)}
			}
			if got := Summary(rep, tt.o); !strings.HasPrefix(got, tt.want) {
				t.Errorf("headline %q, want %q", strings.SplitN(got, "\n", 2)[0], tt.want)
			}
		})
	}
}

// codeSpans splits Markdown into the text outside inline code spans and
// the text inside them (a span closes at the next run of as many
// backticks as opened it).
func codeSpans(s string) (outside, inside string) {
	var out, in strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:i])
		n := len(s[i:]) - len(strings.TrimLeft(s[i:], "`"))
		fence := s[i : i+n]
		rest := s[i+n:]
		end := -1
		for j := 0; j < len(rest); {
			k := strings.Index(rest[j:], fence)
			if k < 0 {
				break
			}
			k += j
			if k+n == len(rest) || rest[k+n] != '`' {
				end = k
				break
			}
			j = k + n + len(rest[k+n:]) - len(strings.TrimLeft(rest[k+n:], "`"))
		}
		if end < 0 {
			out.WriteString(s[i:])
			break
		}
		in.WriteString(rest[:end] + "\n")
		s = rest[end+n:]
	}
	return out.String(), in.String()
}
