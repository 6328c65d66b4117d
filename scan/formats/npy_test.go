package formats

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// npyBytes builds a version 1.0 .npy file from header text and data.
func npyBytes(header, data string) string {
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	return string(b) + header + data
}

func TestNpyScan(t *testing.T) {
	evil := "\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03." // PROTO GLOBAL BINPUT BINUNICODE BINPUT TUPLE1 BINPUT REDUCE BINPUT STOP
	big := string([]byte("\x93NUMPY\x02\x00\x00\x00\x00\x7f")) + "{"
	dir := writeTree(t, map[string]string{
		"numeric.npy":             npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n", "\x00\x00\x00\x00\x00\x00\xf0?"),
		"object.npy":              npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n", evil),
		"unknown.npy":             npyBytes("{'descr': 'zz', 'fortran_order': False, 'shape': (1,), }\n", evil),
		"numeric_with_pickle.npy": npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n", evil),
		"bad_header.npy":          npyBytes("{'descr': '<f8', 'shape': (1,), }\n", evil),
		"big_header.npy":          big,
	})
	got := scanPaths(t, nil, dir)
	tests := []struct {
		file     string
		status   finding.Status
		findings []string
		callable string
		message  string
	}{
		{"numeric.npy", finding.StatusScanned, nil, "", ""},
		{"numeric_with_pickle.npy", finding.StatusScanned, nil, "", ""},
		{"object.npy", finding.StatusScanned, nil, "posix.system@", "object array: pickle at byte 67"},
		{"unknown.npy", finding.StatusScanned, nil, "posix.system@", "unknown dtype"},
		{"bad_header.npy", finding.StatusScanned, []string{"MG140@"}, "", ""},
		{"big_header.npy", finding.StatusPartial, []string{"MG006@"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".npy"), func(t *testing.T) {
			f := got[tt.file]
			if f.Format != "npy" || f.Status != tt.status {
				t.Errorf("format %q status %q, want npy %q", f.Format, f.Status, tt.status)
			}
			if ff := formatFindings(f); !slices.Equal(ff, tt.findings) {
				t.Errorf("findings %q, want %q", ff, tt.findings)
			}
			cs := callables(f)
			if tt.callable == "" && len(cs) > 0 {
				t.Errorf("callables %q, want none", cs)
			}
			if tt.callable != "" && !slices.Contains(cs, tt.callable) {
				t.Errorf("callables %q, want %s", cs, tt.callable)
			}
			if tt.message != "" && !slices.ContainsFunc(f.Findings, func(fd finding.Finding) bool { return strings.Contains(fd.Message, tt.message) }) {
				t.Errorf("no message says %q: %v", tt.message, f.Findings)
			}
		})
	}
}
