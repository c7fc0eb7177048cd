package org_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/org"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// fleet builds n small repositories: each has a secret of its own, and
// every third one also the token the seed recipes share, so that one
// secret is found in several repositories. The first is the django seed.
func fleet(t *testing.T, n int) []string {
	t.Helper()
	secrets := gittest.Secrets()
	dirs := []string{gittest.BuildRecipe(t, filepath.Join("..", "testdata", "seeds", "django.recipe"), secrets).Dir}
	for i := 1; i < n; i++ {
		r := gittest.New(t)
		r.Write("README.md", fmt.Sprintf("# project %d\n", i)).Commit("init")
		own := fmt.Sprintf("ghp_%s%04d", "Zq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQe", i) + "Ab"
		r.Write("deploy/env.sh", "export GITHUB_TOKEN="+own+"\n").Commit("deploy script")
		if i%3 == 0 {
			r.Write("ci/token.txt", "token: "+secrets["github-token"]+"\n").Commit("ci token")
		}
		r.Write("deploy/env.sh", "export GITHUB_TOKEN=$VAULT_TOKEN\n").Commit("take the token from the vault")
		dirs = append(dirs, r.Dir)
	}
	return dirs
}

func runOrg(t *testing.T, repos []string, opts org.Options) *report.Report {
	t.Helper()
	rep, err := org.Run(context.Background(), repos, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// single scans one repository as `leakhound scan PATH` does.
func single(t *testing.T, dir string) *report.Report {
	t.Helper()
	tg, err := scan.OpenTarget(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	s, err := scan.LoadSettings(context.Background(), tg.Policy(scan.Policy{}))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), tg.All(), scan.Options{Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// places returns every place (repository, file, line, commit) of every
// finding of fp.
func places(fs []leak.Finding) map[string][]string {
	out := map[string][]string{}
	for _, f := range fs {
		for _, l := range append([]leak.Location{f.Location}, f.Locations...) {
			out[f.Fingerprint] = append(out[f.Fingerprint], fmt.Sprintf("%s %s:%d %s", l.Repository, l.File, l.Line, l.Commit))
		}
		slices.Sort(out[f.Fingerprint])
	}
	return out
}

// TestSeveralRepositories scans several repositories in one run: every
// place each single-repository scan reports is in the one report, under
// its repository; a secret in several repositories is one finding; the
// summary has a line per repository; a missing repository is reported and
// the others complete.
func TestSeveralRepositories(t *testing.T) {
	t.Parallel()
	dirs := fleet(t, 7)
	missing := filepath.Join(t.TempDir(), "gone")
	list := append(slices.Clone(dirs), missing)
	rep := runOrg(t, list, org.Options{Threads: 2})

	want := map[string][]string{}
	inHead := map[string]bool{}
	for _, d := range dirs {
		one := single(t, d)
		for i := range one.Findings {
			f := &one.Findings[i]
			f.Repository = d
			for j := range f.Locations {
				f.Locations[j].Repository = d
			}
			inHead[f.Fingerprint] = inHead[f.Fingerprint] || f.InHead
		}
		for fp, ps := range places(one.Findings) {
			want[fp] = append(want[fp], ps...)
		}
	}
	for fp := range want {
		slices.Sort(want[fp])
	}
	got := places(rep.Findings)
	if len(got) != len(want) {
		t.Errorf("%d distinct secrets, want %d", len(got), len(want))
	}
	for fp, w := range want {
		if !slices.Equal(got[fp], w) {
			t.Errorf("%s: places\n%s\nwant\n%s", fp, strings.Join(got[fp], "\n"), strings.Join(w, "\n"))
		}
	}
	shared := leak.Fingerprint("github-pat", gittest.Secrets()["github-token"])
	if _, ok := got[shared]; !ok {
		t.Fatalf("no finding of the shared token (%s)", shared)
	}
	for _, f := range rep.Findings {
		if f.InHead != inHead[f.Fingerprint] {
			t.Errorf("%s: in_head %v, want %v", f.Fingerprint, f.InHead, inHead[f.Fingerprint])
		}
		if f.Fingerprint == shared {
			repos := map[string]bool{f.Repository: true}
			for _, l := range f.Locations {
				repos[l.Repository] = true
			}
			if len(repos) < 3 {
				t.Errorf("the shared token is located in %d repositories, want 3 at least", len(repos))
			}
		}
	}
	s := rep.Summary
	if len(s.Repositories) != len(list) {
		t.Fatalf("%d repository lines, want %d", len(s.Repositories), len(list))
	}
	failed := s.Failed()
	if len(failed) != 1 || failed[0].Repository != missing || !s.Incomplete {
		t.Errorf("failed = %+v, incomplete %v; want only %s", failed, s.Incomplete, missing)
	}
	commits := 0
	for _, r := range s.Repositories {
		if r.Repository != missing && (r.Commits == 0 || r.Findings == 0) {
			t.Errorf("%s: %+v", r.Repository, r)
		}
		commits += r.Commits
	}
	if commits != s.Commits {
		t.Errorf("summary commits %d, sum of the repositories' %d", s.Commits, commits)
	}
	var b bytes.Buffer
	report.Text{}.Write(&b, rep)
	for _, d := range list {
		if !strings.Contains(b.String(), d) {
			t.Errorf("text report does not name %s:\n%s", d, b.String())
		}
	}
}

// TestShardsMergedEqualOneRun splits a list into N shards, scans each,
// writes its JSON report, reads them back and merges them: the result is
// the report of one run over the whole list, whatever N.
func TestShardsMergedEqualOneRun(t *testing.T) {
	t.Parallel()
	dirs := fleet(t, 8)
	dirs = append(dirs, filepath.Join(t.TempDir(), "gone"))
	whole := runOrg(t, dirs, org.Options{Threads: 2})
	for _, n := range []int{1, 3, 4} {
		reversed := slices.Clone(dirs)
		slices.Reverse(reversed)
		comb := report.NewCombiner()
		total := 0
		for k := range n {
			part := org.Shard{K: k, N: n}.Of(reversed)
			total += len(part)
			rep := runOrg(t, part, org.Options{Threads: 1})
			var b bytes.Buffer
			if err := (report.JSON{ShowSecrets: true}).Write(&b, rep); err != nil {
				t.Fatal(err)
			}
			back, err := report.ReadJSON(&b)
			if err != nil {
				t.Fatal(err)
			}
			comb.AddCombined(back)
		}
		if total != len(dirs) {
			t.Fatalf("N=%d: shards hold %d repositories, want %d", n, total, len(dirs))
		}
		merged := comb.Report()
		if a, b := canon(t, merged), canon(t, whole); a != b {
			t.Errorf("N=%d: merged shards differ from one run:\n%s\nwant\n%s", n, a, b)
		}
	}
}

// canon is a report's JSON without the durations.
func canon(t *testing.T, r *report.Report) string {
	t.Helper()
	c := *r
	c.Summary.Duration = 0
	c.Summary.Repositories = slices.Clone(c.Summary.Repositories)
	for i := range c.Summary.Repositories {
		c.Summary.Repositories[i].Seconds = 0
	}
	var b bytes.Buffer
	if err := (report.JSON{ShowSecrets: true}).Write(&b, &c); err != nil {
		t.Fatal(err)
	}
	var v any
	json.Unmarshal(b.Bytes(), &v)
	out, _ := json.MarshalIndent(v, "", " ")
	return string(out)
}

func TestShardOfIsStableAndCovers(t *testing.T) {
	list := []string{"https://example.com/a.git", "b", "/srv/c", "git@host:d.git", "file:///e"}
	for _, n := range []int{1, 2, 3, 7} {
		seen := map[string]int{}
		for k := range n {
			for _, r := range (org.Shard{K: k, N: n}).Of(list) {
				seen[r]++
				if org.ShardOf(r, n) != k {
					t.Errorf("%s in shard %d of %d, ShardOf says %d", r, k, n, org.ShardOf(r, n))
				}
			}
		}
		for _, r := range list {
			if seen[r] != 1 {
				t.Errorf("N=%d: %s in %d shards", n, r, seen[r])
			}
		}
	}
	for _, bad := range []string{"3/3", "-1/2", "a/b", "1", "0/0"} {
		if _, err := org.ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) = nil error", bad)
		}
	}
	if s, err := org.ParseShard("2/5"); err != nil || s != (org.Shard{K: 2, N: 5}) {
		t.Errorf("ParseShard(2/5) = %v, %v", s, err)
	}
}

func TestReadListAndURLs(t *testing.T) {
	got, err := org.ReadList(strings.NewReader("# org\n\n/srv/a\n  https://u:p@example.com/b.git  \n/srv/a\ngit@github.com:o/c.git\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/srv/a", "https://u:p@example.com/b.git", "git@github.com:o/c.git"}
	if !slices.Equal(got, want) {
		t.Errorf("ReadList = %q, want %q", got, want)
	}
	for spec, isURL := range map[string]bool{"/srv/a": false, "./x:y": false, "https://h/r": true, "file:///tmp/r": true, "git@github.com:o/c.git": true, "ssh://git@h/r": true, "C:/repos/x": false} {
		if org.IsURL(spec) != isURL {
			t.Errorf("IsURL(%q) = %v", spec, !isURL)
		}
	}
	if n := org.DisplayName("https://user:secretpw@example.com/b.git"); strings.Contains(n, "secretpw") || strings.Contains(n, "user") {
		t.Errorf("DisplayName kept the credentials: %s", n)
	}
}

// TestThreadsBoundTheWork: no more repositories are scanned at once than
// Threads, and progress counts every repository once, up to the total.
func TestThreadsBoundTheWork(t *testing.T) {
	t.Parallel()
	dirs := fleet(t, 6)
	var urls []string
	for _, d := range dirs {
		urls = append(urls, "file://"+d)
	}
	var mu sync.Mutex
	running, most := 0, 0
	var dones []int
	opts := org.Options{
		Threads: 2,
		Open: func(ctx context.Context, url string) (string, error) {
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			time.Sleep(30 * time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			return strings.TrimPrefix(url, "file://"), nil
		},
		Progress: func(done, total int, repo string) {
			if total != len(urls) {
				t.Errorf("progress total %d, want %d", total, len(urls))
			}
			dones = append(dones, done)
		},
	}
	rep := runOrg(t, urls, opts)
	if most != 2 {
		t.Errorf("%d repositories at once, want 2", most)
	}
	if !slices.Equal(dones, []int{1, 2, 3, 4, 5, 6}) {
		t.Errorf("progress %v", dones)
	}
	if len(rep.Summary.Repositories) != len(urls) || len(rep.Summary.Failed()) != 0 {
		t.Errorf("repositories %+v", rep.Summary.Repositories)
	}
}
