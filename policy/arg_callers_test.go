package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// Second red-team pass: allowlisted callables that call, instantiate or
// hand back what they are given, and imports whose names are computed.
// CPython's behaviour in each comment is read from its source
// (Modules/_pickle.c, Lib/copyreg.py, torch/_tensor.py,
// torch/jit/_pickle.py, numpy/random/_pickle.py,
// torch/optim/lr_scheduler.py, numpy/core/src/multiarray/multiarraymodule.c).

// bypassesComputed are imports and calls whose target is computed
// at load time.
var bypassesComputed = []bypass{
	// _codecs.encode(s, 'rot13') returns a str (PyCodec_Encode does not
	// insist on bytes): STACK_GLOBAL imports os.system.
	{"stack_global_rot13_names",
		"\x80\x04c_codecs\nencode\n\x8c\x02bf\x8c\x05rot13\x86Rc_codecs\nencode\n\x8c\x06flfgrz\x8c\x05rot13\x86R\x93.", // PROTO GLOBAL SHORT_BINUNICODE SHORT_BINUNICODE TUPLE2 REDUCE GLOBAL SHORT_BINUNICODE SHORT_BINUNICODE TUPLE2 REDUCE STACK_GLOBAL STOP
		[]string{"computed at load time"}, finding.High, finding.RuleUnknownImport},
	// str(b'antigravity', 'ascii'): importing antigravity opens a browser.
	{"stack_global_str_of_bytes",
		"\x80\x04cbuiltins\nstr\nC\x0bantigravity\x8c\x05ascii\x86Rcbuiltins\nstr\nC\x07geohash\x8c\x05ascii\x86R\x93.", // PROTO GLOBAL SHORT_BINBYTES SHORT_BINUNICODE TUPLE2 REDUCE GLOBAL SHORT_BINBYTES SHORT_BINUNICODE TUPLE2 REDUCE STACK_GLOBAL STOP
		[]string{"computed at load time"}, finding.High, finding.RuleUnknownImport},
	// _rebuild_from_type(func, Tensor, args, d) returns func(*args):
	// os.system('id') with os.system named by rot13.
	{"rebuild_from_type_calls_computed_import",
		"\x80\x04ctorch._tensor\n_rebuild_from_type\n(c_codecs\nencode\n\x8c\x02bf\x8c\x05rot13\x86Rc_codecs\nencode\n\x8c\x06flfgrz\x8c\x05rot13\x86R\x93ctorch\nTensor\n\x8c\x02id\x85}tR.", // PROTO GLOBAL MARK GLOBAL SHORT_BINUNICODE SHORT_BINUNICODE TUPLE2 REDUCE GLOBAL SHORT_BINUNICODE SHORT_BINUNICODE TUPLE2 REDUCE STACK_GLOBAL GLOBAL SHORT_BINUNICODE TUPLE1 EMPTY_DICT TUPLE REDUCE STOP
		[]string{"torch._tensor._rebuild_from_type", "computed at load time"}, finding.High, ""},
}

