package scancache_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
	"github.com/leakhound/leakhound/scancache"
)

// scanWith scans dir's whole history, with the cache of store when it is
// not nil, and returns the report and the cache's note.
func scanWith(t *testing.T, dir string, store *scancache.Store, rules *config.Config) (*report.Report, string) {
	t.Helper()
	tg, err := scan.OpenTarget(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	opts := scan.Options{Workers: 2}
	if opts.Settings, err = scan.LoadSettings(context.Background(), tg.Policy(scan.Policy{})); err != nil {
		t.Fatal(err)
	}
	if rules != nil {
		opts.Settings.Rules = rules
	}
	var c *scancache.Cache
	if store != nil {
		c, err = store.Load(dir, scancache.Key{Build: scancache.BuildID("test"), Rules: opts.Settings.Rules})
		if err != nil {
			t.Fatal(err)
		}
		opts.Cache = c
	}
	rep, err := scan.Run(context.Background(), tg.All(), opts)
	if err != nil {
		t.Fatal(err)
	}
	note := ""
	if c != nil {
		note = c.Note()
		if err := c.Save(rep); err != nil {
			t.Fatal(err)
		}
	}
	return rep, note
}

// openStore opens the cache store in dir.
func openStore(t *testing.T, dir string) *scancache.Store {
	t.Helper()
	store, err := scancache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return store
}

// findings is a report's findings as JSON, secrets whole: what must not
// change between a full and an incremental scan.
func findings(t *testing.T, r *report.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := (report.JSON{ShowSecrets: true}).Write(&b, &report.Report{Findings: r.Findings}); err != nil {
		t.Fatal(err)
	}
	s, _, _ := strings.Cut(b.String(), `"summary"`)
	return s
}

func seed(t *testing.T) *gittest.Recipe {
	t.Helper()
	return gittest.BuildRecipe(t, filepath.Join("..", "testdata", "seeds", "django.recipe"), gittest.Secrets())
}

// grow adds commits of the kinds an incremental scan could get wrong: a
// new secret, an old secret in a new file, an old blob that held nothing
// at its first path moved to a path where a rule applies, the removal of
// a file that held a secret (no longer in HEAD).
func grow(t *testing.T, r *gittest.Recipe, round int) {
	t.Helper()
	s := gittest.Secrets()
	switch round {
	case 0:
		r.Checkout("main")
		r.Write("notes/pypi.txt", pypirc(s["db-password"])).Commit("notes")
		r.Write("ci/token.sh", "export GITHUB_TOKEN="+s["github-token"]+"\n").Commit("an old token again")
		r.Write("new/hook.txt", "webhook "+s["slack-webhook"]+"\n").Commit("a new webhook")
	case 1:
		// The notes' blob, unchanged, where the .pypirc rule applies.
		r.Write(".pypirc", pypirc(gittest.Secrets()["db-password"])).Commit("notes copied to pypirc")
		r.Remove("new/hook.txt").Commit("drop the webhook")
		r.Write("mysite/settings.py", "DEBUG = False\nSECRET_KEY = os.environ['K']\n").Commit("key from the environment")
	}
}

// pypirc returns a .pypirc file that holds the password pw.
func pypirc(pw string) string {
	return fmt.Sprintf("[pypi]\n%s = %s\n%s = %s\n", "username", "__token__", "password", pw)
}

// TestIncrementalEqualsFull scans, adds commits, and scans again with the
// cache: the findings are exactly a full scan's (same introducing
// commits, same in-HEAD marks), and only new blobs were read.
func TestIncrementalEqualsFull(t *testing.T) {
	t.Parallel()
	r := seed(t)
	store := openStore(t, t.TempDir())
	first, note := scanWith(t, r.Dir, store, nil)
	if note != "" || first.Summary.Skipped[leak.SkipCached] != 0 {
		t.Fatalf("first scan: note %q, %d cached", note, first.Summary.Skipped[leak.SkipCached])
	}
	again, _ := scanWith(t, r.Dir, store, nil)
	if findings(t, again) != findings(t, first) {
		t.Errorf("a re-scan with no change differs:\n%s\nwant\n%s", findings(t, again), findings(t, first))
	}
	if c := again.Summary.Skipped[leak.SkipCached]; c == 0 || again.Summary.Blobs+c != first.Summary.Blobs {
		t.Errorf("no-change re-scan read %d blobs of %d (%d cached)", again.Summary.Blobs, first.Summary.Blobs, again.Summary.Skipped[leak.SkipCached])
	}
	for round := range 2 {
		grow(t, r, round)
		inc, _ := scanWith(t, r.Dir, store, nil)
		full, _ := scanWith(t, r.Dir, nil, nil)
		if a, b := findings(t, inc), findings(t, full); a != b {
			t.Errorf("round %d: incremental scan:\n%s\nfull scan:\n%s", round, a, b)
		}
		if inc.Summary.Skipped[leak.SkipCached] == 0 {
			t.Errorf("round %d: nothing came from the cache", round)
		}
		if round == 1 {
			var env bool
			for _, f := range full.Findings {
				env = env || f.File == ".pypirc" && f.InHead
			}
			if !env {
				t.Errorf("round 1: the moved notes are not reported as a .pypirc secret in HEAD")
			}
		}
	}
}

// TestDamagedOrStaleCacheMeansFullScan tampers with the cache in the ways
// a disk, a person or another run could, and changes the rules: each time
// the scan is full and its findings right.
func TestDamagedOrStaleCacheMeansFullScan(t *testing.T) {
	t.Parallel()
	r := seed(t)
	dir := t.TempDir()
	store := openStore(t, dir)
	full, _ := scanWith(t, r.Dir, nil, nil)
	want := findings(t, full)
	scanWith(t, r.Dir, store, nil)
	files, _ := filepath.Glob(filepath.Join(dir, "*.cache"))
	if len(files) != 1 {
		t.Fatalf("%d cache files", len(files))
	}
	cacheFile := files[0]
	pristine, err := os.ReadFile(cacheFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(cacheFile); fi.Mode().Perm() != 0o600 {
		t.Errorf("cache mode %v", fi.Mode().Perm())
	}
	for name, secret := range gittest.Secrets() {
		if bytes.Contains(pristine, []byte(secret)) {
			t.Errorf("the cache holds the secret %s", name)
		}
	}
	lines := strings.SplitAfter(string(pristine), "\n")
	// A record with matches, rewritten as one of a clean blob: the forgery
	// that would hide a secret.
	forged := ""
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) > 4 && f[2] != "0" {
			ls := append([]string(nil), lines...)
			ls[i] = strings.Join([]string{f[0], f[1], "0", f[len(f)-1]}, " ") + "\n"
			forged = strings.Join(ls, "")
			break
		}
	}
	if forged == "" {
		t.Fatal("no record with matches in the cache")
	}
	otherRepo := seed(t)
	walkFile := strings.TrimSuffix(cacheFile, ".cache") + ".walk"
	if _, err := os.Stat(walkFile); err != nil {
		t.Fatalf("no walk state beside the cache: %v", err)
	}
	// copyOther overwrites file with the other repository's file of the
	// same kind (extension) in dir.
	copyOther := func(file string) {
		other, _ := filepath.Glob(filepath.Join(dir, "*"+filepath.Ext(file)))
		for _, o := range other {
			if o != file {
				b, _ := os.ReadFile(o)
				os.WriteFile(file, b, 0o600)
			}
		}
	}
	tampers := map[string]func(){
		"walk state flipped byte": func() {
			b, err := os.ReadFile(walkFile)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)-3] ^= 1
			os.WriteFile(walkFile, b, 0o600)
		},
		"walk state truncated": func() {
			b, _ := os.ReadFile(walkFile)
			os.WriteFile(walkFile, b[:len(b)-25], 0o600)
		},
		"other repository's walk state": func() {
			scanWith(t, otherRepo.Dir, store, nil)
			copyOther(walkFile)
		},
		"forged record": func() { os.WriteFile(cacheFile, []byte(forged), 0o600) },
		"truncated":     func() { os.WriteFile(cacheFile, pristine[:len(pristine)-7], 0o600) },
		"flipped byte":  func() { b := bytes.Clone(pristine); b[len(b)/2] ^= 1; os.WriteFile(cacheFile, b, 0o600) },
		"garbage":       func() { os.WriteFile(cacheFile, []byte("\x00\xff not a cache\n"), 0o600) },
		"new key":       func() { os.WriteFile(cacheFile, pristine, 0o600); os.Remove(filepath.Join(dir, "key")) },
		"other repository's cache": func() {
			os.WriteFile(cacheFile, pristine, 0o600)
			scanWith(t, otherRepo.Dir, store, nil)
			copyOther(cacheFile)
		},
	}
	for name, tamper := range tampers {
		tamper()
		st := openStore(t, dir)
		got, note := scanWith(t, r.Dir, st, nil)
		if findings(t, got) != want {
			t.Errorf("%s: wrong findings:\n%s", name, findings(t, got))
		}
		if got.Summary.Skipped[leak.SkipCached] != 0 {
			t.Errorf("%s: %d blobs taken from a damaged cache", name, got.Summary.Skipped[leak.SkipCached])
		}
		if name != "new key" && !strings.Contains(note, "full scan") {
			t.Errorf("%s: note %q", name, note)
		}
	}

	// Other rules: a full scan, then the cache serves those rules.
	rules, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	fewer := *rules
	fewer.Rules = fewer.Rules[:len(fewer.Rules)-1]
	got, note := scanWith(t, r.Dir, store, &fewer)
	if got.Summary.Skipped[leak.SkipCached] != 0 || !strings.Contains(note, "changed") {
		t.Errorf("other rules: %d cached, note %q", got.Summary.Skipped[leak.SkipCached], note)
	}
}

