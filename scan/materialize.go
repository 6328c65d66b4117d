package scan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Materialize returns in with random access. An input that has it is
// returned as is; a stream of at most max bytes is read into memory and
// served from there. A longer stream is an ErrLimit error: formats that
// need random access (zip's central directory, 7z's header at the end)
// report it inconclusive rather than guess. The depth of in is kept.
func (s *Session) Materialize(in *Input, max int64) (*Input, error) {
	if in.At != nil {
		return in, nil
	}
	if in.Size > max {
		return nil, fmt.Errorf("stream of %d bytes needs random access, over the %d bytes held in memory: %w", in.Size, max, ErrLimit)
	}
	rc, err := in.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(rc, max+1))
	if err != nil {
		return nil, fmt.Errorf("read stream into memory at offset %d: %w", n, err)
	}
	if n > max {
		return nil, fmt.Errorf("stream over %d bytes needs random access, more than is held in memory: %w", max, ErrLimit)
	}
	out, err := NewSectionInput(in.Chain, in.Name, bytes.NewReader(buf.Bytes()), n)
	if err != nil {
		return nil, err
	}
	out.Depth = in.Depth
	return out, nil
}

// errSuperseded is returned by a replay reader after a later Open of the
// same member took over the live stream.
var errSuperseded = errors.New("stream reader superseded by a later open")

// replay serves repeated opens of a member of a stream container (a tar
// member inside a gzip) without decompressing from the start each time:
// an open is served from the bytes already read plus the live stream as
// long as nobody has read past what was kept; later opens fall back to
// reopen, which restarts the outer stream and skips to the member.
type replay struct {
	live   io.Reader
	kept   []byte // the first bytes read from live, all of them while valid
	keep   int    // how many bytes may be kept
	valid  bool   // kept holds everything read from live so far
	gen    int    // the open that owns the live stream
	reopen func() (io.ReadCloser, error)
}

// newReplay returns a replay of live keeping up to keep bytes.
func newReplay(live io.Reader, keep int, reopen func() (io.ReadCloser, error)) *replay {
	return &replay{live: live, keep: keep, valid: true, reopen: reopen}
}

// Open returns a reader from the start of the member.
func (r *replay) Open() (io.ReadCloser, error) {
	if !r.valid {
		return r.reopen()
	}
	r.gen++
	return io.NopCloser(&replayReader{r: r, gen: r.gen}), nil
}

type replayReader struct {
	r   *replay
	gen int
	off int
}

func (rr *replayReader) Read(p []byte) (int, error) {
	r := rr.r
	if rr.gen != r.gen {
		return 0, errSuperseded
	}
	if rr.off < len(r.kept) {
		n := copy(p, r.kept[rr.off:])
		rr.off += n
		return n, nil
	}
	n, err := r.live.Read(p)
	if n > 0 {
		if r.valid && len(r.kept)+n <= r.keep {
			r.kept = append(r.kept, p[:n]...)
		} else {
			r.valid = false
		}
		rr.off += n
	}
	return n, err
}
