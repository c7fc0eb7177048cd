package gitwalk

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// plantedRepo is a repository built with git itself, for the places a
// secret can be planted in a history that only git's own commands make
// (worktrees, stashes).
type plantedRepo struct {
	t   *testing.T
	dir string
}

func newPlanted(t *testing.T) *plantedRepo {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	runGit(t, "/", nil, "init", "-q", "-b", "main", dir)
	p := &plantedRepo{t: t, dir: dir}
	p.commit(dir, "README", "hello\n", "init")
	return p
}

func (p *plantedRepo) git(dir string, args ...string) string {
	p.t.Helper()
	return runGit(p.t, dir, nil, args...)
}

// commit writes path in the work tree dir and commits it.
func (p *plantedRepo) commit(dir, path, content, msg string) {
	p.t.Helper()
	p.write(dir, path, content)
	p.git(dir, "add", "-A")
	p.git(dir, "commit", "-q", "-m", msg)
}

func (p *plantedRepo) write(dir, path, content string) {
	p.t.Helper()
	must(p.t, os.MkdirAll(filepath.Dir(filepath.Join(dir, path)), 0o755))
	must(p.t, os.WriteFile(filepath.Join(dir, path), []byte(content), 0o644))
}

// scanned reports whether a scan of dir read a blob holding content, and
// fails on any error the scan reported.
func (p *plantedRepo) scanned(dir, content string) bool {
	p.t.Helper()
	s := scanRepo(p.t, dir, Options{})
	if len(s.errs) > 0 {
		p.t.Errorf("scan of %s: %v", dir, s.errs)
	}
	for _, c := range s.content {
		if c == content {
			return true
		}
	}
	return false
}

// TestOtherWorktreesHeads: a commit made on a linked worktree's detached
// HEAD is reachable from that HEAD alone, as one made on the main
// worktree's detached HEAD is from its HEAD; git's --all and gc count
// every worktree's HEAD, and so does a scan from any of them.
func TestOtherWorktreesHeads(t *testing.T) {
	p := newPlanted(t)
	linked := filepath.Join(t.TempDir(), "linked")
	p.git(p.dir, "worktree", "add", "-q", "--detach", linked, "main")
	p.commit(linked, "wt.txt", "made on the linked worktree\n", "wt")
	p.git(p.dir, "checkout", "-q", "--detach")
	p.commit(p.dir, "main.txt", "made on the main worktree\n", "main wt")

	for _, dir := range []string{p.dir, linked, filepath.Join(p.dir, ".git")} {
		for _, c := range []string{"made on the linked worktree\n", "made on the main worktree\n"} {
			if !p.scanned(dir, c) {
				t.Errorf("scan of %s did not read %q", dir, c)
			}
		}
	}
	// A worktree whose directory is gone but not yet pruned keeps its HEAD,
	// as git keeps it; one whose HEAD is gone is passed over.
	must(t, os.RemoveAll(linked))
	if !p.scanned(p.dir, "made on the linked worktree\n") {
		t.Errorf("a removed, unpruned worktree's HEAD was not walked")
	}
	must(t, os.Remove(filepath.Join(p.dir, ".git", "worktrees", "linked", "HEAD")))
	if p.scanned(p.dir, "made on the linked worktree\n") {
		t.Errorf("a worktree without HEAD was walked")
	}
}

// TestStashList: refs/stash names the newest stash only; the older
// entries of git stash list live in its reflog, and each is walked: its
// work tree, its index and its untracked files.
func TestStashList(t *testing.T) {
	p := newPlanted(t)
	p.write(p.dir, "README", "oldest stash, work tree\n")
	p.write(p.dir, "untracked.txt", "oldest stash, untracked\n")
	p.git(p.dir, "stash", "push", "-q", "-u")
	p.write(p.dir, "staged.txt", "older stash, index\n")
	p.git(p.dir, "add", "staged.txt")
	p.write(p.dir, "staged.txt", "changed back\n")
	p.git(p.dir, "stash", "push", "-q")
	p.write(p.dir, "README", "newest stash\n")
	p.git(p.dir, "stash", "push", "-q")
	if n := strings.Count(p.git(p.dir, "stash", "list"), "\n") + 1; n != 3 {
		t.Fatalf("%d stashes, want 3", n)
	}
	for _, c := range []string{"oldest stash, work tree\n", "oldest stash, untracked\n", "older stash, index\n", "newest stash\n"} {
		if !p.scanned(p.dir, c) {
			t.Errorf("stash content %q not read", c)
		}
	}
	r, err := Open(p.dir)
	must(t, err)
	defer r.Close()
	refs, err := r.Refs(func(item string, err error) error { t.Errorf("%s: %v", item, err); return nil })
	must(t, err)
	var names []string
	for _, ref := range refs {
		names = append(names, ref.Name)
	}
	for _, want := range []string{"refs/stash", "refs/stash@{1}", "refs/stash@{2}"} {
		if !slices.Contains(names, want) {
			t.Errorf("refs %v lack %s", names, want)
		}
	}
	if slices.Contains(names, "refs/stash@{0}") {
		t.Errorf("refs %v name the newest stash twice", names)
	}

	// A malformed line is named; the other entries stand.
	log := filepath.Join(p.dir, ".git", "logs", "refs", "stash")
	data, err := os.ReadFile(log)
	must(t, err)
	must(t, os.WriteFile(log, append([]byte("garbage\n"), data...), 0o644))
	var errs []string
	_, err = r.Refs(func(item string, err error) error { errs = append(errs, item+": "+err.Error()); return nil })
	must(t, err)
	if len(errs) != 1 || !strings.Contains(errs[0], "logs/refs/stash: line 1: malformed ref") {
		t.Errorf("errors %q", errs)
	}
	// Dropped with the stash: git stash clear deletes refs/stash and its log.
	p.git(p.dir, "stash", "clear")
	if p.scanned(p.dir, "oldest stash, work tree\n") {
		t.Errorf("a cleared stash was walked")
	}
}

