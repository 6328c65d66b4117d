package policy

import (
	"strconv"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// The capability rule: what using a name the knowledge base resolves can
// reach, and the verdicts and argument judgements drawn from it.

// capability is the knowledge base's verdict on using one name.
type capability struct {
	known  bool   // every callable involved was analysed or reviewed
	chain  string // "a -> b -> eval" when a sink is within reach
	sink   string // the sink's category
	params string // what it calls among its arguments
	quiet  bool   // reviewed by hand as a whole (flagQuiet)
	gate   string // for sinks "text" and "index": the gate at the chain's end
	text   string // for sink "text": the parameters that reach it (knowledge.go)
	mixed  bool   // methods of a class behind gates of both kinds
}

// gated reports whether the stream's arguments decide the capability: a
// chain that ends at a text gate, or a state-index gate itself, which is
// a __setstate__ (the judge checks the states BUILD gives; reached
// through other code, the state it is given is that code's).
func (c capability) gated() bool {
	return c.sink == "text" || c.sink == "index" && c.chain == c.gate && strings.HasSuffix(c.gate, ".__setstate__")
}

// unpickleMethods are the methods unpickling invokes on a class or its
// instances: constructing it, setting its state, item writes.
var unpickleMethods = []string{"__new__", "__init__", "__setstate__", "__setitem__", "append", "extend", "add"}

// Uses of a class: called (REDUCE, handed to library code, or merely
// reachable, which library code may call), or only instantiated the way
// NEWOBJ and copyreg's reconstructors do, which run __new__ and, with
// BUILD or item writes, __setstate__ and the item methods, never __init__.
const (
	useCall = iota
	useInstance
)

// capability judges t as used by a pickle: a callable as if called, a
// class as constructed and given state, data as harmless.
func (k *knowledge) capability(t target, use int) capability {
	switch t.kind {
	case kindModule, kindEnum, kindStruct:
		return capability{known: true}
	case kindClass:
		c := k.callable(t.node)
		if !c.known || (c.chain != "" && use == useCall) || c.quiet {
			return c // unknown, dangerous, or reviewed as a whole
		}
		if use == useInstance {
			c.chain, c.sink = "", ""
		}
		// A gated method (a text or state-index gate, which the stream's
		// arguments decide) is returned only when no other method is
		// unknown or reaches a sink: the gate's check covers its own
		// method only.
		var gated capability
		for _, m := range unpickleMethods {
			if use == useInstance && m == "__init__" {
				continue
			}
			key, ok := k.method(t.node, m)
			if !ok {
				continue
			}
			mc := k.callable(key)
			switch {
			case mc.known && mc.chain == "":
			case mc.gated() && gated.chain == "":
				gated = mc
			case mc.gated() && mc.sink == gated.sink:
			case mc.gated():
				gated.mixed = true // two kinds of gate: neither check covers the other
			default:
				return mc
			}
		}
		if gated.chain != "" {
			return gated
		}
		return c
	}
	if t.node == "" {
		return capability{}
	}
	return k.callable(t.node)
}

// callable follows key's chain to its sink.
func (k *knowledge) callable(key string) capability {
	n, ok := k.node(key)
	if !ok || n.flag == flagUnreviewed {
		return capability{}
	}
	c := capability{known: true, params: n.params, quiet: n.flag == flagQuiet, text: n.text}
	if n.next == "" {
		return c
	}
	hops := []string{key}
	for cur := n; len(hops) <= maxChain; {
		if strings.HasPrefix(cur.next, "!") {
			c.sink = cur.next[1:]
			if c.sink == "text" || c.sink == "index" {
				c.gate = hops[len(hops)-1]
			}
			break
		}
		hops = append(hops, cur.next)
		nx, ok := k.node(cur.next)
		if !ok {
			break
		}
		cur = nx
	}
	for i := 1; i < len(hops); i++ {
		hops[i] = shortName(hops[i])
	}
	c.chain = strings.Join(hops, " -> ")
	return c
}

// shortName is the last component of a dotted name, with its class for a
// special method (Tuple.__new__).
func shortName(key string) string {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return key
	}
	if strings.HasPrefix(key[i+1:], "__") {
		if j := strings.LastIndexByte(key[:i], '.'); j >= 0 {
			return key[j+1:]
		}
	}
	return key[i+1:]
}

// sinkReasons says what a sink's category does, in findings.
var sinkReasons = map[string]string{
	"exec":        "runs Python code",
	"import":      "imports modules by name",
	"process":     "starts processes",
	"file":        "opens files for writing",
	"network":     "reaches the network",
	"native":      "loads native code",
	"deserialise": "loads another serialised object",
	"attribute":   "calls what it fetches by a computed name",
}

