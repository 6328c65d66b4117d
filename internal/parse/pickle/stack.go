package pickle

import "fmt"

// push puts v on the stack.
func (s *scanner) push(v value) {
	if len(s.stack)+len(s.marks) >= s.opts.MaxStackDepth {
		s.limit("MaxStackDepth", fmt.Sprintf("more than %d stack entries and marks", s.opts.MaxStackDepth))
		return
	}
	s.stack = append(s.stack, v)
}

// fence is the stack length at the innermost MARK: values below it are
// out of reach until the mark is popped.
func (s *scanner) fence() int {
	if len(s.marks) == 0 {
		return 0
	}
	return s.marks[len(s.marks)-1]
}

func (s *scanner) underflow() { s.fail("unpickling stack underflow") }

// pop removes the top value.
func (s *scanner) pop() (value, bool) {
	n := len(s.stack)
	if n <= s.fence() {
		s.underflow()
		return value{}, false
	}
	v := s.stack[n-1]
	s.stack[n-1] = value{}
	s.stack = s.stack[:n-1]
	return v, true
}

// top returns the top value.
func (s *scanner) top() (value, bool) {
	n := len(s.stack)
	if n <= s.fence() {
		s.underflow()
		return value{}, false
	}
	return s.stack[n-1], true
}

// marker pops the innermost mark, as _pickle.c's marker() does.
func (s *scanner) marker() (int, bool) {
	if len(s.marks) == 0 {
		s.fail("could not find MARK")
		return 0, false
	}
	m := s.marks[len(s.marks)-1]
	s.marks = s.marks[:len(s.marks)-1]
	return m, true
}

// popMark pops the mark and the values above it into a new container.
func (s *scanner) popMark(k kind) (value, bool) {
	m, ok := s.marker()
	if !ok {
		return value{}, false
	}
	v := s.filled(k, s.stack[m:])
	s.truncate(m)
	return v, true
}

// truncate drops the stack above n.
func (s *scanner) truncate(n int) {
	clear(s.stack[n:])
	s.stack = s.stack[:n]
}
