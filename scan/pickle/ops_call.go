package pickle

// addCall records a call, counting its summaries as evidence.
func (s *scanner) addCall(c Call) {
	if !s.fact() || !s.evidenceOK(len(c.Args)+len(c.Desc)) {
		return
	}
	s.res.Calls = append(s.res.Calls, c)
}

// call records that fn is invoked with args by the current opcode.
func (s *scanner) call(fn, args value) {
	c := Call{Op: opNames[s.op], Offset: s.opStart}
	if g, _ := fn.global(); g != nil {
		c.Callee = *g
	}
	c.Known = fn.kind == kGlobal && fn.o.direct
	if !c.Known {
		c.Desc = summary(fn, s.opts.MaxArgsLen)
	}
	c.Args = argsSummary(args, s.opts.MaxArgsLen)
	s.addCall(c)
}

// result is the object a call of fn returns, or the instance a class
// creates (h says which).
func result(fn, args value, h how) value {
	o := &object{how: h, items: []value{fn, args}}
	if fn.o != nil {
		o.g = fn.o.g
		o.direct = fn.kind == kGlobal && fn.o.direct
	}
	return value{kind: kObject, o: o}
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
	if fn.kind == kGlobal && fn.o.direct {
		if v, ok := s.special(*fn.o.g, args); ok {
			s.push(v)
			return
		}
	}
	s.push(result(fn, args, hCall))
}

// special handles callables whose result the reader must know: the
// copyreg reconstructor (the class of the instance), decoders and
// loaders (nested pickles).
func (s *scanner) special(g Global, args value) (value, bool) {
	if g == (Global{"copyreg", "_reconstructor"}) && args.kind == kTuple && args.o.count == 3 {
		cls := args.o.items[0]
		return result(cls, args, hReconstruct), true
	}
	if v, ok := s.decode(g, args); ok {
		return v, true
	}
	s.loader(g, args)
	return value{}, false
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
	s.push(result(cls, args, hNew))
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
	all := container(kTuple)
	all.o.add(args)
	all.o.add(kwargs)
	c := Call{Op: "NEWOBJ_EX", Offset: s.opStart, Known: cls.kind == kGlobal && cls.o.direct}
	if g, _ := cls.global(); g != nil {
		c.Callee = *g
	}
	if !c.Known {
		c.Desc = summary(cls, s.opts.MaxArgsLen)
	}
	c.Args = "(*" + summary(args, s.opts.MaxArgsLen/2) + ", **" + summary(kwargs, s.opts.MaxArgsLen/2) + ")"
	s.addCall(c)
	s.push(result(cls, all, hNew))
}

// inst is INST: the mark is taken before the names are read, as in
// _pickle.c, so a missing mark fails first.
func (s *scanner) inst() {
	m, ok := s.marker()
	if !ok {
		return
	}
	g, ok := s.nameLines()
	if !ok {
		return
	}
	cls := s.findClass(g)
	args := container(kTuple)
	for _, it := range s.stack[m:] {
		args.o.add(it)
	}
	s.truncate(m)
	s.call(cls, args)
	s.push(result(cls, args, hNew))
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
	cls := s.stack[m]
	args := container(kTuple)
	for _, it := range s.stack[m+1:] {
		args.o.add(it)
	}
	s.truncate(m)
	s.call(cls, args)
	s.push(result(cls, args, hNew))
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
	c := Call{Op: "BUILD", Offset: s.opStart}
	if g, _ := inst.global(); g != nil {
		c.Callee = *g
	}
	switch inst.kind {
	case kGlobal:
		c.Known, c.OnGlobal = inst.o.direct, true
	case kObject:
		// An instance of an imported class (or what calling an imported
		// callable returned): attributed to that global.
		c.Known = inst.o.direct
	}
	if !c.Known {
		c.Desc = summary(inst, s.opts.MaxArgsLen)
	}
	p := printer{max: s.opts.MaxArgsLen}
	p.raw("(")
	p.value(state, 0)
	p.raw(")")
	c.Args = p.done()
	s.addCall(c)
	if inst.o != nil && inst.kind == kObject {
		inst.o.setState(state)
	}
	if s.opts.Joblib && !s.halted {
		s.joblibBuild()
	}
}
