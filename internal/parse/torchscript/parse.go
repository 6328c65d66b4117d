package torchscript

import (
	"fmt"
	"strings"
)

// Options bounds the reading of one code file.
type Options struct {
	// MaxBytes is the largest code file read (default 16 MiB); a bigger
	// one is an error, which the caller reports as inconclusive.
	MaxBytes int64
	// MaxTokens bounds the tokens of one file (default 4 Mi).
	MaxTokens int
}

// DefaultOptions returns the default bounds.
func DefaultOptions() Options { return Options{MaxBytes: 16 << 20, MaxTokens: 4 << 20} }

// Call is one call in the code: the dotted name called as written, with
// grouping parentheses removed ("torch.from_file", "ops.prim.Print",
// "self.helper"), a call on a result starting with "?" ("?.copy_"), and
// getattr(x, "name") read as x.name.
type Call struct {
	Callee string
	Offset int
	// Args holds the string constants among the call's arguments
	// (a library path given to load_library).
	Args []string
}

// Function is one function or method and the calls of its body.
type Function struct {
	// Name is qualified by its classes: "Scaler.__setstate__", "dropout".
	Name   string
	Class  string
	Offset int
	Calls  []Call
}

// File is the facts of one code file.
type File struct {
	// alias maps, per function (-1 the module), a local name to the
	// dotted name it was assigned: "_0 = torch.from_file".
	alias     map[int]map[string]string
	Functions []Function
	// Module holds the calls outside any function.
	Module []Call
	// Imports are the modules named by import statements.
	Imports []string
}

// scope is an open class or def and the indentation of its header.
type scope struct {
	indent int
	class  bool
	name   string
	fn     int // index in File.Functions, or -1
}

// Parse reads TorchScript code: the Python subset torch.jit.save writes
// under code/ (classes, defs, assignments, if/while/for, calls). Blocks
// come from indentation; calls are found by their dotted names.
func Parse(src []byte, opt Options) (*File, error) {
	if int64(len(src)) > opt.MaxBytes {
		return nil, fmt.Errorf("code of %d bytes is over the limit of %d", len(src), opt.MaxBytes)
	}
	lns, err := lines(string(src), opt.MaxTokens)
	f := &File{}
	var stack []scope
	for _, ln := range lns {
		for len(stack) > 0 && stack[len(stack)-1].indent >= ln.indent {
			stack = stack[:len(stack)-1]
		}
		fn := -1
		if len(stack) > 0 {
			fn = stack[len(stack)-1].fn
		}
		head := ln.toks[0].text
		if ln.toks[0].kind == tName && (head == "class" || head == "def") && len(ln.toks) > 1 {
			s := scope{indent: ln.indent, class: head == "class", name: ln.toks[1].text, fn: -1}
			if !s.class {
				fn = len(f.Functions)
				s.fn = fn
				f.Functions = append(f.Functions, Function{Name: qualified(stack, s.name), Class: enclosingClass(stack), Offset: ln.toks[0].off})
			}
			stack = append(stack, s)
		}
		if ln.toks[0].kind == tName && (head == "import" || head == "from") && len(ln.toks) > 1 {
			f.Imports = append(f.Imports, dotted(ln.toks[1:]))
		}
		calls := callsOf(ln.toks)
		if head == "def" || head == "class" {
			calls = dropHeader(calls, ln.toks)
		}
		aliases := f.aliases(fn)
		if name, target, ok := alias(ln.toks); ok {
			aliases[name] = resolve(aliases, target)
		}
		for i := range calls {
			calls[i].Callee = resolve(aliases, calls[i].Callee)
		}
		if fn >= 0 {
			f.Functions[fn].Calls = append(f.Functions[fn].Calls, calls...)
		} else {
			f.Module = append(f.Module, calls...)
		}
	}
	return f, err
}

func (f *File) aliases(fn int) map[string]string {
	if f.alias == nil {
		f.alias = map[int]map[string]string{}
	}
	if f.alias[fn] == nil {
		f.alias[fn] = map[string]string{}
		for k, v := range f.alias[-1] {
			f.alias[fn][k] = v
		}
	}
	return f.alias[fn]
}

// dropHeader removes the def or class name of a header line, which is
// not a call.
func dropHeader(calls []Call, toks []token) []Call {
	out := calls[:0]
	for _, c := range calls {
		if len(toks) < 2 || c.Offset != toks[1].off {
			out = append(out, c)
		}
	}
	return out
}

// alias recognises "name = a.b.c": a local bound to a dotted name.
func alias(toks []token) (string, string, bool) {
	if len(toks) < 3 || toks[0].kind != tName || toks[1].text != "=" || toks[2].kind != tName {
		return "", "", false
	}
	d := dotted(toks[2:])
	n := 2
	for _, t := range toks[2:] {
		if t.kind != tName && t.text != "." {
			break
		}
		n++
	}
	if n != len(toks) || keywords[toks[2].text] {
		return "", "", false
	}
	return toks[0].text, d, true
}

// resolve replaces the first part of a dotted name by what it aliases.
func resolve(aliases map[string]string, callee string) string {
	head, rest, dot := strings.Cut(callee, ".")
	if target, ok := aliases[head]; ok && target != callee {
		if dot {
			return target + "." + rest
		}
		return target
	}
	return callee
}

func qualified(stack []scope, name string) string {
	var parts []string
	for _, s := range stack {
		parts = append(parts, s.name)
	}
	return strings.Join(append(parts, name), ".")
}

func enclosingClass(stack []scope) string {
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i].class {
			return qualified(stack[:i], stack[i].name)
		}
	}
	return ""
}

// dotted joins the leading name.name... tokens.
func dotted(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		if t.kind != tName && t.text != "." {
			break
		}
		b.WriteString(t.text)
	}
	return b.String()
}
