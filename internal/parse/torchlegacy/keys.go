package torchlegacy

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// StorageKeys decodes the fifth pickle of a legacy file, the list of
// storage keys in the order their data follows. Only what pickle writes
// for a list of str is understood (any protocol, memo puts and gets);
// anything else is an error, and the caller falls back on another order.
func StorageKeys(data []byte) ([]string, error) {
	d := &keyDecoder{what: "storage keys pickle", data: data, memo: map[string]string{}}
	return d.run()
}

type keyDecoder struct {
	what  string
	data  []byte
	pos   int
	memo  map[string]string
	keys  []string
	stack []string // strings pushed and not yet appended
	list  bool
}

func (d *keyDecoder) fail(op byte, msg string) error {
	return fmt.Errorf("%s: offset %d: opcode 0x%02x: %s", d.what, d.pos-1, op, msg)
}

func (d *keyDecoder) take(n int) ([]byte, bool) {
	if n < 0 || n > len(d.data)-d.pos {
		return nil, false
	}
	b := d.data[d.pos : d.pos+n]
	d.pos += n
	return b, true
}

func (d *keyDecoder) line() (string, bool) {
	for i := d.pos; i < len(d.data); i++ {
		if d.data[i] == '\n' {
			s := string(d.data[d.pos:i])
			d.pos = i + 1
			return s, true
		}
	}
	return "", false
}

func (d *keyDecoder) uint(n int) (int, bool) {
	b, ok := d.take(n)
	if !ok {
		return 0, false
	}
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	if v > uint64(len(d.data)) {
		return -1, true
	}
	return int(v), true
}

func (d *keyDecoder) run() ([]string, error) {
	for d.pos < len(d.data) {
		op := d.data[d.pos]
		d.pos++
		if err := d.step(op); err != nil {
			return nil, err
		}
		if op == '.' {
			if !d.list || len(d.stack) != 0 {
				return nil, d.fail(op, "not a list of strings")
			}
			return d.keys, nil
		}
	}
	return nil, d.fail(0, "no STOP")
}

func (d *keyDecoder) step(op byte) error {
	switch op {
	case 0x80: // PROTO
		_, ok := d.take(1)
		return d.check(op, ok)
	case 0x95: // FRAME
		_, ok := d.take(8)
		return d.check(op, ok)
	case ']': // EMPTY_LIST
		if d.list {
			return d.fail(op, "second list")
		}
		d.list = true
	case '(': // MARK: only strings follow, so the mark is the empty stack
	case 'l': // LIST (protocol 0): the marked strings become the list
		if d.list {
			return d.fail(op, "second list")
		}
		d.list = true
		d.keys = append(d.keys, d.stack...)
		d.stack = d.stack[:0]
	case 'e', 'a': // APPENDS, APPEND
		if !d.list {
			return d.fail(op, "append without a list")
		}
		d.keys = append(d.keys, d.stack...)
		d.stack = d.stack[:0]
	case 0x8c, 'X', 0x8d, 'U', 'T', 'B', 'C': // SHORT_BINUNICODE, BINUNICODE, BINUNICODE8, SHORT_BINSTRING, BINSTRING, BINBYTES, SHORT_BINBYTES
		width := map[byte]int{0x8c: 1, 'X': 4, 0x8d: 8, 'U': 1, 'T': 4, 'B': 4, 'C': 1}[op]
		n, ok := d.uint(width)
		if !ok {
			return d.fail(op, "truncated length")
		}
		b, ok := d.take(n)
		if !ok {
			return d.fail(op, "truncated string")
		}
		d.stack = append(d.stack, string(b))
	case 'V': // UNICODE, raw-unicode-escape: keys are plain text
		s, ok := d.line()
		if !ok {
			return d.fail(op, "truncated line")
		}
		d.stack = append(d.stack, s)
	case 'q', 'r', 'p', 0x94: // BINPUT, LONG_BINPUT, PUT, MEMOIZE
		return d.put(op)
	case 'h', 'j', 'g': // BINGET, LONG_BINGET, GET
		return d.get(op)
	case '.':
	default:
		return d.fail(op, "unexpected opcode")
	}
	return nil
}

func (d *keyDecoder) check(op byte, ok bool) error {
	if !ok {
		return d.fail(op, "truncated")
	}
	return nil
}

// memoIndex reads the operand of a memo opcode.
func (d *keyDecoder) memoIndex(op byte) (string, bool) {
	switch op {
	case 'q', 'h':
		n, ok := d.uint(1)
		return strconv.Itoa(n), ok
	case 'r', 'j':
		b, ok := d.take(4)
		if !ok {
			return "", false
		}
		return strconv.FormatUint(uint64(binary.LittleEndian.Uint32(b)), 10), true
	case 'p', 'g':
		return d.line()
	}
	return strconv.Itoa(len(d.memo)), true // MEMOIZE
}

func (d *keyDecoder) put(op byte) error {
	idx, ok := d.memoIndex(op)
	if !ok {
		return d.fail(op, "truncated")
	}
	if len(d.stack) > 0 {
		d.memo[idx] = d.stack[len(d.stack)-1]
	} else {
		d.memo[idx] = "\x00list" // the list itself
	}
	return nil
}

func (d *keyDecoder) get(op byte) error {
	idx, ok := d.memoIndex(op)
	if !ok {
		return d.fail(op, "truncated")
	}
	s, ok := d.memo[idx]
	if !ok || s == "\x00list" {
		return d.fail(op, "memo entry is not a string")
	}
	d.stack = append(d.stack, s)
	return nil
}

// Count decodes a pickle of one int, as torch writes before the entries
// of the "storages" and "tensors" members of its legacy tar.
func Count(data []byte) (int64, error) {
	d := &keyDecoder{what: "count pickle", data: data}
	var n int64
	seen := false
	for d.pos < len(data) {
		op := data[d.pos]
		d.pos++
		var ok bool
		switch op {
		case 0x80: // PROTO
			_, ok = d.take(1)
			continue
		case 0x95: // FRAME
			_, ok = d.take(8)
			continue
		case 'K', 'M', 'J': // BININT1, BININT2, BININT
			var b []byte
			b, ok = d.take(map[byte]int{'K': 1, 'M': 2, 'J': 4}[op])
			if ok {
				n = int64(b[0])
				if len(b) == 2 {
					n = int64(binary.LittleEndian.Uint16(b))
				} else if len(b) == 4 {
					n = int64(int32(binary.LittleEndian.Uint32(b)))
				}
			}
		case 'I', 'L': // INT, LONG (protocol 0)
			var s string
			if s, ok = d.line(); ok {
				var err error
				n, err = strconv.ParseInt(strings.TrimSuffix(s, "L"), 10, 64)
				ok = err == nil
			}
		case '.':
			if !seen {
				return 0, d.fail(op, "no count")
			}
			return n, nil
		default:
			return 0, d.fail(op, "not a count")
		}
		if !ok || seen {
			return 0, d.fail(op, "not a count")
		}
		seen = true
	}
	return 0, d.fail(0, "no STOP")
}
