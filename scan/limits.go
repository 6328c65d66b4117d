package scan

import (
	"github.com/modelgate/modelgate/internal/parse/gguf"
	"github.com/modelgate/modelgate/internal/parse/hdf5"
	"github.com/modelgate/modelgate/internal/parse/keras"
	"github.com/modelgate/modelgate/internal/parse/npy"
	"github.com/modelgate/modelgate/internal/parse/onnx"
	"github.com/modelgate/modelgate/internal/parse/ortadapter"
	"github.com/modelgate/modelgate/internal/parse/pickle"
	"github.com/modelgate/modelgate/internal/parse/pytar"
	"github.com/modelgate/modelgate/internal/parse/safetensors"
	"github.com/modelgate/modelgate/internal/parse/tfgraph"
	"github.com/modelgate/modelgate/internal/parse/tfjs"
	"github.com/modelgate/modelgate/internal/parse/tflite"
	"github.com/modelgate/modelgate/internal/parse/torchscript"
)

// Limits bounds the work spent on one file. Hitting one is reported as an
// inconclusive finding, never a crash. The zero value is not useful: start
// from DefaultLimits.
type Limits struct {
	// MaxDepth is how deep containers may nest (a pickle in a zip in a 7z
	// is depth 2).
	MaxDepth int
	// MaxMembers is how many members of one archive are looked at.
	MaxMembers int
	// MaxMemberSize is the largest decompressed member that is scanned.
	MaxMemberSize int64
	// MaxRatio is the largest decompressed-to-compressed ratio accepted
	// for a member before it is treated as a bomb (checked as it inflates).
	MaxRatio int64
	// MaxDecompressed is the total of decompressed bytes read per file.
	MaxDecompressed int64
	// MaxBuffered is the largest member held in memory when a format needs
	// random access to a member that is only a stream (a zip or 7z inside
	// a compressed stream); bigger ones are reported inconclusive.
	MaxBuffered int64
	// Pickle bounds the pickle reader (opcodes, stack, memo, operands,
	// nesting); see pickle.DefaultOptions for its defaults. Formats set
	// Size and Joblib per stream.
	Pickle pickle.Options
	// The other parsers' bounds; see each package's DefaultOptions.
	Keras       keras.Options
	HDF5        hdf5.Options
	ONNX        onnx.Options
	TensorFlow  tfgraph.Options
	GGUF        gguf.Options
	Safetensors safetensors.Options
	NPY         npy.Options
	TorchScript torchscript.Options
	TFLite      tflite.Options
	ORTAdapter  ortadapter.Options
	TFJS        tfjs.Options
	// Tar bounds the tar reader (long names, PAX headers, sparse maps);
	// its member count is MaxMembers.
	Tar pytar.Options
}

// DefaultLimits returns the documented defaults: nesting 4, 100 000
// members, 4 GiB per member, ratio 1000, 16 GiB decompressed per file,
// 256 MiB buffered per member that needs random access, and each parser's
// own defaults.
func DefaultLimits() Limits {
	return Limits{
		MaxDepth:        4,
		MaxMembers:      100_000,
		MaxMemberSize:   4 << 30,
		MaxRatio:        1000,
		MaxDecompressed: 16 << 30,
		MaxBuffered:     256 << 20,
		Pickle:          pickle.DefaultOptions(),
		Keras:           keras.DefaultOptions(),
		HDF5:            hdf5.DefaultOptions(),
		ONNX:            onnx.DefaultOptions(),
		TensorFlow:      tfgraph.DefaultOptions(),
		GGUF:            gguf.DefaultOptions(),
		Safetensors:     safetensors.DefaultOptions(),
		NPY:             npy.DefaultOptions(),
		TorchScript:     torchscript.DefaultOptions(),
		TFLite:          tflite.DefaultOptions(),
		ORTAdapter:      ortadapter.DefaultOptions(),
		TFJS:            tfjs.DefaultOptions(),
		Tar:             pytar.DefaultOptions(),
	}
}
