package scan

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/archive"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
)

// History is the git history of a repository: the commits reachable from
// Include and IncludeIDs (every ref when both are empty) and not from
// Exclude and ExcludeIDs, committed since Since. Every blob those commits
// introduced is read once; each secret is reported at the commit that
// introduced it.
//
// The caller opens Repo and closes it after Run. A History serves one Run.
type History struct {
	Repo *gitwalk.Repo
	// Name is what the summary calls the repository (the path given).
	Name string
	// Label describes the range in the summary ("all refs", "A..B").
	Label string
	// Include and Exclude are revisions (ref names, commit ids, with ~N
	// and ^N suffixes); IncludeIDs and ExcludeIDs commits.
	Include, Exclude       []string
	IncludeIDs, ExcludeIDs []gitwalk.ID
	// Since leaves out commits committed before it.
	Since time.Time
	// IgnoreMissing tolerates excluded commits the repository lacks (a
	// remote commit a pre-push hook never fetched).
	IgnoreMissing bool
	// ExcludeRefs leaves out the history of every ref of the repository:
	// with the pushed tips as IncludeIDs, what a push adds (see
	// gitwalk.Options.ExcludeRefs).
	ExcludeRefs bool
	// Complete makes a range that runs into a shallow clone's boundary an
	// error (a *ShallowRangeError) rather than a scan of what is there: the
	// commits at the boundary would be diffed against nothing, and those
	// beyond it not scanned at all.
	Complete bool

	git gitState
}

var _ Versioned = (*History)(nil)

// Scan walks the history, then reads every blob it introduced.
func (h *History) Scan(ctx context.Context, s *Sink) (Scanned, error) {
	return h.git.scan(ctx, s, h.Repo, Scanned{Name: h.Name, Mode: "git", Range: h.Label},
		func(stats *gitwalk.Stats) (*gitwalk.Plan, error) {
			o := gitwalk.Options{
				Include: h.Include, Exclude: h.Exclude,
				IncludeIDs: h.IncludeIDs, ExcludeIDs: h.ExcludeIDs,
				Since: h.Since, IgnoreMissing: h.IgnoreMissing, ExcludeRefs: h.ExcludeRefs,
				Workers: s.Workers(),
			}
			if wc, ok := s.cache.(WalkCache); ok {
				h.git.walk = &walkCacheState{wc: wc, skipped: map[string]inertBlob{}, asked: map[tipKey]bool{}, messages: s.Messages()}
				h.git.walk.load(&o)
			}
			p, err := h.Repo.Plan(ctx, o, stats, s.Error)
			if err == nil && h.Complete && p.Shallow {
				err = checkShallowRange(h.Repo, p)
			}
			if err == nil && h.git.walk != nil {
				h.git.walk.grown = p.Grown()
			}
			return p, err
		})
}

// Prior implements Versioned.
func (h *History) Prior(id string) ([]byte, bool, error) { return h.git.prior(id) }

func (h *History) recordWalk(inert map[string][]string) {
	if h.recordsWalk() {
		h.git.walk.record(h.git.plan, inert, h.git.kept)
	}
}

func (h *History) recordsWalk() bool { return h.git.walk != nil && h.git.plan != nil }

// InHead implements Versioned.
func (h *History) InHead(fs []leak.Finding) (Head, []string) {
	ws := h.git.fillCommits(fs)
	head, more := h.git.inHead(fs)
	return head, append(ws, more...)
}

func (h *History) release() { h.git.release() }

// Staged is what is staged in a repository's index, against HEAD, as the
// next commit would record it: the staged content of each changed file,
// and only what it adds. Its findings belong to a pseudo-commit without an
// id. The caller opens Repo and closes it after Run. A Staged serves one
// Run.
type Staged struct {
	Repo *gitwalk.Repo
	// Name is what the summary calls the repository (the path given).
	Name string

	git gitState
}

var _ Versioned = (*Staged)(nil)

