// Package tfgraph reads TensorFlow graphs, SavedModel (saved_model.pb)
// and frozen GraphDef (.pb), from their protobuf bytes and lists every
// node with its op, in the graph and in the functions of its library. It
// never runs anything and knows nothing about which ops are risky: the
// caller decides.
//
// Decisions:
//   - Field numbers, from tensorflow/core/protobuf/saved_model.proto,
//     meta_graph.proto and core/framework/graph.proto, node_def.proto,
//     function.proto, op_def.proto: SavedModel{saved_model_schema_version=1
//     varint, meta_graphs=2}; MetaGraphDef{graph_def=2};
//     GraphDef{node=1, library=2, version=3, versions=4, debug_info=5};
//     NodeDef{name=1, op=2, input=3, device=4, attr=5};
//     FunctionDefLibrary{function=1, gradient=2};
//     FunctionDef{signature=1 (OpDef{name=1}), node_def=3}.
//   - Content decides: a buffer is a SavedModel when its top level has
//     only fields 1 (varint) and 2 (bytes) and every meta graph holds a
//     graph that parses; it is a GraphDef when its top level has only
//     GraphDef fields and it has at least one node or function. Every node
//     must have an op made of identifier characters and a name of graph
//     name characters. Anything else is not a graph, so arbitrary binary
//     files are not claimed.
//   - Bounded: Options.MaxNodes nodes are listed; the nesting of messages
//     is fixed by the schema, so recursion is bounded too.
package tfgraph

import (
	"errors"
	"fmt"

	"github.com/modelgate/modelgate/internal/parse/protofield"
)

// Kind is the message at the top of the file.
type Kind int

// Kinds of graph files.
const (
	SavedModel Kind = iota + 1
	GraphDef
)

// Node is one node of a graph or function.
type Node struct {
	// Function is the name of the library function holding the node, ""
	// for the main graph.
	Function string
	Name     string
	Op       string
	// Offset is the byte offset of the NodeDef in the file.
	Offset int64
	// Attrs holds the node's string attributes (AttrValue.s), such as
	// PrintV2's output_stream, and the first string of a tensor attribute
	// (a Const's value); other attribute values are left out.
	Attrs map[string]string
	// Meta is the index of the meta graph holding the node (0 in a
	// GraphDef).
	Meta int
	// Inputs lists the node's inputs as NodeDef writes them ("name",
	// "name:1", "^name" for a control input, "node:out:0" in functions).
	Inputs []string
	// Calls lists the functions its attributes name (AttrValue.func, as
	// PartitionedCall's f); a node whose op is a library function calls
	// it too (Reach).
	Calls []string
	// AtLoad says why the node runs when the SavedModel is loaded (the
	// root it is reached from, e.g. "the init op \"init_all\""), "" when
	// it is not reached at load (Reach).
	AtLoad string
	// First is where the node's first input comes from, through Identity
	// nodes; zero when it is no node of the same graph (Reach).
	First Source
}

// Graph is what was read.
type Graph struct {
	Kind  Kind
	Nodes []Node
	// Truncated is set when Options.MaxNodes was hit.
	Truncated bool
	// Roots lists what the loader runs when it restores a SavedModel: the
	// init op (signature __saved_model_init_op, collections
	// saved_model_main_op, legacy_init_op, table_initializer) and the
	// saver's restore op, by meta graph.
	Roots []Root
	// Fed lists, by meta graph, the tensors the loader feeds at restore
	// (the saver's filename tensor, given the variables path).
	Fed []Root
	// Irregular lists the first places (up to maxIrregular) where the
	// protobuf departs from protoc's output: fields out of ascending
	// order, a singular message (a graph_def) split in parts. TensorFlow's
	// loader reads them.
	Irregular []protofield.Irregular
}

// maxIrregular is how many departures from protoc's layout are kept: they
// name a trick, the first few are enough, and none hides anything (the
// fields are read whatever their order).
const maxIrregular = 8

