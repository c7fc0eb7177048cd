package gitwalk

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/gitcraft"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
)

// crafted is a bare repository written object by object.
type crafted struct {
	t   *testing.T
	dir string
}

func newCrafted(t *testing.T) *crafted {
	t.Helper()
	dir := t.TempDir()
	if err := gitcraft.Init(dir); err != nil {
		t.Fatal(err)
	}
	return &crafted{t: t, dir: dir}
}

func (c *crafted) objects() string { return filepath.Join(c.dir, "objects") }

// loose writes a well-formed loose object.
func (c *crafted) loose(typ string, content []byte) gitcraft.ID {
	c.t.Helper()
	id, err := gitcraft.WriteLoose(c.objects(), typ, content)
	if err != nil {
		c.t.Fatal(err)
	}
	return id
}

func (c *crafted) pack(objs ...gitcraft.PackObject) {
	c.t.Helper()
	if _, err := gitcraft.WritePack(filepath.Join(c.objects(), "pack"), objs); err != nil {
		c.t.Fatal(err)
	}
}

func (c *crafted) ref(name string, id gitcraft.ID) {
	c.t.Helper()
	if err := gitcraft.SetRef(c.dir, name, id); err != nil {
		c.t.Fatal(err)
	}
}

// commitFiles writes a commit (loose) of a flat tree of blobs already
// written, and points refs/heads/main at it.
func (c *crafted) commitFiles(files map[string]gitcraft.ID) gitcraft.ID {
	c.t.Helper()
	var es []gitcraft.Entry
	for _, name := range sortedKeys(files) {
		es = append(es, gitcraft.Entry{Mode: "100644", Name: name, ID: files[name]})
	}
	tree := c.loose("tree", gitcraft.Tree(es...))
	commit := c.loose("commit", gitcraft.Commit(tree, nil, 0, "crafted\n"))
	c.ref("refs/heads/main", commit)
	return commit
}

func sortedKeys(m map[string]gitcraft.ID) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

// TestDeltaCopiesOver64KiB is issue 13 item 24: a delta whose copy
// instructions each move more than 64 KiB is valid (git writes them for
// large files with small edits) and must be read, not rejected as corrupt.
func TestDeltaCopiesOver64KiB(t *testing.T) {
	c := newCrafted(t)
	base := bytes.Repeat([]byte("line of a large file that changes little\n"), 25000) // ~1 MiB
	// One copy of 900,000 bytes: four bytes of instructions.
	target := base[:900000]
	delta := gitcraft.Delta(len(base), len(target), gitcraft.Copy(0, len(target)))
	c.pack(
		gitcraft.PackObject{Type: gitcraft.BlobType, Data: base},
		gitcraft.PackObject{Type: gitcraft.OFSDeltaType, Base: 0, Data: delta, ID: gitcraft.Hash("blob", target)},
	)
	c.commitFiles(map[string]gitcraft.ID{"base.txt": gitcraft.Hash("blob", base), "edited.txt": gitcraft.Hash("blob", target)})
	s := scanRepo(t, c.dir, Options{})
	if len(s.errs) > 0 {
		t.Fatalf("errors: %v", s.errs)
	}
	if s.content[gitcraft.Hash("blob", target).String()] != string(target) {
		t.Fatalf("the delta's result was not read back (%d blobs read)", len(s.content))
	}
}

// looseRaw writes raw (header and content, as given) zlib-compressed as
// the loose object id.
func (c *crafted) looseRaw(id gitcraft.ID, raw io.Reader) {
	c.t.Helper()
	if err := gitcraft.WriteLooseRaw(c.objects(), id, raw); err != nil {
		c.t.Fatal(err)
	}
}