// Scan reads the staged content that differs from HEAD's.
func (st *Staged) Scan(ctx context.Context, s *Sink) (Scanned, error) {
	return st.git.scan(ctx, s, st.Repo, Scanned{Name: st.Name, Mode: "git", Range: "staged changes"},
		func(*gitwalk.Stats) (*gitwalk.Plan, error) { return st.Repo.PlanStaged(ctx) })
}

// Prior implements Versioned.
func (st *Staged) Prior(id string) ([]byte, bool, error) { return st.git.prior(id) }

// InHead implements Versioned.
func (st *Staged) InHead(fs []leak.Finding) (Head, []string) { return st.git.inHead(fs) }

func (st *Staged) release() { st.git.release() }

// gitState is what the git sources keep between Scan and InHead.
type gitState struct {
	repo *gitwalk.Repo
	// plan is set once the walk is done and reading begins.
	plan *gitwalk.Plan
	rd   *gitwalk.Reader
	// maxFileSize bounds every blob read outside the scan itself (prior
	// versions, files of the default branch's tip): the scan's own limit.
	maxFileSize int64
	// walk is what a WalkCache gave and will keep (nil: none).
	walk *walkCacheState
	// workers is how many goroutines may read at once (zero: GOMAXPROCS).
	workers int
	// archives are the limits of the archives the scan opened, to look
	// into them again for what a tip still holds.
	archives archive.Limits
	// kept are the commits whose messages a re-scan that reuses this
	// scan's walk must read again (see walkRecord): those that held a
	// match, or were cut.
	kept []string
}

// scanMessages scans the messages of p's commits and tags (see
// gitwalk.Plan.Messages), each once, after the blobs. A commit the walk
// took from the last scan's state without reading it is read only if
// that scan kept it (see walkRecord): the messages of the others held no
// match then, and under the same rules (the cache's key) hold none now.
func (g *gitState) scanMessages(ctx context.Context, s *Sink, p *gitwalk.Plan) error {
	cut := 0
	for _, m := range p.Messages() {
		if err := ctx.Err(); err != nil {
			return err
		}
		text, isCut := m.Text, m.Cut
		if m.Unread && !g.walk.keeps(m.Commit.Hash) {
			continue
		}
		if m.Unread || m.Reread {
			var err error
			text, isCut, err = g.reader().Message(m)
			if err != nil {
				what := "tag message of commit " + m.Commit.Hash
				if m.Kind == leak.CommitMessage {
					what = "commit " + m.Commit.Hash
					g.kept = append(g.kept, m.Commit.Hash) // to try again
				}
				if err := s.Error(what, err); err != nil {
					return err
				}
				continue
			}
		}
		if isCut {
			cut++
		}
		path := leak.MessagePath
		if m.Kind == leak.TagMessage {
			path = leak.TagMessagePath
		}
		frag := leak.Fragment{Content: []byte(text), Sources: []leak.Source{{Path: path, Kind: m.Kind, Commit: m.Commit}}}
		if s.fragment(&frag) || isCut {
			if m.Kind == leak.CommitMessage {
				g.kept = append(g.kept, m.Commit.Hash)
			}
		}
	}
	if cut > 0 {
		s.Skip(leak.SkipMessageCut, cut)
	}
	return nil
}

