package scan

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
)

// maxRefTips bounds the distinct commits refTips reads the trees of: a
// repository with tens of thousands of tags is checked at its branches and
// its newest-named tags up to this many, with a warning.
const maxRefTips = 2000

// refTips sets Refs on each finding: the refs (branches, remote-tracking
// branches, tags) whose tips still hold its secret in one of the files the
// finding names, the default branch (head) first, then other branches,
// then tags. A tag that points at a blob or a tree (found at
// "refs/tags/v1" or "refs/tags/v1:path") holds what it points at. As for
// InHead, it reads only the files the findings name, each distinct blob
// once; a blob it cannot read counts as holding the secret.
//
// It also returns what head's commit holds (see holdsAt), which InHead
// takes from the same reading: the default branch is one of the tips.
func (g *gitState) refTips(fs []leak.Finding, head Head, headID gitwalk.ID) (tipAnswer, []string) {
	var warnings []string
	refs, err := g.repo.Refs(func(item string, err error) error {
		warnings = append(warnings, fmt.Sprintf("cannot tell which refs still hold secrets at %s: %v", item, err))
		return nil
	})
	if err != nil {
		warnings = append(warnings, "cannot list refs: "+err.Error())
		refs = nil
	}
	// Tips by commit, with the refs at each, in the order refs are listed.
	type tip struct {
		id   gitwalk.ID
		refs []string
	}
	var tips []*tip
	byID := map[gitwalk.ID]*tip{}
	names := make([]string, 0, len(refs))
	for _, r := range refs {
		if refOrder(r.Name, head.Ref) < 0 {
			continue
		}
		names = append(names, r.Name)
	}
	slices.SortStableFunc(names, func(a, b string) int { return refOrder(a, head.Ref) - refOrder(b, head.Ref) })
	skipped := 0
	rd := g.reader()
	for _, name := range names {
		id, err := rd.ResolveCommit(name)
		if err != nil {
			continue // a tag of a blob or a tree: see below
		}
		t := byID[id]
		if t == nil {
			if len(tips) >= maxRefTips {
				skipped++
				continue
			}
			t = &tip{id: id}
			byID[id] = t
			tips = append(tips, t)
		}
		t.refs = append(t.refs, name)
	}
	if skipped > 0 {
		warnings = append(warnings, fmt.Sprintf("%d refs were not checked for secrets still at their tips (more than %d distinct tips)", skipped, maxRefTips))
	}
	for i := range fs {
		fs[i].Refs = nil
		for _, p := range findingFiles(&fs[i]) {
			// A tag's own pseudo-path names the tag that holds the secret.
			if strings.HasPrefix(p, "refs/") {
				name, _, _ := strings.Cut(p, ":")
				fs[i].Refs = appendRef(fs[i].Refs, name)
			}
		}
	}
	at := make([]tipRef, len(tips), len(tips)+1)
	headAt := -1
	for k, t := range tips {
		at[k] = tipRef{id: t.id, name: t.refs[0]}
		if t.id == headID {
			headAt = k
		}
	}
	if headAt < 0 {
		// The default branch is always listed first, unless the refs
		// could not be listed or it is not where a ref name says.
		headAt = len(at)
		at = append(at, tipRef{id: headID, name: head.Ref})
	}
	found := g.holdsAt(at, fs)
	// A blob that cannot be read is reported once, at the first tip that
	// holds it.
	unreadable := map[gitwalk.ID]bool{}
	for k := range at {
		for _, w := range found[k].warnings {
			if !unreadable[w.blob] {
				unreadable[w.blob] = true
				warnings = append(warnings, w.text)
			}
		}
		if k >= len(tips) {
			continue
		}
		t := tips[k]
		if err := found[k].err; err != nil {
			warnings = append(warnings, fmt.Sprintf("cannot read the tree of %s: %v", t.refs[0], err))
			continue
		}
		for i := range fs {
			if found[k].held[i] {
				for _, r := range t.refs {
					fs[i].Refs = appendRef(fs[i].Refs, r)
				}
			}
		}
	}
	for i := range fs {
		slices.SortStableFunc(fs[i].Refs, func(a, b string) int { return refOrder(a, head.Ref) - refOrder(b, head.Ref) })
	}
	return found[headAt], warnings
}

func appendRef(refs []string, r string) []string {
	if slices.Contains(refs, r) {
		return refs
	}
	return append(refs, r)
}

// refOrder orders refs for reports: the default branch (head), other local
// branches, remote-tracking branches, tags; -1 for refs that are none of
// these (HEAD itself, notes, a remote's HEAD, stashes).
func refOrder(name, head string) int {
	switch {
	case name == head:
		return 0
	case strings.HasSuffix(name, "/HEAD"):
		return -1
	case strings.HasPrefix(name, "refs/heads/"):
		return 1
	case strings.HasPrefix(name, "refs/remotes/"):
		return 2
	case strings.HasPrefix(name, "refs/tags/"):
		return 3
	}
	return -1
}

