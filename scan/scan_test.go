package scan_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// seed builds the shared seed repository (testdata/seeds/django.recipe).
func seed(t *testing.T) *gittest.Recipe { return recipe(t, "django") }

// recipe builds the seed repository testdata/seeds/NAME.recipe.
func recipe(t *testing.T, name string) *gittest.Recipe {
	t.Helper()
	return gittest.BuildRecipe(t, filepath.Join("..", "testdata", "seeds", name+".recipe"), gittest.Secrets())
}

func open(t *testing.T, dir string) *gitwalk.Repo {
	t.Helper()
	repo, err := gitwalk.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	return repo
}

// run scans src with the rules and baseline of repo's work tree.
func run(t *testing.T, repo *gitwalk.Repo, src scan.Source, opts scan.Options) *report.Report {
	t.Helper()
	if repo != nil && opts.Settings.Rules == nil && opts.Settings.Baseline == nil {
		s, err := scan.LoadSettings(context.Background(), scan.Policy{Repo: repo, Dir: repo.WorkTree()})
		if err != nil {
			t.Fatal(err)
		}
		opts.Settings = s
	}
	rep, err := scan.Run(context.Background(), src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestHistory scans the seed repository's history: each secret once, at
// the commit that introduced it, still in HEAD or not, as the recipe
// wants; and the summary says so.
func TestHistory(t *testing.T) {
	t.Parallel()
	r := seed(t)
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.History{Repo: repo, Name: r.Dir, Label: "all refs"}, scan.Options{})
	r.Check(t, rep.Findings)
	s := rep.Summary
	if s.Mode != "git" || s.Range != "all refs" || s.Commits != len(r.Commits) || s.HeadRef != "refs/heads/main" ||
		s.HeadCommit != r.Commits["move"] || s.InHead != 2 || s.Findings != len(r.Wants) || s.Incomplete {
		t.Errorf("summary %+v", s)
	}
	// The moved settings are another place of the Django key.
	for _, f := range rep.Findings {
		if f.RuleID == "django-secret-key" && (len(f.Locations) != 1 || f.Locations[0].File != "mysite/settings/base.py") {
			t.Errorf("locations of the moved key: %+v", f.Locations)
		}
	}
}

// TestRangeReportsOnlyWhatTheRangeIntroduced is the case the engine
// exists for: a range whose commits edit a file holding an old secret
// introduce nothing, however the blob is read.
func TestRangeReportsOnlyWhatTheRangeIntroduced(t *testing.T) {
	t.Parallel()
	r := seed(t)
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.History{Repo: repo, Include: []string{"main"}, Exclude: []string{r.Commits["root"]}}, scan.Options{})
	var rules []string
	for _, f := range rep.Findings {
		rules = append(rules, f.RuleID)
		if f.RuleID == "django-secret-key" {
			t.Errorf("the key introduced before the range is reported at %.10s", f.Commit)
		}
	}
	// Most urgent first: the high webhook, then the medium password.
	if strings.Join(rules, ",") != "slack-webhook,generic-secret-env-file" {
		t.Errorf("findings %v", rules)
	}
}

// TestDecodedHistory follows a Kubernetes Secret's encoded value through
// its history: found where it was introduced, not where the manifest was
// merely edited, and again when it was rotated.
func TestDecodedHistory(t *testing.T) {
	t.Parallel()
	r := recipe(t, "kube")
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.History{Repo: repo}, scan.Options{})
	r.Check(t, rep.Findings)
	for _, f := range rep.Findings {
		if f.Decoded != "base64" {
			t.Errorf("%s: decoded %q", f.RuleID, f.Decoded)
		}
	}
	// The edit alone introduces nothing.
	rep = run(t, repo, &scan.History{Repo: repo, IncludeIDs: []gitwalk.ID{mustID(t, r.Commits["kube-label"])}, ExcludeIDs: []gitwalk.ID{mustID(t, r.Commits["kube"])}}, scan.Options{})
	if len(rep.Findings) != 0 || rep.Summary.Commits != 1 {
		t.Errorf("kube-label alone: %d commits, findings %+v", rep.Summary.Commits, rep.Findings)
	}
}