// scan plans with plan, then reads the plan's blobs into s.
func (g *gitState) scan(ctx context.Context, s *Sink, repo *gitwalk.Repo, sc Scanned, plan func(*gitwalk.Stats) (*gitwalk.Plan, error)) (Scanned, error) {
	stats := new(gitwalk.Stats)
	s.progress(func() Progress {
		return Progress{CommitsWalked: stats.CommitsWalked.Load(), CommitsDiffed: stats.CommitsDiffed.Load()}
	})
	p, err := plan(stats)
	if err != nil {
		if ctx.Err() != nil {
			sc.CommitsWalked = int(stats.CommitsWalked.Load())
		}
		return sc, err
	}
	g.repo, g.plan, g.maxFileSize, g.workers, g.archives = repo, p, s.MaxFileSize(), s.Workers(), s.e.archives
	commits, blobs := len(p.Commits), p.Blobs()
	s.progress(func() Progress {
		return Progress{Reading: true, Commits: commits, Blobs: blobs, BlobsRead: stats.BlobsRead.Load(), BytesRead: stats.BytesRead.Load()}
	})
	pend := &pendingPaths{s: s}
	p.EachSource(pend.plan)
	defer pend.flush()
	gopts := gitwalk.ScanOptions{Workers: s.Workers(), MaxFileSize: s.MaxFileSize(), Keep: func(id gitwalk.ID, content []byte) bool {
		return pend.has(id) || s.Opens(content)
	}}
	// Skip is called as each blob is taken up (and read to its end, even
	// once the scan is cancelled): what it saw says, after an
	// interruption, which commits were read whole.
	var taken takenBlobs
	c := s.cache
	gopts.Skip = func(id gitwalk.ID) bool {
		taken.add(id)
		if c == nil || pend.has(id) {
			return false
		}
		h := id.String()
		srcs := p.Sources(h)
		return c.Clean(h, SourcePaths(srcs)) || g.walk.skip(s, h, srcs)
	}
	gopts.OnSkip = func(id gitwalk.ID, reason leak.SkipReason) {
		f := leak.SkippedFile{Reason: reason}
		if srcs := p.Sources(id.String()); len(srcs) > 0 {
			f.Path = srcs[0].Path
			if c := srcs[0].Commit; c != nil {
				f.Commit = c.Hash
			}
		}
		s.SkipFile(f)
	}
	err = repo.Scan(ctx, p, gopts, stats,
		func(frag *leak.Fragment) error {
			if !pend.content(frag) {
				s.Fragment(frag)
			}
			return nil
		}, s.Error)
	if err = readError(ctx, s, err); err != nil && ctx.Err() == nil {
		return sc, err
	}
	if s.Messages() && ctx.Err() == nil {
		if err := g.scanMessages(ctx, s, p); err != nil && ctx.Err() == nil {
			return sc, err
		}
	}
	for reason, n := range p.Skipped {
		s.Skip(reason, n)
	}
	sc.Commits, sc.Shallow = commits, p.Shallow
	sc.Blobs, sc.Bytes = int(stats.BlobsRead.Load()), stats.BytesRead.Load()
	sc.Files, sc.CommitsDone = blobs, commits
	if ctx.Err() != nil {
		sc.CommitsDone = commitsDone(p, &taken)
	}
	return sc, err
}

// pendingPaths hold back the paths of blobs whose format a rule on paths
// alone checks (a .p12 must be a PKCS #12 key store) until the blobs are
// read: Keep passes them on, binary though they are, the cache never
// skips them, and read hands their content to Sink.Path. A blob never read
// (too large, unreadable, the scan cut short) is judged by its path alone
// when flush is called. plan fills m before the blobs are read, which
// leaves it as it is: has and read, called by the readers concurrently,
// only note under the lock which blobs were read.
type pendingPaths struct {
	s    *Sink
	m    map[gitwalk.ID][]leak.Source
	mu   sync.Mutex
	read map[gitwalk.ID]bool
}

// plan takes a blob's path from the plan: it goes to Sink.Path at once
// unless a rule checks the format of the file there.
func (p *pendingPaths) plan(id gitwalk.ID, src leak.Source) {
	if !p.s.pathRules(id.String, nil, src, true) {
		return
	}
	if p.m == nil {
		p.m, p.read = map[gitwalk.ID][]leak.Source{}, map[gitwalk.ID]bool{}
	}
	p.m[id] = append(p.m[id], src)
}

// has reports whether blob id's paths wait for its content.
func (p *pendingPaths) has(id gitwalk.ID) bool {
	_, ok := p.m[id]
	return ok
}

// content hands the paths waiting for frag's blob its content. It reports
// whether that is all frag is for: binary content kept for those rules
// alone, not an archive to open.
func (p *pendingPaths) content(frag *leak.Fragment) bool {
	if len(p.m) == 0 {
		return false
	}
	id, err := gitwalk.ParseID(frag.BlobID)
	if err != nil || !p.has(id) {
		return false
	}
	p.mu.Lock()
	first := !p.read[id]
	p.read[id] = true
	p.mu.Unlock()
	if first {
		for _, src := range p.m[id] {
			p.s.Path(frag.BlobID, frag.Content, src)
		}
	}
	return p.s.opaque(frag.Content)
}