// tipRef is a commit whose tree holdsAt looks into, and the name its
// warnings give it.
type tipRef struct {
	id   gitwalk.ID
	name string
}

// tipAnswer is what holdsAt tells of one tip: for each finding, whether
// the tip holds its secret; the blobs it could not read; or why its tree
// could not be read.
type tipAnswer struct {
	held     []bool
	warnings []tipWarning
	err      error
}

// tipWarning is a warning about a blob that cannot be read.
type tipWarning struct {
	blob gitwalk.ID
	text string
}

// minParallelTips is the fewest tips (or blobs) a goroutine of holdsAt
// is given.
const minParallelTips = 4

// readers is how many goroutines may read at once.
func (g *gitState) readers() int {
	if g.workers > 0 {
		return g.workers
	}
	return runtime.GOMAXPROCS(0)
}

// eachReader calls fn with each of n items (0 to n-1), from up to workers
// goroutines (at least one), each with its own Reader; each goroutine
// takes items in increasing order.
func (g *gitState) eachReader(n, workers int, fn func(rd *gitwalk.Reader, k int)) {
	workers = max(min(workers, n), 1)
	var next atomic.Int64
	run := func(rd *gitwalk.Reader) {
		for k := int(next.Add(1)) - 1; k < n; k = int(next.Add(1)) - 1 {
			fn(rd, k)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var panicked any
	for range workers - 1 {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					mu.Lock()
					if panicked == nil {
						panicked = p // raised again below, where the caller recovers
					}
					mu.Unlock()
				}
			}()
			rd := g.repo.NewReader()
			defer rd.Close()
			run(rd)
		})
	}
	run(g.reader())
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}

// tipCheck asks whether a blob holds a finding's secret as written, or,
// with entry set, whether the archive entry of that path in the blob does
// (outer is the archive's path).
type tipCheck struct {
	needle       string
	outer, entry string
}

// blobChecks are the checks asked of one blob, and their answers once it
// is read; unreadable says why it could not be.
type blobChecks struct {
	checks     []tipCheck
	index      map[tipCheck]int // of checks: a file may hold thousands of secrets
	holds      []bool
	unreadable error
}

// ask returns the index of c among b's checks, adding it if new.
func (b *blobChecks) ask(c tipCheck) int {
	if k, ok := b.index[c]; ok {
		return k
	}
	if b.index == nil {
		b.index = map[tipCheck]int{}
	}
	b.index[c] = len(b.checks)
	b.checks = append(b.checks, c)
	return len(b.checks) - 1
}

