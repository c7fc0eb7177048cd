package gitwalk

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/gittest"
)

// TestTipsDigest: the digest stays while nothing that names history
// changes, and changes with a ref moved, added or deleted, HEAD pointed
// elsewhere, or a shallow boundary.
func TestTipsDigest(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	first := r.Write("a.txt", "a\n").Commit("a")
	r.Write("a.txt", "b\n").Commit("b")
	digest := func() string {
		t.Helper()
		repo, err := Open(r.Dir)
		if err != nil {
			t.Fatal(err)
		}
		defer repo.Close()
		d, err := repo.TipsDigest()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	seen := map[string]string{}
	check := func(name string, same bool) {
		t.Helper()
		d := digest()
		_, known := seen[d]
		if same != known {
			t.Errorf("%s: digest seen before %v, want %v (%v)", name, known, same, seen[d])
		}
		seen[d] = name
	}
	check("start", false)
	check("no change", true)
	r.Write("a.txt", "c\n").Commit("c")
	check("a new commit", false)
	r.Tag("v1", first, true)
	check("a tag", false)
	r.SetRef("refs/heads/old", first)
	check("a branch", false)
	if err := r.Repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/old")); err != nil {
		t.Fatal(err)
	}
	check("HEAD to another branch", false)
	r.DeleteRef("refs/tags/v1")
	check("the tag deleted", false)
	r.MakeShallow(r.Head())
	check("shallow", false)
}
