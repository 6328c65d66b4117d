// Package keras reads a Keras model config (the JSON of a .keras archive's
// config.json, or the model_config attribute of a Keras HDF5 file) and
// reports the facts that make loading it run code. It never imports or
// runs anything.
//
// Decisions:
//   - The whole JSON tree is walked, not only "layers": functional and
//     sequential models, nested models, wrappers (TimeDistributed,
//     Bidirectional), initializers, losses and any nested dict or list are
//     reached the same way. Keys of objects are visited in sorted order so
//     facts come out in a stable order.
//   - A fact is located by its config path, e.g.
//     "config.layers[2].config.function".
//   - Lambda bytecode (Keras 2 ["<base64>", ...] and Keras 3 __lambda__
//     objects) is decoded far enough to list the names the code object
//     uses (co_names), bounded by Options; failing that, the Lambda is
//     still reported.
//   - A module/class_name pair outside Keras's own packages is reported as
//     a reference; whether it is dangerous is for the caller's policy. A
//     function reference (class_name "function") names the function in
//     its config string.
//   - A reference to one of Keras's own functions with side effects
//     (the caller's list, an argument of Analyze) is
//     reported; other references inside Keras are not.
//   - A TFOpLambda layer (Keras 2) names the TensorFlow function it calls;
//     it is reported with that name for the caller to judge.
//   - A Keras 2 class_name that is not a built-in layer is not reported:
//     Keras 2 resolves such names only from the custom_objects its caller
//     passes, it does not import them.
//   - Parsers report facts: severity is not decided here.
package keras

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pyjson"
)

// Kind is what a fact is about.
type Kind int

// Kinds of facts.
const (
	// Lambda is a Lambda layer or __lambda__ object with serialised code.
	Lambda Kind = iota + 1
	// Reference is a module/class_name (or function) outside Keras.
	Reference
	// CustomObject is a registered custom object ("Package>Name").
	CustomObject
	// Malformed is a config that is not valid JSON or exceeds a bound.
	Malformed
	// TFOp is a TFOpLambda layer (Keras 2): it calls the TensorFlow API
	// function named in Name (e.g. "io.write_file") when the model runs.
	TFOp
	// KerasFunction is a reference to one of Keras's own functions that
	// does more than build a model (downloads a file, switches safe mode
	// off, loads another model): Detail says what.
	KerasFunction
	// Limit is a bound of Options that was hit before the whole config
	// was analysed: Detail names it. What the loader reads past it was
	// not judged, so the analysis is inconclusive.
	Limit
)

// Fact is one thing found in a config.
type Fact struct {
	Kind Kind
	// Key is the config path of the evidence, e.g. "config.layers[2].config.function".
	Key string
	// Module and Name are the referenced global for Reference and
	// CustomObject facts.
	Module, Name string
	// Registered is the registered_name of a custom object.
	Registered string
	// CodeNames lists the names (co_names) used by a Lambda's bytecode,
	// when it could be decoded.
	CodeNames []string
	// Detail says more: why the code could not be decoded, what bound was hit.
	Detail string
}

// Options bounds the analysis.
type Options struct {
	// MaxDepth is the deepest nesting of JSON objects and arrays walked.
	MaxDepth int
	// MaxFacts is how many facts are reported at most.
	MaxFacts int
	// MaxCodeNames is how many names of one Lambda's code are listed.
	MaxCodeNames int
	// MaxMarshalObjects bounds the objects decoded from one Lambda's bytecode.
	MaxMarshalObjects int
}

// DefaultOptions returns depth 512, 1000 facts, 64 code names and 100 000
// marshal objects per Lambda.
func DefaultOptions() Options {
	return Options{MaxDepth: 512, MaxFacts: 1000, MaxCodeNames: 64, MaxMarshalObjects: 100_000}
}

// Analyze analyses a Keras config JSON document. sideEffects are the
// functions of Keras's own modules, by name, whose references are reported
// (KerasFunction, with the value as Detail): the caller's list of the
// functions that do more than build a model. A document that is not
// JSON, or that exceeds a bound, yields a Malformed fact (after the facts
// found up to that point).
//
// The document is read as Python's json.loads reads it (pyjson): UTF-16
// and UTF-32 are detected, NaN and Infinity are numbers, a repeated key
// keeps its last value.
func Analyze(data []byte, opts Options, sideEffects map[string]string) []Fact {
	root, err := pyjson.Decode(data)
	if err != nil {
		return []Fact{{Kind: Malformed, Detail: fmt.Sprintf("config is not JSON: %v", err)}}
	}
	w := &walker{opts: opts, sideEffects: sideEffects}
	w.walk(root, 0)
	return w.facts
}

type walker struct {
	sideEffects map[string]string
	opts        Options
	facts       []Fact
	// full is set when MaxFacts facts were reported: from then on only the
	// facts that run code (Lambda, TFOp, KerasFunction) are kept, up to
	// MaxFacts more, so that a config padded with harmless references
	// cannot hide its Lambda behind the bound.
	full bool
	// code counts the code facts kept after full; stop ends the walk.
	code int
	stop bool
	// at is the path of the value being walked, rendered only for a fact.
	at []segment
}

// segment is one step of a config path: an object key or an array index.
type segment struct {
	key   string
	index int
}

