// Package onnx reads an ONNX model (a ModelProto in protobuf bytes) far
// enough to list what loading or running it reaches outside the file: the
// external data locations of its tensors and the operator domains of its
// nodes. It never runs anything.
//
// Decisions:
//   - Field numbers, from onnx/onnx.proto: ModelProto{ir_version=1,
//     opset_import=8, graph=7, training_info=20, functions=25};
//     GraphProto{node=1, initializer=5, sparse_initializer=15};
//     NodeProto{name=3, op_type=4, attribute=5, domain=7};
//     AttributeProto{t=5, g=6, tensors=10, graphs=11, sparse_tensor=22,
//     sparse_tensors=23}; TensorProto{name=8, external_data=13,
//     data_location=14}; StringStringEntryProto{key=1, value=2};
//     SparseTensorProto{values=1, indices=2}; TrainingInfoProto{
//     initialization=1, algorithm=2}; FunctionProto{name=1, node=7,
//     domain=10}; OperatorSetIdProto{domain=1}.
//   - Subgraphs (If/Loop/Scan bodies in attributes), training graphs and
//     model-local functions are walked like the main graph.
//   - Places are keyed by name where the model names them, by index
//     otherwise: graph.node[if].attribute[then_branch].g.initializer[0],
//     functions[Leak].node[c].attribute[value].t[0],
//     training_info[0].initialization.node[3].
//   - Content decides: a buffer is a model when its top level has a graph
//     or functions and every field it has is of the wire type the schema
//     gives it, in any order (onnx.load parses with protobuf and checks
//     no ir_version). What was read before an error is returned with it.
//   - Bounded: Options.MaxItems nodes and tensors, Options.MaxDepth
//     nested graphs.
package onnx

import (
	"errors"
	"fmt"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/modelgate/modelgate/internal/parse/protofield"
)

// Node is one operator node.
type Node struct {
	// Key is its place, e.g. "graph.node[3]" or "functions[0].node[1]".
	Key    string
	Name   string
	Domain string
	OpType string
}

// External is one tensor whose data lives in another file.
type External struct {
	Key      string
	Tensor   string
	Location string
}

// Model is what was read.
type Model struct {
	Nodes    []Node
	External []External
	// Opsets lists the domains of opset_import.
	Opsets []string
	// Functions lists the domain and name of model-local functions, as
	// "domain:name"; nodes calling them are not custom operators.
	Functions []string
	// Irregular lists the first places (up to maxIrregular) where the
	// protobuf departs from protoc's output: fields out of ascending
	// order, a singular message split in parts. onnx.load reads them.
	Irregular []protofield.Irregular
	Truncated bool
}

// maxIrregular is how many departures from protoc's layout are kept: they
// name a trick, the first few are enough, and none hides anything (the
// fields are read whatever their order).
const maxIrregular = 8

// Options bounds the reading.
type Options struct {
	// MaxItems is how many nodes and external tensors are listed.
	MaxItems int
	// MaxDepth is how deeply subgraphs may nest.
	MaxDepth int
}

// DefaultOptions returns 1 000 000 items and depth 64.
func DefaultOptions() Options { return Options{MaxItems: 1_000_000, MaxDepth: 64} }

// ErrLimit marks a model that exceeds a bound of Options: what lies past
// it was not read.
var ErrLimit = errors.New("onnx bound hit")

// ErrFormat marks bytes that are not an ONNX model.
var ErrFormat = errors.New("not an onnx model")

