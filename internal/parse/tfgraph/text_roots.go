package tfgraph

import (
	"strconv"

	"github.com/modelgate/modelgate/internal/parse/pbtxt"
)

// textRoots reads, from a MetaGraphDef in text form, what runs at
// restore, as loadRoots does from protobuf bytes: saver_def, the
// collections of loadCollections, the signature __saved_model_init_op.
func textRoots(g *Graph, mg *pbtxt.Message, meta int) {
	root := func(tensor, why string) {
		g.Roots = append(g.Roots, Root{Meta: meta, Name: nodeOf(tensor), Why: why})
	}
	for _, sd := range msgs(mg.Get("saver_def")) {
		for _, f := range sd.Get("filename_tensor_name") {
			g.Fed = append(g.Fed, Root{Meta: meta, Name: nodeOf(f.Value), Why: "the saver's filename tensor"})
		}
		for _, f := range sd.Get("restore_op_name") {
			root(f.Value, "the saver's restore op")
		}
	}
	for _, e := range msgs(mg.Get("collection_def")) {
		key := textKey(e)
		if !loadCollections[key] {
			continue
		}
		for _, v := range msgs(e.Get("value")) {
			for _, l := range append(msgs(v.Get("node_list")), msgs(v.Get("bytes_list"))...) {
				for _, n := range l.Get("value") {
					root(n.Value, "the collection "+strconv.Quote(key))
				}
			}
		}
	}
	for _, e := range msgs(mg.Get("signature_def")) {
		if textKey(e) != initSignature {
			continue
		}
		for _, sig := range msgs(e.Get("value")) {
			for _, out := range msgs(sig.Get("outputs")) {
				for _, ti := range msgs(out.Get("value")) {
					for _, n := range ti.Get("name") {
						root(n.Value, "the init op (signature "+strconv.Quote(initSignature)+")")
					}
				}
			}
		}
	}
}

// msgs returns the messages among fs.
func msgs(fs []pbtxt.Field) []*pbtxt.Message {
	var out []*pbtxt.Message
	for _, f := range fs {
		if f.Msg != nil {
			out = append(out, f.Msg)
		}
	}
	return out
}

// textKey returns the key of a map entry in text form (the last one).
func textKey(e *pbtxt.Message) string {
	key := ""
	for _, k := range e.Get("key") {
		key = k.Value
	}
	return key
}

// textTensorString returns the first string_val of an AttrValue's tensor.
func textTensorString(v *pbtxt.Message) (string, bool) {
	for _, t := range msgs(v.Get("tensor")) {
		for _, s := range t.Get("string_val") {
			return s.Value, true
		}
	}
	return "", false
}

// textCalls adds the functions an AttrValue names (func { name }, and
// list { func { name } }) to n.Calls.
func textCalls(n *Node, v *pbtxt.Message) {
	fns := msgs(v.Get("func"))
	for _, l := range msgs(v.Get("list")) {
		fns = append(fns, msgs(l.Get("func"))...)
	}
	for _, f := range fns {
		for _, name := range f.Get("name") {
			n.Calls = append(n.Calls, name.Value)
		}
	}
}
