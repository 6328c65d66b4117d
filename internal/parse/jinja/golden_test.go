package jinja

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestJinjaGolden holds the lexer and parser to Jinja 3.1's own reading of
// every template under testdata/templates (the fixtures' chat templates
// and the syntax_* corner cases): the same tokens with the same decoded
// values, and the same verdict, accepted or rejected, from the parser.
// testdata/golden.py writes the goldens with python3-jinja2.
func TestJinjaGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "templates", "*.jinja"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".jinja")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(path, ".jinja") + ".golden")
			if err != nil {
				t.Fatal(err)
			}
			if got := goldenLines(string(src)); got != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// goldenLines prints a template's reading as golden.py prints Jinja's.
func goldenLines(src string) string {
	var b strings.Builder
	toks, lexErr := Lex(Normalize(src), DefaultOptions().MaxTokens)
	if lexErr != nil && len(toks) > 0 {
		// Jinja's token stream looks one token ahead: the token before
		// the error is never handed out.
		toks = toks[:len(toks)-1]
	}
	{
		for _, tok := range toks {
			v := tok.Value
			switch {
			case strings.HasSuffix(string(tok.Type), "_begin") || strings.HasSuffix(string(tok.Type), "_end"):
				v = ""
			case tok.Type == TokInteger:
				n, ok := new(big.Int).SetString(strings.ReplaceAll(v, "_", ""), 0)
				if ok {
					v = n.String()
				} else if n, ok = new(big.Int).SetString(strings.TrimLeft(strings.ReplaceAll(v, "_", ""), "0"), 10); ok {
					v = n.String()
				} else {
					v = "0"
				}
			case tok.Type == TokFloat:
				v = pyFloat(v)
			}
			var q strings.Builder
			enc := json.NewEncoder(&q)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(v)
			b.WriteString(string(tok.Type) + " " + q.String())
		}
	}
	if lexErr != nil {
		b.WriteString("lex error\n")
	}
	_, err := Parse(src, DefaultOptions())
	var je *Error
	switch {
	case err == nil:
		b.WriteString("parse ok\n")
	case errors.As(err, &je):
		b.WriteString("parse error\n")
	default:
		b.WriteString("parse failed: " + err.Error() + "\n")
	}
	return b.String()
}

// pyFloat prints a float literal as Python's repr does.
func pyFloat(lit string) string {
	f, err := strconv.ParseFloat(strings.ReplaceAll(lit, "_", ""), 64)
	if err != nil {
		return lit
	}
	if a := math.Abs(f); a >= 1e16 || a != 0 && a < 1e-4 {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