// TestLooseObjectsThatLie is issue 13 items 2 and 23: a loose object whose
// header under-declares its size (and would inflate without limit), over-
// declares it, declares a negative size or an unknown type, or whose
// content does not hash to its id, is a corrupt object, reported by id;
// the walk reads no more of it than its declared size, and the rest of the
// history is scanned.
func TestLooseObjectsThatLie(t *testing.T) {
	good := []byte("fine = 1\n")
	zeros := io.LimitReader(zeroReader{}, 64<<20)
	for _, tc := range []struct {
		name string
		raw  io.Reader
		want string
	}{
		{"under-declared", io.MultiReader(strings.NewReader("blob 100\x00"), zeros), "more than the 100 bytes"},
		{"over-declared", strings.NewReader("blob 1000\x00short"), "inflates to 5 bytes, its header declares 1000"},
		{"negative size", strings.NewReader("blob -5\x00abc"), "bad object size"},
		{"unknown type", strings.NewReader("blub 5\x00hello"), "unknown object type"},
		{"no header end", strings.NewReader(strings.Repeat("blob 5", 100)), "not terminated"},
		{"wrong id", strings.NewReader("blob 5\x00hello"), "hashes to " + gitcraft.Hash("blob", []byte("hello")).String()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCrafted(t)
			bad := gitcraft.MustID("badbadbadbadbadbadbadbadbadbadbadbadbad0")
			c.looseRaw(bad, tc.raw)
			c.commitFiles(map[string]gitcraft.ID{"bad.txt": bad, "good.txt": c.loose("blob", good)})
			s := scanRepo(t, c.dir, Options{})
			if len(s.errs) != 1 || !strings.Contains(s.errs[0], bad.String()) || !strings.Contains(s.errs[0], "corrupt object") || !strings.Contains(s.errs[0], tc.want) {
				t.Fatalf("errors %q, want one naming %s as a corrupt object: %s", s.errs, bad, tc.want)
			}
			if len(s.content) != 1 || s.content[gitcraft.Hash("blob", good).String()] != string(good) {
				t.Errorf("the good blob was not scanned: %v", s.content)
			}
		})
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestPackIndexMustMatchItsPack is issue 13 item 23 for packs: an index
// that belongs to another pack, whose fanout table decreases, or that lists
// an offset outside its pack, is reported (naming the pack or the object),
// never read as if it were right.
func TestPackIndexMustMatchItsPack(t *testing.T) {
	blob := []byte("packed = 1\n")
	id := gitcraft.Hash("blob", blob)
	for _, tc := range []struct {
		name   string
		damage func(idx []byte) []byte
		want   string
	}{
		{"other pack", func(idx []byte) []byte { idx[len(idx)-40] ^= 1; return idx }, "belongs to another pack"},
		{"fanout", func(idx []byte) []byte { idx[8+100*4+3] = 0xff; return idx }, "corrupt fanout"},
		{"offset", func(idx []byte) []byte {
			// One object: its 32-bit offset follows the name and the CRC.
			at := 8 + 256*4 + 20 + 4
			idx[at], idx[at+1] = 0x7f, 0xff
			return idx
		}, "outside the pack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCrafted(t)
			pack, err := gitcraft.WritePack(filepath.Join(c.objects(), "pack"), []gitcraft.PackObject{{Type: gitcraft.BlobType, Data: blob}})
			must(t, err)
			idxPath := strings.TrimSuffix(pack, ".pack") + ".idx"
			idx, err := os.ReadFile(idxPath)
			must(t, err)
			must(t, os.WriteFile(idxPath, tc.damage(idx), 0o644))
			c.commitFiles(map[string]gitcraft.ID{"p.txt": id})
			s := scanRepo(t, c.dir, Options{})
			if !strings.Contains(strings.Join(s.errs, "\n"), tc.want) || len(s.content) != 0 {
				t.Errorf("errors %q, want %q; read %v", s.errs, tc.want, s.content)
			}
		})
	}
}

// TestParseTreeReservesNothingAhead is issue 13 item 4: a tree of NUL
// bytes (a megabyte of pack for a gigabyte of tree) used to reserve an
// entry per NUL before parsing one. Parsing it must fail at once, having
// allocated next to nothing.
func TestParseTreeReservesNothingAhead(t *testing.T) {
	raw := make([]byte, 8<<20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := parseTree(raw)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("a tree of NULs parsed")
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("parsing 8 MiB of NULs allocated %d bytes", n)
	}
}

// TestTreesOverTheLimitAreSkipped is issue 13 item 4: a valid tree larger
// than maxTreeSize (here half a million submodule entries, 18 MB, which
// git clone accepts) is skipped and counted, not parsed; the rest of the
// commit is scanned.
func TestTreesOverTheLimitAreSkipped(t *testing.T) {
	c := newCrafted(t)
	var big bytes.Buffer
	var sub gitcraft.ID
	for i := 0; big.Len() <= maxTreeSize; i++ {
		binary.BigEndian.PutUint32(sub[:], uint32(i))
		big.Write(gitcraft.Tree(gitcraft.Entry{Mode: "160000", Name: fmt.Sprintf("m%07d", i), ID: sub}))
	}
	c.pack(gitcraft.PackObject{Type: gitcraft.TreeType, Data: big.Bytes()})
	good := c.loose("blob", []byte("kept\n"))
	root := c.loose("tree", gitcraft.Tree(
		gitcraft.Entry{Mode: "40000", Name: "huge", ID: gitcraft.Hash("tree", big.Bytes())},
		gitcraft.Entry{Mode: "100644", Name: "z.txt", ID: good}))
	c.ref("refs/heads/main", c.loose("commit", gitcraft.Commit(root, nil, 0, "big tree\n")))
	s := scanRepo(t, c.dir, Options{})
	if len(s.errs) > 0 || s.plan.Skipped[leak.SkipTreeTooLarge] != 1 || s.content[good.String()] != "kept\n" {
		t.Errorf("errors %v, skipped %v, content %v", s.errs, s.plan.Skipped, s.content)
	}
}

