// Command leakhound finds secrets leaked into git history.
//
// This package is where the parts meet: it reads rules (config), walks
// history (gitwalk) or files (fswalk), runs the detectors (detect), merges
// findings and writes reports (report). Each subcommand lives in its own
// cmd_<name>.go file; nothing below main calls os.Exit.
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
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error // nil: nothing more to print
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// Exit codes.
const (
	exitClean   = 0
	exitLeaks   = 1
	exitFailure = 2
	// exitInterrupted is returned after SIGINT, as shells do (128 + 2).
	exitInterrupted = 130
)

// errInterrupted marks a scan stopped by a signal.
var errInterrupted = errors.New("interrupted")

// stdio bundles a command's streams, so tests can run commands in-process.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// signalCause is the cause of a context cancelled by a signal.
type signalCause struct{ sig os.Signal }

func (s signalCause) Error() string { return "received " + s.sig.String() }

// run runs leakhound with args and returns its exit code. SIGINT and
// SIGTERM cancel the scan, which then writes what it found so far; a
// second one kills the process.
func run(args []string, in io.Reader, out, errw io.Writer) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		signal.Stop(sigs) // the next signal kills
		cancel(signalCause{s})
	}()
	return runContext(ctx, args, stdio{in, out, errw})
}

// interruptedCode is the exit status after ctx was cancelled: 130 for
// SIGINT, as shells report it, and 2 (an incomplete scan) otherwise.
func interruptedCode(ctx context.Context) int {
	var sc signalCause
	if errors.As(context.Cause(ctx), &sc) && sc.sig == os.Interrupt {
		return exitInterrupted
	}
	return exitFailure
}

func runContext(ctx context.Context, args []string, io stdio) (code int) {
	defer func() {
		// A bug must not print a Go stack trace with secrets in it.
		if r := recover(); r != nil {
			fmt.Fprintln(io.err, "leakhound: internal error (please report it); no partial results were lost from files already written")
			code = exitFailure
		}
	}()
	root := newRootCommand(io)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitClean
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(io.err, "leakhound: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(io.err, "leakhound: %v\n", err)
	return exitFailure
}

func newRootCommand(io stdio) *cobra.Command {
	root := &cobra.Command{
		Use:   "leakhound",
		Short: "Find secrets leaked into git history",
		Long: `leakhound finds secrets (API keys, passwords, private keys, Django SECRET_KEYs)
in git history: every commit of every ref, the commits being pushed, or the
commits of a merge request.` + exitStatusHelp,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(io.in)
	root.SetOut(io.out)
	root.SetErr(io.err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: exitFailure, err: fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	root.AddCommand(newScanCommand(io))
	root.AddCommand(newCICommand(io))
	root.AddCommand(newRulesCommand(io))
	root.AddCommand(newBaselineCommand(io))
	root.AddCommand(newHookCommand(io))
	return root
}

const exitStatusHelp = `

EXIT STATUS
  0  no leaks found
  1  leaks found (--exit-code changes it)
  2  error, or a scan that could not read everything it was asked to
  130  interrupted by SIGINT (SIGTERM: 2); what was found so far is written,
       marked incomplete`
