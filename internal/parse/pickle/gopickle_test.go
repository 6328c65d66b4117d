package pickle

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	gopickle "github.com/nlpodyssey/gopickle/pickle"
)

// stub is what the oracle's hooks return: it accepts every operation the
// unpickler may apply, and does nothing.
type stub struct{}

func (stub) Call(...interface{}) (interface{}, error)  { return stub{}, nil }
func (stub) PyNew(...interface{}) (interface{}, error) { return stub{}, nil }
func (stub) PySetState(interface{}) error              { return nil }
func (stub) PyDictSet(interface{}, interface{}) error  { return nil }
func (stub) PySetAttr(string, interface{}) error       { return nil }
func (stub) Append(interface{})                        {}
func (stub) Set(interface{}, interface{})              {}

// gopickleImports runs gopickle over a well-formed fixture with hooks that
// record every find_class. gopickle answers a few names itself without
// calling the hook; those are left out of both sides.
func gopickleImports(data []byte) (names []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("gopickle panicked: %v", p)
		}
	}()
	u := gopickle.NewUnpickler(strings.NewReader(string(data)))
	u.FindClass = func(module, name string) (interface{}, error) {
		names = append(names, module+"."+name)
		return stub{}, nil
	}
	u.PersistentLoad = func(interface{}) (interface{}, error) { return stub{}, nil }
	u.GetExtension = func(code int) (interface{}, error) {
		names = append(names, fmt.Sprintf("ext %d", code))
		return stub{}, nil
	}
	_, err = u.Load()
	return names, err
}

// handledByGopickle are the names gopickle resolves without its hook.
var handledByGopickle = map[string]bool{
	"collections.OrderedDict": true, "builtins.object": true, "copyreg._reconstructor": true,
	"__builtin__.object": true, "copy_reg._reconstructor": true,
}

func TestGopickleOracle(t *testing.T) {
	for _, file := range oracleFixtures(t) {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".pkl"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := gopickleImports(data)
			if err != nil {
				t.Fatalf("gopickle: %v", err)
			}
			r := Read(strings.NewReader(string(data)), DefaultOptions())
			proto := r.Protocols[0]
			want := map[string]bool{}
			for _, n := range theirs {
				g := Global{}
				g.Module, g.Name, _ = strings.Cut(n, ".")
				if proto < 3 {
					// gopickle does not apply _compat_pickle; CPython does.
					if m, ok := nameMapping[g]; ok {
						g = m
					} else if m, ok := importMapping[g.Module]; ok {
						g.Module = m
					}
				}
				if !handledByGopickle[g.String()] && !handledByGopickle[n] {
					want[g.String()] = true
				}
			}
			got := map[string]bool{}
			for _, im := range r.Imports {
				if !handledByGopickle[im.Global.String()] {
					got[im.Global.String()] = true
				}
			}
			if a, b := keys(got), keys(want); a != b {
				t.Errorf("imports differ\nreader:   %s\ngopickle: %s", a, b)
			}
		})
	}
}

func keys(m map[string]bool) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