// holdsAt tells, for each tip and each finding of fs, whether the tree of
// the tip holds its secret in one of the files it names: the very blob
// that introduced it, or a blob whose content holds the secret as written. A blob that cannot be read counts as holding the
// secret, with a warning at the first tip that meets it; a tree that
// cannot be read is that tip's error. Answers are memoized in the walk
// cache, if any, by tipKey: an unchanged tip is answered without reading
// its tree.
//
// The trees are read first, tip by tip; then every distinct blob they
// name that an answer needs is read once, in pack order (deltas after
// their bases, which the reader's cache keeps), and dropped once its
// checks are answered: each blob costs one read, whichever tips share it.
func (g *gitState) holdsAt(tips []tipRef, fs []leak.Finding) []tipAnswer {
	out := make([]tipAnswer, len(tips))
	// The blob that introduced each finding, parsed once for every tip
	// and path; ok false for none.
	type blobOf struct {
		id gitwalk.ID
		ok bool
	}
	introduced := make([]blobOf, len(fs))
	for i := range fs {
		id, err := gitwalk.ParseID(fs[i].BlobID)
		introduced[i] = blobOf{id, err == nil}
	}
	// pending is, for each tip and finding still open after the trees,
	// the checks (blob and index among its checks) any one of which
	// holding answers yes; key is the finding's tipKey, noted when sure.
	type pending struct {
		i     int
		key   tipKey
		asked []blobAsk
	}
	pend := make([][]pending, len(tips))
	blobs := map[gitwalk.ID]*blobChecks{}
	var mu sync.Mutex
	g.eachReader(len(tips), min(g.readers(), len(tips)/minParallelTips+1), func(rd *gitwalk.Reader, k int) {
		a := &out[k]
		a.held = make([]bool, len(fs))
		keys := make([]tipKey, len(fs))
		var todo []int
		for i := range fs {
			keys[i] = tipKeyOf(tips[k].id, &fs[i])
			if h, ok := g.walk.tipHolds(keys[i]); ok {
				a.held[i] = h
				continue
			}
			todo = append(todo, i)
		}
		if len(todo) == 0 {
			return
		}
		var paths []string
		for _, i := range todo {
			for _, p := range findingFiles(&fs[i]) {
				// A file inside an archive lives where the archive does.
				paths = append(append(paths, p), archivePaths(p)...)
			}
		}
		found, err := rd.PathBlobs(tips[k].id, paths)
		if err != nil {
			a.err = err
			return
		}
		mu.Lock()
		defer mu.Unlock()
	finding:
		for _, i := range todo {
			f := &fs[i]
			var asked []blobAsk
			for _, p := range findingFiles(f) {
				h, ok := found[p]
				c := tipCheck{needle: written(f)}
				if !ok && g.archives.MaxDepth > 0 {
					for _, o := range archivePaths(p) {
						if h, ok = found[o]; ok {
							c.outer, c.entry = o, p[len(o)+len(archiveSep):]
							break
						}
					}
				}
				if !ok {
					continue
				}
				if introduced[i].ok && h == introduced[i].id {
					a.held[i] = true
					g.walk.noteTip(keys[i], true)
					continue finding
				}
				if f.Secret == "" {
					continue
				}
				b := blobs[h]
				if b == nil {
					b = &blobChecks{}
					blobs[h] = b
				}
				asked = append(asked, blobAsk{h, b.ask(c)})
			}
			if len(asked) == 0 {
				g.walk.noteTip(keys[i], false)
				continue
			}
			pend[k] = append(pend[k], pending{i, keys[i], asked})
		}
	})
	ids := make([]gitwalk.ID, 0, len(blobs))
	for h := range blobs {
		ids = append(ids, h)
	}
	ids = g.repo.PackOrder(ids)
	g.eachBlob(ids, func(rd *gitwalk.Reader, h gitwalk.ID) {
		b := blobs[h]
		content, err := rd.Blob(h, g.maxFileSize)
		if err != nil {
			b.unreadable = err
			return
		}
		b.holds = make([]bool, len(b.checks))
		for k, c := range b.checks {
			if c.entry != "" {
				b.holds[k] = archiveEntryHolds(c.outer, content, c.entry, []byte(c.needle), g.archives)
			} else {
				b.holds[k] = bytes.Contains(content, []byte(c.needle))
			}
		}
	})
	warned := map[gitwalk.ID]bool{}
	for k, ps := range pend {
		a := &out[k]
		for _, p := range ps {
			sure := true
			for _, q := range p.asked {
				b := blobs[q.blob]
				if b.unreadable != nil {
					a.held[p.i], sure = true, false
					if !warned[q.blob] {
						warned[q.blob] = true
						a.warnings = append(a.warnings, tipWarning{q.blob, fmt.Sprintf("cannot read %s in %s; its findings are taken to be still there: %v", q.blob, tips[k].name, b.unreadable)})
					}
					continue
				}
				if b.holds[q.check] {
					a.held[p.i], sure = true, true
					break
				}
			}
			if sure {
				g.walk.noteTip(p.key, a.held[p.i])
			}
		}
	}
	return out
}

// reader returns the reader of blobs outside the scan, made on first use.
func (g *gitState) reader() *gitwalk.Reader {
	if g.rd == nil {
		g.rd = g.repo.NewReader()
	}
	return g.rd
}

// blobAsk names one check of one blob (see blobChecks).
type blobAsk struct {
	blob  gitwalk.ID
	check int
}

// eachBlob calls fn with each of ids, from up to g.workers goroutines,
// each taking a run of consecutive ids: ids in pack order share delta
// bases with their neighbours, which a Reader's cache keeps.
func (g *gitState) eachBlob(ids []gitwalk.ID, fn func(rd *gitwalk.Reader, h gitwalk.ID)) {
	runs := min(g.readers(), len(ids)/minParallelTips+1, len(ids))
	g.eachReader(runs, runs, func(rd *gitwalk.Reader, r int) {
		for _, h := range ids[r*len(ids)/runs : (r+1)*len(ids)/runs] {
			fn(rd, h)
		}
	})
}

// tipKeyOf returns the tipKey of whether commit tip holds f's secret.
func tipKeyOf(tip gitwalk.ID, f *leak.Finding) tipKey {
	h := sha256.New()
	h.Write([]byte("leakhound-tip-v1\x00"))
	h.Write([]byte(tip.String()))
	h.Write([]byte{0})
	h.Write([]byte(f.BlobID))
	h.Write([]byte{0})
	for _, p := range findingFiles(f) {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	h.Write([]byte{1})
	h.Write([]byte(written(f)))
	var k tipKey
	copy(k[:], h.Sum(nil))
	return k
}

// written is f's secret as its file holds it: a decoded secret is written
// encoded, as its match.
func written(f *leak.Finding) string {
	if f.Decoded != "" {
		return f.Match
	}
	return f.Secret
}