// TestForcePushedAway: a commit pushed and then force-pushed away was
// published (the remote may still serve it by its id); the clone that
// pushed, and any clone that fetched it, keeps it in the remote-tracking
// branch's reflog, and the walk reads it there. A commit only a local
// branch's reflog holds (amended before any push) was never published
// and is not walked.
func TestForcePushedAway(t *testing.T) {
	p := newPlanted(t)
	remote := filepath.Join(t.TempDir(), "remote.git")
	p.git("/", "init", "-q", "--bare", remote)
	p.git(p.dir, "remote", "add", "origin", remote)
	p.git(p.dir, "push", "-q", "origin", "main")
	p.commit(p.dir, "conf.txt", "pushed, then force-pushed away\n", "pushed")
	p.git(p.dir, "push", "-q", "origin", "main")
	p.commit(p.dir, "conf.txt", "amended before any push\n", "pushed")
	p.git(p.dir, "commit", "-q", "--amend", "-a", "-m", "amend")
	p.write(p.dir, "conf.txt", "the fixed version\n")
	p.git(p.dir, "reset", "-q", "--hard", "HEAD~2")
	p.commit(p.dir, "conf.txt", "the fixed version\n", "fixed")
	p.git(p.dir, "push", "-q", "--force", "origin", "main")

	// Another clone that had fetched the published commit.
	other := filepath.Join(t.TempDir(), "other")
	p.git("/", "clone", "-q", remote, other)
	p.git(p.dir, "checkout", "-q", "-b", "again", "HEAD~1")
	p.commit(p.dir, "conf.txt", "fetched by the other clone, then force-pushed away\n", "again")
	p.git(p.dir, "push", "-q", "--force", "origin", "again:main")
	p.git(other, "fetch", "-q", "origin")
	p.git(p.dir, "push", "-q", "--force", "origin", "main:main")
	p.git(other, "fetch", "-q", "origin")

	if !p.scanned(p.dir, "pushed, then force-pushed away\n") {
		t.Errorf("a commit force-pushed away was not read from the remote-tracking branch's reflog")
	}
	if p.scanned(p.dir, "amended before any push\n") {
		t.Errorf("a commit never pushed, in a local reflog only, was walked")
	}
	if !p.scanned(other, "fetched by the other clone, then force-pushed away\n") {
		t.Errorf("a fetched commit later force-pushed away was not read")
	}

	// A push of the commit again (a pre-receive hook's walk: the pushed
	// tips, not what any ref has) scans it: what a ref once held is no ref.
	away := p.git(other, "rev-parse", "origin/main@{1}")
	r, err := Open(other)
	must(t, err)
	defer r.Close()
	plan, err := r.Plan(context.Background(), Options{IncludeIDs: []ID{mustID(t, away)}, ExcludeRefs: true}, nil,
		func(item string, err error) error { t.Errorf("%s: %v", item, err); return nil })
	must(t, err)
	if len(plan.Commits) != 1 || plan.Commits[0].Hash != away {
		t.Errorf("ExcludeRefs left out a reflog entry's commit: %d commits", len(plan.Commits))
	}
}

// TestReflogsAreBounded: the reflogs read for a walk are bounded in all
// (maxLogBytes), not only each one (maxRefLog): many remote-tracking
// branches with long reflogs are named as not read past the bound.
func TestReflogsAreBounded(t *testing.T) {
	p := newPlanted(t)
	head := p.git(p.dir, "rev-parse", "HEAD")
	line := head + " " + head + " a <a@example.com> 1700000000 +0000\tfetch\n"
	log := strings.Repeat(line, (maxRefLog-1)/len(line))
	n := maxLogBytes/len(log) + 3
	for i := range n {
		name := fmt.Sprintf("refs/remotes/origin/b%d", i)
		p.git(p.dir, "update-ref", name, head)
		path := filepath.Join(p.dir, ".git", "logs", filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(path), 0o755))
		must(t, os.WriteFile(path, []byte(log), 0o644))
	}
	r, err := Open(p.dir)
	must(t, err)
	defer r.Close()
	var errs []string
	_, err = r.Refs(func(item string, err error) error { errs = append(errs, item+": "+err.Error()); return nil })
	must(t, err)
	if len(errs) != 1 || !strings.Contains(errs[0], "logs/refs: reflogs over") || !strings.Contains(errs[0], fmt.Sprintf("of %d not read", n)) {
		t.Errorf("errors %q", errs)
	}
}

