package gitwalk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
)

// scanned is what a full Plan+Scan saw.
type scanned struct {
	plan    *Plan
	content map[string]string        // blob id -> content
	calls   map[string]int           // blob id -> times passed to fn
	sources map[string][]leak.Source // blob id -> sources
	errs    []string
}

func scanRepo(t *testing.T, path string, opts Options) *scanned {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := &scanned{content: map[string]string{}, calls: map[string]int{}, sources: map[string][]leak.Source{}}
	var mu sync.Mutex
	onErr := func(item string, err error) error {
		mu.Lock()
		defer mu.Unlock()
		s.errs = append(s.errs, item+": "+err.Error())
		return nil
	}
	s.plan, err = r.Plan(context.Background(), opts, nil, onErr)
	if err != nil {
		t.Fatal(err)
	}
	err = r.Scan(context.Background(), s.plan, ScanOptions{Workers: 3, MaxFileSize: 1 << 20}, nil, func(f *leak.Fragment) error {
		mu.Lock()
		defer mu.Unlock()
		s.content[f.BlobID] = string(f.Content)
		s.calls[f.BlobID]++
		s.sources[f.BlobID] = f.Sources
		return nil
	}, onErr)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// introduced lists "path@commit" for every source of the blob holding
// content, sorted.
func (s *scanned) introduced(content string) []string {
	var out []string
	for id, c := range s.content {
		if c != content {
			continue
		}
		for _, src := range s.sources[id] {
			out = append(out, src.Path+"@"+src.Commit.Hash[:7])
		}
	}
	sort.Strings(out)
	return out
}

func short(ids ...string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, id[:7])
	}
	return out
}

func at(path, commit string) string { return path + "@" + commit[:7] }

func TestHistoryIntroductions(t *testing.T) {
	g := gittest.New(t)
	c1 := g.Write("settings.py", "A = 1\n").Write("README", "hello\n").Commit("root")
	c2 := g.Write("settings.py", "A = 1\nB = 2\n").Commit("edit")
	c3 := g.Move("settings.py", "conf/settings.py").Commit("move")
	c4 := g.Remove("README").Commit("delete")
	c5 := g.Write("copy.py", "A = 1\nB = 2\n").Commit("copy")
	s := scanRepo(t, g.Dir, Options{})

	if len(s.plan.Commits) != 5 {
		t.Fatalf("%d commits", len(s.plan.Commits))
	}
	for i, c := range s.plan.Commits {
		if want := []string{c1, c2, c3, c4, c5}[i]; c.Hash != want || c.Order != i {
			t.Errorf("commit %d = %s (order %d), want %s", i, c.Hash[:7], c.Order, want[:7])
		}
	}
	if got := s.introduced("A = 1\n"); !slices.Equal(got, []string{at("settings.py", c1)}) {
		t.Errorf("v1: %v", got)
	}
	// One blob, three introductions: the edit, the move and the copy.
	want := []string{at("conf/settings.py", c3), at("copy.py", c5), at("settings.py", c2)}
	if got := s.introduced("A = 1\nB = 2\n"); !slices.Equal(got, want) {
		t.Errorf("v2: %v, want %v", got, want)
	}
	for id, n := range s.calls {
		if n != 1 {
			t.Errorf("blob %s scanned %d times", id[:7], n)
		}
	}
	// The move's prior is the same blob (a rename), the edit's the old version.
	v2 := g.BlobID(c2, "settings.py")
	for _, src := range s.sources[v2] {
		switch src.Path {
		case "conf/settings.py":
			if !slices.Equal(src.Prior, []string{v2}) {
				t.Errorf("rename prior %v, want the blob itself", src.Prior)
			}
		case "settings.py":
			if !slices.Equal(src.Prior, []string{g.BlobID(c1, "settings.py")}) {
				t.Errorf("edit prior %v", src.Prior)
			}
		case "copy.py":
			if len(src.Prior) != 0 {
				t.Errorf("copy prior %v", src.Prior)
			}
		}
	}
	c := s.plan.Commits[0]
	if c.Author != "Dev Eloper" || c.Email != "dev@example.com" || c.Message != "root" || !c.Date.Equal(gittest.Epoch) {
		t.Errorf("commit metadata %+v", c)
	}
}

