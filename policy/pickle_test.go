package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

func imp(off int64, module, name string) pickle.Import {
	return pickle.Import{Global: gl(module, name), Offset: off, Op: "STACK_GLOBAL"}
}

func call(op string, off int64, module, name, args string) pickle.Call {
	return pickle.Call{Op: op, Offset: off, Callee: gl(module, name), Known: true, Args: args, NArgs: -1}
}

// withArgs gives c the structured facts of its positional arguments.
func withArgs(c pickle.Call, args ...pickle.ArgFact) pickle.Call {
	c.NArgs, c.ArgFacts = len(args), args
	return c
}

func argG(module, name string) pickle.ArgFact {
	return pickle.ArgFact{Kind: pickle.ArgGlobal, Global: gl(module, name)}
}

func TestPickle(t *testing.T) {
	many := func(n int, f func(i int) ([]pickle.Import, []pickle.Call)) *pickle.Result {
		r := &pickle.Result{}
		for i := 0; i < n; i++ {
			im, c := f(i)
			r.Imports = append(r.Imports, im...)
			r.Calls = append(r.Calls, c...)
		}
		return r
	}
	osSystem := &pickle.Result{
		Imports: []pickle.Import{imp(2, "os", "system")},
		Calls:   []pickle.Call{call("REDUCE", 30, "os", "system", "('touch /tmp/x',)")},
	}
	tests := []struct {
		name     string
		cfg      Config
		res      *pickle.Result
		want     string   // summary of the findings
		contains []string // substrings of the first finding's message
		evidence string   // the first finding's evidence, when set
	}{
		{name: "nil", res: nil, want: ""},
		{name: "os_system_called", res: osSystem, want: "MG001/critical@30",
			contains: []string{"os.system('touch /tmp/x',) at offset 30: runs shell commands", "(REDUCE; matched os *)"}, evidence: "os.system('touch /tmp/x',)"},
		{name: "dangerous_only_imported", res: &pickle.Result{Imports: []pickle.Import{imp(5, "builtins", "getattr"), imp(9, "builtins", "getattr")}},
			want: "MG001/critical@5", contains: []string{"builtins.getattr imported at offset 5", "2 imports"}},
		{name: "dotted_stack_global", res: &pickle.Result{Imports: []pickle.Import{imp(4, "pathlib", "os.system")},
			Calls: []pickle.Call{call("REDUCE", 40, "pathlib", "os.system", "('id',)")}},
			want: "MG001/critical@40", contains: []string{"judged as os.system"}},
		{name: "inst_op", res: &pickle.Result{Imports: []pickle.Import{{Global: gl("subprocess", "Popen"), Offset: 0, Op: "INST"}},
			Calls: []pickle.Call{call("INST", 0, "subprocess", "Popen", "('id',)")}}, want: "MG001/critical@0"},
		{name: "safe_flood", res: many(10000, func(i int) ([]pickle.Import, []pickle.Call) {
			return []pickle.Import{imp(int64(i*10), "torch._utils", "_rebuild_tensor_v2")},
				[]pickle.Call{call("REDUCE", int64(i*10+5), "torch._utils", "_rebuild_tensor_v2", "(...)")}
		}), want: ""},
		{name: "dangerous_flood_capped", res: many(100, func(i int) ([]pickle.Import, []pickle.Call) {
			return nil, []pickle.Call{call("REDUCE", int64(i), "os", "system", "('id',)")}
		}), want: strings.TrimSpace(strings.Repeat("MG001/critical@X ", 20))},
		{name: "unknown_call", res: &pickle.Result{Imports: []pickle.Import{imp(3, "mypkg.util", "run")},
			Calls: []pickle.Call{call("REDUCE", 20, "mypkg.util", "run", "('x',)"), call("REDUCE", 25, "mypkg.util", "run", "('y',)")}},
			want: "MG002/high@20", contains: []string{"mypkg.util.run('x',)", "2 calls"}},
		{name: "unknown_class_built_500_times", res: many(500, func(i int) ([]pickle.Import, []pickle.Call) {
			off := int64(100 + i*50)
			return []pickle.Import{imp(10, "mypkg.models", "Net")},
				[]pickle.Call{call("NEWOBJ", off, "mypkg.models", "Net", "()"), call("BUILD", off+10, "mypkg.models", "Net", "({...},)")}
		}), want: "MG003/medium@100", contains: []string{"mypkg.models.Net", "1000 uses", "weights_only=True"}},
		{name: "unknown_import", res: &pickle.Result{Imports: []pickle.Import{imp(7, "mypkg", "CONST")}},
			want: "MG004/high@7", contains: []string{"mypkg.CONST imported at offset 7", "may call it"}},
		{name: "derived_call", res: &pickle.Result{Calls: []pickle.Call{{Op: "REDUCE", Offset: 60, Desc: "result of mypkg.f()", Args: "('x',)"}}},
			want: "MG002/high@60", contains: []string{"result of mypkg.f()"}},
		{name: "derived_from_dangerous", res: &pickle.Result{
			Imports: []pickle.Import{imp(1, "builtins", "getattr")},
			Calls: []pickle.Call{call("REDUCE", 20, "builtins", "getattr", "(<os>, 'system')"),
				{Op: "REDUCE", Offset: 30, Callee: gl("builtins", "getattr"), Desc: "getattr(<os>, 'system')", Args: "('id',)"}}},
			want: "MG001/critical@20 MG001/critical@30", evidence: "builtins.getattr(<os>, 'system')"},
		{name: "attribute_poison", res: &pickle.Result{Imports: []pickle.Import{imp(2, "numpy", "prod")},
			Calls: []pickle.Call{{Op: "BUILD", Offset: 12, Callee: gl("numpy", "prod"), Known: true, OnGlobal: true, Args: "({'a': 'os'},)"}}},
			want: "MG013/high@12"},
		{name: "attribute_poison_dangerous", res: &pickle.Result{
			Calls: []pickle.Call{{Op: "BUILD", Offset: 12, Callee: gl("os", "system"), Known: true, OnGlobal: true, Args: "({'x': 1},)"}}},
			want: "MG013/critical@12"},
		{name: "ext_code", res: &pickle.Result{Imports: []pickle.Import{{Op: "EXT2", Offset: 8, ExtCode: 513}}},
			want: "MG012/high@8", contains: []string{"EXT2", "513"}},
		{name: "malformed_alone", res: &pickle.Result{Err: &pickle.Error{Offset: 9, Op: "BINGET", Msg: "memo key 3 missing"}},
			want: "MG005/high@9", contains: []string{"offset 9", "BINGET", "memo key 3 missing", "not analysed"}},
		{name: "malformed_truncated", res: &pickle.Result{Err: &pickle.Error{Offset: 9, Msg: "pickle data was truncated"}},
			want: "MG005/medium@9", contains: []string{"the stream ends"}},
		{name: "malformed_raised_by_payload_before", res: &pickle.Result{
			Imports: osSystem.Imports, Calls: osSystem.Calls, Err: &pickle.Error{Offset: 41, Msg: "unexpected end"}},
			want: "MG001/critical@30 MG005/critical@41"},
		{name: "malformed_not_raised_by_later", res: &pickle.Result{
			Imports: osSystem.Imports, Calls: osSystem.Calls, Err: &pickle.Error{Offset: 10, Msg: "bad opcode"}},
			want: "MG005/medium@10 MG001/critical@30"},
		{name: "limit_and_trailing", res: &pickle.Result{Limit: &pickle.Limit{Offset: 100, Name: "MaxOpcodes", Msg: "too many"},
			Trailing: &pickle.Trailing{Offset: 200, Size: 16}},
			want: "MG006/high@100 MG010/low@200"},
		{name: "reconstructor_on_object", res: &pickle.Result{
			Imports: []pickle.Import{imp(2, "copyreg", "_reconstructor"), imp(20, "mypkg", "Net"), imp(30, "builtins", "object")},
			Calls:   []pickle.Call{withArgs(call("REDUCE", 40, "copyreg", "_reconstructor", "(mypkg.Net, builtins.object, finding.None)"), argG("mypkg", "Net"), argG("builtins", "object"), pickle.ArgFact{})}},
			want: "MG003/medium@40"},
		{name: "reconstructor_calls_base_init", res: &pickle.Result{
			Imports: []pickle.Import{imp(2, "copyreg", "_reconstructor"), imp(20, "mypkg", "Net"), imp(30, "subprocess", "Popen")},
			Calls:   []pickle.Call{withArgs(call("REDUCE", 40, "copyreg", "_reconstructor", "(mypkg.Net, subprocess.Popen, 'id')"), argG("mypkg", "Net"), argG("subprocess", "Popen"), pickle.ArgFact{Kind: pickle.ArgStr, Str: "id"})}},
			want: "MG001/critical@40 MG003/medium@40"},
		{name: "forced_allow", cfg: Config{Allow: []Entry{{Global: "os.system", Force: true}}}, res: osSystem, want: ""},
		{name: "config_deny", cfg: Config{Deny: []Entry{{Global: "mypkg.deploy", Reason: "pushes to production"}}},
			res:  &pickle.Result{Calls: []pickle.Call{call("REDUCE", 5, "mypkg", "deploy", "()")}},
			want: "MG001/critical@5", contains: []string{"pushes to production"}},
		{name: "config_allow", cfg: Config{Allow: []Entry{{Global: "mypkg.models.*"}}},
			res: &pickle.Result{Calls: []pickle.Call{call("NEWOBJ", 5, "mypkg.models", "Net", "()")}}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := p.Pickle(tt.res)
			s := summary(got)
			if strings.Contains(tt.want, "@X") {
				s = strings.Join(strings.Fields(replaceOffsets(s)), " ")
			}
			if s != tt.want {
				t.Fatalf("findings %q, want %q\n%s", s, tt.want, messages(got))
			}
			for _, f := range got {
				if f.Length < 1 || f.Message == "" || f.Member != "" {
					t.Errorf("finding %+v: want Length >= 1, a message, no member", f)
				}
			}
			if len(got) > 0 {
				for _, c := range tt.contains {
					if !strings.Contains(got[0].Message, c) {
						t.Errorf("message %q does not contain %q", got[0].Message, c)
					}
				}
				if tt.evidence != "" && got[0].Evidence != tt.evidence {
					t.Errorf("evidence %q, want %q", got[0].Evidence, tt.evidence)
				}
			}
		})
	}
}

