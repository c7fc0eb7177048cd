package scan_test

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/archivetest"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// Secrets packed in archives, assembled at run time.
var (
	arcGitHub = gittest.Secrets()["github-token"]
	arcAWS    = "AKIA" + "Z7QK3MXB2VN4LWPD"
	arcStripe = "sk_live_" + "51Hq8ZkX3mP9vL2nR7tW4bY6cJ0dF5gS1a"
	arcSlack  = gittest.Secrets()["slack-webhook"]
)

// envFile is a .env file whose second line sets name to secret: the
// secret is at line 2, column len(name)+2.
func envFile(name, secret string) string { return "APP=demo\n" + name + "=" + secret + "\n" }

type entry = archivetest.File

var (
	zipBytes = archivetest.Zip
	tgzBytes = archivetest.TarGz
)

// archiveRepo builds a repository whose first commit holds:
//
//	release.zip     config/.env (GitHub token), other/.env (Slack webhook)
//	release.tar.gz  config/.env (the same GitHub token)
//	nest.zip        lib/inner.jar holding deep/.env (AWS key): depth 2
//	deep.zip        a.zip holding b.zip holding .env (Stripe key): depth 3
//	broken.zip      a zip's magic and nothing of a zip
//
// and whose second commit replaces release.zip by a version that adds a
// README (no secret new), and removes nest.zip.
func archiveRepo(t *testing.T) (r *gittest.Repo, first, second string) {
	t.Helper()
	r = gittest.New(t)
	gh := envFile("GITHUB_TOKEN", arcGitHub)
	slack := envFile("SLACK_WEBHOOK_URL", arcSlack)
	inner := zipBytes(t, entry{Name: "deep/.env", Data: envFile("AWS_ACCESS_KEY_ID", arcAWS)})
	b := zipBytes(t, entry{Name: ".env", Data: envFile("STRIPE_KEY", arcStripe)})
	a := zipBytes(t, entry{Name: "b.zip", Data: string(b)})
	r.WriteBytes("release.zip", zipBytes(t, entry{Name: "config/.env", Data: gh}, entry{Name: "other/.env", Data: slack})).
		WriteBytes("release.tar.gz", tgzBytes(t, entry{Name: "config/.env", Data: gh})).
		WriteBytes("nest.zip", zipBytes(t, entry{Name: "lib/inner.jar", Data: string(inner)})).
		WriteBytes("deep.zip", zipBytes(t, entry{Name: "a.zip", Data: string(a)})).
		WriteBytes("broken.zip", append([]byte("PK\x03\x04"), make([]byte, 100)...))
	first = r.Commit("add releases")
	r.WriteBytes("release.zip", zipBytes(t, entry{Name: "config/.env", Data: gh}, entry{Name: "other/.env", Data: slack}, entry{Name: "README", Data: "read me\n"})).
		Remove("nest.zip")
	second = r.Commit("rebuild release, drop nest")
	return r, first, second
}

// byRule returns the findings of rep by rule id.
func byRule(rep *report.Report) map[string]*leak.Finding {
	out := map[string]*leak.Finding{}
	for i := range rep.Findings {
		out[rep.Findings[i].RuleID] = &rep.Findings[i]
	}
	return out
}

// places lists where f was found, "file:line:col@commit", sorted.
func places(f *leak.Finding) []string {
	ls := append([]leak.Location{f.Location}, f.Locations...)
	var out []string
	for _, l := range ls {
		out = append(out, l.File+":"+itoa(l.Line)+":"+itoa(l.Column)+"@"+short(l.Commit))
	}
	sort.Strings(out)
	return out
}

func itoa(n int) string {
	return strings.TrimLeft(string([]byte{byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)}), "0")
}

func short(c string) string {
	if len(c) > 7 {
		return c[:7]
	}
	return c
}

