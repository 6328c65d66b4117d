package pickle

import "fmt"

// Opcodes of pickle protocols 0 to 5 (Lib/pickletools.py).
const (
	opMARK             = '('
	opSTOP             = '.'
	opPOP              = '0'
	opPOP_MARK         = '1'
	opDUP              = '2'
	opFLOAT            = 'F'
	opINT              = 'I'
	opBININT           = 'J'
	opBININT1          = 'K'
	opLONG             = 'L'
	opBININT2          = 'M'
	opNONE             = 'N'
	opPERSID           = 'P'
	opBINPERSID        = 'Q'
	opREDUCE           = 'R'
	opSTRING           = 'S'
	opBINSTRING        = 'T'
	opSHORT_BINSTRING  = 'U'
	opUNICODE          = 'V'
	opBINUNICODE       = 'X'
	opAPPEND           = 'a'
	opBUILD            = 'b'
	opGLOBAL           = 'c'
	opDICT             = 'd'
	opEMPTY_DICT       = '}'
	opAPPENDS          = 'e'
	opGET              = 'g'
	opBINGET           = 'h'
	opINST             = 'i'
	opLONG_BINGET      = 'j'
	opLIST             = 'l'
	opEMPTY_LIST       = ']'
	opOBJ              = 'o'
	opPUT              = 'p'
	opBINPUT           = 'q'
	opLONG_BINPUT      = 'r'
	opSETITEM          = 's'
	opTUPLE            = 't'
	opEMPTY_TUPLE      = ')'
	opSETITEMS         = 'u'
	opBINFLOAT         = 'G'
	opPROTO            = 0x80
	opNEWOBJ           = 0x81
	opEXT1             = 0x82
	opEXT2             = 0x83
	opEXT4             = 0x84
	opTUPLE1           = 0x85
	opTUPLE2           = 0x86
	opTUPLE3           = 0x87
	opNEWTRUE          = 0x88
	opNEWFALSE         = 0x89
	opLONG1            = 0x8a
	opLONG4            = 0x8b
	opBINBYTES         = 'B'
	opSHORT_BINBYTES   = 'C'
	opSHORT_BINUNICODE = 0x8c
	opBINUNICODE8      = 0x8d
	opBINBYTES8        = 0x8e
	opEMPTY_SET        = 0x8f
	opADDITEMS         = 0x90
	opFROZENSET        = 0x91
	opNEWOBJ_EX        = 0x92
	opSTACK_GLOBAL     = 0x93
	opMEMOIZE          = 0x94
	opFRAME            = 0x95
	opBYTEARRAY8       = 0x96
	opNEXT_BUFFER      = 0x97
	opREADONLY_BUFFER  = 0x98
)

// highestProtocol is pickle.HIGHEST_PROTOCOL.
const highestProtocol = 5

// opNames names every opcode; "" marks an invalid byte.
var opNames = [256]string{
	opMARK: "MARK", opSTOP: "STOP", opPOP: "POP", opPOP_MARK: "POP_MARK", opDUP: "DUP",
	opFLOAT: "FLOAT", opINT: "INT", opBININT: "BININT", opBININT1: "BININT1", opLONG: "LONG",
	opBININT2: "BININT2", opNONE: "NONE", opPERSID: "PERSID", opBINPERSID: "BINPERSID",
	opREDUCE: "REDUCE", opSTRING: "STRING", opBINSTRING: "BINSTRING",
	opSHORT_BINSTRING: "SHORT_BINSTRING", opUNICODE: "UNICODE", opBINUNICODE: "BINUNICODE",
	opAPPEND: "APPEND", opBUILD: "BUILD", opGLOBAL: "GLOBAL", opDICT: "DICT",
	opEMPTY_DICT: "EMPTY_DICT", opAPPENDS: "APPENDS", opGET: "GET", opBINGET: "BINGET",
	opINST: "INST", opLONG_BINGET: "LONG_BINGET", opLIST: "LIST", opEMPTY_LIST: "EMPTY_LIST",
	opOBJ: "OBJ", opPUT: "PUT", opBINPUT: "BINPUT", opLONG_BINPUT: "LONG_BINPUT",
	opSETITEM: "SETITEM", opTUPLE: "TUPLE", opEMPTY_TUPLE: "EMPTY_TUPLE", opSETITEMS: "SETITEMS",
	opBINFLOAT: "BINFLOAT", opPROTO: "PROTO", opNEWOBJ: "NEWOBJ", opEXT1: "EXT1", opEXT2: "EXT2",
	opEXT4: "EXT4", opTUPLE1: "TUPLE1", opTUPLE2: "TUPLE2", opTUPLE3: "TUPLE3",
	opNEWTRUE: "NEWTRUE", opNEWFALSE: "NEWFALSE", opLONG1: "LONG1", opLONG4: "LONG4",
	opBINBYTES: "BINBYTES", opSHORT_BINBYTES: "SHORT_BINBYTES",
	opSHORT_BINUNICODE: "SHORT_BINUNICODE", opBINUNICODE8: "BINUNICODE8",
	opBINBYTES8: "BINBYTES8", opEMPTY_SET: "EMPTY_SET", opADDITEMS: "ADDITEMS",
	opFROZENSET: "FROZENSET", opNEWOBJ_EX: "NEWOBJ_EX", opSTACK_GLOBAL: "STACK_GLOBAL",
	opMEMOIZE: "MEMOIZE", opFRAME: "FRAME", opBYTEARRAY8: "BYTEARRAY8",
	opNEXT_BUFFER: "NEXT_BUFFER", opREADONLY_BUFFER: "READONLY_BUFFER",
}

