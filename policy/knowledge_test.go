package policy

import (
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// TestKnowledgeParses holds the embedded knowledge base to its format:
// every line is one the policy reads, the lines are sorted by their bytes
// (the lookups binary-search them), it names its provenance, and every
// chain ends at a sink.
func TestKnowledgeParses(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(knowledgeText, "\n"), "\n")
	k := &knowledge{text: knowledgeText}
	names := 0
	for i, l := range lines {
		f := strings.Split(l, "\t")
		want := map[string]int{"P": 3, "N": 5, "F": 5, "C": 3, "G": 4, "I": 4, "M": 3, "R": 3}[f[0]]
		if f[0] == "F" && len(f) == 6 {
			want = 6 // the parameters that flow to a text gate
			if r := parseReach(f[5], 0); f[5] != "-" && !r.all && !r.rest && r.from < 0 && len(r.pos) == 0 {
				t.Fatalf("line %d: text field %q names no parameter", i+1, f[5])
			}
		}
		if want == 0 || len(f) != want {
			t.Fatalf("line %d: %q is no knowledge line", i+1, l)
		}
		if i > 0 && lines[i-1] >= l {
			t.Fatalf("line %d: %q is not after %q", i+1, l, lines[i-1])
		}
		if i > 0 && len(f) > 2 && strings.HasPrefix(lines[i-1], f[0]+"\t"+f[1]+"\t"+f[2]+"\t") && f[0] == "N" {
			t.Fatalf("line %d: %s %s twice", i+1, f[1], f[2])
		}
		switch f[0] {
		case "N":
			names++
			if n, ok := k.name(f[1], f[2]); !ok || n.kind != f[3][0] {
				t.Fatalf("line %d: name %s %s not found by the lookup", i+1, f[1], f[2])
			}
		case "F":
			c := k.callable(f[1])
			if f[2] != "" && f[4] != "u" && c.sink == "" {
				t.Errorf("%s: chain %q ends at no sink", f[1], c.chain)
			}
			if f[2] == "!index" {
				if _, ok := k.stateIndexOf(f[1]); !ok {
					t.Errorf("%s: a state-index gate with no bounds (I line)", f[1])
				}
			}
		case "I":
			if _, ok := k.stateIndexOf(f[1]); !ok {
				t.Errorf("line %d: bounds %q do not parse", i+1, f[3])
			}
		case "R":
			if _, ok := k.node(f[1]); !ok || f[2] != "fetch" {
				t.Errorf("line %d: fetcher %s is not a callable of the knowledge base", i+1, f[1])
			}
		case "M":
			if _, ok := k.node(f[1]); !ok || f[2] == "" {
				t.Errorf("line %d: %s instantiates %q, not a callable of the knowledge base", i+1, f[1], f[2])
			}
		}
	}
	if p := k.provenance(); len(p) < 10 || names < 1000 {
		t.Fatalf("knowledge: %d packages, %d names; want the standard library and the libraries", len(p), names)
	}
}

