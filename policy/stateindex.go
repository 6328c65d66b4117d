package policy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// State-index gates: C code that picks what it will call later by
// indexing its tables with integers of the state a pickle hands it.
// traits' cTrait.__setstate__ sets a trait's getattr, setattr, validate,
// post_setattr and delegate-name handlers from five items of its state
// tuple with no bounds check; past a table the trait calls whatever
// pointer lies there when it is next used. The knowledge base marks such
// methods ("stateindex" in scripts/knowledge/reviewed.txt, its I lines)
// with the bound of every item used as an index. A class whose only sink
// is one passes when every state BUILD gives its instances is a tuple the
// pickle built whose indexing items are int literals within bounds, and
// the class is handed to nothing but functions that only make an instance
// of it (copyreg.__newobj__: the knowledge base's M lines). Any other
// use fails closed: a state the reader cannot see, a list (written to
// after it is built), a bool or a big int, the class handed to code that
// may set the state itself.

// stateIndex is what the knowledge base says of a state-index gate.
type stateIndex struct {
	key      string // the method, e.g. traits.ctraits.cTrait.__setstate__
	category string // the sink category it stands for
	bounds   []indexBound
}

// indexBound says that item pos of the state indexes a table of n entries.
type indexBound struct {
	pos int
	n   int64
}

// stateIndexOf returns the I line of a method, ok false when it has none
// or it does not parse.
func (k *knowledge) stateIndexOf(key string) (stateIndex, bool) {
	f, ok := k.find("I\t" + key + "\t")
	if !ok || len(f) != 2 {
		return stateIndex{}, false
	}
	si := stateIndex{key: key, category: f[0]}
	for _, b := range strings.Split(f[1], ",") {
		p, n, ok := strings.Cut(b, ":")
		i, err1 := strconv.Atoi(p)
		m, err2 := strconv.ParseInt(n, 10, 64)
		if !ok || err1 != nil || err2 != nil || i < 0 || i >= pickle.RestArgs || m <= 0 {
			return stateIndex{}, false
		}
		si.bounds = append(si.bounds, indexBound{i, m})
	}
	return si, len(si.bounds) > 0
}

// instantiates reports whether the callable g, handed a class as
// argument i, only makes an instance of it and returns it (an M line):
// nothing of the class but __new__ runs in it.
func (k *knowledge) instantiates(g pickle.Global, i int) bool {
	t, ok := k.resolve(normalize(g))
	if !ok || t.kind != kindFunction || t.node == "" {
		return false
	}
	f, ok := k.find("M\t" + t.node + "\t")
	return ok && len(f) == 1 && f[0] != "*" && hasParam(f[0], i)
}

// indexGated decides a class whose only sink is a state-index gate, from
// how the stream uses it: ok when every state it can be given is within
// bounds; why otherwise says what is not.
func (p *Judge) indexGated(x *use, v Verdict, groups []pickle.CallGroup) (ok bool, why string) {
	si := v.index
	if p.kb == nil || si.key == "" {
		return false, ""
	}
	// What makes its instances: the class itself, and the functions it
	// is handed to that only instantiate it. BUILD on their results may
	// be BUILD on its instances.
	makers := map[pickle.Global]bool{x.g: true}
	for _, grp := range groups {
		for i := range grp.Args {
			for _, h := range grp.Args[i].Handed {
				if normalize(h) != x.g || i == 0 && emptyInstances(grp) {
					continue
				}
				if !grp.Known || grp.Op != "REDUCE" || i == pickle.RestArgs || !p.kb.instantiates(grp.Callee, i) {
					return false, fmt.Sprintf("; it is handed to %s (%s), which may give its instances any state", globalName(grp.Callee), grp.Op)
				}
				makers[normalize(grp.Callee)] = true
			}
		}
	}
	for _, c := range append(append([]pickle.Call(nil), x.calls...), x.inst...) {
		if !makers[normalize(c.Callee)] && !emptyInstance(c, x.g) {
			return false, fmt.Sprintf("; it is handed to %s at offset %d, which may give its instances any state", globalName(c.Callee), c.Offset)
		}
	}
	for _, grp := range groups {
		if grp.Op != "BUILD" || !makers[normalize(grp.Callee)] {
			continue
		}
		if !grp.Known || len(grp.Args) == 0 {
			return false, fmt.Sprintf("; BUILD at offset %d gives an instance a state the scanner cannot see", grp.First)
		}
		if bad := si.outOfBounds(grp.Args[0]); bad != "" {
			return false, fmt.Sprintf("; BUILD at offset %d gives an instance a state %s", grp.First, bad)
		}
	}
	return true, ""
}

// outOfBounds says what in a summary of BUILD states may index past a
// table ("whose item 4 is 23, past ..."), "" when nothing: every state a
// tuple the pickle built, every indexing item an int literal within its
// table.
func (si stateIndex) outOfBounds(a pickle.ArgSummary) string {
	if a.NotTuple || a.Tuples == 0 {
		return "that is not a tuple the pickle built (" + shortName(si.key) + " reads integers from it)"
	}
	for _, b := range si.bounds {
		var it pickle.ItemInts
		if b.pos < len(a.Items) {
			it = a.Items[b.pos]
		}
		switch {
		case it.Other:
			return fmt.Sprintf("whose item %d is not an int (%s indexes a table of %d entries with it)", b.pos, shortName(si.key), b.n)
		case it.Ints != a.Tuples:
			return fmt.Sprintf("whose item %d is missing", b.pos)
		case it.Lo < 0 || it.Hi >= b.n:
			bad := it.Hi
			if it.Lo < 0 {
				bad = it.Lo
			}
			return fmt.Sprintf("whose item %d is %d, past the %d entries of the table %s indexes with it", b.pos, bad, b.n, shortName(si.key))
		}
	}
	return ""
}
