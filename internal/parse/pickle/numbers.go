package pickle

import (
	"bytes"
	"errors"
	"math"
	"strconv"
)

// The text opcodes INT, LONG, FLOAT, GET and PUT are parsed here exactly
// as Modules/_pickle.c parses them, quirks included, because a reader that
// stops where CPython reads on never sees what follows (and one that reads
// on where CPython raises reports what never runs):
//
//   - _pickle.c copies each line with a NUL after it and hands it to C
//     functions, so an embedded NUL ends the number: "I5\x00junk" is 5.
//   - INT tries C strtol(s, &end, 0) (leading C white space, a sign, 0x
//     hex, a leading 0 for octal: "I010" is 8) and accepts it when end is
//     at the newline or a NUL; a line of exactly two bytes before the
//     newline whose value is 0 or 1 is a bool ("I01", "I 1", "I+1", "I-0").
//     Otherwise it falls back to PyLong_FromString(s, NULL, 0).
//   - PyLong_FromString (base 0 for INT and LONG, 10 for GET and PUT)
//     takes ASCII white space around the number, a sign, 0x/0o/0b
//     prefixes in base 0, single underscores between digits ("5_0" is 50)
//     and refuses a leading zero before a nonzero value in base 0 ("010").
//     CPython 3.11 refuses more than 4300 decimal digits unless the
//     loading process raised sys.set_int_max_str_digits: the reader reads
//     on and records an anomaly.
//   - LONG drops one 'L' just before the newline.
//   - FLOAT is PyOS_string_to_double: no white space at all, an optional
//     sign, decimal digits with an optional point and exponent, or
//     "inf", "infinity", "nan" in any case with an optional sign; no
//     underscores, no hex. A finite literal that overflows raises
//     OverflowError; one that underflows is 0.

var (
	errInt      = errors.New("could not convert string to int")
	errFloat    = errors.New("could not convert string to float")
	errOverflow = errors.New("value too large to convert to float")
)

// maxStrDigits is CPython's default sys.get_int_max_str_digits().
const maxStrDigits = 4300

// cString is what a C function sees of a line: up to its first NUL.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// isCSpace is C isspace in the C locale, and Python's Py_ISSPACE.
func isCSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// digitValue is _PyLong_DigitValue: 0-9, a-z and A-Z are 0 to 35.
func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 37
}

// num is a parsed integer: its value when it fits an int64, else big.
type num struct {
	n      int64
	big    bool
	digits int // significant characters, for the max-str-digits check
}

// accumulate adds digit d in base to an unsigned magnitude, reporting
// overflow past limit.
func accumulate(mag uint64, base, d int, limit uint64) (uint64, bool) {
	if mag > (limit-uint64(d))/uint64(base) {
		return 0, false
	}
	return mag*uint64(base) + uint64(d), true
}

// signed turns a magnitude and a sign into a num.
func signed(mag uint64, neg, over bool) num {
	switch {
	case over:
		return num{big: true}
	case neg:
		if mag == 1<<63 {
			return num{n: math.MinInt64}
		}
		return num{n: -int64(mag)}
	}
	return num{n: int64(mag)}
}

// strtol is C strtol(s, &end, 0) on a NUL-free string. ok reports that
// end reached the end of s with no overflow (errno unset).
func strtol(s []byte) (num, bool) {
	i, neg := spaceAndSign(s)
	base := 10
	switch {
	case i+2 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && digitValue(s[i+2]) < 16:
		base, i = 16, i+2
	case i < len(s) && s[i] == '0':
		base = 8
	}
	var mag uint64
	over, start := false, i
	for ; i < len(s) && digitValue(s[i]) < base; i++ {
		if !over {
			var ok bool
			if mag, ok = accumulate(mag, base, digitValue(s[i]), 1<<63); !ok {
				over = true
			}
		}
	}
	if i == start {
		// No conversion: end is s itself.
		return num{}, len(s) == 0
	}
	if !neg && mag == 1<<63 {
		over = true
	}
	return signed(mag, neg, over), i == len(s) && !over
}

// pyLong is PyLong_FromString(s, NULL, base) on a NUL-free string, base
// 0 or 10.
func pyLong(s []byte, base int) (num, bool) {
	i, neg := spaceAndSign(s)
	at := func(k int) byte {
		if k < len(s) {
			return s[k]
		}
		return 0
	}
	zeroOnly := false
	if base == 0 {
		switch c := at(i + 1); {
		case at(i) != '0':
			base = 10
		case c == 'x' || c == 'X':
			base = 16
		case c == 'o' || c == 'O':
			base = 8
		case c == 'b' || c == 'B':
			base = 2
		default:
			zeroOnly, base = true, 10
		}
	}
	if at(i) == '0' && base != 10 {
		if c := at(i+1) | 0x20; (base == 16 && c == 'x') || (base == 8 && c == 'o') || (base == 2 && c == 'b') {
			i += 2
			if at(i) == '_' {
				i++
			}
		}
	}
	if at(i) == '_' {
		return num{}, false
	}
	var mag uint64
	over, digits, prev := false, 0, byte(0)
	for ; i < len(s) && (digitValue(s[i]) < base || s[i] == '_'); i++ {
		if s[i] == '_' {
			if prev == '_' {
				return num{}, false
			}
		} else {
			digits++
			if !over {
				var ok bool
				if mag, ok = accumulate(mag, base, digitValue(s[i]), math.MaxUint64); !ok {
					over = true
				}
			}
		}
		prev = s[i]
	}
	if prev == '_' || digits == 0 || (zeroOnly && (over || mag != 0)) {
		return num{}, false
	}
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	if i != len(s) {
		return num{}, false
	}
	if (!neg && mag > math.MaxInt64) || (neg && mag > 1<<63) {
		over = true
	}
	n := signed(mag, neg, over)
	if base&(base-1) != 0 {
		n.digits = digits
	}
	return n, true
}

// parseFloatC is PyOS_string_to_double(s, &end, OverflowError) followed
// by load_float's check that end is at the newline or a NUL.
func parseFloatC(line []byte) (float64, error) {
	s := cString(line)
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return infOrNaN(s)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for ; k < len(s) && s[k] >= '0' && s[k] <= '9'; k++ {
		}
		if k > j {
			i = k
		}
	}
	if i != len(s) {
		return 0, errFloat
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		if math.IsInf(f, 0) {
			return 0, errOverflow
		}
		var ne *strconv.NumError
		if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
			return 0, errFloat
		}
	}
	return f, nil
}

// infOrNaN is _Py_parse_inf_or_nan, which must consume all of s.
func infOrNaN(s []byte) (float64, error) {
	neg := false
	t := s
	if len(t) > 0 && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	sign := 1
	if neg {
		sign = -1
	}
	switch {
	case bytes.EqualFold(t, []byte("inf")), bytes.EqualFold(t, []byte("infinity")):
		return math.Inf(sign), nil
	case bytes.EqualFold(t, []byte("nan")):
		return math.Copysign(math.NaN(), float64(sign)), nil
	}
	return 0, errFloat
}

// spaceAndSign skips the leading C white space and one sign of s, as
// strtol and PyLong_FromString do; i is where the digits start.
func spaceAndSign(s []byte) (i int, neg bool) {
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	return i, neg
}
