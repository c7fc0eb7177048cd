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
func (g *gitState) refTips(fs []leak.Finding, head Head) []string {
	var warnings []string
	refs, err := g.repo.Refs(func(item string, err error) error {
		warnings = append(warnings, fmt.Sprintf("cannot tell which refs still hold secrets at %s: %v", item, err))
		return nil
	})
	if err != nil {
		return append(warnings, "cannot list refs: "+err.Error())
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
	type atTip struct {
		held     []bool
		warnings []tipWarning
		err      error
	}
	found := make([]atTip, len(tips))
	all := func(int) bool { return true }
	g.eachTip(len(tips), func(tr *tipReader, k int) {
		t := tips[k]
		found[k].held, found[k].warnings, found[k].err = g.holdsAt(tr, t.id, t.refs[0], fs, all)
	})
	// As the tips were read one after the other, sharing what they read: a
	// blob that cannot be read is reported once, at the first tip.
	unreadable := map[gitwalk.ID]bool{}
	for k, t := range tips {
		if err := found[k].err; err != nil {
			warnings = append(warnings, fmt.Sprintf("cannot read the tree of %s: %v", t.refs[0], err))
			continue
		}
		for _, w := range found[k].warnings {
			if !unreadable[w.blob] {
				unreadable[w.blob] = true
				warnings = append(warnings, w.text)
			}
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
	return warnings
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

// tipReader is what one goroutine reads ref tips with: a reader, and the
// blobs it read (nil for those it could not read).
type tipReader struct {
	rd       *gitwalk.Reader
	contents map[gitwalk.ID][]byte
}

// tipWarning is a warning about a blob that cannot be read.
type tipWarning struct {
	blob gitwalk.ID
	text string
}

// minParallelTips is the fewest tips eachTip shares among goroutines.
const minParallelTips = 4

// eachTip calls fn with each of n tips (0 to n-1), from up to g.workers
// goroutines, each with its own tipReader; each goroutine takes tips in
// increasing order.
func (g *gitState) eachTip(n int, fn func(tr *tipReader, k int)) {
	workers := g.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n/minParallelTips+1, n)
	var next atomic.Int64
	run := func(tr *tipReader) {
		for k := int(next.Add(1)) - 1; k < n; k = int(next.Add(1)) - 1 {
			fn(tr, k)
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
			tr := &tipReader{rd: g.repo.NewReader(), contents: map[gitwalk.ID][]byte{}}
			defer tr.rd.Close()
			run(tr)
		})
	}
	run(&tipReader{rd: g.reader(), contents: map[gitwalk.ID][]byte{}})
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}

// reader returns the reader of blobs outside the scan, made on first use.
func (g *gitState) reader() *gitwalk.Reader {
	if g.rd == nil {
		g.rd = g.repo.NewReader()
	}
	return g.rd
}

// holdsAt tells, for each finding of fs that want picks, whether the tree
// of commit tip holds its secret in one of the files it names: the very
// blob that introduced it, or a blob whose content holds the secret as
// written. tr keeps the blobs read, across calls. A blob that cannot be
// read counts as holding the secret, with a warning (the first time tr
// meets it); a tree that cannot be read is an error. Answers are memoized
// in the walk cache, if any, by tipKey: an unchanged tip is answered
// without reading its tree. Calls with different tipReaders may run at
// once.
func (g *gitState) holdsAt(tr *tipReader, tip gitwalk.ID, name string, fs []leak.Finding, want func(i int) bool) (held []bool, warnings []tipWarning, err error) {
	held = make([]bool, len(fs))
	keys := make([]tipKey, len(fs))
	var todo []int
	for i := range fs {
		if !want(i) {
			continue
		}
		keys[i] = tipKeyOf(tip, &fs[i])
		if h, ok := g.walk.tipHolds(keys[i]); ok {
			held[i] = h
			continue
		}
		todo = append(todo, i)
	}
	if len(todo) == 0 {
		return held, nil, nil
	}
	var paths []string
	for _, i := range todo {
		for _, p := range findingFiles(&fs[i]) {
			// A file inside an archive lives where the archive does.
			paths = append(append(paths, p), archivePaths(p)...)
		}
	}
	blobs, err := tr.rd.PathBlobs(tip, paths)
	if err != nil {
		return nil, nil, err
	}
	for _, i := range todo {
		f := &fs[i]
		sure := true
		for _, p := range findingFiles(f) {
			h, ok := blobs[p]
			outer, entry := p, ""
			if !ok && g.archives.MaxDepth > 0 {
				for _, o := range archivePaths(p) {
					if h, ok = blobs[o]; ok {
						outer, entry = o, p[len(o)+len(archiveSep):]
						break
					}
				}
			}
			if !ok {
				continue
			}
			if h.String() == f.BlobID {
				held[i] = true
				break
			}
			if f.Secret == "" {
				continue
			}
			content, ok := tr.contents[h]
			if !ok {
				var err error
				if content, err = tr.rd.Blob(h, g.maxFileSize); err != nil {
					content = nil
					warnings = append(warnings, tipWarning{h, fmt.Sprintf("cannot read %s in %s; its findings are taken to be still there: %v", h, name, err)})
				}
				tr.contents[h] = content
			}
			if content == nil {
				held[i], sure = true, false
				break
			}
			if entry != "" {
				if archiveEntryHolds(outer, content, entry, []byte(written(f)), g.archives) {
					held[i] = true
					break
				}
				continue
			}
			if bytes.Contains(content, []byte(written(f))) {
				held[i] = true
				break
			}
		}
		if sure {
			g.walk.noteTip(keys[i], held[i])
		}
	}
	return held, warnings, nil
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
