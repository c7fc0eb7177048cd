package gitwalk

import (
	"fmt"
	"slices"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
)

// PackOrder puts blobs in the order they lie in their packs, whatever the
// order asked in, and loose objects after them; it loses and adds none.
func TestPackOrderFollowsThePack(t *testing.T) {
	g := gittest.New(t)
	var packed []string
	for i := range 12 {
		c := g.Write(fmt.Sprintf("f%d.txt", i%4), fmt.Sprintf("version %d of a file\n%s", i, "x\n")).Commit(fmt.Sprintf("c%d", i))
		packed = append(packed, g.BlobID(c, fmt.Sprintf("f%d.txt", i%4)))
	}
	g.Repack(false)
	c := g.Write("loose.txt", "written after the repack\n").Commit("loose")
	loose := g.BlobID(c, "loose.txt")
	r, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var ids []ID
	for _, h := range append([]string{loose}, packed...) {
		id, err := ParseID(h)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	got := r.PackOrder(slices.Clone(ids))
	if len(got) != len(ids) {
		t.Fatalf("%d ids back for %d", len(got), len(ids))
	}
	for _, id := range ids {
		if !slices.Contains(got, id) {
			t.Errorf("%s is lost", id)
		}
	}
	if got[len(got)-1].String() != loose {
		t.Errorf("the loose blob comes at %d of %d, want last", slices.Index(got, ids[0]), len(got))
	}
	last := int64(-1)
	for _, id := range got[:len(got)-1] {
		k, off := r.packIndexes().find(id.hash())
		if k != 0 || off <= last {
			t.Fatalf("pack order: %s at pack %d offset %d after offset %d", id, k, off, last)
		}
		last = off
	}
}
