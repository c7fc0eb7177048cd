package scan_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// cancelAfter is a BlobCache that cancels the scan once it has been asked
// about n blobs: a Ctrl-C in the middle of reading history.
type cancelAfter struct {
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Clean(string, []string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return false
}

func (c *cancelAfter) Record(string, []string, []scan.BlobMatch) {}

// TestInterruptedSummary: a scan of history stopped part-way says how far
// it got, in commits and files, not "0 objects could not be read"; one
// stopped before the walk ended says nothing was scanned.
func TestInterruptedSummary(t *testing.T) {
	t.Parallel()
	g := gittest.New(t)
	for i := range 10 {
		g.Write(fmt.Sprintf("f%d.txt", i), fmt.Sprintf("content of file %d\n", i)).Commit(fmt.Sprintf("c%d", i))
	}
	repo := open(t, g.Dir)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep, err := scan.Run(ctx, &scan.History{Repo: repo, Name: g.Dir, Label: "all refs"},
		scan.Options{Workers: 1, Cache: &cancelAfter{n: 3, cancel: cancel}})
	if !errors.Is(err, scan.ErrInterrupted) {
		t.Fatalf("error %v, want ErrInterrupted", err)
	}
	s := rep.Summary
	if !s.Incomplete || s.Interrupted == nil || s.Interrupted.Walking || s.Interrupted.CommitsDone != 3 || s.Commits != 10 || s.Interrupted.Files != 10 {
		t.Fatalf("summary %+v, interrupted %+v: want 3 of 10 commits done", s, s.Interrupted)
	}
	text := render(t, rep)
	for _, want := range []string{"interrupted after 3 of 10 commits (3 of 10 files read)", "no leaks found in what was scanned before the interruption"} {
		if !strings.Contains(text, want) {
			t.Errorf("text summary lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "could not be read") || strings.Contains(text, "\nno leaks found\n") {
		t.Errorf("text summary of an interrupted scan:\n%s", text)
	}

	// Stopped before the walk: nothing scanned, and it says so.
	done, stop := context.WithCancel(context.Background())
	stop()
	rep, err = scan.Run(done, &scan.History{Repo: repo, Name: g.Dir, Label: "all refs"}, scan.Options{})
	if !errors.Is(err, scan.ErrInterrupted) || rep.Summary.Interrupted == nil || !rep.Summary.Interrupted.Walking {
		t.Fatalf("cancelled before the walk: %v, %+v", err, rep.Summary.Interrupted)
	}
	text = render(t, rep)
	if !strings.Contains(text, "interrupted while walking history") || !strings.Contains(text, "nothing was scanned") {
		t.Errorf("text summary:\n%s", text)
	}
}

func render(t *testing.T, rep *report.Report) string {
	t.Helper()
	var b strings.Builder
	if err := (report.Text{}).Write(&b, rep); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