// bypassesCallers are allowlisted callables that call an argument.
var bypassesCallers = []bypass{
	{"rebuild_from_type_v2_calls_unknown",
		"\x80\x02ctorch._tensor\n_rebuild_from_type_v2\n(cmypkg\nrun\nctorch\nTensor\nX\x02\x00\x00\x00id\x85NtR.", // PROTO GLOBAL MARK GLOBAL GLOBAL BINUNICODE TUPLE1 NONE TUPLE REDUCE STOP
		[]string{"mypkg.run"}, finding.High, finding.RuleUnknownCall},
	// __generator_ctor(name, ctor) returns Generator(ctor(name)).
	{"numpy_generator_ctor_calls_unknown",
		"\x80\x02cnumpy.random._pickle\n__generator_ctor\nX\x02\x00\x00\x00idcmypkg\nrun\n\x86R.", // PROTO GLOBAL BINUNICODE GLOBAL TUPLE2 REDUCE STOP
		[]string{"mypkg.run"}, finding.High, finding.RuleUnknownCall},
	{"numpy_randomstate_ctor_calls_instance",
		"\x80\x02cnumpy.random._pickle\n__randomstate_ctor\nX\x02\x00\x00\x00idcmypkg\nRunner\n)\x81\x86R.", // PROTO GLOBAL BINUNICODE GLOBAL EMPTY_TUPLE NEWOBJ TUPLE2 REDUCE STOP
		[]string{"__randomstate_ctor", "computed at load time"}, finding.High, ""},
	// LambdaLR's constructor takes a first step: lr_lambda(0).
	{"lambdalr_calls_unknown",
		"\x80\x02ctorch.optim.lr_scheduler\nLambdaLR\nctorch.optim.sgd\nSGD\n]ctorch.nn.parameter\nParameter\n)RaG?\xb9\x99\x99\x99\x99\x99\x9a\x86Rcmypkg\nf\n\x86R.", // PROTO GLOBAL GLOBAL EMPTY_LIST GLOBAL EMPTY_TUPLE REDUCE APPEND BINFLOAT TUPLE2 REDUCE GLOBAL TUPLE2 REDUCE STOP
		[]string{"mypkg.f"}, finding.High, finding.RuleUnknownCall},
	// copyreg._reconstructor(cls, base, state) calls base.__init__(obj,
	// state); build_intlist returns its argument, so the base is
	// wave.Wave_write, whose __init__ opens the path for writing.
	// The knowledge base knows Wave_write.__init__ opens its path for
	// writing: critical, where an unknown call was high.
	{"reconstructor_base_through_identity",
		"\x80\x02ccopyreg\n_reconstructor\ncwave\nWave_write\nctorch.jit._pickle\nbuild_intlist\ncwave\nWave_write\n\x85RX\x16\x00\x00\x00/tmp/modelgate-redteam\x87R.", // PROTO GLOBAL GLOBAL GLOBAL GLOBAL TUPLE1 REDUCE BINUNICODE TUPLE3 REDUCE STOP
		[]string{"wave.Wave_write", "Wave_write.__init__"}, finding.Critical, finding.RuleDangerousCallable},
	// type(<instance of wave.Wave_write>) is wave.Wave_write.
	{"reconstructor_base_from_type",
		"\x80\x02ccopyreg\n_reconstructor\ncwave\nWave_write\ncbuiltins\ntype\ncwave\nWave_write\n)\x81\x85RX\x16\x00\x00\x00/tmp/modelgate-redteam\x87R.", // PROTO GLOBAL GLOBAL GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ TUPLE1 REDUCE BINUNICODE TUPLE3 REDUCE STOP
		[]string{"copyreg._reconstructor", "computed at load time"}, finding.High, ""},
	// _rebuild_from_type_v2(type, Tensor, (name, bases, ns), None)
	// returns type(name, bases, ns): a class created out of sight.
	{"rebuild_from_type_creates_class",
		"\x80\x02ctorch._tensor\n_rebuild_from_type_v2\n(cbuiltins\ntype\nctorch\nTensor\nX\x01\x00\x00\x00X(cmypkg\nBase\nt}\x87NtR.", // PROTO GLOBAL MARK GLOBAL GLOBAL BINUNICODE MARK GLOBAL TUPLE EMPTY_DICT TUPLE3 NONE TUPLE REDUCE STOP
		[]string{"torch._tensor._rebuild_from_type_v2"}, finding.High, finding.RuleUnknownCall},
	// _rebuild_from_type(_reconstructor, Tensor, (cls, base, state), d):
	// base.__init__(obj, state) runs.
	{"rebuild_from_type_calls_reconstructor",
		"\x80\x02ctorch._tensor\n_rebuild_from_type\n(ccopyreg\n_reconstructor\nctorch\nTensor\n(cwave\nWave_write\ncwave\nWave_write\nX\x06\x00\x00\x00/tmp/xt}tR.", // PROTO GLOBAL MARK GLOBAL GLOBAL MARK GLOBAL GLOBAL BINUNICODE TUPLE EMPTY_DICT TUPLE REDUCE STOP
		[]string{"torch._tensor._rebuild_from_type"}, finding.High, finding.RuleUnknownCall},
	// __generator_ctor(cls, __bit_generator_ctor): newer numpy calls a
	// class given as the bit generator.
	{"numpy_generator_ctor_class_through_bit_generator_ctor",
		"\x80\x02cnumpy.random._pickle\n__generator_ctor\ncmypkg\nEvil\ncnumpy.random._pickle\n__bit_generator_ctor\n\x86R.", // PROTO GLOBAL GLOBAL GLOBAL TUPLE2 REDUCE STOP
		[]string{"mypkg.Evil"}, finding.High, finding.RuleUnknownCall},
	{"newobj_helper_computed_class",
		"\x80\x02ccopyreg\n__newobj__\ncbuiltins\ntype\ncmypkg\nC\n)\x81\x85R\x85R.", // PROTO GLOBAL GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ TUPLE1 REDUCE TUPLE1 REDUCE STOP
		[]string{"copyreg.__newobj__", "computed at load time"}, finding.High, ""},
}

