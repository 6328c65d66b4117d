// Command modelgate scans ML model files for code that runs when they are
// loaded, without ever loading them, and gates a build on what it finds.
//
//	modelgate scan [flags] [PATH ...]
//	modelgate init [--force] [--jobs N] [PATH]
//
// Exit status: 0 when no finding is at or above --fail-on, 1 when one is,
// 2 for a usage error or a failure of the scanner itself.
//
// main is a shim: run does the work and is tested in-process. The scan
// command's flags are in cli.go, its run in scanjob.go (the pull-request
// scope in scope.go), its GitHub Actions side in package ghaction; the
// init command is in initcmd.go.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Exit statuses.
const (
	exitOK      = 0 // no finding at or above --fail-on
	exitFailed  = 1 // findings at or above --fail-on
	exitProblem = 2 // usage error, or the scanner itself failed
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

const usage = `modelgate finds code that runs when ML model files are loaded (pickle,
PyTorch, joblib, NumPy, Keras, ...), without ever loading them.

Usage:
  modelgate scan [flags] [PATH ...]   scan files and directories (default ".")
  modelgate init [flags] [PATH]       write a starter .modelgate.yml from a first scan
  modelgate version                   print the version
  modelgate help [scan|init]          print help

Flags:
  --version   print the version and exit
  -h, --help  print this help and exit

Run "modelgate scan --help" for the flags of scan.
`

// run is the whole program: it parses args, runs the command and returns
// the exit status. getenv is os.Getenv outside tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitProblem
	}
	switch args[0] {
	case "scan":
		return runScan(ctx, args[1:], stdout, stderr, getenv)
	case "init":
		return runInit(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "modelgate %s\n", version())
		return exitOK
	case "help", "-h", "--help", "-help":
		if len(args) > 1 && args[1] == "scan" {
			return runScan(ctx, []string{"--help"}, stdout, stderr, getenv)
		}
		if len(args) > 1 && args[1] == "init" {
			return runInit(ctx, []string{"--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "modelgate: unknown command %q\n\n%s", args[0], usage)
	return exitProblem
}

// version is the module version from the build info ("v1.2.3" when built
// with go install module@version), or "devel".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
