package tfgraph

import (
	"strconv"
	"strings"
)

// Root is a node the loader runs, or a tensor it feeds, when it restores
// a SavedModel.
type Root struct {
	Meta int    // the meta graph
	Name string // the node, without ":0" or "^"
	Why  string // e.g. `the init op (signature "__saved_model_init_op")`
}

// Source is where a node's first input comes from: the node it names,
// through Identity nodes, with its op, its value when it is a Const
// holding strings, and whether the loader feeds it (the saver's filename
// tensor, given the variables path at restore).
type Source struct {
	Op, Name, Value string
	Fed             bool
	// Deep is set when more than MaxIdentity Identity nodes were followed
	// without reaching the source: the caller cannot tell what it is.
	Deep bool
}

// MaxIdentity bounds the Identity nodes followed from one input, so that
// Reach stays linear; a longer chain is reported (Source.Deep), and the
// caller treats it as unknown.
const MaxIdentity = 64

// Collections and signature the SavedModel loader runs at restore
// (tensorflow/python/saved_model/loader_impl.py, constants.py): the init
// op of signature __saved_model_init_op, else the main op of collection
// saved_model_main_op, else legacy_init_op; table initialisers run with
// them. All are taken as roots: a file may hold several.
var loadCollections = map[string]bool{"saved_model_main_op": true, "legacy_init_op": true, "table_initializer": true}

const initSignature = "__saved_model_init_op"

// loadRoots reads the fields of a MetaGraphDef that name what runs at
// restore: saver_def (3: filename_tensor_name 1, restore_op_name 3),
// collection_def (4: map entry key 1, CollectionDef 2, node_list 1,
// value 1) and signature_def (5: map entry key 1, SignatureDef 2,
// outputs 2, map entry value 2, TensorInfo.name 1).
func (p *parser) loadRoots(f field) error {
	if f.Bytes == nil {
		return nil
	}
	switch f.Num {
	case 3:
		return fields(f.Bytes, f.Val, func(s field) error {
			switch {
			case s.Num == 1 && s.Bytes != nil:
				p.g.Fed = append(p.g.Fed, Root{Meta: p.meta, Name: nodeOf(string(s.Bytes)), Why: "the saver's filename tensor"})
			case s.Num == 3 && s.Bytes != nil:
				p.root(string(s.Bytes), "the saver's restore op")
			}
			return nil
		})
	case 4, 5:
		key, val := mapEntry(f)
		switch {
		case f.Num == 4 && loadCollections[key] && val != nil:
			return p.collection(*val, key)
		case f.Num == 5 && key == initSignature && val != nil:
			return p.initSignature(*val)
		}
	}
	return nil
}

// mapEntry returns the key (1) and value (2) of a protobuf map entry.
func mapEntry(f field) (string, *field) {
	key := ""
	var val *field
	_ = fields(f.Bytes, f.Val, func(e field) error {
		switch {
		case e.Num == 1 && e.Bytes != nil:
			key = string(e.Bytes)
		case e.Num == 2 && e.Bytes != nil:
			v := e
			val = &v
		}
		return nil
	})
	return key, val
}

// collection takes the names of a CollectionDef's node_list (1), and of
// its bytes_list (2), which names nodes in files that are not TensorFlow's
// own: a name listed either way is a root (fail closed).
func (p *parser) collection(c field, key string) error {
	return fields(c.Bytes, c.Val, func(l field) error {
		if l.Num != 1 && l.Num != 2 || l.Bytes == nil {
			return nil
		}
		return fields(l.Bytes, l.Val, func(v field) error {
			if v.Num == 1 && v.Bytes != nil {
				p.root(string(v.Bytes), "the collection "+strconv.Quote(key))
			}
			return nil
		})
	})
}

func (p *parser) initSignature(sig field) error {
	return fields(sig.Bytes, sig.Val, func(o field) error {
		if o.Num != 2 || o.Bytes == nil {
			return nil
		}
		if _, ti := mapEntry(o); ti != nil {
			return fields(ti.Bytes, ti.Val, func(t field) error {
				if t.Num == 1 && t.Bytes != nil {
					p.root(string(t.Bytes), "the init op (signature "+strconv.Quote(initSignature)+")")
				}
				return nil
			})
		}
		return nil
	})
}

func (p *parser) root(tensor, why string) {
	p.g.Roots = append(p.g.Roots, Root{Meta: p.meta, Name: nodeOf(tensor), Why: why})
}

// nodeOf returns the node a tensor or input names: "^n", "n:0" and
// "n:out:0" all name n.
func nodeOf(s string) string {
	s = strings.TrimPrefix(s, "^")
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return s
}

// scope names a node or function of one meta graph.
type scope struct {
	meta int
	fn   string // "" for the graph itself
	name string
}

// Reach marks the nodes that run when the SavedModel is loaded (AtLoad):
// those the roots reach through their inputs, and every node of a
// library function that a reached node calls (by op or by a function
// attribute), transitively. It also fills First for every node. The walk
// is linear in nodes and inputs.
func (g *Graph) Reach() {
	byName := make(map[scope]int, len(g.Nodes))
	funcs := map[scope][]int{}
	for i, n := range g.Nodes {
		byName[scope{n.Meta, n.Function, n.Name}] = i
		if n.Function != "" {
			funcs[scope{meta: n.Meta, fn: n.Function}] = append(funcs[scope{meta: n.Meta, fn: n.Function}], i)
		}
	}
	fed := map[scope]bool{}
	for _, r := range g.Fed {
		fed[scope{meta: r.Meta, name: r.Name}] = true
	}
	for i := range g.Nodes {
		g.Nodes[i].First = g.source(byName, fed, i)
	}
	var todo []int
	mark := func(i int, why string) {
		if g.Nodes[i].AtLoad == "" {
			g.Nodes[i].AtLoad = why
			todo = append(todo, i)
		}
	}
	for _, r := range g.Roots {
		if i, ok := byName[scope{meta: r.Meta, name: r.Name}]; ok {
			mark(i, r.Why+" "+strconv.Quote(r.Name))
		}
	}
	called := map[scope]bool{}
	for len(todo) > 0 {
		n := g.Nodes[todo[len(todo)-1]]
		todo = todo[:len(todo)-1]
		for _, in := range n.Inputs {
			if j, ok := byName[scope{n.Meta, n.Function, nodeOf(in)}]; ok {
				mark(j, n.AtLoad)
			}
		}
		for _, fn := range append([]string{n.Op}, n.Calls...) {
			s := scope{meta: n.Meta, fn: fn}
			if called[s] {
				continue
			}
			called[s] = true
			for _, j := range funcs[s] {
				mark(j, n.AtLoad)
			}
		}
	}
}

// source follows the first input of node i through Identity nodes, at
// most MaxIdentity of them (a cycle ends there too).
func (g *Graph) source(byName map[scope]int, fed map[scope]bool, i int) Source {
	n := g.Nodes[i]
	for range MaxIdentity + 1 {
		if len(n.Inputs) == 0 || strings.HasPrefix(n.Inputs[0], "^") {
			return Source{}
		}
		j, ok := byName[scope{n.Meta, n.Function, nodeOf(n.Inputs[0])}]
		if !ok {
			return Source{}
		}
		n = g.Nodes[j]
		if n.Op != "Identity" {
			return Source{Op: n.Op, Name: n.Name, Value: n.Attrs["value"], Fed: n.Function == "" && fed[scope{meta: n.Meta, name: n.Name}]}
		}
	}
	return Source{Op: "Identity", Name: n.Name, Deep: true}
}