// TestTaggedBlobIsStillThere scans a key that a tag points at directly
// (git tag name <blob>), which no commit holds: it is found at the tag,
// and it is still there, not in history only, whatever the default
// branch holds, since the tag keeps it. A secret committed and removed
// stays in history only.
func TestTaggedBlobIsStillThere(t *testing.T) {
	t.Parallel()
	secrets := gittest.Secrets()
	g := gittest.New(t)
	g.Write("hooks.py", "SLACK = '"+secrets["slack-webhook"]+"'\n").Commit("hooks")
	g.Remove("hooks.py").Commit("rm hooks")
	blob := g.TagBlob("deploy-key", "export GITHUB_TOKEN="+secrets["github-token"]+"\n")
	repo := open(t, g.Dir)
	rep := run(t, repo, &scan.History{Repo: repo}, scan.Options{})
	got := map[string]leak.Finding{}
	for _, f := range rep.Findings {
		got[f.RuleID] = f
	}
	if f, ok := got["github-pat"]; !ok || f.File != "refs/tags/deploy-key" || f.Commit != "" || f.BlobID != blob || !f.InHead {
		t.Errorf("tagged key: %+v", f)
	}
	if f, ok := got["slack-webhook"]; !ok || f.InHead {
		t.Errorf("removed webhook: %+v", f)
	}
	if len(rep.Findings) != 2 || rep.Summary.InHead != 1 || rep.Summary.Commits != 2 {
		t.Errorf("summary %+v, findings %+v", rep.Summary, rep.Findings)
	}
}

func mustID(t *testing.T, s string) gitwalk.ID {
	t.Helper()
	id, err := gitwalk.ParseID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestInHeadFollowsTheDefaultBranch checks in_head against another tip: a
// detached HEAD, as CI checks out, is its own tip.
func TestInHeadFollowsTheDefaultBranch(t *testing.T) {
	t.Parallel()
	r := seed(t)
	if err := os.WriteFile(filepath.Join(r.Dir, ".git", "HEAD"), []byte(r.Commits["branch"]+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.History{Repo: repo}, scan.Options{})
	got := map[string]bool{}
	for _, f := range rep.Findings {
		got[f.RuleID] = f.InHead
	}
	want := map[string]bool{"django-secret-key": true, "generic-secret-env-file": false, "github-pat": true, "slack-webhook": false}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s in_head = %v, want %v", k, got[k], v)
		}
	}
	if rep.Summary.HeadRef != "HEAD" || rep.Summary.HeadCommit != r.Commits["branch"] {
		t.Errorf("head %s %s", rep.Summary.HeadRef, rep.Summary.HeadCommit)
	}
}

// TestBaseline checks the one baseline filter: known secrets are left out
// and counted, by fingerprint only.
func TestBaseline(t *testing.T) {
	t.Parallel()
	r := seed(t)
	repo := open(t, r.Dir)
	all := run(t, repo, &scan.History{Repo: repo}, scan.Options{})
	var known []leak.Finding
	for _, f := range all.Findings {
		if f.RuleID == "github-pat" || f.RuleID == "slack-webhook" {
			known = append(known, f)
		}
	}
	b := baseline.FromFindings(known)
	rep := run(t, repo, &scan.History{Repo: repo}, scan.Options{Settings: scan.Settings{Rules: nil, Baseline: b, BaselineName: "known.json"}})
	if len(rep.Findings) != len(all.Findings)-2 || rep.Summary.Baselined != 2 || rep.Summary.Baseline != "known.json" || rep.Summary.Findings != len(rep.Findings) || rep.Summary.InHead != 1 {
		t.Errorf("%d of %d findings; summary %+v", len(rep.Findings), len(all.Findings), rep.Summary)
	}
	for _, f := range rep.Findings {
		if b.Lookup(f.Fingerprint) != nil {
			t.Errorf("baselined %s reported", f.RuleID)
		}
	}

	// LoadSettings picks up the work tree's baseline; NoBaseline does not.
	if err := report.AtomicWrite(filepath.Join(r.Dir, baseline.FileName), b.Encode); err != nil {
		t.Fatal(err)
	}
	for _, no := range []bool{false, true} {
		s, err := scan.LoadSettings(context.Background(), scan.Policy{Repo: repo, Dir: r.Dir, NoBaseline: no})
		if err != nil {
			t.Fatal(err)
		}
		rep := run(t, repo, &scan.History{Repo: repo}, scan.Options{Settings: s})
		if want := map[bool]int{false: 2, true: 0}[no]; rep.Summary.Baselined != want {
			t.Errorf("NoBaseline %v: %d baselined", no, rep.Summary.Baselined)
		}
	}
}

