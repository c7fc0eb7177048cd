package gitwalk

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
)

// TestQuarantineWalkMatchesFullWalk is the differential test of the walk
// for a push received into quarantine (OpenOptions.Quarantine with
// Options.ExcludeRefs), which stops at the refs the pushed commits build
// on: on the same repository and quarantine, it must find exactly the
// commits the full walk (every ref peeled and walked) finds, and it must
// be the one that answers where it can.
//
// The server's history: main A-B-C-D, branch old at A, an annotated tag
// v1 on B (in packed-refs, with its peeled line), an annotated tag v2 on a
// side commit S1 whose packed entry a loose ref overrides (v2 now names A,
// so S1 is reachable from no ref, and the stale peeled line must not count),
// and a dangling commit X on D that the repository has but no ref reaches.
// The push's commits are in the quarantine only.
func TestQuarantineWalkMatchesFullWalk(t *testing.T) {
	g := gittest.New(t)
	a := g.Write("f.txt", "a\n").Commit("A")
	b := g.Write("f.txt", "b\n").Commit("B")
	c := g.Write("f.txt", "c\n").Commit("C")
	d := g.Write("f.txt", "d\n").Commit("D")
	g.SetRef("refs/heads/old", a)
	g.Tag("v1", b, true)
	g.SetRef("refs/heads/tmp", a)
	g.Checkout("tmp")
	s1 := g.Write("side.txt", "s1\n").Commit("S1")
	g.Tag("v2", s1, true)
	g.Checkout("main")
	g.DeleteRef("refs/heads/tmp")
	v1, v2 := g.Resolve("refs/tags/v1^{tag}"), g.Resolve("refs/tags/v2^{tag}")
	g.Repack(false)

	gitDir := filepath.Join(g.Dir, ".git")
	objects := filepath.Join(gitDir, "objects")
	for _, tag := range []string{"v1", "v2"} {
		must(t, os.Remove(filepath.Join(gitDir, "refs", "tags", tag)))
	}
	packed := "# pack-refs with: peeled fully-peeled sorted \n" +
		v1.String() + " refs/tags/v1\n^" + b + "\n" +
		v2.String() + " refs/tags/v2\n^" + s1 + "\n"
	must(t, os.WriteFile(filepath.Join(gitDir, "packed-refs"), []byte(packed), 0o644))
	must(t, os.WriteFile(filepath.Join(gitDir, "refs", "tags", "v2"), []byte(a+"\n"), 0o644))

	onto := func(base, name string) string {
		g.SetRef("refs/heads/tmp", base)
		g.Checkout("tmp")
		id := g.Write(name+".txt", name+"\n").Commit(name)
		g.Checkout("main")
		g.DeleteRef("refs/heads/tmp")
		return id
	}
	x := onto(d, "X") // loose, in the repository's own store
	before := looseObjects(t, objects)

	// The push.
	n1 := onto(d, "N1")
	n2 := onto(b, "N2")
	n3 := onto(c, "N3")
	n4 := onto(s1, "N4")
	n5 := onto(x, "N5")
	g.SetRef("refs/heads/tmp", d)
	g.Checkout("tmp")
	m := g.Merge("M", "old")
	g.Checkout("main")
	g.DeleteRef("refs/heads/tmp")
	quarantine := filepath.Join(t.TempDir(), "incoming")
	must(t, os.MkdirAll(filepath.Join(quarantine, "pack"), 0o755))
	for _, o := range looseObjects(t, objects) {
		if slices.Contains(before, o) {
			continue
		}
		must(t, os.MkdirAll(filepath.Join(quarantine, o[:2]), 0o755))
		must(t, os.Rename(filepath.Join(objects, o[:2], o[2:]), filepath.Join(quarantine, o[:2], o[2:])))
	}

	type result struct {
		commits []string
		walked  int64
	}
	plan := func(quarantined bool, tips ...string) result {
		t.Helper()
		r, err := OpenWith(g.Dir, OpenOptions{ObjectDir: quarantine, AlternateObjectDirs: []string{objects}, Quarantine: quarantined})
		must(t, err)
		defer r.Close()
		var ids []ID
		for _, tip := range tips {
			ids = append(ids, mustID(t, tip))
		}
		var stats Stats
		p, err := r.Plan(context.Background(), Options{IncludeIDs: ids, ExcludeRefs: true}, &stats, func(item string, err error) error {
			t.Errorf("%s: %v", item, err)
			return nil
		})
		must(t, err)
		var out []string
		for _, c := range p.Commits {
			out = append(out, c.Hash)
		}
		slices.Sort(out)
		return result{out, stats.CommitsWalked.Load()}
	}
	check := func(t *testing.T, fast bool, tips []string, want ...string) {
		t.Helper()
		slices.Sort(want)
		quick, full := plan(true, tips...), plan(false, tips...)
		if !slices.Equal(full.commits, want) {
			t.Errorf("full walk: %v, want %v", full.commits, want)
		}
		if !slices.Equal(quick.commits, full.commits) {
			t.Errorf("quarantine walk: %v, full walk: %v", quick.commits, full.commits)
		}
		if fast && quick.walked >= full.walked {
			t.Errorf("quarantine walk read %d commits, the full walk %d: it did not stop at the refs", quick.walked, full.walked)
		}
		if !fast && quick.walked != full.walked {
			t.Errorf("quarantine walk read %d commits, the full walk %d: it should have left the answer to the full walk", quick.walked, full.walked)
		}
	}
	cases := []struct {
		name string
		fast bool
		tips []string
		want []string
	}{
		{"onto a branch's tip", true, []string{n1}, []string{n1}},
		{"onto a tag's commit, peeled in packed-refs", true, []string{n2}, []string{n2}},
		{"a merge of two tips", true, []string{m}, []string{m}},
		{"a ref's commit itself", true, []string{d}, nil},
		{"onto an older commit", false, []string{n3}, []string{n3}},
		{"onto a commit only a stale peeled line names", false, []string{n4}, []string{n4, s1}},
		{"onto a commit no ref reaches", false, []string{n5}, []string{n5, x}},
		{"several tips", false, []string{n1, n3, m}, []string{n1, n3, m}},
		{"a known commit no ref points at", false, []string{c}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { check(t, tc.fast, tc.tips, tc.want...) })
	}

	// A client may send objects the server has: with a copy of the whole
	// repository in the quarantine, the pushed commit is still found, and
	// the walk still stops at main.
	packs, err := filepath.Glob(filepath.Join(objects, "pack", "pack-*"))
	must(t, err)
	for _, p := range packs {
		data, err := os.ReadFile(p)
		must(t, err)
		must(t, os.WriteFile(filepath.Join(quarantine, "pack", filepath.Base(p)), data, 0o644))
	}
	t.Run("old objects sent again", func(t *testing.T) { check(t, true, []string{n1}, n1) })
	t.Run("a known commit sent again", func(t *testing.T) { check(t, false, []string{c}) })
	// A pushed commit the repository already had, though no ref reaches
	// it, is new to the refs: it is scanned.
	data, err := os.ReadFile(filepath.Join(quarantine, n1[:2], n1[2:]))
	must(t, err)
	must(t, os.MkdirAll(filepath.Join(objects, n1[:2]), 0o755))
	must(t, os.WriteFile(filepath.Join(objects, n1[:2], n1[2:]), data, 0o444))
	t.Run("an unreferenced commit sent again", func(t *testing.T) { check(t, false, []string{n1}, n1) })
}

// looseObjects lists the ids of the loose objects in an objects directory.
func looseObjects(t *testing.T, objects string) []string {
	t.Helper()
	var out []string
	dirs, err := os.ReadDir(objects)
	must(t, err)
	for _, d := range dirs {
		if len(d.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(objects, d.Name()))
		must(t, err)
		for _, f := range files {
			if !strings.HasPrefix(f.Name(), "tmp") {
				out = append(out, d.Name()+f.Name())
			}
		}
	}
	return out
}
