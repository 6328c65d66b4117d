// Package sarifcheck holds the SARIF checks that the tests of several
// packages apply to the SARIF modelgate writes: the official SARIF 2.1.0
// JSON schema with format assertions on, and Microsoft's SARIF Multitool
// with GitHub's rules.
//
// Decisions:
//   - It is a package for tests only: nothing the binary links imports it,
//     so its dependency on the schema validator stays out of the binary.
//   - The schema lives in sarif/testdata; callers pass that folder (Dir
//     joins it to the repository root).
//   - It also runs Microsoft's SARIF Multitool (multitool.go). That needs
//     os/exec, an edge TestNoNetworkImports allows for this package only:
//     it is linked into tests, never into the binary.
package sarifcheck

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SchemaFile is the name, in the testdata folder, of the SARIF 2.1.0
// schema (unchanged from oasis-tcs/sarif-spec).
const SchemaFile = "sarif-schema-2.1.0.json"

// Dir returns the folder of the schema below the repository root.
func Dir(root string) string { return filepath.Join(root, "sarif", "testdata") }

// Schema compiles the SARIF schema in dir, with format assertions on.
func Schema(t testing.TB, dir string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, SchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(SchemaFile, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// Validate checks log against sch; a log that is not JSON fails t.
func Validate(t testing.TB, sch *jsonschema.Schema, log []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(inst)
}
