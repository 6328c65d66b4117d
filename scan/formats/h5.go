package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/hdf5"
	"github.com/modelgate/modelgate/internal/parse/keras"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

// kerasH5 recognises HDF5 files (Keras 2 .h5 models among them) and
// analyses the Keras config kept in the root group's model_config and
// training_config attributes. It then reads every group and dataset as
// PyTables does (pandas.read_hdf): a fixed-length string attribute value
// that ends with "." is unpickled on read, and so is each row of an object
// array (pandas' fixed format for object columns); each is scanned as an
// input of its own (pytablesPickles). Other datasets' data is not read.
type kerasH5 struct{}

var _ scan.Format = kerasH5{}

func (kerasH5) Name() string { return "hdf5" }

// Match finds the signature at offset 0, or after a user block (512 bytes
// up to 64 KiB, where HDF5 also looks) in files named like HDF5 files: the
// extra reads are not spent on every file of a checkout.
func (kerasH5) Match(in *scan.Input) bool {
	if in.HasPrefix(hdf5.Signature) {
		return true
	}
	switch strings.ToLower(path.Ext(in.Name)) {
	case ".h5", ".hdf5", ".he5", ".keras":
		return in.At != nil && hdf5.FindSuperblock(io.NewSectionReader(in.At, 0, min(in.Size, 64<<10+8)), min(in.Size, 64<<10+8)) > 0
	}
	return false
}

// hdf5UserBlock recognises an HDF5 file after a user block whatever its
// name: h5py, PyTables and pandas open any file and find the superblock at
// 512, 1024, 2048, ... bytes. It comes late in Default, so that a format
// that claims the file from its start (a zip, a tar) reads it first, and
// it is wrapped by alsoPickle, so that a pickle in the user block is read
// too.
type hdf5UserBlock struct{ kerasH5 }

var _ scan.Format = hdf5UserBlock{}

func (hdf5UserBlock) Match(in *scan.Input) bool {
	return in.At != nil && in.Size > 512 && hdf5.FindSuperblock(in.At, in.Size) > 0
}

func (kerasH5) Scan(s *scan.Session, in *scan.Input) error {
	r, size, err := randomAccess(s, in)
	if err != nil {
		return err
	}
	s.Read(in)
	if !in.HasPrefix(hdf5.Signature) {
		if off := hdf5.FindSuperblock(r, size); off > 0 {
			s.Trick(in, policy.Trick{Kind: policy.TrickH5UserBlock, Offset: off, Detail: fmt.Sprintf(
				"HDF5 superblock at offset %d, after a user block: h5py, PyTables and pandas find it there whatever the file's name", off)})
		}
	}
	attrs, err := hdf5.RootAttributes(r, size, s.Limits().HDF5)
	for _, a := range attrs {
		if !a.IsString || (a.Name != "model_config" && a.Name != "training_config") {
			continue
		}
		if a.Committed {
			s.Trick(in, policy.Trick{Kind: policy.TrickH5Committed, Offset: -1, Key: a.Name, Detail: "root attribute " + a.Name +
				" has a committed (named) datatype stored elsewhere in the file: h5py resolves it and returns the string"})
		}
		reportKeras(s, in, keras.Analyze([]byte(a.Value), s.Limits().Keras, s.Policy().KerasSideEffects()), a.Name+".")
	}
	switch {
	case errors.Is(err, hdf5.ErrFormat):
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "HDF5 file does not follow the format: " + err.Error()})
		return nil
	case err != nil:
		return fmt.Errorf("root attributes: %w (%w)", err, scan.ErrLimit)
	}
	return pytablesPickles(s, in, r, size)
}

// pytablesPickles scans, as inputs of their own, the values PyTables
// unpickles when it reads them: fixed-length string attributes (numpy
// bytes) that end with "." (tables.attributeset, AttributeSet.__getattr__)
// on any group or dataset, and the rows of object arrays (ObjectAtom).
// pandas.read_hdf reads them all. A bound hit is
// inconclusive and a feature this reader lacks unscannable (what it hides
// was not read); a part of the file below the root group that does not
// follow the format is malformed, as PyTables would fail there too.
func pytablesPickles(s *scan.Session, in *scan.Input, r io.ReaderAt, size int64) error {
	c, err := hdf5.ReadObjects(r, size, s.Limits().HDF5)
	for _, a := range c.Attributes {
		if bytes.HasSuffix(a.Raw, []byte(".")) && string(a.Raw) != "0." {
			scanValue(s, in, fmt.Sprintf("attribute %s of %s (PyTables unpickles it on read)", a.Name, a.Object), a.Raw)
		}
	}
	for _, row := range c.Rows {
		scanValue(s, in, fmt.Sprintf("row %d of %s (a PyTables object array: unpickled on read)", row.Index, row.Object), row.Data)
	}
	switch {
	case errors.Is(err, hdf5.ErrLimit):
		return fmt.Errorf("objects below the root group: %w (%w)", err, scan.ErrLimit)
	case errors.Is(err, hdf5.ErrFormat):
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "HDF5 objects below the root group not all read: " + err.Error()})
	case err != nil:
		return fmt.Errorf("objects below the root group: %w", err)
	}
	return nil
}

// scanValue scans b, a value inside in, as an input of its own named name.
func scanValue(s *scan.Session, in *scan.Input, name string, b []byte) {
	child, err := scan.NewSectionInput(in.Child(name), name, bytes.NewReader(b), int64(len(b)))
	if err != nil {
		s.Unscannable(&scan.Input{Chain: in.Child(name)}, err)
		return
	}
	child.Depth = in.Depth + 1
	s.Scan(child)
}
