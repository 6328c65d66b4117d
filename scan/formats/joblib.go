package formats

import (
	"bytes"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pickle"
	"github.com/modelgate/modelgate/scan"
)

// joblibDump is a file written by joblib.dump: a pickle in which every
// NumPy array is a NumpyArrayWrapper whose BUILD is followed inline by the
// array's raw bytes (or, for object arrays, by a nested pickle). Compressed
// dumps are the same pickle inside a zlib, gzip, bz2, xz, lzma or lz4
// stream, which the compressed formats unwrap.
//
// Decisions:
//   - One entry point reads every pickle stream, scanPickleStream, with
//     Options.Joblib set: a stream without joblib's wrappers reads exactly
//     as without it, so a joblib dump is read correctly whichever format
//     matched it, and its format is then named "joblib".
//   - Inline arrays are skipped without reading them: by Seek when the
//     input has random access, by discarding in a decompressed stream. The
//     cost follows the pickle bytes, not the array bytes.
//   - Matched when the head is a pickle that names joblib's wrapper; a dump
//     whose first wrapper comes later is matched by the raw pickle format
//     and still named "joblib" by scanPickleStream.
type joblibDump struct{}

var _ scan.Format = joblibDump{}

func (joblibDump) Name() string { return "joblib" }

func (joblibDump) Match(in *scan.Input) bool {
	h := in.Head
	return len(h) > 2 && h[0] == 0x80 && h[1] <= 5 && bytes.Contains(h, []byte("joblib.numpy_pickle")) &&
		bytes.Contains(h, []byte("ArrayWrapper"))
}

func (joblibDump) Scan(s *scan.Session, in *scan.Input) error { return scanPickleStream(s, in) }

// scanPickleStream reads every pickle of a stream that is pickles from
// its first byte (a raw pickle file, a joblib dump, an archive member)
// as joblib.load reads it, then as pickle.load from where the two part
// (otherReadings), and names the format "joblib" when the stream uses
// joblib's array wrappers: the one entry point of the pickle formats.
func scanPickleStream(s *scan.Session, in *scan.Input) error {
	res, fork, err := readForked(in, s.PickleOptions())
	if res, err = judgeRead(s, in, res, err, ""); res == nil {
		return err
	}
	if usesJoblib(res) {
		s.SetFormat(in, "joblib")
	}
	if err2 := otherReadings(s, in, res, fork); err == nil {
		err = err2
	}
	if err2 := frameRestReading(s, in, res); err == nil {
		err = err2
	}
	return err
}

// usesJoblib reports whether a stream imports joblib's array wrappers.
func usesJoblib(res *pickle.Result) bool {
	for _, im := range res.Imports {
		if im.Global.Module == "joblib.numpy_pickle" && strings.HasSuffix(im.Global.Name, "ArrayWrapper") {
			return true
		}
	}
	return false
}