func TestPickleNested(t *testing.T) {
	inner := &pickle.Result{
		Imports: []pickle.Import{imp(2, "os", "system")},
		Calls:   []pickle.Call{call("REDUCE", 14, "os", "system", "('id',)")},
	}
	middle := &pickle.Result{
		Imports: []pickle.Import{imp(2, "torch", "load")},
		Calls:   []pickle.Call{call("REDUCE", 80, "torch", "load", "(<BytesIO>,)")},
		Nested:  []pickle.Nested{{Offset: 80, Loader: gl("torch", "load"), Result: inner}},
	}
	outer := &pickle.Result{
		Imports: []pickle.Import{imp(2, "pickle", "loads")},
		Calls:   []pickle.Call{call("REDUCE", 300, "pickle", "loads", "(b'...',)")},
		Nested:  []pickle.Nested{{Offset: 300, Loader: gl("pickle", "loads"), Result: middle}},
		Err:     &pickle.Error{Offset: 310, Msg: "truncated"},
	}
	got := Default().Pickle(outer)
	want := "MG001/critical@300 MG001/critical@300 MG001/critical@300 MG009/high@300 MG009/high@300 MG005/critical@310"
	if s := summary(got); s != want {
		t.Fatalf("findings %q, want %q\n%s", s, want, messages(got))
	}
	var sawInner bool
	for _, f := range got {
		if f.Callable == "os.system" {
			sawInner = true
			if !strings.HasPrefix(f.Message, "in a pickle loaded by pickle.loads at offset 300: in a pickle loaded by torch.load at offset 80: ") {
				t.Errorf("inner message %q lacks the nesting prefixes", f.Message)
			}
		}
	}
	if !sawInner {
		t.Error("the innermost os.system call was not reported")
	}
}

