package gitwalk

import (
	"bytes"
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"path"
	"runtime"
	"slices"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/leakhound/leakhound/leak"
)

// planCacheBytes bounds each of Plan's two caches, of raw objects and of
// parsed trees. Larger caches barely speed the walk up (measured on
// sqlalchemy: 8 MiB and 32 MiB within 3%).
const planCacheBytes = 8 << 20

// Options select the commits to scan.
type Options struct {
	// Include lists the revisions (ref names or commit ids) whose history is
	// scanned; empty means every ref.
	Include []string
	// Exclude lists revisions whose history is left out (the A of A..B).
	Exclude []string
	// Since leaves out commits committed before it.
	Since time.Time
	// IncludeIDs and ExcludeIDs are like Include and Exclude, already
	// resolved.
	IncludeIDs, ExcludeIDs []ID
	// IgnoreMissing makes missing include and exclude commits an error only
	// for Include: a missing excluded commit then just limits nothing.
	IgnoreMissing bool
	// Reuse is what an earlier walk of every ref of this repository
	// learned (see WalkState): its commits are neither read nor diffed
	// again. It applies only to a walk of every ref (no Include, Exclude
	// or Since) of a repository that is not a shallow clone; otherwise it
	// is ignored.
	Reuse *WalkState
	// Record makes a walk of every ref keep what it learned, for
	// Plan.State.
	Record bool
	// ExcludeRefs leaves out the history of every ref the repository has
	// (as git rev-list --not --all does): with the pushed tips as
	// IncludeIDs, the commits a push adds. A ref that cannot be read is
	// passed to the ErrorFunc, and so is one whose object cannot be read
	// when the walk reads it. In a repository opened with
	// OpenOptions.Quarantine, the refs' objects are read only when the
	// pushed commits build on a commit that no ref points at.
	ExcludeRefs bool
	// Workers bounds the goroutines that diff trees, the walk's own
	// included; zero means GOMAXPROCS. Helpers start only on a history of
	// more than a few dozen commits (see diffAhead).
	Workers int
}

// Plan is the outcome of walking history: the commits in range and, for each
// blob they introduced, where it was introduced.
type Plan struct {
	// Commits are the commits in range, oldest first (parents before
	// children, then by commit date).
	Commits []*leak.Commit
	// Shallow is true when the repository is a shallow clone and the walk
	// reached its boundary.
	Shallow bool
	// Tags are the pseudo-commits of refs (tags, mostly) that point at a
	// blob or a tree instead of a commit, as git tag name <blob> makes: a
	// way some projects ship keys. What they point at is scanned too, and
	// its Sources belong to these pseudo-commits: no Hash, the tagger and
	// date of an annotated tag, a Message saying what the ref is (and the
	// tag's message), an Order after every commit. Their Path is the ref's
	// name ("refs/tags/v1") for a blob, and the ref's name, a colon and the
	// file's path ("refs/tags/v1:keys/deploy.pem") for a file in a tree, as
	// git names them. They are not in Commits.
	Tags []*leak.Commit
	// Skipped counts entries not scanned, by reason: submodules and trees
	// over the size limit here, more reasons from Scan.
	Skipped map[leak.SkipReason]int

	blobs map[plumbing.Hash]*blobInfo
	order []plumbing.Hash // blobs in first-seen order
	// messages are the commits' and tags' messages (see Messages).
	messages []Message
	// unread are the commits taken from a WalkState (see Unread); state
	// is what this walk learned, if recorded.
	unread map[string]bool
	state  *WalkState
	grown  bool
}

type blobInfo struct {
	sources []leak.Source
	// links are the symbolic links whose target is the blob: scanned as
	// content (a secret can be stored as a link's target), but not files
	// for rules on paths.
	links []leak.Source
}

// Blobs returns the number of distinct blobs the commits in range introduced.
func (p *Plan) Blobs() int { return len(p.order) }

// EachSource calls fn for every blob and each place it was introduced as a
// file, in a deterministic order, including blobs Scan will skip (binary,
// too large): for rules that look at paths only. Symbolic links are left
// out: a link is not the file its name suggests.
func (p *Plan) EachSource(fn func(blob ID, src leak.Source)) {
	for _, h := range p.order {
		for _, s := range p.blobs[h].sources {
			fn(ID(h), s)
		}
	}
}

// Sources returns where the blob id was introduced, as a file or as the
// target of a symbolic link.
func (p *Plan) Sources(id string) []leak.Source {
	if b := p.blobs[plumbing.NewHash(id)]; b != nil {
		return b.all()
	}
	return nil
}

// all returns the blob's sources, files first, then links.
func (b *blobInfo) all() []leak.Source {
	if len(b.links) == 0 {
		return b.sources
	}
	if len(b.sources) == 0 {
		return b.links
	}
	return append(slices.Clip(b.sources), b.links...)
}

