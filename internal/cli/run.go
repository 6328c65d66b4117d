package cli

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/modelgate/modelgate/report"
)

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

// Run is the whole program: it parses args (without the program name),
// runs the command and returns the exit status. getenv is os.Getenv
// outside tests; ctx stops a scan when it is cancelled.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
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

// buildVersion is set by release builds, and by nothing else:
//
//	go build -ldflags "-X github.com/modelgate/modelgate/internal/cli.buildVersion=v1.2.3"
//
// The release workflow's binaries and the Dockerfile (build argument
// VERSION) set it. It is the one package variable of the command: the
// linker can set only a variable, and no code assigns it.
var buildVersion string

// version is the version a release build was given, else the module
// version from the build info ("v1.2.3" when built with go install
// module@version), else "devel".
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// failure says why the command could not do its work, cleaned of control
// characters, and returns the exit status of a failure.
func failure(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "modelgate: %s\n", report.Clean(err.Error()))
	return exitProblem
}
