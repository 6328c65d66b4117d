package torchlegacy

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestElementSize(t *testing.T) {
	tests := []struct {
		typ  string
		want int64
		ok   bool
	}{
		{"torch.FloatStorage", 4, true},
		{"torch.DoubleStorage", 8, true},
		{"torch.HalfStorage", 2, true},
		{"torch.BFloat16Storage", 2, true},
		{"torch.LongStorage", 8, true},
		{"torch.BoolStorage", 1, true},
		{"torch.ComplexDoubleStorage", 16, true},
		{"torch.cuda.FloatStorage", 4, true},
		{"os.FloatStorage", 0, false},
		{"torch.EvilStorage", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			if got, ok := ElementSize(tt.typ); ok != tt.ok || ok && got != tt.want {
				t.Errorf("ElementSize = %d %v, want %d %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestStorageKeys(t *testing.T) {
	tests := []struct {
		name    string
		pickle  string
		want    []string
		wantErr bool
	}{
		{"protocol2", "\x80\x02]q\x00(X\x01\x00\x00\x000q\x01X\x01\x00\x00\x001q\x02X\x02\x00\x00\x0094q\x03e.", // PROTO EMPTY_LIST BINPUT MARK BINUNICODE BINPUT ... APPENDS STOP
			[]string{"0", "1", "94"}, false},
		{"protocol4", "\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x010\x94\x8c\x011\x94e.", // PROTO FRAME EMPTY_LIST MEMOIZE MARK SHORT_BINUNICODE MEMOIZE ... APPENDS STOP
			[]string{"0", "1"}, false},
		{"protocol0", "(lp0\nV0\np1\naV1\np2\na.", // MARK LIST PUT UNICODE PUT APPEND ... STOP
			[]string{"0", "1"}, false},
		{"memo_get", "\x80\x02]q\x00(X\x01\x00\x00\x000q\x01h\x01e.", // ... BINGET 1 APPENDS STOP
			[]string{"0", "0"}, false},
		{"empty", "\x80\x02]q\x00.", nil, false},
		{"call", "\x80\x02cos\nsystem\nq\x00.", nil, true},
		{"truncated", "\x80\x02]q\x00(X\x09\x00\x00\x000", nil, true},
		{"huge_length", "\x80\x02](X\xff\xff\xff\xff0e.", nil, true},
		{"not_list", "\x80\x02X\x01\x00\x00\x000.", nil, true},
		{"no_stop", "\x80\x02]", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := StorageKeys([]byte(tt.pickle))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("keys = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		name    string
		pickle  string
		want    int64
		wantErr bool
	}{
		{"binint1", "\x80\x02K\x03.", 3, false},                // PROTO BININT1 STOP
		{"binint2", "\x80\x02M\x00\x01.", 256, false},          // PROTO BININT2 STOP
		{"binint", "\x80\x02J\x00\x00\x01\x00.", 65536, false}, // PROTO BININT STOP
		{"text", "I12\n.", 12, false},                          // INT STOP
		{"two", "K\x01K\x02.", 0, true},
		{"call", "\x80\x02cos\nsystem\n.", 0, true},
		{"empty", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Count([]byte(tt.pickle))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Count = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestMagicHead(t *testing.T) {
	real, err := os.ReadFile(filepath.Join("../../../scan/formats/testdata", "streams", "legacy_state_dict.pt"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"torch", string(real[:min(len(real), 512)]), true},
		{"protocol0", "L119547037146038801333356L\n.", true},
		{"protocol4", "\x80\x04\x95\r\x00\x00\x00\x00\x00\x00\x00\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19.", true},
		{"other_long", "\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x18.", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MagicHead([]byte(tt.head)); got != tt.want {
				t.Errorf("MagicHead = %v, want %v", got, tt.want)
			}
		})
	}
}

func FuzzStorageKeys(f *testing.F) {
	f.Add([]byte("\x80\x02]q\x00(X\x01\x00\x00\x000q\x01X\x01\x00\x00\x001q\x02e."))
	f.Add([]byte("(lp0\nV0\np1\naV1\np2\na."))
	f.Add([]byte("\x80\x02K\x03."))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := StorageKeys(data)
		if err == nil && len(keys) > len(data) {
			t.Errorf("%d keys from %d bytes", len(keys), len(data))
		}
		_, _ = Count(data)
	})
}

func TestModuleClass(t *testing.T) {
	tests := []struct {
		name, desc, module, class string
		ok                        bool
	}{
		{"sequential", "persistent_load(('module', torch.nn.modules.container.Sequential, '/usr/lib/python3/dist-packages/torch/nn/modules/contain...", "torch.nn.modules.container", "Sequential", true},
		{"storage", "persistent_load(('storage', torch.FloatStorage, '0', 'cpu', 6, None))", "", "", false},
		{"other", "posix.system('id')", "", "", false},
		{"no_dot", "persistent_load(('module', Net, 'a.py', 'src'))", "", "", false},
		{"py2_bytes", "persistent_load((b'module', __main__.Net, b'net.py', b'class Net: ...'))", "__main__", "Net", true},
		{"cut_tag", "persistent_load(('modu...", "", "", false},
		{"int_tag", "persistent_load((1, a.B))", "", "", false},
		{"not_tuple", "persistent_load('module')", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, c, ok := ModuleClass(tt.desc)
			if m != tt.module || c != tt.class || ok != tt.ok {
				t.Errorf("ModuleClass = %q %q %v, want %q %q %v", m, c, ok, tt.module, tt.class, tt.ok)
			}
		})
	}
}