// TestKnowledgeVerdicts pins the verdicts the analysis reaches on names
// real files and attacks use.
func TestKnowledgeVerdicts(t *testing.T) {
	p := Default()
	tests := []struct {
		name  string
		g     string
		class Class
		chain string // a substring of the reason
	}{
		{"constructor_that_evaluates", "sympy.core.containers Tuple", ClassDangerous, "when it is handed text or foreign objects (sympy.core.containers.Tuple -> Tuple.__new__ -> sympify)"},
		{"bound_write_text", "pathlib PosixPath.write_text", ClassDangerous, ""},
		{"struct_sequence_in_denied_module", "os stat_result", ClassSafe, ""},
		{"enum_member_in_denied_module", "signal Signals.SIGINT", ClassSafe, ""},
		{"scheduler_method", "torch.optim.lr_scheduler OneCycleLR._annealing_cos", ClassSafe, ""},
		{"zoneinfo_unpickle", "zoneinfo ZoneInfo._unpickle", ClassSafe, ""},
		{"logger", "logging getLogger", ClassSafe, ""},
		{"numpy_function", "numpy clip", ClassSafe, ""},
		{"torch_return_type", "torch.return_types max", ClassSafe, ""},
		{"os_system_stays", "os system", ClassDangerous, ""},
		{"c_function_creating_a_file", "torch from_file", ClassDangerous, "opens files"},
		{"c_method_writing_a_file", "numpy ndarray.tofile", ClassDangerous, "files"},
		{"unknown_module", "mypkg.models Net", ClassUnknown, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := strings.Fields(tc.g)
			v := p.Classify(gl(f[0], f[1]))
			if v.Class != tc.class || !strings.Contains(v.Reason, tc.chain) {
				t.Errorf("Classify(%s) = %s (%s), want %s with %q", tc.g, v.Class, v.Reason, tc.class, tc.chain)
			}
		})
	}
}

// TestCapabilityRule pins the judgement of callables reachable in the
// object graph: judged as if called, wherever they sit.
func TestCapabilityRule(t *testing.T) {
	runJudgeCases(t, []judgeCase{
		// NEWOBJ sympy.core.containers.Tuple('<python>'): __new__ sympifies.
		{"constructor_that_evaluates",
			"\x80\x02csympy.core.containers\nTuple\nX\x01\x00\x00\x001\x85\x81.", // PROTO GLOBAL BINUNICODE TUPLE1 NEWOBJ STOP
			finding.Critical},
		// A SimpleNamespace whose attribute is a bound PosixPath.write_text,
		// handed to torch: torch calls it by duck typing.
		{"bound_method_in_state",
			"\x80\x02ctypes\nSimpleNamespace\n)\x81}X\x06\x00\x00\x00detachcbuiltins\ngetattr\ncpathlib\nPosixPath\nX\x01\x00\x00\x00m\x85\x81X\x0a\x00\x00\x00write_text\x86Rsb.", // PROTO GLOBAL EMPTY_TUPLE NEWOBJ EMPTY_DICT BINUNICODE GLOBAL GLOBAL BINUNICODE TUPLE1 NEWOBJ BINUNICODE TUPLE2 REDUCE SETITEM BUILD STOP
			finding.Critical},
		// functools.partial calls what it is handed, in any position.
		{"partial_of_harmless_function",
			"\x80\x02cfunctools\npartial\ncnumpy\nclip\n\x85R.", // PROTO GLOBAL GLOBAL TUPLE1 REDUCE STOP
			finding.SeverityInvalid},
		{"partial_of_sink",
			"\x80\x02cfunctools\npartial\ncposix\nsystem\n\x85R.", // PROTO GLOBAL GLOBAL TUPLE1 REDUCE STOP
			finding.Critical},
		{"partial_of_unknown",
			"\x80\x02cfunctools\npartial\ncmypkg\nf\n\x85R.", // PROTO GLOBAL GLOBAL TUPLE1 REDUCE STOP
			finding.High},
		// os.stat_result is a struct-sequence type: a tuple, whatever "os *" says.
		{"struct_sequence",
			"\x80\x02cos\nstat_result\nK\x01\x85\x85R.", // PROTO GLOBAL BININT1 TUPLE1 TUPLE1 REDUCE STOP
			finding.SeverityInvalid},
		// zoneinfo's own reduction: getattr(ZoneInfo, '_unpickle')(key, 1).
		{"zoneinfo_unpickle",
			"\x80\x02cbuiltins\ngetattr\nczoneinfo\nZoneInfo\nX\x09\x00\x00\x00_unpickle\x86RX\x0a\x00\x00\x00Asia/TokyoK\x01\x86R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE BINUNICODE BININT1 TUPLE2 REDUCE STOP
			finding.SeverityInvalid},
		{"logger",
			"\x80\x02clogging\ngetLogger\nX\x05\x00\x00\x00train\x85R.", // PROTO GLOBAL BINUNICODE TUPLE1 REDUCE STOP
			finding.SeverityInvalid},
		// Fail closed: an unknown callable is high, an unknown class rebuilt
		// without a call medium.
		{"unknown_callable",
			"\x80\x02cmypkg\nf\n)R.", // PROTO GLOBAL EMPTY_TUPLE REDUCE STOP
			finding.High},
		{"unknown_class_rebuilt",
			"\x80\x02cmypkg\nNet\n)\x81.", // PROTO GLOBAL EMPTY_TUPLE NEWOBJ STOP
			finding.Medium},
		// An unknown global merely reachable: whatever receives it may call it.
		{"unknown_global_reachable",
			"\x80\x02ctypes\nSimpleNamespace\n)\x81}X\x04\x00\x00\x00keyscmypkg\nf\nsb.", // PROTO GLOBAL EMPTY_TUPLE NEWOBJ EMPTY_DICT BINUNICODE GLOBAL SETITEM BUILD STOP
			finding.High},
		// The shape of an enum member of an unknown class stays medium ...
		{"enum_member_of_unknown_class",
			"\x80\x02cbuiltins\ngetattr\ncmypkg\nColor\nX\x03\x00\x00\x00RED\x86R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE STOP
			finding.Medium},
		// ... unless the class is handed on as well.
		{"enum_owner_handed_on",
			"\x80\x02cbuiltins\ngetattr\ncmypkg\nColor\nq\x00X\x03\x00\x00\x00RED\x86R0ctypes\nSimpleNamespace\n)\x81}X\x01\x00\x00\x00ah\x00sb.", // PROTO GLOBAL GLOBAL BINPUT BINUNICODE TUPLE2 REDUCE POP GLOBAL EMPTY_TUPLE NEWOBJ EMPTY_DICT BINUNICODE BINGET SETITEM BUILD STOP
			finding.High},
	})
}

