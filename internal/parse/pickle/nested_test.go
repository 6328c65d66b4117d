package pickle

import (
	"encoding/base64"
	"strings"
	"testing"
)

// sbb is a SHORT_BINBYTES opcode with its operand.
func sbb(s string) string { return "C" + string([]byte{byte(len(s))}) + s }

// sbu is a SHORT_BINUNICODE opcode with its operand.
func sbu(s string) string { return "\x8c" + string([]byte{byte(len(s))}) + s }

const innerPayload = "cos\nsystem\n(S'id'\ntR." // GLOBAL MARK STRING TUPLE REDUCE STOP

func TestNested(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte(innerPayload))
	tests := []struct {
		name   string
		data   string
		loader string
		limit  string
	}{
		{"pickle_loads_bytes", "\x80\x03cpickle\nloads\n" + sbb(innerPayload) + "\x85R.", // PROTO GLOBAL SHORT_BINBYTES TUPLE1 REDUCE STOP
			"pickle.loads", ""},
		{"underscore_pickle_loads", "\x80\x03c_pickle\nloads\n" + sbb(innerPayload) + "\x85R.", // PROTO GLOBAL SHORT_BINBYTES TUPLE1 REDUCE STOP
			"_pickle.loads", ""},
		{"base64_wrapped", "\x80\x03cpickle\nloads\ncbase64\nb64decode\n" + sbu(b64) + "\x85R\x85R.", // PROTO GLOBAL GLOBAL SBU TUPLE1 REDUCE TUPLE1 REDUCE STOP
			"pickle.loads", ""},
		{"codecs_decode_base64", "\x80\x03cpickle\nloads\nccodecs\ndecode\n" + sbb(b64) + sbu("base64") + "\x86R\x85R.", // PROTO GLOBAL GLOBAL SBB SBU TUPLE2 REDUCE TUPLE1 REDUCE STOP
			"pickle.loads", ""},
		{"latin1_encode_proto2", "\x80\x02cpickle\nloads\nc_codecs\nencode\nX" + string([]byte{byte(len(innerPayload)), 0, 0, 0}) + innerPayload + "X\x06\x00\x00\x00latin1\x86R\x85R.", // PROTO GLOBAL GLOBAL BINUNICODE BINUNICODE TUPLE2 REDUCE TUPLE1 REDUCE STOP
			"pickle.loads", ""},
		{"torch_load_bytesio", "\x80\x03ctorch\nload\nc_io\nBytesIO\n" + sbb(innerPayload) + "\x85R\x85R.", // PROTO GLOBAL GLOBAL SBB TUPLE1 REDUCE TUPLE1 REDUCE STOP
			"torch.load", ""},
		{"via_memo", "\x80\x03" + sbb(innerPayload) + "\x940cdill\nloads\nh\x00\x85R.", // PROTO SBB MEMOIZE POP GLOBAL BINGET TUPLE1 REDUCE STOP
			"dill.loads", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Read(strings.NewReader(tt.data), DefaultOptions())
			if r.Err != nil || r.Pickles != 1 {
				t.Fatalf("outer: err %v pickles %d", r.Err, r.Pickles)
			}
			if len(r.Nested) != 1 {
				t.Fatalf("got %d nested pickles, want 1", len(r.Nested))
			}
			n := r.Nested[0]
			if n.Loader.String() != tt.loader {
				t.Errorf("loader %s, want %s", n.Loader, tt.loader)
			}
			got := digestOf(n.Result)
			if len(got.Calls) != 1 || got.Calls[0] != "REDUCE@19 os.system('id',)" {
				t.Errorf("inner calls %v", got.Calls)
			}
		})
	}
}

func TestNestedDepth(t *testing.T) {
	data := innerPayload
	for i := 0; i < 5; i++ {
		data = "\x80\x03cpickle\nloads\n" + sbb(data) + "\x85R." // PROTO GLOBAL SHORT_BINBYTES TUPLE1 REDUCE STOP
		if len(data) > 250 {
			break
		}
	}
	r := Read(strings.NewReader(data), DefaultOptions())
	depth := 0
	for cur := r; len(cur.Nested) > 0; cur = cur.Nested[0].Result {
		depth++
		if depth == 3 && (cur.Nested[0].Result.Limit == nil || cur.Nested[0].Result.Limit.Name != "MaxNesting") {
			t.Errorf("want MaxNesting at depth 3, got %+v", cur.Nested[0].Result.Limit)
		}
	}
	if depth != 3 {
		t.Errorf("nesting depth %d, want 3", depth)
	}
}
