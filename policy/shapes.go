package policy

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// Shapes of allowlisted callables. A few allowlisted callables call, or
// instantiate, what they are given; being allowlisted says nothing of
// their arguments, so those are judged here:
//
//   - An argument an allowlisted callable calls is judged as called by the
//     pickle itself: an imported global there is a call of that global
//     (unknown => MG002 high), and anything else (the result of a call, an
//     instance, a literal) is a call of an object computed at load time,
//     high. argCallers lists them, from their source; the reader lists
//     every argument shape of their calls (pickle.CallGroup.Unexamined
//     counts what it could not, reported as inconclusive).
//   - The class a copyreg instantiator builds, and the base whose __init__
//     copyreg._reconstructor calls, must be imported globals: pickle never
//     writes anything else there, and a computed one hides what runs.
//   - builtins.type is allowlisted for type(None) and the like, which
//     pickle writes for the types of singletons. With any other number of
//     arguments it creates a class, which runs the metaclass and
//     __init_subclass__ of the bases and __set_name__ of the attributes, as
//     types.new_class does (denylisted): critical.

// argCall is the positional argument an allowlisted callable calls.
type argCall struct {
	arg int
	// strOK is set when a str there is looked up by name, not called.
	strOK bool
	// with is the positional argument that is the one argument of the
	// call, or -1 when the call gets other arguments (an unpacked tuple,
	// a number).
	with int
}

// argCallers are the allowlisted callables that call an argument, keyed by
// module.name.
var argCallers = map[string]argCall{
	// torch/_tensor.py: func(*args).
	"torch._tensor._rebuild_from_type":    {arg: 0, with: -1},
	"torch._tensor._rebuild_from_type_v2": {arg: 0, with: -1},
	// numpy/random/_pickle.py: bit_generator_ctor(bit_generator_name);
	// numpy 2 also calls a class given as the bit generator.
	"numpy.random._pickle.__generator_ctor":     {arg: 1, with: 0},
	"numpy.random._pickle.__randomstate_ctor":   {arg: 1, with: 0},
	"numpy.random._pickle.__bit_generator_ctor": {arg: 0, strOK: true, with: -1},
	// torch/optim/lr_scheduler.py: the constructor takes its first step,
	// which calls lr_lambda(0) and scale_fn(x); MultiplicativeLR calls
	// lr_lambda when given a last_epoch (param groups may carry
	// initial_lr).
	"torch.optim.lr_scheduler.LambdaLR":         {arg: 1, with: -1},
	"torch.optim.lr_scheduler.MultiplicativeLR": {arg: 1, with: -1},
	"torch.optim.lr_scheduler.CyclicLR":         {arg: 7, with: -1},
}

var typeGlobal = pickle.Global{Module: "builtins", Name: "type"}

// shape judges what a call of an allowlisted or instantiating callable
// does with its arguments (REDUCE, INST, OBJ; NEWOBJ and NEWOBJ_EX for
// class creation).
func (p *Judge) shape(out *findingSet, u *uses, c pickle.Call) {
	g := normalize(c.Callee)
	name := g.String()
	if g == typeGlobal && c.NArgs != 1 {
		p.classCreation(out, c, "builtins.type with other than one argument")
		return
	}
	if c.Op == "NEWOBJ" || c.Op == "NEWOBJ_EX" {
		return
	}
	if isInstantiator(name) {
		cls, ok := argGlobal(c, 0)
		switch {
		case !ok:
			p.computedArg(out, c, 0, "the class it instantiates")
		case normalize(cls) == typeGlobal:
			p.classCreation(out, c, name+" of builtins.type")
		default:
			y := u.get(cls)
			y.inst = append(y.inst, c)
		}
		if name != "copyreg._reconstructor" {
			return
		}
		// copyreg._reconstructor calls base.__init__(obj, state).
		base, ok := argGlobal(c, 1)
		switch {
		case !ok:
			p.computedArg(out, c, 1, "the base whose __new__ and __init__ it calls")
		case normalize(base) != objectGlobal:
			y := u.get(base)
			y.calls = append(y.calls, c)
		}
		return
	}
	a, ok := argCallers[name]
	if !ok || (c.NArgs >= 0 && a.arg >= c.NArgs) {
		return // not a caller, or the default argument
	}
	if f, ok := argGlobal(c, a.arg); ok {
		y := u.get(f)
		y.calls = append(y.calls, c)
		p.innerShape(out, u, c, normalize(f), a)
		return
	}
	if a.strOK && a.arg < len(c.ArgFacts) && c.ArgFacts[a.arg].Kind == pickle.ArgStr {
		return
	}
	p.computedArg(out, c, a.arg, "which it calls")
}

// instantiators are the copyreg callables that build an instance of the
// class they are given (copy_reg is Python 2's name, mapped by
// _compat_pickle).
var instantiators = []pickle.Global{
	{Module: "copyreg", Name: "_reconstructor"}, {Module: "copyreg", Name: "__newobj__"},
	{Module: "copyreg", Name: "__newobj_ex__"}, {Module: "copy_reg", Name: "_reconstructor"},
	{Module: "copy_reg", Name: "__newobj__"},
}

// newListed returns the callables whose every call the reader must list
// for this policy (pickle.Listed): the instantiators and getattr with their
// argument facts, and every callable isShaped judges by its arguments with
// their argument shapes.
func newListed() *pickle.Listed {
	l := &pickle.Listed{Facted: map[pickle.Global]bool{getattrGlobal: true, {Module: "__builtin__", Name: "getattr"}: true},
		Shaped: map[pickle.Global]bool{typeGlobal: true}}
	for _, g := range instantiators {
		l.Facted[g] = true
		if g.Module == "copyreg" {
			l.Shaped[g] = true
		}
	}
	for name := range argCallers {
		i := strings.LastIndexByte(name, '.')
		l.Shaped[pickle.Global{Module: name[:i], Name: name[i+1:]}] = true
	}
	return l
}

