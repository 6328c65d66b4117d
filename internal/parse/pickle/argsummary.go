package pickle

// Argument summaries: what the arguments of every call of a group hold,
// looked through the containers the pickle built. Some library code
// evaluates an argument only when it is text (sympy's sympify parses a
// str with eval, returns its own objects and numbers as they are), so a
// policy that knows such code needs, for every call and not only the
// listed ones, whether text can reach it; the summaries are folded per
// group, so their cost does not grow with the number of calls.

// ArgSummary is what one argument position held, over every call of a
// group.
type ArgSummary struct {
	// Text is set when a str or bytes literal was among what it held.
	Text bool
	// Opaque is set when it held a value the reader cannot see into: an
	// object from persistent_load or the extension registry, the result
	// of calling a computed callable, items of a container that were not
	// kept, or more nesting than the walk follows.
	Opaque bool
	// Made lists the imported globals whose call or instantiation made an
	// object it held (the class of an instance, the callable of a call
	// result), at most maxSummaryGlobals; Handed the imported globals it
	// held as themselves. More is set when either list was full,
	// MoreHanded when Handed was.
	Made, Handed     []Global
	More, MoreHanded bool
	// Tuples counts, for a BUILD state, the states that were tuples the
	// pickle built; NotTuple is set when one was anything else. Items
	// says what each of the first RestArgs items of those tuples held, as
	// integers. C code that indexes its tables with items of its state
	// (traits' cTrait.__setstate__) is judged by them: only a tuple's
	// items are known when BUILD runs (a list can be written to before).
	Tuples   int64
	NotTuple bool
	Items    []ItemInts
}

// ItemInts is what one position of a state tuple held over every state.
type ItemInts struct {
	// Ints counts the states that held an int literal there, Lo and Hi
	// bound them; Other is set when one held anything else (a bool, a big
	// int, anything not an int). A tuple too short to have the position
	// counts in neither.
	Ints   int64
	Lo, Hi int64
	Other  bool
}

// RestArgs is the index, in CallGroup.Args, of the summary of the
// positional arguments past the first RestArgs, of NEWOBJ_EX keyword
// arguments, and of the items of an item write past the first.
const RestArgs = 32

const (
	// maxSummaryGlobals bounds ArgSummary.Made and Handed: the classes
	// a traits state names in its validators run past 8.
	maxSummaryGlobals = 32
	// summaryGlobalBytes is what one listed global costs (charged).
	summaryGlobalBytes = 32
	// itemIntsBytes is what one ItemInts costs (charged).
	itemIntsBytes = 32
	// maxSummaryWalk bounds the values looked at for one argument.
	maxSummaryWalk = 256
)

// noteArgs folds the arguments of the call counted last (s.group) into
// its group's summaries: args is the argument tuple (the state for
// BUILD), rest the keyword arguments of NEWOBJ_EX, if any.
func (s *scanner) noteArgs(args value, rest ...value) {
	grp := &s.res.CallGroups[s.group]
	if !grp.Known {
		return
	}
	if grp.Op == "BUILD" {
		s.summarise(grp, 0, args)
		s.noteStateItems(&grp.Args[0], args)
		return
	}
	o := s.objectOf(args)
	if args.kind != kTuple || o == nil {
		s.summarise(grp, RestArgs, args)
		return
	}
	for i, it := range o.items {
		s.summarise(grp, min(i, RestArgs), it)
	}
	if o.over != 0 {
		s.slot(grp, RestArgs).fold(o.over)
	}
	for _, r := range rest {
		s.summarise(grp, RestArgs, r)
	}
}

// noteStateItems folds the items of a BUILD state into a.Items.
func (s *scanner) noteStateItems(a *ArgSummary, state value) {
	o := s.objectOf(state)
	if state.kind != kTuple || o == nil {
		a.NotTuple = true
		return
	}
	n := min(len(o.items), RestArgs)
	if len(a.Items) < n {
		s.charge(int64(n-len(a.Items)) * itemIntsBytes)
		a.Items = append(a.Items, make([]ItemInts, n-len(a.Items))...)
	}
	for j, v := range o.items[:n] {
		it := &a.Items[j]
		switch {
		case v.kind != kInt:
			it.Other = true
		case it.Ints == 0:
			it.Lo, it.Hi, it.Ints = v.n, v.n, 1
		default:
			it.Lo, it.Hi, it.Ints = min(it.Lo, v.n), max(it.Hi, v.n), it.Ints+1
		}
	}
	a.Tuples++
}

// noteItems folds the items an item write hands to its target's method
// (append, extend, __setitem__, add) into the group of the call counted
// last: the first at 0, the others at RestArgs.
func (s *scanner) noteItems(items []value) {
	grp := &s.res.CallGroups[s.group]
	if !grp.Known {
		return
	}
	for i, it := range items {
		s.summarise(grp, min(i, 1)*RestArgs, it)
	}
}

