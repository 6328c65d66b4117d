package npy

import (
	"regexp"
	"strconv"
	"strings"
)

// numericType matches one numpy type string without objects: an optional
// byte order, a type character and an optional size or datetime unit.
var numericType = regexp.MustCompile(`^[<>|=]?(?:[?bBhHiIlLqQpPefdgFDGSUVacu][0-9]*|[mM]8?(?:\[[0-9]*[a-zA-Z]+\])?)$`)

// namedTypes are the type names numpy accepts that hold no objects.
var namedTypes = regexp.MustCompile(`^(?:bool_?|u?int(?:8|16|32|64|c|p|_)?|u?longlong|u?byte|u?short|half|single|double|longdouble|c?longdouble|csingle|cdouble|clongdouble|intp|uintp|float(?:16|32|64|96|128|_)?|complex(?:64|128|192|256|_)?|str_?|unicode_?|bytes_?|string_?|void[0-9]*|(?:datetime64|timedelta64)(?:\[[0-9]*[a-zA-Z]+\])?)$`)

// objectType matches the spellings of the object type.
var objectType = regexp.MustCompile(`^[<>|=]?(?:O[0-9]*|object[0-9_]*)$`)

// shapePrefix is a subarray shape written before a type: "(2,3)f8".
var shapePrefix = regexp.MustCompile(`^\([0-9, ]*\)`)

// descrKind reports whether a descr holds objects, and whether a part of
// it is unknown. A descr is a type string, a (descr, shape) tuple, or a
// list of fields (name, descr) or (name, descr, shape).
func descrKind(v Value, depth int) (object, unknown bool) {
	if depth > maxDepth {
		return false, true
	}
	switch v.Kind {
	case Str:
		return typeString(v.Str)
	case Tuple:
		if len(v.Items) == 0 {
			return false, true
		}
		return descrKind(v.Items[0], depth+1)
	case List:
		for _, f := range v.Items {
			if f.Kind != Tuple || len(f.Items) < 2 {
				return object, true
			}
			o, u := descrKind(f.Items[1], depth+1)
			object, unknown = object || o, unknown || u
		}
		return object, unknown
	}
	return false, true
}

// typeString classifies a numpy type string, comma-separated specs
// included ("i4, O").
func typeString(s string) (object, unknown bool) {
	for _, part := range splitTop(s) {
		t := strings.TrimSpace(part)
		if t == "" && strings.Contains(s, ",") {
			continue // "i4," is a one-field spec
		}
		t = strings.TrimSpace(shapePrefix.ReplaceAllString(t, ""))
		switch {
		case objectType.MatchString(t):
			object = true
		case numericType.MatchString(t), namedTypes.MatchString(t):
		default:
			unknown = true
		}
	}
	return object, unknown
}

// splitTop splits s at the commas outside parentheses.
func splitTop(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// render writes v back as a Python literal for messages, cut to max bytes.
func render(v Value, max int) string {
	var b strings.Builder
	write(&b, v, max)
	s := b.String()
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

func write(b *strings.Builder, v Value, max int) {
	if b.Len() > max {
		return
	}
	switch v.Kind {
	case Str:
		b.WriteString(strconv.Quote(v.Str))
	case Int, Float:
		b.WriteString(v.Str)
	case Bool:
		b.WriteString(map[bool]string{true: "True", false: "False"}[v.Bool])
	case None:
		b.WriteString("None")
	case Tuple, List, Dict:
		open, closing := map[Kind]string{Tuple: "(", List: "[", Dict: "{"}[v.Kind], map[Kind]string{Tuple: ")", List: "]", Dict: "}"}[v.Kind]
		b.WriteString(open)
		for i, it := range v.Items {
			switch {
			case i > 0 && v.Kind == Dict && i%2 == 1:
				b.WriteString(": ")
			case i > 0:
				b.WriteString(", ")
			}
			write(b, it, max)
		}
		if v.Kind == Tuple && len(v.Items) == 1 {
			b.WriteString(",")
		}
		b.WriteString(closing)
	}
}

// plainType is a type string with an explicit size: "<f8", "|S5", "<U3",
// "<M8[ns]".
var plainType = regexp.MustCompile(`^[<>|=]?([?bBhHiIlLqQefdgFDGSUVuicmM])([0-9]+)(?:\[[0-9]*[a-zA-Z]+\])?$`)

// itemSize returns the bytes per element of a plain type string, 0 for
// any other descr.
func itemSize(v Value) int64 {
	if v.Kind != Str {
		return 0
	}
	m := plainType.FindStringSubmatch(v.Str)
	if m == nil {
		return 0
	}
	n, err := strconv.ParseInt(m[2], 10, 32)
	if err != nil {
		return 0
	}
	if m[1] == "U" {
		n *= 4
	}
	return n
}