func TestMergesIntroduceOnlyWhatIsNew(t *testing.T) {
	g := gittest.New(t)
	g.Write("base.txt", "base\n").Commit("root")
	g.Branch("feature")
	g.Write("feature.txt", "feature work\n").Commit("feature")
	g.Checkout("main")
	g.Write("main.txt", "main work\n").Commit("main")
	// A clean merge brings feature.txt over; it introduces nothing.
	g.Write("feature.txt", "feature work\n")
	clean := g.Merge("clean merge", "feature")
	// An evil merge: content that is in neither parent.
	g.Branch("feature2")
	g.Write("f2.txt", "f2\n").Commit("f2")
	g.Checkout("main")
	g.Write("f2.txt", "f2\n").Write("base.txt", "base\nevil = 1\n").Write("new-in-merge.txt", "only here\n")
	evil := g.Merge("evil merge", "feature2")
	s := scanRepo(t, g.Dir, Options{})

	for _, src := range s.sources[g.BlobID(clean, "feature.txt")] {
		if src.Commit.Hash == clean {
			t.Errorf("clean merge introduced feature.txt")
		}
	}
	if got := s.introduced("base\nevil = 1\n"); !slices.Equal(got, []string{at("base.txt", evil)}) {
		t.Errorf("evil edit: %v", got)
	}
	if got := s.introduced("only here\n"); !slices.Equal(got, []string{at("new-in-merge.txt", evil)}) {
		t.Errorf("evil add: %v", got)
	}
	if got := s.introduced("f2\n"); len(got) != 1 || strings.Contains(got[0], evil[:7]) {
		t.Errorf("f2.txt should be introduced by its branch only: %v", got)
	}
}

func TestRangesBranchesTagsAndSince(t *testing.T) {
	g := gittest.New(t)
	c1 := g.Write("a", "one\n").Commit("one")
	c2 := g.Write("a", "two\n").Commit("two")
	g.Branch("side")
	c3 := g.Write("b", "side\n").Commit("side")
	g.Checkout("main")
	c4 := g.Write("a", "four\n").Commit("four")
	// A tag on a commit no branch reaches.
	g.Branch("gone")
	c5 := g.Write("c", "tagged only\n").Commit("five")
	g.Tag("v1", c5, true)
	g.Checkout("main")
	g.DeleteRef("refs/heads/gone")

	commits := func(opts Options) []string {
		t.Helper()
		s := scanRepo(t, g.Dir, opts)
		var out []string
		for _, c := range s.plan.Commits {
			out = append(out, c.Hash[:7])
		}
		return out
	}
	if got := commits(Options{}); len(got) != 5 {
		t.Errorf("all refs: %v", got)
	}
	if got, want := commits(Options{Include: []string{"main"}}), short(c1, c2, c4); !slices.Equal(got, want) {
		t.Errorf("main: %v, want %v", got, want)
	}
	if got, want := commits(Options{Include: []string{"side"}, Exclude: []string{"main"}}), short(c3); !slices.Equal(got, want) {
		t.Errorf("main..side: %v, want %v", got, want)
	}
	if got, want := commits(Options{Include: []string{c4}, Exclude: []string{c1}}), short(c2, c4); !slices.Equal(got, want) {
		t.Errorf("c1..c4: %v, want %v", got, want)
	}
	if got, want := commits(Options{Include: []string{"v1"}, Exclude: []string{"main"}}), short(c5); !slices.Equal(got, want) {
		t.Errorf("main..v1: %v, want %v", got, want)
	}
	since := gittest.Epoch.Add(150 * time.Minute) // after c2 and c3's hour marks
	if got := commits(Options{Since: since}); !slices.Equal(got, short(c4, c5)) && !slices.Equal(got, short(c3, c4, c5)) {
		t.Errorf("since: %v", got)
	}
	// A range scan of c2..c4 diffs c4 against c2: only "four" is new.
	s := scanRepo(t, g.Dir, Options{Include: []string{c4}, Exclude: []string{c2}})
	if len(s.content) != 1 || s.introduced("four\n") == nil {
		t.Errorf("c2..c4 blobs: %v", s.content)
	}
}