// packedTrees writes trees into one pack, each under the id given (a packed
// object's id is not checked against its content, so a tree may name
// itself), and returns nothing: ids are the caller's.
func (c *crafted) packedTrees(trees map[gitcraft.ID][]byte) {
	c.t.Helper()
	var objs []gitcraft.PackObject
	for id, raw := range trees {
		objs = append(objs, gitcraft.PackObject{Type: gitcraft.TreeType, Data: raw, ID: id})
	}
	c.pack(objs...)
}

// TestTreeThatContainsItself is issue 13 item 3: a tree that lists itself
// as a subdirectory (possible only under an id that does not match its
// content, in a pack) used to make the walk recurse until memory ran out.
// It is an error naming the commit; what the commit holds besides is
// scanned, and a later commit is walked normally.
func TestTreeThatContainsItself(t *testing.T) {
	c := newCrafted(t)
	secret := c.loose("blob", []byte("token = 'found before the loop'\n"))
	other := c.loose("blob", []byte("later\n"))
	loop1 := gitcraft.MustID("1111111111111111111111111111111111111111")
	loop2 := gitcraft.MustID("2222222222222222222222222222222222222222")
	c.packedTrees(map[gitcraft.ID][]byte{
		loop1: gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "a.txt", ID: secret}, gitcraft.Entry{Mode: "40000", Name: "loop", ID: loop1}),
		loop2: gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "b.txt", ID: other}, gitcraft.Entry{Mode: "40000", Name: "loop", ID: loop2}),
	})
	first := c.loose("commit", gitcraft.Commit(loop1, nil, 0, "a loop\n"))
	// Both sides of this diff contain themselves at "loop".
	second := c.loose("commit", gitcraft.Commit(loop2, []gitcraft.ID{first}, 60, "another loop\n"))
	c.ref("refs/heads/main", second)
	s := scanRepo(t, c.dir, Options{})
	errs := strings.Join(s.errs, "\n")
	for _, want := range []string{"commit " + first.String() + ": corrupt object: tree " + loop1.String() + " contains itself, at \"loop\"",
		"commit " + second.String() + ": corrupt object: tree "} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors %q, want %q", s.errs, want)
		}
	}
	if s.content[secret.String()] == "" || s.content[other.String()] == "" {
		t.Errorf("the files beside the loops were not scanned: %v", s.content)
	}
}

// chain writes depth trees nested one in the next under name, the deepest
// holding file, in one pack, and returns the top one.
func (c *crafted) chain(depth int, name string, file gitcraft.ID) gitcraft.ID {
	c.t.Helper()
	raw := gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "f.txt", ID: file})
	id := gitcraft.Hash("tree", raw)
	objs := []gitcraft.PackObject{{Type: gitcraft.TreeType, Data: raw}}
	for range depth - 1 {
		raw = gitcraft.Tree(gitcraft.Entry{Mode: "40000", Name: name, ID: id})
		id = gitcraft.Hash("tree", raw)
		objs = append(objs, gitcraft.PackObject{Type: gitcraft.TreeType, Data: raw})
	}
	c.pack(objs...)
	return id
}

// planAllocs plans a scan of the repository at dir and returns the plan,
// the errors reported and the bytes allocated. limit, if given, replaces
// the default tree walk limits.
func planAllocs(t *testing.T, dir string, limit ...walkLimits) (*Plan, []string, uint64) {
	t.Helper()
	r, err := Open(dir)
	must(t, err)
	defer r.Close()
	if len(limit) > 0 {
		r.limits = limit[0]
	}
	var errs []string
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	p, err := r.Plan(context.Background(), Options{}, nil, func(item string, err error) error {
		errs = append(errs, item+": "+err.Error())
		return nil
	})
	runtime.ReadMemStats(&after)
	must(t, err)
	return p, errs, after.TotalAlloc - before.TotalAlloc
}

