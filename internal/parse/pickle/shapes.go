package pickle

import (
	"strconv"
	"strings"
)

// Listed names callables whose calls the reader lists beyond
// MaxCallSummaries, up to MaxListedCalls, because a policy judges each
// call by its arguments. The reader knows nothing about what is unsafe:
// the lists are the caller's (policy.Judge.PickleOptions).
type Listed struct {
	// Facted are callables whose calls are listed with the facts of their
	// arguments (the globals, instances and strings passed): the
	// instantiators and getattr.
	Facted map[Global]bool
	// Shaped are callables whose arguments decide what a call runs (the
	// copyreg instantiators, builtins.type, callables that call an
	// argument). Their calls are listed like Facted ones; past
	// MaxListedCalls, a call is still listed when its argument facts
	// (count, and kind and global of each ArgFact, not the strings)
	// differ from those of every call listed before in its group, and
	// counted in CallGroup.Unexamined when the shapes kept (maxShapes)
	// are used up. A policy that judges the listed calls has then judged
	// every shape.
	Shaped map[Global]bool
}

func (l *Listed) facted(g Global) bool { return l != nil && l.Facted[g] }

func (l *Listed) shaped(g Global) bool { return l != nil && l.Shaped[g] }

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

// shaped handles a call of a Listed.Shaped callable: c is its record, listed
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
