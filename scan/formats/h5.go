package formats

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/hdf5"
	"github.com/modelgate/modelgate/internal/parse/keras"
	"github.com/modelgate/modelgate/scan"
)

// kerasH5 recognises HDF5 files (Keras 2 .h5 models among them) and
// analyses the Keras config kept in the root group's model_config and
// training_config attributes. Weight datasets are not read.
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

func (kerasH5) Scan(s *scan.Session, in *scan.Input) error {
	r, size, err := randomAccess(s, in)
	if err != nil {
		return err
	}
	s.Read(in)
	attrs, err := hdf5.RootAttributes(r, size, s.Limits().HDF5)
	for _, a := range attrs {
		if !a.IsString || (a.Name != "model_config" && a.Name != "training_config") {
			continue
		}
		reportKeras(s, in, keras.Analyze([]byte(a.Value), s.Limits().Keras, s.Policy().KerasSideEffects()), a.Name+".")
	}
	switch {
	case errors.Is(err, hdf5.ErrFormat):
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "HDF5 file does not follow the format: " + err.Error()})
	case err != nil:
		return fmt.Errorf("root attributes: %w (%w)", err, scan.ErrLimit)
	}
	return nil
}
