package policy

import (
	"strings"

	"github.com/modelgate/modelgate/finding"
)

// bypassesNested are pickles hidden inside a pickle, decoded by a call
// and handed to a loader.
var bypassesNested = []bypass{
	{"base64_into_pickle_loads",
		"cpickle\nloads\n(cbase64\nb64decode\n(S'Y3Bvc2l4CnN5c3RlbQooUydpZCcKdFIu'\ntRtR.", // GLOBAL MARK GLOBAL MARK STRING TUPLE REDUCE TUPLE REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"hex_into_torch_load_bytesio",
		"ctorch\nload\n(cio\nBytesIO\n(cbinascii\nunhexlify\n(S'63706f7369780a73797374656d0a2853276964270a74522e'\ntRtRtR.", // GLOBAL MARK GLOBAL MARK GLOBAL MARK STRING TUPLE REDUCE TUPLE REDUCE TUPLE REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"codecs_encode_into_dill_loads",
		"cdill\nloads\n(c_codecs\nencode\n(Vcposix\\u000asystem\\u000a(S'id'\\u000atR.\nVlatin1\ntRtR.", // GLOBAL MARK GLOBAL MARK UNICODE UNICODE TUPLE REDUCE TUPLE REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"codecs_decode_base64_into_joblib_load",
		"cjoblib\nload\n(c_io\nBytesIO\n(ccodecs\ndecode\n(C\x20Y3Bvc2l4CnN5c3RlbQooUydpZCcKdFIuS'base64'\ntRtRtR.", // GLOBAL MARK GLOBAL MARK GLOBAL MARK SHORT_BINBYTES STRING TUPLE REDUCE TUPLE REDUCE TUPLE REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
}

// bypassesStructure make a scanner throw, stop early or disagree with
// CPython (Exception-Oriented Programming, PickleFuzzer-style
// discrepancies, frames).
var bypassesStructure = []bypass{
	{"frame_ends_mid_operand",
		"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x8c\x06system\x93\x8c\x02id\x85R.", // PROTO FRAME(5) SHORT_BINUNICODE SHORT_BINUNICODE STACK_GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE STOP
		[]string{"posix.system"}, finding.Critical, finding.RulePolyglot},
	{"missing_memo_key_after_payload",
		"cposix\nsystem\n(S'id'\ntRg99\n.", // GLOBAL MARK STRING TUPLE REDUCE GET STOP
		[]string{"posix.system", "fail at offset 23"}, finding.Critical, ""},
	{"stack_global_ints_after_payload",
		"\x80\x04\x8c\x05posix\x8c\x06system\x93\x8c\x02id\x85RK\x01K\x02\x93.", // PROTO SHORT_BINUNICODE SHORT_BINUNICODE STACK_GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE BININT1 BININT1 STACK_GLOBAL STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"deep_nesting_after_payload",
		"cposix\nsystem\n(S'id'\ntR" + strings.Repeat("(", 200000) + ".", // GLOBAL MARK STRING TUPLE REDUCE MARK*200000 STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"truncated_after_payload",
		"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R", // PROTO GLOBAL BINUNICODE TUPLE1 REDUCE (no STOP)
		[]string{"posix.system"}, finding.Critical, ""},
	{"lone_surrogate_before_payload",
		"\x80\x04\x8c\x03\xed\xa0\x800\x8c\x05posix\x8c\x06system\x93\x8c\x02id\x85R.", // PROTO SHORT_BINUNICODE(surrogate) POP SHORT_BINUNICODE SHORT_BINUNICODE STACK_GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"int_forms_before_payload",
		"I0123\nI01\nI00\nL12L\nI1_000\nI 7\ncposix\nsystem\n(S'id'\ntR.", // INT(octal in _pickle.c) INT(True) INT(False) LONG INT INT GLOBAL MARK STRING TUPLE REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	// _pickle.c reads on after these text operands (PyOS_string_to_double
	// takes a signed nan, PyLong_FromString underscores).
	{"float_signed_nan_before_payload",
		"F-nan\ncposix\nsystem\n(S'id'\ntR.", // FLOAT GLOBAL MARK STRING TUPLE REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"float_plus_infinity_before_payload",
		"F+Infinity\n0cposix\nsystem\n(S'id'\ntR.", // FLOAT POP GLOBAL MARK STRING TUPLE REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"memo_key_underscore_before_payload",
		"(lp1_0\ncposix\nsystem\n(S'id'\ntR.", // MARK LIST PUT GLOBAL MARK STRING TUPLE REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"get_key_spaces_before_payload",
		"]p7\n0g 7 \n0cposix\nsystem\n(S'id'\ntR.", // EMPTY_LIST PUT POP GET POP GLOBAL MARK STRING TUPLE REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"int_nul_before_payload",
		"I5\x00junk\n0cposix\nsystem\n(S'id'\ntR.", // INT POP GLOBAL MARK STRING TUPLE REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"second_pickle_carries_payload",
		"\x80\x02K\x01.\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R.", // PROTO BININT1 STOP | PROTO GLOBAL BINUNICODE TUPLE1 REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"extension_code",
		"\x80\x02\x83\x01\x00)R.", // PROTO EXT2 EMPTY_TUPLE REDUCE STOP
		[]string{"EXT2"}, finding.High, ""},
	{"payload_after_big_binbytes",
		"\x80\x03B\x00\x00\x04\x00" + strings.Repeat("\x00", 1<<18) + "0cposix\nsystem\nX\x02\x00\x00\x00id\x85R.", // PROTO BINBYTES(256 KiB) POP GLOBAL BINUNICODE TUPLE1 REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
}