// TestChainInMessage holds the chain to the sink in the finding.
func TestChainInMessage(t *testing.T) {
	fs, _ := judgeBytes("\x80\x02csympy.core.containers\nTuple\nX\x01\x00\x00\x001\x85\x81.") // PROTO GLOBAL BINUNICODE TUPLE1 NEWOBJ STOP
	for _, f := range fs {
		if f.Severity == finding.Critical && strings.Contains(f.Message, "Tuple.__new__ -> sympify)") && strings.Contains(f.Message, "argument 0 text") {
			return
		}
	}
	t.Errorf("no critical finding with the chain: %s", messages(fs))
}

// FuzzKnowledge looks hostile names up: the lookups never panic, a name
// with a tab or newline resolves to nothing, and a name that resolves
// yields a capability whose chain, when any, names its first hop.
func FuzzKnowledge(f *testing.F) {
	for _, s := range []string{"sympy.core.containers Tuple", "os stat_result", "signal Signals.SIGINT",
		"torch.optim.lr_scheduler OneCycleLR._annealing_cos", "pathlib PosixPath.write_text", "zoneinfo ZoneInfo._unpickle",
		"numpy clip", "torch nn.Linear.forward", "os\tsystem x", "N\tos system", "builtins getattr", "collections OrderedDict.keys"} {
		f.Add(s)
	}
	k := &knowledge{text: knowledgeText}
	f.Fuzz(func(t *testing.T, s string) {
		mod, name, _ := strings.Cut(s, " ")
		g := gl(mod, name)
		tg, ok := k.resolve(g)
		if !ok {
			return
		}
		if strings.ContainsAny(s, "\t\n") {
			t.Fatalf("%q resolved", s)
		}
		for _, use := range []int{useCall, useInstance} {
			c := k.capability(tg, use)
			if c.chain != "" && !c.known {
				t.Fatalf("%q: chain %q without knowledge", s, c.chain)
			}
		}
		k.anyMethodSink(tg.node)
	})
}
