package mirror_test

import (
	"context"
	"encoding/binary"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/internal/testtool"
	"github.com/leakhound/leakhound/mirror"
)

// runGit runs git in dir: these tests use it to prepare a repository
// for dumb HTTP (update-server-info, repack) and to check a mirror (fsck).
func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(testtool.Need(t, "git", "git"), append([]string{"-C", dir}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// dumbServer serves the repositories under root as static files, as a
// dumb HTTP server does, and records the paths requested.
type dumbServer struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func newDumbServer(t *testing.T, root string) *dumbServer {
	t.Helper()
	s := &dumbServer{}
	files := http.FileServer(http.Dir(root))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.paths = append(s.paths, r.URL.Path)
		s.mu.Unlock()
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// take returns the paths requested since the last call.
func (s *dumbServer) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.paths
	s.paths = nil
	return p
}

// count returns how many of paths contain part.
func count(paths []string, part string) int {
	n := 0
	for _, p := range paths {
		if strings.Contains(p, part) {
			n++
		}
	}
	return n
}

// served is a repository built at test time, under root/repo, served by
// a dumb server at url.
type served struct {
	src  *gittest.Repo
	git  string // its .git directory
	srv  *dumbServer
	url  string
	root string
}

func newServed(t *testing.T) *served {
	t.Helper()
	testtool.Need(t, "git", "git")
	root := t.TempDir()
	src := gittest.NewAt(t, filepath.Join(root, "repo"))
	s := &served{src: src, git: filepath.Join(src.Dir, ".git"), srv: newDumbServer(t, root), root: root}
	s.url = s.srv.URL + "/repo/.git"
	return s
}

// publish runs git update-server-info, as a dumb server's repository
// needs after every change.
func (s *served) publish(t *testing.T) {
	t.Helper()
	runGit(t, s.git, "update-server-info")
}

// checkMirror checks the mirror with git fsck and that its refs are the
// source's.
func checkMirror(t *testing.T, path string, s *served) {
	t.Helper()
	runGit(t, path, "fsck", "--full", "--strict")
	want := runGit(t, s.git, "for-each-ref", "--format=%(objectname) %(refname)")
	if got := runGit(t, path, "for-each-ref", "--format=%(objectname) %(refname)"); got != want {
		t.Errorf("mirror refs:\n%s\nwant:\n%s", got, want)
	}
}

// sync syncs m with s and checks the mirror, and returns its path.
func (s *served) sync(t *testing.T, m *mirror.Mirrors) string {
	t.Helper()
	path, err := m.Sync(context.Background(), s.url)
	if err != nil {
		t.Fatal(err)
	}
	checkMirror(t, path, s)
	return path
}

// TestDumbLoose mirrors a repository of loose objects only, with a
// branch and an annotated tag, from a static file server; a second Sync
// fetches only the objects of a new commit, and removes a deleted branch;
// a third fetches no object.
func TestDumbLoose(t *testing.T) {
	s := newServed(t)
	s.src.Write("a.txt", "one\n").Write("dir/b.txt", "b\n").Commit("one")
	s.src.Write("a.txt", "two\n").Commit("two")
	s.src.Tag("v1", "main", true)
	s.src.Branch("dev").Write("c.txt", "dev\n").Commit("dev")
	s.src.Checkout("main")
	s.publish(t)

	m := &mirror.Mirrors{Dir: t.TempDir()}
	path := s.sync(t, m)
	if head := strings.TrimSpace(runGit(t, path, "symbolic-ref", "HEAD")); head != "refs/heads/main" {
		t.Errorf("HEAD is %s", head)
	}
	if typ := strings.TrimSpace(runGit(t, path, "cat-file", "-t", "refs/tags/v1")); typ != "tag" {
		t.Errorf("v1 is a %s, want an annotated tag", typ)
	}
	first := s.srv.take()
	if count(first, ".pack") != 0 || count(first, "/objects/") < 9 {
		t.Errorf("first sync requested %q", first)
	}

	s.src.Write("a.txt", "three\n").Commit("three")
	s.src.DeleteRef("refs/heads/dev")
	s.publish(t)
	s.sync(t, m)
	second := s.srv.take()
	// The new commit, its tree and the new a.txt; the old blobs and
	// dir/ are already in the mirror.
	if n := count(second, "/objects/") - count(second, "/objects/info/"); n != 3 {
		t.Errorf("second sync fetched %d objects, want 3: %q", n, second)
	}

	if _, err := m.Sync(context.Background(), s.url); err != nil {
		t.Fatal(err)
	}
	if third := s.srv.take(); count(third, "/objects/") != 0 {
		t.Errorf("a sync with nothing new requested %q", third)
	}
	if entries, _ := os.ReadDir(m.Dir); len(entries) != 1 {
		t.Errorf("mirror dir holds %d entries, want 1", len(entries))
	}
}

// TestDumbPacked mirrors a repository whose objects are in a pack (git
// repack -a -d), then one more commit as loose objects; the pack already
// mirrored is not downloaded again, nor is a new pack of old objects.
func TestDumbPacked(t *testing.T) {
	s := newServed(t)
	for i := range 20 {
		s.src.Write("a.txt", strings.Repeat("line\n", i+1)).Commit("c")
	}
	s.src.Tag("v1", "main", true)
	runGit(t, s.git, "repack", "-a", "-d", "-q")
	s.publish(t)

	m := &mirror.Mirrors{Dir: t.TempDir()}
	s.sync(t, m)
	first := s.srv.take()
	if count(first, ".pack") != 1 || count(first, ".idx") != 1 || count(first, "/objects/")-count(first, "/objects/info/")-2 != 0 {
		t.Errorf("first sync requested %q", first)
	}

	// go-git's view of the source is stale after git repack: commit with git.
	if err := os.WriteFile(filepath.Join(s.src.Dir, "b.txt"), []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, s.src.Dir, "add", "b.txt")
	runGit(t, s.src.Dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "new")
	s.publish(t)
	s.sync(t, m)
	second := s.srv.take()
	if count(second, ".pack") != 0 || count(second, ".idx") != 0 {
		t.Errorf("second sync downloaded a pack again: %q", second)
	}
	if n := count(second, "/objects/") - count(second, "/objects/info/"); n != 3 {
		t.Errorf("second sync fetched %d objects, want 3: %q", n, second)
	}
}

// TestDumbAuth sends the token from the environment to a dumb server as
// basic authentication, and never shows it in an error.
func TestDumbAuth(t *testing.T) {
	s := newServed(t)
	s.src.Write("a.txt", "one\n").Commit("one")
	s.publish(t)
	token := "tok-" + strings.Repeat("z9", 10)
	files := http.FileServer(http.Dir(s.root))
	var unauthenticated int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "x-access-token" || p != token {
			unauthenticated++
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	url := srv.URL + "/repo/.git"

	t.Setenv(mirror.TokenEnv, "wrong-"+token)
	_, err := mirror.FromEnv(t.TempDir()).Sync(context.Background(), url)
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "401") {
		t.Errorf("a wrong token: %v", err)
	}
	t.Setenv(mirror.TokenEnv, token)
	unauthenticated = 0
	path, err := mirror.FromEnv(t.TempDir()).Sync(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if unauthenticated != 0 || resolve(t, path, "refs/heads/main").String() != s.src.Head() {
		t.Errorf("%d requests without the token", unauthenticated)
	}

	// Without a token, the URL's own user and password.
	t.Setenv(mirror.TokenEnv, "")
	withPass := strings.Replace(url, "://", "://x-access-token:"+token+"@", 1)
	if _, err := mirror.FromEnv(t.TempDir()).Sync(context.Background(), withPass); err != nil {
		t.Errorf("with the password in the URL: %v", err)
	}
	wrong := strings.Replace(url, "://", "://x-access-token:wrong-"+token+"@", 1)
	_, err = mirror.FromEnv(t.TempDir()).Sync(context.Background(), wrong)
	if err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("a wrong password in the URL: %v", err)
	}
}

// TestDumbHostile serves broken and hostile repositories: each Sync fails
// with an error that says what is wrong, without a panic, and a failed
// clone leaves nothing in the mirror directory.
func TestDumbHostile(t *testing.T) {
	cases := []struct {
		name   string
		limits mirror.Limits
		spoil  func(t *testing.T, s *served)
		want   string
	}{
		{name: "pack name with ../", spoil: func(t *testing.T, s *served) {
			os.WriteFile(filepath.Join(s.git, "objects", "info", "packs"), []byte("P ../../../../etc/pack-"+strings.Repeat("a", 40)+".pack\n"), 0o644)
		}, want: "not a pack"},
		{name: "object not matching its name", spoil: func(t *testing.T, s *served) {
			blob := s.src.BlobID("main", "a.txt")
			other := s.src.BlobID("main", "b.txt")
			data, err := os.ReadFile(filepath.Join(s.git, "objects", other[:2], other[2:]))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(s.git, "objects", blob[:2], blob[2:]), data, 0o644)
		}, want: "does not match its name"},
		{name: "data after an object", spoil: func(t *testing.T, s *served) {
			blob := s.src.BlobID("main", "a.txt")
			name := filepath.Join(s.git, "objects", blob[:2], blob[2:])
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			os.Chmod(name, 0o644)
			os.WriteFile(name, append(data, "more"...), 0o644)
		}, want: "data after its zlib stream"},
		{name: "truncated pack", spoil: func(t *testing.T, s *served) {
			runGit(t, s.git, "repack", "-a", "-d", "-q")
			packs, _ := filepath.Glob(filepath.Join(s.git, "objects", "pack", "*.pack"))
			fi, err := os.Stat(packs[0])
			if err != nil {
				t.Fatal(err)
			}
			os.Truncate(packs[0], fi.Size()/2)
		}, want: ".pack: "},
		{name: "index claiming more objects than it holds", spoil: func(t *testing.T, s *served) {
			runGit(t, s.git, "repack", "-a", "-d", "-q")
			idxs, _ := filepath.Glob(filepath.Join(s.git, "objects", "pack", "*.idx"))
			data, err := os.ReadFile(idxs[0])
			if err != nil {
				t.Fatal(err)
			}
			// Fan-out (after the 8-byte header): a million objects, all
			// starting with byte 00.
			for k := range 256 {
				binary.BigEndian.PutUint32(data[8+4*k:], 1<<20)
			}
			os.Chmod(idxs[0], 0o644)
			os.WriteFile(idxs[0], data, 0o644)
		}, want: "inconsistent with object count"},
		{name: "missing object", spoil: func(t *testing.T, s *served) {
			s.src.RemoveObject(s.src.BlobID("main", "a.txt"))
		}, want: "neither loose nor in a pack"},
		{name: "bad ref name", spoil: func(t *testing.T, s *served) {
			os.WriteFile(filepath.Join(s.git, "info", "refs"), []byte(s.src.Head()+"\trefs/heads/../../../x\n"), 0o644)
		}, want: "bad ref name"},
		{name: "not a repository", spoil: func(t *testing.T, s *served) {
			os.Remove(filepath.Join(s.git, "info", "refs"))
		}, want: "not a git repository"},
		{name: "html page", spoil: func(t *testing.T, s *served) {
			os.WriteFile(filepath.Join(s.git, "info", "refs"), []byte("<html>sign in</html>\n"), 0o644)
		}, want: "not a git repository"},
		{name: "too many objects", limits: mirror.Limits{Objects: 3}, want: "more than 3 objects"},
		{name: "too many bytes", limits: mirror.Limits{Bytes: 200}, want: "more than 200 bytes may be downloaded"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServed(t)
			s.src.Write("a.txt", "one\n").Write("b.txt", "two\n").Commit("one")
			s.src.Write("a.txt", "three\n").Commit("two")
			s.publish(t)
			if c.spoil != nil {
				c.spoil(t, s)
			}
			m := &mirror.Mirrors{Dir: t.TempDir(), Limits: c.limits}
			_, err := m.Sync(context.Background(), s.url)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if entries, _ := os.ReadDir(m.Dir); len(entries) != 0 {
				t.Errorf("a failed clone left %d entries", len(entries))
			}
		})
	}
}