// commitInfo is what the walk keeps of each commit it reads.
type commitInfo struct {
	hash    plumbing.Hash
	tree    plumbing.Hash
	parents []plumbing.Hash
	when    time.Time
	// meta is what reports show of the commit; Order is set once the
	// commits in range are ordered.
	meta *leak.Commit
	// text is the commit's message to scan, cut if longer than
	// MaxScanMessage (empty for a commit taken from a WalkState).
	text    string
	cut     bool
	reread  bool // text was not kept: see maxHeldMessages
	flags   uint8
	missing bool // parents beyond a shallow boundary
	// cyclic marks a commit whose parents form a cycle: it is diffed only
	// against parents ordered before it.
	cyclic bool
	// state is what a reused WalkState knows of the commit, or nil.
	state *stateCommit
	// ahead is the commit's diff handed to helpers (see diffAhead), until
	// diffCommit takes it.
	ahead *diffJob
}

const (
	flagInclude = 1 << iota
	flagExclude
	flagQueued
	flagDone
)

// Plan walks the commits selected by opts and diffs each against its
// parents. Problems with single objects (a missing commit or tree) go to
// onErr; the walk carries on without them.
func (r *Repo) Plan(ctx context.Context, opts Options, stats *Stats, onErr ErrorFunc) (*Plan, error) {
	return r.plan(ctx, opts, stats, onErr, defaultAheadTuning)
}

// plan is Plan, with the diffs handed to helpers as tuning says.
func (r *Repo) plan(ctx context.Context, opts Options, stats *Stats, onErr ErrorFunc, tuning aheadTuning) (*Plan, error) {
	if stats == nil {
		stats = new(Stats)
	}
	w := &walker{
		r:       r,
		ctx:     ctx,
		onErr:   onErr,
		stats:   stats,
		commits: make(map[plumbing.Hash]*commitInfo),
		objs:    r.newObjects(planCacheBytes, false).readMappedForWalk(),
		plan:    &Plan{Skipped: make(map[leak.SkipReason]int), blobs: make(map[plumbing.Hash]*blobInfo), unread: map[string]bool{}},
		paths:   newInterner(),
	}
	shallow, bad, err := r.shallow()
	if err != nil {
		return nil, fmt.Errorf("read shallow file: %w", err)
	}
	// A state serves a walk of every ref of a complete repository, and only
	// a walk that met no problem is remembered: whatever it could not read
	// must be tried again.
	everyRef := len(opts.Include) == 0 && len(opts.Exclude) == 0 && len(opts.IncludeIDs) == 0 &&
		len(opts.ExcludeIDs) == 0 && opts.Since.IsZero() && len(shallow) == 0 && len(bad) == 0
	troubled := false
	if everyRef {
		w.reuse = opts.Reuse
		if opts.Record {
			w.next = &WalkState{commits: map[plumbing.Hash]*stateCommit{}}
		}
		given := onErr
		onErr = func(item string, err error) error {
			troubled = true
			return given(item, err)
		}
		w.onErr = onErr
	}
	for _, err := range bad {
		if err := onErr("shallow", err); err != nil {
			return nil, err
		}
	}
	defer w.objs.close()
	for _, err := range r.packIndexes().errs {
		if err := onErr("pack", err); err != nil {
			return nil, err
		}
	}
	w.trees = newTreeReader(w.objs, planCacheBytes)
	w.shallow = make(map[plumbing.Hash]bool, len(shallow))
	for _, h := range shallow {
		w.shallow[h] = true
	}

	include, err := w.tips(opts.Include, hashes(opts.IncludeIDs), true, true)
	if err != nil {
		return nil, err
	}
	tagged, tags := w.tagged, w.tags
	exclude, err := w.tips(opts.Exclude, hashes(opts.ExcludeIDs), !opts.IgnoreMissing, false)
	w.tagged, w.tags = tagged, tags // what excluded refs point at is not scanned
	if err != nil {
		return nil, err
	}
	var inRange []*commitInfo
	walked := false
	if opts.ExcludeRefs {
		refs, err := w.r.Refs(onErr)
		if err != nil {
			return nil, err
		}
		// What a ref once held is no ref: git's --not --all, which a
		// pre-receive hook stands for, leaves it to be scanned.
		refs = slices.DeleteFunc(refs, func(ref Ref) bool { return LogEntry(ref.Name) })
		if r.quarantine && len(exclude) == 0 && opts.Since.IsZero() && len(shallow) == 0 {
			inRange, walked, err = w.newCommits(include, r.refTips(refs))
			if err != nil {
				return nil, err
			}
		}
		if !walked {
			tagged, tags := w.tagged, w.tags
			seen := make(map[plumbing.Hash]bool, len(refs))
			for _, ref := range refs {
				c, err := w.peel(ref.Name, ref.ID.hash())
				if err != nil {
					if err := onErr("ref "+ref.Name, err); err != nil {
						return nil, err
					}
					continue
				}
				if !c.IsZero() && !seen[c] {
					seen[c] = true
					exclude = append(exclude, c)
				}
			}
			w.tagged, w.tags = tagged, tags // what refs point at is not scanned
		}
	}
	if !walked {
		workers := opts.Workers
		if workers <= 0 {
			workers = runtime.GOMAXPROCS(0)
		}
		w.ahead = newDiffAhead(ctx, r, workers-1, tuning)
		defer w.ahead.stop()
		inRange, err = w.walk(include, exclude, opts.Since)
		w.ahead.walked()
		if err != nil {
			return nil, err
		}
	}
	var cyclic []*commitInfo
	w.ordered, cyclic = w.order(inRange)
	w.plan.Commits = make([]*leak.Commit, len(w.ordered))
	for i, c := range w.ordered {
		w.plan.Commits[i] = c.meta
	}
	if len(w.plan.blobs) == 0 {
		// Most commits introduce a blob or two: room for them at once,
		// rather than growing the map while the other processors wait.
		w.plan.blobs = make(map[plumbing.Hash]*blobInfo, 2*len(w.ordered))
	}
	if len(cyclic) > 0 {
		err := fmt.Errorf("%w: the commit is its own ancestor (with %d other commits whose parents form a cycle); they are scanned in date order", errCorrupt, len(cyclic)-1)
		if err := onErr("commit "+cyclic[0].hash.String(), err); err != nil {
			return nil, err
		}
	}
	for _, c := range w.ordered {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := w.diffCommit(c); err != nil {
			return nil, err
		}
		stats.CommitsDiffed.Add(1)
	}
	for _, t := range w.tagged {
		if err := w.recordTagged(t); err != nil {
			return nil, err
		}
	}
	if n := len(w.trees.tooLarge); n > 0 {
		w.plan.Skipped[leak.SkipTreeTooLarge] += n
	}
	w.listMessages()
	// A walk that met a problem keeps what it read: the commits it diffed
	// against every parent (see diffCommit), marked partial, so that the
	// next walk reads and diffs again only the others.
	if w.next != nil && !w.plan.Shallow && len(w.trees.tooLarge) == 0 {
		w.next.partial = troubled
		w.plan.state = w.next
	}
	// Every commit of a walk of every ref is in range: the history only
	// grew if the walk met every commit of the state again, and the state
	// held every commit of its history.
	w.plan.grown = w.reuse != nil && !troubled && !w.reuse.partial && w.reusedN == len(w.reuse.commits)
	if w.plan.state != nil && w.plan.grown && len(w.next.commits) == len(w.reuse.commits) {
		w.plan.state = w.reuse // the same commits, the same state
	}
	return w.plan, nil
}

