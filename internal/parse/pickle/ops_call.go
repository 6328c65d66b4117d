package pickle

// addCall records a listed call (counted as a fact by newCall), counting
// its summaries as evidence.
func (s *scanner) addCall(c Call) {
	if !s.evidenceOK(len(c.Args) + len(c.Desc)) {
		return
	}
	s.calls.add(c)
}

// callKey groups calls (CallGroup).
type callKey struct {
	op              string
	g               *Global // interned, nil for none
	known, onGlobal bool
}

// listedAlways reports the callables whose calls are listed up to
// MaxListedCalls: the loaders the reader follows (the offset of each call
// matches its nested pickle), and the caller's Options.Listed (a policy
// needs the class an instantiator builds, what getattr fetches).
func (s *scanner) listedAlways(g Global) bool {
	_, loader := loaders[g]
	return loader || s.opts.Listed.facted(g) || s.opts.Listed.shaped(g)
}

// newCall counts a call by the current opcode of the object that derives
// from g in its group, and starts its record when it is to be listed:
// the first MaxCallSummaries of each group, and every call of the
// callables listedAlways names.
func (s *scanner) newCall(op string, g *Global, known, onGlobal bool) (Call, bool) {
	c := Call{Op: op, Offset: s.opStart, Known: known, OnGlobal: onGlobal, NArgs: -1}
	if g != nil {
		c.Callee = *g
	}
	s.ncalls++
	k := callKey{op, g, known, onGlobal}
	i, ok := s.groups[k]
	if !ok {
		if s.groups == nil {
			s.groups = make(map[callKey]int)
		}
		i = len(s.res.CallGroups)
		s.groups[k] = i
		s.res.CallGroups = append(s.res.CallGroups, CallGroup{Op: op, Callee: c.Callee, Known: known, OnGlobal: onGlobal, First: s.opStart})
	}
	s.group = i
	grp := &s.res.CallGroups[i]
	grp.Count++
	max := s.opts.MaxCallSummaries
	if g != nil && known && s.listedAlways(*g) {
		max = s.opts.MaxListedCalls
	}
	if grp.Listed >= int64(max) {
		return c, false
	}
	if !s.fact() {
		return c, false
	}
	grp.Listed++
	return c, true
}

// argFacts fills the facts of the positional arguments of c from args,
// a tuple the reader knows (NArgs stays -1 otherwise).
func (s *scanner) argFacts(c *Call, args value) {
	if args.kind != kTuple || s.objectOf(args) == nil {
		return
	}
	c.NArgs = int(s.objectOf(args).count)
	items := s.objectOf(args).items
	for i, it := range items {
		f := s.factOf(it, s.opts.MaxArgsLen)
		if f.Kind != ArgGlobal && f.Kind != ArgInstance && f.Kind != ArgStr {
			continue // the sorts a policy reads in arguments, and argument shapes count
		}
		if c.ArgFacts == nil {
			c.ArgFacts = make([]ArgFact, len(items))
		}
		c.ArgFacts[i] = f
	}
}

// call records that fn is invoked with args by the current opcode.
func (s *scanner) call(fn, args value) {
	g, _ := s.sh.slab.global(fn)
	known := fn.kind == kGlobal && s.objectOf(fn).direct
	c, listed := s.newCall(opNames[s.op], g, known, false)
	s.noteArgs(args)
	if known && s.opts.Listed.shaped(*g) {
		listed = s.shaped(&c, listed, args)
	} else if listed {
		s.argFacts(&c, args)
	}
	if !listed {
		return
	}
	if !known {
		c.Desc = s.summary(fn, s.opts.MaxArgsLen)
		c.PersistentID = s.persistentFacts(fn)
	}
	c.Args = s.argsSummary(args, s.opts.MaxArgsLen)
	s.addCall(c)
}