// Options bounds the reading.
type Options struct {
	// MaxNodes is how many nodes are listed, over the graph and its functions.
	MaxNodes int
}

// DefaultOptions returns 1 000 000 nodes.
func DefaultOptions() Options { return Options{MaxNodes: 1_000_000} }

// ErrFormat marks bytes that are not a TensorFlow graph.
var ErrFormat = errors.New("not a tensorflow graph")

// Parse reads b as a SavedModel or a GraphDef.
func Parse(b []byte, opts Options) (*Graph, error) {
	g := &Graph{}
	p := &parser{opts: opts, g: g}
	if err := p.savedModel(b); err == nil {
		g.Kind = SavedModel
		g.Reach()
		return g, nil
	}
	g.Nodes, g.Truncated, g.Irregular, g.Roots, g.Fed = nil, false, nil, nil, nil
	p.meta = 0
	if err := p.graphDef(b, 0); err != nil {
		return nil, err
	}
	if len(g.Nodes) == 0 && !p.hasLibrary {
		return nil, fmt.Errorf("graph without nodes: %w", ErrFormat)
	}
	g.Kind = GraphDef
	return g, nil
}

// ParseSavedModel reads b as the saved_model.pb of a SavedModel folder,
// the way TensorFlow's loader does: as a SavedModel message whatever its
// first bytes, its fields in any order, repeated messages merged, fields
// it does not know skipped (as every protobuf parser skips them).
func ParseSavedModel(b []byte, opts Options) (*Graph, error) {
	g := &Graph{Kind: SavedModel}
	p := &parser{opts: opts, g: g, lenient: true}
	err := p.savedModel(b)
	g.Reach()
	return g, err
}

type parser struct {
	opts       Options
	g          *Graph
	hasLibrary bool
	// lenient skips fields the schema does not name instead of refusing
	// the buffer: set when the file is known to be a graph by its name.
	lenient bool
	// meta is the index of the meta graph being read.
	meta int
}

// unknown is what a field the schema does not name yields: nil when the
// parser is lenient, else an ErrFormat error (content decides whether a
// buffer is a graph at all).
func (p *parser) unknown(f field, msg string) error {
	if p.lenient {
		if len(p.g.Irregular) < maxIrregular {
			p.g.Irregular = append(p.g.Irregular, protofield.Irregular{Off: f.Off, Unknown: true,
				What: fmt.Sprintf("%s field %d at offset %d is not in the schema (protobuf skips it)", msg, f.Num, f.Off)})
		}
		return nil
	}
	return fmt.Errorf("offset %d: field %d in a %s: %w", f.Off, f.Num, msg, ErrFormat)
}

// note records where f departs from protoc's layout of its message.
func (p *parser) note(o *protofield.Order, f field, singular bool) {
	if irr := o.Note(f, singular); irr != nil && len(p.g.Irregular) < maxIrregular {
		p.g.Irregular = append(p.g.Irregular, *irr)
	}
}

func (p *parser) savedModel(b []byte) error {
	metas := 0
	order := protofield.Order{Message: "SavedModel"}
	err := fields(b, 0, func(f field) error {
		p.note(&order, f, f.Num == 1)
		switch {
		case f.Num == 1 && f.Typ == 0:
		case f.Num == 2 && f.Bytes != nil:
			metas++
			p.meta = metas - 1
			return p.metaGraph(f.Bytes, f.Val)
		default:
			return p.unknown(f, "SavedModel")
		}
		return nil
	})
	if err == nil && metas == 0 {
		err = fmt.Errorf("saved model without meta graphs: %w", ErrFormat)
	}
	return err
}