// TestPlanMessages: a plan lists the message of every commit in range,
// subject and body, and of every annotated tag read on the way to what
// the walked refs point at (a tag of a tag too, each once), with its
// tagger; a range lists only its own commits, and no tag of the refs it
// excludes.
func TestPlanMessages(t *testing.T) {
	p := newPlanted(t)
	p.commit(p.dir, "a.txt", "a\n", "second\n\nwith a body")
	p.git(p.dir, "tag", "-a", "-m", "old release", "v0", "HEAD")
	p.commit(p.dir, "b.txt", "b\n", "third")
	p.git(p.dir, "tag", "-a", "-m", "new release\n\nnotes", "v1", "HEAD")
	p.git(p.dir, "tag", "-a", "-m", "tag of a tag", "v1-signed", "v1")
	head := strings.TrimSpace(p.git(p.dir, "rev-parse", "HEAD"))

	texts := func(opts Options) []string {
		t.Helper()
		s := scanRepo(t, p.dir, opts)
		var out []string
		for _, m := range s.plan.Messages() {
			out = append(out, fmt.Sprintf("%s %q", m.Kind, strings.TrimRight(m.Text, "\n")))
			if m.Kind == "tag-message" && (m.Commit.Author == "" || m.Commit.Hash == "" || m.Commit.Order < len(s.plan.Commits)) {
				t.Errorf("tag message's commit %+v", m.Commit)
			}
			if m.Unread || m.Cut {
				t.Errorf("message %+v", m)
			}
		}
		slices.Sort(out)
		return out
	}
	all := texts(Options{})
	want := []string{`commit-message "init"`, `commit-message "second\n\nwith a body"`, `commit-message "third"`,
		`tag-message "new release\n\nnotes"`, `tag-message "old release"`, `tag-message "tag of a tag"`}
	if !slices.Equal(all, want) {
		t.Errorf("every ref: %q, want %q", all, want)
	}
	rng := texts(Options{Include: []string{head}, Exclude: []string{"v0"}})
	if want := []string{`commit-message "third"`}; !slices.Equal(rng, want) {
		t.Errorf("v0..HEAD: %q, want %q", rng, want)
	}
	tag := texts(Options{Include: []string{"v1-signed"}, Exclude: []string{"v0"}})
	if want := []string{`commit-message "third"`, `tag-message "new release\n\nnotes"`, `tag-message "tag of a tag"`}; !slices.Equal(tag, want) {
		t.Errorf("v0..v1-signed: %q, want %q", tag, want)
	}
}

// TestPlanMessagesHeldBounded holds that a walk keeps message text only up
// to maxHeldMessages bytes: the messages past it are marked Reread, without
// text, and Reader.Message reads each one back as the walk saw it, commit
// and tag alike.
func TestPlanMessagesHeldBounded(t *testing.T) {
	p := newPlanted(t)
	for i := range 4 {
		p.commit(p.dir, fmt.Sprintf("f%d.txt", i), "x\n", fmt.Sprintf("commit %d\n\n%s", i, strings.Repeat("body ", 40)))
	}
	p.git(p.dir, "tag", "-a", "-m", "release\n\n"+strings.Repeat("notes ", 40), "v1", "HEAD")
	full := map[string]string{}
	for _, m := range scanRepo(t, p.dir, Options{}).plan.Messages() {
		if m.Reread {
			t.Fatalf("default budget: %s of %s not kept", m.Kind, m.Commit.Hash)
		}
		full[m.Kind+" "+m.Commit.Hash] = m.Text
	}

	defer func(n int) { maxHeldMessages = n }(maxHeldMessages)
	maxHeldMessages = 300 // about one message
	r, err := Open(p.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	plan, err := r.Plan(context.Background(), Options{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rd := r.NewReader()
	reread := map[string]int{}
	for _, m := range plan.Messages() {
		text := m.Text
		if m.Reread {
			reread[m.Kind]++
			if text != "" {
				t.Errorf("%s of %s marked reread, holds %q", m.Kind, m.Commit.Hash, text)
			}
			if text, _, err = rd.Message(m); err != nil {
				t.Fatal(err)
			}
		}
		if want := full[m.Kind+" "+m.Commit.Hash]; text != want {
			t.Errorf("%s of %s: %q, want %q", m.Kind, m.Commit.Hash, text, want)
		}
	}
	if reread["commit-message"] < 3 || reread["tag-message"] != 1 {
		t.Errorf("messages read again: %v, want at least 3 commits and the tag", reread)
	}
}