// TestStaged scans what is staged: only what the staging adds, at a
// pseudo-commit without an id.
func TestStaged(t *testing.T) {
	t.Parallel()
	r := seed(t)
	token := gittest.Secrets()["github-token"]
	r.Write("deploy.sh", "export GITHUB_TOKEN="+token+"\n")
	r.Write("mysite/settings/base.py", "DEBUG = False\nSECRET_KEY = '"+gittest.Secrets()["django-key"]+"'\nALLOWED_HOSTS = ['*']\n")
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.Staged{Repo: repo, Name: r.Dir}, scan.Options{Short: true})
	if len(rep.Findings) != 1 || rep.Findings[0].RuleID != "github-pat" || rep.Findings[0].Commit != "" || rep.Findings[0].Message != "(staged changes)" {
		t.Fatalf("findings %+v", rep.Findings)
	}
	if rep.Summary.Range != "staged changes" || rep.Summary.Commits != 1 {
		t.Errorf("summary %+v", rep.Summary)
	}
}

// TestFiles scans a directory, a file and standard input: findings have
// no commit and are all in HEAD; opaque binary files (an image) are skipped
// and counted.
func TestFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	token := gittest.Secrets()["github-token"]
	os.WriteFile(filepath.Join(dir, "deploy.sh"), []byte("export GITHUB_TOKEN="+token+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "logo.png"), []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"+token), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("\xff\xfe"+token), 0o644) // UTF-16 BOM: text
	for _, tc := range []struct {
		src      scan.Source
		mode     string
		findings int
		skipped  map[leak.SkipReason]int
	}{
		{scan.Dir{Path: dir}, "directory", 1, map[leak.SkipReason]int{leak.SkipBinary: 1}},
		{scan.File{Path: filepath.Join(dir, "deploy.sh")}, "file", 1, map[leak.SkipReason]int{}},
		{scan.File{Path: filepath.Join(dir, "logo.png")}, "file", 0, map[leak.SkipReason]int{leak.SkipBinary: 1}},
		{scan.Stdin{R: strings.NewReader("GITHUB_TOKEN=" + token + "\n")}, "stdin", 1, map[leak.SkipReason]int{}},
	} {
		rep := run(t, nil, tc.src, scan.Options{})
		if len(rep.Findings) != tc.findings || rep.Summary.Mode != tc.mode || rep.Summary.InHead != tc.findings || len(rep.Summary.Skipped) != len(tc.skipped) {
			t.Errorf("%T: %d findings, summary %+v", tc.src, len(rep.Findings), rep.Summary)
			continue
		}
		for k, v := range tc.skipped {
			if rep.Summary.Skipped[k] != v {
				t.Errorf("%T: skipped %v, want %v", tc.src, rep.Summary.Skipped, tc.skipped)
			}
		}
		for _, f := range rep.Findings {
			if f.Commit != "" || !f.InHead || f.RuleID != "github-pat" {
				t.Errorf("%T: %+v", tc.src, f)
			}
		}
	}
}