func (p *parser) metaGraph(b []byte, base int) error {
	graphs := 0
	order := protofield.Order{Message: "MetaGraphDef"}
	err := fields(b, base, func(f field) error {
		// meta_info_def 1, graph_def 2, saver_def 3, object_graph_def 7
		// are singular; collection_def 4, signature_def 5 (maps) and
		// asset_file_def 6 repeat.
		p.note(&order, f, f.Num <= 3 || f.Num == 7)
		if f.Num == 2 {
			if f.Bytes == nil {
				return fmt.Errorf("offset %d: graph_def is not a message: %w", f.Off, ErrFormat)
			}
			graphs++
			return p.graphDef(f.Bytes, f.Val)
		}
		return p.loadRoots(f)
	})
	if err == nil && graphs == 0 {
		err = fmt.Errorf("offset %d: meta graph without a graph: %w", base, ErrFormat)
	}
	return err
}

func (p *parser) graphDef(b []byte, base int) error {
	order := protofield.Order{Message: "GraphDef"}
	return fields(b, base, func(f field) error {
		p.note(&order, f, f.Num >= 2 && f.Num <= 5)
		switch {
		case f.Num == 1 && f.Bytes != nil:
			return p.node(f.Bytes, f.Val, "")
		case f.Num == 2 && f.Bytes != nil:
			p.hasLibrary = true
			return p.library(f.Bytes, f.Val)
		case f.Num == 3 && f.Typ == 0, (f.Num == 4 || f.Num == 5) && f.Bytes != nil:
			return nil
		}
		return p.unknown(f, "GraphDef")
	})
}

func (p *parser) library(b []byte, base int) error {
	return fields(b, base, func(f field) error {
		if f.Num == 1 && f.Bytes != nil {
			return p.function(f.Bytes, f.Val)
		}
		return nil
	})
}

func (p *parser) function(b []byte, base int) error {
	name := ""
	var nodes []field
	err := fields(b, base, func(f field) error {
		switch {
		case f.Num == 1 && f.Bytes != nil:
			return fields(f.Bytes, f.Val, func(g field) error {
				if g.Num == 1 && g.Bytes != nil {
					name = string(g.Bytes)
				}
				return nil
			})
		case f.Num == 3 && f.Bytes != nil:
			nodes = append(nodes, f)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if name == "" {
		name = "?"
	}
	for _, f := range nodes {
		if err := p.node(f.Bytes, f.Val, name); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) node(b []byte, base int, fn string) error {
	n := Node{Function: fn, Offset: int64(base), Meta: p.meta}
	err := fields(b, base, func(f field) error {
		switch {
		case f.Num == 1 && f.Bytes != nil:
			n.Name = string(f.Bytes)
		case f.Num == 2 && f.Bytes != nil:
			n.Op = string(f.Bytes)
		case f.Num == 3 && f.Bytes != nil:
			n.Inputs = append(n.Inputs, string(f.Bytes))
		case f.Num == 5 && f.Bytes != nil:
			return attr(&n, f)
		case f.Num == 3 || f.Num == 4 || f.Num == 5 || f.Num == 6 || f.Num == 7:
		default:
			return p.unknown(f, "NodeDef")
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !opName(n.Op) || !nodeName(n.Name) {
		return fmt.Errorf("offset %d: node %q with op %q: %w", base, n.Name, n.Op, ErrFormat)
	}
	if len(p.g.Nodes) >= p.opts.MaxNodes {
		p.g.Truncated = true
		return nil
	}
	p.g.Nodes = append(p.g.Nodes, n)
	return nil
}

// opName accepts op names as TensorFlow registers them: [A-Za-z_][A-Za-z0-9_>.]*
// (">" and "." appear in namespaced custom ops).
func opName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i, c := range []byte(s) {
		ok := c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' ||
			i > 0 && (c >= '0' && c <= '9' || c == '>' || c == '.')
		if !ok {
			return false
		}
	}
	return true
}

// nodeName accepts node names: [A-Za-z0-9._][A-Za-z0-9_./>-]*.
func nodeName(s string) bool {
	if s == "" || len(s) > 4096 {
		return false
	}
	for _, c := range []byte(s) {
		ok := c == '_' || c == '.' || c == '-' || c == '/' || c == '>' ||
			c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !ok {
			return false
		}
	}
	return true
}
