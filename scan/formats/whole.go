package formats

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/modelgate/modelgate/scan"
)

// The formats whose parsers need all of an input at once (HDF5, ONNX,
// TensorFlow protobufs) read it through these helpers, bounded by
// Limits.MaxMemberSize; a file on disk is mapped rather than read.

// randomAccess returns random access to in: its own, or the whole stream
// read into memory when it is at most Limits.MaxMemberSize bytes.
func randomAccess(s *scan.Session, in *scan.Input) (io.ReaderAt, int64, error) {
	if in.At != nil {
		return in.At, in.Size, nil
	}
	b, err := readInput(s, in)
	return bytes.NewReader(b), int64(len(b)), err
}

// wholeInput returns all of in as bytes: the file mapped into memory when
// in is a file on disk, else read, up to Limits.MaxMemberSize bytes. The
// caller must call done when finished with the bytes, and parse them
// through guardFaults.
func wholeInput(s *scan.Session, in *scan.Input) (b []byte, done func(), err error) {
	if f, ok := in.At.(*os.File); ok {
		if b, unmap, ok := mapFile(f, in.Size); ok {
			return b, unmap, nil
		}
	}
	b, err = readInput(s, in)
	return b, func() {}, err
}

// guardFaults runs parse with faults on mapped memory turned into panics
// (recovered per file by the scanner) instead of a crash of the process.
func guardFaults(parse func()) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	parse()
}

// readInput reads all of in, up to Limits.MaxMemberSize bytes.
func readInput(s *scan.Session, in *scan.Input) ([]byte, error) {
	max := s.Limits().MaxMemberSize
	if in.Size > max {
		return nil, fmt.Errorf("%d bytes to read whole, over %d: %w", in.Size, max, scan.ErrLimit)
	}
	rc, err := in.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("more than %d bytes to read whole: %w", max, scan.ErrLimit)
	}
	return b, nil
}
