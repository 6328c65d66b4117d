package formats

import (
	"fmt"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
)

// Default returns the formats modelgate knows, most specific first: the
// first that matches an input scans it. Formats that do not read their
// input as pickles from its first byte are wrapped by alsoPickle, so that a
// polyglot is read the way pickle.load would read it too.
func Default() []scan.Format {
	return []scan.Format{
		alsoPickle{lfsPointer{}},
		alsoPickle{kerasZip{}}, alsoPickle{kerasH5{}}, alsoPickle{ggufModel{}}, alsoPickle{safetensorsModel{}},
		alsoPickle{onnxModel{}}, alsoPickle{kerasMetadata{}}, alsoPickle{tfGraph{}}, kerasFolder{},
		alsoPickle{tfliteModel{}}, alsoPickle{ortAdapter{}}, alsoPickle{tfjsModel{}},
		zipArchive{kindTorchZip},
		zipArchive{kindTorchScript},
		zipArchive{kindNpz},
		alsoPickle{npyArray{}},
		zipArchive{kindZip},
		torchLegacy{},
		joblibDump{},
		alsoPickle{joblibZFile{}},
		alsoPickle{tarArchive{}},
		alsoPickle{sevenZip{}},
		alsoPickle{gzipStream},
		alsoPickle{bzip2Stream},
		alsoPickle{xzStream},
		alsoPickle{lzmaStream},
		alsoPickle{zlibStream},
		alsoPickle{lz4Stream},
		alsoPickle{hdf5UserBlock{}},
		rawPickle{},
	}
}

// alsoPickle wraps a format that does not read its input as pickles: after
// the format's own scan, the input is read as a pickle from its first byte
// too when it is one (pickleToo).
type alsoPickle struct{ scan.Format }

var _ scan.Format = alsoPickle{}

// Scan runs the wrapped format, reports its error as the engine would, then
// looks for the pickle.
func (p alsoPickle) Scan(s *scan.Session, in *scan.Input) error {
	if err := p.Format.Scan(s, in); err != nil {
		s.Unscannable(in, fmt.Errorf("%s: %w", p.Format.Name(), err))
	}
	s.SetFormat(in, pickleToo(s, p.Format, in, s.FormatName(in, p.Format.Name())))
	return nil
}

// pickleToo scans in as pickles from its first byte when a format that
// does not read it that way matched it, yet it is a pickle too: a zlib
// stream whose header bytes are pickle opcodes, a tar whose first member
// name is a pickle, an HDF5 file with a pickle in its user block.
// pickle.load, joblib.load and torch.load read the pickle; the other
// format's reader reads the rest. Such a file is a polyglot when the
// pickle can do something: it imports a global or hits a bound (a tar
// whose first member is named "N." is a pickle of None, and a
// safetensors header length of 128 reads as PROTO 0, then fails). It
// returns the name of the format to report: name, or "pickle" when the
// other format found nothing it knows (a zlib stream of no known
// content).
//
// A zip is left out: data before the archive is scanned as an input of
// its own (zipArchive.scanPrefix), and the formats that
// read pickles from the first byte already are not wrapped (Default), and an archive that starts at the
// first byte starts with "PK", PERSID, which no loader reads at the top.
func pickleToo(s *scan.Session, f scan.Format, in *scan.Input, name string) string {
	if len(in.Head) == 0 || !isPickleOpcode(in.Head[0]) || !sniffPickle(in) {
		return name
	}
	res, fork, err := readForked(in, s.PickleOptions())
	if res == nil || (len(res.Imports) == 0 && res.Limit == nil && err == nil) {
		return name
	}
	what := name
	if what == "" {
		what, name = f.Name(), "pickle"
	}
	s.Report(in, finding.Finding{Rule: finding.RulePolyglot, Offset: 0, Message: fmt.Sprintf(
		"a %s that is also a pickle from its first byte: pickle.load, joblib.load and torch.load run the pickle; it was scanned as one", what)})
	if err != nil && res.Err != nil && strings.HasPrefix(res.Err.Msg, "read: ") {
		res.Err = nil // the input failed, not the pickle: reported below
	}
	s.Pickle(in, res, "read as a pickle: ")
	if err == nil {
		err = otherReadings(s, in, res, fork)
	}
	if err != nil {
		s.Unscannable(in, fmt.Errorf("read as a pickle: %w", err))
	}
	return name
}