// analysed judges g by the knowledge base: dangerous with the chain when
// using it reaches a sink, safe when every callable involved was analysed
// or reviewed and none reaches one; not decided when g is not in it or
// involves an unreviewed C callable.
func (p *Judge) analysed(g pickle.Global, use int) (Verdict, bool) {
	if p.kb == nil {
		return Verdict{}, false
	}
	t, c, ok := p.kb.judge(g, use)
	if !ok {
		return Verdict{}, false
	}
	if c.sink == "index" {
		si, ok := p.kb.stateIndexOf(c.gate)
		if !ok {
			si.category = "native"
		}
		reason := orDefault(sinkReasons[si.category], "reaches a sink")
		if ok && c.gated() && !c.mixed && t.kind == kindClass {
			return Verdict{Class: ClassDangerous, Reason: reason + " when its state indexes past the tables of " + shortName(c.gate) + " (" + c.chain + ")",
				Matched: "knowledge " + c.chain, index: si}, true
		}
		return Verdict{Class: ClassDangerous, Reason: reason + " (" + c.chain + ")", Matched: "knowledge " + c.chain}, true
	}
	switch {
	case c.chain != "" && c.sink == "text" && c.mixed:
		return Verdict{Class: ClassDangerous, Reason: "reaches a sink when it is handed text or foreign objects, or given a state that indexes past a table (" + c.chain + ")", Matched: "knowledge " + c.chain}, true
	case c.chain != "" && c.sink == "text" && c.text == "-":
		// reviewed: none of its parameters reaches the gate (notext)
		return Verdict{Class: ClassSafe, Reason: "analysed: reaches " + shortName(c.gate) + " with none of its arguments (reviewed)", Matched: "knowledge"}, true
	case c.chain != "" && c.sink == "text":
		gt := p.kb.gateOf(c.gate)
		return Verdict{Class: ClassDangerous, Reason: orDefault(sinkReasons[gt.category], "reaches a sink") + " when it is handed text or foreign objects (" + c.chain + ")",
			Matched: "knowledge " + c.chain, gate: gt}, true
	case c.chain != "":
		return Verdict{Class: ClassDangerous, Reason: orDefault(sinkReasons[c.sink], "reaches a sink") + " (" + c.chain + ")", Matched: "knowledge " + c.chain}, true
	case c.known && use == useCall && t.node != "" && p.kb.fetcher(t.node):
		// Safe to call, but what it returns is whatever a computed name
		// reaches, which the stream may then call (a BUILD state's
		// __setstate__, a partial's function): judged as getattr is.
		return Verdict{Class: ClassDangerous, Reason: "returns what it fetches by a computed name, a step to any object (" + t.node + " -> getattr)", Matched: "knowledge " + t.node}, true
	case c.known:
		return Verdict{Class: ClassSafe, Reason: "analysed: no sink within reach", Matched: "knowledge"}, true
	}
	return Verdict{}, false
}

// processReason is the denylist's category of modules that start
// processes (dangerous.txt).
const processReason = "runs shell commands or starts processes"

// dataOfDeniedModule lets through what a whole-module denylist entry
// ("os *", "requests *") covers but the knowledge base shows to be plain
// data: a struct-sequence type (os.stat_result, a tuple), an enum member
// (signal.SIGINT), or a class none of whose methods reaches a sink
// (requests.models.Response). Functions and objects of such a module
// (os.environ can be written to), exact entries and component rules keep
// their verdict.
func (p *Judge) dataOfDeniedModule(g pickle.Global, m denyMatch) (Verdict, bool) {
	if m.Entry.Name != "*" || m.Entry.Module == "*" || m.As != "" || p.kb == nil {
		return Verdict{}, false
	}
	t, c, ok := p.kb.judge(g, useCall)
	if !ok || !c.known || c.chain != "" {
		return Verdict{}, false
	}
	switch t.kind {
	case kindStruct, kindEnum:
	case kindClass:
		// A class passes only when none of its methods reaches a sink
		// (http.client.HTTPConnection.connect does), and not in a module
		// denied for starting processes: its objects hold processes and
		// descriptors (os._wrap_close) that C code acts on out of sight.
		if m.Entry.Reason == processReason || p.kb.anyMethodSink(t.node) {
			return Verdict{}, false
		}
	default:
		return Verdict{}, false
	}
	return Verdict{Class: ClassSafe, Reason: "analysed: data or a class whose construction and state reach no sink, in a module denied as a whole (" + m.Entry.String() + ")", Matched: "knowledge"}, true
}

// handed judges the imported globals a call hands to a callable that the
// knowledge base says calls those arguments, or calls methods on them,
// as called themselves: functools.partial(f) calls f, whatever position
// the argument is in. Shapes the policy knows better (shapes.go) have
// already judged their own arguments.
func (p *Judge) handed(u *uses, c pickle.Call) {
	g := normalize(c.Callee)
	if p.kb == nil || isShaped(g) || len(c.ArgFacts) == 0 {
		return
	}
	_, cp, ok := p.kb.judge(g, useCall)
	if !ok {
		return
	}
	params := cp.params
	if params == "" {
		return
	}
	for i, a := range c.ArgFacts {
		if a.Kind != pickle.ArgGlobal || (params != "*" && !hasParam(params, i)) {
			continue
		}
		y := u.get(a.Global)
		y.calls = append(y.calls, c)
	}
}

// hasParam reports whether the list "0,2" names argument i.
func hasParam(list string, i int) bool {
	for _, f := range strings.Split(list, ",") {
		if f == strconv.Itoa(i) || f == "*" {
			return true
		}
	}
	return false
}
