package cli

// The scanner never makes a network call, and the code that reads model
// bytes never starts a program. These tests hold that promise two ways:
//
//   - statically: no package of the module that reads model bytes or writes
//     a report (scan/..., sarif, report) has a networking or process package
//     in its dependency closure, except along the third-party edges listed in
//     libraryEdges (a library that uses only types of net/http); the other
//     packages (the CLI, the Action glue, changes) may also import one along
//     an edge listed in glueEdges. Every allowance carries its reason;
//   - dynamically: the built binary runs in a network namespace with no
//     interface but a down loopback, under strace, over a tree holding a
//     malicious pickle; it must make no network system call and give the
//     same output and exit code as an ordinary run.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const modulePath = "github.com/modelgate/modelgate"

// forbiddenImports are the standard packages that open sockets, dial, or run
// or load other programs. net covers every dialer (net/http, crypto/tls,
// net/rpc, net/smtp all import it); they are listed so a failure names them.
var forbiddenImports = map[string]string{
	"net":        "opens sockets",
	"net/http":   "makes HTTP requests",
	"net/rpc":    "makes RPC calls",
	"net/smtp":   "sends mail",
	"crypto/tls": "opens TLS connections",
	"os/exec":    "runs programs",
	"plugin":     "loads code",
}

// libraryEdges are imports of a forbidden package inside third-party
// libraries that every package may reach, because the library uses only
// types of it and never dials. The dynamic test below checks the outcome.
var libraryEdges = map[string]string{
	"github.com/spf13/afero -> net/http": "afero (a dependency of bodgit/sevenzip, which opens " +
		"archives through afero.NewOsFs) imports net/http only in httpFs.go, for the http.File " +
		"and http.FileSystem types of its HttpFs adapter; it makes no request",
	"github.com/andybalholm/brotli -> net/http": "brotli (the 7z brotli codec) imports net/http " +
		"only in http.go, for HTTPCompressor, which wraps a server's http.ResponseWriter; it " +
		"makes no request",
	"expvar -> net/http": "expvar (imported by go4.org/readerutil, a dependency of " +
		"bodgit/sevenzip) registers /debug/vars on http.DefaultServeMux when loaded; nothing " +
		"in modelgate serves that mux, so no socket is opened (the strace test checks it)",
}

// glueEdges are imports of a forbidden package that the packages outside
// the engine, the parsers and the writers may also make, each with the reason it cannot
// reach the network.
var glueEdges = map[string]string{
	"github.com/sethvargo/go-githubactions -> net/http": "net/http serves only GetIDToken (OIDC), " +
		"which modelgate never calls: the Action glue reads INPUT_* variables and writes the " +
		"GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files",
	modulePath + "/internal/sarifcheck -> os/exec": "runs Microsoft's SARIF Multitool; the package " +
		"is imported by tests only, never by the binary",
	modulePath + "/internal/changes -> os/exec": "runs the local git read-only (rev-parse, diff, ls-files) " +
		"to list the files a pull request changed",
	modulePath + "/internal/testtree -> os/exec": "runs git to build the repositories tests read; " +
		"the package is imported by tests only, never by the binary",
}

// strictPackage reports whether pkg reads untrusted bytes or writes reports,
// and so may reach a forbidden package only along a libraryEdges edge.
func strictPackage(pkg string) bool {
	for _, p := range []string{"/scan", "/finding", "/policy", "/sarif", "/report", "/internal/parse", "/internal/changes/gitread"} {
		root := modulePath + p
		if pkg == root || strings.HasPrefix(pkg, root+"/") {
			return true
		}
	}
	return false
}

type listedPackage struct {
	ImportPath string
	Imports    []string
	Standard   bool
	Module     *struct{ Path string }
}

// goTool is the go command: go test puts its own first in PATH.
func goTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go command not found: %v", err)
	}
	return p
}

// listDeps returns the non-test dependency graph of every package of the
// module, keyed by import path.
func listDeps(t *testing.T) map[string]listedPackage {
	t.Helper()
	cmd := exec.Command(goTool(t), "list", "-deps", "-json", modulePath+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, stderr.String())
	}
	graph := map[string]listedPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		graph[p.ImportPath] = p
	}
	return graph
}

// forbiddenPath returns the import chain from root to the first forbidden
// package it reaches, not following the allowed edges; nil if none.
func forbiddenPath(graph map[string]listedPackage, root string, allowed map[string]string) []string {
	parent := map[string]string{root: ""}
	queue := []string{root}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if _, bad := forbiddenImports[cur]; bad {
			var chain []string
			for p := cur; p != ""; p = parent[p] {
				chain = append([]string{p}, chain...)
			}
			return chain
		}
		for _, imp := range graph[cur].Imports {
			if _, ok := allowed[cur+" -> "+imp]; ok {
				continue
			}
			if _, seen := parent[imp]; !seen {
				parent[imp] = cur
				queue = append(queue, imp)
			}
		}
	}
	return nil
}

func TestNoNetworkImports(t *testing.T) {
	graph := listDeps(t)
	if _, ok := graph[modulePath+"/scan"]; !ok {
		t.Fatalf("go list did not report %s/scan: the test would check nothing", modulePath)
	}
	for pkg, p := range graph {
		if p.Module == nil || p.Module.Path != modulePath {
			continue
		}
		allowed := libraryEdges
		if !strictPackage(pkg) {
			allowed = map[string]string{}
			maps.Copy(allowed, libraryEdges)
			maps.Copy(allowed, glueEdges)
		}
		if chain := forbiddenPath(graph, pkg, allowed); chain != nil {
			last := chain[len(chain)-1]
			t.Errorf("%s reaches %s, which %s: %s", pkg, last, forbiddenImports[last], strings.Join(chain, " -> "))
		}
	}
}