// TestDumbFetchFails checks that a fetch that fails (a truncated object)
// leaves the mirror's refs as they were and no temporary file, and that
// the next Sync, once the server is repaired, completes the mirror.
func TestDumbFetchFails(t *testing.T) {
	s := newServed(t)
	s.src.Write("a.txt", "one\n").Commit("one")
	s.publish(t)
	m := &mirror.Mirrors{Dir: t.TempDir()}
	path, err := m.Sync(context.Background(), s.url)
	if err != nil {
		t.Fatal(err)
	}
	old := s.src.Head()
	s.src.Write("a.txt", "two\n").Write("b.txt", "b\n").Commit("two")
	s.publish(t)
	blob := s.src.BlobID("main", "b.txt")
	loose := filepath.Join(s.git, "objects", blob[:2], blob[2:])
	data, _ := os.ReadFile(loose)
	os.Chmod(loose, 0o644)
	os.WriteFile(loose, data[:len(data)/2], 0o644)
	if _, err := m.Sync(context.Background(), s.url); err == nil {
		t.Fatal("a fetch with a truncated object succeeded")
	}
	if tmps, _ := filepath.Glob(filepath.Join(path, "objects", "pack", "tmp_*")); len(tmps) != 0 {
		t.Errorf("a failed fetch left %q", tmps)
	}
	if got := resolve(t, path, "refs/heads/main"); got != plumbing.NewHash(old) {
		t.Errorf("main moved to %s after a failed fetch", got)
	}
	os.WriteFile(loose, data, 0o644)
	s.sync(t, m)
	if _, err := git.PlainOpen(path); err != nil {
		t.Fatal(err)
	}
}