type walker struct {
	// tagged are the blobs and trees refs point at, to scan.
	tagged  []taggedObject
	r       *Repo
	ctx     context.Context
	onErr   ErrorFunc
	stats   *Stats
	commits map[plumbing.Hash]*commitInfo
	shallow map[plumbing.Hash]bool
	objs    *objects
	trees   *treeReader
	plan    *Plan
	paths   *interner
	// reuse is the WalkState reused, next the one recorded (nil: none);
	// reusedN counts the commits taken from reuse.
	reuse, next *WalkState
	reusedN     int
	// ahead diffs commits the walk has read on other goroutines (nil:
	// none).
	ahead *diffAhead
	// ordered are the commits in range, in the order of Plan.Commits.
	ordered []*commitInfo
	// tags are the annotated tags read on the way to what the refs of
	// the walk point at, with what each peels to.
	tags []readTag
	// held counts the bytes of message text the walk keeps (see
	// maxHeldMessages).
	held int
}

// readTag is an annotated tag the walk read, and the commit it peels to
// (zero for a blob or a tree).
type readTag struct {
	tag    *tagHeader
	commit plumbing.Hash
}

// hold reports whether the walk may keep a message of n bytes for
// scanning, and counts it if so (see maxHeldMessages).
func (w *walker) hold(n int) bool {
	if w.held+n > maxHeldMessages {
		return false
	}
	w.held += n
	return true
}

