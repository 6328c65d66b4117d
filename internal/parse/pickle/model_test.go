package pickle

import (
	"testing"
	"unsafe"
)

// TestModelSizes checks that the bytes charged to MaxModelBytes are what
// the model really takes.
func TestModelSizes(t *testing.T) {
	if got := unsafe.Sizeof(value{}); got != valueBytes {
		t.Errorf("value is %d bytes, charged %d", got, valueBytes)
	}
	if got := unsafe.Sizeof(object{}); got != objectBytes {
		t.Errorf("object is %d bytes, charged %d", got, objectBytes)
	}
	if got := unsafe.Sizeof(""); got != stringBytes {
		t.Errorf("a string table entry is %d bytes, charged %d", got, stringBytes)
	}
}
