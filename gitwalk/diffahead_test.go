package gitwalk

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/gittest"
)

// describePlan writes out everything a Plan says, in its order: commits,
// every blob with its sources and links, skips, tags, and the walk state
// it recorded.
func describePlan(t *testing.T, p *Plan) string {
	t.Helper()
	var b strings.Builder
	for _, c := range p.Commits {
		fmt.Fprintf(&b, "commit %d %s\n", c.Order, c.Hash)
	}
	for _, h := range p.order {
		bi := p.blobs[h]
		fmt.Fprintf(&b, "blob %s\n", h)
		for _, s := range bi.sources {
			fmt.Fprintf(&b, "  file %s@%s prior %v\n", s.Path, s.Commit.Hash, s.Prior)
		}
		for _, s := range bi.links {
			fmt.Fprintf(&b, "  link %s@%s prior %v\n", s.Path, s.Commit.Hash, s.Prior)
		}
	}
	fmt.Fprintf(&b, "skipped %v shallow %v tags %d\n", p.Skipped, p.Shallow, len(p.Tags))
	if st := p.State(); st != nil {
		// Its encoding follows a map's order: the commits it holds, sorted.
		ids := slices.SortedFunc(maps.Keys(st.commits), func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
		fmt.Fprintf(&b, "state partial %v\n", st.partial)
		for _, h := range ids {
			c := st.commits[h]
			fmt.Fprintf(&b, "  %s tree %s parents %v at %d\n", h, c.tree, c.parents, c.when)
			for _, ch := range c.changes {
				fmt.Fprintf(&b, "    %s %v %s prior %v\n", ch.path, ch.mode, ch.blob, ch.prior)
			}
		}
	}
	return b.String()
}

// lineDiff lists the lines of got and want that the other lacks.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	for _, l := range g {
		if !slices.Contains(w, l) {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	for _, l := range w {
		if !slices.Contains(g, l) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	if b.Len() == 0 {
		return "(the same lines, in another order)"
	}
	return b.String()
}

// historyForHelpers builds a history long enough for diffAhead's helpers
// to start: edits, renames, deletions, directories, symbolic links, a
// branch merged back (cleanly and with changes of its own), and a file
// restored to an earlier version.
func historyForHelpers(t *testing.T) *gittest.Repo {
	t.Helper()
	g := gittest.New(t)
	g.Write("README", "hello\n").Write("src/app.py", "v = 0\n").Commit("root")
	for i := 1; i <= 90; i++ {
		g.Write("src/app.py", fmt.Sprintf("v = %d\n", i))
		switch i % 9 {
		case 1:
			g.Write(fmt.Sprintf("docs/part%d/notes.txt", i), fmt.Sprintf("notes %d\n", i))
		case 2:
			g.Symlink(fmt.Sprintf("links/l%d", i), "../src/app.py")
		case 3:
			g.Move(fmt.Sprintf("docs/part%d/notes.txt", i-2), fmt.Sprintf("docs/moved%d.txt", i))
		case 4:
			g.Remove(fmt.Sprintf("docs/moved%d.txt", i-1))
		case 5:
			g.Write("src/app.py", "v = 0\n") // back to the root's version
		case 6:
			g.Write("conf/settings.ini", fmt.Sprintf("[s]\nk = %d\n", i))
		}
		g.Commit(fmt.Sprintf("commit %d", i))
		if i == 40 {
			g.Branch("feature")
			for k := range 15 {
				g.Write("feature/f.txt", fmt.Sprintf("feature %d\n", k)).Commit(fmt.Sprintf("feature %d", k))
			}
			g.Checkout("main")
		}
		if i == 60 {
			g.Write("feature/f.txt", "feature 14\n").Write("merge-only.txt", "evil\n")
			g.Merge("merge feature", "feature")
		}
	}
	g.Tag("v1", "HEAD~30", true)
	return g
}

// The diffs helpers compute ahead of the walk leave the plan exactly as
// the walk's own diffs do: the same commits, blobs in the same order, the
// same sources, priors, skips and recorded state, whether helpers do every
// diff, share them with the walk, or there are none; for a walk of every
// ref, of a range, and since a date.
func TestDiffAheadPlansAsTheWalkAlone(t *testing.T) {
	g := historyForHelpers(t)
	r, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cases := []struct {
		name string
		opts Options
	}{
		{"every ref", Options{Record: true}},
		{"range", Options{Include: []string{"main"}, Exclude: []string{"v1"}}},
		{"since", Options{Since: gittest.Epoch.Add(50 * time.Hour)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan := func(workers int, tuning aheadTuning) string {
				t.Helper()
				o := c.opts
				o.Workers = workers
				var errs []string
				p, err := r.plan(context.Background(), o, nil, func(item string, err error) error {
					errs = append(errs, item+": "+err.Error())
					return nil
				}, tuning)
				if err != nil {
					t.Fatal(err)
				}
				if len(errs) > 0 {
					t.Fatalf("errors: %v", errs)
				}
				return describePlan(t, p)
			}
			alone := plan(1, defaultAheadTuning)
			if !strings.Contains(alone, "prior [") || strings.Count(alone, "commit ") < 20 {
				t.Fatalf("the history is not what the test needs:\n%s", alone)
			}
			for _, v := range []struct {
				name    string
				workers int
				tuning  aheadTuning
			}{
				{"helpers do every diff", 3, aheadTuning{minJobs: 1, all: true}},
				{"helpers and walk share", 2, aheadTuning{minJobs: 1}},
				{"default", 4, defaultAheadTuning},
			} {
				if got := plan(v.workers, v.tuning); got != alone {
					t.Errorf("%s: plan differs from the walk's alone:\n%s", v.name, lineDiff(got, alone))
				}
			}
		})
	}
}

// A helper's diff is used only if it was made against the parents the
// walk settles on; otherwise the walk diffs the commit itself.
func TestDiffAheadTakesOnlyMatchingParents(t *testing.T) {
	g := gittest.New(t)
	c1 := g.Write("a.txt", "1\n").Commit("one")
	c2 := g.Write("a.txt", "2\n").Commit("two")
	r, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	objs := r.newObjects(1<<20, false)
	defer objs.close()
	tree := func(rev string) plumbing.Hash {
		c, err := objs.readCommit(g.Resolve(rev))
		if err != nil {
			t.Fatal(err)
		}
		return c.tree
	}
	for _, tc := range []struct {
		name            string
		handed, settled []plumbing.Hash
		want            bool
	}{
		{"same parents", []plumbing.Hash{tree(c1)}, []plumbing.Hash{tree(c1)}, true},
		{"a parent the walk could not read", []plumbing.Hash{plumbing.ZeroHash}, []plumbing.Hash{tree(c1)}, false},
		{"a parent cut from a cycle", []plumbing.Hash{tree(c1), tree(c2)}, []plumbing.Hash{tree(c1)}, false},
	} {
		a := newDiffAhead(context.Background(), r, 1, aheadTuning{minJobs: 1, all: true})
		c := &commitInfo{tree: tree(c2)}
		a.add(c, tc.handed)
		a.walked()
		d := a.take(c, tc.settled)
		a.stop()
		if (d != nil) != tc.want {
			t.Errorf("%s: taken %v, want %v", tc.name, d != nil, tc.want)
		}
		if d != nil && (len(d.changes) != 1 || d.changes[0].path != "a.txt" || d.changes[0].old.IsZero()) {
			t.Errorf("%s: diff %+v", tc.name, d.changes)
		}
		if c.ahead != nil {
			t.Errorf("%s: the job is kept after it was taken", tc.name)
		}
	}
	if a := newDiffAhead(context.Background(), r, 0, defaultAheadTuning); a != nil {
		t.Error("a diffAhead without helpers")
	}
}
