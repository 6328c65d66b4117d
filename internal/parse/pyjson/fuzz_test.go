package pyjson

import (
	"encoding/json"
	"testing"
)

// FuzzDecode checks that any input decodes or fails with an error, and
// that what decodes is a value encoding/json can write back.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a": NaN}`, `[Infinity, -Infinity, "x\"NaN"]`, `{"k": 1, "k": 2}`, "\xff\xfe{\x00}\x00", "\x00\x00\x00{\x00\x00\x00}", "\xef\xbb\xbf[]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Decode(data)
		if err != nil {
			return
		}
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("decoded value does not encode: %v", err)
		}
	})
}
