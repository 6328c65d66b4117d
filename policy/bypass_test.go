package policy

import (
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// bypass is one known way around a pickle scanner, as bytes.
type bypass struct {
	name string
	data string
	// want are substrings of the findings' callables and messages at
	// severity min or above; every one must appear.
	want []string
	min  finding.Severity
	// rule, when set, must also be reported (at any severity).
	rule string
}

// Payload used inside nested cases: posix.system('id'), protocol 0.
//
//	cposix\nsystem\n(S'id'\ntR.  GLOBAL MARK STRING TUPLE REDUCE STOP
//	base64 Y3Bvc2l4CnN5c3RlbQooUydpZCcKdFIu
//	hex    63706f7369780a73797374656d0a2853276964270a74522e

// bypassesCallables are callables outside the classic lists (the
// "suspicious" tier of other scanners), trampolines and gadgets.
var bypassesCallables = []bypass{
	{"importlib_import_module_getattr_static",
		"cinspect\ngetattr_static\n(cimportlib\nimport_module\n(S'os'\ntRS'system'\ntR(S'id'\ntR.", // GLOBAL MARK GLOBAL MARK STRING TUPLE REDUCE STRING TUPLE REDUCE MARK STRING TUPLE REDUCE STOP
		[]string{"importlib.import_module", "inspect.getattr_static"}, finding.Critical, ""},
	{"marshal_loads_function_type",
		"\x80\x03ctypes\nFunctionType\ncmarshal\nloads\nC\x04\xe3\x00\x00\x00\x85R}\x86R)R.", // PROTO GLOBAL GLOBAL SHORT_BINBYTES TUPLE1 REDUCE EMPTY_DICT TUPLE2 REDUCE EMPTY_TUPLE REDUCE STOP
		[]string{"marshal.loads", "types.FunctionType"}, finding.Critical, ""},
	{"codecs_open",
		"ccodecs\nopen\n(S'/tmp/x'\nS'w'\ntR.", // GLOBAL MARK STRING STRING TUPLE REDUCE STOP
		[]string{"codecs.open"}, finding.Critical, ""},
	{"distutils_spawn",
		"cdistutils.spawn\nspawn\n((lp0\nS'id'\natR.", // GLOBAL MARK MARK LIST PUT STRING APPEND TUPLE REDUCE STOP
		[]string{"distutils.spawn.spawn"}, finding.Critical, ""},
	{"posixsubprocess_fork_exec",
		"c_posixsubprocess\nfork_exec\n(S'id'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE STOP
		[]string{"_posixsubprocess.fork_exec"}, finding.Critical, ""},
	{"http_client_connection",
		"chttp.client\nHTTPConnection\n(S'127.0.0.1'\nI9\ntR.", // GLOBAL MARK STRING INT TUPLE REDUCE STOP
		[]string{"http.client.HTTPConnection"}, finding.Critical, ""},
	{"pydoc_locate_operator_methodcaller",
		"coperator\nmethodcaller\n(S'system'\nS'id'\ntR(cpydoc\nlocate\n(S'os'\ntRtR.", // GLOBAL MARK STRING STRING TUPLE REDUCE MARK GLOBAL MARK STRING TUPLE REDUCE TUPLE REDUCE STOP
		[]string{"pydoc.locate", "operator.methodcaller"}, finding.Critical, ""},
	{"pkgutil_resolve_name",
		"cpkgutil\nresolve_name\n(S'os:system'\ntR(S'id'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE MARK STRING TUPLE REDUCE STOP
		[]string{"pkgutil.resolve_name"}, finding.Critical, ""},
	{"builtins_getattr_of_import",
		"cbuiltins\ngetattr\n(cbuiltins\n__import__\n(S'os'\ntRS'system'\ntR(S'id'\ntR.", // GLOBAL MARK GLOBAL MARK STRING TUPLE REDUCE STRING TUPLE REDUCE MARK STRING TUPLE REDUCE STOP
		[]string{"builtins.getattr", "builtins.__import__"}, finding.Critical, ""},
	{"builtins_globals",
		"cbuiltins\nglobals\n)R.", // GLOBAL EMPTY_TUPLE REDUCE STOP
		[]string{"builtins.globals"}, finding.Critical, ""},
	{"functools_partial",
		"cfunctools\npartial\n(cos\nsystem\nS'id'\ntR)R.", // GLOBAL MARK GLOBAL STRING TUPLE REDUCE EMPTY_TUPLE REDUCE STOP
		[]string{"functools.partial", "os.system"}, finding.Critical, ""},
	{"operator_attrgetter",
		"coperator\nattrgetter\n(S'system'\ntR(cimportlib\nimport_module\n(S'os'\ntRtR(S'id'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE MARK GLOBAL MARK STRING TUPLE REDUCE TUPLE REDUCE MARK STRING TUPLE REDUCE STOP
		[]string{"operator.attrgetter"}, finding.Critical, ""},
	{"typing_forward_ref_eval",
		"ctyping\nForwardRef\n(S'__import__(\"os\").system(\"id\")'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE STOP
		[]string{"typing.ForwardRef"}, finding.Critical, ""},
	{"numpy_f2py_getinit",
		"cnumpy.f2py.capi_maps\ngetinit\n(S'x'\nS'y'\ntR.", // GLOBAL MARK STRING STRING TUPLE REDUCE STOP
		[]string{"numpy.f2py.capi_maps.getinit"}, finding.Critical, ""},
}

// bypassesNames are names the unpickler resolves differently from a
// naive scanner: dotted paths, escapes, internals.
var bypassesNames = []bypass{
	{"dotted_stack_global",
		"\x80\x04\x8c\x07pathlib\x94\x8c\x09os.system\x94\x93\x8c\x02id\x85R.", // PROTO SHORT_BINUNICODE MEMOIZE SHORT_BINUNICODE MEMOIZE STACK_GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE STOP
		[]string{"pathlib.os.system", "os.system"}, finding.Critical, ""},
	{"dotted_global_text_opcode",
		"\x80\x04cpathlib\nos.system\n\x8c\x02id\x85R.", // PROTO GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE STOP
		[]string{"os.system"}, finding.Critical, ""},
	{"dotted_submodule_in_name",
		"\x80\x04ctorch\nhub.load\n\x8c\x01x\x85R.", // PROTO GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE STOP
		[]string{"torch.hub.load"}, finding.Critical, ""},
	{"string_quotes_and_escapes",
		"\x80\x04S\"posix\"\nS'sys\\x74em'\n\x93S'id'\n\x85R.", // PROTO STRING STRING STACK_GLOBAL STRING TUPLE1 REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"unicode_escape_operand",
		"\x80\x04Vposix\nV\\u0073ystem\n\x93Vid\n\x85R.", // PROTO UNICODE UNICODE STACK_GLOBAL UNICODE TUPLE1 REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"numpy_builtins_component",
		"\x80\x04\x8c\x05numpy\x8c\x0c__builtins__\x93.", // PROTO SHORT_BINUNICODE SHORT_BINUNICODE STACK_GLOBAL STOP
		[]string{"numpy.__builtins__"}, finding.Critical, ""},
	{"memo_desync",
		"\x80\x04\x8c\x05posix\x8c\x02xx0\x940\x8c\x06system\x8c\x02yy0\x940h\x00h\x01\x93\x8c\x02id\x85R.", // PROTO SHORT_BINUNICODE SHORT_BINUNICODE POP MEMOIZE POP SHORT_BINUNICODE SHORT_BINUNICODE POP MEMOIZE POP BINGET BINGET STACK_GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"dup_operands",
		"\x80\x04\x8c\x02os2\x8c\x06system\x93\x8c\x02id\x85R0\x8c\x04nope\x93.", // PROTO SHORT_BINUNICODE DUP SHORT_BINUNICODE STACK_GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE POP SHORT_BINUNICODE STACK_GLOBAL STOP
		[]string{"os.system"}, finding.Critical, ""},
}

// bypassesCalls are call forms: instantiation, discarded results,
// reconstructors, writes into imported objects, attribute poisoning.
var bypassesCalls = []bypass{
	{"obj_then_pop",
		"(cposix\nsystem\nX\x02\x00\x00\x00ido0}.", // MARK GLOBAL BINUNICODE OBJ POP EMPTY_DICT STOP
		[]string{"posix.system"}, finding.Critical, ""},
	{"newobj_popen",
		"\x80\x02csubprocess\nPopen\n)\x81.", // PROTO GLOBAL EMPTY_TUPLE NEWOBJ STOP
		[]string{"subprocess.Popen"}, finding.Critical, ""},
	{"inst_popen",
		"(S'id'\nisubprocess\nPopen\n.", // MARK STRING INST STOP
		[]string{"subprocess.Popen"}, finding.Critical, ""},
	{"obj_popen",
		"(csubprocess\nPopen\nS'id'\no.", // MARK GLOBAL STRING OBJ STOP
		[]string{"subprocess.Popen"}, finding.Critical, ""},
	{"copyreg_newobj_popen",
		"\x80\x02ccopyreg\n__newobj__\ncsubprocess\nPopen\nX\x02\x00\x00\x00id\x86R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE STOP
		[]string{"subprocess.Popen"}, finding.Critical, ""},
	{"copyreg_newobj_ex_popen",
		"\x80\x04ccopyreg\n__newobj_ex__\ncsubprocess\nPopen\n\x8c\x02id\x85}\x87R.", // PROTO GLOBAL GLOBAL SHORT_BINUNICODE TUPLE1 EMPTY_DICT TUPLE3 REDUCE STOP
		[]string{"subprocess.Popen"}, finding.Critical, ""},
	{"reconstructor_wrap_close",
		"ccopyreg\n_reconstructor\n(cos\n_wrap_close\ncbuiltins\nobject\nNtR.", // GLOBAL MARK GLOBAL GLOBAL NONE TUPLE REDUCE STOP
		[]string{"os._wrap_close"}, finding.Critical, ""},
	{"reconstructor_base_init_popen",
		"ccopyreg\n_reconstructor\n(cbuiltins\nobject\ncsubprocess\nPopen\nS'id'\ntR.", // GLOBAL MARK GLOBAL GLOBAL STRING TUPLE REDUCE STOP
		[]string{"subprocess.Popen"}, finding.Critical, ""},
	{"setitem_os_environ",
		"\x80\x02cos\nenviron\nS'LD_PRELOAD'\nS'/tmp/x.so'\ns.", // PROTO GLOBAL STRING STRING SETITEM STOP
		[]string{"os.environ"}, finding.Critical, ""},
	{"setitem_numpy_dict",
		"\x80\x04\x8c\x05numpy\x8c\x08__dict__\x93\x8c\x04prod\x8c\x02os\x73.", // PROTO SHORT_BINUNICODE SHORT_BINUNICODE STACK_GLOBAL SHORT_BINUNICODE SHORT_BINUNICODE SETITEM STOP
		[]string{"numpy.__dict__"}, finding.Critical, ""},
	{"setitem_unknown_global",
		"\x80\x02cmypkg\nREGISTRY\nS'k'\nS'v'\ns.", // PROTO GLOBAL STRING STRING SETITEM STOP
		[]string{"mypkg.REGISTRY"}, finding.High, ""},
	{"setitems_allowlisted_global",
		"\x80\x02ccollections\nOrderedDict\n(S'k'\nS'v'\nu.", // PROTO GLOBAL MARK STRING STRING SETITEMS STOP
		[]string{"collections.OrderedDict"}, finding.High, ""},
	{"append_unknown_global",
		"cmypkg\nHOOKS\nS'x'\na.", // GLOBAL STRING APPEND STOP
		[]string{"mypkg.HOOKS"}, finding.High, ""},
	{"build_poisons_numpy_prod",
		"cnumpy\nprod\n(dS'__doc__'\nS'x'\nsb.", // GLOBAL MARK DICT STRING STRING SETITEM BUILD STOP
		[]string{"numpy.prod"}, finding.High, ""},
}

func TestBypass(t *testing.T) {
	for _, group := range [][]bypass{bypassesCallables, bypassesNames, bypassesCalls, bypassesNested, bypassesStructure, bypassesGadgets} {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) { checkBypass(t, tc) })
		}
	}
}

func checkBypass(t *testing.T, tc bypass) {
	t.Helper()
	fs, res := judgeBytes(tc.data)
	if w := worst(fs); w < tc.min {
		t.Fatalf("worst %s, want at least %s%s", w, tc.min, dumpFindings(fs, res))
	}
	if tc.rule != "" && !hasRule(fs, tc.rule) {
		t.Errorf("no %s finding%s", tc.rule, dumpFindings(fs, res))
	}
	for _, w := range tc.want {
		found := false
		for _, f := range fs {
			if f.Severity >= tc.min && (strings.Contains(f.Callable, w) || strings.Contains(f.Message, w)) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no finding at %s or above names %q%s", tc.min, w, dumpFindings(fs, res))
		}
	}
}

func hasRule(fs []finding.Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}