// TestPathsAreOfTheKey: a blob that held nothing at its first path is read
// again when it turns up at a path where a rule applies.
func TestPathsAreOfTheKey(t *testing.T) {
	t.Parallel()
	rules, err := config.Parse("rules.toml", []byte(`
[[rules]]
id = "special-token"
description = "A token in .special files"
regex = '''SPECIAL-([0-9]{8})'''
path = '''\.special$'''
keywords = ["special-"]
severity = "high"
`))
	if err != nil {
		t.Fatal(err)
	}
	r := gittest.New(t)
	content := "SPECIAL-" + "48151623\n"
	r.Write("a.txt", content).Commit("a")
	store := openStore(t, t.TempDir())
	if rep, _ := scanWith(t, r.Dir, store, rules); len(rep.Findings) != 0 {
		t.Fatalf("found %d at a path the rule does not apply to", len(rep.Findings))
	}
	r.Write("b.special", content).Commit("b")
	inc, _ := scanWith(t, r.Dir, store, rules)
	full, _ := scanWith(t, r.Dir, nil, rules)
	if len(full.Findings) != 1 || findings(t, inc) != findings(t, full) {
		t.Errorf("incremental:\n%s\nfull:\n%s", findings(t, inc), findings(t, full))
	}
}

// TestIncrementalAfterRefsChange changes the refs as fetches do (a new
// tag, a branch with a secret then deleted, history rewritten by a force
// push that drops a secret's commits) and re-scans with the cache, which
// reuses the last walk: each time the findings are a full scan's, same
// introducing commits, in-HEAD marks and refs holding each secret.
func TestIncrementalAfterRefsChange(t *testing.T) {
	t.Parallel()
	r := seed(t)
	store := openStore(t, t.TempDir())
	scanWith(t, r.Dir, store, nil)
	s := gittest.Secrets()
	r.Checkout("main")
	base := r.Head()
	steps := []struct {
		name   string
		change func()
	}{
		{"new tags", func() {
			r.Tag("v-old", "HEAD~2", true)
			r.Tag("v-now", "HEAD", false)
		}},
		{"a branch with a secret", func() {
			r.Branch("feature")
			r.Write("deploy/token.env", "GITHUB_TOKEN="+s["github-token"]+"\n").Commit("token on a branch")
			r.Checkout("main")
		}},
		{"the branch deleted", func() { r.DeleteRef("refs/heads/feature") }},
		{"a secret on main", func() {
			r.Write("hooks.txt", "post to "+s["slack-webhook"]+"\n").Commit("webhook")
			r.Write("more.txt", "more\n").Commit("more")
		}},
		{"rewritten history", func() {
			// A force push: main back to before the webhook, another way.
			r.SetRef("refs/heads/main", base)
			r.Checkout("main")
			r.Write("notes/pypi.txt", pypirc(s["db-password"])).Commit("rewritten")
		}},
		{"the tag of the dropped commit deleted", func() { r.DeleteRef("refs/tags/v-now") }},
	}
	for _, st := range steps {
		st.change()
		inc, note := scanWith(t, r.Dir, store, nil)
		full, _ := scanWith(t, r.Dir, nil, nil)
		if a, b := findings(t, inc), findings(t, full); a != b {
			t.Errorf("%s: incremental scan:\n%s\nfull scan:\n%s", st.name, a, b)
		}
		if note != "" || inc.Summary.Skipped[leak.SkipCached] == 0 || inc.Summary.Commits != full.Summary.Commits {
			t.Errorf("%s: note %q, %d cached, %d commits (full: %d)", st.name, note, inc.Summary.Skipped[leak.SkipCached], inc.Summary.Commits, full.Summary.Commits)
		}
		for _, f := range inc.Findings {
			if f.Commit != "" && (f.Author == "" || f.Date.IsZero()) {
				t.Errorf("%s: finding at %s without its commit's author or date", st.name, f.Commit)
			}
		}
	}
}

