package pickle

import "fmt"

// fact counts one recorded fact against MaxFacts.
func (s *scanner) fact() bool {
	s.facts++
	if s.facts > s.opts.MaxFacts {
		s.limit("MaxFacts", fmt.Sprintf("more than %d imports, calls and persistent ids", s.opts.MaxFacts))
		return false
	}
	return true
}

// evidenceOK counts n bytes of kept evidence against MaxEvidenceBytes.
func (s *scanner) evidenceOK(n int) bool {
	s.evidence += int64(n)
	if s.evidence > s.opts.MaxEvidenceBytes {
		s.limit("MaxEvidenceBytes", fmt.Sprintf("more than %d bytes of evidence", s.opts.MaxEvidenceBytes))
		return false
	}
	return true
}

// Approximate sizes charged against MaxModelBytes.
const (
	objectBytes = 40 // an object without items
	valueBytes  = 16 // one kept item, memo slot or stack entry
)

// charge counts n bytes of the model against MaxModelBytes. Objects are
// charged when made and never refunded: a pickle rarely drops what it
// builds (the pickler memoizes every container), and a hostile one that
// does still pays for the work.
func (s *scanner) charge(n int64) bool {
	s.sh.model += n
	if s.sh.model > s.opts.MaxModelBytes {
		s.limit("MaxModelBytes", fmt.Sprintf("the objects built take more than %d bytes", s.opts.MaxModelBytes))
		return false
	}
	return true
}

// filled is the slab's filled, charged; small tuples of literals are
// shared (see tuple).
func (s *scanner) filled(k kind, items []value) value {
	if k == kTuple {
		if v, ok := s.tuple(items); ok {
			return v
		}
	}
	s.charge(objectBytes + valueBytes*int64(min(len(items), maxItems)))
	v := s.sh.slab.filled(k, items)
	s.keepMore(v, items, maxItems)
	return v
}

// stringBytes is charged for each entry of the string table.
const stringBytes = 16

// text returns a str, bytes or bytearray value with content str, charging
// its string table entry (the content itself is charged when read).
func (s *scanner) text(k kind, str string, n int64, flags uint8) value {
	if str != "" {
		s.charge(stringBytes)
	}
	v, ok := s.sh.slab.text(k, str, n, flags)
	if !ok {
		s.limit("MaxModelBytes", "more than 2^32 strings")
	}
	return v
}

// str returns the content of a str, bytes or bytearray value.
func (s *scanner) str(v value) string { return s.sh.slab.str(v) }

// objectOf returns the object of v, or nil when v has none.
func (s *scanner) objectOf(v value) *object { return s.sh.slab.obj(v) }

// newObject returns a new object of kind k with room for n items, not
// charged, and the value that refers to it.
func (s *scanner) newObject(k kind, n int) (value, *object) {
	o, ref := s.sh.slab.object(n)
	return value{kind: k, ref: ref}, o
}

// container returns a new empty container of kind k, not charged.
func (s *scanner) container(k kind) value {
	v, _ := s.newObject(k, 0)
	return v
}

// globalOf returns the global the object of v is or derives from, or nil.
func (s *scanner) globalOf(v value) *Global { return s.sh.slab.globalOf(v) }