// flush judges the blobs never read by their paths alone.
func (p *pendingPaths) flush() {
	for id, srcs := range p.m {
		if p.read[id] {
			continue
		}
		for _, src := range srcs {
			p.s.Path(id.String(), nil, src)
		}
	}
}

// takenBlobs are the blobs a scan of history took up, safe for
// concurrent use.
type takenBlobs struct {
	mu  sync.Mutex
	ids map[gitwalk.ID]struct{}
}

func (t *takenBlobs) add(id gitwalk.ID) {
	t.mu.Lock()
	if t.ids == nil {
		t.ids = map[gitwalk.ID]struct{}{}
	}
	t.ids[id] = struct{}{}
	t.mu.Unlock()
}

// commitsDone counts the commits of p all of whose blobs were taken up.
func commitsDone(p *gitwalk.Plan, t *takenBlobs) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	missing := map[string]bool{}
	p.EachSource(func(id gitwalk.ID, src leak.Source) {
		if src.Commit == nil || src.Commit.Hash == "" || missing[src.Commit.Hash] {
			return
		}
		if _, ok := t.ids[id]; !ok {
			missing[src.Commit.Hash] = true
		}
	})
	return len(p.Commits) - len(missing)
}

func (g *gitState) prior(id string) ([]byte, bool, error) {
	if g.plan == nil {
		return nil, false, errors.New("history not read")
	}
	if g.plan.Sources(id) != nil {
		return nil, true, nil
	}
	h, err := gitwalk.ParseID(id)
	if err != nil {
		return nil, false, err
	}
	b, err := g.reader().Blob(h, g.maxFileSize)
	return b, false, err
}

// fillCommits sets the author, email, date and message of the findings'
// commits that the walk took from a WalkState without reading them (see
// gitwalk.Plan.Unread): only the commits a report names are read.
func (g *gitState) fillCommits(fs []leak.Finding) []string {
	if g.plan == nil {
		return nil
	}
	errs := fillCommitMetas(g.repo, fs, g.plan.Unread)
	var ws []string
	for _, err := range errs {
		ws = append(ws, "cannot read a finding's commit: "+err.Error())
	}
	return ws
}

func (g *gitState) release() {
	if g.rd != nil {
		g.rd.Close()
		g.rd = nil
	}
}

// inHead sets InHead on each finding whose secret is still in the tree of
// the default branch's tip (see gitwalk.Repo.DefaultBranch), and returns
// that tip, or a zero Head if the repository has none. It looks only at
// the files the findings name (where each secret was introduced, renamed
// or copied to) in that tree, reading each such file once: not a rescan.
// A file it cannot read counts as still holding the secret, with a warning.
//
// It also sets each finding's Refs: every branch and tag whose tip still
// holds the secret (see refTips).
//
// A secret found at a tag that points at a blob or a tree (see
// gitwalk.Plan.Tags) is still there too, wherever the default branch is:
// the tag holds it, not history, so it must be removed (the tag deleted)
// as well as rotated.
func (g *gitState) inHead(fs []leak.Finding) (Head, []string) {
	if g.plan == nil {
		return Head{}, nil // the scan never got to read
	}
	defer g.release()
	g.markTagged(fs)
	ref, err := g.repo.DefaultBranch()
	if err != nil {
		if errors.Is(err, gitwalk.ErrNoDefaultBranch) {
			return Head{}, nil
		}
		return Head{}, []string{"cannot tell which secrets are still in HEAD: " + err.Error()}
	}
	head := Head{Ref: ref.Name, Commit: ref.ID.String()}
	if len(fs) == 0 {
		return head, nil
	}
	// Tags that point at a blob or a tree marked theirs already.
	tagged := make([]bool, len(fs))
	for i := range fs {
		tagged[i] = fs[i].InHead
	}
	a, warnings := g.refTips(fs, head, ref.ID)
	if a.err != nil {
		for i := range fs {
			fs[i].InHead = true
			fs[i].Refs = nil
		}
		return head, []string{fmt.Sprintf("cannot read the tree of %s; every finding is taken to be still there: %v", ref.Name, a.err)}
	}
	for i := range fs {
		fs[i].InHead = tagged[i] || a.held[i]
	}
	return head, warnings
}

