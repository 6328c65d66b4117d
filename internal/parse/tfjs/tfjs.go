// Package tfjs reads the model.json of a TensorFlow.js model: its format
// (layers-model, graph-model), the ops of a graph model (graph, function
// library, initializer), the class names of a layers model's Keras-style
// topology, and the weights manifest (shard paths and the bytes the
// weight specs call for). Weight shards are never read.
//
// Decisions:
//   - JSON is read as JavaScript's JSON.parse reads it, which is what
//     TensorFlow.js loads with: NaN and Infinity are errors, a duplicate
//     key keeps its last value. Go's encoding/json reads the same.
//   - TensorFlow.js runs no Python; what a model.json can make a loader do
//     is run the ops of its graph and fetch the shard paths it names,
//     relative to the model.json (a file:// or http:// path that leaves
//     the folder reads something else). The facts are those; the policy
//     judges them.
//   - Bounds: Options.MaxBytes for the file, MaxNodes for ops and classes.
package tfjs

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrFormat marks a file that is not a TensorFlow.js model.json.
var ErrFormat = errors.New("invalid tensorflow.js model")

// Options bounds the reading.
type Options struct {
	// MaxBytes is the largest model.json read (default 256 MiB).
	MaxBytes int64
	// MaxNodes bounds the ops and class names kept (default 1 000 000).
	MaxNodes int
}

// DefaultOptions returns the default bounds.
func DefaultOptions() Options { return Options{MaxBytes: 256 << 20, MaxNodes: 1_000_000} }

// Node is one op of a graph model.
type Node struct {
	Name, Op string
	// Function is the library function holding the node ("" for the graph).
	Function string
}

// Model is what a model.json says.
type Model struct {
	Format, GeneratedBy, ConvertedBy string
	Nodes                            []Node
	// Classes are the class_name values of a layers model's topology.
	Classes     []string
	WeightPaths []string
	// WeightBytes is the total size the weight specs call for.
	WeightBytes int64
}

type nodeDef struct {
	Name string `json:"name"`
	Op   string `json:"op"`
}

type graphDef struct {
	Node    []nodeDef `json:"node"`
	Library struct {
		Function []struct {
			Signature struct {
				Name string `json:"name"`
			} `json:"signature"`
			NodeDef []nodeDef `json:"nodeDef"`
		} `json:"function"`
	} `json:"library"`
}

type modelJSON struct {
	Format           string          `json:"format"`
	GeneratedBy      string          `json:"generatedBy"`
	ConvertedBy      *string         `json:"convertedBy"`
	ModelTopology    json.RawMessage `json:"modelTopology"`
	ModelInitializer json.RawMessage `json:"modelInitializer"`
	WeightsManifest  []struct {
		Paths   []string `json:"paths"`
		Weights []struct {
			Name  string  `json:"name"`
			Shape []int64 `json:"shape"`
			Dtype string  `json:"dtype"`
		} `json:"weights"`
	} `json:"weightsManifest"`
}

// Parse reads a model.json.
func Parse(b []byte, opt Options) (*Model, error) {
	if int64(len(b)) > opt.MaxBytes {
		return nil, fmt.Errorf("model.json of %d bytes is over the limit of %d", len(b), opt.MaxBytes)
	}
	var j modelJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, jsonOffset(err))
	}
	if len(j.ModelTopology) == 0 && j.WeightsManifest == nil {
		return nil, fmt.Errorf("%w: no modelTopology and no weightsManifest", ErrFormat)
	}
	m := &Model{Format: j.Format, GeneratedBy: j.GeneratedBy}
	if j.ConvertedBy != nil {
		m.ConvertedBy = *j.ConvertedBy
	}
	for _, g := range []json.RawMessage{j.ModelTopology, j.ModelInitializer} {
		if err := m.topology(g, opt); err != nil {
			return m, err
		}
	}
	for _, group := range j.WeightsManifest {
		m.WeightPaths = append(m.WeightPaths, group.Paths...)
		for _, w := range group.Weights {
			m.WeightBytes += specBytes(w.Shape, w.Dtype)
		}
	}
	return m, nil
}

// topology collects the ops of a graph and the class names of a layers
// topology (a model.json may hold either; both are looked for).
func (m *Model) topology(raw json.RawMessage, opt Options) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var g graphDef
	if err := json.Unmarshal(raw, &g); err == nil {
		for _, n := range g.Node {
			m.Nodes = append(m.Nodes, Node{Name: n.Name, Op: n.Op})
		}
		for _, f := range g.Library.Function {
			for _, n := range f.NodeDef {
				m.Nodes = append(m.Nodes, Node{Name: n.Name, Op: n.Op, Function: f.Signature.Name})
			}
		}
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("%w: modelTopology: %w", ErrFormat, jsonOffset(err))
	}
	classes(v, &m.Classes, opt.MaxNodes)
	if len(m.Nodes) > opt.MaxNodes || len(m.Classes) >= opt.MaxNodes {
		return fmt.Errorf("%w: more than %d nodes or classes", ErrFormat, opt.MaxNodes)
	}
	return nil
}

// classes collects every "class_name" string value under v.
func classes(v any, out *[]string, max int) {
	if len(*out) >= max {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		if c, ok := t["class_name"].(string); ok {
			*out = append(*out, c)
		}
		for _, x := range t {
			classes(x, out, max)
		}
	case []any:
		for _, x := range t {
			classes(x, out, max)
		}
	}
}

// specBytes is the size of one weight spec's data, 0 when unknown.
func specBytes(shape []int64, dtype string) int64 {
	size := map[string]int64{"float32": 4, "int32": 4, "bool": 1, "uint8": 1, "int8": 1, "float16": 2, "uint16": 2, "int16": 2, "complex64": 8}[dtype]
	for _, d := range shape {
		if d < 0 || d > 1<<40 {
			return 0
		}
		size *= d
		if size > 1<<50 {
			return 0
		}
	}
	return size
}

// jsonOffset adds the byte offset of a syntax error to its message.
func jsonOffset(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("offset %d: %w", se.Offset, err)
	}
	return err
}