// TestDeeplyNestedTrees is issue 13 item 13: 40,000 nested trees cost
// quadratic memory (a path string per level, each longer than the last).
// The walk now stops at git's depth limit of 4,096 with an error naming the
// commit, and its cost is linear in the depth; a path longer than 16 KiB
// stops it too.
func TestDeeplyNestedTrees(t *testing.T) {
	c := newCrafted(t)
	file := c.loose("blob", []byte("deep\n"))
	top := c.chain(40000, "d", file)
	c.ref("refs/heads/main", c.loose("commit", gitcraft.Commit(top, nil, 0, "deep\n")))
	_, errs, alloc := planAllocs(t, c.dir)
	if len(errs) != 1 || !strings.Contains(errs[0], "nested deeper than 4096 levels") {
		t.Errorf("errors %q", errs)
	}
	if alloc > 32<<20 && !raceEnabled {
		t.Errorf("walking 4,096 levels allocated %d MB", alloc>>20)
	}

	// Within the depth limit, all is read.
	c = newCrafted(t)
	top = c.chain(4000, "d", file)
	c.ref("refs/heads/main", c.loose("commit", gitcraft.Commit(top, nil, 0, "deep\n")))
	p, errs, _ := planAllocs(t, c.dir)
	if len(errs) != 0 || p.Blobs() != 1 || len(p.Sources(file.String())[0].Path) != 2*3999+len("f.txt") {
		t.Errorf("4,000 levels: errors %q, blobs %d", errs, p.Blobs())
	}

	// Long names reach the path limit first.
	c = newCrafted(t)
	top = c.chain(1000, strings.Repeat("n", 200), file)
	c.ref("refs/heads/main", c.loose("commit", gitcraft.Commit(top, nil, 0, "long\n")))
	if _, errs, _ := planAllocs(t, c.dir); len(errs) != 1 || !strings.Contains(errs[0], "a path longer than 16384 bytes") {
		t.Errorf("long path: errors %q", errs)
	}
}

// TestTreeBomb: a handful of small trees, each listing the next one
// twice, name 2^26 files. The walk of one commit stops at its budgets of
// entries compared and of files recorded (here a sixty-fourth of the
// defaults), with an error naming the commit.
func TestTreeBomb(t *testing.T) {
	c := newCrafted(t)
	file := c.loose("blob", []byte("bomb\n"))
	raw := gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "f", ID: file})
	id := gitcraft.Hash("tree", raw)
	objs := []gitcraft.PackObject{{Type: gitcraft.TreeType, Data: raw}}
	for range 26 {
		raw = gitcraft.Tree(gitcraft.Entry{Mode: "40000", Name: "a", ID: id}, gitcraft.Entry{Mode: "40000", Name: "b", ID: id})
		id = gitcraft.Hash("tree", raw)
		objs = append(objs, gitcraft.PackObject{Type: gitcraft.TreeType, Data: raw})
	}
	c.pack(objs...)
	c.ref("refs/heads/main", c.loose("commit", gitcraft.Commit(id, nil, 0, "bomb\n")))
	small := defaultWalkLimits
	small.entries, small.bytes = defaultWalkLimits.entries/64, defaultWalkLimits.bytes/64
	_, errs, alloc := planAllocs(t, c.dir, small)
	if len(errs) != 1 || !strings.Contains(errs[0], "more files than a walk may record") {
		t.Errorf("errors %q", errs)
	}
	if alloc > uint64(4*small.bytes) {
		t.Errorf("the bomb allocated %d MB", alloc>>20)
	}
	// With fewer entries to compare allowed, that budget ends it.
	small.entries = 1000
	if _, errs, _ := planAllocs(t, c.dir, small); len(errs) != 1 || !strings.Contains(errs[0], "more than 1000 entries to compare") {
		t.Errorf("errors %q", errs)
	}
}

