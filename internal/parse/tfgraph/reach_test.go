package tfgraph

import (
	"strconv"
	"testing"
)

// TestReach checks which nodes run at load: those the roots reach
// through data and control inputs (cycles end), every node of a function
// a reached node calls by op or by attribute, and nothing else; and where
// a node's first input comes from, through Identity nodes.
func TestReach(t *testing.T) {
	g := &Graph{
		Nodes: []Node{
			{Name: "init", Op: "NoOp", Inputs: []string{"^a", "b:1"}},
			{Name: "a", Op: "Identity", Inputs: []string{"c"}},
			{Name: "b", Op: "f_op"},
			{Name: "c", Op: "Const", Attrs: map[string]string{"value": "/etc/passwd"}, Inputs: []string{"^init"}},
			{Name: "call", Op: "StatefulPartitionedCall", Calls: []string{"f_attr"}},
			{Name: "lone", Op: "WriteFile", Inputs: []string{"a"}},
			{Function: "f_op", Name: "w", Op: "WriteFile", Inputs: []string{"p:output:0"}},
			{Function: "f_attr", Name: "r", Op: "ReadFile"},
			{Function: "f_other", Name: "r", Op: "ReadFile"},
			{Name: "fed", Op: "Const"},
			{Name: "save", Op: "RestoreV2", Inputs: []string{"fed:0"}},
		},
		Roots: []Root{{Name: "init", Why: "the init op"}, {Name: "call", Why: "the saver's restore op"}, {Name: "missing", Why: "x"}},
		Fed:   []Root{{Name: "fed"}},
	}
	g.Reach()
	want := map[string]bool{"init": true, "a": true, "b": true, "c": true, "call": true, "f_op/w": true, "f_attr/r": true}
	for _, n := range g.Nodes {
		key := n.Name
		if n.Function != "" {
			key = n.Function + "/" + n.Name
		}
		if (n.AtLoad != "") != want[key] {
			t.Errorf("%s AtLoad %q, want reached %v", key, n.AtLoad, want[key])
		}
	}
	if s := g.Nodes[5].First; s.Op != "Const" || s.Value != "/etc/passwd" || s.Fed {
		t.Errorf("lone's source %+v, want the Const c through Identity a", s)
	}
	if s := g.Nodes[10].First; s.Op != "Const" || !s.Fed {
		t.Errorf("save's source %+v, want the fed Const", s)
	}
}

// TestReachDeepIdentity checks that a chain of Identity nodes longer than
// the parser follows is reported as such, not as a source.
func TestReachDeepIdentity(t *testing.T) {
	g := &Graph{Nodes: []Node{{Name: "save", Op: "RestoreV2", Inputs: []string{"i0"}}}}
	for i := range MaxIdentity + 2 {
		g.Nodes = append(g.Nodes, Node{Name: "i" + strconv.Itoa(i), Op: "Identity", Inputs: []string{"i" + strconv.Itoa(i+1)}})
	}
	g.Nodes = append(g.Nodes, Node{Name: "i" + strconv.Itoa(MaxIdentity+2), Op: "Const"})
	g.Reach()
	if s := g.Nodes[0].First; !s.Deep {
		t.Errorf("source %+v, want Deep", s)
	}
}

// TestReachText checks that the text form names the same roots: the
// init signature, a load collection, the saver's restore op and its fed
// filename tensor, and functions called through an attribute.
func TestReachText(t *testing.T) {
	text := `meta_graphs {
  graph_def {
    node { name: "call" op: "StatefulPartitionedCall" attr { key: "f" value { func { name: "fn" } } } }
    node { name: "main" op: "NoOp" input: "^w" }
    node { name: "w" op: "WriteFile" }
    node { name: "c" op: "Const" attr { key: "value" value { tensor { string_val: "model" } } } }
    node { name: "restore" op: "RestoreV2" input: "c" }
    node { name: "served" op: "ReadFile" }
    library { function { signature { name: "fn" } node_def { name: "r" op: "ReadFile" } } }
  }
  saver_def { filename_tensor_name: "c:0" restore_op_name: "restore" }
  collection_def { key: "saved_model_main_op" value { node_list { value: "main" } } }
  signature_def { key: "__saved_model_init_op" value { outputs { key: "x" value { name: "call:0" } } } }
}`
	g, err := ParseSavedModelText([]byte(text), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"call": true, "main": true, "w": true, "c": true, "restore": true, "fn/r": true}
	for _, n := range g.Nodes {
		key := n.Name
		if n.Function != "" {
			key = n.Function + "/" + n.Name
		}
		if (n.AtLoad != "") != want[key] {
			t.Errorf("%s AtLoad %q, want reached %v", key, n.AtLoad, want[key])
		}
		if n.Name == "restore" && (!n.First.Fed || n.First.Value != "model") {
			t.Errorf("restore's source %+v, want the fed Const", n.First)
		}
	}
}
