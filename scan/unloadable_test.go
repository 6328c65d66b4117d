package scan

import (
	"bytes"
	"strings"
	"testing"
)

// TestUnloadable holds the proof that every loader rejects an input
// before running anything, and its refusals, which keep the finding high.
func TestUnloadable(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + strings.Repeat("\x00", 600)
	tar := make([]byte, 1024)
	copy(tar, "storages")
	copy(tar[100:], "0000644\x00")
	copy(tar[124:], "00000000000\x00")
	copy(tar[148:], "        ")
	var sum int
	for _, b := range tar[:512] {
		sum += int(b)
	}
	copy(tar[148:], []byte(strings.Repeat("0", 6-len(itoa8(sum)))+itoa8(sum)+"\x00 "))
	tests := []struct {
		name, file, data string
		joblibRefused    string // the decompressing format's proof
		proven           bool
	}{
		{"png_named_pt", "model.pt", png, "", true},
		{"empty_pkl", "empty.pkl", "", "", true},
		{"random_named_pkl", "x.pkl", "\xcd\x01\x02\x03", "", true},
		{"global_with_undecodable_name", "model.pt", "c" + png, "", true}, // GLOBAL: a module name that is no UTF-8
		{"imports_before_failing", "model.pt", "cos\nsystem\n" + png, "", false},
		{"operand_runs_past_head", "model.pt", "\x80\x02X\xe8\x03\x00\x00" + strings.Repeat("a", 1000) + "\x1a", "", false}, // PROTO BINUNICODE(1000) ...
		{"binpersid_of_any_object", "model.pt", "N" + "Q\x1a", "", false},                                                   // NONE BINPERSID
		{"text_persid_then_garbage", "model.pt", "PNG\r\n\x1a", "", true},                                                   // PERSID 'NG\r' ...
		{"pandas_gzip_suffix", "frame.pkl.gz", png, "", false},
		{"pandas_zip_suffix", "frame.zip", png, "", false},
		{"zlib_magic_joblib_reads", "model.joblib", "x\x9c" + png, "", false},
		{"xz_magic", "model.joblib", "\xfd7zXZ\x00" + png, "", false},
		{"zip_local_header", "model.pt", "PK\x03\x04" + png, "", false},
		{"tar_header_tarfile_opens", "model.pt", string(tar), "", false},
		{"joblib_zfile_unproven", "a.pkl_01.npy.z", "ZF0x28              x^c`", "", false},
		{"joblib_zfile_content_refused", "a.pkl_01.npy.z", "ZF0x28              x^c`", "its first byte 0x00 is no pickle opcode", true},
		{"pandas_suffix_beats_joblib_proof", "a.pkl.gz", "ZF0x28              x^c`", "its first byte 0x00 is no pickle opcode", false},
		{"z_suffix_is_no_pandas_compression", "a.npy.z", png, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := NewSectionInput(nil, tt.file, bytes.NewReader([]byte(tt.data)), int64(len(tt.data)))
			if err != nil {
				t.Fatal(err)
			}
			if why := Unloadable(in, tt.joblibRefused); (why != "") != tt.proven {
				t.Errorf("Unloadable = %q, want proven %v", why, tt.proven)
			}
		})
	}
}

func itoa8(n int) string {
	s := ""
	for ; n > 0; n /= 8 {
		s = string(rune('0'+n%8)) + s
	}
	return s
}
