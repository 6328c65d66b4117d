package formats

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
)

func TestStreamContainerFixtures(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		{"evil_broken_pickle.7z", `7z scanned system=["archive/data.pkl"] rules=[]`},
		{"torch_zip.7z", "7z scanned system=[] rules=[]"},
		{"evil_torch_zip.7z", `7z scanned system=["pytorch_model.bin/archive/data.pkl"] rules=[]`},
		{"evil_broken_pickle.7z.gz", `gzip scanned system=["evil_broken_pickle.7z/archive/data.pkl"] rules=[]`},
		{"encrypted_members.7z", `7z partial system=[] rules=["MG007@data.pkl"]`},
		{"encrypted_header.7z", `7z not-scanned system=[] rules=["MG007@"]`},
		{"pickle.tar", "tar scanned system=[] rules=[]"},
		{"pickle.tar.gz", "gzip scanned system=[] rules=[]"},
		{"evil_pickle.tar.gz", `gzip scanned system=["evil_pickle.tar/model.pkl"] rules=[]`},
		{"pickle.pkl.bz2", "bz2 scanned system=[] rules=[]"},
		{"pickle.pkl.xz", "xz scanned system=[] rules=[]"},
		{"pickle.pkl.gz", "gzip scanned system=[] rules=[]"},
		{"evil_pickle.pkl.lzma", `lzma scanned system=["evil_pickle.pkl"] rules=[]`},
		{"evil_pickle.zlib", `zlib scanned system=["evil_pickle"] rules=[]`},
		{"torch_tar.pt", "torch-tar scanned system=[] rules=[]"},
		{"evil_torch_tar_pickle.pt", `torch-tar scanned system=["pickle"] rules=[]`},
		{"evil_torch_tar_storages.pt", `torch-tar partial system=["storages/pickle#0"] rules=["MG140@storages"]`},
	})
}

func TestSevenZipEncryptedMessage(t *testing.T) {
	got := streamFixtures(t)
	for _, file := range []string{"encrypted_members.7z", "encrypted_header.7z"} {
		f := got[file]
		if len(f.Findings) != 1 || !strings.Contains(f.Findings[0].Message, "encrypted") {
			t.Errorf("%s: findings %v, want one saying encrypted", file, f.Findings)
		}
	}
}

func TestMaterialize(t *testing.T) {
	data := []byte("PROBE " + strings.Repeat("x", 1000))
	gz := compress(t, "gzip", data)
	tests := []struct {
		name string
		max  int64
		want error
	}{
		{"fits", 2000, nil},
		{"exact", int64(len(data)), nil},
		{"too_big", int64(len(data)) - 1, scan.ErrLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scan.NewSession(options(), &finding.FileResult{})
			open := func() (io.ReadCloser, error) {
				zr, err := gzip.NewReader(bytes.NewReader(gz))
				return io.NopCloser(zr), err
			}
			in, err := scan.NewStreamInput([]string{"m"}, "m", -1, open)
			if err != nil {
				t.Fatal(err)
			}
			in.Depth = 2
			out, err := s.Materialize(in, tt.max)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if err != nil {
				return
			}
			buf := make([]byte, out.Size)
			if _, err := out.At.ReadAt(buf, 0); err != nil || !bytes.Equal(buf, data) || out.Depth != 2 {
				t.Errorf("materialized %d bytes depth %d, err %v", len(buf), out.Depth, err)
			}
		})
	}
}
