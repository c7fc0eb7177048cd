package scan_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/scan"
	"github.com/leakhound/leakhound/triage"
)

// TestTriageOrderAndRefs builds a history with a production token, a
// branch-only webhook, a token left only in a tag, a password in history
// only, a test fixture, a documentation example and a publicly known key
// planted in a settings module; it checks the engine's order (production
// credentials above every test and documentation finding), the verdicts,
// and the refs that still hold each secret.
func TestTriageOrderAndRefs(t *testing.T) {
	t.Parallel()
	s := gittest.Secrets()
	// Published values and a made-up key, assembled so that leakhound's
	// own source holds none of them whole.
	flaskDocs := strings.Join([]string{"192b9bdd22ab9ed4", "d12e236c78afcb9a", "393ec15f71bbf5dc", "987d54727823bcbf"}, "")
	fastAPIDocs := strings.Join([]string{"09d25e094faa6ca2", "556c818166b7a956", "3b93f7099f6f0f4c", "aa6cf63b88e8d3e7"}, "")
	pem := "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEowIBAAKCAQEAx9Lq3" + "vT8kZ2mP7wR4nY6cB1dF0gH5sJ3aQeLtUiOpXzCvBnMk\n-----END RSA " + "PRIVATE KEY-----\n"
	g := gittest.New(t)
	g.Write("tests/test_tls.py", "KEY = '''"+pem+"'''\n")
	g.Write("docs/config.rst", "Example::\n\n    SECRET_KEY = '"+fastAPIDocs+"'\n")
	g.Write("app/settings.py", "SECRET_KEY = '"+flaskDocs+"'\n")
	g.Write(".env", "DB_PASSWORD="+s["db-password"]+"\n")
	g.Commit("start")
	g.Remove(".env").Commit("no .env")
	g.Write("deploy.sh", "export GITHUB_TOKEN="+s["github-token"]+"\n").Commit("deploy")
	g.Tag("v1.0", "HEAD", true)
	g.Remove("deploy.sh").Commit("clean up")
	head := g.Head()
	main := mainBranch(t, g)
	g.Branch("experiment")
	g.Write("notify.py", "HOOK = '"+s["slack-webhook"]+"'\n").Commit("notify")
	g.Checkout(main)
	repo := open(t, g.Dir)
	rep := run(t, repo, &scan.History{Repo: repo}, scan.Options{})

	by := map[string]*leak.Finding{}
	var order []string
	for i := range rep.Findings {
		f := &rep.Findings[i]
		by[f.File] = f
		order = append(order, f.File)
		if f.Severity == "" || f.Confidence == "" || f.Context.Label == "" || f.Context.Path == "" {
			t.Errorf("%s: severity %q confidence %q context %+v", f.File, f.Severity, f.Confidence, f.Context)
		}
	}
	mainRef := rep.Summary.HeadRef
	if rep.Summary.HeadCommit != head {
		t.Fatalf("head %s %s, want %s", mainRef, rep.Summary.HeadCommit, head)
	}
	for _, tt := range []struct {
		file, label, sev string
		refs             []string
	}{
		{"app/settings.py", triage.LabelKnown, "high", []string{mainRef, "refs/heads/experiment", "refs/tags/v1.0"}},
		{"deploy.sh", "production", "high", []string{"refs/tags/v1.0"}},
		{"notify.py", "production", "", []string{"refs/heads/experiment"}},
		{".env", "production", "", nil},
		{"tests/test_tls.py", "test", "", []string{mainRef, "refs/heads/experiment", "refs/tags/v1.0"}},
		{"docs/config.rst", triage.LabelKnown, "info", []string{mainRef, "refs/heads/experiment", "refs/tags/v1.0"}},
	} {
		f := by[tt.file]
		if f == nil {
			t.Errorf("%s: no finding (got %q)", tt.file, order)
			continue
		}
		if f.Context.Label != tt.label || tt.sev != "" && f.Severity != tt.sev {
			t.Errorf("%s: %s %q, want %s %q", tt.file, f.Severity, f.Context.Label, tt.sev, tt.label)
		}
		if !slices.Equal(f.Refs, tt.refs) {
			t.Errorf("%s: refs %q, want %q", tt.file, f.Refs, tt.refs)
		}
		if f.InHead != slices.Contains(tt.refs, mainRef) {
			t.Errorf("%s: in_head %v", tt.file, f.InHead)
		}
	}
	// Every production finding ranks above every test and docs finding.
	lastProd, firstOther := -1, len(order)
	for i, file := range order {
		if by[file].Context.Path == triage.Code {
			lastProd = i
		} else if i < firstOther {
			firstOther = i
		}
	}
	if lastProd > firstOther {
		t.Errorf("a test or docs finding ranks above a production one: %q", order)
	}
	for i := 1; i < len(rep.Findings); i++ {
		if triage.Rank(&rep.Findings[i-1]) > triage.Rank(&rep.Findings[i]) {
			t.Errorf("findings not most urgent first: %q", order)
		}
	}
}

