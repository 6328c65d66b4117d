package pickle

import (
	"strconv"
	"strings"
)

// argShaped are the callables whose arguments decide what a call runs:
// the copyreg instantiators (the class built, the base whose __init__ is
// called), builtins.type (one argument returns a type, three create a
// class), and callables that call an argument (torch's
// _rebuild_from_type, numpy.random's pickle constructors, learning-rate
// schedulers that call lr_lambda or scale_fn on construction). Their
// calls are listed up to MaxListedCalls like listedAlways; past that, a
// call is still listed when its argument facts (count, and kind and
// global of each ArgFact, not the strings) differ from those of every
// call listed before in its group, and counted in CallGroup.Unexamined
// when the shapes kept (maxShapes) are used up. A policy that judges the
// listed calls has then judged every shape.
var argShaped = map[Global]bool{
	{"copyreg", "_reconstructor"}: true, {"copyreg", "__newobj__"}: true,
	{"copyreg", "__newobj_ex__"}: true, {"builtins", "type"}: true,
	{"torch._tensor", "_rebuild_from_type"}: true, {"torch._tensor", "_rebuild_from_type_v2"}: true,
	{"numpy.random._pickle", "__generator_ctor"}: true, {"numpy.random._pickle", "__randomstate_ctor"}: true,
	{"numpy.random._pickle", "__bit_generator_ctor"}: true,
	{"torch.optim.lr_scheduler", "LambdaLR"}:         true, {"torch.optim.lr_scheduler", "MultiplicativeLR"}: true,
	{"torch.optim.lr_scheduler", "CyclicLR"}: true,
}

// ArgShaped reports whether the reader lists every argument shape of
// g's calls (argShaped). A policy that judges a callable by its arguments
// needs it listed here: scan's tests hold the two lists equal.
func ArgShaped(g Global) bool { return argShaped[g] }

// ArgShapedCallables returns the argShaped callables.
func ArgShapedCallables() []Global {
	out := make([]Global, 0, len(argShaped))
	for g := range argShaped {
		out = append(out, g)
	}
	return out
}

// maxShapes bounds the argument shapes kept per stream.
const maxShapes = 1 << 14

// shapeKey is one argument shape of one call group.
type shapeKey struct {
	group int
	sig   string
}

// signature renders what a policy reads from c's arguments: their count
// and, for each ArgFact, its kind and global.
func signature(c *Call) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(c.NArgs))
	for _, f := range c.ArgFacts {
		b.WriteByte('|')
		b.WriteByte('0' + byte(f.Kind))
		if f.Kind == ArgGlobal || f.Kind == ArgInstance {
			b.WriteString(f.Global.Module)
			b.WriteByte(0)
			b.WriteString(f.Global.Name)
		}
	}
	return b.String()
}

// shaped handles a call of an argShaped callable: c is its record, listed
// says whether newCall listed it, args are its arguments. It returns
// whether c is to be recorded (listed, with argument facts filled).
func (s *scanner) shaped(c *Call, listed bool, args value) bool {
	k := s.group
	s.argFacts(c, args)
	key := shapeKey{k, signature(c)}
	if s.shapes[key] {
		return listed // a repeat: nothing new to judge
	}
	grp := &s.res.CallGroups[k]
	if len(s.shapes) >= maxShapes {
		if !listed {
			grp.Unexamined++
		}
		return listed
	}
	if !listed {
		if !s.fact() {
			grp.Unexamined++
			return false
		}
		grp.Listed++
	}
	if s.shapes == nil {
		s.shapes = make(map[shapeKey]bool)
	}
	s.charge(internedBytes + int64(len(key.sig)))
	s.shapes[key] = true
	return true
}
