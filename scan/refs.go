package scan

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"

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
	for _, name := range names {
		id, err := g.repo.ResolveCommit(name)
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
	contents := map[gitwalk.ID][]byte{}
	all := func(int) bool { return true }
	for _, t := range tips {
		held, ws, err := g.holdsAt(t.id, t.refs[0], fs, all, contents)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("cannot read the tree of %s: %v", t.refs[0], err))
			continue
		}
		warnings = append(warnings, ws...)
		for i := range fs {
			if held[i] {
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

// holdsAt tells, for each finding of fs that want picks, whether the tree
// of commit tip holds its secret in one of the files it names: the very
// blob that introduced it, or a blob whose content holds the secret as
// written. contents keeps the blobs read, across calls. A blob that
// cannot be read counts as holding the secret, with a warning; a tree
// that cannot be read is an error. Answers are memoized in the walk
// cache, if any, by tipKey: an unchanged tip is answered without reading
// its tree.
func (g *gitState) holdsAt(tip gitwalk.ID, name string, fs []leak.Finding, want func(i int) bool, contents map[gitwalk.ID][]byte) (held []bool, warnings []string, err error) {
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
		paths = append(paths, findingFiles(&fs[i])...)
	}
	blobs, err := g.repo.PathBlobs(tip, paths)
	if err != nil {
		return nil, nil, err
	}
	if g.rd == nil {
		g.rd = g.repo.NewReader()
	}
	for _, i := range todo {
		f := &fs[i]
		sure := true
		for _, p := range findingFiles(f) {
			h, ok := blobs[p]
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
			content, ok := contents[h]
			if !ok {
				var err error
				if content, err = g.rd.Blob(h, g.maxFileSize); err != nil {
					content = nil
					warnings = append(warnings, fmt.Sprintf("cannot read %s in %s; its findings are taken to be still there: %v", h, name, err))
				}
				contents[h] = content
			}
			if content == nil {
				held[i], sure = true, false
				break
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
