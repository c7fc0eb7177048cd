package gitwalk

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
)

// planWith plans every ref of dir, reusing reuse (nil: none) and
// recording a state; it returns the plan, a canonical dump of it, and the
// walk's counters.
func planWith(t *testing.T, dir string, reuse *WalkState) (*Plan, string, *Stats) {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	stats := new(Stats)
	p, err := r.Plan(context.Background(), Options{Reuse: reuse, Record: true}, stats, func(item string, err error) error {
		t.Errorf("%s: %v", item, err)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The commits' metadata, read as reports read it when the plan did not.
	var unread []string
	for _, c := range p.Commits {
		if p.Unread(c.Hash) {
			unread = append(unread, c.Hash)
		}
	}
	metas, errs := r.CommitMetas(unread)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var b strings.Builder
	meta := func(c *leak.Commit) string {
		if m, ok := metas[c.Hash]; ok {
			c = &leak.Commit{Hash: c.Hash, Author: m.Author, Email: m.Email, Date: m.Date, Message: m.Message, Order: c.Order}
		}
		return fmt.Sprintf("%s %d %s <%s> %s %q", c.Hash, c.Order, c.Author, c.Email, c.Date.UTC(), c.Message)
	}
	for _, c := range p.Commits {
		fmt.Fprintf(&b, "commit %s\n", meta(c))
	}
	for _, c := range p.Tags {
		fmt.Fprintf(&b, "tag %s\n", meta(c))
	}
	for _, h := range p.order {
		for _, s := range p.blobs[h].all() {
			fmt.Fprintf(&b, "blob %s %s %s %v\n", h, s.Path, s.Commit.Hash, s.Prior)
		}
	}
	fmt.Fprintf(&b, "skipped %v shallow %v\n", p.Skipped, p.Shallow)
	return p, b.String(), stats
}

// roundTrip encodes and decodes s, as a cache keeps it.
func roundTrip(t *testing.T, s *WalkState) *WalkState {
	t.Helper()
	if s == nil {
		t.Fatal("the walk recorded no state")
	}
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	out := new(WalkState)
	if err := out.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReusedWalkEqualsFullWalk changes a repository's refs in every way a
// fetch can (new commits, merges, renames, rewritten history, deleted
// refs, new tags of commits and of blobs) and plans it each time from the
// last walk's state: the plan is exactly the full walk's, commit order,
// sources, priors and metadata included, and only new commits are read.
func TestReusedWalkEqualsFullWalk(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	for i := range 6 {
		r.Write(fmt.Sprintf("src/f%d.txt", i%3), fmt.Sprintf("version %d\n", i)).Commit(fmt.Sprintf("c%d", i))
	}
	r.Tag("v1", "HEAD", true)
	_, _, _ = planWith(t, r.Dir, nil)
	p, _, _ := planWith(t, r.Dir, nil)
	state := roundTrip(t, p.State())
	if state.Commits() != 6 {
		t.Fatalf("state of %d commits, want 6", state.Commits())
	}

	steps := []struct {
		name   string
		change func()
	}{
		{"no change", func() {}},
		{"new commits", func() {
			r.Write("src/f1.txt", "version 7\n").Commit("c7")
			r.Write("docs/new.txt", "new\n").Commit("c8")
		}},
		{"a branch and a merge", func() {
			r.Branch("topic")
			r.Write("src/topic.txt", "topic\n").Commit("t1")
			r.Checkout("main")
			r.Write("src/f2.txt", "main side\n").Commit("m1")
			r.Write("src/topic.txt", "topic\n")
			r.Merge("merge topic", "topic")
		}},
		{"a rename", func() {
			r.Move("docs/new.txt", "docs/renamed.txt")
			r.Commit("rename")
		}},
		{"new tags", func() {
			r.Tag("v2", "HEAD~1", false)
			r.Tag("v3", "HEAD", true)
			r.TagBlob("keys", "a blob a tag points at\n")
		}},
		{"a deleted branch", func() { r.DeleteRef("refs/heads/topic") }},
		{"rewritten history", func() {
			// A force-push: main goes back two commits and takes another way.
			r.SetRef("refs/heads/main", "HEAD~2")
			r.Checkout("main")
			r.Write("src/f0.txt", "rewritten\n").Commit("r1")
			r.Remove("src/f1.txt")
			r.Write("src/f1-moved.txt", "version 7\n").Commit("r2")
		}},
		{"a deleted tag", func() { r.DeleteRef("refs/tags/v3") }},
	}
	for _, st := range steps {
		st.change()
		full, want, _ := planWith(t, r.Dir, nil)
		inc, got, stats := planWith(t, r.Dir, state)
		if got != want {
			t.Errorf("%s: plan from the state:\n%s\nfull walk:\n%s", st.name, got, want)
		}
		// Every commit the state held and still in range is reused.
		reusable := 0
		for _, c := range full.Commits {
			if _, ok := state.commits[[20]byte(ID(mustParse(t, c.Hash)))]; ok {
				reusable++
			}
		}
		if n := stats.CommitsReused.Load(); int(n) != reusable || reusable == 0 {
			t.Errorf("%s: %d commits reused, want %d", st.name, n, reusable)
		}
		if st.name == "no change" && int(stats.CommitsDiffed.Load()) != len(full.Commits) {
			t.Errorf("%s: %d of %d commits planned", st.name, stats.CommitsDiffed.Load(), len(full.Commits))
		}
		// The next step reuses this step's state: states made from states
		// stay whole, and hold only the commits in range.
		state = roundTrip(t, inc.State())
		if state.Commits() != len(full.Commits) {
			t.Errorf("%s: state of %d commits, %d in range", st.name, state.Commits(), len(full.Commits))
		}
	}
}

func mustParse(t *testing.T, s string) ID {
	t.Helper()
	id, err := ParseID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestWalkStateIsNotUsedOrKeptWhenItCannotBe: a selection other than every
// ref ignores a state and records none; a walk that meets a missing object
// records a partial state, of the commits it diffed whole, and the next
// walk diffs the others again (the object back, the plan is a full walk's);
// a shallow clone is walked in full.
func TestWalkStateIsNotUsedOrKeptWhenItCannotBe(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	first := r.Write("a.txt", "a\n").Commit("a")
	r.Write("a.txt", "b\n").Commit("b")
	r.Write("c.txt", "c\n").Commit("c")
	p, _, _ := planWith(t, r.Dir, nil)
	state := p.State()
	repo, err := Open(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	stats := new(Stats)
	p, err = repo.Plan(context.Background(), Options{Include: []string{"HEAD"}, Reuse: state, Record: true}, stats, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.State() != nil || stats.CommitsReused.Load() != 0 {
		t.Errorf("a walk of HEAD: state %v, %d reused", p.State(), stats.CommitsReused.Load())
	}
	_, want, _ := planWith(t, r.Dir, nil)
	r.RemoveObject(r.BlobID(first, "a.txt"))
	tree := mustTree(t, r, first)
	treeFile := filepath.Join(r.Dir, ".git", "objects", tree[:2], tree[2:])
	saved, err := os.ReadFile(treeFile)
	if err != nil {
		t.Fatal(err)
	}
	r.RemoveObject(tree)
	p, err = repo.Plan(context.Background(), Options{Record: true}, nil, func(string, error) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	// a and b read the missing tree; c alone was diffed whole.
	partial := roundTrip(t, p.State())
	if partial.Commits() != 1 || !partial.partial || p.Grown() {
		t.Fatalf("a walk that met a missing tree: state of %d commits, partial %v, grown %v", partial.Commits(), partial.partial, p.Grown())
	}
	if err := os.WriteFile(treeFile, saved, 0o444); err != nil {
		t.Fatal(err)
	}
	again, got, stats := planWith(t, r.Dir, partial)
	if stats.CommitsReused.Load() != 1 || again.Grown() || again.State().Commits() != 3 || again.State().partial {
		t.Errorf("after the tree came back: %d reused, grown %v, state of %d commits", stats.CommitsReused.Load(), again.Grown(), again.State().Commits())
	}
	if got != want {
		t.Errorf("plan from a partial state:\n%s\nfull walk:\n%s", got, want)
	}
}

// mustTree returns the tree id of commit c.
func mustTree(t *testing.T, r *gittest.Repo, c string) string {
	t.Helper()
	co, err := r.Repo.CommitObject(r.Resolve(c))
	if err != nil {
		t.Fatal(err)
	}
	return co.TreeHash.String()
}

// TestWalkStateDecodingNeverPanics decodes every truncation and many
// corruptions of a state: an error or a state, never a panic.
func TestWalkStateDecodingNeverPanics(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	for i := range 5 {
		r.Write(fmt.Sprintf("f%d", i), "x\n").Commit("c")
	}
	p, _, _ := planWith(t, r.Dir, nil)
	b, err := p.State().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(b) {
		if err := new(WalkState).UnmarshalBinary(b[:n]); err == nil {
			t.Errorf("a state cut at %d of %d bytes decoded", n, len(b))
		}
	}
	for i := range b {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			c := slices.Clone(b)
			c[i] ^= x
			new(WalkState).UnmarshalBinary(c)
		}
	}
}
