package hdf5

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtures = "../../../scan/formats/testdata/formats"

func TestRootAttributes(t *testing.T) {
	tests := []struct {
		file, attr, prefix string
	}{
		{"benign_keras2_earliest.h5", "model_config", `{"class_name": "Sequential"`},
		{"benign_keras2_latest.h5", "training_config", `{"loss": "mse"`},
		{"mal_lambda_dense.h5", "model_config", `{"class_name": "Sequential"`},
		{"mal_lambda_dense.h5", "extra_11", "value 11"},
		{"mal_module_os_huge.h5", "model_config", `{"class_name": "Sequential"`},
		{"benign_keras2_earliest.h5", "keras_version", "2.13.1"},
	}
	for _, tt := range tests {
		t.Run(strings.NewReplacer(".", "_").Replace(tt.file+"_"+tt.attr), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(fixtures, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			attrs, err := RootAttributes(bytes.NewReader(b), int64(len(b)), DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range attrs {
				if a.Name == tt.attr {
					if !a.IsString || !strings.HasPrefix(a.Value, tt.prefix) {
						t.Errorf("%s = %q (string %v), want prefix %q", a.Name, a.Value, a.IsString, tt.prefix)
					}
					return
				}
			}
			t.Errorf("no attribute %q in %v", tt.attr, attrs)
		})
	}
}

func TestRootAttributesHostile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "benign_keras2_latest.h5"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 8, 20, 47, 60, 200, 1000, len(b) - 1} {
		cut := b[:n]
		// Truncations must fail or succeed without a panic; nothing else is required.
		RootAttributes(bytes.NewReader(cut), int64(len(cut)), DefaultOptions())
	}
	if _, err := RootAttributes(bytes.NewReader([]byte("nothing")), 7, DefaultOptions()); err == nil {
		t.Error("no error for a file without a superblock")
	}
}

func FuzzRootAttributes(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.h5"))
	more, _ := filepath.Glob(filepath.Join("../../../scan/formats/testdata", "format_variants", "*.h5"))
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil && len(b) < 20000 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		opts := DefaultOptions()
		opts.MaxValue = 1 << 20
		RootAttributes(bytes.NewReader(b), int64(len(b)), opts)
	})
}

func BenchmarkRootAttributes(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(fixtures, "mal_module_os_huge.h5"))
	if err != nil {
		b.Fatal(err)
	}
	r := bytes.NewReader(data)
	for b.Loop() {
		if _, err := RootAttributes(r, int64(len(data)), DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDeepNameIndex reads root attributes kept in dense storage whose name
// index is a version 2 B-tree of depth 2 (1500 attributes), and of depth 1
// with creation order tracked.
func TestDeepNameIndex(t *testing.T) {
	tests := []struct {
		file  string
		attrs int
	}{
		{"benign_h_many_attrs.h5", 1504},
		{"h_lambda_many_attrs.h5", 1503},
		{"h_lambda_track_order.h5", 23},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.file, ".", "_"), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("../../../scan/formats/testdata", "format_variants", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			attrs, err := RootAttributes(bytes.NewReader(b), int64(len(b)), DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, a := range attrs {
				found = found || a.Name == "model_config" && a.IsString && strings.HasPrefix(a.Value, "{")
			}
			if len(attrs) != tt.attrs || !found {
				t.Errorf("%d attributes, model_config found: %v", len(attrs), found)
			}
		})
	}
}

// TestReadObjects reads every object's attributes of files written by
// h5py and pandas (testdata/loaders/gen.py): old-style groups, dense
// links, a user block, and a committed datatype at the root.
func TestReadObjects(t *testing.T) {
	tests := []struct {
		file, object, name string
		wantRaw            bool
	}{
		{"l_pandas_pickled_attr.h5", "/df", "pandas_version", true},
		{"l_pandas_pickled_attr.h5", "/df/table", "values_block_0_meta", true},
		{"l_h5_dense_links_pickle.h5", "/g19/inner/values", "kind", true},
		{"l_h5_userblock_pickle.dat", "/df", "info", true},
		{"l_h5_committed_vlen.h5", "/", "model_config", false},
	}
	for _, tt := range tests {
		t.Run(strings.NewReplacer(".", "_").Replace(tt.file+"_"+tt.name), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "..", "..", "scan", "formats", "testdata", "loaders", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			c, err := ReadObjects(bytes.NewReader(b), int64(len(b)), DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range c.Attributes {
				if a.Object == tt.object && a.Name == tt.name {
					if !a.IsString || (len(a.Raw) > 0) != tt.wantRaw {
						t.Errorf("attribute %+v", a)
					}
					return
				}
			}
			t.Errorf("no attribute %s of %s among %d", tt.name, tt.object, len(c.Attributes))
		})
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "scan", "formats", "testdata", "loaders", "l_pandas_fixed_object_row.h5"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ReadObjects(bytes.NewReader(b), int64(len(b)), DefaultOptions())
	if err != nil || len(c.Rows) != 1 || c.Rows[0].Object != "/df/block1_values" || !bytes.HasSuffix(c.Rows[0].Data, []byte(".")) {
		t.Errorf("object array rows %+v, %v", c.Rows, err)
	}
	b, err = os.ReadFile(filepath.Join("..", "..", "..", "scan", "formats", "testdata", "loaders", "l_h5_dense_links_pickle.h5"))
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.MaxObjects = 5
	if _, err := ReadObjects(bytes.NewReader(b), int64(len(b)), opts); !errors.Is(err, ErrLimit) {
		t.Errorf("MaxObjects 5: error %v, want ErrLimit", err)
	}
}

func FuzzReadObjects(f *testing.F) {
	var files []string
	for _, dir := range []string{fixtures, "../../../scan/formats/testdata/loaders"} {
		more, _ := filepath.Glob(filepath.Join(dir, "*.h5"))
		files = append(files, more...)
	}
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 20000 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		opts := DefaultOptions()
		opts.MaxValue = 1 << 20
		opts.MaxObjects = 1000
		ReadObjects(bytes.NewReader(b), int64(len(b)), opts) //nolint:errcheck // any error is fine
	})
}
