package keras

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// code311 is base64(marshal.dumps(code)) of CPython 3.11 for
// lambda x: __import__("os").system("true") or x, written by
// /usr/bin/python3 (3.11.2).
const code311 = "4wEAAAAAAAAAAAAAAAMAAAADAAAA80oAAACXAHQBAAAAAAAAAAAAAGQBpgEAAKsBAAAAAAAAAACgAQAAAAAAAAAAAAAAAAAAAAAAAAAAZAKmAQAAqwEAAAAAAAAAAHABfABTACkDTtoCb3PaBHRydWUpAtoKX19pbXBvcnRfX9oGc3lzdGVtKQHaAXhzAQAAACD6CDxzdHJpbmc++gg8bGFtYmRhPnIIAAAAAwAAAHMhAAAAgACNapgU0Q4e1A4e1w4l0g4loGbRDi3UDi3QDjKwEYAA8wAAAAA="

func TestAnalyzeConfig(t *testing.T) {
	lambda3 := `{"class_name": "__lambda__", "config": {"code": "` + code311 + `", "defaults": null, "closure": null}}`
	tests := []struct {
		name, config string
		want         []string // kind:key:module.name
	}{
		{"benign_sequential", `{"module": "keras", "class_name": "Sequential", "config": {"layers": [
			{"module": "keras.layers", "class_name": "Dense", "config": {"activation": {"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "relu"}}, "registered_name": null}]}}`, nil},
		{"keras3_lambda", `{"module": "keras", "class_name": "Sequential", "config": {"layers": [{}, {"module": "keras.layers", "class_name": "Lambda",
			"config": {"function": ` + lambda3 + `}}]}}`, []string{"1:config.layers[1].config.function:."}},
		{"keras2_lambda", `{"class_name": "Model", "config": {"layers": [{"class_name": "Lambda", "config": {"function": ["` + code311 + `", null, null], "function_type": "lambda", "module": "__main__"}}]}}`,
			[]string{"1:config.layers[0].config.function[0]:."}},
		{"module_os", `{"config": {"layers": [{"module": "os", "class_name": "system", "config": {"command": "true"}}]}}`,
			[]string{"2:config.layers[0].module:os.system"}},
		{"function_reference", `{"layer": {"module": "builtins", "class_name": "function", "config": "exec", "registered_name": "function"}}`,
			[]string{"2:layer.module:builtins.exec"}},
		{"bidirectional_wrapper", `{"class_name": "Bidirectional", "config": {"layer": {"class_name": "LSTM", "config": {"recurrent_initializer": {"module": "subprocess", "class_name": "Popen", "config": {}}}}}}`,
			[]string{"2:config.layer.config.recurrent_initializer.module:subprocess.Popen"}},
		{"custom_object", `{"module": "my_pkg.layers", "class_name": "MyLayer", "config": {}, "registered_name": "MyPkg>MyLayer"}`,
			[]string{"3:module:my_pkg.layers.MyLayer"}},
		{"custom_keras2", `{"class_name": "MyLayer", "config": {}, "registered_name": "Custom>MyLayer"}`,
			[]string{"3:registered_name:.MyLayer"}},
		{"keras_hub_is_keras", `{"module": "keras_hub.src.models", "class_name": "Backbone", "config": {}, "registered_name": "keras_hub>Backbone"}`, nil},
		{"not_json", `{"a": `, []string{"4::."}},
		{"tfoplambda", `{"class_name": "Functional", "config": {"layers": [{"class_name": "TFOpLambda", "config": {"name": "tf.io.write_file", "function": "io.write_file"}}]}}`,
			[]string{"5:config.layers[0].config.function:tensorflow.io.write_file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range analyzeConfig([]byte(tt.config)) {
				got = append(got, fmt.Sprintf("%d:%s:%s.%s", f.Kind, f.Key, f.Module, f.Name))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("facts\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestCodeNames(t *testing.T) {
	names, err := CodeNames(code311, 64, 1000)
	if err != nil || strings.Join(names, ",") != "__import__,system" {
		t.Errorf("names %v, %v", names, err)
	}
	if _, err := CodeNames("!!", 64, 1000); err == nil {
		t.Error("no error for bad base64")
	}
	if _, err := CodeNames("4w==", 64, 1000); err == nil {
		t.Error("no error for a truncated code object")
	}
}

// TestAnalyzeBounds checks that a bound hit is a Limit fact naming the
// bound, and that references padding a config cannot push a Lambda past
// the fact budget.
func TestAnalyzeBounds(t *testing.T) {
	refs := strings.Repeat(`{"module": "os", "class_name": "system"},`, 20)
	lambda := `{"class_name": "Lambda", "config": {"function": ["` + code311 + `", null, null], "function_type": "lambda"}}`
	small := DefaultOptions()
	small.MaxFacts = 5
	tests := []struct {
		name  string
		doc   string
		opts  Options
		kinds []Kind
	}{
		{"deep_config", strings.Repeat(`{"a": `, 600) + "1" + strings.Repeat("}", 600), DefaultOptions(), []Kind{Limit}},
		{"many_facts", "[" + refs + "1]", small, []Kind{Reference, Reference, Reference, Reference, Reference, Limit}},
		{"lambda_after_many_facts", `{"_custom_objects": [` + refs + `1], "layers": [` + lambda + `]}`, small,
			[]Kind{Reference, Reference, Reference, Reference, Reference, Limit, Lambda}},
		{"lambda_after_deep_config", `{"a": ` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `, "b": ` + lambda + `}`, DefaultOptions(), []Kind{Limit}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var kinds []Kind
			for _, f := range Analyze([]byte(tt.doc), tt.opts, testSideEffects) {
				kinds = append(kinds, f.Kind)
			}
			if !slices.Equal(kinds, tt.kinds) {
				t.Errorf("kinds %v, want %v", kinds, tt.kinds)
			}
		})
	}
}

func FuzzCodeNames(f *testing.F) {
	f.Add(code311)
	f.Fuzz(func(t *testing.T, s string) {
		CodeNames(s, 64, 10_000)
	})
}

// codeObject builds a marshalled code object by hand with ints leading
// int32 fields (6 for CPython 3.8-3.10, 5 for 3.7) and the given names.
func codeObject(ints int, names ...string) string {
	var b strings.Builder
	le := func(n int) { b.WriteString(string([]byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)})) }
	short := func(s string) { b.WriteString("z" + string(rune(len(s))) + s) }
	b.WriteString("\xe3") // 'c' | FLAG_REF
	for i := range ints {
		le([]int{1, 0, 0, 1, 2, 0x43}[i])
	}
	b.WriteString("s")
	le(2)
	b.WriteString("d\x00")                        // co_code
	b.WriteString(")\x01N")                       // co_consts (None,)
	b.WriteString(")" + string(rune(len(names)))) // co_names
	for _, n := range names {
		short(n)
	}
	b.WriteString(")\x01r\x00\x00\x00\x00") // co_varnames: a reference to the code object
	b.WriteString(")\x00)\x00")             // co_freevars, co_cellvars
	short("f.py")
	short("<lambda>")
	le(1)
	b.WriteString("s\x00\x00\x00\x00") // co_lnotab
	return base64.StdEncoding.EncodeToString([]byte(b.String()))
}

func TestCodeNamesLayouts(t *testing.T) {
	for _, ints := range []int{5, 6} {
		t.Run(fmt.Sprintf("ints_%d", ints), func(t *testing.T) {
			names, err := CodeNames(codeObject(ints, "os", "system"), 64, 1000)
			if err != nil || strings.Join(names, ",") != "os,system" {
				t.Errorf("names %v, %v", names, err)
			}
		})
	}
}

func BenchmarkAnalyzeConfig(b *testing.B) {
	var layers []string
	for i := range 2000 {
		layers = append(layers, fmt.Sprintf(`{"module": "keras.layers", "class_name": "Dense", "config": {"name": "d%d", "units": 4,
			"kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}}}}`, i))
	}
	cfg := []byte(`{"module": "keras", "class_name": "Sequential", "config": {"layers": [` + strings.Join(layers, ",") + `]}}`)
	b.SetBytes(int64(len(cfg)))
	for b.Loop() {
		if facts := analyzeConfig(cfg); len(facts) != 0 {
			b.Fatal(facts)
		}
	}
}

func FuzzAnalyzeConfig(f *testing.F) {
	f.Add([]byte(`{"module": "keras", "class_name": "Sequential", "config": {"layers": [{"module": "os", "class_name": "system", "config": {}}]}}`))
	f.Add([]byte(`{"class_name": "Lambda", "config": {"function": ["` + code311 + `", null, null], "function_type": "lambda"}}`))
	f.Add([]byte(`{"class_name": "TFOpLambda", "config": {"function": "io.write_file"}, "registered_name": "a>b"}`))
	files, _ := filepath.Glob("../../../scan/formats/testdata/loaders/*/config.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		opts := DefaultOptions()
		opts.MaxDepth = 64
		opts.MaxFacts = 20
		for _, fact := range Analyze(b, opts, testSideEffects) {
			if fact.Kind < Lambda || fact.Kind > Limit {
				t.Fatalf("fact of kind %d", fact.Kind)
			}
		}
	})
}

// testSideEffects stands for the caller's list of Keras functions with
// side effects (the policy's).
var testSideEffects = map[string]string{"get_file": "downloads a file", "enable_unsafe_deserialization": "switches safe_mode off"}

func analyzeConfig(data []byte) []Fact { return Analyze(data, DefaultOptions(), testSideEffects) }