// TestBinaryStrings checks that binary content that is not opaque (Python
// bytecode, a compiled program) is scanned as the strings in it, in history
// and on disk alike, and placed at the line of its string (as strings -n 8
// lists them), while an image holding the same token stays skipped. Only
// rules whose secrets say what they are by their format run there: a
// password after a name, read by a generic rule in text, is no finding in
// a binary file, where strings that happen to sit side by side are read
// as one.
func TestBinaryStrings(t *testing.T) {
	t.Parallel()
	token := gittest.Secrets()["github-token"]
	pw := "Vt8k" + "#Q2xR7mZ"
	// A .pyc's header, a name and the token as marshalled strings (a type
	// byte and a length before each).
	pyc := "\xa7\r\r\n\x00\x00\x00\x00\xe3\x00\x00\x00\xfa\x0cGITHUB_TOKEN\xfa\x28" + token + "\xda\x08__file__\x00\x01DB_PASSWORD=" + pw + "\x00"
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + token
	g := gittest.New(t)
	g.WriteBytes("app/__pycache__/settings.cpython-311.pyc", []byte(pyc))
	g.WriteBytes("docs/logo.png", []byte(png))
	g.Write("deploy/.env", "DB_PASSWORD="+pw+"\n")
	g.Commit("build output")
	repo := open(t, g.Dir)
	hist := run(t, repo, &scan.History{Repo: repo}, scan.Options{})
	files := run(t, nil, scan.Dir{Path: g.Dir}, scan.Options{})
	for name, rep := range map[string]*report.Report{"history": hist, "directory": files} {
		if len(rep.Findings) != 2 || rep.Summary.Skipped[leak.SkipBinary] != 1 {
			t.Errorf("%s: %d findings, skipped %v; want the .pyc's token, the .env's password and the image skipped", name, len(rep.Findings), rep.Summary.Skipped)
			continue
		}
		i := slices.IndexFunc(rep.Findings, func(f leak.Finding) bool { return strings.HasSuffix(f.File, ".pyc") })
		if i < 0 {
			t.Errorf("%s: nothing found in the .pyc: %+v", name, rep.Findings)
			continue
		}
		if j := 1 - i; !strings.HasSuffix(rep.Findings[j].File, ".env") || rep.Findings[j].Secret != pw || len(rep.Findings[j].Locations) != 0 {
			t.Errorf("%s: the .env's password: %+v", name, rep.Findings[j])
		}
		f := rep.Findings[i]
		if f.RuleID != "github-pat" || !strings.HasSuffix(f.File, "settings.cpython-311.pyc") || f.Line != 2 || f.Secret != token {
			t.Errorf("%s: %s %s:%d %q", name, f.RuleID, f.File, f.Line, f.Secret)
		}
	}
}

