package policy

import (
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// TestBoundMethod pins the judgement of bound methods (exceptions.go):
// getattr(<instance built by the stream>, '<plain name>') is judged as the
// method it fetches, called; a method the knowledge base finds harmless
// passes, called or not, and one it does not know is an unknown call.
func TestBoundMethod(t *testing.T) {
	runJudgeCases(t, []judgeCase{
		{"instance_of_allowlisted_class",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81X\x04\x00\x00\x00step\x86R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE STOP
			finding.SeverityInvalid},
		{"reconstructed_instance",
			"\x80\x02cbuiltins\ngetattr\nccopyreg\n_reconstructor\nctorch.optim.lr_scheduler\nStepLR\ncbuiltins\nobject\nN\x87RX\x04\x00\x00\x00step\x86R.", // PROTO GLOBAL GLOBAL GLOBAL GLOBAL NONE TUPLE3 REDUCE BINUNICODE TUPLE2 REDUCE STOP
			finding.SeverityInvalid},
		// StepLR.step reaches no sink: calling it is harmless.
		{"result_called",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81X\x04\x00\x00\x00step\x86R)R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE EMPTY_TUPLE REDUCE STOP
			finding.SeverityInvalid},
		// An unknown method whose result is called: the call of a computed
		// object stays critical.
		{"result_called_unknown_method",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81X\x05\x00\x00\x00stepx\x86R)R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE EMPTY_TUPLE REDUCE STOP
			finding.Critical},
		{"result_instantiated",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81X\x09\x00\x00\x00optimizer\x86R)\x81.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE EMPTY_TUPLE NEWOBJ STOP
			finding.Critical},
		{"dunder_name",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81X\x09\x00\x00\x00__class__\x86R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE STOP
			finding.Critical},
		// A method of an unknown class: a callable nobody analysed, high.
		{"unknown_class",
			"\x80\x02cbuiltins\ngetattr\ncmypkg\nNet\n)\x81X\x04\x00\x00\x00step\x86R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE STOP
			finding.High},
		{"module_attribute",
			"\x80\x02cbuiltins\ngetattr\ncbuiltins\n__import__\nX\x02\x00\x00\x00os\x85RX\x06\x00\x00\x00system\x86R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE1 REDUCE BINUNICODE TUPLE2 REDUCE STOP
			finding.Critical},
		// The shape of an enum member since Python 3.11: judged as the
		// dotted global (TestEnumMember), here a known harmless method.
		{"imported_global",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\nX\x04\x00\x00\x00step\x86R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE STOP
			finding.SeverityInvalid},
		{"call_result_not_instance",
			"\x80\x02cbuiltins\ngetattr\nctorch._utils\n_rebuild_tensor_v2\n)RX\x04\x00\x00\x00step\x86R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE REDUCE BINUNICODE TUPLE2 REDUCE STOP
			finding.Critical},
		{"computed_name",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81cbuiltins\nstr\nX\x04\x00\x00\x00step\x85R\x86R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ GLOBAL BINUNICODE TUPLE1 REDUCE TUPLE2 REDUCE STOP
			finding.Critical},
		{"default_argument",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81X\x04\x00\x00\x00stepN\x87R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE NONE TUPLE3 REDUCE STOP
			finding.Critical},
		{"getattr_also_passed_on",
			"\x80\x02cbuiltins\ngetattr\nq\x00ctorch.optim.lr_scheduler\nStepLR\n)\x81X\x04\x00\x00\x00step\x86R0ccollections\ndefaultdict\nh\x00\x85R.", // PROTO GLOBAL BINPUT GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE POP GLOBAL BINGET TUPLE1 REDUCE STOP
			finding.Critical},
	})
}

// TestEnumMember pins the member exception of policy_exceptions.go:
// builtins.getattr(<imported global>, '<name>'), the way Python 3.11 and
// later pickle an enum member, is judged as the import of the dotted
// global; any use of the result, a dunder name or a denylisted owner keeps
// it critical.
func TestEnumMember(t *testing.T) {
	runJudgeCases(t, []judgeCase{
		{"enum_member", // pickle.dumps(Color.RED, 2) on Python 3.11
			"\x80\x02c__builtin__\ngetattr\nq\x00c__main__\nColor\nq\x01X\x03\x00\x00\x00REDq\x02\x86q\x03Rq\x04.", // PROTO GLOBAL BINPUT GLOBAL BINPUT BINUNICODE BINPUT TUPLE2 BINPUT REDUCE BINPUT STOP
			finding.Medium},
		// A member the knowledge base knows: data, no finding.
		{"enum_member_protocol_4", // pickle.dumps(re.RegexFlag.IGNORECASE, 4)
			"\x80\x04\x95<\x00\x00\x00\x00\x00\x00\x00\x8c\x08builtins\x94\x8c\x07getattr\x94\x93\x94\x8c\x02re\x94\x8c\tRegexFlag\x94\x93\x94\x8c\nIGNORECASE\x94\x86\x94R\x94.", // PROTO FRAME SHORT_BINUNICODE MEMOIZE SHORT_BINUNICODE MEMOIZE STACK_GLOBAL MEMOIZE ... TUPLE2 MEMOIZE REDUCE MEMOIZE STOP
			finding.SeverityInvalid},
		{"denylisted_owner",
			"\x80\x02c__builtin__\ngetattr\ncsubprocess\nPopen\nX\x0b\x00\x00\x00communicate\x86R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE STOP
			finding.Critical},
		{"module_member",
			"\x80\x02c__builtin__\ngetattr\ncos\npath\nX\x06\x00\x00\x00system\x86R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE STOP: getattr(os.path, 'system')
			finding.Critical},
		{"dunder",
			"\x80\x02c__builtin__\ngetattr\nc__main__\nColor\nX\x08\x00\x00\x00__init__\x86R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE STOP
			finding.Critical},
		{"result_called",
			"\x80\x02c__builtin__\ngetattr\nc__main__\nColor\nX\x03\x00\x00\x00RED\x86R)R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE EMPTY_TUPLE REDUCE STOP
			finding.Critical},
		{"result_given_state",
			"\x80\x02c__builtin__\ngetattr\nc__main__\nColor\nX\x03\x00\x00\x00RED\x86R}X\x01\x00\x00\x00aK\x01sb.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE EMPTY_DICT BINUNICODE BININT1 SETITEM BUILD STOP
			finding.Critical},
		{"result_handed_to_a_caller", // torch._tensor._rebuild_from_type calls its first argument
			"\x80\x02ctorch._tensor\n_rebuild_from_type\nc__builtin__\ngetattr\nc__main__\nC\nX\x03\x00\x00\x00RED\x86Rctorch\nTensor\nX\x02\x00\x00\x00id\x85}\x87\x94R.", // PROTO GLOBAL GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE GLOBAL BINUNICODE TUPLE1 EMPTY_DICT TUPLE3 MEMOIZE REDUCE STOP
			finding.Critical},
		{"getattr_passed_on",
			"\x80\x02c__builtin__\ngetattr\nq\x00c__main__\nColor\nX\x03\x00\x00\x00RED\x86R0ccollections\ndefaultdict\nh\x00\x85R.", // PROTO GLOBAL BINPUT GLOBAL BINUNICODE TUPLE2 REDUCE POP GLOBAL BINGET TUPLE1 REDUCE STOP
			finding.Critical},
	})
}

