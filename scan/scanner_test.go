package scan

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestScanMissingRoot(t *testing.T) {
	opts := DefaultOptions()
	opts.Roots = []string{filepath.Join(t.TempDir(), "nope")}
	if _, err := Scan(context.Background(), opts); err == nil {
		t.Fatal("scan of a missing root succeeded")
	}
}

func TestSectionInputSeeks(t *testing.T) {
	in, err := NewSectionInput(nil, "x", strings.NewReader("hello world"), 11)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := in.Open()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rc.(io.Seeker); !ok {
		t.Error("Open of a section input does not seek")
	}
}
