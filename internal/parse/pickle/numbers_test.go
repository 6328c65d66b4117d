package pickle

import (
	"strconv"
	"strings"
	"testing"
)

// textCase is one text operand: the value CPython 3.11's _pickle.c
// pushes for it, rendered as the reader renders arguments, or "!" and
// the start of the error when _pickle.c raises.
type textCase struct {
	name, line, want string
}

// runText places the operand as the argument of a call after a global
// (GLOBAL MARK <operand> TUPLE REDUCE STOP), so a reader that stops where
// CPython reads on misses the call, and one that reads on where CPython
// raises reports a call that never happens.
func runText(t *testing.T, cases []textCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := "cm\nf\n(" + tc.line + "\ntR."
			r := Read(strings.NewReader(data), DefaultOptions())
			if strings.HasPrefix(tc.want, "!") {
				if r.Err == nil || r.Err.Offset != 6 || !strings.HasPrefix(r.Err.Msg, tc.want[1:]) || len(r.Calls) != 0 {
					t.Fatalf("%q: want an error %q at offset 6 and no call, got err %v, calls %v", tc.line, tc.want[1:], r.Err, r.Calls)
				}
				return
			}
			if r.Err != nil || len(r.Calls) != 1 {
				t.Fatalf("%q: want the call, got err %v, calls %v", tc.line, r.Err, r.Calls)
			}
			if got := r.Calls[0].String(); got != "m.f("+tc.want+",)" {
				t.Errorf("%q: got %s, want m.f(%s,)", tc.line, got, tc.want)
			}
		})
	}
}

func TestTextFloat(t *testing.T) {
	runText(t, []textCase{
		{"nan_minus", "F-nan", "nan"},
		{"nan_plus", "F+nan", "nan"},
		{"nan_mixed_case", "FNaN", "nan"},
		{"inf", "Finf", "inf"},
		{"inf_minus", "F-inf", "-inf"},
		{"infinity_plus", "F+Infinity", "inf"},
		{"infinity_mixed_case", "FinfINITY", "inf"},
		{"leading_point", "F.5", "0.5"},
		{"trailing_point", "F5.", "5.0"},
		{"exponent", "F1E+3", "1000.0"},
		{"negative_fraction", "F-.5e-3", "-0.0005"},
		{"leading_zeros", "F00012", "12.0"},
		{"negative_zero", "F-0.0", "-0.0"},
		{"underflow_is_zero", "F1e-999", "0.0"},
		{"nul_ends_number", "F1.0\x00junk", "1.0"},
		{"underscore", "F1_0", "!could not convert"},
		{"leading_space", "F 1.0", "!could not convert"},
		{"trailing_space", "F1.0 ", "!could not convert"},
		{"overflow", "F1e999", "!value too large"},
		{"overflow_negative", "F-1e999", "!value too large"},
		{"point_alone", "F.", "!could not convert"},
		{"exponent_without_digits", "F1e", "!could not convert"},
		{"hex", "F0x10", "!could not convert"},
		{"empty", "F", "!pickle data was truncated"},
		{"inf_prefix", "Finfin", "!could not convert"},
		{"nan_payload", "Fnan(1)", "!could not convert"},
	})
}

func TestTextInt(t *testing.T) {
	runText(t, []textCase{
		{"true", "I01", "True"},
		{"false", "I00", "False"},
		{"space_one_is_true", "I 1", "True"},
		{"plus_one_is_true", "I+1", "True"},
		{"minus_zero_is_false", "I-0", "False"},
		{"one_nul_is_true", "I1\x00", "True"},
		{"zero_nul_is_false", "I0\x00", "False"},
		{"nul_alone_is_zero", "I\x00", "0"},
		{"one", "I1", "1"},
		{"leading_space", "I 5", "5"},
		{"vertical_tab", "I\x0b5", "5"},
		{"trailing_space", "I5 ", "5"},
		{"trailing_tab", "I5\t", "5"},
		{"underscore", "I5_0", "50"},
		{"hex", "I0x10", "16"},
		{"octal_by_strtol", "I010", "8"},
		{"octal_prefix", "I0o17", "15"},
		{"binary_prefix", "I0b101", "5"},
		{"hex_underscore", "I0x_1f", "31"},
		{"zero_underscore", "I0_0", "0"},
		{"nul_ends_number", "I5\x00junk", "5"},
		{"big", "I99999999999999999999999", "<int of 23 bytes>"},
		{"min_int64", "I-9223372036854775808", "-9223372036854775808"},
		{"leading_zero_underscore", "I05_0", "!could not convert"},
		{"empty", "I", "!pickle data was truncated"},
		{"space_only", "I ", "!could not convert"},
		{"sign_only", "I-", "!could not convert"},
		{"hex_without_digits", "I0x", "!could not convert"},
		{"double_underscore", "I1__0", "!could not convert"},
		{"trailing_underscore", "I1_", "!could not convert"},
		{"leading_underscore", "I_1", "!could not convert"},
		{"no_break_space", "I\xc2\xa05", "!could not convert"},
	})
}