// TestReferencedTruncated holds how a name cut short in a rendered
// argument list counts: "builtins.getattr..." may have been a reference
// or a call, and the group's summaries of every argument decide.
func TestReferencedTruncated(t *testing.T) {
	getattr := pickle.Global{Module: "builtins", Name: "getattr"}
	owner := pickle.Global{Module: "types", Name: "SimpleNamespace"}
	call := pickle.Call{Op: "BUILD", Callee: owner, Known: true, Args: "({'a': (builtins.getattr(re.RegexFlag, 'I'), builtins.getattr..."}
	tests := []struct {
		name   string
		groups []pickle.CallGroup
		want   bool
	}{
		{"summaries_say_made_only", []pickle.CallGroup{{Op: "BUILD", Callee: owner, Known: true, Args: []pickle.ArgSummary{{Made: []pickle.Global{getattr}}}}}, false},
		{"summaries_say_handed", []pickle.CallGroup{{Op: "BUILD", Callee: owner, Known: true, Args: []pickle.ArgSummary{{Handed: []pickle.Global{getattr}}}}}, true},
		{"summaries_full", []pickle.CallGroup{{Op: "BUILD", Callee: owner, Known: true, Args: []pickle.ArgSummary{{More: true, MoreHanded: true}}}}, true},
		{"summaries_opaque", []pickle.CallGroup{{Op: "BUILD", Callee: owner, Known: true, Args: []pickle.ArgSummary{{Opaque: true}}}}, true},
		{"no_group", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := &exceptions{p: Default(), calls: []pickle.Call{call}, groups: tt.groups}
			if got := ex.referenced(getattr); got != tt.want {
				t.Errorf("referenced = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPartialOfReturnedObject holds that calling a functools.partial whose
// function is what another function returned is not excused by that
// function's verdict: a function safe to call may return anything it
// fetches by name, as library getattr wrappers do. Those are judged as
// getattr is, from the knowledge base's R lines (critical); calling a
// partial of another function's result is a call of a computed object.
func TestPartialOfReturnedObject(t *testing.T) {
	runJudgeCases(t, []judgeCase{
		// partial(astropy.samp.utils.getattr_recursive(os, 'system'), 'true')()
		{"getattr_wrapper_result", "cfunctools\npartial\n(castropy.samp.utils\ngetattr_recursive\n(cpathlib\nos\nVsystem\ntRVtrue\ntR(tR.", finding.Critical},
		// partial(nltk.decorators.getattr_(os, 'system', None), 'true')()
		{"getattr_with_default_result", "cfunctools\npartial\n(cnltk.decorators\ngetattr_\n(cpathlib\nos\nVsystem\nNtRVtrue\ntR(tR.", finding.Critical},
		// the same function in a partial's BUILD state
		{"getattr_wrapper_result_in_state", "cfunctools\npartial\n(cbuiltins\nprint\ntR(castropy.samp.utils\ngetattr_recursive\n(cpathlib\nos\nVsystem\ntR(Vtrue\nt}Ntb(tR.", finding.Critical},
		// a BUILD state's __setstate__ is what the next BUILD calls
		{"fetched_setstate", "ctypes\nSimpleNamespace\n)R}V__setstate__\ncastropy.samp.utils\ngetattr_recursive\n(cpathlib\nos\nVpopen\ntRsbVtrue\nb.", finding.Critical},
		// what a function that fetches nothing returned, called: a
		// computed object, not excused by the function's verdict
		{"function_result", "cfunctools\npartial\n(cjson\nloads\n(V1\ntRtR(tR.", finding.High},
		// an instance of a class with no __call__ is harmless to call
		{"instance_without_call", "cfunctools\npartial\n(ccollections\nOrderedDict\n)RVa\ntR(tR.", finding.SeverityInvalid},
	})
}