// PickleOptions returns o with the callables this policy judges call by
// call (pickle.Options.Listed): the reader must be given them, or calls
// past MaxCallSummaries go unexamined.
func (p *Judge) PickleOptions(o pickle.Options) pickle.Options {
	o.Listed = p.listed
	return o
}

// isShaped reports a callable whose arguments decide what it runs.
func isShaped(g pickle.Global) bool {
	_, caller := argCallers[g.String()]
	return caller || g == typeGlobal || isInstantiator(g.String())
}

// innerShape judges the call that an allowlisted callable c makes of the
// global f (argument a.arg) when f is itself judged by its arguments:
// _rebuild_from_type(builtins.type, Tensor, (name, bases, ns), d) creates
// a class. With the one argument known (a.with), f's own rule applies to
// it; otherwise the arguments cannot be seen.
func (p *Judge) innerShape(out *findingSet, u *uses, c pickle.Call, f pickle.Global, a argCall) {
	if !isShaped(f) {
		return
	}
	in, ok := argCallers[f.String()]
	if !ok || a.with < 0 || in.arg != 0 || (c.NArgs >= 0 && a.with >= c.NArgs) {
		p.computedArg(out, c, a.arg, "which it calls with arguments that decide what runs, out of sight")
		return
	}
	if g, ok := argGlobal(c, a.with); ok {
		y := u.get(g)
		y.calls = append(y.calls, c)
		return
	}
	if in.strOK && a.with < len(c.ArgFacts) && c.ArgFacts[a.with].Kind == pickle.ArgStr {
		return
	}
	p.computedArg(out, c, a.with, "which "+f.String()+" calls")
}

// computedArg reports an argument that an allowlisted callable calls or
// instantiates and that is not an imported global: what runs cannot be
// judged.
func (p *Judge) computedArg(out *findingSet, c pickle.Call, i int, what string) {
	ev := evidence(c)
	out.add(finding.Finding{Rule: finding.RuleUnknownCall, Severity: finding.High, Offset: c.Offset, Callable: globalName(c.Callee), Evidence: ev,
		Message: fmt.Sprintf("%s at offset %d: argument %d, %s, is not an imported global but an object computed at load time; what runs cannot be judged%s",
			ev, c.Offset, i+1, what, note(c.Op, Verdict{}))})
}

// classCreation reports a class created at load time.
func (p *Judge) classCreation(out *findingSet, c pickle.Call, how string) {
	ev := evidence(c)
	out.add(finding.Finding{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Offset: c.Offset, Callable: globalName(c.Callee), Evidence: ev,
		Message: fmt.Sprintf("%s at offset %d creates a class at load time (%s): that runs the metaclass and __init_subclass__ of its bases and __set_name__ of its attributes, as types.new_class does%s",
			ev, c.Offset, how, note(c.Op, Verdict{}))})
}

// scipyTemplate is scipy.stats' parse_arg_template
// (scipy/stats/_distn_infrastructure.py): the only source a distribution's
// state carries for rv_generic.__setstate__ to exec.
const scipyTemplate = `
def _parse_args(self, %[1]s %[2]s):
    return (%[1]s), %[3]s

def _parse_args_rvs(self, %[1]s %[2]s, size=None):
    return self._argcheck_rvs(%[1]s %[3]s, size=size)

def _parse_args_stats(self, %[1]s %[2]s, moments='mv'):
    return (%[1]s), %[3]s, moments
`

// scipyShapes matches the first line of scipyTemplate and captures the
// shape arguments ("a, b, " or "") and the location and scale parameters.
var scipyShapes = regexp.MustCompile(`^\ndef _parse_args\(self, ((?:[A-Za-z_][A-Za-z0-9_]*, )*) (loc=0, scale=1|loc=0)\):\n`)

// isScipyTemplate reports source that scipy itself generates: the
// template filled with identifiers, for continuous or discrete
// distributions.
func isScipyTemplate(src string) bool {
	m := scipyShapes.FindStringSubmatch(src)
	if m == nil {
		return false
	}
	out := "loc, scale"
	if m[2] == "loc=0" {
		out = "loc, 1"
	}
	return src == fmt.Sprintf(scipyTemplate, m[1], m[2], out)
}

// source judges Python source that a BUILD hands to exec.
func (p *Judge) source(out *findingSet, s pickle.Source) {
	name := globalName(s.Callee)
	if s.Whole && isScipyTemplate(s.Text) {
		return
	}
	if !s.Whole && s.Text == "" {
		out.add(finding.Finding{Rule: finding.RuleInconclusive, Severity: finding.High, Offset: s.Offset, Callable: name, Evidence: name + ".__setstate__(...)",
			Message: fmt.Sprintf("BUILD at offset %d gives %s a state the reader cannot see whole; scipy.stats distributions exec the _parse_arg_template entry of their state", s.Offset, name)})
		return
	}
	ev := printable(s.Text, maxEvidence)
	out.add(finding.Finding{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Offset: s.Offset, Callable: name, Evidence: ev,
		Message: fmt.Sprintf("BUILD at offset %d gives %s a _parse_arg_template that is not the one scipy generates; rv_generic.__setstate__ runs it with exec: %s", s.Offset, name, ev)})
}
