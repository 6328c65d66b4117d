package policy

import (
	"fmt"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/torchscript"
)

// CodeFinding is a finding about one of the code files given to
// Judge.TorchScript: File is its index.
type CodeFinding struct {
	File    int
	Finding finding.Finding
}

// torchOpsNamespaces are the op namespaces torch itself registers
// (prepacked: the XNNPACK ops of mobile-optimised models); anything else
// under torch.ops is a custom op from a native library.
var torchOpsNamespaces = map[string]bool{"aten": true, "prim": true, "quantized": true, "_quantized": true,
	"quantized_decomposed": true, "profiler": true, "_caffe2": true, "mkldnn": true, "onednn": true,
	"prepacked": true, "sparse": true, "c10d": true, "_c10d_functional": true, "c10d_functional": true}

// torchClassNamespaces are the custom class namespaces torch itself
// registers (the packed parameters of quantized and mobile models).
var torchClassNamespaces = map[string]bool{"quantized": true, "xnnpack": true, "_nnapi": true, "c10d": true,
	"dist_c10d": true, "profiling": true, "cuda": true, "sparse": true, "onednn": true}

// torchFileOps are the ops whose last name reads or writes files or loads
// native code, whatever object they are called on (torch.from_file,
// torch.UntypedStorage.from_file, torch.save, load_library).
var torchFileOps = map[string]string{"from_file": "maps a file (writes it when shared)", "save": "writes a file",
	"load": "reads a file", "load_library": "loads a native library", "_load_for_lite_interpreter": "reads a file",
	"_save_for_lite_interpreter": "writes a file", "_save_parameters": "writes a file", "open": "opens a file"}

// TorchScript judges the calls of the TorchScript code files of one
// archive. An op that touches files or loads native code is MG160; a
// custom op or class (native code the host must have loaded) is MG161.
// torch.jit.load runs no code of the model but __setstate__ (and what it
// calls): there, MG160 is critical and MG161 high; elsewhere they run
// when the model is called and keep their defaults. Calls to the model's
// own methods and functions (self.x, __torch__.*) are followed, not
// judged by name.
func (p *Judge) TorchScript(files []*torchscript.File) []CodeFinding {
	load := loadReachable(files)
	var out []CodeFinding
	for i, f := range files {
		for _, fn := range f.Functions {
			for _, c := range fn.Calls {
				if cf, ok := judgeTorchCall(fn.Name, c, load[fn.Name]); ok {
					out = append(out, CodeFinding{File: i, Finding: cf})
				}
			}
		}
		for _, c := range f.Module {
			if cf, ok := judgeTorchCall("", c, false); ok {
				out = append(out, CodeFinding{File: i, Finding: cf})
			}
		}
		for _, imp := range f.Imports {
			out = append(out, CodeFinding{File: i, Finding: finding.Finding{Rule: finding.RuleTorchScriptCustom, Offset: -1,
				Callable: finding.Plain(imp), Message: fmt.Sprintf("TorchScript code imports %s: torch's serialised code has no imports", finding.Quote(imp, 100))}})
		}
	}
	return out
}

// judgeTorchCall judges one call made in function fn.
func judgeTorchCall(fn string, c torchscript.Call, atLoad bool) (finding.Finding, bool) {
	if strings.HasPrefix(c.Callee, "self.") || strings.HasPrefix(c.Callee, "__torch__.") {
		return finding.Finding{}, false
	}
	parts := strings.Split(c.Callee, ".")
	last := parts[len(parts)-1]
	where := "in " + finding.Quote(fn, 100)
	if fn == "" {
		where = "at module level"
	}
	if atLoad {
		where += ", which torch.jit.load runs while loading the model"
	}
	args := ""
	if len(c.Args) > 0 {
		args = "(" + finding.Quote(strings.Join(c.Args, ", "), 100) + ")"
	}
	f := finding.Finding{Offset: int64(c.Offset), Length: int64(len(c.Callee)), Callable: finding.Plain(c.Callee),
		Evidence: finding.Quote(c.Callee, 100) + args, Key: finding.Plain(fn)}
	if what, ok := torchFileOps[last]; ok {
		f.Rule = finding.RuleTorchScriptOp
		f.Message = fmt.Sprintf("TorchScript code calls %s%s %s: it %s", finding.Quote(c.Callee, 100), args, where, what)
		if atLoad {
			f.Severity = finding.Critical
		}
		return f, true
	}
	if ns, kind := customNamespace(parts); ns != "" {
		f.Rule = finding.RuleTorchScriptCustom
		f.Message = fmt.Sprintf("TorchScript code calls the custom %s %s %s: native code from the library that registers namespace %s",
			kind, finding.Quote(c.Callee, 100), where, finding.Quote(ns, 100))
		if atLoad {
			f.Severity = finding.High
		}
		return f, true
	}
	return finding.Finding{}, false
}

// customNamespace returns the namespace of a custom op (torch.ops.NS.op,
// ops.NS.op) or class (torch.classes.NS.Class), or "".
func customNamespace(parts []string) (string, string) {
	if len(parts) > 0 && parts[0] == "torch" {
		parts = parts[1:]
	}
	if len(parts) < 3 {
		return "", ""
	}
	switch parts[0] {
	case "ops":
		if !torchOpsNamespaces[parts[1]] {
			return parts[1], "op"
		}
	case "classes":
		if !torchClassNamespaces[parts[1]] {
			return parts[1], "class"
		}
	}
	return "", ""
}

// loadReachable returns the functions torch.jit.load runs: every
// __setstate__ and what it calls, followed through self.method (a method
// of that name in any class) and __torch__.path.function calls.
func loadReachable(files []*torchscript.File) map[string]bool {
	byShort := map[string][]string{}
	calls := map[string][]torchscript.Call{}
	var work []string
	for _, f := range files {
		for _, fn := range f.Functions {
			parts := strings.Split(fn.Name, ".")
			short := parts[len(parts)-1]
			byShort[short] = append(byShort[short], fn.Name)
			calls[fn.Name] = append(calls[fn.Name], fn.Calls...)
			if short == "__setstate__" {
				work = append(work, fn.Name)
			}
		}
	}
	seen := map[string]bool{}
	for len(work) > 0 {
		fn := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[fn] {
			continue
		}
		seen[fn] = true
		for _, c := range calls[fn] {
			if !strings.HasPrefix(c.Callee, "self.") && !strings.HasPrefix(c.Callee, "__torch__.") {
				continue
			}
			parts := strings.Split(c.Callee, ".")
			work = append(work, byShort[parts[len(parts)-1]]...)
		}
	}
	return seen
}
