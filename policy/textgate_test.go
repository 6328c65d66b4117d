package policy

import (
	"bytes"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// TestTextGate holds the judgement of text-gated callables (sympy
// constructors, which sympify their arguments): what the pickle hands
// them decides. Benign expressions written by sympy itself are in
// library_benign_test.go (sympy_expressions.pkl).
func TestTextGate(t *testing.T) {
	ints40 := strings.Repeat("I1\n", 40)
	runJudgeCases(t, []judgeCase{
		{"tuple_of_text", "csympy.core.containers\nTuple\n(Vcode\ntR.", finding.Critical},
		{"tuple_of_numbers", "csympy.core.containers\nTuple\n(I1\nF2.5\nNI01\ntR.", finding.SeverityInvalid},
		{"text_deep_in_lists", "csympy\nMatrix\n((lp0\n(lp1\nVcode\naatR.", finding.Critical},
		{"rational_of_ints", "csympy\nRational\n(I3\nI4\ntR.", finding.SeverityInvalid},
		{"rational_of_text", "csympy\nRational\n(Vcode\ntR.", finding.Critical},
		// an object that is not sympy's own reaches sympify's str() fallback
		{"foreign_object", "csympy.core.containers\nTuple\n(cpathlib\nPurePosixPath\n(Vcode\ntRtR.", finding.Critical},
		// a sympy object is taken as it is
		{"sympy_object", "csympy.core.containers\nTuple\n(csympy.core.numbers\nInteger\n(I5\ntRtR.", finding.SeverityInvalid},
		// items past those the reader keeps still count
		{"text_past_kept_items", "csympy.core.containers\nTuple\n(" + ints40 + "Vcode\ntR.", finding.Critical},
		{"numbers_past_kept_items", "csympy.core.containers\nTuple\n(" + ints40 + "tR.", finding.SeverityInvalid},
		// handed to other code, the gate may be called with anything
		{"gate_handed_on", "cfunctools\npartial\n(csympy\nsympify\nVcode\ntR.", finding.Critical},
		// protocol 2 makes an instance whose __getnewargs_ex__ has keywords
		// as functools.partial(getattr(cls, '__new__'), cls, *args)()
		{"partial_new_of_tuple_with_text", "cfunctools\npartial\n(cbuiltins\ngetattr\n(csympy.core.containers\nTuple\nV__new__\ntRcsympy.core.containers\nTuple\nVcode\ntR(tR.", finding.Critical},
		{"partial_new_of_symbol", "cfunctools\npartial\n(cbuiltins\ngetattr\n(csympy.core.symbol\nSymbol\nV__new__\ntRcsympy.core.symbol\nSymbol\nVx\ntR(tR.", finding.SeverityInvalid},
		{"partial_of_gate", "cfunctools\npartial\n(csympy\nsympify\nVcode\ntR(tR.", finding.Critical},
		{"partial_of_fetched_system", "cfunctools\npartial\n(cbuiltins\ngetattr\n(cos\nVsystem\ntRVid\ntR(tR.", finding.Critical},
		// imported and handed to nothing: no call reaches the gate while loading
		{"gate_imported_only", "csympy.core.power\nPow\n.", finding.SeverityInvalid},
		{"gate_in_build_state", "ctypes\nSimpleNamespace\n)R}Vf\ncsympy.core.power\nPow\nsb.", finding.Critical},
		// Float's num reaches sympify only as a numpy scalar (reviewed)
		{"float_mpf_tuple", "csympy.core.numbers\nFloat\n((I0\nV3\nI-1\nI2\nttR.", finding.SeverityInvalid},
		// protocols 0 and 1: copyreg._reconstructor(cls, object, None)
		// makes an instance without __new__ or __init__; what follows
		// (BUILD, item writes) is judged by what it hands the class
		{"reconstructed_matrix", "ccopy_reg\n_reconstructor\n(csympy.matrices.dense\nMutableDenseMatrix\nc__builtin__\nobject\nNtR(dVrows\nI1\nsb.", finding.SeverityInvalid},
		{"reconstructed_matrix_item_text", "ccopy_reg\n_reconstructor\n(csympy.matrices.dense\nMutableDenseMatrix\nc__builtin__\nobject\nNtRI0\nVcode\ns.", finding.Critical},
		{"reconstructed_with_gated_base", "ccopy_reg\n_reconstructor\n(csympy.core.containers\nTuple\ncsympy.core.containers\nTuple\nVcode\ntR.", finding.Critical},
		// the import gate: sympy's import_module imports what it is given
		{"import_module_of_text", "csympy.external.importtools\nimport_module\n(Vos\ntR.", finding.Critical},
	})
}

// TestTextGateMessage checks that the finding says what reached the gate.
func TestTextGateMessage(t *testing.T) {
	fs, _ := judgeBytes("csympy\nRational\n(I1\nVcode\ntR.")
	for _, f := range fs {
		if f.Severity == finding.Critical && strings.Contains(f.Message, "argument 1 text, which sympify evaluates") &&
			strings.Contains(f.Message, "Rational.__new__") {
			return
		}
	}
	t.Errorf("no critical finding naming argument 1 and the chain: %v", fs)
}

// FuzzTextGate judges hostile streams built around text gates: the judge
// never panics, and a stream that hands a gate a literal str in its first
// argument, with nothing else, is never passed.
func FuzzTextGate(f *testing.F) {
	for _, s := range []string{
		"csympy.core.containers\nTuple\n(Vcode\ntR.",
		"csympy\nMatrix\n((lp0\n(lp1\nVx\naatR.",
		"cfunctools\npartial\n(cbuiltins\ngetattr\n(csympy.core.symbol\nSymbol\nV__new__\ntRcsympy.core.symbol\nSymbol\nVx\ntR(tR.",
		"csympy.core.numbers\nFloat\n((I0\nV3\nI-1\nI2\nttR.",
	} {
		f.Add([]byte(s), "x")
	}
	p := Default()
	f.Fuzz(func(t *testing.T, data []byte, text string) {
		res := pickle.Read(bytes.NewReader(data), p.PickleOptions(pickle.DefaultOptions()))
		p.Pickle(res)
		if strings.ContainsAny(text, "\n\r\\'") || text == "" {
			return
		}
		fs, _ := judgeBytes("csympy.core.containers\nTuple\n(V" + text + "\ntR.")
		if worst(fs) < finding.High {
			t.Fatalf("Tuple(%q) passed: %v", text, fs)
		}
	})
}
