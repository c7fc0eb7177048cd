package scancache_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
)

// TestReplayOrRescanEqualsFull changes a repository in the ways that could
// make a re-scan answered from the last scan's record, or an incremental
// one, differ from a full scan: a commit that removes a secret from HEAD,
// a new ref at an old commit, a force push that drops commits, HEAD moved
// to another branch, other rules. After each change, and again with no
// change, the findings are a full scan's (same introducing commits, same
// in-HEAD marks, same refs); a re-scan with no change reads no blob.
func TestReplayOrRescanEqualsFull(t *testing.T) {
	t.Parallel()
	s := gittest.Secrets()
	r := gittest.New(t)
	r.Write("README", "hello\n").Commit("start")
	r.Write("deploy.sh", "export GITHUB_TOKEN="+s["github-token"]+"\n").Commit("token")
	r.Write("hooks.txt", "post to "+s["slack-webhook"]+"\n").Commit("webhook")
	r.Write("notes.txt", "notes\n").Commit("notes")
	old := r.Head()
	r.Write(".pypirc", pypirc(s["db-password"])).Commit("pypirc")
	store := openStore(t, t.TempDir())
	var rules *config.Config
	scanWith(t, r.Dir, store, rules)
	steps := []struct {
		name   string
		change func()
	}{
		{"the secret removed from HEAD", func() { r.Remove("hooks.txt").Commit("drop the webhook") }},
		{"a new branch at an old commit", func() { r.SetRef("refs/heads/old", old) }},
		{"a tag at an old commit", func() { r.Tag("v0", old, true) }},
		{"the secret back in HEAD", func() { r.Write("hooks2.txt", "post to "+s["slack-webhook"]+"\n").Commit("webhook again") }},
		{"a force push that drops commits", func() {
			r.SetRef("refs/heads/main", old)
			r.Checkout("main")
		}},
		{"HEAD moved to another branch", func() {
			r.Write("deploy.sh", "export GITHUB_TOKEN=$T\n").Commit("token from the environment")
			r.Checkout("old")
		}},
		{"a branch deleted", func() { r.DeleteRef("refs/heads/main") }},
		{"other rules", func() {
			all, err := config.Default()
			if err != nil {
				t.Fatal(err)
			}
			fewer := *all
			fewer.Rules = nil
			for _, ru := range all.Rules {
				if !strings.Contains(ru.ID, "slack") {
					fewer.Rules = append(fewer.Rules, ru)
				}
			}
			rules = &fewer
		}},
	}
	for _, st := range steps {
		st.change()
		for _, pass := range []string{"", " (no change since)"} {
			inc, note := scanWith(t, r.Dir, store, rules)
			full, _ := scanWith(t, r.Dir, nil, rules)
			if a, b := findings(t, inc), findings(t, full); a != b {
				t.Errorf("%s%s: re-scan:\n%s\nfull scan:\n%s", st.name, pass, a, b)
			}
			if len(full.Findings) == 0 {
				t.Errorf("%s%s: no findings", st.name, pass)
			}
			if pass != "" && (inc.Summary.Blobs != 0 || note != "") {
				t.Errorf("%s%s: %d blobs read, note %q", st.name, pass, inc.Summary.Blobs, note)
			}
			if pass == "" && inc.Summary.Blobs == 0 && st.name != "a branch deleted" {
				t.Errorf("%s: answered from the record of the last scan", st.name)
			}
			if inc.Summary.Commits != full.Summary.Commits || inc.Summary.HeadCommit != full.Summary.HeadCommit || inc.Summary.InHead != full.Summary.InHead {
				t.Errorf("%s%s: summary %+v, full scan's %+v", st.name, pass, inc.Summary, full.Summary)
			}
		}
	}
}

// hideObject removes the loose object id from r, as a damaged repository
// lacks it, and returns a function that puts it back.
func hideObject(t *testing.T, r *gittest.Repo, id string) (restore func()) {
	t.Helper()
	file := filepath.Join(r.Dir, ".git", "objects", id[:2], id[2:])
	saved, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r.RemoveObject(id)
	return func() {
		t.Helper()
		if err := os.WriteFile(file, saved, 0o444); err != nil {
			t.Fatal(err)
		}
	}
}