func TestPickleNestedDepthBounded(t *testing.T) {
	r := &pickle.Result{}
	for i := 0; i < 100; i++ {
		r = &pickle.Result{Nested: []pickle.Nested{{Offset: 1, Loader: gl("pickle", "loads"), Result: r}}}
	}
	got := Default().Pickle(r)
	var inconclusive bool
	for _, f := range got {
		inconclusive = inconclusive || f.Rule == finding.RuleInconclusive
	}
	if !inconclusive {
		t.Errorf("nesting 100 deep: no inconclusive finding in %s", summary(got))
	}
}

func replaceOffsets(s string) string {
	f := strings.Fields(s)
	for i, x := range f {
		if j := strings.IndexByte(x, '@'); j >= 0 {
			f[i] = x[:j] + "@X"
		}
	}
	return strings.Join(f, " ")
}

func messages(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s @%d %s: %s [%s]\n", f.Rule, f.Severity, f.Offset, f.Callable, f.Message, f.Evidence)
	}
	return b.String()
}

func TestClassifyLongDottedName(t *testing.T) {
	name := strings.Repeat("a.", 5000) + "b"
	v := Default().Classify(gl("mod", name))
	if v.Class != ClassDangerous || !strings.Contains(v.Reason, "too long") {
		t.Errorf("long dotted name: %s (%s), want dangerous, too long to judge", v.Class, v.Reason)
	}
	deep := strings.Repeat("x.", 20) + "os.system"
	if v := Default().Classify(gl("mod", deep)); v.Class != ClassDangerous {
		t.Errorf("os.system 20 components deep: %s, want dangerous", v.Class)
	}
}

