package formats

import (
	"errors"
	"fmt"
	"io"

	"github.com/modelgate/modelgate/internal/parse/pytar"
)

// A tar in a stream (tar.gz, a tar member of a compressed stream) is read
// forward, as tarfile reads it; a member read a second time restarts the
// stream.

// reopen restarts the archive stream and returns a reader of member index.
func (t *tarScan) reopen(index int) (io.ReadCloser, error) {
	rc, err := t.in.Open()
	if err != nil {
		return nil, err
	}
	fwd := &forwardReaderAt{r: rc}
	opts := t.s.Limits().Tar
	opts.MaxMembers = index + 1
	tr := pytar.NewReader(fwd, -1, opts)
	var m *pytar.Member
	for i := 0; i <= index; i++ {
		if m, err = tr.Next(); err != nil {
			rc.Close()
			return nil, fmt.Errorf("reopen tar member %d: %w", index, err)
		}
	}
	return readCloser{io.NewSectionReader(fwd, m.DataOffset, max(m.Size, 0)), rc}, nil
}

// forwardReaderAt serves ReadAt from a stream read forward only, keeping
// the last tailKeep bytes read: tarfile reads an archive forward, save
// the byte before each header, which it reads to check the archive goes
// on. A read before that fails (PAX sizes that overlap later headers are
// read again by reopening).
type forwardReaderAt struct {
	r    io.Reader
	pos  int64  // offset of the next byte of r
	tail []byte // the bytes just before pos
}

// tailKeep is how many bytes forwardReaderAt keeps behind its position.
const tailKeep = 1024

func (f *forwardReaderAt) ReadAt(p []byte, off int64) (int, error) {
	start := f.pos - int64(len(f.tail))
	if off < start {
		return 0, fmt.Errorf("read at offset %d after %d in a stream: %w", off, f.pos, errBackward)
	}
	n := 0
	if off < f.pos {
		n = copy(p, f.tail[off-start:])
	}
	if n == len(p) {
		return n, nil
	}
	if skip := off + int64(n) - f.pos; skip > 0 {
		k, err := io.CopyN(io.Discard, f.r, skip)
		f.pos += k
		f.tail = f.tail[:0]
		if err != nil {
			return 0, err
		}
	}
	k, err := io.ReadFull(f.r, p[n:])
	f.keep(p[n : n+k])
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n + k, err
}

// keep records b, just read, in the tail.
func (f *forwardReaderAt) keep(b []byte) {
	f.pos += int64(len(b))
	if len(b) >= tailKeep {
		f.tail = append(f.tail[:0], b[len(b)-tailKeep:]...)
		return
	}
	f.tail = append(f.tail, b...)
	if over := len(f.tail) - tailKeep; over > 0 {
		f.tail = append(f.tail[:0], f.tail[over:]...)
	}
}

// errBackward is a read of a tar stream before its current position.
var errBackward = errors.New("tar stream read backwards")
