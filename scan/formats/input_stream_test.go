package formats

import (
	"bytes"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
)

// TestStreamInputSharesReader checks that the head and the first reader
// of a stream input come from one open of the stream, and that a second
// pass restarts it only when the first read past what is kept.
func TestStreamInputSharesReader(t *testing.T) {
	tests := []struct {
		name      string
		size      int
		wantOpens int // after the head, a full read and a second full read
	}{
		{"short_stream_kept", scan.SniffSize, 1},
		{"long_stream_restarted", scan.SniffSize + 1, 2},
		{"empty", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := bytes.Repeat([]byte("0123456789"), tt.size/10+1)[:tt.size]
			opens := 0
			in, err := scan.NewStreamInput(nil, "s", -1, func() (io.ReadCloser, error) {
				opens++
				return io.NopCloser(bytes.NewReader(data)), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(in.Head, data[:min(len(data), scan.HeadSize)]) {
				t.Fatalf("head %q", in.Head)
			}
			for pass := range 2 {
				rc, err := in.Open()
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(rc)
				rc.Close()
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("pass %d: %d bytes, err %v", pass, len(got), err)
				}
				if pass == 0 && opens != 1 {
					t.Errorf("first pass opened the stream %d times, want 1", opens)
				}
			}
			if opens != tt.wantOpens {
				t.Errorf("opened %d times, want %d", opens, tt.wantOpens)
			}
		})
	}
}

// Heads of xz streams written by Python's lzma with the filters named.
const (
	xzPreset6 = "fd377a585a000004e6d6b4460200210116000000742fe5a3"
	xzDict256 = "fd377a585a000004e6d6b44602002101200000000988a576010000780000000045aeef83f8ee160a00011901a52c81cc1fb6f37d010000000004595a"
	xzX86Dict = "fd377a585a000004e6d6b4460201040021011c00876edae5010000780000000045aeef83f8ee160a00011901a52c81cc1fb6f37d010000000004595a"
)

func TestXZDictSize(t *testing.T) {
	tests := []struct {
		name string
		head string
		want uint64
	}{
		{"preset_6", xzPreset6, 8 << 20},
		{"dict_256m", xzDict256, 256 << 20},
		{"x86_then_lzma2_64m", xzX86Dict, 64 << 20},
		{"stream_header_only", xzPreset6[:24], 0},
		{"cut_in_block_header", xzPreset6[:32], 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := hex.DecodeString(tt.head)
			if got := xzDictSize(h); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

// TestXZDictRefused checks that an xz stream asking for a dictionary over
// the cap is inconclusive, not allocated.
func TestXZDictRefused(t *testing.T) {
	b, _ := hex.DecodeString(xzDict256)
	res, _ := scanBytes(t, "model.pkl.xz", b)
	if len(res.Findings) != 1 || res.Findings[0].Rule != finding.RuleInconclusive || !strings.Contains(res.Findings[0].Message, "dictionary") {
		t.Errorf("findings %+v", res.Findings)
	}
}
