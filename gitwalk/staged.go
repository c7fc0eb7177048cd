package gitwalk

import (
	"context"
	"fmt"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/leak"
)

// stagedMessage is the message of the pseudo-commit that PlanStaged
// attributes staged content to: it has no id yet.
const stagedMessage = "(staged changes)"

// PlanStaged plans a scan of what is staged: every file in the index whose
// content differs from HEAD's, as git commit would record it. Its Sources
// belong to a pseudo-commit with no id and the message "(staged changes)",
// and their Prior is HEAD's version of the
// file (or, for a new path, a file the index no longer has that it may have
// been renamed from), so that only what the staging adds is new. A
// repository without commits yet compares against an empty tree.
//
// The staged content is what is scanned, not the work tree's: a partially
// staged file contributes only its staged version.
func (r *Repo) PlanStaged(ctx context.Context) (*Plan, error) {
	idx, err := r.st.Index()
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	objs := r.newObjects(planCacheBytes, false)
	defer objs.close()
	tr := newTreeReader(objs, planCacheBytes)

	head := map[string]change{} // HEAD's files, with their ids in new
	if h, err := r.resolveRev("HEAD"); err == nil {
		c, err := objs.readCommit(h)
		if err != nil {
			return nil, err
		}
		err = tr.diff(ctx, nil, plumbing.ZeroHash, c.tree, newInterner(), func(ch change) { head[ch.path] = ch }, func(string, plumbing.Hash) {})
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", h, err)
		}
	}

	commit := leak.Commit{Message: stagedMessage}
	p := &Plan{Skipped: map[leak.SkipReason]int{}, blobs: map[plumbing.Hash]*blobInfo{}}
	if n := len(tr.tooLarge); n > 0 {
		p.Skipped[leak.SkipTreeTooLarge] = n
	}
	w := &walker{plan: p, paths: newInterner()}
	inIndex := make(map[string]bool, len(idx.Entries))
	var changes []change
	for _, e := range idx.Entries {
		// Stage 0 is a merged entry; 1-3 are the sides of a conflict.
		// (go-git's index.Merged constant is 1, which is not what its
		// decoder reads for merged entries.)
		if e.Stage != 0 {
			p.Skipped[leak.SkipUnmerged]++
			continue
		}
		if e.IntentToAdd {
			continue
		}
		inIndex[e.Name] = true
		old, inHead := head[e.Name]
		if inHead && old.new == e.Hash && old.mode == e.Mode {
			continue
		}
		ch := change{path: e.Name, mode: e.Mode, new: e.Hash}
		if inHead && old.mode.IsFile() {
			ch.old = old.new
		}
		changes = append(changes, ch)
	}
	var deleted []deletion
	for path, e := range head {
		if !inIndex[path] && e.mode.IsFile() {
			deleted = append(deleted, deletion{path, e.new})
		}
	}
	sort.Slice(deleted, func(i, j int) bool { return deleted[i].path < deleted[j].path })
	for _, ch := range changes {
		var prior []plumbing.Hash
		if !ch.old.IsZero() {
			prior = []plumbing.Hash{ch.old}
		}
		w.record(&commit, ch, priorOrRenamed(ch, prior, deleted))
	}
	if len(changes) > 0 {
		p.Commits = []*leak.Commit{&commit}
	}
	return p, nil
}
