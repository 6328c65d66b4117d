package formats

import (
	"errors"
	"fmt"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/keras"
	"github.com/modelgate/modelgate/internal/parse/tfgraph"
	"github.com/modelgate/modelgate/scan"
)

// tfGraph recognises TensorFlow SavedModel (saved_model.pb) and frozen
// GraphDef files by their protobuf structure and reports ops that touch
// the file system or run Python, in the graph and in its function library.
type tfGraph struct{}

var _ scan.Format = tfGraph{}

// tfRiskyOps are the ops reported, with what they do. Checkpoint ops
// (SaveV2, RestoreV2, MergeV2Checkpoints, ShardedFilename) are left out:
// every SavedModel has them in its saver, fed with the checkpoint path at
// run time. InitializeTableFromTextFile is left out too: it reads the
// vocabulary assets of text models.
var tfRiskyOps = map[string]string{
	"ReadFile": "reads a file", "WriteFile": "writes a file", "MatchingFiles": "lists files",
	"PyFunc": "runs Python", "PyFuncStateless": "runs Python", "EagerPyFunc": "runs Python",
	"ImmutableConst":  "maps a file into memory",
	"WholeFileReader": "reads files", "WholeFileReaderV2": "reads files",
	"TextLineReader": "reads files", "TextLineReaderV2": "reads files",
	"FixedLengthRecordReader": "reads files", "FixedLengthRecordReaderV2": "reads files",
	"TFRecordReader": "reads files", "TFRecordReaderV2": "reads files", "LMDBReader": "reads files",
	"TextLineDataset": "reads files", "TFRecordDataset": "reads files", "FixedLengthRecordDataset": "reads files",
	"FixedLengthRecordDatasetV2": "reads files", "TFRecordDatasetV2": "reads files",
	"SaveDataset": "writes files", "SaveDatasetV2": "writes files", "LoadDataset": "reads files",
	"DatasetToTFRecord": "writes files", "ExperimentalDatasetToTFRecord": "writes files",
	"CreateSummaryFileWriter": "writes files", "CreateSummaryDbWriter": "writes files",
	"DebugIdentity": "writes to debug URLs", "DebugIdentityV2": "writes to debug URLs",
	"DebugNanCount": "writes to debug URLs", "DebugNumericSummary": "writes to debug URLs",
	"LoadAndRemapMatrix": "reads a checkpoint file",
	// Not TensorFlow ops: names other scanners list, which only a custom
	// op library could provide.
	"ShellExecute": "runs commands", "ExecuteOp": "runs commands", "PyCall": "runs Python",
}

// tfRiskyFunctions are TensorFlow API functions (as TFOpLambda names
// them, without "tf.") that run Python or touch files.
var tfRiskyFunctions = map[string]string{
	"py_function": "runs Python", "numpy_function": "runs Python", "compat.v1.py_func": "runs Python",
	"io.read_file": "reads a file", "io.write_file": "writes a file", "io.matching_files": "lists files",
	"io.gfile.glob": "lists files", "raw_ops.ReadFile": "reads a file", "raw_ops.WriteFile": "writes a file",
	"raw_ops.PyFunc": "runs Python", "raw_ops.EagerPyFunc": "runs Python", "raw_ops.PyFuncStateless": "runs Python",
	"compat.v1.read_file": "reads a file", "compat.v1.write_file": "writes a file",
}

func (tfGraph) Name() string { return "tensorflow" }

// Match checks the first fields in the head: a SavedModel starts with
// schema version 1 and a meta graph; a GraphDef with a node whose name and
// op are plausible, or with its function library.
func (tfGraph) Match(in *scan.Input) bool {
	return tfgraph.SniffSavedModel(in.Head, in.Size) || tfgraph.SniffGraphDef(in.Head, in.Size)
}

func (tfGraph) Scan(s *scan.Session, in *scan.Input) error {
	b, done, err := wholeInput(s, in)
	if err != nil {
		return err
	}
	defer done()
	s.Read(in)
	var g *tfgraph.Graph
	guardFaults(func() { g, err = tfgraph.Parse(b, tfgraph.DefaultOptions()) })
	if errors.Is(err, tfgraph.ErrFormat) {
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "TensorFlow graph does not parse: " + err.Error()})
		return nil
	}
	if err != nil {
		return err
	}
	for _, n := range g.Nodes {
		what, ok := tfRiskyOps[n.Op]
		if !ok {
			continue
		}
		key, where := n.Name, "graph"
		if n.Function != "" {
			key, where = n.Function+"/"+n.Name, "function "+scan.Quote(n.Function, 200)
		}
		s.Report(in, finding.Finding{Rule: finding.RuleTensorFlowOp, Offset: n.Offset, Key: plain(key), Callable: n.Op,
			Message: fmt.Sprintf("TensorFlow op %s (%s) in node %s of the %s", n.Op, what, scan.Quote(n.Name, 200), where)})
	}
	if g.Truncated {
		s.Unscannable(in, fmt.Errorf("more than %d graph nodes: %w", tfgraph.DefaultOptions().MaxNodes, scan.ErrLimit))
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
			reportKeras(s, in, keras.AnalyzeConfig([]byte(o.Metadata)), o.Path+".")
		}
	}
	if errors.Is(err, tfgraph.ErrFormat) {
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "Keras metadata does not parse: " + err.Error()})
		return nil
	}
	return err
}