func TestTextLong(t *testing.T) {
	runText(t, []textCase{
		{"suffix", "L12L", "12"},
		{"no_suffix", "L12", "12"},
		{"hex", "L0x10L", "16"},
		{"space_before_suffix", "L12 L", "12"},
		{"underscore", "L1_2L", "12"},
		{"leading_space", "L 12", "12"},
		{"zero", "L0", "0"},
		{"zeros", "L00L", "0"},
		{"nul_ends_number", "L12\x00xyz", "12"},
		{"octal_refused", "L010", "!invalid literal"},
		{"suffix_only", "LL", "!invalid literal"},
		{"two_suffixes", "L12LL", "!invalid literal"},
		{"empty", "L", "!pickle data was truncated"},
	})
}

func TestTextMemoKeys(t *testing.T) {
	for _, tc := range []struct{ name, put, get, err string }{
		{"underscore", "1_0", "10", ""},
		{"space", " 1", "1 ", ""},
		{"plus", "+1", "1", ""},
		{"leading_zero", "01", "1", ""},
		{"nul_ends_key", "1\x00x", "1", ""},
		{"get_underscore", "10", "1_0", ""},
		{"negative_put", "-1", "1", "PUT@7"},
		{"hex_put", "0x1", "1", "PUT@7"},
		{"negative_get", "1", "-1", "GET@11"},
		{"empty_put", "", "1", "PUT@7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := "cm\nf\n(]p" + tc.put + "\n0g" + tc.get + "\ntR." // GLOBAL MARK EMPTY_LIST PUT POP GET TUPLE REDUCE STOP
			r := Read(strings.NewReader(data), DefaultOptions())
			if tc.err == "" {
				if r.Err != nil || len(r.Calls) != 1 || r.Calls[0].String() != "m.f([],)" {
					t.Fatalf("want m.f([],), got err %v, calls %v", r.Err, r.Calls)
				}
				return
			}
			if r.Err == nil || len(r.Calls) != 0 || r.Err.Op+"@"+strconv.FormatInt(r.Err.Offset, 10) != tc.err {
				t.Fatalf("want an error at %s, got err %v, calls %v", tc.err, r.Err, r.Calls)
			}
		})
	}
}

func TestTextUnicodeAndNames(t *testing.T) {
	runText(t, []textCase{
		{"escaped_backslash_before_u", `Vab\\u0041`, `'ab\\\\u0041'`},
		{"backslash_at_end", `Vab\`, `'ab\\'`},
		{"other_escape_kept", `V\x41`, `'\\x41'`},
		{"unicode_escape", `V\u0041`, `'A'`},
		{"truncated_escape", `Vx\u00`, "!truncated"},
		{"out_of_range", `V\U00110000`, "!truncated"},
		{"octal_escape_wraps", `S'\777'`, `'\xff'`},
		{"short_hex_escape", `S'a\x4'`, "!invalid \\x escape"},
		{"unquoted", "S'abc", "!the STRING opcode argument must be quoted"},
		{"mismatched_quotes", `S"a'`, "!the STRING opcode argument must be quoted"},
		{"trailing_backslash", `S'a\'`, "!trailing \\"},
		{"persid_non_ascii", "P\xe9", "!persistent IDs in protocol 0 must be ASCII"},
		{"global_invalid_utf8", "cos\xff\nsystem", "!'utf-8' codec"},
		{"inst_non_ascii", "i\xc3\xa9\nx", "!'ascii' codec"},
	})
}

// TestTextIntDigits: beyond 4,300 decimal digits CPython 3.11 raises
// unless the loader raised sys.set_int_max_str_digits; the reader reads
// on (what follows may run) and records the disagreement.
func TestTextIntDigits(t *testing.T) {
	data := "I" + strings.Repeat("7", 5000) + "\n0cposix\nsystem\n(S'id'\ntR." // INT POP GLOBAL MARK STRING TUPLE REDUCE STOP
	r := Read(strings.NewReader(data), DefaultOptions())
	if r.Err != nil || len(r.Calls) != 1 || len(r.Anomalies) != 1 || r.Anomalies[0].Op != "INT" {
		t.Fatalf("want the call and one INT anomaly, got err %v, calls %v, anomalies %v", r.Err, r.Calls, r.Anomalies)
	}
	octal := "I0" + strings.Repeat("0", 5000) + "7\n."
	if r := Read(strings.NewReader(octal), DefaultOptions()); r.Err != nil || len(r.Anomalies) != 0 {
		t.Fatalf("strtol reads long octal literals without the digit limit: err %v, anomalies %v", r.Err, r.Anomalies)
	}
}
