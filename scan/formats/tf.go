package formats

import (
	"errors"
	"fmt"
	"path"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/keras"
	"github.com/modelgate/modelgate/internal/parse/pbtxt"
	"github.com/modelgate/modelgate/internal/parse/tfgraph"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

// tfGraph recognises TensorFlow SavedModel (saved_model.pb, or its text
// form saved_model.pbtxt) and frozen GraphDef files by their name or
// protobuf structure and reports ops that touch
// the file system or run Python, in the graph and in its function library.
type tfGraph struct{}

var _ scan.Format = tfGraph{}

func (tfGraph) Name() string { return "tensorflow" }

// Match takes a file named saved_model.pb, which TensorFlow's loader
// reads as a SavedModel whatever its bytes, and otherwise checks the
// first fields in the head: a SavedModel has only schema versions and
// meta graphs at its top level, in any order; a GraphDef starts with a
// node whose name and op are plausible.
func (tfGraph) Match(in *scan.Input) bool {
	return savedModelName(in.Name) || savedModelTextName(in.Name) || tfgraph.SniffSavedModel(in.Head, in.Size) || tfgraph.SniffGraphDef(in.Head, in.Size)
}

// savedModelName reports whether name is the file tf.saved_model.load
// reads from a SavedModel folder.
func savedModelName(name string) bool { return path.Base(name) == "saved_model.pb" }

// savedModelTextName reports whether name is the text form the loader
// reads when the folder has no saved_model.pb.
func savedModelTextName(name string) bool { return path.Base(name) == "saved_model.pbtxt" }

func (tfGraph) Scan(s *scan.Session, in *scan.Input) error {
	b, done, err := wholeInput(s, in)
	if err != nil {
		return err
	}
	defer done()
	s.Read(in)
	var g *tfgraph.Graph
	guardFaults(func() {
		if savedModelTextName(in.Name) {
			g, err = tfgraph.ParseSavedModelText(b, s.Limits().TensorFlow)
			s.Trick(in, policy.Trick{Kind: policy.TrickTextProto, Offset: -1, Detail: "a SavedModel in protobuf text format " +
				"(saved_model.pbtxt): tf.saved_model.load reads it when the folder has no saved_model.pb"})
			return
		}
		if savedModelName(in.Name) {
			g, err = tfgraph.ParseSavedModel(b, s.Limits().TensorFlow)
			return
		}
		g, err = tfgraph.Parse(b, s.Limits().TensorFlow)
	})
	switch {
	case errors.Is(err, tfgraph.ErrFormat):
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "TensorFlow graph does not parse: " + err.Error()})
	case errors.Is(err, pbtxt.ErrLimit):
		s.Unscannable(in, fmt.Errorf("%w (%w)", err, scan.ErrLimit))
	case err != nil:
		return err
	}
	if g == nil {
		return nil
	}
	reportIrregular(s, in, g.Irregular)
	for _, f := range s.Policy().TensorFlow(g.Nodes) {
		s.Report(in, f)
	}
	if g.Truncated {
		s.Unscannable(in, fmt.Errorf("more than %d graph nodes: %w", s.Limits().TensorFlow.MaxNodes, scan.ErrLimit))
	}
	return nil
}

// kerasMetadata recognises keras_metadata.pb, the Keras configs of a
// TensorFlow SavedModel saved by Keras 2, and analyses each object's
// config like a Keras model config.
type kerasMetadata struct{}

var _ scan.Format = kerasMetadata{}

func (kerasMetadata) Name() string { return "keras-metadata" }

func (kerasMetadata) Match(in *scan.Input) bool { return tfgraph.SniffKerasMetadata(in.Head) }

func (kerasMetadata) Scan(s *scan.Session, in *scan.Input) error {
	b, done, err := wholeInput(s, in)
	if err != nil {
		return err
	}
	defer done()
	s.Read(in)
	var objs []tfgraph.KerasObject
	guardFaults(func() { objs, err = tfgraph.KerasMetadata(b) })
	for _, o := range objs {
		if o.Metadata != "" {
			reportKeras(s, in, keras.Analyze([]byte(o.Metadata), s.Limits().Keras, s.Policy().KerasSideEffects()), o.Path+".")
		}
	}
	if errors.Is(err, tfgraph.ErrFormat) {
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "Keras metadata does not parse: " + err.Error()})
		return nil
	}
	return err
}
