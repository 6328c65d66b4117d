package finding

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quote renders s for a report: printable, escaped like a Go string, and
// cut to at most max runes. Nothing from a scanned file reaches output
// without passing through here or an equivalent escaper.
func Quote(s string, max int) string {
	r := []rune(s)
	cut := ""
	if max > 0 && len(r) > max {
		r, cut = r[:max], "..."
	}
	return strconv.Quote(string(r)) + cut
}

// Plain returns s for a Key or Callable field when it is printable and
// short, and Quote(s) otherwise: these fields carry names from the
// scanned file (JSON keys, tensor and metadata names).
func Plain(s string) string {
	if len(s) <= 300 && utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
		return s
	}
	return Quote(s, 300)
}
