package formats

import (
	"archive/tar"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// The legacy torch tar as torch.load reads it: tarfile's names, and
// storage data sized by the class torch takes from each entry.

// paxTar writes members with a global PAX header (typeflag g) of records
// before them.
func paxTar(t *testing.T, global map[string]string, members ...[2]string) string {
	t.Helper()
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	if global != nil {
		if err := w.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header", PAXRecords: global, Format: tar.FormatPAX}); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range members {
		if err := w.WriteHeader(&tar.Header{Name: m[0], Mode: 0o644, Size: int64(len(m[1])), Format: tar.FormatPAX}); err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(m[1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const (
	tarCount   = "I1\n."                                   // INT STOP
	tarStorage = "(S'0'\nS'cpu'\nctorch\nFloatStorage\nt." // MARK STRING STRING GLOBAL TUPLE STOP
	tarEmpty   = "\x00\x00\x00\x00\x00\x00\x00\x00"        // element count 0
)

func TestLegacyTarGlobalPAXName(t *testing.T) {
	evil := tarCount + tarStorage + tarEmpty + rtPayload // storage_views is the payload
	// Go's archive/tar calls the member weights.bin; tarfile, and so
	// torch's legacy_load, calls it storages.
	renamed := paxTar(t, map[string]string{"path": "storages"}, [2]string{"weights.bin", evil})
	tests := []struct{ name, data string }{
		{"global_path_renames_later_members", renamed},
		{"global_path_gzip", gzipOf(t, renamed)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := scanBytes(t, "model.pt", []byte(tt.data))
			if w := worst(res.Findings); w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
				t.Errorf("worst %v findings %+v", w, res.Findings)
			}
			if !hasMessage(res.Findings, finding.RulePolyglot, "global PAX path") {
				t.Errorf("no disagreement naming the trick: %+v", res.Findings)
			}
		})
	}
}

// TestLegacyTarStorageClass: the entry pickle returns ByteStorage, by
// which torch sizes the data, and imports a decoy storage class after it
// (DoubleStorage, 8 bytes an element): the payload lies where torch reads
// the storage views.
func TestLegacyTarStorageClass(t *testing.T) {
	entry := "(S'0'\nS'cpu'\nctorch\nByteStorage\ntctorch\nDoubleStorage\n0." // MARK STRING STRING GLOBAL TUPLE GLOBAL POP STOP
	data := "\x08\x00\x00\x00\x00\x00\x00\x00" + "12345678"                   // 8 elements of 1 byte
	storages := tarCount + entry + data + rtPayload
	res, _ := scanBytes(t, "model.pt", []byte(legacyTar(t, [2]string{"storages", storages}, [2]string{"tensors", "I0\n."}, [2]string{"pickle", "N."})))
	if w := worst(res.Findings); w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
		t.Errorf("worst %v findings %+v", w, res.Findings)
	}
}

// TestTarBenignGlobalHeader: git archive writes a global header with a
// comment; no member is renamed and nothing is reported.
func TestTarBenignGlobalHeader(t *testing.T) {
	data := paxTar(t, map[string]string{"comment": "0123456789abcdef"}, [2]string{"README", "hello\n"})
	res, _ := scanBytes(t, "src.tar", []byte(data))
	if len(res.Findings) != 0 {
		t.Errorf("findings %+v", res.Findings)
	}
}

// TestLegacyTarGlobalPAXSize: a global PAX size= makes tarfile read the
// "storages" member past its header's size, into the block padding that
// Go's archive/tar skips, where the storage views pickle is the payload.
func TestLegacyTarGlobalPAXSize(t *testing.T) {
	part := tarCount + tarStorage + tarEmpty
	size := len(part) + len(rtPayload)
	data := []byte(paxTar(t, map[string]string{"size": strconv.Itoa(size)},
		[2]string{"storages", part}, [2]string{"tensors", "I0\n."}, [2]string{"pickle", "N."}))
	at := bytes.Index(data, []byte(part))
	if at < 0 || at%512+size > 512 {
		t.Fatal("payload does not fit in the member's padding")
	}
	copy(data[at+len(part):], rtPayload)
	res, _ := scanBytes(t, "model.pt", data)
	if w := worst(res.Findings); w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
		t.Errorf("worst %v findings %+v", w, res.Findings)
	}
	if !hasMessage(res.Findings, finding.RulePolyglot, "global PAX size") {
		t.Errorf("no disagreement naming the trick: %+v", res.Findings)
	}
}

// TestTarPythonChecksum: tarfile.open (and so torch.load) accepts a
// checksum written as Python's int reads it ("0o" prefix); such an archive
// is read as a tar too.
func TestTarPythonChecksum(t *testing.T) {
	evil := tarCount + tarStorage + tarEmpty + rtPayload
	data := []byte(legacyTar(t, [2]string{"storages", evil}, [2]string{"tensors", "I0\n."}, [2]string{"pickle", "N."}))
	copy(data[257:265], make([]byte, 8)) // no ustar magic: a v7 header
	copy(data[148:156], "        ")
	sum := 0
	for _, b := range data[:512] {
		sum += int(b)
	}
	copy(data[148:156], fmt.Sprintf("0o%06o", sum))
	res, _ := scanBytes(t, "model.pt", data)
	if w := worst(res.Findings); w < finding.High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
		t.Errorf("format %q worst %v findings %+v", res.Format, w, res.Findings)
	}
}