// TestUnreadableBlobIsRetried: a blob the repository lacks makes the scan
// incomplete; the re-scan with no change is too, with the same error and
// findings, and reads nothing else; once the blob is back, the re-scan is
// complete and its findings a full scan's.
func TestUnreadableBlobIsRetried(t *testing.T) {
	t.Parallel()
	s := gittest.Secrets()
	r := gittest.New(t)
	r.Write("README", "hello\n").Commit("start")
	r.Write("deploy.sh", "export GITHUB_TOKEN="+s["github-token"]+"\n").Commit("token")
	r.Write("lost.txt", "post to "+s["slack-webhook"]+"\n").Commit("webhook")
	r.Write("more.txt", "more\n").Commit("more")
	restore := hideObject(t, r, r.BlobID("HEAD", "lost.txt"))
	store := openStore(t, t.TempDir())
	first, _ := scanWith(t, r.Dir, store, nil)
	if first.Summary.Errors != 1 || !first.Summary.Incomplete || len(first.Findings) != 1 {
		t.Fatalf("first scan: %d errors, incomplete %v, %d findings", first.Summary.Errors, first.Summary.Incomplete, len(first.Findings))
	}
	again, _ := scanWith(t, r.Dir, store, nil)
	if again.Summary.Errors != 1 || !again.Summary.Incomplete || again.Summary.Blobs != 0 || findings(t, again) != findings(t, first) {
		t.Errorf("re-scan: %d errors, incomplete %v, %d blobs read, findings:\n%s", again.Summary.Errors, again.Summary.Incomplete, again.Summary.Blobs, findings(t, again))
	}
	r.Write("later.txt", "later\n").Commit("later")
	grown, _ := scanWith(t, r.Dir, store, nil)
	if grown.Summary.Errors != 1 || grown.Summary.Skipped[leak.SkipCached] == 0 || findings(t, grown) != findings(t, first) {
		t.Errorf("a commit later: %d errors, %d cached, findings:\n%s", grown.Summary.Errors, grown.Summary.Skipped[leak.SkipCached], findings(t, grown))
	}
	restore()
	back, _ := scanWith(t, r.Dir, store, nil)
	full, _ := scanWith(t, r.Dir, nil, nil)
	if back.Summary.Errors != 0 || len(full.Findings) != 2 || findings(t, back) != findings(t, full) {
		t.Errorf("the blob back: %d errors, findings:\n%s\nfull scan:\n%s", back.Summary.Errors, findings(t, back), findings(t, full))
	}
}

// TestLastScanRecordHoldsNoSecretAndIsChecked: the record of the last scan
// holds no secret, no author and no commit message; a record that was
// tampered with, or written for another state of the cache, is not used.
func TestLastScanRecordHoldsNoSecretAndIsChecked(t *testing.T) {
	t.Parallel()
	r := seed(t)
	dir := t.TempDir()
	store := openStore(t, dir)
	want, _ := scanWith(t, r.Dir, store, nil)
	files, _ := filepath.Glob(filepath.Join(dir, "*.last"))
	if len(files) != 1 {
		t.Fatalf("%d records of the last scan", len(files))
	}
	pristine, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for name, secret := range gittest.Secrets() {
		if bytes.Contains(pristine, []byte(secret)) {
			t.Errorf("the record holds the secret %s", name)
		}
	}
	for _, f := range want.Findings {
		if f.Author != "" && bytes.Contains(pristine, []byte(`"`+f.Author+`"`)) || f.Message != "" && bytes.Contains(pristine, []byte(f.Message)) {
			t.Errorf("the record holds the author or message of %s", f.Commit)
		}
	}
	if len(want.Findings) == 0 {
		t.Fatal("no findings")
	}
	// A changed position: the record is refused (its MAC), and the scan
	// reads again the blobs that hold secrets.
	i := bytes.Index(pristine, []byte(`"Secret":[`))
	if i < 0 {
		t.Fatal("no place in the record")
	}
	b := bytes.Clone(pristine)
	b[i+len(`"Secret":[`)] ^= 1
	os.WriteFile(files[0], b, 0o600)
	got, _ := scanWith(t, r.Dir, store, nil)
	if findings(t, got) != findings(t, want) || got.Summary.Blobs == 0 {
		t.Errorf("tampered record: %d blobs read, findings:\n%s", got.Summary.Blobs, findings(t, got))
	}
	// The record rewritten, then the cache appended to behind its back.
	cacheFile := strings.TrimSuffix(files[0], ".last") + ".cache"
	f, err := os.OpenFile(cacheFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "junk")
	f.Close()
	got, note := scanWith(t, r.Dir, store, nil)
	if findings(t, got) != findings(t, want) || got.Summary.Skipped[leak.SkipCached] != 0 || !strings.Contains(note, "full scan") {
		t.Errorf("damaged cache behind a good record: %d cached, note %q", got.Summary.Skipped[leak.SkipCached], note)
	}
}

