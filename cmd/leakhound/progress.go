package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// progress draws a scan's progress (scan.Options.Progress) on a terminal.
// Its update method is called from the engine's progress goroutine only,
// and stop after the scan, so it needs no lock.
type progress struct {
	w       io.Writer
	bar     *progressbar.ProgressBar
	reading bool
}

// newProgress returns a progress bar on w, or nil when w is not a terminal
// wide enough for one.
func newProgress(on bool, w io.Writer) *progress {
	if !on || !progressTerminal(w) {
		return nil
	}
	return &progress{w: w}
}

// update draws p.
func (p *progress) update(s scan.Progress) {
	switch {
	case p.bar == nil && !s.Reading:
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("walking history"),
			progressbar.OptionShowCount(),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	case s.Reading && !p.reading:
		if p.bar != nil {
			p.bar.Finish()
		}
		p.reading = true
		p.bar = progressbar.NewOptions64(int64(s.Blobs),
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(fmt.Sprintf("scanning %d commits", s.Commits)),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	if !s.Reading {
		p.bar.Set64(s.CommitsWalked)
		if s.CommitsDiffed > 0 {
			p.bar.Describe(fmt.Sprintf("diffing trees (%d commits)", s.CommitsDiffed))
		}
		return
	}
	p.bar.Set64(s.BlobsRead)
	p.bar.Describe(fmt.Sprintf("scanning %d commits: %s read", s.Commits, report.HumanBytes(s.BytesRead)))
}

// stop clears the bar.
func (p *progress) stop() {
	if p == nil || p.bar == nil {
		return
	}
	p.bar.Finish()
	p.bar.Clear()
}

// progressTerminal reports whether w is a terminal wide enough for a
// progress bar (a pseudo-terminal without a size reports width 0).
func progressTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false
	}
	width, _, err := term.GetSize(int(f.Fd()))
	return err == nil && width >= 40
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