// markTagged sets InHead on the findings a tag that points at a blob or a
// tree holds (at one of their places), and clears it on the others. The
// places of such a tag's pseudo-commits are the only ones of history
// without a commit id.
func (g *gitState) markTagged(fs []leak.Finding) {
	tags := len(g.plan.Tags) > 0
	for i := range fs {
		f := &fs[i]
		f.InHead = tags && f.Commit == "" && !f.InMessage()
		for _, l := range f.Locations {
			f.InHead = f.InHead || tags && l.Commit == "" && !l.InMessage()
		}
	}
}

// ShallowRangeError says that commits in range have parents a shallow
// clone lacks (see History.Complete).
type ShallowRangeError struct {
	// Boundary lists the commits in range whose parents are missing.
	Boundary []string
}

func (e *ShallowRangeError) Error() string {
	return fmt.Sprintf("the range reaches the boundary of this shallow clone at %d commit(s) (%s): their parents, and maybe more commits in range, are not in the clone", len(e.Boundary), report.ShortID(e.Boundary[0]))
}

// checkShallowRange returns a *ShallowRangeError if a commit of the plan is
// at a shallow clone's boundary.
func checkShallowRange(repo *gitwalk.Repo, plan *gitwalk.Plan) error {
	shallow, err := repo.Shallow()
	if err != nil {
		return fmt.Errorf("read shallow file: %w", err)
	}
	cut := make(map[string]bool, len(shallow))
	for _, h := range shallow {
		cut[h.String()] = true
	}
	var boundary []string
	for _, c := range plan.Commits {
		if cut[c.Hash] {
			boundary = append(boundary, c.Hash)
		}
	}
	if len(boundary) > 0 {
		return &ShallowRangeError{Boundary: boundary}
	}
	return nil
}

// Select narrows h to the history a user names as leakhound scan's
// --branch, --range and --since do: the history of branches (every ref
// when there are none), of the range rng ("A..B", see SplitRange; "" for
// none) as well, and only the commits committed since since (zero: all).
// It labels h so: "all refs", "main, dev", "A..B", "... since <RFC 3339>".
func (h *History) Select(branches []string, rng string, since time.Time) error {
	h.Label = "all refs"
	if len(branches) > 0 {
		h.Include = branches
		h.Label = strings.Join(branches, ", ")
	}
	if rng != "" {
		from, to, err := SplitRange(rng)
		if err != nil {
			return err
		}
		if from != "" {
			h.Exclude = []string{from}
		}
		h.Include = append(h.Include, to)
		h.Label = rng
	}
	if !since.IsZero() {
		h.Since = since
		h.Label += " since " + since.Format(time.RFC3339)
	}
	return nil
}

// SplitRange splits a range of commits written as git writes it, "A..B"
// (the commits reachable from B and not from A; A may be empty), into its
// ends, for History's Exclude and Include.
func SplitRange(rng string) (from, to string, err error) {
	if strings.Contains(rng, "...") {
		return "", "", fmt.Errorf("range %q: use A..B (commits reachable from B but not from A)", rng)
	}
	from, to, ok := strings.Cut(rng, "..")
	if !ok || to == "" {
		return "", "", fmt.Errorf("range %q: want A..B", rng)
	}
	return from, to, nil
}

// findingFiles lists the files f was found in: its own, then each other
// location's. A message is no file: a tree cannot hold it.
func findingFiles(f *leak.Finding) []string {
	out := make([]string, 0, 1+len(f.Locations))
	if !f.InMessage() {
		out = append(out, f.File)
	}
	for _, l := range f.Locations {
		if !l.InMessage() {
			out = append(out, l.File)
		}
	}
	return out
}