// TestXzAndZstdInHistory checks that files inside xz and zstd streams
// committed to a history are found and named by the stream: a tar.xz, a
// tar.zst, a single file in each, and an xz stream whose header asks for a
// 1 GiB dictionary, which is counted as too large, not opened.
func TestXzAndZstdInHistory(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	gh := envFile("GITHUB_TOKEN", arcGitHub)
	tr := archivetest.Tar(t, entry{Name: "config/.env", Data: gh})
	huge := archivetest.XzDeclaring(t, []byte("A=1\n"), 36) // a 1 GiB dictionary
	r.WriteBytes("dist/release.tar.xz", archivetest.Xz(t, tr)).
		WriteBytes("dist/release.tar.zst", archivetest.Zstd(t, tr)).
		WriteBytes("backup/app.env.xz", archivetest.Xz(t, []byte(gh))).
		WriteBytes("backup/app.env.zst", archivetest.Zstd(t, []byte(gh))).
		WriteBytes("backup/huge.env.xz", huge)
	first := r.Commit("add releases")
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.History{Repo: repo, Name: r.Dir}, scan.Options{})
	f := byRule(rep)["github-pat"]
	if f == nil {
		t.Fatalf("no GitHub token found in xz or zstd streams: %+v", rep.Findings)
	}
	at := "2:14@" + short(first)
	if got, want := places(f), []string{
		"backup/app.env.xz!app.env:" + at,
		"backup/app.env.zst!app.env:" + at,
		"dist/release.tar.xz!config/.env:" + at,
		"dist/release.tar.zst!config/.env:" + at,
	}; !slices.Equal(got, want) {
		t.Errorf("GitHub token at %q, want %q", got, want)
	}
	if n := rep.Summary.Skipped[leak.SkipTooLarge]; n != 1 {
		t.Errorf("skipped %v, want huge.env.xz counted too large", rep.Summary.Skipped)
	}
}

func TestArchivesInHistory(t *testing.T) {
	t.Parallel()
	r, first, _ := archiveRepo(t)
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.History{Repo: repo, Name: r.Dir}, scan.Options{})
	fs := byRule(rep)
	gh := fs["github-pat"]
	if gh == nil {
		t.Fatalf("no GitHub token found in release.zip or release.tar.gz: %+v", rep.Findings)
	}
	// One secret in two archives is one finding; the rebuilt release.zip,
	// which still holds it, introduced nothing.
	if got, want := places(gh), []string{
		"release.tar.gz!config/.env:2:14@" + short(first),
		"release.zip!config/.env:2:14@" + short(first),
	}; !slices.Equal(got, want) {
		t.Errorf("GitHub token at %q, want %q", got, want)
	}
	if !gh.InHead || !slices.Contains(gh.Refs, "refs/heads/main") {
		t.Errorf("GitHub token: in HEAD %v, refs %q; want still in main", gh.InHead, gh.Refs)
	}
	if gh.Context.Path != "code" {
		t.Errorf("GitHub token judged %q, want code", gh.Context.Path)
	}
	if s := fs["slack-webhook"]; s == nil {
		t.Errorf("no Slack webhook found in release.zip!other/.env: %+v", rep.Findings)
	} else if got := places(s); len(got) != 1 || !strings.HasPrefix(got[0], "release.zip!other/.env:2:") {
		t.Errorf("Slack webhook at %q, want once in release.zip!other/.env", got)
	}
	// Two levels deep: found, and no longer in HEAD (nest.zip removed).
	var aws *leak.Finding
	for i := range rep.Findings {
		if rep.Findings[i].Secret == arcAWS {
			aws = &rep.Findings[i]
		}
	}
	if aws == nil {
		t.Fatalf("no AWS key found two archives deep: %+v", rep.Findings)
	}
	if aws.File != "nest.zip!lib/inner.jar!deep/.env" || aws.Line != 2 || aws.Column != 19 || aws.Commit != first {
		t.Errorf("AWS key at %s:%d:%d@%s, want nest.zip!lib/inner.jar!deep/.env:2:19@%s", aws.File, aws.Line, aws.Column, aws.Commit, first)
	}
	if aws.InHead {
		t.Errorf("AWS key in HEAD, but nest.zip was removed")
	}
	// Three levels deep: not opened, counted.
	for _, f := range rep.Findings {
		if f.Secret == arcStripe {
			t.Errorf("Stripe key found three archives deep with the default depth: %s", f.File)
		}
	}
	sk := rep.Summary.Skipped
	if sk[leak.SkipArchiveDepth] != 1 || sk[leak.SkipArchiveError] != 1 {
		t.Errorf("skipped %v, want 1 archive-depth (deep.zip!a.zip!b.zip) and 1 archive-error (broken.zip)", sk)
	}
	if rep.Summary.Errors != 0 || rep.Summary.Incomplete {
		t.Errorf("a broken archive made the scan incomplete: %d errors", rep.Summary.Errors)
	}
	var named []string
	for _, f := range rep.Summary.SkippedFiles {
		named = append(named, f.Path+" "+string(f.Reason))
	}
	for _, want := range []string{"broken.zip archive-error", "deep.zip!a.zip!b.zip archive-depth"} {
		if !slices.Contains(named, want) {
			t.Errorf("skipped files %q, want %q named", named, want)
		}
	}

	// Depth 3 opens b.zip.
	rep = run(t, repo, &scan.History{Repo: repo, Name: r.Dir}, scan.Options{MaxArchiveDepth: 3})
	found := false
	for _, f := range rep.Findings {
		found = found || f.Secret == arcStripe && f.File == "deep.zip!a.zip!b.zip!.env"
	}
	if !found {
		t.Errorf("depth 3: no Stripe key in deep.zip!a.zip!b.zip!.env")
	}

	// Archive scanning off: nothing inside archives, archives skipped as binary.
	rep = run(t, repo, &scan.History{Repo: repo, Name: r.Dir}, scan.Options{MaxArchiveDepth: -1})
	if len(rep.Findings) != 0 {
		t.Errorf("archives off: %d findings, want none", len(rep.Findings))
	}
	if rep.Summary.Skipped[leak.SkipBinary] < 5 {
		t.Errorf("archives off: skipped %v, want the archives counted binary", rep.Summary.Skipped)
	}
}