// TestBuiltDocsSite builds a history whose gh-pages branch holds an
// MkDocs site built from docs/ (pages at the branch's root, beside
// search/search_index.json): a documented key quoted in the site ranks as
// documentation, as it does in docs/, not as code; a token in an app's
// HTML template stays production.
func TestBuiltDocsSite(t *testing.T) {
	t.Parallel()
	s := gittest.Secrets()
	fastAPIDocs := strings.Join([]string{"09d25e094faa6ca2", "556c818166b7a956", "3b93f7099f6f0f4c", "aa6cf63b88e8d3e7"}, "")
	g := gittest.New(t)
	g.Write("docs/auth.md", "    SECRET_KEY = '"+fastAPIDocs+"'\n")
	g.Write("app/templates/base.html", "<script>const TOKEN = '"+s["github-token"]+"';</script>\n")
	g.Commit("start")
	main := mainBranch(t, g)
	g.Branch("gh-pages")
	g.Remove("docs/auth.md").Remove("app/templates/base.html")
	g.Write("auth/index.html", "<pre><code>SECRET_KEY = '"+fastAPIDocs+"'</code></pre>\n")
	g.Write("search/search_index.json", `{"docs": []}`+"\n")
	g.Commit("Deployed with MkDocs")
	g.Checkout(main)
	repo := open(t, g.Dir)
	rep := run(t, repo, &scan.History{Repo: repo}, scan.Options{})

	var known, tmpl *leak.Finding
	for i := range rep.Findings {
		f := &rep.Findings[i]
		switch {
		case f.Context.Known != "" && (f.File == "auth/index.html" || slices.ContainsFunc(f.Locations, func(l leak.Location) bool { return l.File == "auth/index.html" })):
			known = f
		case f.File == "app/templates/base.html":
			tmpl = f
		}
	}
	if known == nil || tmpl == nil {
		t.Fatalf("findings %+v", rep.Findings)
	}
	if known.Context.Path != triage.Docs || known.Severity != "info" {
		t.Errorf("documented key in the built site: %s %+v, want info in docs", known.Severity, known.Context)
	}
	if tmpl.Context.Path != triage.Code || tmpl.Context.Label != triage.LabelProduction {
		t.Errorf("token in a template: %+v, want production code", tmpl.Context)
	}
	if rep.Findings[0].File != "app/templates/base.html" {
		t.Errorf("first finding %s, want the template's token", rep.Findings[0].File)
	}
}

// TestStagedIsLabelled checks that findings in staged changes are marked
// staged, with no refs: they are not in history yet.
func TestStagedIsLabelled(t *testing.T) {
	t.Parallel()
	r := seed(t)
	token := gittest.Secrets()["github-token"]
	r.Write("deploy.sh", "export GITHUB_TOKEN="+token+"\n")
	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.Staged{Repo: repo, Name: r.Dir}, scan.Options{Short: true})
	if len(rep.Findings) != 1 || !rep.Findings[0].Staged || len(rep.Findings[0].Refs) != 0 || rep.Findings[0].Context.Label != "production" {
		t.Fatalf("findings %+v", rep.Findings)
	}
}

// mainBranch returns the name of the branch a new gittest repository
// starts on.
func mainBranch(t *testing.T, g *gittest.Repo) string {
	t.Helper()
	ref, err := g.Repo.Reference("HEAD", false)
	if err != nil {
		t.Fatal(err)
	}
	return ref.Target().Short()
}