// result is the object a call of fn returns, or the instance a class
// creates (h says which).
func (s *scanner) result(fn, args value, h how) value {
	s.charge(objectBytes + 2*valueBytes)
	v, o := s.newObject(kObject, 2)
	o.how = h
	o.items = append(o.items, fn, args)
	if f := s.objectOf(fn); f != nil {
		o.gi = f.gi
		o.direct = fn.kind == kGlobal && f.direct
	}
	return v
}

func (s *scanner) reduce() {
	args, ok := s.pop()
	if !ok {
		return
	}
	fn, ok := s.pop()
	if !ok {
		return
	}
	s.call(fn, args)
	if s.halted {
		return
	}
	if fn.kind == kGlobal && s.objectOf(fn).direct {
		if v, ok := s.special(*s.globalOf(fn), args); ok {
			s.push(v)
			return
		}
	}
	s.push(s.result(fn, args, hCall))
}

// special handles callables whose result the reader must know: the
// copyreg reconstructor (the class of the instance), decoders and
// loaders (nested pickles).
func (s *scanner) special(g Global, args value) (value, bool) {
	if g == (Global{"copyreg", "_reconstructor"}) && args.kind == kTuple && s.objectOf(args).count == 3 {
		cls := s.objectOf(args).items[0]
		return s.result(cls, args, hReconstruct), true
	}
	if v, ok := s.passThrough(g, args); ok {
		return v, true
	}
	if v, ok := s.decode(g, args); ok {
		return v, true
	}
	s.loader(g, args)
	return value{}, false
}

// identities are safe callables that return an argument unchanged
// (torch/jit/_pickle.py), by its position. Followed, so that a global
// passed through one is still that global to whatever uses it: a class
// handed on to copyreg._reconstructor, a module given state by BUILD.
var identities = map[Global]int{
	{"torch.jit._pickle", "build_intlist"}: 0, {"torch.jit._pickle", "build_tensorlist"}: 0,
	{"torch.jit._pickle", "build_doublelist"}: 0, {"torch.jit._pickle", "build_boollist"}: 0,
	{"torch.jit._pickle", "restore_type_tag"}: 0,
	// scalar(dtype, obj) returns obj itself for the object dtype, the
	// only dtype that takes anything but bytes.
	{"numpy.core.multiarray", "scalar"}: 1, {"numpy._core.multiarray", "scalar"}: 1,
}

// passThrough returns what a call of g returns when that is one of its
// arguments (identities).
func (s *scanner) passThrough(g Global, args value) (value, bool) {
	if args.kind != kTuple {
		return value{}, false
	}
	a := s.objectOf(args)
	if i, ok := identities[g]; ok && int64(i) < a.count && i < len(a.items) {
		v := a.items[i]
		if g.Name == "scalar" && v.kind != kGlobal && v.kind != kObject {
			return value{}, false // bytes: a real scalar
		}
		return v, true
	}
	return value{}, false
}

// isClassOf reports the result of builtins.type(obj): a class of the
// process, which BUILD or an item write changes for the whole process
// like an imported one.
func (s *scanner) isClassOf(v value) bool {
	if v.kind != kObject {
		return false
	}
	o := s.objectOf(v)
	return o.how == hCall && o.direct && *s.globalOf(v) == (Global{"builtins", "type"})
}

// classCheck rejects, as the unpickler does, a class argument that is a
// literal and so cannot be a type.
func (s *scanner) classCheck(cls value) bool {
	if cls.literal() && cls.kind != kGlobal {
		s.fail(opNames[s.op] + " class argument isn't a type object")
		return false
	}
	return true
}

func (s *scanner) newobj() {
	args, ok := s.pop()
	if !ok {
		return
	}
	cls, ok := s.pop()
	if !ok || !s.classCheck(cls) {
		return
	}
	if args.literal() && args.kind != kTuple {
		s.fail("NEWOBJ expected an arg tuple.")
		return
	}
	s.call(cls, args)
	s.push(s.result(cls, args, hNew))
}