// slot returns the summary of position i of grp, making room for it.
func (s *scanner) slot(grp *CallGroup, i int) *ArgSummary {
	if len(grp.Args) <= i {
		s.charge(int64(i+1-len(grp.Args)) * 64)
		grp.Args = append(grp.Args, make([]ArgSummary, i+1-len(grp.Args))...)
	}
	return &grp.Args[i]
}

// fold records the over flags of a container.
func (a *ArgSummary) fold(over uint8) {
	if over&overText != 0 {
		a.Text = true
	}
	if over&overOther != 0 {
		a.Opaque = true
	}
}

// add appends g to list unless it is there, bounded; it returns whether
// it grew the list (scanner.list charges it).
func (a *ArgSummary) add(list *[]Global, g Global) bool {
	for _, h := range *list {
		if h == g {
			return false
		}
	}
	if len(*list) >= maxSummaryGlobals {
		a.More = true
		if list == &a.Handed {
			a.MoreHanded = true
		}
		return false
	}
	*list = append(*list, g)
	return true
}

// list adds g to one of a's lists, charging what it grows by.
func (s *scanner) list(a *ArgSummary, list *[]Global, g Global) {
	if a.add(list, g) {
		s.charge(summaryGlobalBytes)
	}
}

// summarise folds what v holds into position i of grp.
func (s *scanner) summarise(grp *CallGroup, i int, v value) {
	a := s.slot(grp, i)
	todo := append(s.walk[:0], v) // scratch reused across calls: this runs for every argument of every call
	defer func() { s.walk = todo[:0] }()
	for n := 0; len(todo) > 0; n++ {
		if n == maxSummaryWalk {
			a.Opaque = true
			return
		}
		v = todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		switch v.kind {
		case kStr, kBytes, kByteArray:
			a.Text = true
		case kBuffer:
			a.Opaque = true
		case kGlobal:
			if g := s.globalOf(v); g != nil && s.objectOf(v).direct {
				s.list(a, &a.Handed, *g)
			} else {
				a.Opaque = true
			}
		case kTuple, kList, kDict, kSet, kFrozenSet:
			o := s.objectOf(v)
			if o == nil {
				continue
			}
			a.fold(o.over)
			todo = append(todo, o.items...)
		case kObject:
			o := s.objectOf(v)
			g := s.globalOf(v)
			if o != nil && o.how == hCall && !o.direct {
				if cls, ok := s.partialNew(o.item(0)); ok {
					s.list(a, &a.Made, cls) // an instance of cls, made as protocol 2 makes one
					continue
				}
			}
			if o == nil || g == nil || !o.direct || (o.how != hCall && o.how != hNew && o.how != hReconstruct) {
				a.Opaque = true
				continue
			}
			s.list(a, &a.Made, *g)
		}
	}
}

// partialNew recognises the object that pickle protocols 2 and 3 call to
// make an instance of a class whose __getnewargs_ex__ has keyword
// arguments (CPython's reduce_newobj): functools.partial(cls.__new__,
// cls, *args, **kwargs), with cls.__new__ fetched by
// builtins.getattr(cls, '__new__') and the partial's function, arguments
// and keywords given by its constructor or its BUILD state. Calling it
// makes an instance of cls; cls is returned when fn is such an object.
func (s *scanner) partialNew(fn value) (Global, bool) {
	p := s.objectOf(fn)
	if fn.kind != kObject || p == nil || p.how != hCall || !p.direct {
		return Global{}, false
	}
	if g := s.globalOf(fn); g == nil || (*g != Global{"functools", "partial"} && *g != Global{"_functools", "partial"}) {
		return Global{}, false
	}
	spec := p.item(1) // partial(func, *args)
	if st := p.item(2); st.kind == kTuple {
		spec = st // BUILD: (func, args, kwds, namespace)
	}
	so := s.objectOf(spec)
	if spec.kind != kTuple || so == nil {
		return Global{}, false
	}
	f := so.item(0)
	fo := s.objectOf(f)
	if f.kind != kObject || fo == nil || fo.how != hCall || !fo.direct {
		return Global{}, false
	}
	if g := s.globalOf(f); g == nil || *g != (Global{"builtins", "getattr"}) {
		return Global{}, false
	}
	ga := s.objectOf(fo.item(1))
	cls, name := ga.item(0), ga.item(1)
	if ga == nil || cls.kind != kGlobal || !s.objectOf(cls).direct || !name.isText() || s.str(name) != "__new__" {
		return Global{}, false
	}
	// the instance is of the class handed to __new__ first
	first := so.item(1)
	if p.item(2).kind == kTuple {
		if ao := s.objectOf(so.item(1)); ao != nil {
			first = ao.item(0)
		}
	}
	if first.ref != cls.ref || first.kind != kGlobal {
		return Global{}, false
	}
	return *s.globalOf(cls), true
}
