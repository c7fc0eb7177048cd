// Command leakhound finds secrets leaked into git history.
//
// This package is where the parts meet, and only that: it parses flags,
// picks a source and the settings (package scan), runs the engine
// (scan.Run) and writes reports (package report). What a finding is, where
// rules come from, which commits a CI job or a push covers: all of that is
// in the library packages, which other programs can use too. Each
// subcommand lives in its own cmd_<name>.go file; nothing below main calls
// os.Exit, and errors become exit statuses in one place, exitCode.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/internal/addrspace"
	"github.com/leakhound/leakhound/internal/buildinfo"
	"github.com/leakhound/leakhound/mirror"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// softMemoryLimit is the heap size at which the garbage collector starts
// working harder (see runtime/debug.SetMemoryLimit). A full-history scan
// allocates and drops gigabytes of blob content; without a limit the heap
// grows to twice its live size before each collection. With it, scanning
// sqlalchemy's 24k commits peaks at about 180 MB of RSS instead of 290 MB,
// for about 10% more time. It is a soft limit: a scan that needs more
// memory gets it. GOMEMLIMIT, when set, overrides it.
const softMemoryLimit = 160 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	// file:// clone URLs are served in process: leakhound runs no git.
	mirror.UseInProcessFileTransport()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitClean   = 0
	exitLeaks   = 1
	exitFailure = 2
	// exitInterrupted is returned after SIGINT, as shells do (128 + 2).
	exitInterrupted = 130
)

// leaksFound is the error of a command that found leaks: the exit status
// is code (--exit-code), and there is nothing more to say.
type leaksFound struct{ code int }

func (e leaksFound) Error() string { return "leaks found" }

// errReported is the error of a command that has said what went wrong
// itself: exit status 2, and nothing more to say.
var errReported = errors.New("failed")

// exitCode maps a command's error to the exit status, and reports whether
// the error is to be printed. This is the only place that does.
func exitCode(ctx context.Context, err error) (code int, print bool) {
	var leaks leaksFound
	switch {
	case err == nil:
		return exitClean, false
	case errors.As(err, &leaks):
		return leaks.code, false
	case errors.Is(err, errReported):
		return exitFailure, false
	case errors.Is(err, scan.ErrInterrupted):
		return interruptedCode(ctx), true
	}
	return exitFailure, true
}

// stdio bundles a command's streams, so tests can run commands in-process.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// signalCause is the cause of a context cancelled by a signal.
type signalCause struct{ sig os.Signal }

func (s signalCause) Error() string { return "received " + s.sig.String() }

// run runs leakhound with args and returns its exit status. SIGINT,
// SIGTERM and SIGHUP (a closed terminal or SSH session) cancel the scan,
// which then writes what it found so far; a second one kills the process.
func run(args []string, in io.Reader, out, errw io.Writer) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-sigs
		signal.Stop(sigs) // the next signal kills
		cancel(signalCause{s})
	}()
	// The regex engine reserves its memory at its first compile: under an
	// address-space limit too low for it (ulimit -v), fail here with an
	// error that names the limit, not deep in a scan as an internal error.
	if err := addrspace.StartRegexEngine(); err != nil {
		code, _ := exitCode(ctx, err)
		fmt.Fprintf(errw, "leakhound: %v\n", err)
		return code
	}
	return runContext(ctx, args, stdio{in, out, errw})
}

// interruptedCode is the exit status after ctx was cancelled: 130 for
// SIGINT, as shells report it, and 2 (an incomplete scan) otherwise
// (SIGTERM, SIGHUP).
func interruptedCode(ctx context.Context) int {
	var sc signalCause
	if errors.As(context.Cause(ctx), &sc) && sc.sig == os.Interrupt {
		return exitInterrupted
	}
	return exitFailure
}

func runContext(ctx context.Context, args []string, std stdio) (code int) {
	defer func() {
		// A bug must not print a Go stack trace with secrets in it.
		if r := recover(); r != nil {
			fmt.Fprintln(std.err, "leakhound: internal error (please report it); no partial results were lost from files already written")
			code = exitFailure
		}
	}()
	root := newRootCommand(std)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code, print := exitCode(ctx, err)
	if print {
		// Errors name refs, paths and values from the repository or the
		// environment: control characters are shown escaped.
		fmt.Fprintf(std.err, "leakhound: %s\n", report.TermSafe(err.Error()))
	}
	return code
}

func newRootCommand(std stdio) *cobra.Command {
	root := &cobra.Command{
		Use:   "leakhound",
		Short: "Find secrets leaked into git history",
		Long: `leakhound finds secrets (API keys, passwords, private keys, Django SECRET_KEYs)
in git history: every commit of every ref, the commits being pushed, or the
commits of a merge request.` + exitStatusHelp,
		Version:       buildinfo.Read(version).String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(std.in)
	root.SetOut(std.out)
	root.SetErr(std.err)
	root.SetVersionTemplate("leakhound {{.Version}}\n")
	root.AddCommand(newScanCommand(std))
	root.AddCommand(newCICommand(std))
	root.AddCommand(newRulesCommand(std))
	root.AddCommand(newBaselineCommand(std))
	root.AddCommand(newHookCommand(std))
	root.AddCommand(newMergeCommand(std))
	root.AddCommand(newVersionCommand(std))
	root.AddCommand(newGitleaksAliases(std)...)
	setHelp(root)
	return root
}

const exitStatusHelp = `

EXIT STATUS
  0  no leaks found
  1  leaks found (scan's --exit-code changes it)
  2  error, or a scan that could not read everything it was asked to
  130  interrupted by SIGINT (SIGTERM, SIGHUP: 2); what was found so far is written,
       marked incomplete`