// cancelAfter is a context whose Err reports cancellation after n calls:
// a deterministic cancellation in the middle of a walk.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// TestTreeWalkIsCancellable is issue 13 item 3's other half: the walk of a
// single commit's trees looks at its context, so that SIGINT ends it.
func TestTreeWalkIsCancellable(t *testing.T) {
	c := newCrafted(t)
	file := c.loose("blob", []byte("x\n"))
	raw := gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "f", ID: file})
	id := gitcraft.Hash("tree", raw)
	objs := []gitcraft.PackObject{{Type: gitcraft.TreeType, Data: raw}}
	for range 20 {
		raw = gitcraft.Tree(gitcraft.Entry{Mode: "40000", Name: "a", ID: id}, gitcraft.Entry{Mode: "40000", Name: "b", ID: id})
		id = gitcraft.Hash("tree", raw)
		objs = append(objs, gitcraft.PackObject{Type: gitcraft.TreeType, Data: raw})
	}
	c.pack(objs...)
	c.ref("refs/heads/main", c.loose("commit", gitcraft.Commit(id, nil, 0, "wide\n")))
	r, err := Open(c.dir)
	must(t, err)
	defer r.Close()
	ctx := &cancelAfter{Context: context.Background(), n: 3}
	if _, err := r.Plan(ctx, Options{}, nil, func(string, error) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Plan: %v, want cancelled", err)
	}
	if ctx.n > -1 {
		t.Errorf("the context was looked at %d times", 3-ctx.n)
	}
}

// TestCommitsThatAreEachOthersParent is issue 13 item 6: two commits that
// name each other as parent (crafted ids, in a pack) were silently left out
// of the scan. They are scanned, and reported as corrupt; the cycle is cut
// at the oldest, which introduces all it holds.
func TestCommitsThatAreEachOthersParent(t *testing.T) {
	c := newCrafted(t)
	one := c.loose("blob", []byte("in the first\n"))
	two := c.loose("blob", []byte("in the second\n"))
	treeA := c.loose("tree", gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "a.txt", ID: one}))
	treeB := c.loose("tree", gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "a.txt", ID: one}, gitcraft.Entry{Mode: "100644", Name: "b.txt", ID: two}))
	a := gitcraft.MustID("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	b := gitcraft.MustID("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
	c.pack(
		gitcraft.PackObject{Type: gitcraft.CommitType, ID: a, Data: gitcraft.Commit(treeA, []gitcraft.ID{b}, 0, "a\n")},
		gitcraft.PackObject{Type: gitcraft.CommitType, ID: b, Data: gitcraft.Commit(treeB, []gitcraft.ID{a}, 60, "b\n")},
	)
	c.ref("refs/heads/main", b)
	s := scanRepo(t, c.dir, Options{})
	if len(s.plan.Commits) != 2 || s.plan.Commits[0].Hash != a.String() || s.plan.Commits[1].Order != 1 {
		t.Errorf("commits %v", s.plan.Commits)
	}
	if len(s.errs) != 1 || !strings.Contains(s.errs[0], "commit "+a.String()) || !strings.Contains(s.errs[0], "its own ancestor") {
		t.Errorf("errors %q", s.errs)
	}
	if s.content[two.String()] == "" || s.content[one.String()] == "" {
		t.Errorf("content %v", s.content)
	}
}

// TestHugeCommitMessages is issue 13 item 11: commits were read whole and
// every message kept whole (three 256 MiB messages: 2.2 GB). A commit is
// read by its head, and its message cut to MaxMessage bytes.
func TestHugeCommitMessages(t *testing.T) {
	c := newCrafted(t)
	file := c.loose("blob", []byte("x\n"))
	tree := c.loose("tree", gitcraft.Tree(gitcraft.Entry{Mode: "100644", Name: "f", ID: file}))
	var objs []gitcraft.PackObject
	var parents []gitcraft.ID
	for i := range 3 {
		msg := "subject " + strings.Repeat("é", 10) + "\n\n" + strings.Repeat("body line\n", 1<<20) // 10 MiB
		raw := gitcraft.Commit(tree, parents, 60*i, msg)
		parents = []gitcraft.ID{gitcraft.Hash("commit", raw)}
		objs = append(objs, gitcraft.PackObject{Type: gitcraft.CommitType, Data: raw})
	}
	c.pack(objs...)
	// A loose one too, over the head's size: read by its head, unverified.
	raw := gitcraft.Commit(tree, parents, 300, strings.Repeat("loose line\n", 1<<18))
	c.ref("refs/heads/main", c.loose("commit", raw))
	p, errs, alloc := planAllocs(t, c.dir)
	if len(errs) != 0 || len(p.Commits) != 4 {
		t.Fatalf("errors %q, %d commits", errs, len(p.Commits))
	}
	for _, cm := range p.Commits {
		if len(cm.Message) > MaxMessage || !strings.HasSuffix(cm.Message, "…") || !utf8.ValidString(cm.Message) {
			t.Errorf("message of %d bytes: %.40q…", len(cm.Message), cm.Message)
		}
	}
	if alloc > 16<<20 {
		t.Errorf("planning four commits of 10 MiB allocated %d MB", alloc>>20)
	}
}

