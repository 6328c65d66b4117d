package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The layout rules of docs/architecture.md, held by a test so that the
// tree keeps the shape the docs describe.

const module = "github.com/modelgate/modelgate"

// parserDeps are the packages outside the standard library that a leaf
// parser may import besides other parsers.
var parserDeps = map[string]bool{"google.golang.org/protobuf/encoding/protowire": true}

type listed struct {
	ImportPath string
	Name       string
	GoFiles    []string
	Imports    []string
	Standard   bool
}

func goList(t *testing.T) []listed {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("go command not found: %v", err)
	}
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listed
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestParsersImportOnlyParsers: a leaf parser reports facts from bytes; it
// imports the standard library and other parsers, never the engine, the
// policy or the vocabulary.
func TestParsersImportOnlyParsers(t *testing.T) {
	for _, p := range goList(t) {
		if !strings.HasPrefix(p.ImportPath, module+"/internal/parse/") {
			continue
		}
		for _, imp := range p.Imports {
			std := !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".")
			if std || strings.HasPrefix(imp, module+"/internal/parse/") || parserDeps[imp] {
				continue
			}
			t.Errorf("parser %s imports %s", p.ImportPath, imp)
		}
	}
}

// TestMainIsAShim: package main holds main.go alone; the program is
// internal/cli, tested in-process.
func TestMainIsAShim(t *testing.T) {
	for _, p := range goList(t) {
		if p.ImportPath == module && (len(p.GoFiles) != 1 || p.GoFiles[0] != "main.go") {
			t.Errorf("package main has %v, want main.go only", p.GoFiles)
		}
	}
}

// TestOnlyPolicyDecidesSeverity: outside package policy no code sets the
// severity of a finding, neither in a Finding literal nor by assignment.
// Formats report facts (a rule and a message); the policy decides.
func TestOnlyPolicyDecidesSeverity(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasPrefix(path, "policy"+string(filepath.Separator)) {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if !isFindingType(n.Type) {
					return true
				}
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Severity") {
						t.Errorf("%s: a Finding literal sets its severity", fset.Position(kv.Pos()))
					}
				}
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					sel, ok := lhs.(*ast.SelectorExpr)
					if !ok || sel.Sel.Name != "Severity" || i >= len(n.Rhs) {
						continue
					}
					if lit, ok := n.Rhs[i].(*ast.CompositeLit); ok {
						if _, isMap := lit.Type.(*ast.MapType); isMap {
							continue // a table of overrides read from the policy file
						}
					}
					t.Errorf("%s: a severity is assigned", fset.Position(n.Pos()))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func isFindingType(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "Finding"
	case *ast.SelectorExpr:
		return e.Sel.Name == "Finding"
	}
	return false
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