// bypassesClasses create classes: type(name, bases, ns) runs the
// metaclass and __init_subclass__ of the bases (type_new in
// Objects/typeobject.c), NEWOBJ of type as well.
var bypassesClasses = []bypass{
	{"type_three_arguments",
		"\x80\x02cbuiltins\ntype\nX\x01\x00\x00\x00X(cmypkg\nBase\nt}\x87R.", // PROTO GLOBAL BINUNICODE MARK GLOBAL TUPLE EMPTY_DICT TUPLE3 REDUCE STOP
		[]string{"creates a class"}, finding.Critical, finding.RuleDangerousCallable},
	{"type_three_arguments_newobj",
		"\x80\x02cbuiltins\ntype\nX\x01\x00\x00\x00X(cmypkg\nBase\nt}\x87\x81.", // PROTO GLOBAL BINUNICODE MARK GLOBAL TUPLE EMPTY_DICT TUPLE3 NEWOBJ STOP
		[]string{"creates a class"}, finding.Critical, finding.RuleDangerousCallable},
	{"newobj_helper_of_type",
		"\x80\x02ccopyreg\n__newobj__\n(cbuiltins\ntype\nX\x01\x00\x00\x00X(cmypkg\nBase\nt}tR.", // PROTO GLOBAL MARK GLOBAL BINUNICODE MARK GLOBAL TUPLE EMPTY_DICT TUPLE REDUCE STOP
		[]string{"creates a class"}, finding.Critical, finding.RuleDangerousCallable},
}

// bypassesPoison write into process-wide objects reached through an
// allowlisted call that returns them.
var bypassesPoison = []bypass{
	// BUILD on build_intlist(torch._utils): the module's __dict__ is
	// updated (load_build, no __setstate__ on a module).
	{"build_on_module_through_identity",
		"\x80\x02ctorch.jit._pickle\nbuild_intlist\nctorch\n_utils\n\x85R}X\x12\x00\x00\x00_rebuild_tensor_v2Nsb.", // PROTO GLOBAL GLOBAL TUPLE1 REDUCE EMPTY_DICT BINUNICODE NONE SETITEM BUILD STOP
		[]string{"torch._utils"}, finding.High, finding.RuleAttributePoison},
	// scalar(dtype('O'), obj) returns obj (object dtype, deprecated path).
	{"build_on_module_through_numpy_scalar",
		"\x80\x02cnumpy.core.multiarray\nscalar\ncnumpy\ndtype\nX\x02\x00\x00\x00O8\x89\x88\x87Rctorch\n_utils\n\x86R}X\x12\x00\x00\x00_rebuild_tensor_v2Nsb.", // PROTO GLOBAL GLOBAL BINUNICODE NEWFALSE NEWTRUE TUPLE3 REDUCE GLOBAL TUPLE2 REDUCE EMPTY_DICT BINUNICODE NONE SETITEM BUILD STOP
		[]string{"torch._utils"}, finding.High, finding.RuleAttributePoison},
	// BUILD with slot state on type(PurePosixPath()): setattr on the class.
	{"build_on_class_from_type",
		"\x80\x02cbuiltins\ntype\ncpathlib\nPurePosixPath\n)R\x85RN}X\x0a\x00\x00\x00__fspath__Ns\x86b.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE REDUCE TUPLE1 REDUCE NONE EMPTY_DICT BINUNICODE NONE SETITEM TUPLE2 BUILD STOP
		nil, finding.High, finding.RuleAttributePoison},
	// numpy/dtypes.py (numpy 1.25+): _add_dtype_helper(DType, alias)
	// sets numpy.dtypes.<alias>; "numpy.dtypes *" allowlists the module.
	{"numpy_dtypes_private_helper",
		"\x80\x02cnumpy.dtypes\n_add_dtype_helper\ncmypkg\nX\nX\x0c\x00\x00\x00Float64DType\x86R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE STOP
		[]string{"numpy.dtypes._add_dtype_helper"}, finding.High, finding.RuleUnknownCall},
	{"setitem_on_global_through_identity",
		"\x80\x02ctorch.jit._pickle\nbuild_intlist\ncmypkg\nREGISTRY\n\x85RX\x01\x00\x00\x00kX\x01\x00\x00\x00vs.", // PROTO GLOBAL GLOBAL TUPLE1 REDUCE BINUNICODE BINUNICODE SETITEM STOP
		[]string{"mypkg.REGISTRY"}, finding.High, finding.RuleAttributePoison},
}