func TestTruncateMessage(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"short\n\n", "short"},
		{strings.Repeat("a", MaxMessage) + "\n", strings.Repeat("a", MaxMessage)},
		{strings.Repeat("a", MaxMessage+1), strings.Repeat("a", MaxMessage-3) + "…"},
		// A three-byte character is not split.
		{"x" + strings.Repeat("€", MaxMessage), "x" + strings.Repeat("€", (MaxMessage-4)/3) + "…"},
	} {
		if got := truncateMessage([]byte(tc.in)); got != tc.want {
			t.Errorf("truncateMessage(%.20q…) = %.20q… (%d bytes), want %d bytes", tc.in, got, len(got), len(tc.want))
		}
	}
}

// TestCommitHeaders: a commit whose header does not end within the head
// read, or does not start with its tree, is corrupt, named.
func TestCommitHeaders(t *testing.T) {
	c := newCrafted(t)
	tree := c.loose("tree", gitcraft.Tree())
	var b strings.Builder
	b.WriteString("tree " + tree.String() + "\n")
	for b.Len() <= commitHead {
		b.WriteString("parent " + tree.String() + "\n")
	}
	long := c.loose("commit", []byte(b.String()+"\nmsg\n"))
	c.ref("refs/heads/long", long)
	noTree := c.loose("commit", []byte("author a <a@b> 0 +0000\n\nno tree\n"))
	c.ref("refs/heads/notree", noTree)
	_, errs, _ := planAllocs(t, c.dir)
	all := strings.Join(errs, "\n")
	if !strings.Contains(all, "commit "+long.String()+": header longer than") || !strings.Contains(all, "commit "+noTree.String()+": does not start with a tree") {
		t.Errorf("errors %q", errs)
	}
}

// TestSingleBlobReadsHaveALimit is issue 13 item 10: the single-blob
// Reader (the in-HEAD check, attribution) and FileAt read blobs whole
// whatever their size (2.35 GB for a 900 MiB file). Both take a limit and
// refuse a larger blob before reading it, loose, packed whole or packed as
// a delta.
func TestSingleBlobReadsHaveALimit(t *testing.T) {
	c := newCrafted(t)
	big := bytes.Repeat([]byte("0123456789abcdef"), 3<<16) // 3 MiB
	bigger := append(bytes.Clone(big), "and more\n"...)
	loose := c.loose("blob", append(bytes.Clone(big), '\n'))
	c.pack(gitcraft.PackObject{Type: gitcraft.BlobType, Data: big},
		gitcraft.PackObject{Type: gitcraft.OFSDeltaType, Base: 0, ID: gitcraft.Hash("blob", bigger),
			Data: gitcraft.Delta(len(big), len(bigger), gitcraft.Copy(0, len(big)), gitcraft.Insert([]byte("and more\n")))})
	ids := map[string]gitcraft.ID{"loose": loose, "packed": gitcraft.Hash("blob", big), "delta": gitcraft.Hash("blob", bigger)}
	head := c.commitFiles(ids)
	r, err := Open(c.dir)
	must(t, err)
	defer r.Close()
	rd := r.NewReader()
	defer rd.Close()
	for name, id := range ids {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := rd.Blob(ID(id), 1<<20)
		_, _, ferr := r.FileAt(ID(head), name, 1<<20)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooLarge) || !errors.Is(ferr, ErrTooLarge) {
			t.Errorf("%s: Blob %v, FileAt %v", name, err, ferr)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("%s: refusing a 3 MiB blob allocated %d bytes", name, n)
		}
		if b, err := rd.Blob(ID(id), 0); err != nil || len(b) < len(big) {
			t.Errorf("%s within the default limit: %d bytes, %v", name, len(b), err)
		}
	}
}

