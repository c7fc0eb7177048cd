package gitwalk

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
)

// diffAhead diffs the trees of commits on other goroutines while the walk
// is still reading commits, so that a long history's diffs are mostly done
// once the walk has ordered its commits. It only computes: the walk still
// records every commit's changes itself, in order, taking a helper's
// result only when it was computed against exactly the parent trees that
// diffCommit settles on; otherwise (a commit in a cycle, a parent that
// could not be read, a commit no helper got to) diffCommit diffs it
// itself. What Plan returns is therefore the same as without helpers.
//
// Helpers start only once the walk has handed over a few dozen commits:
// a push of a few commits is diffed on the walk's goroutine, as before.
// Each helper has its own object reader and tree cache (see treeReader),
// and paths of its own, which diffCommit interns again in the walk's.
//
// Its methods are called from the walk's goroutine only.
type diffAhead struct {
	r       *Repo
	ctx     context.Context
	cancel  context.CancelFunc
	helpers int
	tuning  aheadTuning
	started bool
	wg      sync.WaitGroup

	mu     sync.Mutex // guards jobs and closed, with cond
	cond   *sync.Cond
	jobs   []*diffJob
	closed bool
}

// aheadTuning is how a diffAhead shares the work; tests change it.
type aheadTuning struct {
	// minJobs is how many commits the walk hands over before helpers
	// start.
	minJobs int
	// all makes the walk wait for the helpers' diff of every commit handed
	// over, rather than diff those not taken up yet itself.
	all bool
}

var defaultAheadTuning = aheadTuning{minJobs: 64}

// maxAheadHelpers bounds the helpers, each of which caches trees and
// objects (2 × planCacheBytes).
const maxAheadHelpers = 3

// diffJob is one commit handed over: its tree, against parents (trees),
// and, once done is closed, the result.
type diffJob struct {
	tree    plumbing.Hash
	parents []plumbing.Hash
	// state is jobPending until a helper or the walk takes the job up.
	state atomic.Int32
	done  chan struct{}
	res   treeDiff
	// failed says the helper panicked: the walk diffs the commit itself.
	failed bool
}

const (
	jobPending int32 = iota
	jobTaken
)

// newDiffAhead returns a diffAhead with up to helpers goroutines (none
// run before tuning.minJobs commits are handed over), or nil for none.
func newDiffAhead(ctx context.Context, r *Repo, helpers int, tuning aheadTuning) *diffAhead {
	helpers = min(helpers, maxAheadHelpers)
	if helpers <= 0 {
		return nil
	}
	a := &diffAhead{r: r, helpers: helpers, tuning: tuning}
	a.ctx, a.cancel = context.WithCancel(ctx)
	a.cond = sync.NewCond(&a.mu)
	return a
}

// add hands commit c, with tree tree and parents' trees parents, to the
// helpers.
func (a *diffAhead) add(c *commitInfo, parents []plumbing.Hash) {
	if a == nil {
		return
	}
	j := &diffJob{tree: c.tree, parents: parents, done: make(chan struct{})}
	c.ahead = j
	a.mu.Lock()
	a.jobs = append(a.jobs, j)
	n := len(a.jobs)
	a.mu.Unlock()
	a.cond.Signal()
	if !a.started && n >= a.tuning.minJobs {
		a.started = true
		for range a.helpers {
			a.wg.Add(1)
			go a.help()
		}
	}
}

// walked says that no more commits will be handed over: helpers stop once
// they have gone through the jobs.
func (a *diffAhead) walked() {
	if a == nil {
		return
	}
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.cond.Broadcast()
}

// stop ends the helpers, abandoning what they have not done, and waits for
// them.
func (a *diffAhead) stop() {
	if a == nil {
		return
	}
	a.cancel()
	a.walked()
	a.wg.Wait()
}

// help takes up the jobs not yet taken, in the order they were handed over
// (newest commits first, as the walk reads them; diffCommit goes oldest
// first, so the two meet).
func (a *diffAhead) help() {
	defer a.wg.Done()
	objs := a.r.newObjects(planCacheBytes, false).readMappedForWalk()
	defer objs.close()
	tr := newTreeReader(objs, planCacheBytes)
	paths := newInterner()
	for i := 0; ; i++ {
		a.mu.Lock()
		for i >= len(a.jobs) && !a.closed {
			a.cond.Wait()
		}
		if i >= len(a.jobs) {
			a.mu.Unlock()
			return
		}
		j := a.jobs[i]
		a.mu.Unlock()
		if a.ctx.Err() != nil {
			return
		}
		if !j.state.CompareAndSwap(jobPending, jobTaken) {
			continue
		}
		if !a.run(j, tr, paths) {
			return
		}
	}
}

// run does job j, and reports whether it did not panic.
func (a *diffAhead) run(j *diffJob, tr *treeReader, paths *interner) (ok bool) {
	defer close(j.done)
	defer func() {
		if recover() != nil {
			j.failed = true
		}
	}()
	j.res = diffTrees(a.ctx, tr, paths, j.parents, j.tree)
	return true
}

// take returns a helper's diff of c against exactly parents, waiting for
// it if a helper is at it, or nil if none was done so: then no helper
// will take c up any more, and the caller diffs it.
func (a *diffAhead) take(c *commitInfo, parents []plumbing.Hash) *treeDiff {
	j := c.ahead
	if a == nil || j == nil {
		return nil
	}
	c.ahead = nil
	if !(a.tuning.all && a.started) && j.state.CompareAndSwap(jobPending, jobTaken) {
		return nil
	}
	select {
	case <-j.done:
	case <-a.ctx.Done(): // only a job no helper took up can be pending
		return nil
	}
	if j.failed || j.res.err != nil && a.ctx.Err() != nil || !slices.Equal(j.parents, parents) {
		return nil
	}
	return &j.res
}
