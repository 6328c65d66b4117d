package pickle

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// digest renders the facts of a result compactly for table tests.
type digest struct {
	Imports []string // "OP@offset module.name"
	Calls   []string // "OP@offset rendering"
	PIDs    []string
	Err     string // "OP@offset: message", "" when none
	Limit   string // the Options field
	Pickles int
}

func digestOf(r *Result) digest {
	var d digest
	for _, im := range r.Imports {
		s := fmt.Sprintf("%s@%d %s", im.Op, im.Offset, im.Global)
		if im.ExtCode != 0 {
			s = fmt.Sprintf("%s@%d ext %d", im.Op, im.Offset, im.ExtCode)
		}
		if im.Unresolved {
			s += " unresolved"
		}
		d.Imports = append(d.Imports, s)
	}
	for _, c := range r.Calls {
		s := fmt.Sprintf("%s@%d %s", c.Op, c.Offset, c)
		if !c.Known {
			s += " unknown"
		}
		if c.OnGlobal {
			s += " onglobal"
		}
		d.Calls = append(d.Calls, s)
	}
	for _, p := range r.PersistentIDs {
		d.PIDs = append(d.PIDs, fmt.Sprintf("%d %s", p.Offset, p.Value))
	}
	if r.Err != nil {
		d.Err = fmt.Sprintf("%s@%d: %s", r.Err.Op, r.Err.Offset, r.Err.Msg)
	}
	if r.Limit != nil {
		d.Limit = r.Limit.Name
	}
	d.Pickles = r.Pickles
	return d
}

func check(t *testing.T, data string, want digest) *Result {
	t.Helper()
	r := Read(strings.NewReader(data), DefaultOptions())
	got := digestOf(r)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("facts differ\n got: %#v\nwant: %#v", got, want)
	}
	return r
}

