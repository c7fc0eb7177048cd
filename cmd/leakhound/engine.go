package main

import (
	"context"
	"fmt"
	"io"

	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// runEngine runs the engine on src with opts, printing on std.err the
// errors it meets about single objects and, on a terminal and with
// showProgress, a progress bar.
func runEngine(ctx context.Context, src scan.Source, opts scan.Options, showProgress bool, std stdio) (*report.Report, error) {
	ep := &errorPrinter{w: std.err}
	opts.OnError = ep.print
	if p := newProgress(showProgress, std.err); p != nil {
		opts.Progress = p.update
		defer p.stop()
	}
	return scan.Run(ctx, src, opts)
}

// errorPrinter prints the errors a scan meets about single objects: the
// first 20, then only that more follow. Its print method is
// scan.Options.OnError, which the engine calls one at a time.
type errorPrinter struct {
	w io.Writer
	n int
}

func (p *errorPrinter) print(item string, err error) error {
	p.n++
	if p.n <= 20 {
		fmt.Fprintf(p.w, "leakhound: error: %s: %s\n", report.TermSafe(item), report.TermSafe(err.Error()))
	} else if p.n == 21 {
		fmt.Fprintln(p.w, "leakhound: error: more errors follow; only the count is reported")
	}
	return nil
}
