package tfgraph

import (
	"errors"
	"fmt"

	"github.com/modelgate/modelgate/internal/parse/pbtxt"
)

// ParseSavedModelText reads saved_model.pbtxt, the text form of a
// SavedModel that TensorFlow's loader reads when a SavedModel folder has
// no saved_model.pb: the nodes of every meta graph's graph_def and of its
// function library, with their string attributes. Offsets are those of the
// node's field name in the text. A text that does not parse wraps
// ErrFormat (with the nodes read before the error); a bound of the text
// reader hit wraps pbtxt.ErrLimit.
func ParseSavedModelText(text []byte, opts Options) (*Graph, error) {
	m, err := pbtxt.Parse(text, pbtxt.DefaultOptions())
	g := &Graph{Kind: SavedModel}
	for i, mg := range m.Get("meta_graphs") {
		if mg.Msg == nil {
			continue
		}
		start := len(g.Nodes)
		for _, gd := range mg.Msg.Get("graph_def") {
			if gd.Msg != nil {
				textGraph(g, gd.Msg, opts)
			}
		}
		for j := start; j < len(g.Nodes); j++ {
			g.Nodes[j].Meta = i
		}
		textRoots(g, mg.Msg, i)
	}
	g.Reach()
	switch {
	case errors.Is(err, pbtxt.ErrFormat):
		return g, fmt.Errorf("saved_model.pbtxt: %w (%w)", err, ErrFormat)
	case err != nil:
		return g, fmt.Errorf("saved_model.pbtxt: %w", err)
	}
	return g, nil
}

// textGraph adds the nodes of a GraphDef in text form, its own and its
// library's functions'.
func textGraph(g *Graph, gd *pbtxt.Message, opts Options) {
	for _, n := range gd.Get("node") {
		textNode(g, n, "", opts)
	}
	for _, lib := range gd.Get("library") {
		if lib.Msg == nil {
			continue
		}
		for _, fn := range lib.Msg.Get("function") {
			if fn.Msg == nil {
				continue
			}
			name := "?"
			for _, sig := range fn.Msg.Get("signature") {
				if sig.Msg != nil {
					for _, n := range sig.Msg.Get("name") {
						name = n.Value
					}
				}
			}
			for _, n := range fn.Msg.Get("node_def") {
				textNode(g, n, name, opts)
			}
		}
	}
}

// textNode adds one NodeDef in text form; a repeated scalar keeps its
// last value, as TextFormat merges it.
func textNode(g *Graph, f pbtxt.Field, fn string, opts Options) {
	if f.Msg == nil {
		return
	}
	if len(g.Nodes) >= opts.MaxNodes {
		g.Truncated = true
		return
	}
	n := Node{Function: fn, Offset: int64(f.Off)}
	for _, x := range f.Msg.Fields {
		switch {
		case x.Name == "name" && x.Msg == nil:
			n.Name = x.Value
		case x.Name == "op" && x.Msg == nil:
			n.Op = x.Value
		case x.Name == "input" && x.Msg == nil:
			n.Inputs = append(n.Inputs, x.Value)
		case x.Name == "attr" && x.Msg != nil:
			textAttr(&n, x.Msg)
		}
	}
	g.Nodes = append(g.Nodes, n)
}

// textAttr keeps a string attribute: attr { key: "k" value { s: "v" } }.
func textAttr(n *Node, entry *pbtxt.Message) {
	key, val, ok := "", "", false
	for _, x := range entry.Fields {
		switch {
		case x.Name == "key" && x.Msg == nil:
			key = x.Value
		case x.Name == "value" && x.Msg != nil:
			for _, s := range x.Msg.Get("s") {
				val, ok = s.Value, true
			}
			if v, found := textTensorString(x.Msg); found && !ok {
				val, ok = v, true
			}
			textCalls(n, x.Msg)
		}
	}
	if !ok {
		return
	}
	if n.Attrs == nil {
		n.Attrs = map[string]string{}
	}
	if _, seen := n.Attrs[key]; seen || len(n.Attrs) < maxAttrs {
		n.Attrs[key] = val
	}
}
