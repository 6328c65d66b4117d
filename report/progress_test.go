package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf)
	p.Delay = 0
	for i := 0; i <= 1000; i++ {
		p.Update(i, 1000)
	}
	p.Update(5, 0) // no total: ignored
	if n := strings.Count(buf.String(), "\r"); n != 101 {
		t.Errorf("%d redraws, want 101", n)
	}
	if !strings.HasSuffix(buf.String(), "scanning 1000/1000 files (100%)\x1b[K") {
		t.Errorf("last line: %q", buf.String()[buf.Len()-40:])
	}
	p.Done()
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Error("Done did not erase the line")
	}
	buf.Reset()
	NewProgress(&buf).Done()
	if buf.Len() != 0 {
		t.Error("Done without Update wrote something")
	}
	p = NewProgress(&buf)
	p.Delay = time.Hour
	p.Update(1, 2)
	p.Done()
	if buf.Len() != 0 {
		t.Error("a scan shorter than the delay drew a line")
	}
}
