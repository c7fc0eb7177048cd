package mirror_test

import (
	"context"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/internal/testtool"
	"github.com/leakhound/leakhound/mirror"
)

func TestMain(m *testing.M) {
	mirror.UseInProcessFileTransport()
	os.Exit(testtool.Main(m))
}

func resolve(t *testing.T, path, ref string) plumbing.Hash {
	t.Helper()
	r, err := git.PlainOpen(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := r.ResolveRevision(plumbing.Revision(ref))
	if err != nil {
		t.Fatalf("%s in %s: %v", ref, path, err)
	}
	return *h
}

// TestFileURL mirrors a repository by file:// URL, then fetches a new
// commit, a new branch and a new tag into the mirror: bare, nothing
// checked out.
func TestFileURL(t *testing.T) {
	src := gittest.New(t)
	src.Write("a.txt", "one\n").Commit("one")
	m := &mirror.Mirrors{Dir: t.TempDir()}
	url := "file://" + src.Dir
	path, err := m.Sync(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if got := resolve(t, path, "refs/heads/main"); got.String() != src.Head() {
		t.Errorf("mirror main at %s, want %s", got, src.Head())
	}
	if _, err := os.Stat(filepath.Join(path, "a.txt")); err == nil {
		t.Error("the mirror has a checked-out file")
	}
	src.Write("a.txt", "two\n").Commit("two")
	src.Branch("dev").Write("b.txt", "b\n").Commit("dev")
	src.Tag("v1", "dev", true)
	path2, err := m.Sync(context.Background(), url)
	if err != nil || path2 != path {
		t.Fatalf("second sync: %s, %v", path2, err)
	}
	if got := resolve(t, path, "refs/heads/main"); got != src.Resolve("main") {
		t.Errorf("main not fetched: %s", got)
	}
	if got := resolve(t, path, "refs/heads/dev"); got != src.Resolve("dev") {
		t.Errorf("dev not fetched: %s", got)
	}
	resolve(t, path, "refs/tags/v1")
	entries, _ := os.ReadDir(m.Dir)
	if len(entries) != 1 {
		t.Errorf("mirror dir holds %d entries, want 1", len(entries))
	}

	_, err = m.Sync(context.Background(), "file://"+filepath.Join(t.TempDir(), "none"))
	if err == nil {
		t.Fatal("a missing repository mirrored")
	}
	entries, _ = os.ReadDir(m.Dir)
	if len(entries) != 1 {
		t.Errorf("a failed clone left %d entries", len(entries))
	}
}

// TestHTTP mirrors over smart HTTP (git http-backend behind net/http/cgi),
// with the token from the environment sent as basic authentication, and
// never in an error.
func TestHTTP(t *testing.T) {
	gitBin := testtool.Need(t, "git", "git")
	root := t.TempDir()
	src := gittest.NewAt(t, filepath.Join(root, "repo"))
	src.Write("a.txt", "one\n").Commit("one")
	token := "tok-" + strings.Repeat("x7", 10)
	backend := &cgi.Handler{Path: gitBin, Args: []string{"http-backend"},
		Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"}}
	var sawAuth bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != "x-access-token" || p != token {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		sawAuth = true
		backend.ServeHTTP(w, r)
	}))
	defer srv.Close()
	url := srv.URL + "/repo/.git"

	t.Setenv(mirror.TokenEnv, "wrong-"+token)
	bad := mirror.FromEnv(t.TempDir())
	_, err := bad.Sync(context.Background(), url)
	if err == nil {
		t.Fatal("a wrong token was accepted")
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("the error shows the token: %v", err)
	}

	t.Setenv(mirror.TokenEnv, token)
	m := mirror.FromEnv(t.TempDir())
	path, err := m.Sync(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if !sawAuth || resolve(t, path, "refs/heads/main").String() != src.Head() {
		t.Errorf("not mirrored with the token")
	}
	src.Write("a.txt", "two\n").Commit("two")
	if _, err := m.Sync(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	if resolve(t, path, "refs/heads/main").String() != src.Head() {
		t.Error("the new commit was not fetched")
	}
	cfg, _ := os.ReadFile(filepath.Join(path, "config"))
	if strings.Contains(string(cfg), token) {
		t.Error("the token is in the mirror's config")
	}
}