// A file packed under tests/ is a test's, and a secret in a text file
// and in an archive is one finding.
func TestArchivesTriageAndDedup(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.WriteBytes("bundle.zip", zipBytes(t, entry{Name: "tests/fixtures/app.env", Data: envFile("AWS_ACCESS_KEY_ID", arcAWS)})).
		Write("deploy/settings.env", envFile("AWS_ACCESS_KEY_ID", arcAWS))
	r.Commit("add")
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.History{Repo: repo, Name: r.Dir}, scan.Options{})
	var f *leak.Finding
	for i := range rep.Findings {
		if rep.Findings[i].Secret == arcAWS {
			if f != nil {
				t.Fatalf("the AWS key is two findings, want one: %s and %s", f.File, rep.Findings[i].File)
			}
			f = &rep.Findings[i]
		}
	}
	if f == nil || len(f.Locations) != 1 {
		t.Fatalf("want the AWS key once with two places, got %+v", f)
	}
	for _, l := range append([]leak.Location{f.Location}, f.Locations...) {
		if l.File != "bundle.zip!tests/fixtures/app.env" && l.File != "deploy/settings.env" {
			t.Errorf("place %s", l.File)
		}
	}

	r2 := gittest.New(t)
	r2.WriteBytes("bundle.zip", zipBytes(t, entry{Name: "tests/fixtures/app.env", Data: envFile("AWS_ACCESS_KEY_ID", arcAWS)}))
	r2.Commit("add")
	repo2 := open(t, r2.Dir)
	rep = run(t, repo2, &scan.History{Repo: repo2, Name: r2.Dir}, scan.Options{})
	if len(rep.Findings) != 1 || rep.Findings[0].Context.Path != "fixture" && rep.Findings[0].Context.Path != "test" {
		t.Errorf("a key in bundle.zip!tests/fixtures/: %+v, want judged a test's or fixture's", rep.Findings)
	}

	// A package's distribution committed to the repository is someone
	// else's release: vendored, whatever its files are named.
	r3 := gittest.New(t)
	r3.WriteBytes("requirements/acme-client-1.4.2.zip", zipBytes(t, entry{Name: "acme-client-1.4.2/acme/settings.env", Data: envFile("AWS_ACCESS_KEY_ID", arcAWS)}))
	r3.Commit("add")
	repo3 := open(t, r3.Dir)
	rep = run(t, repo3, &scan.History{Repo: repo3, Name: r3.Dir}, scan.Options{})
	if len(rep.Findings) != 1 || rep.Findings[0].Context.Path != "vendored" {
		t.Errorf("a key in requirements/acme-client-1.4.2.zip!acme-client-1.4.2/: %+v, want judged vendored", rep.Findings)
	}
}

func TestArchivesInDirectory(t *testing.T) {
	t.Parallel()
	r, _, _ := archiveRepo(t)
	rep := run(t, nil, scan.Dir{Path: r.Dir}, scan.Options{})
	fs := byRule(rep)
	gh := fs["github-pat"]
	if gh == nil {
		t.Fatalf("directory scan: no GitHub token in release.zip: %+v", rep.Findings)
	}
	// The work tree holds the rebuilt release.zip and release.tar.gz.
	if got, want := places(gh), []string{"release.tar.gz!config/.env:2:14@", "release.zip!config/.env:2:14@"}; !slices.Equal(got, want) {
		t.Errorf("directory scan: GitHub token at %q, want %q", got, want)
	}
	if !gh.InHead {
		t.Errorf("directory scan: a finding not in HEAD")
	}
	if rep.Summary.Skipped[leak.SkipArchiveError] != 1 || rep.Summary.Errors != 0 {
		t.Errorf("directory scan: skipped %v, %d errors; want broken.zip counted, no error", rep.Summary.Skipped, rep.Summary.Errors)
	}
	// A single archive named as a file.
	rep = run(t, nil, scan.File{Path: r.Dir + "/release.tar.gz"}, scan.Options{})
	if len(rep.Findings) != 1 || !strings.HasSuffix(rep.Findings[0].File, "release.tar.gz!config/.env") {
		t.Errorf("file scan of release.tar.gz: %+v", rep.Findings)
	}
}