// TestInertBlobsAreNotReadAgain edits a file that holds a secret several
// times, keeping the secret: of its versions only the first introduced
// it. A re-scan with no change reads nothing (the record of the last scan
// answers it); a re-scan of the grown history reads that one again (for
// the secret) and none of the others; a rewritten history reads them all;
// the findings are a full scan's each time.
func TestInertBlobsAreNotReadAgain(t *testing.T) {
	t.Parallel()
	s := gittest.Secrets()
	r := gittest.New(t)
	r.Write("README", "hello\n").Commit("start")
	base := r.Head()
	for i := range 5 {
		r.Write("deploy.sh", fmt.Sprintf("# version %d\nexport GITHUB_TOKEN=%s\n", i, s["github-token"])).Commit("deploy")
	}
	store := openStore(t, t.TempDir())
	first, _ := scanWith(t, r.Dir, store, nil)
	check := func(name string, wantRead int) {
		t.Helper()
		inc, _ := scanWith(t, r.Dir, store, nil)
		full, _ := scanWith(t, r.Dir, nil, nil)
		if a, b := findings(t, inc), findings(t, full); a != b {
			t.Errorf("%s: incremental scan:\n%s\nfull scan:\n%s", name, a, b)
		}
		if inc.Summary.Blobs != wantRead {
			t.Errorf("%s: %d blobs read, want %d", name, inc.Summary.Blobs, wantRead)
		}
	}
	if len(first.Findings) != 1 || first.Summary.Blobs != 6 {
		t.Fatalf("first scan: %d findings, %d blobs", len(first.Findings), first.Summary.Blobs)
	}
	check("no change", 0) // the last scan's record answers it
	r.Write("deploy.sh", "# version 6\nexport GITHUB_TOKEN=$TOKEN\n").Commit("token from the environment")
	check("a new commit", 2) // the new version, and the first again
	// Rewritten: main back before the token, then the token again in a
	// later version: the versions that kept it are not trusted to be inert.
	r.SetRef("refs/heads/main", base)
	r.Checkout("main")
	r.Write("deploy.sh", fmt.Sprintf("# version 0\nexport GITHUB_TOKEN=%s\n", s["github-token"])).Commit("deploy again")
	check("rewritten history", 1)
}