// legacyTensorFile is torch.save(torch.zeros(1, dtype=torch.uint8),
// _use_new_zipfile_serialization=False) from torch 1.13: five pickles
// (magic number, protocol, system info, the tensor, storage keys) and the
// storage's byte.
const legacyTensorFile = "\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.\x80\x02M\xe9\x03.\x80\x02}q\x00(X\x10\x00\x00\x00protocol_versionq\x01M\xe9\x03X\x0d\x00\x00\x00little_endianq\x02\x88X\x0a\x00\x00\x00type_sizesq\x03}q\x04(X\x05\x00\x00\x00shortq\x05K\x02X\x03\x00\x00\x00intq\x06K\x04X\x04\x00\x00\x00longq\x07K\x04uu.\x80\x02ctorch._utils\x0a_rebuild_tensor_v2\x0aq\x00((X\x07\x00\x00\x00storageq\x01ctorch\x0aByteStorage\x0aq\x02X\x09\x00\x00\x00593801488q\x03X\x03\x00\x00\x00cpuq\x04K\x01Ntq\x05QK\x00K\x01\x85q\x06K\x01\x85q\x07\x89ccollections\x0aOrderedDict\x0aq\x08)Rq\x09tq\x0aRq\x0b.\x80\x02]q\x00X\x09\x00\x00\x00593801488q\x01a.\x01\x00\x00\x00\x00\x00\x00\x00\x00"

// bypassesLoaders pass more than the data to a loader.
var bypassesLoaders = []bypass{
	// torch.load(f, map_location) calls map_location(storage, location)
	// for every storage of a legacy file (torch/serialization.py): the
	// clean nested pickle excuses the load of the data alone.
	{"torch_load_map_location_callable",
		"\x80\x02ctorch\nload\nc_io\nBytesIO\nBG\x01\x00\x00" + legacyTensorFile + "\x85Rcmypkg\nf\n\x86R.", // PROTO GLOBAL GLOBAL BINBYTES(legacy torch file) TUPLE1 REDUCE GLOBAL TUPLE2 REDUCE STOP
		[]string{"torch.load"}, finding.High, ""},
}

// scipyEvil is a _parse_arg_template that runs a command: scipy.stats'
// rv_generic.__setstate__ updates __dict__ from the state, then
// _attach_argparser_methods runs exec(self._parse_arg_template).
const scipyEvil = "import os\nos.system('touch /tmp/modelgate-redteam')\ndef _parse_args(self): pass\ndef _parse_args_stats(self): pass\ndef _parse_args_rvs(self): pass\n"

