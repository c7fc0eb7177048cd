package main

import (
	"fmt"
	"github.com/leakhound/leakhound/report"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/leakhound/leakhound/gitwalk"
)

// progress renders a walk's Stats on a terminal. The walk only counts; this
// polls the counters and draws, so the scan never waits on the terminal.
type progress struct {
	on      bool
	w       io.Writer
	stats   *gitwalk.Stats
	mu      sync.Mutex
	bar     *progressbar.ProgressBar
	phase   int // 0 walking, 1 scanning
	commits int
	done    chan struct{}
	wg      sync.WaitGroup
}

func startProgress(on bool, w io.Writer, stats *gitwalk.Stats) *progress {
	p := &progress{on: on, w: w, stats: stats, done: make(chan struct{})}
	if !on {
		return p
	}
	p.bar = progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("walking history"),
		progressbar.OptionShowCount(),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	p.wg.Add(1)
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer p.wg.Done()
	t := time.NewTicker(150 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			p.mu.Lock()
			switch p.phase {
			case 0:
				p.bar.Set64(p.stats.CommitsWalked.Load())
				if n := p.stats.CommitsDiffed.Load(); n > 0 {
					p.bar.Describe(fmt.Sprintf("diffing trees (%d commits)", n))
				}
			case 1:
				p.bar.Set64(p.stats.BlobsRead.Load())
				p.bar.Describe(fmt.Sprintf("scanning %d commits: %s read", p.commits, report.HumanBytes(p.stats.BytesRead.Load())))
			}
			p.mu.Unlock()
		}
	}
}

// scanning switches from walking commits to reading blobs: commits in
// range, holding blobs distinct blobs.
func (p *progress) scanning(commits, blobs int) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar.Finish()
	p.commits = commits
	p.bar = progressbar.NewOptions64(int64(blobs),
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(fmt.Sprintf("scanning %d commits", commits)),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	p.phase = 1
}

func (p *progress) stop() {
	if !p.on {
		return
	}
	close(p.done)
	p.wg.Wait()
	p.bar.Finish()
	p.bar.Clear()
}