// Parse reads b as a ModelProto.
func Parse(b []byte, opts Options) (*Model, error) {
	p := &parser{opts: opts, m: &Model{}}
	body := false
	order := protofield.Order{Message: "ModelProto"}
	err := fields(b, 0, func(f field) error {
		p.note(&order, f, f.Num >= 1 && f.Num <= 7)
		switch {
		case (f.Num == 1 || f.Num == 5) && f.Typ == 0:
		case (f.Num >= 2 && f.Num <= 4 || f.Num == 6 || f.Num == 14) && f.Bytes != nil:
		case f.Num == 7 && f.Bytes != nil:
			body = true
			return p.graph(f.Bytes, f.Val, "graph", 0)
		case f.Num == 8 && f.Bytes != nil:
			return fields(f.Bytes, f.Val, func(g field) error {
				if g.Num == 1 && g.Bytes != nil {
					p.m.Opsets = append(p.m.Opsets, string(g.Bytes))
				}
				return nil
			})
		case f.Num == 20 && f.Bytes != nil:
			p.trainings++
			return p.training(f.Bytes, f.Val, p.trainings-1)
		case f.Num == 25 && f.Bytes != nil:
			body = true
			return p.function(f.Bytes, f.Val, len(p.m.Functions))
		case f.Num > 8 && f.Num != 14 && f.Num != 20 && f.Num != 25:
			// a field of a later ONNX version
		default:
			return fmt.Errorf("offset %d: field %d (wire type %d) in a ModelProto: %w", f.Off, f.Num, f.Typ, ErrFormat)
		}
		return nil
	})
	if err != nil {
		return p.m, err
	}
	if !body {
		return p.m, fmt.Errorf("no graph and no functions: %w", ErrFormat)
	}
	return p.m, nil
}

type parser struct {
	opts      Options
	m         *Model
	trainings int
}

// note records where f departs from protoc's layout of its message.
func (p *parser) note(o *protofield.Order, f field, singular bool) {
	if irr := o.Note(f, singular); irr != nil && len(p.m.Irregular) < maxIrregular {
		p.m.Irregular = append(p.m.Irregular, *irr)
	}
}

func (p *parser) full() bool {
	if len(p.m.Nodes)+len(p.m.External) >= p.opts.MaxItems {
		p.m.Truncated = true
		return true
	}
	return false
}

func (p *parser) graph(b []byte, base int, key string, depth int) error {
	if depth > p.opts.MaxDepth {
		return fmt.Errorf("offset %d: graphs nested deeper than %d (MaxDepth): %w", base, p.opts.MaxDepth, ErrLimit)
	}
	var nodes, inits int
	order := protofield.Order{Message: "GraphProto " + key}
	return fields(b, base, func(f field) error {
		p.note(&order, f, f.Num == 2 || f.Num == 10)
		if f.Bytes == nil {
			return nil
		}
		switch f.Num {
		case 1:
			nodes++
			return p.node(f.Bytes, f.Val, key+".node", nodes-1, depth)
		case 5:
			inits++
			return p.tensor(f.Bytes, f.Val, key+".initializer["+strconv.Itoa(inits-1)+"]")
		case 15:
			inits++
			return p.sparse(f.Bytes, f.Val, key+".sparse_initializer["+strconv.Itoa(inits-1)+"]")
		}
		return nil
	})
}

func (p *parser) training(b []byte, base, i int) error {
	key := "training_info[" + strconv.Itoa(i) + "]"
	return fields(b, base, func(f field) error {
		switch {
		case f.Num == 1 && f.Bytes != nil:
			return p.graph(f.Bytes, f.Val, key+".initialization", 1)
		case f.Num == 2 && f.Bytes != nil:
			return p.graph(f.Bytes, f.Val, key+".algorithm", 1)
		}
		return nil
	})
}

func (p *parser) function(b []byte, base, i int) error {
	name, domain := "", ""
	var nodes []field
	err := fields(b, base, func(f field) error {
		if f.Bytes == nil {
			return nil
		}
		switch f.Num {
		case 1:
			name = string(f.Bytes)
		case 10:
			domain = string(f.Bytes)
		case 7:
			nodes = append(nodes, f)
		}
		return nil
	})
	p.m.Functions = append(p.m.Functions, domain+":"+name)
	if err != nil {
		return err
	}
	key := "functions[" + nameOr(name, i) + "].node"
	for j, f := range nodes {
		if err := p.node(f.Bytes, f.Val, key, j, 1); err != nil {
			return err
		}
	}
	return nil
}

