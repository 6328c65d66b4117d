package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/modelgate/modelgate/finding"
)

// scanStats is what --stats prints to stderr after a scan, for the
// benchmark script: the process's own accounting, nothing estimated.
type scanStats struct {
	WallSeconds    float64 `json:"wall_s"`
	UserSeconds    float64 `json:"user_s"`
	SystemSeconds  float64 `json:"sys_s"`
	PeakRSSBytes   int64   `json:"peak_rss_bytes"`
	ReadBytes      int64   `json:"read_bytes"`      // rchar: bytes the process read, page cache included (-1 when unknown)
	DiskReadBytes  int64   `json:"disk_read_bytes"` // read_bytes: bytes fetched from storage (-1 when unknown)
	Files          int     `json:"files"`
	FileBytes      int64   `json:"file_bytes"` // total size of the files looked at
	FilesPerSecond float64 `json:"files_per_s"`
}

// writeStats prints one "stats: {...}" line about the scan that started at
// start.
func writeStats(w io.Writer, start time.Time, rep *finding.Report) {
	st := scanStats{WallSeconds: time.Since(start).Seconds(), ReadBytes: -1, DiskReadBytes: -1, Files: len(rep.Files)}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		st.UserSeconds = time.Duration(ru.Utime.Nano()).Seconds()
		st.SystemSeconds = time.Duration(ru.Stime.Nano()).Seconds()
		st.PeakRSSBytes = int64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	if io, err := procIO(); err == nil {
		st.ReadBytes, st.DiskReadBytes = io["rchar"], io["read_bytes"]
	}
	for _, f := range rep.Files {
		st.FileBytes += max(f.Size, 0)
	}
	if st.WallSeconds > 0 {
		st.FilesPerSecond = float64(st.Files) / st.WallSeconds
	}
	b, _ := json.Marshal(st)
	fmt.Fprintf(w, "stats: %s\n", b)
}

// procIO reads the process's I/O counters from /proc/self/io (Linux).
func procIO() (map[string]int64, error) {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if n, err := strconv.ParseInt(v, 10, 64); ok && err == nil {
			out[k] = n
		}
	}
	return out, sc.Err()
}

// setMemoryLimit gives the garbage collector a soft limit of 80 MiB plus
// 20 MiB per worker, unless GOMEMLIMIT says otherwise. Decompressors
// allocate their dictionaries afresh for each stream; without a limit the
// heap may grow to several times what is live before a collection runs.
func setMemoryLimit(jobs int, getenv func(string) string) {
	if getenv("GOMEMLIMIT") != "" {
		return
	}
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	debug.SetMemoryLimit(int64(80+20*jobs) << 20)
}