func TestForbiddenPathFindsChains(t *testing.T) {
	graph := map[string]listedPackage{
		"m/scan":    {Imports: []string{"m/inner", "strings"}},
		"m/inner":   {Imports: []string{"net/url", "os/exec"}},
		"m/glue":    {Imports: []string{"x/actions", "x/other"}},
		"x/actions": {Imports: []string{"net/http", "strings"}},
		"x/other":   {Imports: []string{"net/url"}},
		"m/leaky":   {Imports: []string{"x/actions", "x/leak"}},
		"x/leak":    {Imports: []string{"crypto/tls"}},
		"net/http":  {Imports: []string{"net"}},
	}
	allowed := map[string]string{"x/actions -> net/http": "test"}
	tests := []struct {
		name    string
		root    string
		allowed map[string]string
		want    string
	}{
		{"indirect_exec", "m/scan", allowed, "m/scan -> m/inner -> os/exec"},
		{"allowed_edge", "m/glue", allowed, ""},
		{"allowed_edge_strict", "m/glue", nil, "m/glue -> x/actions -> net/http"},
		{"other_path_still_found", "m/leaky", allowed, "m/leaky -> x/leak -> crypto/tls"},
		{"unknown_package", "m/none", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(forbiddenPath(graph, tt.root, tt.allowed), " -> ")
			if got != tt.want {
				t.Errorf("forbiddenPath(%s) = %q, want %q", tt.root, got, tt.want)
			}
		})
	}
}

// maliciousPickle calls os.system; it is written to disk as bytes and only
// ever read by the scanner.
const maliciousPickle = "cos\nsystem\n(S'echo modelgate-test'\ntR." // GLOBAL MARK STRING TUPLE REDUCE STOP

type runResult struct {
	code   int
	stdout string
}

func runBinary(t *testing.T, dir string, argv ...string) runResult {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GITHUB_ACTIONS=", "GITHUB_OUTPUT=", "GITHUB_STEP_SUMMARY=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run %v: %v\n%s", argv, err, stderr.String())
	}
	return runResult{code: cmd.ProcessState.ExitCode(), stdout: stdout.String()}
}

func TestScanWithoutNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goCmd := goTool(t)
	list := exec.Command(goCmd, "list", "-f", "{{len .GoFiles}}", ".")
	list.Dir = repoRoot(t)
	out, err := list.Output()
	if err != nil || strings.TrimSpace(string(out)) == "0" {
		t.Skip("no main package to build yet")
	}
	for _, tool := range []string{"unshare", "strace"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found", tool)
		}
	}
	// Root makes the namespace directly; anyone else needs a user namespace.
	var isolate []string
	for _, try := range [][]string{{"unshare", "-n"}, {"unshare", "-r", "-n"}} {
		if exec.Command(try[0], append(try[1:], "true")...).Run() == nil {
			isolate = try
			break
		}
	}
	if isolate == nil {
		t.Skip("cannot make a network namespace (needs root or unprivileged user namespaces)")
	}

	tmp := t.TempDir()
	// The canary proves strace sees network calls here: bash's /dev/tcp opens
	// a socket and connects to the loopback, which is down in the namespace,
	// so nothing is sent.
	canary := filepath.Join(tmp, "canary.txt")
	traced := func(out string, argv ...string) []string {
		return append(append(append([]string{}, isolate...), "strace", "-f", "-qq",
			"-e", "trace=%network", "-e", "signal=none", "-o", out), argv...)
	}
	canaryArgv := traced(canary, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9")
	_ = exec.Command(canaryArgv[0], canaryArgv[1:]...).Run()
	if b, err := os.ReadFile(canary); err != nil || !bytes.Contains(b, []byte("connect(")) {
		t.Skipf("strace cannot trace network calls here (%v): %s", err, b)
	}

	bin := filepath.Join(tmp, "modelgate")
	build := exec.Command(goCmd, "build", "-o", bin, ".")
	build.Dir = repoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	work := filepath.Join(tmp, "work")
	if err := os.MkdirAll(filepath.Join(work, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "models", "model.pkl"), []byte(maliciousPickle), 0o644); err != nil {
		t.Fatal(err)
	}
	targets := []string{"models"}
	if testdata := filepath.Join(repoRoot(t), "testdata"); isDir(testdata) {
		targets = append(targets, testdata)
	}
	args := append([]string{bin, "scan", "--format", "json", "--fail-on", "high"}, targets...)

	plain := runBinary(t, work, args...)
	if plain.code != 1 {
		t.Fatalf("ordinary run: exit %d, want 1 (a malicious pickle is in the tree)\n%s", plain.code, plain.stdout)
	}
	trace := filepath.Join(tmp, "strace.txt")
	isolated := runBinary(t, work, traced(trace, args...)...)
	if isolated.code != plain.code {
		t.Errorf("without network: exit %d, want %d", isolated.code, plain.code)
	}
	if isolated.stdout != plain.stdout {
		t.Errorf("without network the output differs:\n--- ordinary\n%s\n--- without network\n%s", plain.stdout, isolated.stdout)
	}
	calls, err := os.ReadFile(trace)
	if err != nil {
		t.Fatalf("read strace output: %v", err)
	}
	if len(bytes.TrimSpace(calls)) != 0 {
		t.Errorf("the scanner made network system calls:\n%s", calls)
	}
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
