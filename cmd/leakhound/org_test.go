package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/internal/testtool"
)

// orgRepos builds three repositories holding the seed recipes' GitHub
// token, and one more secret each.
func orgRepos(t *testing.T) []string {
	t.Helper()
	var dirs []string
	for _, r := range orgGitRepos(t) {
		dirs = append(dirs, r.Dir)
	}
	return dirs
}

func orgGitRepos(t *testing.T) []*gittest.Repo {
	t.Helper()
	var repos []*gittest.Repo
	for i := range 3 {
		r := gittest.New(t)
		r.Write("README.md", "# service\n").Commit("init")
		r.Write("ci.env", fmt.Sprintf("%s=%s\n", "GITHUB_TOKEN", gittest.Secrets()["github-token"])).Commit("ci")
		// ghp_ and 36 characters: one more would be a near miss of
		// GitHub's format, which no rule reports.
		r.Write("app.env", fmt.Sprintf("GITHUB_TOKEN=ghp_%s%02d\n", "Wq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQeRtUi", i)).Commit("app")
		repos = append(repos, r)
	}
	return repos
}

func TestScanSeveralRepositoriesCLI(t *testing.T) {
	dirs := orgRepos(t)
	missing := filepath.Join(t.TempDir(), "missing")
	var out, errb bytes.Buffer
	list := strings.Join(append([]string{"# fleet", missing}, dirs[1:]...), "\n")
	code := runContext(context.Background(), []string{"scan", "--no-progress", "--cache-dir", t.TempDir(), "-f", "json", "--repos", "-", dirs[0]},
		stdio{in: strings.NewReader(list), out: &out, err: &errb})
	if code != 2 || !strings.Contains(errb.String(), "1 repository could not be scanned: "+missing) {
		t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
	}
	var rep struct {
		Findings []struct {
			Repository string `json:"repository"`
			Locations  []struct {
				Repository string `json:"repository"`
			} `json:"locations"`
		} `json:"findings"`
		Summary struct {
			Repositories []struct {
				Repository string `json:"repository"`
				Error      string `json:"error"`
				Findings   int    `json:"findings"`
			} `json:"repositories"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	// The shared token once, located in all three; one more secret each.
	if len(rep.Findings) != 4 {
		t.Fatalf("%d findings, want 4:\n%s", len(rep.Findings), out.String())
	}
	if n := len(rep.Findings[0].Locations); n != 2 || rep.Findings[0].Repository != dirs[0] && rep.Findings[0].Repository > dirs[1] {
		t.Errorf("first finding: %+v", rep.Findings[0])
	}
	if len(rep.Summary.Repositories) != 4 {
		t.Errorf("repositories: %+v", rep.Summary.Repositories)
	}
	for _, r := range rep.Summary.Repositories {
		if (r.Repository == missing) != (r.Error != "") || r.Error == "" && r.Findings != 2 {
			t.Errorf("repository line %+v", r)
		}
	}
}

func TestShardAndMergeCLI(t *testing.T) {
	dirs := orgRepos(t)
	tmp := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	listFile := filepath.Join(tmp, "repos.txt")
	if err := os.WriteFile(listFile, []byte(strings.Join(dirs, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	whole := filepath.Join(tmp, "whole.json")
	if r := runLH(t, "", "scan", "--no-progress", "--no-cache", "--repos", listFile, "-f", "json", "-o", whole); r.code != 1 {
		t.Fatalf("whole: exit %d: %s", r.code, r.err)
	}
	var parts []string
	for k := range 3 {
		p := filepath.Join(tmp, fmt.Sprintf("shard-%d.json", k))
		r := runLH(t, "", "scan", "--no-progress", "--no-cache", "--repos", listFile, "--shard", fmt.Sprintf("%d/3", k), "-f", "json", "-o", p)
		if r.code != 0 && r.code != 1 {
			t.Fatalf("shard %d: exit %d: %s", k, r.code, r.err)
		}
		parts = append(parts, p)
	}
	merged := filepath.Join(tmp, "merged.json")
	if r := runLH(t, "", append([]string{"merge", "-f", "json", "-o", merged}, parts...)...); r.code != 1 {
		t.Fatalf("merge: exit %d: %s", r.code, r.err)
	}
	if a, b := findingsOf(t, merged), findingsOf(t, whole); a != b {
		t.Errorf("merged shards:\n%s\none run:\n%s", a, b)
	}
	if r := runLH(t, "", "merge", filepath.Join(tmp, "nope.json")); r.code != 2 {
		t.Errorf("merge of a missing report: exit %d", r.code)
	}
	if r := runLH(t, "", "scan", "--shard", "3/3", dirs[0]); r.code != 2 || !strings.Contains(r.err, "0 <= K < N") {
		t.Errorf("bad shard: exit %d: %s", r.code, r.err)
	}
}

// findingsOf returns a JSON report's findings and repository lines.
func findingsOf(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Findings json.RawMessage `json:"findings"`
		Summary  struct {
			Repositories []map[string]any `json:"repositories"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	for _, r := range v.Summary.Repositories {
		delete(r, "duration_seconds")
	}
	repos, _ := json.Marshal(v.Summary.Repositories)
	return string(v.Findings) + "\n" + string(repos)
}

// TestScanCloneURLs scans repositories by file:// URL, through mirrors,
// twice: the second run fetches a new commit and reports its secret.
func TestScanCloneURLs(t *testing.T) {
	repos := orgGitRepos(t)
	dirs := []string{repos[0].Dir, repos[1].Dir, repos[2].Dir}
	mirrors := t.TempDir()
	urls := []string{"file://" + dirs[0], "file://" + dirs[1], dirs[2]}
	args := append([]string{"scan", "--no-progress", "--no-cache", "--mirror-dir", mirrors, "-f", "json"}, urls...)
	r := runLH(t, "", args...)
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if !strings.Contains(r.out, `"repository": "file://`+dirs[0]+`"`) || len(parseJSON(t, r.out).Findings) != 4 {
		t.Errorf("report:\n%s", r.out)
	}
	repos[0].Write("new.env", "GITHUB_TOKEN=ghp_"+"Nq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQe2HWTHN\n").Commit("new")
	r = runLH(t, "", args...)
	if n := len(parseJSON(t, r.out).Findings); n != 5 || r.code != 1 {
		t.Errorf("after a new commit: exit %d, %d findings, want 5:\n%s", r.code, n, r.err)
	}
	r = runLH(t, "", "scan", "--no-progress", "--no-cache", "--mirror-dir", mirrors, "file://"+filepath.Join(t.TempDir(), "none"), dirs[1])
	if r.code != 2 || !strings.Contains(r.err, "could not be scanned") {
		t.Errorf("a clone refused: exit %d: %s", r.code, r.err)
	}
}

// TestScanCacheCLI scans several repositories twice with the scan cache:
// the second run reads only what changed and reports the same findings;
// --no-cache reads everything.
func TestScanCacheCLI(t *testing.T) {
	repos := orgGitRepos(t)
	cache := t.TempDir()
	args := []string{"scan", "--no-progress", "--cache-dir", cache, "-f", "json", repos[0].Dir, repos[1].Dir}
	type line struct {
		Blobs  int `json:"blobs"`
		Cached int `json:"cached"`
	}
	type rep struct {
		Findings json.RawMessage `json:"findings"`
		Summary  struct {
			Repositories []line `json:"repositories"`
		} `json:"summary"`
	}
	scanned := func(args ...string) rep {
		t.Helper()
		r := runLH(t, "", args...)
		if r.code != 1 {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		var v rep
		if err := json.Unmarshal([]byte(r.out), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	first := scanned(args...)
	second := scanned(args...)
	if string(first.Findings) != string(second.Findings) {
		t.Errorf("re-scan findings differ:\n%s\n%s", second.Findings, first.Findings)
	}
	for i, l := range second.Summary.Repositories {
		if l.Cached == 0 || l.Cached+l.Blobs != first.Summary.Repositories[i].Blobs {
			t.Errorf("re-scan of repository %d: %+v, first scan %+v", i, l, first.Summary.Repositories[i])
		}
	}
	repos[0].Write("more.txt", "nothing here\n").Commit("more")
	third := scanned(args...)
	if l := third.Summary.Repositories[0]; l.Blobs != 1+2 || string(third.Findings) != string(first.Findings) {
		t.Errorf("after one commit: %+v (want the new blob and the two holding secrets read)", l)
	}
	none := scanned(append(args, "--no-cache")...)
	if l := none.Summary.Repositories[0]; l.Cached != 0 {
		t.Errorf("--no-cache: %+v", l)
	}
}

// TestScanDumbHTTP scans, by URL, a repository served by a static file
// server (git's dumb HTTP protocol) and finds its secret in the commit
// that added it; with a second repository that is not there, the scan
// still reports the first and exits 2.
func TestScanDumbHTTP(t *testing.T) {
	testtool.Need(t, "git", "git")
	root := t.TempDir()
	src := gittest.NewAt(t, filepath.Join(root, "repo"))
	src.Write("README.md", "# service\n").Commit("init")
	leaky := src.Write("ci.env", "GITHUB_TOKEN="+gittest.Secrets()["github-token"]+"\n").Commit("ci")
	src.Write("README.md", "# service, documented\n").Commit("docs")
	mustGit(t, nil, filepath.Join(src.Dir, ".git"), "update-server-info")
	srv := httptest.NewServer(http.FileServer(http.Dir(root)))
	defer srv.Close()
	url := srv.URL + "/repo/.git"

	r := runLH(t, "", "scan", "--no-progress", "--no-cache", "--mirror-dir", t.TempDir(), "-f", "json", url, srv.URL+"/none.git")
	if r.code != 2 || !strings.Contains(r.err, "none.git") || !strings.Contains(r.err, "not a git repository") {
		t.Errorf("exit %d: %s", r.code, r.err)
	}
	rep := parseJSON(t, r.out)
	f := find(rep, "github-pat")
	if f == nil || f.Commit != leaky || f.File != "ci.env" {
		t.Fatalf("finding %+v, want ci.env in %s:\n%s", f, leaky, r.out)
	}
}

// TestScanCacheIncompleteRepositoryCLI: a repository that lacks a blob is
// reported incomplete (exit status 2, the blob named) by the re-scan with
// no change too, which the record of the last scan answers.
func TestScanCacheIncompleteRepositoryCLI(t *testing.T) {
	repos := orgGitRepos(t)
	r := repos[1]
	r.Write("lost.txt", "lost\n").Commit("lost")
	lost := r.BlobID("HEAD", "lost.txt")
	r.RemoveObject(lost)
	args := []string{"scan", "--no-progress", "--cache-dir", t.TempDir(), "-f", "json", repos[0].Dir, r.Dir}
	var outs []string
	for pass := range 2 {
		res := runLH(t, "", args...)
		if res.code != 2 || !strings.Contains(res.err, lost) || !strings.Contains(res.err, r.Dir) {
			t.Errorf("pass %d: exit %d, stderr %s", pass, res.code, res.err)
		}
		var v struct {
			Findings json.RawMessage `json:"findings"`
		}
		if err := json.Unmarshal([]byte(res.out), &v); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, string(v.Findings))
	}
	if outs[0] != outs[1] {
		t.Errorf("the re-scan's findings differ:\n%s\n%s", outs[1], outs[0])
	}
}