// scipyNormTemplate is the template scipy 1.10 generates for norm.
const scipyNormTemplate = "\ndef _parse_args(self,  loc=0, scale=1):\n    return (), loc, scale\n\ndef _parse_args_rvs(self,  loc=0, scale=1, size=None):\n    return self._argcheck_rvs( loc, scale, size=size)\n\ndef _parse_args_stats(self,  loc=0, scale=1, moments='mv'):\n    return (), loc, scale, moments\n"

// binUnicode renders s as a BINUNICODE operand.
func binUnicode(s string) string {
	n := len(s)
	return "X" + string([]byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)}) + s
}

// bypassesExec give an allowlisted class state that it executes.
var bypassesExec = []bypass{
	{"scipy_parse_arg_template",
		"\x80\x02cscipy.stats._continuous_distns\nnorm_gen\n)\x81}" + binUnicode("_parse_arg_template") + binUnicode(scipyEvil) + "sb.", // PROTO GLOBAL EMPTY_TUPLE NEWOBJ EMPTY_DICT BINUNICODE BINUNICODE SETITEM BUILD STOP
		[]string{"touch"}, finding.Critical, finding.RuleDangerousCallable},
	{"scipy_template_past_kept_entries",
		"\x80\x02cscipy.stats._continuous_distns\nnorm_gen\n)\x81}(" + strings.Repeat("X\x01\x00\x00\x00aN", 40) + binUnicode("_parse_arg_template") + binUnicode(scipyEvil) + "ub.", // PROTO GLOBAL EMPTY_TUPLE NEWOBJ EMPTY_DICT MARK (BINUNICODE NONE)*40 BINUNICODE BINUNICODE SETITEMS BUILD STOP
		[]string{"touch"}, finding.Critical, finding.RuleDangerousCallable},
	// dict.update takes a sequence of pairs as well.
	{"scipy_template_pairs_state",
		"\x80\x02cscipy.stats._continuous_distns\nnorm_gen\n)\x81" + binUnicode("_parse_arg_template") + binUnicode(scipyEvil) + "\x86\x85b.", // PROTO GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE BINUNICODE TUPLE2 TUPLE1 BUILD STOP
		[]string{"touch"}, finding.Critical, finding.RuleDangerousCallable},
	{"scipy_template_user_subclass",
		"\x80\x02cmypkg\nMyDist\n)\x81}" + binUnicode("_parse_arg_template") + binUnicode(scipyEvil) + "sb.", // PROTO GLOBAL EMPTY_TUPLE NEWOBJ EMPTY_DICT BINUNICODE BINUNICODE SETITEM BUILD STOP
		[]string{"touch"}, finding.Critical, finding.RuleDangerousCallable},
	{"scipy_computed_state",
		"\x80\x02cscipy.stats._continuous_distns\nnorm_gen\n)\x81ccollections\nOrderedDict\n)Rb.", // PROTO GLOBAL EMPTY_TUPLE NEWOBJ GLOBAL EMPTY_TUPLE REDUCE BUILD STOP
		[]string{"scipy.stats._continuous_distns.norm_gen"}, finding.High, finding.RuleInconclusive},
	{"scipy_template_after_many_builds",
		"\x80\x02cscipy.stats._continuous_distns\nnorm_gen\nq\x00}" + binUnicode("_parse_arg_template") + binUnicode(scipyNormTemplate) + "sq\x01" + // PROTO GLOBAL BINPUT EMPTY_DICT BINUNICODE BINUNICODE SETITEM BINPUT
			strings.Repeat("h\x00)\x81h\x01b0", 100) + // (BINGET EMPTY_TUPLE NEWOBJ BINGET BUILD POP)*100
			"h\x00)\x81}" + binUnicode("_parse_arg_template") + binUnicode(scipyEvil) + "sb.", // BINGET EMPTY_TUPLE NEWOBJ EMPTY_DICT BINUNICODE BINUNICODE SETITEM BUILD STOP
		[]string{"touch"}, finding.Critical, finding.RuleDangerousCallable},
}

