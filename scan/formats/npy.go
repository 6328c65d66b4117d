package formats

import (
	"errors"
	"fmt"
	"io"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/npy"
	"github.com/modelgate/modelgate/scan"
)

// npyArray is NumPy's .npy file, alone or as a member of an .npz.
//
// Decisions:
//   - Only the header is parsed (package npy). A numeric array costs that
//     read and reports nothing: numpy never unpickles its data.
//   - A dtype that holds Python objects means numpy.load (with
//     allow_pickle=True) unpickles the data right after the header: it is
//     read with pickle.Read from there, offsets relative to the pickle's
//     start, which each message names. A dtype npy does not know is read
//     the same way (fail closed), and the message says so.
//   - A header numpy would refuse is a malformed-format finding: nothing
//     after it is loaded. But numpy parses the header with
//     ast.literal_eval and checks it loosely (comments, implicit string
//     concatenation, a shape of (True,) or (-1,) all pass), so a header
//     package npy does not understand is not taken as refused: the data
//     after it is read as a pickle too when it is one (fail closed). So is numeric data shorter than the header
//     declares (a truncated file), when the size is known. A header over npy's size bound is inconclusive.
type npyArray struct{}

var _ scan.Format = npyArray{}

func (npyArray) Name() string { return "npy" }

func (npyArray) Match(in *scan.Input) bool { return in.HasPrefix(npy.Magic) }

func (npyArray) Scan(s *scan.Session, in *scan.Input) error {
	s.Read(in)
	rc, err := in.Open()
	if err != nil {
		return err
	}
	h, err := npy.ReadHeader(rc, s.Limits().NPY)
	rc.Close()
	switch {
	case errors.Is(err, npy.ErrHeaderSize):
		return fmt.Errorf("%w: %w", err, scan.ErrLimit)
	case errors.Is(err, npy.ErrHeaderParse):
		return scanNpyFallback(s, in, h, err)
	case err != nil:
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: 0, Message: "numpy would refuse this array: " + finding.Quote(err.Error(), 300)})
		return nil
	case !h.Object && !h.Unknown:
		if need, ok := h.DataSize(); ok && in.Size >= 0 && in.Size-h.DataOffset < need {
			s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: h.DataOffset, Message: fmt.Sprintf(
				"array data truncated: the header declares %d bytes, %d present; numpy would refuse it", need, max(in.Size-h.DataOffset, 0))})
		}
		return nil
	}
	what := "object array"
	if !h.Object {
		what = "array of unknown dtype " + finding.Quote(h.Descr, 80) + " read as a pickle"
	}
	prefix := fmt.Sprintf("%s: pickle at byte %d (offsets from there): ", what, h.DataOffset)
	_, err = scanPickleAt(s, in, h.DataOffset, true, prefix)
	return err
}

// scanNpyFallback handles a header package npy did not understand, which
// numpy may yet accept (its literal_eval and checks are looser than any
// re-implementation): it is a malformed-format finding, and the data
// after the header, when it reads as a pickle, is scanned as the pickle
// numpy.load(allow_pickle=True) would run.
func scanNpyFallback(s *scan.Session, in *scan.Input, h *npy.Header, herr error) error {
	s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: 0, Message: "numpy would refuse this array, or read it in a way modelgate does not follow: " + finding.Quote(herr.Error(), 300)})
	if in.Size >= 0 && h.DataOffset >= in.Size {
		return nil
	}
	data, err := npyData(in, h.DataOffset)
	if err != nil || !(rawPickle{}).Match(data) {
		return nil
	}
	prefix := fmt.Sprintf("header not understood, data read as a pickle at byte %d (offsets from there): ", h.DataOffset)
	_, err = scanPickleAt(s, in, h.DataOffset, true, prefix)
	return err
}

// npyData returns the input of the bytes after an npy header.
func npyData(in *scan.Input, off int64) (*scan.Input, error) {
	if in.At != nil {
		return scan.NewSectionInput(in.Chain, in.Name, io.NewSectionReader(in.At, off, in.Size-off), in.Size-off)
	}
	size := int64(-1)
	if in.Size >= 0 {
		size = in.Size - off
	}
	return scan.NewStreamInput(in.Chain, in.Name, size, func() (io.ReadCloser, error) {
		r, c, err := openAt(in, off)
		if err != nil {
			return nil, err
		}
		return readCloser{r, c}, nil
	})
}