// TestDumbStall gives up on a server that stops sending, in the answer's
// headers or in its body, and stops when the context ends.
func TestDumbStall(t *testing.T) {
	s := newServed(t)
	s.src.Write("a.txt", "one\n").Commit("one")
	s.publish(t)
	defer mirror.SetIdleTimeout(200 * time.Millisecond)()
	// Closed before the servers close, which wait for their handlers.
	release := make(chan struct{})
	// stall starts an object's body, one byte of 1000, and sends no more.
	stall := func(w http.ResponseWriter) {
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte{0x78})
		w.(http.Flusher).Flush()
		<-release
	}
	files := http.FileServer(http.Dir(s.root))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/HEAD"):
			<-release // no answer
		case strings.Contains(r.URL.Path, "/objects/"):
			stall(w)
		default:
			files.ServeHTTP(w, r)
		}
	}))
	defer srv.Close()
	m := &mirror.Mirrors{Dir: t.TempDir()}
	_, err := m.Sync(context.Background(), srv.URL+"/repo/.git")
	if err == nil || !strings.Contains(err.Error(), "HEAD: nothing received for 200ms") {
		t.Errorf("a server that does not answer: %v", err)
	}

	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/objects/") && !strings.Contains(r.URL.Path, "/info/") {
			stall(w)
			return
		}
		files.ServeHTTP(w, r)
	}))
	defer srv2.Close()
	defer close(release)
	_, err = m.Sync(context.Background(), srv2.URL+"/repo/.git")
	if err == nil || !strings.Contains(err.Error(), "nothing received for 200ms") {
		t.Errorf("a body that stalls: %v", err)
	}

	defer mirror.SetIdleTimeout(time.Hour)()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = m.Sync(ctx, srv2.URL+"/repo/.git")
	if err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Errorf("a context that ends: %v", err)
	}
}