func (s *scanner) newobjEx() {
	kwargs, ok := s.pop()
	if !ok {
		return
	}
	args, ok := s.pop()
	if !ok {
		return
	}
	cls, ok := s.pop()
	if !ok || !s.classCheck(cls) {
		return
	}
	if args.literal() && args.kind != kTuple {
		s.fail("NEWOBJ_EX args argument must be a tuple")
		return
	}
	if kwargs.literal() && kwargs.kind != kDict {
		s.fail("NEWOBJ_EX kwargs argument must be a dict")
		return
	}
	all := s.container(kTuple)
	s.objectOf(all).add(args)
	s.objectOf(all).add(kwargs)
	g, _ := s.sh.slab.global(cls)
	c, listed := s.newCall("NEWOBJ_EX", g, cls.kind == kGlobal && s.objectOf(cls).direct, false)
	s.noteArgs(args, kwargs)
	if c.Known && s.opts.Listed.shaped(*g) {
		listed = s.shaped(&c, listed, args)
	} else if listed {
		s.argFacts(&c, args)
	}
	if listed {
		if !c.Known {
			c.Desc = s.summary(cls, s.opts.MaxArgsLen)
			c.PersistentID = s.persistentFacts(cls)
		}
		c.Args = "(*" + s.summary(args, s.opts.MaxArgsLen/2) + ", **" + s.summary(kwargs, s.opts.MaxArgsLen/2) + ")"
		s.addCall(c)
	}
	s.push(s.result(cls, all, hNew))
}

// inst is INST: the mark is taken before the names are read, as in
// _pickle.c, so a missing mark fails first.
func (s *scanner) inst() {
	m, ok := s.marker()
	if !ok {
		return
	}
	g, ok := s.nameLines(true)
	if !ok {
		return
	}
	s.callFromMark(s.findClass(g), m, m)
}

// obj is OBJ: the class is the first value after the mark.
func (s *scanner) obj() {
	m, ok := s.marker()
	if !ok {
		return
	}
	if len(s.stack)-m < 1 {
		s.underflow()
		return
	}
	s.callFromMark(s.stack[m], m, m+1)
}

// callFromMark is the call of INST and OBJ: cls is called with the values
// from stack[from:] as its argument tuple, the stack is cut back to the
// mark at m, and the result pushed.
func (s *scanner) callFromMark(cls value, m, from int) {
	args := s.filled(kTuple, s.stack[from:])
	s.truncate(m)
	s.call(cls, args)
	s.push(s.result(cls, args, hNew))
}

// build is BUILD: the state goes to inst.__setstate__ or into its
// attributes. Applied to an imported object itself (a module attribute,
// a class) it poisons that object: OnGlobal.
func (s *scanner) build() {
	state, ok := s.pop()
	if !ok {
		return
	}
	inst, ok := s.top()
	if !ok {
		return
	}
	var known, onGlobal bool
	switch inst.kind {
	case kGlobal:
		known, onGlobal = s.objectOf(inst).direct, true
	case kObject:
		// An instance of an imported class (or what calling an imported
		// callable returned): attributed to that global. A class that
		// builtins.type returned is changed for the whole process.
		known, onGlobal = s.objectOf(inst).direct, s.isClassOf(inst)
	}
	g, _ := s.sh.slab.global(inst)
	c, listed := s.newCall("BUILD", g, known, onGlobal)
	s.noteArgs(state)
	if listed {
		if !c.Known {
			c.Desc = s.summary(inst, s.opts.MaxArgsLen)
			c.PersistentID = s.persistentFacts(inst)
		}
		p := printer{max: s.opts.MaxArgsLen, t: &s.sh.slab}
		p.raw("(")
		p.value(state, 0)
		p.raw(")")
		c.Args = p.done()
		s.addCall(c)
	}
	if inst.kind == kObject {
		s.sources(g, state)
	}
	if s.objectOf(inst) != nil && inst.kind == kObject {
		s.objectOf(inst).setState(state)
	}
	if s.opts.Joblib && !s.halted {
		s.joblibBuild()
	}
}
