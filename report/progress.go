package report

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress draws one status line ("scanning 12/340 files") on a terminal,
// redrawn in place, once a scan has run for longer than Delay: short scans
// print nothing. It is safe for concurrent use.
type Progress struct {
	// Delay is how long a scan runs before the line appears.
	Delay time.Duration

	mu      sync.Mutex
	w       io.Writer
	start   time.Time
	last    int // last percentage drawn, -1 before the first
	touched bool
}

// NewProgress returns a Progress writing to w, which should be a terminal,
// with a Delay of one second from now.
func NewProgress(w io.Writer) *Progress {
	return &Progress{w: w, last: -1, start: time.Now(), Delay: time.Second}
}

// Update records that done of total files are finished; it redraws only
// when the percentage changes, so a large tree costs at most 101 writes.
func (p *Progress) Update(done, total int) {
	if total <= 0 {
		return
	}
	pct := done * 100 / total
	p.mu.Lock()
	defer p.mu.Unlock()
	if pct == p.last || time.Since(p.start) < p.Delay {
		return
	}
	p.last = pct
	p.touched = true
	fmt.Fprintf(p.w, "\rscanning %d/%d files (%d%%)\x1b[K", done, total, pct)
}

// Done erases the status line if one was drawn.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.touched {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.touched = false
	}
}