func TestSkipsAreCounted(t *testing.T) {
	g := gittest.New(t)
	g.WriteBytes("logo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	g.Write("big.txt", strings.Repeat("x", 2<<20))
	g.Write("model.bin", "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 12345\n")
	g.Symlink("link", "README")
	g.Write("README", "text\n")
	g.Commit("mixed")
	s := scanRepo(t, g.Dir, Options{})
	want := map[leak.SkipReason]int{leak.SkipBinary: 1, leak.SkipTooLarge: 1, leak.SkipLFSPointer: 1}
	for k, v := range want {
		if s.plan.Skipped[k] != v {
			t.Errorf("skipped %s = %d, want %d (all: %v)", k, s.plan.Skipped[k], v, s.plan.Skipped)
		}
	}
	// The text, and the link's target.
	if len(s.content) != 2 || s.introduced("text\n") == nil || s.introduced("README") == nil {
		t.Errorf("scanned %d blobs: %v", len(s.content), s.content)
	}
}

func TestSubmoduleEntriesAreCounted(t *testing.T) {
	// go-git cannot stage a submodule (gitlink) entry, so this feeds one to
	// the code that records a commit's changes.
	w := &walker{plan: &Plan{Skipped: map[leak.SkipReason]int{}, blobs: map[plumbing.Hash]*blobInfo{}}}
	w.record(&leak.Commit{}, change{path: "vendor/lib", mode: 0o160000, new: plumbing.NewHash("1111111111111111111111111111111111111111")}, nil)
	if w.plan.Skipped[leak.SkipSubmodule] != 1 || len(w.plan.blobs) != 0 {
		t.Fatalf("submodule: %v %v", w.plan.Skipped, w.plan.blobs)
	}
}

func TestPackedRepositoryReadsTheSameContent(t *testing.T) {
	for _, refDeltas := range []bool{false, true} {
		t.Run(fmt.Sprintf("refDeltas=%v", refDeltas), func(t *testing.T) {
			g := gittest.New(t)
			var want []string
			var b strings.Builder
			for i := 0; i < 40; i++ {
				fmt.Fprintf(&b, "line %d of a file that changes a little each time %s\n", i, strings.Repeat("pad ", i%5))
				g.Write("grow.txt", b.String())
				want = append(want, b.String())
				g.Commit(fmt.Sprintf("c%d", i))
			}
			g.Repack(refDeltas)
			m, _ := filepath.Glob(filepath.Join(g.Dir, ".git/objects/pack/*.pack"))
			if len(m) != 1 {
				t.Fatalf("packs: %v", m)
			}
			if n := countDeltas(t, m[0]); n < 10 {
				t.Fatalf("the pack holds %d deltas; the test needs delta chains", n)
			}
			s := scanRepo(t, g.Dir, Options{})
			if len(s.errs) > 0 {
				t.Fatal(s.errs)
			}
			if len(s.content) != len(want) {
				t.Fatalf("read %d blobs, want %d", len(s.content), len(want))
			}
			for _, w := range want {
				if s.introduced(w) == nil {
					t.Fatalf("content of %d bytes not read back", len(w))
				}
			}
		})
	}
}

func TestBareAndLinkedWorktree(t *testing.T) {
	g := gittest.New(t)
	g.Write("a", "x\n").Commit("one")
	// The .git directory itself is a bare-style git dir.
	if s := scanRepo(t, filepath.Join(g.Dir, ".git"), Options{}); len(s.plan.Commits) != 1 {
		t.Errorf("git dir: %d commits", len(s.plan.Commits))
	}
	// A subdirectory of the work tree finds its repository.
	os.MkdirAll(filepath.Join(g.Dir, "sub", "dir"), 0o755)
	if s := scanRepo(t, filepath.Join(g.Dir, "sub", "dir"), Options{}); len(s.plan.Commits) != 1 {
		t.Errorf("subdir: %d commits", len(s.plan.Commits))
	}
	// A linked worktree, as git worktree add lays it out.
	wtDir := filepath.Join(t.TempDir(), "linked")
	priv := filepath.Join(g.Dir, ".git", "worktrees", "linked")
	must(t, os.MkdirAll(priv, 0o755))
	must(t, os.MkdirAll(wtDir, 0o755))
	must(t, os.WriteFile(filepath.Join(priv, "HEAD"), []byte(g.Head()+"\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(priv, "commondir"), []byte("../..\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(priv, "gitdir"), []byte(filepath.Join(wtDir, ".git")+"\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(wtDir, ".git"), []byte("gitdir: "+priv+"\n"), 0o644))
	r, err := Open(wtDir)
	if err != nil {
		t.Fatal(err)
	}
	if r.WorkTree() != wtDir {
		t.Errorf("work tree %q", r.WorkTree())
	}
	r.Close()
	if s := scanRepo(t, wtDir, Options{}); len(s.plan.Commits) != 1 {
		t.Errorf("linked worktree: %d commits", len(s.plan.Commits))
	}
	if _, err := Open(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("plain directory: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestShallowClone(t *testing.T) {
	g := gittest.New(t)
	g.Write("a", "old\n").Commit("one")
	c2 := g.Write("a", "two\n").Write("b", "kept\n").Commit("two")
	c3 := g.Write("a", "three\n").Commit("three")
	g.MakeShallow(c2)
	s := scanRepo(t, g.Dir, Options{})
	if !s.plan.Shallow {
		t.Error("not reported shallow")
	}
	if len(s.errs) > 0 {
		t.Errorf("errors: %v", s.errs)
	}
	var got []string
	for _, c := range s.plan.Commits {
		got = append(got, c.Hash)
	}
	if !slices.Equal(got, []string{c2, c3}) {
		t.Errorf("commits %v", got)
	}
	// The boundary commit is treated as a root: all it has is introduced.
	if s.introduced("kept\n") == nil || s.introduced("two\n") == nil {
		t.Errorf("boundary content not scanned: %v", s.content)
	}
}

func TestMissingObjectsAreReportedAndSkipped(t *testing.T) {
	g := gittest.New(t)
	g.Write("a", "fine\n").Write("b", "lost\n").Commit("one")
	g.Write("c", "after\n").Commit("two")
	lost := g.BlobID("HEAD", "b")
	g.RemoveObject(lost)
	s := scanRepo(t, g.Dir, Options{})
	if len(s.errs) != 1 || !strings.Contains(s.errs[0], lost) {
		t.Fatalf("errors %v, want one naming %s", s.errs, lost)
	}
	if s.introduced("fine\n") == nil || s.introduced("after\n") == nil {
		t.Errorf("the rest was not scanned: %v", s.content)
	}
}

func TestFileAt(t *testing.T) {
	g := gittest.New(t)
	g.Write("dir/.secretsrules.toml", "x = 1\n").Write("top", "t\n").Commit("one")
	r, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := mustID(t, g.Head())
	if b, ok, err := r.FileAt(h, "dir/.secretsrules.toml", 0); err != nil || !ok || !bytes.Equal(b, []byte("x = 1\n")) {
		t.Errorf("FileAt: %q %v %v", b, ok, err)
	}
	if _, ok, err := r.FileAt(h, "nope", 0); err != nil || ok {
		t.Errorf("missing file: %v %v", ok, err)
	}
	if _, ok, _ := r.FileAt(h, "top/x", 0); ok {
		t.Error("file treated as directory")
	}
}

func TestPathBlobs(t *testing.T) {
	g := gittest.New(t)
	g.Write("a/b/c.txt", "c\n").Write("a/d.txt", "d\n").Write("top", "t\n").Symlink("link", "top").Commit("one")
	r, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := r.PathBlobs(mustID(t, g.Head()), []string{"a/b/c.txt", "a/d.txt", "a/d.txt", "a/b", "nope", "top/x", "link"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]ID{
		"a/b/c.txt": mustID(t, g.BlobID("HEAD", "a/b/c.txt")),
		"a/d.txt":   mustID(t, g.BlobID("HEAD", "a/d.txt")),
		"link":      mustID(t, g.BlobID("HEAD", "link")), // its target is scanned as content
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for p, h := range want {
		if got[p] != h {
			t.Errorf("%s: %s, want %s", p, got[p], h)
		}
	}
}

func TestDefaultBranch(t *testing.T) {
	open := func(dir string) *Repo {
		t.Helper()
		r, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return r
	}
	g := gittest.New(t)
	first := g.Write("a", "1\n").Commit("one")
	g.Branch("feature")
	feature := g.Write("a", "2\n").Commit("two")

	// HEAD names a branch: that branch, even when it is not main.
	if ref, err := open(g.Dir).DefaultBranch(); err != nil || ref.Name != "refs/heads/feature" || ref.ID.String() != feature {
		t.Errorf("symbolic HEAD: %+v %v", ref, err)
	}

	// A detached HEAD with origin/HEAD: the branch origin/HEAD names.
	g.SetRef("refs/remotes/origin/main", first)
	must(t, g.Repo.Storer.SetReference(plumbing.NewSymbolicReference("refs/remotes/origin/HEAD", "refs/remotes/origin/main")))
	must(t, os.WriteFile(filepath.Join(g.Dir, ".git", "HEAD"), []byte(feature+"\n"), 0o644))
	if ref, err := open(g.Dir).DefaultBranch(); err != nil || ref.Name != "refs/remotes/origin/main" || ref.ID.String() != first {
		t.Errorf("detached HEAD with origin/HEAD: %+v %v", ref, err)
	}

	// A detached HEAD alone (a CI checkout): HEAD's commit.
	g.DeleteRef("refs/remotes/origin/HEAD")
	if ref, err := open(g.Dir).DefaultBranch(); err != nil || ref.Name != "HEAD" || ref.ID.String() != feature {
		t.Errorf("detached HEAD: %+v %v", ref, err)
	}

	// An empty repository has none.
	empty := gittest.New(t)
	if _, err := open(empty.Dir).DefaultBranch(); err != ErrNoDefaultBranch {
		t.Errorf("empty repository: %v", err)
	}
}

func countDeltas(t *testing.T, pack string) int {
	t.Helper()
	f, err := os.Open(pack)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := packfile.NewScanner(f)
	_, n, err := sc.Header()
	if err != nil {
		t.Fatal(err)
	}
	deltas := 0
	for i := uint32(0); i < n; i++ {
		h, err := sc.NextObjectHeader()
		if err != nil {
			t.Fatal(err)
		}
		if h.Type == plumbing.OFSDeltaObject || h.Type == plumbing.REFDeltaObject {
			deltas++
		}
	}
	return deltas
}

func TestPlanStaged(t *testing.T) {
	g := gittest.New(t)
	g.Write("keep.txt", "same\n").Write("edit.txt", "v1\n").Write("old/name.txt", "moved content\n").Commit("one")
	g.Write("edit.txt", "v1\nstaged line\n")
	// Partially staged: the work tree changes again after git add.
	must(t, os.WriteFile(filepath.Join(g.Dir, "edit.txt"), []byte("v1\nstaged line\nunstaged line\n"), 0o644))
	g.Write("new.txt", "brand new\n")
	g.Move("old/name.txt", "new/name.txt")
	must(t, os.WriteFile(filepath.Join(g.Dir, "untracked.txt"), []byte("not staged\n"), 0o644))

	r, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p, err := r.PlanStaged(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	p.EachSource(func(_ ID, src leak.Source) {
		got[src.Path] = src.Prior
	})
	if len(got) != 3 {
		t.Fatalf("staged sources %v", got)
	}
	if prior, ok := got["edit.txt"]; !ok || len(prior) != 1 || prior[0] != g.BlobID("HEAD", "edit.txt") {
		t.Errorf("edit.txt prior %v", prior)
	}
	if prior := got["new.txt"]; len(prior) != 0 && !slices.Contains(prior, g.BlobID("HEAD", "old/name.txt")) {
		t.Errorf("new.txt prior %v", prior)
	}
	if prior := got["new/name.txt"]; !slices.Equal(prior, []string{g.BlobID("HEAD", "old/name.txt")}) {
		t.Errorf("rename prior %v", prior)
	}
	var (
		mu      sync.Mutex // Scan calls fn from its readers concurrently
		content []string
	)
	err = r.Scan(context.Background(), p, ScanOptions{}, nil, func(f *leak.Fragment) error {
		mu.Lock()
		defer mu.Unlock()
		content = append(content, string(f.Content))
		return nil
	}, func(string, error) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(content)
	want := []string{"brand new\n", "moved content\n", "v1\nstaged line\n"}
	if !slices.Equal(content, want) {
		t.Errorf("scanned %q, want %q (the staged content, not the work tree)", content, want)
	}
}

func TestPlanStagedWithoutCommits(t *testing.T) {
	g := gittest.New(t)
	g.Write("first.txt", "hello\n")
	r, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p, err := r.PlanStaged(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p.Blobs() != 1 || len(p.Commits) != 1 || p.Commits[0].Hash != "" {
		t.Errorf("blobs %d commits %v", p.Blobs(), p.Commits)
	}
}

func TestResolveCommit(t *testing.T) {
	g := gittest.New(t)
	c1 := g.Write("a", "1\n").Commit("one")
	c2 := g.Write("a", "2\n").Commit("two")
	g.Tag("v2", c2, true)
	blob := g.BlobID(c2, "a")
	g.MakeShallow(c2)
	r, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, rev := range []string{c2, "main", "v2", c2[:8]} {
		if h, err := r.ResolveCommit(rev); h.String() != c2 || err != nil {
			t.Errorf("%s: %v %v", rev, h, err)
		}
	}
	for _, rev := range []string{c1, strings.Repeat("ab", 20)} {
		if _, err := r.ResolveCommit(rev); !errors.Is(err, ErrObjectNotFound) {
			t.Errorf("%s, not in the clone: %v", rev, err)
		}
	}
	if _, err := r.ResolveCommit(blob); err == nil || errors.Is(err, ErrObjectNotFound) || !strings.Contains(err.Error(), "not a commit") {
		t.Errorf("a blob: %v", err)
	}
	if _, err := r.ResolveCommit("nope"); err == nil || errors.Is(err, ErrObjectNotFound) {
		t.Errorf("an unknown ref: %v", err)
	}
}

// TestPackIndexAgreesWithGoGit looks every object of a packed repository up
// in its index, read in place, and through go-git's decoder.
func TestPackIndexAgreesWithGoGit(t *testing.T) {
	g := gittest.New(t)
	for i := 0; i < 50; i++ {
		g.Write(fmt.Sprintf("d%d/f.txt", i%7), fmt.Sprintf("content %d\n", i)).Commit(fmt.Sprintf("c%d", i))
	}
	g.Repack(false)
	m, _ := filepath.Glob(filepath.Join(g.Dir, ".git/objects/pack/*.idx"))
	p, err := openPackIndex(m[0])
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	f, _ := os.Open(m[0])
	mem := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(mem); err != nil {
		t.Fatal(err)
	}
	f.Close()
	entries, _ := mem.Entries()
	n := 0
	for {
		e, err := entries.Next()
		if err != nil {
			break
		}
		n++
		off, ok := p.find(e.Hash)
		if !ok || off != int64(e.Offset) {
			t.Fatalf("%s: got %d %v, want %d", e.Hash, off, ok, e.Offset)
		}
	}
	if n < 150 {
		t.Fatalf("only %d objects", n)
	}
	if _, ok := p.find(plumbing.NewHash(strings.Repeat("ff", 20))); ok {
		t.Error("found an object that is not there")
	}
	// A truncated index is an error, not a crash.
	b, _ := os.ReadFile(m[0])
	short := filepath.Join(t.TempDir(), "short.idx")
	os.WriteFile(short, b[:len(b)/2], 0o644)
	if _, err := openPackIndex(short); err == nil {
		t.Error("truncated index accepted")
	}
}

func TestResolveRevisionSuffixes(t *testing.T) {
	g := gittest.New(t)
	c1 := g.Write("a", "1\n").Commit("one")
	c2 := g.Write("a", "2\n").Commit("two")
	g.Branch("side")
	c3 := g.Write("b", "3\n").Commit("three")
	g.Checkout("main")
	c4 := g.Write("a", "4\n").Commit("four")
	m := g.Merge("merge", "side")
	g.Tag("v1", m, true)
	r, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for rev, want := range map[string]string{
		"HEAD": m, "HEAD~": c4, "HEAD~1": c4, "HEAD~2": c2, "HEAD~3": c1, "HEAD^": c4, "HEAD^2": c3,
		"HEAD^2~1": c2, "HEAD^0": m, "v1~1": c4, "main~2^": c1, m[:8] + "~3": c1,
	} {
		h, err := r.ResolveRef(rev)
		if err != nil || h.String() != want {
			t.Errorf("%s: %v %v, want %.7s", rev, h, err, want)
		}
	}
	for _, bad := range []string{"HEAD~9", "HEAD^3", "HEAD~x", "nope~1"} {
		if _, err := r.ResolveRef(bad); err == nil {
			t.Errorf("%s resolved", bad)
		}
	}
}

func mustID(t *testing.T, s string) ID {
	t.Helper()
	id, err := ParseID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestID(t *testing.T) {
	t.Parallel()
	s := "3f2a9c1b7e5d4c3b2a1908f7e6d5c4b3a2918f7e"
	id, err := ParseID(s)
	if err != nil || id.String() != s || id.IsZero() || !IsID(strings.ToUpper(s)) {
		t.Errorf("%v %s", err, id)
	}
	if id.hash().String() != s || idOf(id.hash()) != id {
		t.Error("not the same bytes as go-git's hash")
	}
	for _, bad := range []string{"", s[:39], s + "0", "g" + s[1:]} {
		if _, err := ParseID(bad); err == nil || IsID(bad) {
			t.Errorf("accepted %q", bad)
		}
	}
	if !(ID{}).IsZero() {
		t.Error("zero id")
	}
}
