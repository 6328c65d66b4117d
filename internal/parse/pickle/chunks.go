package pickle

// chunkMax is the largest chunk of a record list.
const chunkMax = 1024

// chunks collects records in chunks that double up to chunkMax, so that
// a long list is copied once (by flat) instead of at every growth.
type chunks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

func (c *chunks[T]) add(v T) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, min(chunkMax, max(8, 2*cap(c.cur))))
	}
	c.cur = append(c.cur, v)
	c.n++
}

// flat returns the records as one slice (nil when there are none).
func (c *chunks[T]) flat() []T {
	if len(c.full) == 0 {
		return c.cur
	}
	out := make([]T, 0, c.n)
	for _, f := range c.full {
		out = append(out, f...)
	}
	return append(out, c.cur...)
}