// TestScipyTemplate checks that the template scipy writes
// passes: a scipy.stats distribution pickled by scipy is not flagged.
func TestScipyTemplate(t *testing.T) {
	data := "\x80\x02cscipy.stats._continuous_distns\nnorm_gen\n)\x81}" + binUnicode("_parse_arg_template") + binUnicode(scipyNormTemplate) + "sb." // PROTO GLOBAL EMPTY_TUPLE NEWOBJ EMPTY_DICT BINUNICODE BINUNICODE SETITEM BUILD STOP
	fs, res := judgeBytes(data)
	if len(res.Sources) != 1 {
		t.Fatalf("want one source, got %d", len(res.Sources))
	}
	if w := worst(fs); w > finding.Medium {
		t.Errorf("worst %s for the template scipy writes%s", w, dumpFindings(fs, res))
	}
	for _, shapes := range []string{"", "a, ", "dfn, dfd, nc, "} {
		for _, loc := range [][2]string{{"loc=0, scale=1", "loc, scale"}, {"loc=0", "loc, 1"}} {
			if src := fmt.Sprintf(scipyTemplate, shapes, loc[0], loc[1]); !isScipyTemplate(src) {
				t.Errorf("generated template not accepted: %q", src)
			}
		}
	}
	for _, bad := range []string{scipyEvil, scipyNormTemplate + "import os\n", strings.Replace(scipyNormTemplate, "loc=0,", "loc=__import__('os').system('id'),", 1)} {
		if isScipyTemplate(bad) {
			t.Errorf("accepted %q", bad)
		}
	}
}

// bypassesFlood hide a call among more calls of the same callable
// than the reader lists one by one (MaxListedCalls).
var bypassesFlood = []bypass{
	{"reconstructor_base_after_flood",
		"\x80\x02ccopyreg\n_reconstructor\nq\x00(ccollections\nOrderedDict\ncbuiltins\nobject\nNtq\x01" + // PROTO GLOBAL BINPUT MARK GLOBAL GLOBAL NONE TUPLE BINPUT
			strings.Repeat("h\x00h\x01R0", 5000) + // (BINGET BINGET REDUCE POP)*5000
			"h\x00(cwave\nWave_write\ncwave\nWave_write\nX\x16\x00\x00\x00/tmp/modelgate-redteamtR.", // BINGET MARK GLOBAL GLOBAL BINUNICODE TUPLE REDUCE STOP
		[]string{"wave.Wave_write", "Wave_write.__init__"}, finding.Critical, finding.RuleDangerousCallable},
	{"rebuild_from_type_after_flood",
		"\x80\x02ctorch._tensor\n_rebuild_from_type\nq\x00(ctorch._utils\n_rebuild_tensor_v2\nctorch\nTensor\n)}tq\x01" + // PROTO GLOBAL BINPUT MARK GLOBAL GLOBAL EMPTY_TUPLE EMPTY_DICT TUPLE BINPUT
			strings.Repeat("h\x00h\x01R0", 5000) + // (BINGET BINGET REDUCE POP)*5000
			"h\x00(cmypkg\nrun\nctorch\nTensor\nX\x02\x00\x00\x00id\x85}tR.", // BINGET MARK GLOBAL GLOBAL BINUNICODE TUPLE1 EMPTY_DICT TUPLE REDUCE STOP
		[]string{"mypkg.run"}, finding.High, finding.RuleUnknownCall},
}

// TestArgCallersUnexamined checks that calls whose arguments were not
// examined fail closed.
func TestArgCallersUnexamined(t *testing.T) {
	res := &pickle.Result{Pickles: 1, CallGroups: []pickle.CallGroup{{Op: "REDUCE", Callee: pickle.Global{Module: "copyreg", Name: "_reconstructor"},
		Known: true, Count: 10, Listed: 4, Unexamined: 2, First: 3}}}
	fs := Default().Pickle(res)
	if worst(fs) < finding.High || !hasRule(fs, finding.RuleInconclusive) {
		t.Errorf("unexamined calls not reported at high%s", dumpFindings(fs, res))
	}
}

func TestArgCallers(t *testing.T) {
	for _, group := range [][]bypass{bypassesComputed, bypassesCallers, bypassesClasses, bypassesPoison, bypassesLoaders, bypassesFlood, bypassesExec} {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) { checkBypass(t, tc) })
		}
	}
}
