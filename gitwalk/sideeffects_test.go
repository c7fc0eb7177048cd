package gitwalk

import (
	"context"
	"crypto"
	"fmt"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/hash"

	"github.com/leakhound/leakhound/internal/gittest"
)

// TestOpenChangesNothingProcessWide holds opening and walking a repository
// to leaving go-git's hash implementations alone: go-git hashes SHA-1 with
// collision detection (sha1cd), and a program that embeds the scanner and
// uses go-git itself must keep it.
func TestOpenChangesNothingProcessWide(t *testing.T) {
	before := fmt.Sprintf("%T", hash.New(crypto.SHA1))
	g := gittest.New(t)
	g.Write("README", "hello\n").Commit("one")
	repo, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	if _, err := repo.Plan(context.Background(), Options{}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if after := fmt.Sprintf("%T", hash.New(crypto.SHA1)); after != before {
		t.Errorf("go-git's SHA-1 is %s after Open and Plan, %s before", after, before)
	}
	if !strings.Contains(before, "sha1cd") {
		t.Errorf("go-git's SHA-1 is %s, not its collision-detecting sha1cd: something in the process changed it", before)
	}
}