// chains writes n blobs of size bytes in one pack, in k chains of deltas
// interleaved (blob i is a delta of blob i-k), and returns their ids in
// pack order.
func (c *crafted) chains(n, size, k int) []gitcraft.ID {
	c.t.Helper()
	prev := make([][]byte, k)
	var objs []gitcraft.PackObject
	var ids []gitcraft.ID
	for i := range n {
		j := i % k
		if prev[j] == nil {
			prev[j] = bytes.Repeat([]byte(fmt.Sprintf("chain %04d\n", j)), size/11)
			objs = append(objs, gitcraft.PackObject{Type: gitcraft.BlobType, Data: prev[j]})
			ids = append(ids, gitcraft.Hash("blob", prev[j]))
			continue
		}
		next := bytes.Clone(prev[j])
		copy(next[len(next)/2:], fmt.Sprintf("v%06d", i))
		mid := len(next) / 2
		d := gitcraft.Delta(len(prev[j]), len(next), gitcraft.Copy(0, mid), gitcraft.Insert(next[mid:mid+7]), gitcraft.Copy(mid+7, len(next)-mid-7))
		id := gitcraft.Hash("blob", next)
		objs = append(objs, gitcraft.PackObject{Type: gitcraft.OFSDeltaType, Base: i - k, Data: d, ID: id})
		ids = append(ids, id)
		prev[j] = next
	}
	c.pack(objs...)
	return ids
}

// TestDeltaChainsCostLinearWork is issue 13 item 12: a chain of deltas of
// a large file (here 60 versions of 3 MiB, each a delta of the one
// before) was rebuilt from its base for every version read, since no
// version fit the cache: quadratic time (depth 800: 25 s). Read in pack
// order, each version now costs one delta, by one reader or by two sharing
// their large objects.
func TestDeltaChainsCostLinearWork(t *testing.T) {
	c := newCrafted(t)
	ids := c.chains(60, 3<<20, 1)
	r, err := Open(c.dir)
	must(t, err)
	defer r.Close()
	large := newLargeCache(4 * DefaultCacheBytes * 2)
	readers := []*objects{r.newObjects(DefaultCacheBytes, true, large), r.newObjects(DefaultCacheBytes, true, large)}
	for i, id := range ids {
		// Batches of 10 alternate between the readers, as Scan's workers
		// take them.
		o := readers[i/10%2]
		if _, data, err := o.byID(plumbing.Hash(id), 4<<20); err != nil || len(data) < 3<<20-11 {
			t.Fatalf("version %d: %v", i, err)
		}
	}
	var work, delivered int64
	for _, o := range readers {
		work += o.or.total
		delivered += o.or.delivered
		o.close()
	}
	if work > 2*delivered {
		t.Errorf("reading %d MiB cost %d MiB of inflating and rebuilding", delivered>>20, work>>20)
	}
}

// TestDeltaChainBudget: many chains of a large file, interleaved in the
// pack so that no cache holds their last versions, cost every reader a
// rebuild from the base per version. Each object's work is bounded, and so
// is the reader's in all (here with a floor and slack of 2 MiB, not the
// default GiB): past them objects are skipped as too costly, their deltas
// at once, and the rest is read.
func TestDeltaChainBudget(t *testing.T) {
	c := newCrafted(t)
	ids := c.chains(300, 128<<10, 10)
	r, err := Open(c.dir)
	must(t, err)
	defer r.Close()
	o := r.newObjects(32<<10, true) // its own large cache: 128 KiB, one version
	defer o.close()
	o.or.floor, o.or.slack = 2<<20, 2<<20
	read, costly := 0, 0
	for _, id := range ids {
		_, _, err := o.byID(plumbing.Hash(id), 4<<20)
		switch {
		case err == nil:
			read++
		case errors.Is(err, ErrDeltaChain):
			costly++
		default:
			t.Fatal(err)
		}
	}
	if costly == 0 || read < 10 {
		t.Errorf("read %d, too costly %d", read, costly)
	}
	if limit := o.or.slack + deltaRatio*o.or.delivered + 20<<20; o.or.total > limit {
		t.Errorf("work %d MiB, over the bound %d MiB", o.or.total>>20, limit>>20)
	}
}

// TestSymlinkTargetsAreScanned is issue 13 item 26: a secret stored as the
// target of a symbolic link was skipped. Link targets are scanned as
// content, found at the link's path; rules on paths alone do not see links.
func TestSymlinkTargetsAreScanned(t *testing.T) {
	g := gittest.New(t)
	target := "ghp_" + "R8x2mQ7vLp4kT9wZ3nJ6yB1cF5hD0sGaE2uV" // assembled: no token in the source
	g.Symlink("config/token", target)
	g.Write("same.txt", "README").Symlink("link", "README") // a blob that is a file and a link
	c := g.Commit("links")
	s := scanRepo(t, g.Dir, Options{})
	if got := s.introduced(target); !slices.Equal(got, []string{at("config/token", c)}) {
		t.Errorf("the link's target was not scanned at the link: %v (content %v)", got, s.content)
	}
	if got := s.introduced("README"); !slices.Equal(got, []string{at("same.txt", c), at("link", c)}) && !slices.Equal(got, []string{at("link", c), at("same.txt", c)}) {
		t.Errorf("file and link: %v", got)
	}
	var paths []string
	s.plan.EachSource(func(_ ID, src leak.Source) { paths = append(paths, src.Path) })
	if !slices.Equal(paths, []string{"same.txt"}) {
		t.Errorf("EachSource gave %v, want the file only", paths)
	}
}