// TestKnownThatOpensNothingLeftOut plants AWS's documented example key
// pair in a settings module beside Flask's documented SECRET_KEY and a
// made-up token: the example pair, which AWS rejects, is no finding (it
// is counted in the summary), unless IncludeKnown asks for it; Flask's
// key, which forges the sessions of any app that uses it, is reported
// as publicly known either way.
func TestKnownThatOpensNothingLeftOut(t *testing.T) {
	t.Parallel()
	s := gittest.Secrets()
	// Published values, assembled so that leakhound's own source holds
	// none of them whole.
	awsID := "AKIAIOSFODNN7" + "EXAMPLE"
	awsSecret := strings.Join([]string{"wJalrXUtnFEMI", "K7MDENG", "bPxRfiCY" + "EXAMPLEKEY"}, "/")
	flaskDocs := strings.Join([]string{"192b9bdd22ab9ed4", "d12e236c78afcb9a", "393ec15f71bbf5dc", "987d54727823bcbf"}, "")
	g := gittest.New(t)
	g.Write("app/settings.py", "SECRET_KEY = '"+flaskDocs+"'\nAWS_ACCESS_KEY_ID = '"+awsID+"'\nAWS_SECRET_ACCESS_KEY = '"+awsSecret+"'\n")
	g.Write("deploy.sh", "export GITHUB_TOKEN="+s["github-token"]+"\n")
	g.Commit("start")
	repo := open(t, g.Dir)

	secrets := func(rep []leak.Finding) []string {
		var out []string
		for _, f := range rep {
			out = append(out, f.Secret)
		}
		slices.Sort(out)
		return out
	}
	rep := run(t, repo, &scan.History{Repo: repo}, scan.Options{})
	got := secrets(rep.Findings)
	if slices.Contains(got, awsID) || slices.Contains(got, awsSecret) {
		t.Errorf("AWS's example pair reported: %q", got)
	}
	if !slices.Contains(got, flaskDocs) || !slices.Contains(got, s["github-token"]) {
		t.Errorf("Flask's documented key or the token missing: %q", got)
	}
	if rep.Summary.KnownLeftOut < 1 || rep.Summary.Findings != len(rep.Findings) {
		t.Errorf("summary: %d known left out, %d findings for %d", rep.Summary.KnownLeftOut, rep.Summary.Findings, len(rep.Findings))
	}

	all := run(t, repo, &scan.History{Repo: repo}, scan.Options{IncludeKnown: true})
	if all.Summary.KnownLeftOut != 0 || len(all.Findings) != len(rep.Findings)+rep.Summary.KnownLeftOut {
		t.Errorf("IncludeKnown: %d findings (%d left out), want %d", len(all.Findings), all.Summary.KnownLeftOut, len(rep.Findings)+rep.Summary.KnownLeftOut)
	}
	for _, f := range all.Findings {
		if f.Secret == awsID && (f.Context.Label != triage.LabelKnown || f.Severity != "low") {
			t.Errorf("IncludeKnown: AWS's example key %s %q, want low %q", f.Severity, f.Context.Label, triage.LabelKnown)
		}
	}
}

// TestChecksumsRankIssuedTokensFirst scans a history with a GitHub token
// whose checksum holds and one whose checksum fails, in the same kind of
// file: the issued one is high and first, the made-up one low, and each
// finding carries the verdict.
func TestChecksumsRankIssuedTokensFirst(t *testing.T) {
	t.Parallel()
	issued := gittest.Secrets()["github-token"]
	madeUp := issued[:len(issued)-6] + "Zz9Yy8"
	g := gittest.New(t)
	g.Write("ci/build.sh", "export GITHUB_TOKEN="+madeUp+"\n") // sorts first by name
	g.Write("ci/deploy.sh", "export GITHUB_TOKEN="+issued+"\n")
	g.Commit("ci")
	repo := open(t, g.Dir)
	rep := run(t, repo, &scan.History{Repo: repo}, scan.Options{})
	if len(rep.Findings) != 2 {
		t.Fatalf("findings %+v", rep.Findings)
	}
	first, second := rep.Findings[0], rep.Findings[1]
	if first.File != "ci/deploy.sh" || first.Confidence != "high" || first.Context.Checksum != leak.ChecksumValid {
		t.Errorf("first: %s %s/%s %+v", first.File, first.Severity, first.Confidence, first.Context)
	}
	if second.File != "ci/build.sh" || second.Confidence != "low" || second.Context.Checksum != leak.ChecksumInvalid ||
		!slices.Contains(second.Context.Value, triage.FlagBadChecksum) {
		t.Errorf("second: %s %s/%s %+v", second.File, second.Severity, second.Confidence, second.Context)
	}
}
