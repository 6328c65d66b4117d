package pickle

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// heapObjects is the runtime metric sampled for peak heap: bytes in heap
// objects, live or not yet swept.
const heapObjects = "/memory/classes/heap/objects:bytes"

// peakSampler polls the heap while a benchmark runs, without stopping the
// world, and remembers the highest value.
type peakSampler struct {
	stop chan struct{}
	wg   sync.WaitGroup
	base uint64
	peak uint64
}

func startPeak() *peakSampler {
	runtime.GC()
	p := &peakSampler{stop: make(chan struct{})}
	p.base = heapNow()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			if h := heapNow(); h > p.peak {
				p.peak = h
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// done stops sampling and returns the peak heap above the baseline, in MB.
func (p *peakSampler) done() float64 {
	close(p.stop)
	p.wg.Wait()
	if p.peak < p.base {
		return 0
	}
	return float64(p.peak-p.base) / 1e6
}

func heapNow() uint64 {
	s := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// measure runs f as a benchmark body and reports, besides time and
// allocations, the CPU time per operation (process CPU, GC included: the
// wall clock is unreliable on a loaded machine), the throughput per CPU
// second when bytes is set, and the peak heap of one run of f above the
// heap before it (sampled every 200µs, so a lower bound).
func measure(b *testing.B, bytes int64, f func()) {
	b.ReportAllocs()
	if bytes > 0 {
		b.SetBytes(bytes)
	}
	p := startPeak()
	f()
	peak := p.done()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		f()
		n++
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(peak, "peak-MB")
	if cpu > 0 && n > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
		if bytes > 0 {
			b.ReportMetric(float64(bytes)*float64(n)/cpu.Seconds()/1e6, "cpu-MB/s")
		}
	}
}