// exec runs one opcode (STOP is handled by the caller). Each case follows
// the matching load_* function of Modules/_pickle.c.
func (s *scanner) exec(op byte) {
	switch op {
	case opMARK:
		s.mark()
	case opPOP:
		s.popOp()
	case opPOP_MARK:
		if m, ok := s.marker(); ok {
			s.truncate(m)
		}
	case opDUP:
		if v, ok := s.top(); ok {
			s.push(v)
		}
	case opPROTO:
		s.protoOp()
	case opFRAME:
		s.frame()
	case opNONE:
		s.push(value{kind: kNone})
	case opNEWTRUE, opNEWFALSE:
		s.push(value{kind: kBool, n: int64(boolInt(op == opNEWTRUE))})
	case opINT, opLONG:
		s.intLine(op == opLONG)
	case opBININT, opBININT1, opBININT2:
		s.binInt(op)
	case opLONG1, opLONG4:
		s.long(op)
	case opFLOAT:
		s.floatLine()
	case opBINFLOAT:
		s.binFloat()
	case opSTRING:
		s.stringLine()
	case opUNICODE:
		s.unicodeLine()
	case opBINSTRING, opSHORT_BINSTRING, opBINBYTES, opSHORT_BINBYTES, opBINUNICODE,
		opSHORT_BINUNICODE, opBINUNICODE8, opBINBYTES8, opBYTEARRAY8:
		s.counted(op)
	case opNEXT_BUFFER:
		s.fail("pickle stream refers to out-of-band data but no *buffers* argument was given")
	case opREADONLY_BUFFER:
		s.readonly()
	case opEMPTY_TUPLE:
		// Tuples are never modified: one empty tuple serves them all.
		if s.emptyTuple.ref == 0 {
			s.emptyTuple = s.container(kTuple)
		}
		s.push(s.emptyTuple)
	case opEMPTY_LIST, opEMPTY_DICT, opEMPTY_SET:
		s.charge(objectBytes)
		s.push(s.container(emptyKind(op)))
	case opTUPLE, opLIST, opFROZENSET:
		if v, ok := s.popMark(markKind(op)); ok {
			s.push(v)
		}
	case opTUPLE1, opTUPLE2, opTUPLE3:
		s.smallTuple(int(op-opTUPLE1) + 1)
	case opDICT:
		s.dictOp()
	case opAPPEND:
		s.appendTo(len(s.stack)-1, "APPEND")
	case opAPPENDS, opSETITEMS, opADDITEMS:
		s.batch(op)
	case opSETITEM:
		s.appendTo(len(s.stack)-2, "SETITEM")
	case opGET, opBINGET, opLONG_BINGET:
		s.get(op)
	case opPUT, opBINPUT, opLONG_BINPUT, opMEMOIZE:
		s.put(op)
	case opGLOBAL:
		s.globalOp()
	case opSTACK_GLOBAL:
		s.stackGlobal()
	case opEXT1, opEXT2, opEXT4:
		s.ext(op)
	case opINST:
		s.inst()
	case opOBJ:
		s.obj()
	case opREDUCE:
		s.reduce()
	case opNEWOBJ:
		s.newobj()
	case opNEWOBJ_EX:
		s.newobjEx()
	case opBUILD:
		s.build()
	case opPERSID:
		s.persid()
	case opBINPERSID:
		if pid, ok := s.pop(); ok {
			s.persistent(pid)
		}
	default:
		s.invalid(op)
	}
}

func emptyKind(op byte) kind {
	switch op {
	case opEMPTY_TUPLE:
		return kTuple
	case opEMPTY_LIST:
		return kList
	case opEMPTY_DICT:
		return kDict
	}
	return kSet
}

func markKind(op byte) kind {
	switch op {
	case opTUPLE:
		return kTuple
	case opLIST:
		return kList
	}
	return kFrozenSet
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *scanner) invalid(op byte) {
	if op >= 0x20 && op < 0x7f {
		s.failf("invalid load key, '%c'.", op)
		return
	}
	s.failf("invalid load key, '\\x%02x'.", op)
}

func (s *scanner) mark() {
	if len(s.stack)+len(s.marks) >= s.opts.MaxStackDepth {
		s.limit("MaxStackDepth", "too many marks")
		return
	}
	s.marks = append(s.marks, len(s.stack))
}

// popOp is POP: with the stack empty down to the innermost mark it pops
// the mark itself, as both _pickle.c and pickle.py do.
func (s *scanner) popOp() {
	if n := len(s.marks); n > 0 && s.marks[n-1] == len(s.stack) {
		s.marks = s.marks[:n-1]
		return
	}
	s.pop()
}

func (s *scanner) protoOp() {
	b, ok := s.operand(1)
	if !ok {
		return
	}
	p := int(b[0])
	if p > highestProtocol {
		s.failf("unsupported pickle protocol: %d", p)
		return
	}
	if s.nops > 1 {
		s.anomaly(fmt.Sprintf("protocol switched to %d in the middle of a pickle", p))
	}
	s.proto = p
	s.maxProto = max(s.maxProto, p)
}