// recordingCache is a BlobCache that remembers what it was told.
type recordingCache struct {
	mu      sync.Mutex
	records map[string][]scan.BlobMatch
	paths   map[string][]string
}

func (c *recordingCache) Clean(string, []string) bool { return false }

func (c *recordingCache) Record(id string, paths []string, found []scan.BlobMatch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.records[id]; ok {
		c.records[id+" again"] = found
	}
	c.records[id], c.paths[id] = found, paths
}

// An archive is recorded in a BlobCache once, under its own paths, with
// the matches of every file inside it.
func TestArchivesCache(t *testing.T) {
	t.Parallel()
	r, first, _ := archiveRepo(t)
	repo := open(t, r.Dir)
	c := &recordingCache{records: map[string][]scan.BlobMatch{}, paths: map[string][]string{}}
	run(t, repo, &scan.History{Repo: repo, Name: r.Dir, IncludeIDs: nil, Include: []string{first}}, scan.Options{Cache: c})
	id := r.BlobID(first, "release.zip")
	found, ok := c.records[id]
	if !ok {
		t.Fatalf("release.zip (%s) not recorded; records %v", id, c.records)
	}
	if _, again := c.records[id+" again"]; again {
		t.Errorf("release.zip recorded more than once")
	}
	if !slices.Equal(c.paths[id], []string{"release.zip"}) {
		t.Errorf("release.zip recorded at %q, want its own path", c.paths[id])
	}
	if len(found) < 2 {
		t.Errorf("release.zip recorded with %d matches, want those of both its files", len(found))
	}
}

// A range that rebuilds an archive holding secrets it held before
// introduces none of them: the version before, outside the range, is
// opened to tell (what a merge request's scan sees).
func TestArchivesRangePrior(t *testing.T) {
	t.Parallel()
	r, first, second := archiveRepo(t)
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.History{Repo: repo, Name: r.Dir, Include: []string{second}, Exclude: []string{first}}, scan.Options{})
	if len(rep.Findings) != 0 {
		var got []string
		for _, f := range rep.Findings {
			got = append(got, f.File)
		}
		t.Errorf("range %s..%s: findings in %q, want none (the rebuilt release.zip adds no secret)", short(first), short(second), got)
	}
}

// Rules on paths alone see the files inside an archive: a key store
// packed in a zip is a finding, named by its path inside; text that only
// looks like an archive (a tar's magic at its offset) is scanned as text.
func TestArchivesPathRulesAndLookalikes(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	lookalike := []byte(strings.Repeat("#", 257) + "ustar\n" + envFile("AWS_ACCESS_KEY_ID", arcAWS))
	r.WriteBytes("certs.zip", zipBytes(t, entry{Name: "deploy/client.p12", Data: "\x30\x82\x00\x00 key store"})).
		WriteBytes("notes.txt", lookalike)
	r.Commit("add")
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.History{Repo: repo, Name: r.Dir}, scan.Options{})
	fs := byRule(rep)
	if f := fs["pkcs12-file"]; f == nil || f.File != "certs.zip!deploy/client.p12" || !f.InHead {
		t.Errorf("key store in certs.zip: %+v, want certs.zip!deploy/client.p12, still in HEAD", f)
	}
	found := false
	for _, f := range rep.Findings {
		found = found || f.Secret == arcAWS && f.File == "notes.txt"
	}
	if !found {
		t.Errorf("text with a tar's magic was not scanned as text: %+v", rep.Findings)
	}
}

// The pre-commit hook's scan of staged changes opens a staged archive.
func TestArchivesStaged(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("README", "hello\n")
	r.Commit("init")
	r.WriteBytes("dist/app.zip", zipBytes(t, entry{Name: ".env", Data: envFile("GITHUB_TOKEN", arcGitHub)}))
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.Staged{Repo: repo, Name: r.Dir}, scan.Options{Short: true})
	if len(rep.Findings) != 1 || rep.Findings[0].File != "dist/app.zip!.env" || !rep.Findings[0].Staged {
		t.Errorf("staged zip: %+v, want the token in dist/app.zip!.env, staged", rep.Findings)
	}
}