// TestTaggedBlobsAndTrees is issue 13 item 14: blobs and trees that a tag
// points at directly (git tag name <blob>, annotated or not) were neither
// scanned nor counted. They are scanned, each at the tag: a Source whose
// Path is the ref's name (and the path in a tree after a colon), of a
// pseudo-commit in Plan.Tags.
func TestTaggedBlobsAndTrees(t *testing.T) {
	g := gittest.New(t)
	c1 := g.Write("a.txt", "committed\n").Commit("one")
	hash := func(content string) string {
		t.Helper()
		p := filepath.Join(t.TempDir(), "f")
		must(t, os.WriteFile(p, []byte(content), 0o644))
		return runGit(t, g.Dir, nil, "hash-object", "-w", p)
	}
	lw := hash("lightweight key\n")
	ann := hash("annotated key\n")
	inTree := hash("key in a tree\n")
	treeIn := "100644 blob " + inTree + "\tdeploy.pem\n"
	cmd := exec.Command("git", "mktree")
	cmd.Dir, cmd.Stdin = g.Dir, strings.NewReader(treeIn)
	keys, err := cmd.Output()
	must(t, err)
	cmd = exec.Command("git", "mktree")
	cmd.Dir, cmd.Stdin = g.Dir, strings.NewReader("040000 tree "+strings.TrimSpace(string(keys))+"\tkeys\n")
	top, err := cmd.Output()
	must(t, err)
	runGit(t, g.Dir, nil, "tag", "key-lw", lw)
	runGit(t, g.Dir, nil, "tag", "-a", "-m", "the release key", "key-ann", ann)
	runGit(t, g.Dir, nil, "tag", "tree-tag", strings.TrimSpace(string(top)))

	s := scanRepo(t, g.Dir, Options{})
	if len(s.errs) > 0 {
		t.Fatal(s.errs)
	}
	sources := func(content string) []leak.Source {
		for id, c := range s.content {
			if c == content {
				return s.sources[id]
			}
		}
		t.Errorf("%q not scanned", content)
		return nil
	}
	for content, path := range map[string]string{
		"lightweight key\n": "refs/tags/key-lw",
		"annotated key\n":   "refs/tags/key-ann",
		"key in a tree\n":   "refs/tags/tree-tag:keys/deploy.pem",
	} {
		srcs := sources(content)
		if len(srcs) != 1 || srcs[0].Path != path || srcs[0].Commit.Hash != "" || !slices.Contains(s.plan.Tags, srcs[0].Commit) {
			t.Errorf("%q: sources %+v, want one at %s of a tag", content, srcs, path)
			continue
		}
		if srcs[0].Commit.Order < len(s.plan.Commits) || !strings.Contains(srcs[0].Commit.Message, "points at a") {
			t.Errorf("%q: pseudo-commit %+v", content, srcs[0].Commit)
		}
	}
	if c := sources("annotated key\n"); len(c) == 1 && (!strings.Contains(c[0].Commit.Message, "the release key") || c[0].Commit.Author == "") {
		t.Errorf("annotated tag: %+v", c[0].Commit)
	}
	if len(s.plan.Tags) != 3 || len(s.plan.Commits) != 1 {
		t.Errorf("%d tags, %d commits", len(s.plan.Tags), len(s.plan.Commits))
	}

	// Named as a revision, a tag of a blob is scanned; excluded, it is not.
	s = scanRepo(t, g.Dir, Options{Include: []string{"key-lw"}})
	if len(s.content) != 1 || s.content[lw] != "lightweight key\n" {
		t.Errorf("--branch key-lw: %v", s.content)
	}
	s = scanRepo(t, g.Dir, Options{Include: []string{c1}, Exclude: []string{"key-lw"}})
	if len(s.plan.Tags) != 0 {
		t.Errorf("excluded tag scanned: %v", s.content)
	}
}