// TestCacheVouchedForStaysChained: records appended to a cache that the
// last scan's record vouched for (whose MACs were not checked again) keep
// the chain whole: without that record, the cache still checks.
func TestCacheVouchedForStaysChained(t *testing.T) {
	t.Parallel()
	r := seed(t)
	dir := t.TempDir()
	store := openStore(t, dir)
	scanWith(t, r.Dir, store, nil)
	for round := range 2 {
		grow(t, r, round)
		scanWith(t, r.Dir, store, nil)
	}
	lasts, _ := filepath.Glob(filepath.Join(dir, "*.last"))
	for _, l := range lasts {
		os.Remove(l)
	}
	got, note := scanWith(t, r.Dir, store, nil)
	full, _ := scanWith(t, r.Dir, nil, nil)
	if note != "" || got.Summary.Skipped[leak.SkipCached] == 0 || findings(t, got) != findings(t, full) {
		t.Errorf("note %q, %d cached", note, got.Summary.Skipped[leak.SkipCached])
	}
}

// TestReplayFindsSecretsNotWrittenAsFound: secrets whose place in the blob
// is not where the scan saw them (a file with CRLF line ends, a secret
// found base64-encoded) are found again by scanning their blob: the
// replayed report equals a full scan's.
func TestReplayFindsSecretsNotWrittenAsFound(t *testing.T) {
	t.Parallel()
	s := gittest.Secrets()
	r := gittest.New(t)
	r.Write("win.env", "# one\r\n# two\r\nGITHUB_TOKEN="+s["github-token"]+"\r\n").Commit("crlf")
	r.Write("hook.b64", base64.StdEncoding.EncodeToString([]byte("webhook: "+s["slack-webhook"]+"\n"))+"\n").Commit("encoded")
	store := openStore(t, t.TempDir())
	first, _ := scanWith(t, r.Dir, store, nil)
	again, _ := scanWith(t, r.Dir, store, nil)
	full, _ := scanWith(t, r.Dir, nil, nil)
	if len(full.Findings) < 2 || again.Summary.Blobs != 0 || findings(t, again) != findings(t, full) || findings(t, first) != findings(t, full) {
		t.Errorf("replayed (%d blobs read):\n%s\nfull scan:\n%s", again.Summary.Blobs, findings(t, again), findings(t, full))
	}
}

// TestMissingTreeRescan: a tree the repository lacks makes every scan
// incomplete; the re-scans (which keep the walk of what could be read)
// report what a full scan does, before and after the tree comes back.
func TestMissingTreeRescan(t *testing.T) {
	t.Parallel()
	s := gittest.Secrets()
	r := gittest.New(t)
	first := r.Write("a/.pypirc", pypirc(s["db-password"])).Commit("start")
	r.Write("deploy.sh", "export GITHUB_TOKEN="+s["github-token"]+"\n").Commit("token")
	r.Write("hooks.txt", "post to "+s["slack-webhook"]+"\n").Commit("webhook")
	co, err := r.Repo.CommitObject(r.Resolve(first))
	if err != nil {
		t.Fatal(err)
	}
	restore := hideObject(t, r, co.TreeHash.String())
	store := openStore(t, t.TempDir())
	for _, step := range []string{"first", "again", "a commit later", "the tree back", "the tree back, again"} {
		switch step {
		case "a commit later":
			r.Write("more.txt", "more\n").Commit("more")
		case "the tree back":
			restore()
		}
		inc, _ := scanWith(t, r.Dir, store, nil)
		full, _ := scanWith(t, r.Dir, nil, nil)
		if findings(t, inc) != findings(t, full) || inc.Summary.Errors != full.Summary.Errors || inc.Summary.Incomplete != full.Summary.Incomplete || len(full.Findings) == 0 {
			t.Errorf("%s: re-scan (%d errors):\n%s\nfull scan (%d errors):\n%s", step, inc.Summary.Errors, findings(t, inc), full.Summary.Errors, findings(t, full))
		}
	}
}