// nameOr returns name, or the index i when the name is empty: the label
// of an item in a key.
func nameOr(name string, i int) string {
	if name == "" {
		return strconv.Itoa(i)
	}
	return name
}

// node reads the i-th node of a list whose key is parent; the node is
// keyed by its name (by its index when unnamed), e.g. graph.node[add].
func (p *parser) node(b []byte, base int, parent string, i, depth int) error {
	n := Node{}
	var attrs []field
	err := fields(b, base, func(f field) error {
		switch {
		case f.Num == 3 && f.Bytes != nil:
			n.Name = string(f.Bytes)
		case f.Num == 4 && f.Bytes != nil:
			n.OpType = string(f.Bytes)
		case f.Num == 7 && f.Bytes != nil:
			n.Domain = string(f.Bytes)
		case f.Num == 5 && f.Bytes != nil:
			attrs = append(attrs, f)
		}
		return nil
	})
	if err != nil {
		return err
	}
	n.Key = parent + "[" + nameOr(n.Name, i) + "]"
	if !p.full() {
		p.m.Nodes = append(p.m.Nodes, n)
	}
	for j, a := range attrs {
		if err := p.attribute(a.Bytes, a.Val, n.Key+".attribute", j, depth); err != nil {
			return err
		}
	}
	return nil
}

// attribute reads the i-th attribute of a node, keyed by its name:
// graph.node[if].attribute[then_branch].g, ...attribute[value].t[0],
// ...attribute[tensors].tensors[1].
func (p *parser) attribute(b []byte, base int, parent string, i, depth int) error {
	name := ""
	var values []field
	err := fields(b, base, func(f field) error {
		switch {
		case f.Num == 1 && f.Bytes != nil:
			name = string(f.Bytes)
		case f.Bytes != nil:
			values = append(values, f)
		}
		return nil
	})
	if err != nil {
		return err
	}
	key := parent + "[" + nameOr(name, i) + "]"
	count := map[protowire.Number]int{}
	for _, f := range values {
		count[f.Num]++
		n := strconv.Itoa(count[f.Num] - 1)
		switch f.Num {
		case 5:
			err = p.tensor(f.Bytes, f.Val, key+".t["+n+"]")
		case 10:
			err = p.tensor(f.Bytes, f.Val, key+".tensors["+n+"]")
		case 6:
			err = p.graph(f.Bytes, f.Val, key+".g", depth+1)
		case 11:
			err = p.graph(f.Bytes, f.Val, key+".graphs["+n+"]", depth+1)
		case 22:
			err = p.sparse(f.Bytes, f.Val, key+".sparse_tensor["+n+"]")
		case 23:
			err = p.sparse(f.Bytes, f.Val, key+".sparse_tensors["+n+"]")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) sparse(b []byte, base int, key string) error {
	return fields(b, base, func(f field) error {
		if (f.Num == 1 || f.Num == 2) && f.Bytes != nil {
			return p.tensor(f.Bytes, f.Val, key)
		}
		return nil
	})
}

func (p *parser) tensor(b []byte, base int, key string) error {
	name := ""
	var locs []string
	err := fields(b, base, func(f field) error {
		switch {
		case f.Num == 8 && f.Bytes != nil:
			name = string(f.Bytes)
		case f.Num == 13 && f.Bytes != nil:
			k, v := "", ""
			err := fields(f.Bytes, f.Val, func(g field) error {
				switch {
				case g.Num == 1 && g.Bytes != nil:
					k = string(g.Bytes)
				case g.Num == 2 && g.Bytes != nil:
					v = string(g.Bytes)
				}
				return nil
			})
			if k == "location" {
				locs = append(locs, v)
			}
			return err
		}
		return nil
	})
	for _, l := range locs {
		if p.full() {
			break
		}
		p.m.External = append(p.m.External, External{Key: key, Tensor: name, Location: l})
	}
	return err
}
