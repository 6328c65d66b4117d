package oracle

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestLoaderRefusesWithoutSandbox runs the loader outside its sandbox,
// with fewer walls each time, and requires it to refuse, say why, and exit
// non-zero before it loads anything.
func TestLoaderRefusesWithoutSandbox(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("/usr/bin/python3 missing: the oracle needs Debian's python3 (oracle/deps.sh)")
		}
		t.Skip("/usr/bin/python3 missing; the oracle needs Debian's python3")
	}
	asNobody := []string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"}
	tests := []struct {
		name string
		cmd  []string
		why  string
	}{
		{"plain", nil, ""},
		{"as_nobody", asNobody, "the root file system is writable"},
		{"as_nobody_without_network", append([]string{"unshare", "-n"}, asNobody...), "the root file system is writable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.cmd) > 0 && os.Geteuid() != 0 {
				t.Skip("changing user needs root")
			}
			args := append(append([]string{}, tt.cmd...), "/usr/bin/python3", "-I", "loader.py")
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Stdin = strings.NewReader(`{"id": 1, "name": "m.pkl", "data": "Lg=="}` + "\n")
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("the loader outside its sandbox: %v, want exit 2\n%s", err, out)
			}
			if !strings.Contains(string(out), "refusing to load anything: "+tt.why) {
				t.Errorf("the loader did not say why it refused: %s", out)
			}
			if strings.Contains(string(out), `"ready"`) {
				t.Errorf("the loader announced itself ready outside its sandbox: %s", out)
			}
		})
	}
}

// TestOracleSelfCheck loads programs whose verdicts are known (a shell
// command, writes with and without an audit event, a read outside, a
// connection, code run from the file, a load that writes into the
// oracle's own record or ends its process, plain values, a library
// import) and requires the oracle to judge each one right.
func TestOracleSelfCheck(t *testing.T) {
	needOracle(t)
	ctx, cancel := context.WithTimeout(context.Background(), budget(t))
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/bin/python3", "selfcheck.py").CombinedOutput()
	if err != nil {
		t.Fatalf("selfcheck.py: %v\n%s", err, out)
	}
	t.Logf("selfcheck.py: %s", lastLine(string(out)))
}
