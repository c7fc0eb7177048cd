package scan_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/scan"
)

// The refs whose tips still hold each secret, and the warnings about what
// could not be read there, are the same whether the tips are read by one
// goroutine or shared among several: a history with a tag at every
// commit, a secret kept by some versions of its file and dropped by
// others, and a version that cannot be read, at six tips (reported once,
// at the first tip that holds it, as a single reader would).
func TestRefTipsSharedAmongReaders(t *testing.T) {
	t.Parallel()
	token := gittest.Secrets()["github-token"]
	g := gittest.New(t)
	g.Write("deploy.sh", "export GITHUB_TOKEN="+token+"\n").Commit("deploy")
	g.Tag("v0", "HEAD", false)
	var lost string
	for i := 1; i <= 14; i++ {
		switch {
		case i > 7 && i <= 12:
			g.Write("other.txt", fmt.Sprintf("%d\n", i)) // deploy.sh stays as it was at v7
		case i%5 == 0:
			g.Write("deploy.sh", fmt.Sprintf("# token moved to the vault (%d)\n", i))
		default:
			g.Write("deploy.sh", fmt.Sprintf("# step %d\nexport GITHUB_TOKEN=%s\n", i, token))
		}
		c := g.Commit(fmt.Sprintf("commit %d", i))
		g.Tag(fmt.Sprintf("v%d", i), "HEAD", i%2 == 0)
		if i == 7 {
			lost = g.BlobID(c, "deploy.sh")
		}
	}
	g.RemoveObject(lost)
	repo := open(t, g.Dir)
	one := run(t, repo, &scan.History{Repo: repo}, scan.Options{Workers: 1})
	if len(one.Findings) == 0 {
		t.Fatal("no findings")
	}
	refs := 0
	for _, f := range one.Findings {
		refs = max(refs, len(f.Refs))
	}
	if refs < 8 {
		t.Fatalf("at most %d refs hold a finding's secret: the history is not what the test needs", refs)
	}
	if n := countContaining(one.Summary.Warnings, lost); n != 1 {
		t.Errorf("%d warnings name the blob that cannot be read, want 1: %q", n, one.Summary.Warnings)
	}
	for _, workers := range []int{2, 4} {
		repo := open(t, g.Dir)
		got := run(t, repo, &scan.History{Repo: repo}, scan.Options{Workers: workers})
		if len(got.Findings) != len(one.Findings) {
			t.Fatalf("%d workers: %d findings, want %d", workers, len(got.Findings), len(one.Findings))
		}
		for i := range got.Findings {
			g, w := got.Findings[i], one.Findings[i]
			if g.Fingerprint != w.Fingerprint || g.InHead != w.InHead || !slices.Equal(g.Refs, w.Refs) {
				t.Errorf("%d workers: finding %d in %s: in head %v refs %q, want %v %q", workers, i, g.File, g.InHead, g.Refs, w.InHead, w.Refs)
			}
		}
		if !slices.Equal(got.Summary.Warnings, one.Summary.Warnings) {
			t.Errorf("%d workers: warnings %q, want %q", workers, got.Summary.Warnings, one.Summary.Warnings)
		}
	}
}

func countContaining(ss []string, sub string) int {
	n := 0
	for _, s := range ss {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

// A default branch whose tree cannot be read leaves every finding taken to
// be still there, with one warning that says so: the tips are read
// together now, and the default branch's answer among them.
func TestInHeadWhenTheTipsTreeIsLost(t *testing.T) {
	t.Parallel()
	token := gittest.Secrets()["github-token"]
	g := gittest.New(t)
	g.Write("deploy.sh", "export GITHUB_TOKEN="+token+"\n").Commit("deploy")
	g.Tag("v1", "HEAD", false)
	g.Write("deploy.sh", "# moved to the vault\n").Commit("rotate")
	head, err := g.Repo.CommitObject(g.Resolve("HEAD"))
	if err != nil {
		t.Fatal(err)
	}
	g.RemoveObject(head.TreeHash.String())
	repo := open(t, g.Dir)
	rep := run(t, repo, &scan.History{Repo: repo}, scan.Options{})
	if len(rep.Findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range rep.Findings {
		if !f.InHead {
			t.Errorf("%s in %s: not in head, though the head's tree could not be read", f.RuleID, f.File)
		}
	}
	if n := countContaining(rep.Summary.Warnings, "every finding is taken to be still there"); n != 1 {
		t.Errorf("%d warnings say the head's tree could not be read, want 1: %q", n, rep.Summary.Warnings)
	}
}
