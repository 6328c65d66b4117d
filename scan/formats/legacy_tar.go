package formats

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/modelgate/modelgate/internal/parse/pickle"
	"github.com/modelgate/modelgate/internal/parse/torchlegacy"
	"github.com/modelgate/modelgate/scan"
)

// The members "storages" and "tensors" of the tar that torch.save wrote
// before 0.4 (and torch.load still reads) are not one pickle each: a
// pickle of the entry count, then per entry a pickle and raw data, read
// here as torch's legacy_load reads them. Every pickle is reported as the
// member "<tar member>/pickle#k" (k from 0); raw data is skipped by the sizes the
// pickles declare: per storage an 8-byte element count times the element
// size of the storage class the entry pickle imports, per tensor its
// dimension count, sizes, strides and offset. In a stream (a tar inside a
// gzip) each pickle is reached by decompressing afresh, which is
// quadratic in the number of entries; such files are rare and small.

// maxTensorDims bounds the dimensions of one tensor entry.
const maxTensorDims = 64

// scanTorchTarMember scans the member if it is "storages" or "tensors"
// starting with a pickle of any protocol (torch.save wrote protocol 2,
// but legacy_load takes whatever pickle.load takes), and reports whether
// it did.
func scanTorchTarMember(s *scan.Session, in *scan.Input) bool {
	if (in.Name != "storages" && in.Name != "tensors") || !(rawPickle{}).Match(in) {
		return false
	}
	s.Read(in)
	t := &torchTarEntries{s: s, in: in}
	if err := t.scan(); err != nil {
		var stop errStop
		if !errors.As(err, &stop) {
			legacyMalformed(s, in, t.off, err)
		}
	}
	return true
}

// errStop ends the entries at a pickle the loader would fail on; the
// policy has reported it already.
type errStop struct{}

func (errStop) Error() string { return "pickle failed" }

type torchTarEntries struct {
	s   *scan.Session
	in  *scan.Input
	off int64
	k   int
}

// next reads the next pickle at t.off, reports it and returns it; its
// FrameEnd is its length as torch reads it: legacy_load opens the
// extracted member unbuffered, which leaves the file at the end of the
// FRAME the STOP lies in (pickle.Result.FrameRests).
func (t *torchTarEntries) next() (*pickle.Result, error) {
	t.k++
	res, err := readPickleAt(t.s, t.in, t.off, true)
	if err != nil {
		return nil, err
	}
	t.s.Pickle(legacyMember(t.in, "pickle#"+strconv.Itoa(t.k-1)), res, "")
	if res.Err != nil || res.Limit != nil || res.Pickles != 1 {
		return nil, errStop{}
	}
	return res, nil
}

// bytesAt reads n bytes at off.
func (t *torchTarEntries) bytesAt(off, n int64) ([]byte, error) {
	r, c, err := openAt(t.in, off)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("read %d bytes at offset %d: %w", n, off, err)
	}
	return b, nil
}

func (t *torchTarEntries) scan() error {
	res, err := t.next()
	if err != nil {
		return err
	}
	if res.FrameEnd > 4096 {
		return fmt.Errorf("entry count pickle of %d bytes", res.FrameEnd)
	}
	b, err := t.bytesAt(t.off, res.End)
	if err != nil {
		return err
	}
	count, err := torchlegacy.Count(res, b)
	if err != nil {
		return fmt.Errorf("entry count is not a plain int: %w", err)
	}
	if count < 0 || count > int64(t.s.Limits().MaxMembers) {
		return fmt.Errorf("%d entries, over %d: %w", count, t.s.Limits().MaxMembers, scan.ErrLimit)
	}
	t.off += res.FrameEnd
	for range count {
		res, err := t.next()
		if err != nil {
			return err
		}
		t.off += res.FrameEnd
		if t.in.Name == "storages" {
			err = t.skipStorage(res.Returned)
		} else {
			err = t.skipTensor()
		}
		if err != nil {
			return err
		}
	}
	if t.in.Name == "storages" { // the storage views
		res, err := t.next()
		if err != nil {
			return err
		}
		t.off += res.FrameEnd
	}
	return legacyAfter(t.s, t.in, t.off, "the last entry")
}

// skipStorage skips the data of one storage entry whose pickle returned
// ret: torch's legacy_load unpacks it as (key, location, storage_type)
// and sizes the data by storage_type.dtype, the class in the tuple, not
// whichever storage class the pickle imports first or last.
func (t *torchTarEntries) skipStorage(ret pickle.Returned) error {
	if ret.Value.Kind != pickle.ArgTuple || len(ret.Items) != 3 || ret.Items[2].Kind != pickle.ArgGlobal {
		return fmt.Errorf("storage entry pickle#%d is not (key, location, storage class)", t.k)
	}
	typ := ret.Items[2].Global.String()
	es, ok := torchlegacy.ElementSize(typ)
	if !ok {
		return fmt.Errorf("storage entry pickle#%d names %s, no storage class torch sizes", t.k, typ)
	}
	b, err := t.bytesAt(t.off, 8)
	if err != nil {
		return err
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(1<<62)/uint64(es) {
		return fmt.Errorf("storage entry pickle#%d: %d elements of %s", t.k, n, typ)
	}
	return t.skip(8 + int64(n)*es)
}

// skipTensor skips one tensor entry: ndim (4 bytes and 4 unused), sizes,
// strides and the storage offset.
func (t *torchTarEntries) skipTensor() error {
	b, err := t.bytesAt(t.off, 4)
	if err != nil {
		return err
	}
	ndim := int64(int32(binary.LittleEndian.Uint32(b)))
	if ndim < 0 || ndim > maxTensorDims {
		return fmt.Errorf("tensor entry pickle#%d: %d dimensions", t.k, ndim)
	}
	return t.skip(8 + 16*ndim + 8)
}

func (t *torchTarEntries) skip(n int64) error {
	if t.in.Size >= 0 && t.off+n > t.in.Size {
		return fmt.Errorf("entry after pickle#%d: %d bytes declared, %d left", t.k, n, t.in.Size-t.off)
	}
	t.off += n
	return nil
}
