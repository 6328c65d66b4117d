// Command modelgate scans ML model files for code that runs when they are
// loaded, without ever loading them, and gates a build on what it finds.
//
//	modelgate scan [flags] [PATH ...]
//	modelgate init [--force] [--jobs N] [PATH]
//
// Exit status: 0 when no finding is at or above --fail-on, 1 when one is,
// 2 for a usage error or a failure of the scanner itself.
//
// main is a shim: package internal/cli does the work.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/modelgate/modelgate/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
