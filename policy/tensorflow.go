package policy

import (
	"fmt"
	"path"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/tfgraph"
)

// tensorFlowOps are the ops reported, with what they do. Checkpoint ops
// (SaveV2, RestoreV2, MergeV2Checkpoints, ShardedFilename) are left out:
// every SavedModel has them in its saver, fed with the checkpoint path at
// run time. InitializeTableFromTextFile is left out too: it reads the
// vocabulary assets of text models.
var tensorFlowOps = map[string]string{
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
	"CSVDataset":         "reads files", "CSVDatasetV2": "reads files", "ExperimentalCSVDataset": "reads files",
	"LMDBDataset": "reads files", "ExperimentalLMDBDataset": "reads files",
	"SqlDataset": "reads a database file", "ExperimentalSqlDataset": "reads a database file",
	"RecordInput":     "reads files",
	"SnapshotDataset": "writes and reads snapshot files", "SnapshotDatasetV2": "writes and reads snapshot files",
	"DebugIdentityV3":    "writes to debug URLs",
	"DataServiceDataset": "connects to a tf.data service", "DataServiceDatasetV2": "connects to a tf.data service",
	"DataServiceDatasetV3": "connects to a tf.data service", "DataServiceDatasetV4": "connects to a tf.data service",
	// Not TensorFlow ops: names other scanners list, which only a custom
	// op library could provide.
	"ShellExecute": "runs commands", "ExecuteOp": "runs commands", "PyCall": "runs Python",
}

// tensorFlowFunctions are TensorFlow API functions (as TFOpLambda names
// them, without "tf.") that run Python or touch files.
var tensorFlowFunctions = map[string]string{
	"py_function": "runs Python", "numpy_function": "runs Python", "compat.v1.py_func": "runs Python",
	"io.read_file": "reads a file", "io.write_file": "writes a file", "io.matching_files": "lists files",
	"io.gfile.glob": "lists files", "raw_ops.ReadFile": "reads a file", "raw_ops.WriteFile": "writes a file",
	"raw_ops.PyFunc": "runs Python", "raw_ops.EagerPyFunc": "runs Python", "raw_ops.PyFuncStateless": "runs Python",
	"compat.v1.read_file": "reads a file", "compat.v1.write_file": "writes a file",
}

// printsToFile reports a PrintV2 node whose output_stream is a file
// ("file://path"): the kernel appends the printed string to that file
// when the op runs, an init op of a SavedModel at load.
func printsToFile(n tfgraph.Node) (string, bool) {
	if n.Op != "PrintV2" {
		return "", false
	}
	out, ok := n.Attrs["output_stream"]
	if !ok || !strings.HasPrefix(out, "file://") {
		return "", false
	}
	return "appends to the file its output_stream names, " + finding.Quote(out, 200), true
}

// readsDescriptor reports a DecodeProtoV2 or EncodeProto node whose
// descriptor_source names a file: the kernel reads that file when it is
// built ("local://", the default, uses the descriptors linked in;
// "bytes://" carries them inline).
func readsDescriptor(n tfgraph.Node) (string, bool) {
	if n.Op != "DecodeProtoV2" && n.Op != "EncodeProto" {
		return "", false
	}
	src, ok := n.Attrs["descriptor_source"]
	if !ok || src == "" || src == "local://" || strings.HasPrefix(src, "bytes://") {
		return "", false
	}
	return "reads the descriptor file its descriptor_source names, " + finding.Quote(src, 200), true
}

// checkpointOps read or write checkpoint files at the path their first
// input gives. The saver's are fed the variables path by the loader; one
// whose path is a constant of the graph touches that file.
var checkpointOps = map[string]string{
	"SaveV2": "writes checkpoint files", "RestoreV2": "reads checkpoint files", "MergeV2Checkpoints": "merges and deletes checkpoint files",
	"Save": "writes a checkpoint file", "SaveSlices": "writes a checkpoint file", "Restore": "reads a checkpoint file",
	"RestoreSlice": "reads a checkpoint file",
}

// constantCheckpoint reports a checkpoint op that runs at load with a
// path that is a constant the loader does not feed and that is not under
// the SavedModel's variables/ folder; and, wherever it runs, one whose
// constant path is absolute or climbs with "..", or lies behind more
// Identity nodes than the parser follows (fail closed). A saver's ops that only
// run when called, with a relative or empty default path, are how
// exporters write them.
func constantCheckpoint(n tfgraph.Node) (string, bool) {
	what, ok := checkpointOps[n.Op]
	switch {
	case !ok:
		return "", false
	case n.First.Deep:
		return fmt.Sprintf("%s at a path behind more than %d Identity nodes (tfgraph.MaxIdentity), not followed to its end", what, tfgraph.MaxIdentity), true
	case n.First.Op != "Const" || n.First.Fed:
		return "", false
	}
	v := n.First.Value
	clean := path.Clean(strings.ReplaceAll(v, `\`, "/"))
	escapes := strings.HasPrefix(clean, "/") || clean == ".." || strings.HasPrefix(clean, "../") || len(v) >= 2 && v[1] == ':'
	if strings.HasPrefix(clean, "variables/") || clean == "variables" || n.AtLoad == "" && !escapes {
		return "", false
	}
	return what + " at the constant path " + finding.Quote(v, 200) + " (node " + finding.Quote(n.First.Name, 100) +
		"), which the loader does not replace with the SavedModel's variables", true
}

// TensorFlow turns the nodes of a TensorFlow graph (and of its function
// library) into findings: one for each op that touches files or runs
// Python when the graph runs, saying whether it runs when the SavedModel
// is loaded (tfgraph.Graph.Reach).
func (p *Judge) TensorFlow(nodes []tfgraph.Node) []finding.Finding {
	var out []finding.Finding
	for _, n := range nodes {
		what, ok := tensorFlowOps[n.Op]
		if w, fileOut := printsToFile(n); fileOut {
			what, ok = w, true
		}
		if w, constant := constantCheckpoint(n); constant {
			what, ok = w, true
		}
		if w, file := readsDescriptor(n); file {
			what, ok = w, true
		}
		if !ok {
			continue
		}
		key, where := n.Name, "graph"
		if n.Function != "" {
			key, where = n.Function+"/"+n.Name, "function "+finding.Quote(n.Function, 200)
		}
		when := "; it runs when the graph or a signature is called"
		if n.AtLoad != "" {
			when = "; it runs when the SavedModel is loaded, reached from " + finding.Plain(n.AtLoad)
		}
		out = append(out, finding.Finding{Rule: finding.RuleTensorFlowOp, Offset: n.Offset, Key: finding.Plain(key), Callable: n.Op,
			Message: fmt.Sprintf("TensorFlow op %s (%s) in node %s of the %s%s", n.Op, what, finding.Quote(n.Name, 200), where, when)})
	}
	return out
}
