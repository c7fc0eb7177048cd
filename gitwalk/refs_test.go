package gitwalk

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
)

// TestPackedRefsWithGarbage is issue 13 item 18: one garbage line in
// packed-refs made go-git refuse every ref, and the scan ended with no
// report. Each bad line is now an error naming its line number; the other
// refs are read, and the history they reach is scanned.
func TestPackedRefsWithGarbage(t *testing.T) {
	g := gittest.New(t)
	c1 := g.Write("a.txt", "one\n").Commit("one")
	g.Branch("side")
	c2 := g.Write("b.txt", "two\n").Commit("two")
	g.Checkout("main")
	g.Tag("v1", c1, true)
	runGit(t, g.Dir, nil, "pack-refs", "--all")
	packed := filepath.Join(g.Dir, ".git", "packed-refs")
	data, err := os.ReadFile(packed)
	must(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	// After the header: garbage, a name that climbs out of refs/, a line
	// of 100 KB, a peeled id after nothing valid, a duplicate.
	bad := []string{"this is not a ref\n", c2 + " refs/../../config\n", strings.Repeat("x", 100<<10) + "\n"}
	out := append([]string{lines[0]}, bad...)
	out = append(out, lines[1:]...)
	out = append(out, c1+" refs/heads/main\n")
	must(t, os.WriteFile(packed, []byte(strings.Join(out, "")), 0o644))

	r, err := Open(g.Dir)
	must(t, err)
	defer r.Close()
	var errs []string
	refs, err := r.Refs(func(item string, err error) error {
		if item != "packed-refs" || !errors.Is(err, ErrMalformedRef) {
			t.Errorf("%s: %v", item, err)
		}
		errs = append(errs, err.Error())
		return nil
	})
	must(t, err)
	var names []string
	for _, ref := range refs {
		names = append(names, ref.Name)
	}
	slices.Sort(names)
	if want := []string{"HEAD", "refs/heads/main", "refs/heads/side", "refs/tags/v1"}; !slices.Equal(names, want) {
		t.Errorf("refs %v, want %v", names, want)
	}
	want := []string{"line 2: malformed ref: not", "line 3: malformed ref: bad ref name", "line 4: malformed ref: a line longer", "malformed ref: refs/heads/main listed again"}
	if len(errs) != len(want) {
		t.Fatalf("errors %q", errs)
	}
	for i, w := range want {
		if !strings.Contains(errs[i], w) {
			t.Errorf("error %q, want %q", errs[i], w)
		}
	}
	if h, err := r.ResolveCommit("v1"); err != nil || h.String() != c1 {
		t.Errorf("v1: %v %v", h, err)
	}
	// The scan reads what the good refs reach, and reports the bad lines.
	s := scanRepo(t, g.Dir, Options{})
	if len(s.plan.Commits) != 2 || len(s.errs) != 4 {
		t.Errorf("%d commits, errors %q", len(s.plan.Commits), s.errs)
	}
}

// TestRefNamesStayInsideRefs: a revision is looked up as a file only when
// it is a valid ref name, so that "../config" reads nothing outside refs/.
func TestRefNamesStayInsideRefs(t *testing.T) {
	g := gittest.New(t)
	g.Write("a", "x\n").Commit("one")
	must(t, os.WriteFile(filepath.Join(g.Dir, ".git", "refs", "heads", "bad"), []byte("not an id\n"), 0o644))
	r, err := Open(g.Dir)
	must(t, err)
	defer r.Close()
	for _, rev := range []string{"../config", "refs/../config", "heads/../../HEAD", "/etc/passwd", "a..b", "x.lock"} {
		if !validRefName(rev) {
			continue
		}
		t.Errorf("%q is a valid ref name", rev)
	}
	if _, err := r.ResolveRef("../config"); err == nil {
		t.Error("../config resolved")
	}
	var errs []string
	refs, err := r.Refs(func(item string, err error) error { errs = append(errs, err.Error()); return nil })
	must(t, err)
	if len(refs) != 2 || len(errs) != 1 || !strings.Contains(errs[0], "malformed ref") {
		t.Errorf("refs %v, errors %q", refs, errs)
	}
}
