package oracle

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The quick mode: a fixed seed and a fixed number of candidates, so that
// every run draws the same attacks and benign files (about a minute).
const (
	quickSeed  = "1"
	quickCount = "30"
	// mutantCount attacks are enough for the mutant build to show a bypass.
	mutantCount = "10"
)

// TestQuickModeMatchesKnownDisagreements runs the quick mode against the
// engine built from this tree and fails on any disagreement that
// known.txt does not list: a new bypass or a new false alarm.
func TestQuickModeMatchesKnownDisagreements(t *testing.T) {
	needOracle(t)
	bin := buildEngine(t)
	sum := runOracle(t, bin, "--seed", quickSeed, "--count", quickCount)
	known := readKnown(t)
	t.Logf("quick mode: %d candidates, %d bypasses, %d false alarms", sum.Counts["candidates"], sum.Counts["bypass"], sum.Counts["false-alarm"])
	if sum.Counts["candidates"] == 0 {
		t.Fatal("the quick mode compared no candidates")
	}
	seen := map[string]bool{}
	for _, d := range sum.Found {
		seen[d.key()] = true
		if !known[d.key()] {
			t.Errorf("new %s: %s\n  engine rated it %s; the oracle saw %v\n  %s\n  (run scripts/oracle.sh --count %s --seed %s to write the minimised file and its record)",
				d.Kind, d.ID, d.Engine, d.Events, d.Desc, quickCount, quickSeed)
		}
	}
	for k := range known {
		if !seen[k] && strings.HasPrefix(k, "quick ") {
			t.Logf("known disagreement no longer found; delete it from known.txt: %s", k)
		}
	}
}

// TestQuickModeFindsBypassWithRuleSwitchedOff builds the engine with
// DangerousCallable lowered to low (policy/oraclemutant.go) and requires
// the quick mode to report a bypass that known.txt does not excuse: the
// oracle must be able to fail.
func TestQuickModeFindsBypassWithRuleSwitchedOff(t *testing.T) {
	needOracle(t)
	bin := buildEngine(t, "-tags", "oraclemutant")
	sum := runOracle(t, bin, "--seed", quickSeed, "--count", mutantCount, "--kinds", "attack", "--minimise-trials", "0")
	known := readKnown(t)
	var fresh []string
	for _, d := range sum.Found {
		if d.Kind == "bypass" && !known[d.key()] {
			fresh = append(fresh, d.ID)
		}
	}
	if len(fresh) == 0 {
		t.Fatalf("with DangerousCallable switched off the quick mode found no new bypass in %d candidates", sum.Counts["candidates"])
	}
	t.Logf("with DangerousCallable switched off: %d new bypasses, e.g. %s", len(fresh), fresh[0])
}

// disagreement is one entry of run.py's summary.json.
type disagreement struct {
	Kind   string   `json:"kind"`
	ID     string   `json:"id"`
	Engine string   `json:"engine"`
	Desc   string   `json:"desc"`
	Events []string `json:"events"`
}

// key is how known.txt names a disagreement of the quick mode.
func (d disagreement) key() string { return "quick " + d.Kind + " " + d.ID }

type summary struct {
	Counts map[string]int `json:"counts"`
	Found  []disagreement `json:"found"`
}

// missingPrerequisites names what the oracle needs and this machine lacks.
func missingPrerequisites() []string {
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root (the sandbox makes namespaces and mounts, then drops to nobody)")
	}
	for _, tool := range []string{"unshare", "setpriv", "prlimit", "mount"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		return append(missing, py+" (Debian's python3)")
	}
	for _, m := range []string{"torch", "numpy", "joblib", "sklearn", "pandas", "sympy", "dill"} {
		if err := exec.Command(py, "-c", "import "+m).Run(); err != nil {
			missing = append(missing, "python3-"+strings.TrimPrefix(m, "sk"))
		}
	}
	return missing
}

// needOracle skips the test where the oracle cannot run, except in CI,
// where a missing prerequisite is a failure: the oracle never skips
// silently there.
func needOracle(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("the oracle loads files with real libraries; not in -short")
	}
	missing := missingPrerequisites()
	if len(missing) == 0 {
		return
	}
	msg := "the oracle needs: " + strings.Join(missing, ", ") + " (scripts/test.sh installs the Debian packages; docs/oracle.md)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// buildEngine builds the modelgate binary from this tree.
func buildEngine(t *testing.T, flags ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "modelgate")
	args := append(append([]string{"build"}, flags...), "-o", bin, "github.com/modelgate/modelgate")
	cmd := exec.Command("go", args...)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin
}

// runOracle runs run.py with the engine at bin and returns its summary.
func runOracle(t *testing.T, bin string, args ...string) summary {
	t.Helper()
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), budget(t))
	defer cancel()
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", append([]string{"run.py", "--binary", bin, "--out", out}, args...)...)
	b, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("run.py %s did not finish within the test's time (go test -timeout): %v\n%s", strings.Join(args, " "), ctx.Err(), b)
	}
	if err != nil {
		t.Fatalf("run.py %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	t.Logf("run.py: %s", lastLine(string(b)))
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatalf("read the oracle's summary: %v\n%s", err, b)
	}
	var s summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("decode the oracle's summary: %v", err)
	}
	return s
}

// budget is how long one oracle run may take: ten minutes, or less when
// go test's own deadline comes first, so that a slow machine fails with
// the oracle's output rather than a goroutine dump.
func budget(t *testing.T) time.Duration {
	d := 10 * time.Minute
	if end, ok := t.Deadline(); ok && time.Until(end)-30*time.Second < d {
		d = max(time.Until(end)-30*time.Second, time.Second)
	}
	return d
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// readKnown reads known.txt: one disagreement a line, "#" comments.
func readKnown(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile("known.txt")
	if err != nil {
		t.Fatalf("read the known disagreements: %v", err)
	}
	known := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			known[strings.Join(strings.Fields(line), " ")] = true
		}
	}
	return known
}
