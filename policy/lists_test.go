package policy

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/internal/parse/pickle"
)

var listFiles = map[string]*string{
	"dangerous.txt":    &dangerousData,
	"safe.txt":         &safeData,
	"safe_classes.txt": &safeClassesData,
}

func TestListsParse(t *testing.T) {
	for name, data := range listFiles {
		t.Run(strings.NewReplacer(".", "_").Replace(name), func(t *testing.T) {
			entries, errs := parseList(*data)
			for _, err := range errs {
				t.Errorf("%s: %v", name, err)
			}
			if len(entries) < 50 {
				t.Errorf("%s: %d entries, want a real list", name, len(entries))
			}
			seen := map[string]int{}
			for i, e := range entries {
				if prev, ok := seen[e.String()]; ok {
					t.Errorf("%s:%d: %q duplicates line %d", name, e.Line, e.String(), prev)
				}
				seen[e.String()] = e.Line
				if i > 0 && entries[i-1].Reason == e.Reason && entries[i-1].String() >= e.String() {
					t.Errorf("%s:%d: %q is not sorted after %q", name, e.Line, e.String(), entries[i-1].String())
				}
			}
		})
	}
}

// No allowlisted global may also be denied, and no allowlist wildcard may
// cover a denied name.
func TestListsDisjoint(t *testing.T) {
	d, _ := parseList(dangerousData)
	deny := newDenyTable(d)
	s, _ := parseList(safeData)
	c, _ := parseList(safeClassesData)
	for _, e := range append(s, c...) {
		if e.Name == "*" {
			if hit, ok := deny.coversUnder(e.Module); ok {
				t.Errorf("allowlist %q (line %d) covers denied %q", e.String(), e.Line, hit.String())
			}
			continue
		}
		if m, ok := deny.match(pickle.Global{Module: e.Module, Name: e.Name}); ok {
			t.Errorf("allowlist %q (line %d) is denied by %q", e.String(), e.Line, m.Entry.String())
		}
	}
}

// Every global that the benign-object script saw real libraries write must
// pass: scripts/policy/benign_globals.py writes the list. They are judged
// as the files use them: a class rebuilt without its constructor
// (scipy.stats' distributions run exec in __init__, never called when
// unpickled), anything else as called.
func TestBenignGlobalsAreSafe(t *testing.T) {
	f, err := os.Open("data/benign_globals.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := Default()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fl := strings.Fields(line)
		if len(fl) != 2 {
			t.Fatalf("bad line %q", line)
		}
		n++
		g := pickle.Global{Module: fl[0], Name: fl[1]}
		if v := p.classify(g, useInstance); v.Class != ClassSafe {
			t.Errorf("benign %s: %s (%s, %s)", g, v.Class, v.Reason, v.Matched)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 300 {
		t.Errorf("only %d benign globals recorded", n)
	}
}