// key renders the current path with extra object keys appended.
func (w *walker) key(extra ...string) string {
	var b strings.Builder
	for _, s := range w.at {
		if s.key == "" {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	for _, k := range extra {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(k)
	}
	return b.String()
}

func (w *walker) add(f Fact) {
	if w.stop {
		return
	}
	if !w.full && len(w.facts) >= w.opts.MaxFacts {
		w.full = true
		w.facts = append(w.facts, Fact{Kind: Limit, Key: f.Key, Detail: fmt.Sprintf(
			"more than %d facts (MaxFacts): from here on only Lambda layers and calls are reported", w.opts.MaxFacts)})
	}
	if !w.full {
		w.facts = append(w.facts, f)
		return
	}
	switch f.Kind {
	case Lambda, TFOp, KerasFunction:
	default:
		return
	}
	if w.code >= w.opts.MaxFacts {
		w.stop = true
		w.facts = append(w.facts, Fact{Kind: Limit, Key: f.Key, Detail: fmt.Sprintf(
			"more than %d Lambda layers and calls after the first %d facts (MaxFacts): the rest of the config was not analysed", w.opts.MaxFacts, w.opts.MaxFacts)})
		return
	}
	w.code++
	w.facts = append(w.facts, f)
}

func (w *walker) walk(v any, depth int) {
	if w.stop {
		return
	}
	if depth > w.opts.MaxDepth {
		w.facts = append(w.facts, Fact{Kind: Limit, Key: w.key(), Detail: fmt.Sprintf(
			"config nested deeper than %d (MaxDepth): the rest of the config was not analysed", w.opts.MaxDepth)})
		w.stop = true
		return
	}
	switch t := v.(type) {
	case map[string]any:
		w.object(t)
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			w.at = append(w.at, segment{key: k})
			w.walk(t[k], depth+1)
			w.at = w.at[:len(w.at)-1]
		}
	case []any:
		for i, e := range t {
			w.at = append(w.at, segment{index: i})
			w.walk(e, depth+1)
			w.at = w.at[:len(w.at)-1]
		}
	}
}

// object inspects one JSON object for the fields a Keras loader acts on.
func (w *walker) object(o map[string]any) {
	class, _ := o["class_name"].(string)
	module, _ := o["module"].(string)
	registered, _ := o["registered_name"].(string)
	cfg, _ := o["config"].(map[string]any)
	switch {
	case class == "TFOpLambda" && cfg != nil:
		if fn, ok := cfg["function"].(string); ok {
			w.add(Fact{Kind: TFOp, Key: w.key("config", "function"), Module: "tensorflow", Name: fn})
		}
	case class == "Lambda" && cfg != nil:
		w.lambdaLayer(cfg, w.key("config", "function"))
	case class == "__lambda__" && cfg != nil:
		w.lambdaCode(cfg["code"], w.key())
	}
	if module != "" && class != "" && KerasModule(module) {
		name := class
		if fn, ok := o["config"].(string); ok && class == "function" {
			name = fn
		}
		if what, ok := w.sideEffects[name]; ok {
			w.add(Fact{Kind: KerasFunction, Key: w.key("module"), Module: module, Name: name, Registered: registered, Detail: what})
		}
	}
	if module != "" && class != "" && !KerasModule(module) {
		name := class
		if class == "function" {
			if fn, ok := o["config"].(string); ok {
				name = fn
			}
		}
		f := Fact{Kind: Reference, Key: w.key("module"), Module: module, Name: name, Registered: registered}
		if pkg, _, ok := strings.Cut(registered, ">"); ok && pkg != "" {
			f.Kind = CustomObject
		}
		w.add(f)
		return
	}
	if pkg, name, ok := strings.Cut(registered, ">"); ok && pkg != "" && !KerasModule(pkg) {
		w.add(Fact{Kind: CustomObject, Key: w.key("registered_name"), Module: module, Name: name, Registered: registered})
	}
}

// lambdaLayer reports a Lambda layer's function: Keras 3 nests a
// __lambda__ object (reported when the walk reaches it), Keras 2 stores
// ["<base64 marshal>", defaults, closure] with function_type "lambda", or a
// function name with function_type "function".
func (w *walker) lambdaLayer(cfg map[string]any, fkey string) {
	switch fn := cfg["function"].(type) {
	case map[string]any:
		// A __lambda__ object is reported when the walk reaches it, a
		// function reference by its module like any other reference.
		return
	case []any:
		if len(fn) > 0 {
			w.lambdaCode(fn[0], fkey+"[0]")
			return
		}
		w.add(Fact{Kind: Lambda, Key: fkey, Detail: "Lambda layer with an empty function"})
	case string:
		if t, _ := cfg["function_type"].(string); t == "lambda" {
			w.lambdaCode(fn, fkey)
			return
		}
		if mod, _ := cfg["module"].(string); mod != "" && !KerasModule(mod) {
			w.add(Fact{Kind: Reference, Key: fkey, Module: mod, Name: fn, Detail: "function of a Lambda layer"})
		}
	default:
		w.add(Fact{Kind: Lambda, Key: fkey, Detail: "Lambda layer"})
	}
}

// lambdaCode reports serialised bytecode and lists its names when the
// marshal data can be decoded.
func (w *walker) lambdaCode(v any, key string) {
	s, ok := v.(string)
	if !ok {
		w.add(Fact{Kind: Lambda, Key: key, Detail: "Lambda with code that is not a string"})
		return
	}
	names, err := CodeNames(s, w.opts.MaxCodeNames, w.opts.MaxMarshalObjects)
	f := Fact{Kind: Lambda, Key: key, CodeNames: names}
	if err != nil {
		f.Detail = "bytecode not decoded: " + err.Error()
	}
	w.add(f)
}

// KerasModule reports whether a module path belongs to Keras itself
// (keras, keras.src, tf_keras, tensorflow.keras, tf.keras, and Keras's
// own extension packages keras_hub, keras_cv, keras_nlp).
func KerasModule(m string) bool {
	for _, p := range []string{"keras", "tf_keras", "tensorflow.keras", "tensorflow.python.keras", "tf.keras", "keras_hub", "keras_cv", "keras_nlp"} {
		if m == p || strings.HasPrefix(m, p+".") {
			return true
		}
	}
	return false
}