// tips resolves revisions to commits, peeling tags. With none given and
// allRefs set, it takes every ref. Unless strict, revisions that cannot be
// resolved are left out.
func (w *walker) tips(names []string, ids []plumbing.Hash, strict, allRefs bool) ([]plumbing.Hash, error) {
	var out []plumbing.Hash
	add := func(name string, h plumbing.Hash) error {
		c, err := w.peel(name, h)
		if err != nil {
			if !strict {
				return nil
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		if !c.IsZero() {
			out = append(out, c)
		}
		return nil
	}
	for _, n := range names {
		h, err := w.r.resolveRev(n)
		if err != nil {
			if !strict {
				continue
			}
			return nil, err
		}
		if err := add(n, h); err != nil {
			return nil, err
		}
	}
	for _, h := range ids {
		if err := add(h.String(), h); err != nil {
			return nil, err
		}
	}
	if len(names) == 0 && len(ids) == 0 && allRefs {
		refs, err := w.r.Refs(w.onErr)
		if err != nil {
			return nil, err
		}
		for _, ref := range refs {
			name := ref.Name
			if name == "HEAD" {
				name = "" // a blob or tree there is named by its branch
			}
			c, err := w.peel(name, ref.ID.hash())
			if err != nil {
				if err := w.onErr("ref "+ref.Name, err); err != nil {
					return nil, err
				}
				continue
			}
			if !c.IsZero() {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// taggedObject is a blob or tree that a ref (named name) points at,
// through the annotated tag tag if there is one.
type taggedObject struct {
	name string
	id   plumbing.Hash
	typ  plumbing.ObjectType
	tag  *tagHeader
}

// peel follows tags from h, which name names, to a commit. A ref to a
// tree or blob peels to zero, and what it points at is kept in w.tagged
// (unless name is "").
func (w *walker) peel(name string, h plumbing.Hash) (plumbing.Hash, error) {
	if _, ok := w.commits[h]; ok {
		return h, nil
	}
	if sc := w.reused(h); sc != nil {
		w.fromState(h, sc)
		return h, nil
	}
	h, typ, data, tags, err := w.objs.peel(h)
	if err == nil {
		for _, t := range tags {
			if !w.hold(len(t.text)) {
				t.text, t.reread = "", true
			}
			rt := readTag{tag: t}
			if typ == plumbing.CommitObject {
				rt.commit = h
			}
			w.tags = append(w.tags, rt)
		}
	}
	switch {
	case err != nil:
		return plumbing.ZeroHash, err
	case (typ == plumbing.BlobObject || typ == plumbing.TreeObject) && name != "":
		t := taggedObject{name: name, id: h, typ: typ}
		if len(tags) > 0 {
			t.tag = tags[0]
		}
		w.tagged = append(w.tagged, t)
		return plumbing.ZeroHash, nil
	case typ != plumbing.CommitObject:
		return plumbing.ZeroHash, nil
	}
	if sc := w.reused(h); sc != nil {
		if _, ok := w.commits[h]; !ok {
			w.fromState(h, sc) // a tag's commit
		}
	}
	if _, ok := w.commits[h]; !ok {
		c, err := parseCommit(h, data)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		w.addCommit(h, c)
	}
	return h, nil
}

// addCommit records commit h.
func (w *walker) addCommit(h plumbing.Hash, c *commitHeader) *commitInfo {
	if !w.hold(len(c.text)) {
		c.text, c.reread = "", true
	}
	ci := &commitInfo{hash: h, tree: c.tree, parents: c.parents, when: c.committer.When, text: c.text, cut: c.cut, reread: c.reread, meta: &leak.Commit{
		Hash:    h.String(),
		Author:  c.author.Name,
		Email:   c.author.Email,
		Date:    c.author.When,
		Message: c.message,
	}}
	if w.shallow[h] {
		ci.missing = true
	}
	w.commits[h] = ci
	w.stats.CommitsWalked.Add(1)
	return ci
}

// commit returns the commit h, reading it if needed.
func (w *walker) commit(h plumbing.Hash) (*commitInfo, error) {
	if c, ok := w.commits[h]; ok {
		return c, nil
	}
	if sc := w.reused(h); sc != nil {
		return w.fromState(h, sc), nil
	}
	c, err := w.objs.readCommit(h)
	if err != nil {
		return nil, err
	}
	return w.addCommit(h, c), nil
}

// commitQueue orders commits newest first.
type commitQueue []*commitInfo

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	if !q[i].when.Equal(q[j].when) {
		return q[i].when.After(q[j].when)
	}
	return bytes.Compare(q[i].hash[:], q[j].hash[:]) < 0
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*commitInfo)) }
func (q *commitQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

// refTips returns the ids refs point at, and, for annotated tags in
// packed-refs, the ids they peel to, as its "^" lines say: what a walk
// can stop at without reading an object.
func (r *Repo) refTips(refs []Ref) map[plumbing.Hash]bool {
	tips := make(map[plumbing.Hash]bool, len(refs))
	for _, ref := range refs {
		tips[ref.ID.hash()] = true
	}
	all := r.refs.packedRefs()
	peeled := r.refs.packedPeeled
	if len(peeled) == 0 {
		return tips
	}
	packed := make(map[string]plumbing.Hash, len(peeled))
	for _, p := range all {
		if _, ok := peeled[p.Name().String()]; ok {
			packed[p.Name().String()] = p.Hash()
		}
	}
	for _, ref := range refs {
		// A loose ref overrides the packed one, and its peeled id with it.
		if h, ok := packed[ref.Name]; ok && h == ref.ID.hash() {
			tips[peeled[ref.Name]] = true
		}
	}
	return tips
}

// newCommits is the walk of a push received into quarantine (see
// OpenOptions.Quarantine) that excludes every ref: from the included
// commits it follows parents through the commits only the quarantine
// has, stopping at the refs' commits (tips). What it visits is the answer,
// exactly: a commit only the quarantine has is reachable from no ref, and
// every commit beyond a ref's is reachable from that ref. It returns
// ok false, having decided nothing, when it meets a commit the repository
// had before that no ref points at (a new branch from an older commit, a
// force-push: only the full walk can tell whether a ref reaches it), or
// one it cannot read (the full walk reports it).
func (w *walker) newCommits(include []plumbing.Hash, tips map[plumbing.Hash]bool) (in []*commitInfo, ok bool, err error) {
	seen := make(map[plumbing.Hash]bool)
	stack := slices.Clone(include)
	for len(stack) > 0 {
		if err := w.ctx.Err(); err != nil {
			return nil, false, err
		}
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] {
			continue
		}
		seen[h] = true
		isNew := w.r.onlyInQuarantine(h)
		switch {
		case tips[h] && !isNew:
			continue // a ref's commit: it, and all before it, are excluded
		case !isNew || tips[h]:
			// An old commit no ref points at; or a ref to an object the
			// repository did not have, which only a damaged one has.
			return nil, false, nil
		}
		c, err := w.commit(h)
		if err != nil || c.missing {
			return nil, false, nil
		}
		in = append(in, c)
		stack = append(stack, c.parents...)
	}
	return in, true, nil
}

// walk returns the commits reachable from include and not from exclude.
//
// It visits commits newest first, as git rev-list does, spreading the
// include and exclude marks to parents, and stops once every commit left in
// the queue is excluded (after a few more steps, for clocks that were
// wrong). A push of one commit onto a long history therefore reads a handful
// of commits, not all of them.
func (w *walker) walk(include, exclude []plumbing.Hash, since time.Time) ([]*commitInfo, error) {
	var q commitQueue
	live := 0 // queued commits not marked excluded
	push := func(c *commitInfo, flags uint8) {
		old := c.flags
		c.flags |= flags
		if old&flagQueued != 0 {
			if old&flagExclude == 0 && c.flags&flagExclude != 0 {
				live--
			}
			return
		}
		c.flags |= flagQueued
		if c.flags&flagExclude == 0 {
			live++
		}
		heap.Push(&q, c)
	}
	for _, h := range exclude {
		c, err := w.commit(h)
		if err != nil {
			return nil, err
		}
		push(c, flagExclude)
	}
	for _, h := range include {
		c, err := w.commit(h)
		if err != nil {
			return nil, err
		}
		push(c, flagInclude)
	}
	slop := 5
	for q.Len() > 0 {
		if err := w.ctx.Err(); err != nil {
			return nil, err
		}
		if live == 0 {
			if slop == 0 {
				break
			}
			slop--
		} else {
			slop = 5
		}
		c := heap.Pop(&q).(*commitInfo)
		c.flags &^= flagQueued
		if c.flags&flagExclude == 0 {
			live--
		}
		c.flags |= flagDone
		if !since.IsZero() && c.when.Before(since) {
			continue
		}
		if c.missing {
			w.plan.Shallow = true
			continue
		}
		flags := c.flags & (flagInclude | flagExclude)
		for _, ph := range c.parents {
			p, err := w.commit(ph)
			if err != nil {
				if err := w.onErr("commit "+ph.String(), err); err != nil {
					return nil, err
				}
				continue
			}
			if p.flags&flags != flags {
				push(p, flags)
			}
		}
		if flags == flagInclude && c.state == nil {
			// Likely in range: its diff can start now.
			w.ahead.add(c, w.aheadParents(c))
		}
	}
	var included []*commitInfo
	for _, c := range w.commits {
		if c.flags&(flagInclude|flagExclude|flagDone) != flagInclude|flagDone {
			continue
		}
		if !since.IsZero() && c.when.Before(since) {
			continue
		}
		included = append(included, c)
	}
	return included, nil
}

// order sorts commits oldest first: parents before children, otherwise by
// commit date, then id, and sets each one's Order (in its leak.Commit).
// Commits whose parents form a cycle (which only crafted ids can make)
// cannot be ordered so: they come last, by date, and are returned as
// cyclic for the caller to report.
func (w *walker) order(cs []*commitInfo) (ordered, cyclic []*commitInfo) {
	// Commits by their index in cs: one map lookup per parent, and slices
	// for the rest (a history of tens of thousands of commits is ordered
	// while the other processors wait).
	at := make(map[plumbing.Hash]int32, len(cs))
	for i, c := range cs {
		at[c.hash] = int32(i)
	}
	// pending counts each commit's parents in range not yet ordered;
	// children[j] are the commits in range whose parent is cs[j], once per
	// parent line.
	pending := make([]int32, len(cs))
	children := make([][]int32, len(cs))
	for i, c := range cs {
		for _, p := range c.parents {
			if j, ok := at[p]; ok {
				pending[i]++
				children[j] = append(children[j], int32(i))
			}
		}
	}
	var ready oldestFirst
	for i, c := range cs {
		if pending[i] == 0 {
			ready = append(ready, c)
		}
	}
	heap.Init(&ready)
	ordered = make([]*commitInfo, 0, len(cs))
	for ready.Len() > 0 {
		c := heap.Pop(&ready).(*commitInfo)
		c.meta.Order = len(ordered)
		ordered = append(ordered, c)
		for _, ch := range children[at[c.hash]] {
			pending[ch]--
			if pending[ch] == 0 {
				heap.Push(&ready, cs[ch])
			}
		}
	}
	if len(ordered) == len(cs) {
		return ordered, nil
	}
	for i, c := range cs {
		if pending[i] > 0 {
			cyclic = append(cyclic, c)
		}
	}
	slices.SortFunc(cyclic, func(a, b *commitInfo) int {
		if oldestFirst([]*commitInfo{a, b}).Less(0, 1) {
			return -1
		}
		return 1
	})
	for _, c := range cyclic {
		c.cyclic = true
		c.meta.Order = len(ordered)
		ordered = append(ordered, c)
	}
	return ordered, cyclic
}

type oldestFirst []*commitInfo

func (q oldestFirst) Len() int { return len(q) }
func (q oldestFirst) Less(i, j int) bool {
	if !q[i].when.Equal(q[j].when) {
		return q[i].when.Before(q[j].when)
	}
	return bytes.Compare(q[i].hash[:], q[j].hash[:]) < 0
}
func (q oldestFirst) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *oldestFirst) Push(x any)   { *q = append(*q, x.(*commitInfo)) }
func (q *oldestFirst) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

// diffCommit records what commit c introduced: every file that differs
// from the same path in each of its parents.
func (w *walker) diffCommit(c *commitInfo) error {
	lc := c.meta
	if c.state != nil {
		// Diffed by an earlier walk: what it introduced is known.
		for _, ch := range c.state.changes {
			w.record(lc, change{path: w.paths.intern([]byte(ch.path)), mode: ch.mode, new: ch.blob}, ch.prior)
		}
		w.remember(c, c.state.changes)
		return nil
	}
	parentTrees, whole, err := w.parentTrees(c, lc)
	if err != nil {
		return err
	}
	d := w.ahead.take(c, parentTrees)
	if d == nil {
		diff := diffTrees(w.ctx, w.trees, w.paths, parentTrees, c.tree)
		d = &diff
	}
	w.trees.noteTooLarge(d.tooLarge)
	var kept []stateChange
	for i, ch := range d.changes {
		// A helper's paths are its own: the plan's are shared.
		ch.path = w.paths.internString(ch.path)
		// The rename sources are resolved here, not by record, to be kept
		// in the state.
		prior := priorOrRenamed(ch, d.priors[i], d.deleted)
		w.record(lc, ch, prior)
		if w.next != nil {
			kept = append(kept, stateChange{path: ch.path, mode: ch.mode, blob: ch.new, prior: prior})
		}
	}
	if d.err == nil && whole {
		w.remember(c, kept)
	}
	if d.err != nil {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		return w.onErr("commit "+lc.Hash, d.err)
	}
	return nil
}

// parentTrees returns the trees commit c (lc) is diffed against: its
// parents' (the empty tree's id, zero, for a root), and whether they are
// all of its parents. Parents that cannot be read go to onErr.
func (w *walker) parentTrees(c *commitInfo, lc *leak.Commit) (trees []plumbing.Hash, whole bool, err error) {
	// whole says c was diffed against each of its parents, completely: only
	// then is what it introduced remembered.
	whole = !c.missing && !c.cyclic
	if !c.missing {
		for _, ph := range c.parents {
			p, err := w.commit(ph)
			if err != nil {
				whole = false
				if err := w.onErr("commit "+ph.String(), err); err != nil {
					return nil, false, err
				}
				continue
			}
			if c.cyclic && p.cyclic && p.meta.Order >= lc.Order {
				continue // the cycle is cut here: what p has is new to c
			}
			trees = append(trees, p.tree)
		}
	}
	if len(trees) == 0 {
		trees = []plumbing.Hash{plumbing.ZeroHash}
	}
	return trees, whole, nil
}

// aheadParents is what parentTrees will return for commit c, as far as the
// walk can tell before it has ordered the commits (nothing is read): the
// trees of the parents it has read.
func (w *walker) aheadParents(c *commitInfo) []plumbing.Hash {
	var trees []plumbing.Hash
	for _, ph := range c.parents {
		if p, ok := w.commits[ph]; ok {
			trees = append(trees, p.tree)
		}
	}
	if len(trees) == 0 {
		trees = []plumbing.Hash{plumbing.ZeroHash}
	}
	return trees
}

// treeDiff is what a commit's tree introduced relative to its parents'
// trees (see diffTrees).
type treeDiff struct {
	// changes are the files that differ from every parent, with, for each,
	// its versions in the parents (priors, aligned with changes).
	changes []change
	priors  [][]plumbing.Hash
	// deleted are the files the first parent had and the tree lacks
	// (rename sources).
	deleted []deletion
	// tooLarge are the trees over maxTreeSize met, read as empty.
	tooLarge []plumbing.Hash
	// err is why the diff stopped early (a corrupt tree, a limit); what
	// it found before stands.
	err error
}

// diffTrees diffs tree against each of parents (at least one; zero for
// none) with tr, interning paths in paths: the files that differ from
// every parent.
func diffTrees(ctx context.Context, tr *treeReader, paths *interner, parents []plumbing.Hash, tree plumbing.Hash) treeDiff {
	var d treeDiff
	tr.met = nil
	// Changes against the first parent, and what it lost (rename sources).
	// A walk that fails (a corrupt tree, a limit) keeps what it found
	// before.
	budget := tr.budget() // for all the parents
	d.err = tr.diff(ctx, budget, parents[0], tree, paths,
		func(ch change) { d.changes = append(d.changes, ch) },
		func(p string, b plumbing.Hash) { d.deleted = append(d.deleted, deletion{p, b}) })
	d.priors = make([][]plumbing.Hash, len(d.changes))
	for i, ch := range d.changes {
		if !ch.old.IsZero() {
			d.priors[i] = []plumbing.Hash{ch.old}
		}
	}
	// A merge introduces only what differs from every parent.
	for _, pt := range parents[1:] {
		if d.err != nil {
			break // keep every change rather than filter by a partial walk
		}
		vsParent := make(map[string]plumbing.Hash)
		err := tr.diff(ctx, budget, pt, tree, paths,
			func(ch change) { vsParent[ch.path] = ch.old },
			func(string, plumbing.Hash) {})
		if err != nil {
			d.err = err
			break
		}
		kept := d.changes[:0]
		keptPriors := d.priors[:0]
		for i, ch := range d.changes {
			old, changed := vsParent[ch.path]
			if !changed {
				continue
			}
			kept = append(kept, ch)
			p := d.priors[i]
			if !old.IsZero() && !slices.Contains(p, old) {
				p = append(p, old)
			}
			keptPriors = append(keptPriors, p)
		}
		d.changes, d.priors = kept, keptPriors
	}
	d.tooLarge, tr.met = tr.met, nil
	return d
}

type deletion struct {
	path string
	blob plumbing.Hash
}

// reused returns what the reused state knows of commit h, or nil.
func (w *walker) reused(h plumbing.Hash) *stateCommit {
	if w.reuse == nil {
		return nil
	}
	return w.reuse.commits[h]
}

// remember keeps commit c, which introduced changes, in the state being
// recorded.
func (w *walker) remember(c *commitInfo, changes []stateChange) {
	if w.next == nil {
		return
	}
	w.next.commits[c.hash] = &stateCommit{tree: c.tree, parents: c.parents, when: c.when.Unix(), changes: changes}
}

// record notes that commit lc introduced ch, a later version of the blobs
// prior (rename sources already resolved, see priorOrRenamed).
func (w *walker) record(lc *leak.Commit, ch change, prior []plumbing.Hash) {
	switch {
	case ch.mode == filemode.Submodule:
		w.plan.Skipped[leak.SkipSubmodule]++
		return
	case !ch.mode.IsFile(): // IsFile holds for symbolic links too
		return
	}
	src := leak.Source{Path: ch.path, Commit: lc}
	if len(prior) > 0 {
		src.Prior = make([]string, len(prior))
		for i, p := range prior {
			src.Prior[i] = p.String()
		}
	}
	b := w.plan.blobs[ch.new]
	if b == nil {
		b = &blobInfo{}
		w.plan.blobs[ch.new] = b
		w.plan.order = append(w.plan.order, ch.new)
	}
	if ch.mode == filemode.Symlink {
		b.links = append(b.links, src)
		return
	}
	b.sources = append(b.sources, src)
}

// priorOrRenamed returns prior, the earlier versions of the file ch adds or
// changes; for a file without any, what it was renamed from among deleted
// (see renameSources).
func priorOrRenamed(ch change, prior []plumbing.Hash, deleted []deletion) []plumbing.Hash {
	if len(prior) == 0 && len(deleted) > 0 && ch.mode.IsFile() {
		return renameSources(ch, deleted)
	}
	return prior
}

// renameSources guesses what an added file was renamed from: a removed file
// with the same content, else removed files with the same name, else, when
// the commit removed only a few files, all of them.
func renameSources(ch change, deleted []deletion) []plumbing.Hash {
	for _, d := range deleted {
		if d.blob == ch.new {
			return []plumbing.Hash{d.blob}
		}
	}
	var out []plumbing.Hash
	base := path.Base(ch.path)
	for _, d := range deleted {
		if path.Base(d.path) == base {
			out = append(out, d.blob)
		}
	}
	if len(out) == 0 && len(deleted) <= 16 {
		for _, d := range deleted {
			out = append(out, d.blob)
		}
	}
	slices.SortFunc(out, func(a, b plumbing.Hash) int { return cmp.Compare(a.String(), b.String()) })
	return slices.Compact(out)
}

// recordTagged records what a ref points at directly, a blob or every file
// of a tree, as introduced by a pseudo-commit of the ref: see Plan.Tags.
func (w *walker) recordTagged(t taggedObject) error {
	lc := &leak.Commit{Order: len(w.plan.Commits) + len(w.plan.Tags)}
	lc.Message = fmt.Sprintf("(%s points at a %s, not at a commit)", t.name, t.typ)
	if t.tag != nil {
		lc.Author, lc.Email, lc.Date = t.tag.tagger.Name, t.tag.tagger.Email, t.tag.tagger.When
		if t.tag.message != "" {
			lc.Message = truncateMessage([]byte(lc.Message + "\n\n" + t.tag.message))
		}
	}
	w.plan.Tags = append(w.plan.Tags, lc)
	if t.typ == plumbing.BlobObject {
		w.record(lc, change{path: w.paths.intern([]byte(t.name)), mode: filemode.Regular, new: t.id}, nil)
		return nil
	}
	prefix := t.name + ":"
	err := w.trees.diff(w.ctx, nil, plumbing.ZeroHash, t.id, w.paths, func(ch change) {
		ch.path = w.paths.intern([]byte(prefix + ch.path))
		w.record(lc, ch, nil)
	}, func(string, plumbing.Hash) {})
	if err != nil {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		return w.onErr(t.name, err)
	}
	return nil
}

// Message is a commit's or an annotated tag's message, to scan for
// secrets: a message is written once, with its commit or tag, and lives
// in history as long as the commit or the tag does.
type Message struct {
	// Kind is leak.CommitMessage or leak.TagMessage.
	Kind string
	// Commit is the commit whose message it is. A tag's message belongs
	// to a pseudo-commit: Hash the commit the tag peels to ("" for a blob
	// or a tree), the tagger's name, e-mail and date, a Message naming
	// the tag, an Order after every commit and Plan.Tags.
	Commit *leak.Commit
	// Text is the message, at most MaxScanMessage bytes; Cut says it was
	// longer. Unread says the commit was taken from a WalkState without
	// reading it: Text is empty, Reader.CommitMessage reads it. Reread
	// says the walk read it but did not keep it, its messages being long
	// (see maxHeldMessages): Text is empty, Reader.Message reads it.
	Text   string
	Cut    bool
	Unread bool
	Reread bool
	// id is the commit's or the tag's object.
	id plumbing.Hash
}

// Messages returns the messages of the commits in range, oldest first,
// then those of the annotated tags the walk read on the way to what the
// refs it walked point at (not those of the refs a range excludes), each
// tag once.
func (p *Plan) Messages() []Message { return p.messages }

// listMessages lists the plan's messages (see Plan.Messages).
func (w *walker) listMessages() {
	p := w.plan
	p.messages = make([]Message, 0, len(p.Commits)+len(w.tags))
	for _, c := range w.ordered {
		lc := c.meta
		p.messages = append(p.messages, Message{Kind: leak.CommitMessage, Commit: lc, Text: c.text, Cut: c.cut, Unread: c.state != nil, Reread: c.reread, id: c.hash})
	}
	seen := map[plumbing.Hash]bool{}
	for _, rt := range w.tags {
		t := rt.tag
		if seen[t.id] {
			continue
		}
		seen[t.id] = true
		lc := &leak.Commit{Author: t.tagger.Name, Email: t.tagger.Email, Date: t.tagger.When,
			Order: len(p.Commits) + len(p.Tags) + len(p.messages) - len(p.Commits)}
		if !rt.commit.IsZero() {
			lc.Hash = rt.commit.String()
		}
		lc.Message = truncateMessage([]byte("(tag " + t.name + ")\n\n" + t.message))
		p.messages = append(p.messages, Message{Kind: leak.TagMessage, Commit: lc, Text: t.text, Cut: t.cut, Reread: t.reread, id: t.id})
	}
}

// Message reads the text of a message the walk did not keep (see
// Message.Reread): at most MaxScanMessage bytes, cut set if it is longer.
func (rd *Reader) Message(m Message) (text string, cut bool, err error) {
	if m.Kind != leak.TagMessage {
		return rd.CommitMessage(ID(m.id))
	}
	typ, data, err := rd.objs.head(m.id, commitHead, maxCommitSize)
	if err == nil && typ != plumbing.TagObject {
		err = fmt.Errorf("is a %s", typ)
	}
	if err != nil {
		return "", false, fmt.Errorf("tag %s: %w", m.id, err)
	}
	t, err := parseTag(m.id, data)
	if err != nil {
		return "", false, err
	}
	return t.text, t.cut, nil
}

// CommitMessage reads the message of commit id, to scan (see Message):
// at most MaxScanMessage bytes, cut set if it is longer.
func (rd *Reader) CommitMessage(id ID) (text string, cut bool, err error) {
	c, err := rd.objs.readCommit(id.hash())
	if err != nil {
		return "", false, err
	}
	return c.text, c.cut, nil
}