func TestOpcodes(t *testing.T) {
	tests := []struct {
		name string
		data string
		want digest
	}{
		{"proto0_global_reduce", "cos\nsystem\n(S'id'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE STOP
			digest{Imports: []string{"GLOBAL@0 os.system"}, Calls: []string{"REDUCE@19 os.system('id',)"}, Pickles: 1}},
		{"proto0_py2_names_mapped", "c__builtin__\neval\n(Vx\ntR.", // GLOBAL MARK UNICODE TUPLE REDUCE STOP
			digest{Imports: []string{"GLOBAL@0 builtins.eval"}, Calls: []string{"REDUCE@23 builtins.eval('x',)"}, Pickles: 1}},
		{"proto2_copy_reg_mapped", "\x80\x02ccopy_reg\n_reconstructor\n.", // PROTO GLOBAL STOP
			digest{Imports: []string{"GLOBAL@2 copyreg._reconstructor"}, Pickles: 1}},
		{"proto3_no_mapping", "\x80\x03c__builtin__\neval\n.", // PROTO GLOBAL STOP
			digest{Imports: []string{"GLOBAL@2 __builtin__.eval"}, Pickles: 1}},
		{"proto4_stack_global", "\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R.", // PROTO SHORT_BINUNICODE x2 STACK_GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE STOP
			digest{Imports: []string{"STACK_GLOBAL@14 os.system"}, Calls: []string{"REDUCE@20 os.system('id',)"}, Pickles: 1}},
		{"stack_global_from_memo", "\x80\x04\x8c\x02os\x94\x8c\x06system\x94h\x00h\x01\x93.", // PROTO SBU MEMOIZE SBU MEMOIZE BINGET BINGET STACK_GLOBAL STOP
			digest{Imports: []string{"STACK_GLOBAL@20 os.system"}, Pickles: 1}},
		{"memo_desync_put_after_pop", "\x80\x04\x8c\x02os\x8c\x04json0\x94\x8c\x06system\x94h\x00h\x01\x93.", // PROTO SBU(os) SBU(json) POP MEMOIZE(os) SBU MEMOIZE BINGET BINGET STACK_GLOBAL STOP
			digest{Imports: []string{"STACK_GLOBAL@27 os.system"}, Pickles: 1}},
		{"memo_desync_binput_after_binget", "\x80\x02X\x02\x00\x00\x00osq\x00X\x04\x00\x00\x00jsonq\x01h\x00q\x02X\x06\x00\x00\x00systemh\x02h\x00X\x06\x00\x00\x00system\x93.", // PROTO BINUNICODE BINPUT BINUNICODE BINPUT BINGET BINPUT(2=os) BINUNICODE BINGET(2) BINGET(0) BINUNICODE STACK_GLOBAL STOP
			digest{Imports: []string{"STACK_GLOBAL@52 os.system"}, Pickles: 1}},
		{"stack_global_dup", "\x80\x04\x8c\x05posix2\x8c\x06system\x93.", // PROTO SBU DUP SBU STACK_GLOBAL STOP
			digest{Imports: []string{"STACK_GLOBAL@18 posix.system"}, Pickles: 1}},
		{"stack_global_position_zero", "\x8c\x02os\x8c\x06system\x93)R.", // SBU SBU STACK_GLOBAL EMPTY_TUPLE REDUCE STOP
			digest{Imports: []string{"STACK_GLOBAL@12 os.system"}, Calls: []string{"REDUCE@14 os.system()"}, Pickles: 1}},
		{"stack_global_non_string", "\x80\x04K\x01K\x02\x93.", // PROTO BININT1 BININT1 STACK_GLOBAL STOP
			digest{Err: "STACK_GLOBAL@6: STACK_GLOBAL requires str"}},
		{"stack_global_bytes", "\x80\x04C\x02osC\x06system\x93.", // PROTO SHORT_BINBYTES x2 STACK_GLOBAL STOP
			digest{Err: "STACK_GLOBAL@14: STACK_GLOBAL requires str"}},
		{"stack_global_computed", "\x80\x04cbuiltins\nstr\n)R\x8c\x06system\x93.", // PROTO GLOBAL EMPTY_TUPLE REDUCE SBU STACK_GLOBAL STOP
			digest{Imports: []string{"GLOBAL@2 builtins.str", "STACK_GLOBAL@26 ?.system unresolved"}, Calls: []string{"REDUCE@17 builtins.str()"}, Pickles: 1}},
		{"dotted_name_proto4", "\x80\x04\x8c\x07pathlib\x8c\tos.system\x93.", // PROTO SBU SBU STACK_GLOBAL STOP
			digest{Imports: []string{"STACK_GLOBAL@22 pathlib.os.system"}, Pickles: 1}},
		{"dotted_name_proto2", "\x80\x02cpathlib\nos.system\n.", // PROTO GLOBAL STOP
			digest{Imports: []string{"GLOBAL@2 pathlib.os.system"}, Pickles: 1}},
		{"ext_codes", "\x80\x02\x82\x01\x83\x00\x01\x84\x10\x00\x00\x00.", // PROTO EXT1 EXT2 EXT4 STOP
			digest{Imports: []string{"EXT1@2 ext 1", "EXT2@4 ext 256", "EXT4@7 ext 16"}, Pickles: 1}},
		{"ext_code_zero", "\x80\x02\x82\x00.", // PROTO EXT1(0) STOP
			digest{Err: "EXT1@2: EXT specifies code <= 0"}},
		{"inst", "(S'id'\nios\nsystem\n.", // MARK STRING INST STOP
			digest{Imports: []string{"INST@7 os.system"}, Calls: []string{"INST@7 os.system('id',)"}, Pickles: 1}},
		{"inst_without_mark", "ios\nsystem\n.", // INST STOP
			digest{Err: "INST@0: could not find MARK"}},
		{"obj", "(cos\nsystem\nS'id'\no.", // MARK GLOBAL STRING OBJ STOP
			digest{Imports: []string{"GLOBAL@1 os.system"}, Calls: []string{"OBJ@18 os.system('id',)"}, Pickles: 1}},
		{"obj_pop_discarded", "(cos\nsystem\nS'id'\no0N.", // MARK GLOBAL STRING OBJ POP NONE STOP
			digest{Imports: []string{"GLOBAL@1 os.system"}, Calls: []string{"OBJ@18 os.system('id',)"}, Pickles: 1}},
		{"newobj", "\x80\x02cbuiltins\nobject\n)\x81.", // PROTO GLOBAL EMPTY_TUPLE NEWOBJ STOP
			digest{Imports: []string{"GLOBAL@2 builtins.object"}, Calls: []string{"NEWOBJ@20 builtins.object()"}, Pickles: 1}},
		{"newobj_ex", "\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85}\x92.", // PROTO SBU SBU STACK_GLOBAL SBU TUPLE1 EMPTY_DICT NEWOBJ_EX STOP
			digest{Imports: []string{"STACK_GLOBAL@14 os.system"}, Calls: []string{"NEWOBJ_EX@21 os.system(*('id',), **{})"}, Pickles: 1}},
		{"newobj_literal_class", "\x80\x02K\x01)\x81.", // PROTO BININT1 EMPTY_TUPLE NEWOBJ STOP
			digest{Err: "NEWOBJ@5: NEWOBJ class argument isn't a type object"}},
		{"build_on_global", "\x80\x02cnumpy\nprod\n}S'x'\nK\x01sb.", // PROTO GLOBAL EMPTY_DICT STRING BININT1 SETITEM BUILD STOP
			digest{Imports: []string{"GLOBAL@2 numpy.prod"}, Calls: []string{"BUILD@23 numpy.prod.__setstate__({'x': 1}) onglobal"}, Pickles: 1}},
		{"build_on_instance", "\x80\x02cfoo\nBar\n)\x81}b.", // PROTO GLOBAL EMPTY_TUPLE NEWOBJ EMPTY_DICT BUILD STOP
			digest{Imports: []string{"GLOBAL@2 foo.Bar"}, Calls: []string{"NEWOBJ@12 foo.Bar()", "BUILD@14 foo.Bar.__setstate__({})"}, Pickles: 1}},
		{"build_after_reconstructor", "\x80\x02ccopy_reg\n_reconstructor\ncfoo\nBar\ncbuiltins\nobject\nN\x87R}b.", // PROTO GLOBAL GLOBAL GLOBAL NONE TUPLE3 REDUCE EMPTY_DICT BUILD STOP
			digest{Imports: []string{"GLOBAL@2 copyreg._reconstructor", "GLOBAL@27 foo.Bar", "GLOBAL@36 builtins.object"}, Calls: []string{"REDUCE@55 copyreg._reconstructor(foo.Bar, builtins.object, None)", "BUILD@57 foo.Bar.__setstate__({})"}, Pickles: 1}},
		{"getattr_result_called", "\x80\x02cbuiltins\ngetattr\ncbuiltins\n__import__\n(S'os'\ntRS'system'\n\x86RS'id'\n\x85R.", // PROTO GLOBAL GLOBAL MARK STRING TUPLE REDUCE STRING TUPLE2 REDUCE STRING TUPLE1 REDUCE STOP
			digest{Imports: []string{"GLOBAL@2 builtins.getattr", "GLOBAL@20 builtins.__import__"}, Calls: []string{"REDUCE@49 builtins.__import__('os',)", "REDUCE@61 builtins.getattr(builtins.__import__('os',), 'system')", "REDUCE@69 builtins.getattr(builtins.__import__('os',), 'system')('id',) unknown"}, Pickles: 1}},
		{"setitem_on_global", "\x80\x02cos\nenviron\nS'LD_PRELOAD'\nS'/x.so'\ns.", // PROTO GLOBAL STRING STRING SETITEM STOP
			digest{Imports: []string{"GLOBAL@2 os.environ"}, Calls: []string{"SETITEM@37 os.environ('LD_PRELOAD', '/x.so') onglobal"}, Pickles: 1}},
		{"persid", "Pfoo\n.", // PERSID STOP
			digest{PIDs: []string{"0 'foo'"}, Pickles: 1}},
		{"binpersid_torch_storage", "\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQ.", // PROTO MARK BINUNICODE GLOBAL BINUNICODE BINUNICODE BININT1 TUPLE BINPERSID STOP
			digest{Imports: []string{"GLOBAL@15 torch.FloatStorage"}, PIDs: []string{"52 ('storage', torch.FloatStorage, '0', 'cpu', 4)"}, Pickles: 1}},
		{"payload_then_broken_byte", "cos\nsystem\n(S'id'\ntR\xff", // GLOBAL MARK STRING TUPLE REDUCE <invalid>
			digest{Imports: []string{"GLOBAL@0 os.system"}, Calls: []string{"REDUCE@19 os.system('id',)"}, Err: "@20: invalid load key, '\\xff'."}},
		{"payload_in_second_pickle", "N.cos\nsystem\n(S'id'\ntR.", // NONE STOP | GLOBAL MARK STRING TUPLE REDUCE STOP
			digest{Imports: []string{"GLOBAL@2 os.system"}, Calls: []string{"REDUCE@21 os.system('id',)"}, Pickles: 2}},
		{"protocol_switch", "\x80\x04\x80\x02c__builtin__\neval\n.", // PROTO 4 PROTO 2 GLOBAL STOP
			digest{Imports: []string{"GLOBAL@4 builtins.eval"}, Pickles: 1}},
		{"unsupported_protocol", "\x80\x06N.", // PROTO 6
			digest{Err: "PROTO@0: unsupported pickle protocol: 6"}},
		{"lone_ff", "\xff", // invalid
			digest{Err: "@0: invalid load key, '\\xff'."}},
		{"empty", "", digest{Err: "@0: ran out of input"}},
		{"get_missing_key", "\x80\x02h\x05.", // PROTO BINGET STOP
			digest{Err: "BINGET@2: memo key 5 not found (KeyError)"}},
		{"text_get_missing", "g7\n.", // GET STOP
			digest{Err: "GET@0: memo key 7 not found (KeyError)"}},
		{"negative_put", "Np-1\n.", // NONE PUT STOP
			digest{Err: "PUT@1: negative PUT argument"}},
		{"pop_empty", "0", // POP
			digest{Err: "POP@0: unpickling stack underflow"}},
		{"pop_pops_mark", "N(0.", // NONE MARK POP STOP
			digest{Pickles: 1}},
		{"fence_hides_below_mark", "N(2.", // NONE MARK DUP STOP
			digest{Err: "DUP@2: unpickling stack underflow"}},
		{"append_chain", "]K\x01aK\x02a.", // EMPTY_LIST BININT1 APPEND BININT1 APPEND STOP
			digest{Pickles: 1}},
		{"appends_needs_target", "(K\x01e.", // MARK BININT1 APPENDS STOP
			digest{Err: "APPENDS@3: unpickling stack underflow"}},
		{"dict_odd", "(K\x01d.", // MARK BININT1 DICT STOP
			digest{Err: "DICT@3: odd number of items for DICT"}},
		{"setitems_odd", "}(K\x01u.", // EMPTY_DICT MARK BININT1 SETITEMS STOP
			digest{Err: "SETITEMS@4: odd number of items for SETITEMS"}},
		{"string_unquoted", "Sabc\n.", // STRING STOP
			digest{Err: "STRING@0: the STRING opcode argument must be quoted"}},
		{"string_bad_escape", "S'\\x4'\n.", // STRING STOP
			digest{Err: "STRING@0: invalid \\x escape"}},
		{"stop_empty_stack", ".", // STOP
			digest{Err: "STOP@0: unpickling stack underflow"}},
		{"next_buffer", "\x80\x05\x97.", // PROTO NEXT_BUFFER STOP
			digest{Err: "NEXT_BUFFER@2: pickle stream refers to out-of-band data but no *buffers* argument was given"}},
		{"readonly_buffer_on_bytes", "\x80\x05C\x01x\x98.", // PROTO SHORT_BINBYTES READONLY_BUFFER STOP
			digest{Pickles: 1}},
		{"frozenset_additems", "\x80\x04\x8f(K\x01\x90(K\x02\x91\x86.", // PROTO EMPTY_SET MARK BININT1 ADDITEMS MARK BININT1 FROZENSET TUPLE2 STOP
			digest{Pickles: 1}},
		{"all_scalars", "\x80\x05N\x88\x89I42\nI01\nL5L\nJ\xff\xff\xff\xffM\x01\x01\x8a\x01\xff\x8b\x01\x00\x00\x00\x01F1.5\nG?\xf8\x00\x00\x00\x00\x00\x00\x96\x01\x00\x00\x00\x00\x00\x00\x00x\x8e\x01\x00\x00\x00\x00\x00\x00\x00y\x8d\x01\x00\x00\x00\x00\x00\x00\x00zT\x01\x00\x00\x00wU\x01vB\x01\x00\x00\x00u00000000000000000.", // PROTO NONE NEWTRUE NEWFALSE INT INT LONG BININT BININT2 LONG1 LONG4 FLOAT BINFLOAT BYTEARRAY8 BINBYTES8 BINUNICODE8 BINSTRING SHORT_BINSTRING BINBYTES POP*17 STOP
			digest{Pickles: 1}},
		{"long4_negative_count", "\x80\x02\x8b\xff\xff\xff\xff.", // PROTO LONG4 STOP
			digest{Err: "LONG4@2: LONG pickle has negative byte count"}},
		{"binstring_negative_count", "T\xff\xff\xff\xff.", // BINSTRING STOP
			digest{Err: "BINSTRING@0: BINSTRING pickle has negative byte count"}},
		{"binbytes8_huge", "\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\x7f.", // PROTO BINBYTES8 STOP
			digest{Err: "BINBYTES8@2: pickle data was truncated"}},
		{"binbytes8_overflow", "\x80\x04\x8e\x00\x00\x00\x00\x00\x00\x00\x80.", // PROTO BINBYTES8 STOP
			digest{Err: "BINBYTES8@2: BINBYTES8 exceeds system's maximum size of 9223372036854775807 bytes"}},
		{"frame_huge", "\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x80N.", // PROTO FRAME STOP
			digest{Err: "FRAME@2: FRAME length exceeds system's maximum of 9223372036854775807 bytes"}},
		{"pop_mark", "(K\x01K\x021N.", // MARK BININT1 BININT1 POP_MARK NONE STOP
			digest{Pickles: 1}},
		{"reduce_in_list_then_pop", "]cos\nsystem\n(S'id'\ntRa0N.", // EMPTY_LIST GLOBAL MARK STRING TUPLE REDUCE APPEND POP NONE STOP
			digest{Imports: []string{"GLOBAL@1 os.system"}, Calls: []string{"REDUCE@20 os.system('id',)"}, Pickles: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, tt.data, tt.want)
		})
	}
}