// TestKeptSecretFoundLaterElsewhere: a secret first in a commit its rule
// allows, then moved to another file (which keeps it, so introduces
// nothing, and with nothing reported that place is not a location
// either), then added to a third file: the moved file becomes a location
// of the new finding, in a re-scan as in a full scan.
func TestKeptSecretFoundLaterElsewhere(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	special := fmt.Sprintf("SPECIAL-%d", 48151623)
	first := r.Write("a.txt", special+"\n").Commit("a")
	rules, err := config.Parse("rules.toml", []byte(fmt.Sprintf(`
[[rules]]
id = "special-token"
description = "A token"
regex = '''SPECIAL-([0-9]{8})'''
keywords = ["special-"]
severity = "high"
[[rules.allowlists]]
commits = ["%s"]
`, first)))
	if err != nil {
		t.Fatal(err)
	}
	r.Remove("a.txt")
	r.Write("b.txt", special+"\nmore\n").Commit("moved")
	store := openStore(t, t.TempDir())
	if rep, _ := scanWith(t, r.Dir, store, rules); len(rep.Findings) != 0 {
		t.Fatalf("first scan: %d findings", len(rep.Findings))
	}
	r.Write("c.txt", special+"\n").Commit("c")
	inc, _ := scanWith(t, r.Dir, store, rules)
	full, _ := scanWith(t, r.Dir, nil, rules)
	if len(full.Findings) != 1 || len(full.Findings[0].Locations) != 1 || findings(t, inc) != findings(t, full) {
		t.Errorf("incremental:\n%s\nfull:\n%s", findings(t, inc), findings(t, full))
	}
}