func TestPickleDerivedFlood(t *testing.T) {
	r := &pickle.Result{}
	for i := 0; i < 5000; i++ {
		r.Calls = append(r.Calls, pickle.Call{Op: "REDUCE", Offset: int64(i), Desc: "result of a call", Args: "()"})
		r.Imports = append(r.Imports, pickle.Import{Op: "EXT1", Offset: int64(i), ExtCode: 1})
	}
	got := Default().Pickle(r)
	if len(got) != 2*maxPerCallable {
		t.Fatalf("%d findings, want %d", len(got), 2*maxPerCallable)
	}
	var counted int
	for _, f := range got {
		if strings.Contains(f.Message, "4980 more like it") {
			counted++
		}
	}
	if counted != 2 {
		t.Errorf("%d findings count the ones left out, want 2:\n%s", counted, messages(got))
	}
}

func BenchmarkPickle(b *testing.B) {
	p := Default()
	r := &pickle.Result{}
	for i := 0; i < 10000; i++ {
		r.Imports = append(r.Imports, imp(int64(i*20), "torch._utils", "_rebuild_tensor_v2"))
		r.Calls = append(r.Calls, call("REDUCE", int64(i*20+10), "torch._utils", "_rebuild_tensor_v2", "(...)"))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Pickle(r)
	}
}

func BenchmarkDefaultPolicy(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Default()
	}
}

// TestPickleUnlistedCalls: calls the reader counts without listing them
// (beyond Options.MaxCallSummaries per group) still count, and are never
// excused.
func TestPickleUnlistedCalls(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"dangerous", "cos\nsystem\n" + strings.Repeat("2\x8c\x02id\x85R0", 100) + ".", // GLOBAL (DUP SHORT_BINUNICODE TUPLE1 REDUCE POP)*100 STOP
			"(and 80 more like it, not listed)"},
		{"unknown", "cmypkg\nf\n" + strings.Repeat("2)R0", 100) + ".", // GLOBAL (DUP EMPTY_TUPLE REDUCE POP)*100 STOP
			"100 calls in all"},
		// 20 findings of the 100 derived calls and one of mypkg.f itself
		// are kept (rule MG002, callable mypkg.f), 81 are counted.
		{"derived", "cmypkg\nf\n)R" + strings.Repeat("2)R0", 100) + ".", // GLOBAL EMPTY_TUPLE REDUCE (DUP EMPTY_TUPLE REDUCE POP)*100 STOP
			"(and 81 more like it, not listed)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := pickle.Read(strings.NewReader(tt.data), Default().PickleOptions(pickle.DefaultOptions()))
			if len(res.Calls) >= 100 {
				t.Fatalf("%d calls listed: the test needs unlisted ones", len(res.Calls))
			}
			found := false
			for _, f := range Default().Pickle(res) {
				found = found || strings.Contains(f.Message, tt.want)
			}
			if !found {
				t.Errorf("no finding says %q%s", tt.want, dumpFindings(Default().Pickle(res), res))
			}
		})
	}
}