// TestFilesByPath checks that rules on paths alone see the files of a
// scan outside history, as they see every blob of one: a binary file the
// scan does not read (a KeePass database, a VNC password file) is found
// by its path, each file once, under the path given, and a text file too;
// an empty one holds no key and is a low finding tagged empty.
func TestFilesByPath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "ops", ".vnc"), 0o755)
	os.WriteFile(filepath.Join(dir, "ops", "team.kdbx"), []byte("\x03\xd9\xa2\x9a\x67\xfb\x4b\xb5\x00\x01"), 0o644)
	os.WriteFile(filepath.Join(dir, "ops", "old.kdbx"), []byte("\x03\xd9\xa2\x9a\x65\xfb\x4b\xb5\x00\x02"), 0o644)
	os.WriteFile(filepath.Join(dir, "ops", ".vnc", "passwd"), []byte("\x96\xb3\x5b\xc4\x00\x6e\x10\xb7"), 0o600)
	os.WriteFile(filepath.Join(dir, "ops", "notes.txt"), []byte("nothing here\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "ops", "empty.kdbx"), nil, 0o644)
	want := map[string]string{
		"ops/team.kdbx":   "keepass-database-file",
		"ops/old.kdbx":    "keepass-database-file",
		"ops/.vnc/passwd": "vnc-password-file",
		"ops/empty.kdbx":  "keepass-database-file empty",
	}
	for _, tc := range []struct {
		src  scan.Source
		want map[string]string
	}{
		{scan.Dir{Path: dir}, want},
		{scan.Paths{Paths: []string{filepath.Join(dir, "ops")}}, map[string]string{
			filepath.ToSlash(filepath.Join(dir, "ops", "team.kdbx")):      "keepass-database-file",
			filepath.ToSlash(filepath.Join(dir, "ops", "old.kdbx")):       "keepass-database-file",
			filepath.ToSlash(filepath.Join(dir, "ops", ".vnc", "passwd")): "vnc-password-file",
			filepath.ToSlash(filepath.Join(dir, "ops", "empty.kdbx")):     "keepass-database-file empty",
		}},
		{scan.File{Path: filepath.Join(dir, "ops", "team.kdbx")}, map[string]string{
			filepath.ToSlash(filepath.Join(dir, "ops", "team.kdbx")): "keepass-database-file",
		}},
		{scan.File{Path: filepath.Join(dir, "ops", "empty.kdbx")}, map[string]string{
			filepath.ToSlash(filepath.Join(dir, "ops", "empty.kdbx")): "keepass-database-file empty",
		}},
	} {
		rep := run(t, nil, tc.src, scan.Options{})
		got := map[string]string{}
		for _, f := range rep.Findings {
			got[f.File] = f.RuleID
			if slices.Contains(f.Tags, "empty") {
				// low, or info in a test's path (the temp dir's).
				got[f.File] += " empty"
				if f.Severity != "low" && f.Severity != "info" {
					got[f.File] += " " + f.Severity
				}
			}
			for _, l := range f.Locations {
				got[l.File] = f.RuleID + " (as a location)"
			}
		}
		if len(got) != len(tc.want) || len(rep.Findings) != len(tc.want) {
			t.Errorf("%T: %d findings %v, want %v", tc.src, len(rep.Findings), got, tc.want)
			continue
		}
		for p, id := range tc.want {
			if got[p] != id {
				t.Errorf("%T: %s: %q, want %q (all: %v)", tc.src, p, got[p], id, got)
			}
		}
	}
}

// TestErrorsAndProgress checks the callbacks: an unreadable object goes
// to OnError, one call at a time, and makes the report incomplete without
// losing what was found; an error from OnError stops the scan; Progress
// sees the reading phase.
func TestErrorsAndProgress(t *testing.T) {
	t.Parallel()
	r := seed(t)
	r.RemoveObject(r.BlobID(r.Commits["branch"], "scripts/deploy.sh"))
	repo := open(t, r.Dir)
	var items []string
	var calls, reading atomic.Int32
	rep := run(t, repo, &scan.History{Repo: repo}, scan.Options{
		OnError: func(item string, err error) error {
			calls.Add(1)
			items = append(items, item)
			return nil
		},
		Progress: func(p scan.Progress) {
			if p.Reading {
				reading.Add(1)
			}
		},
	})
	if !rep.Summary.Incomplete || rep.Summary.Errors != 1 || len(items) != 1 || !strings.HasPrefix(items[0], "blob ") {
		t.Errorf("errors %v, summary %+v", items, rep.Summary)
	}
	if len(rep.Findings) != len(r.Wants)-1 {
		t.Errorf("%d findings kept, want %d", len(rep.Findings), len(r.Wants)-1)
	}
	_ = reading.Load() // a scan this small may end before the first tick

	stop := errors.New("stop")
	repo2 := open(t, r.Dir)
	_, err := scan.Run(context.Background(), &scan.History{Repo: repo2}, scan.Options{OnError: func(string, error) error { return stop }})
	if !errors.Is(err, stop) {
		t.Errorf("OnError's error: got %v", err)
	}
}

// TestInterrupted checks that a cancelled scan returns what it has,
// marked incomplete, with ErrInterrupted.
func TestInterrupted(t *testing.T) {
	t.Parallel()
	r := seed(t)
	repo := open(t, r.Dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := scan.Run(ctx, &scan.History{Repo: repo, Name: r.Dir}, scan.Options{})
	if !errors.Is(err, scan.ErrInterrupted) || rep == nil || !rep.Summary.Incomplete || rep.Summary.Source != r.Dir || rep.Summary.HeadRef != "" {
		t.Fatalf("err %v, report %+v", err, rep)
	}
}

// TestShallowRange checks that a complete range that runs into a shallow
// clone's boundary is an error naming the boundary.
func TestShallowRange(t *testing.T) {
	t.Parallel()
	r := seed(t)
	r.MakeShallow(r.Commits["env"])
	repo := open(t, r.Dir)
	_, err := scan.Run(context.Background(), &scan.History{Repo: repo, Include: []string{"main"}, Exclude: []string{r.Commits["root"]}, IgnoreMissing: true, Complete: true}, scan.Options{})
	var sre *scan.ShallowRangeError
	if !errors.As(err, &sre) || len(sre.Boundary) != 1 || sre.Boundary[0] != r.Commits["env"] {
		t.Errorf("got %v", err)
	}
}
