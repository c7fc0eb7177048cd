package importer

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
)

var (
	ghToken = "ghp_" + "Xq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQeRtUiOp"
	dbPass  = "Vt8k" + "!Q2xR7mZ"
)

func TestParseGitleaks(t *testing.T) {
	t.Parallel()
	c := strings.Repeat("c", 40)
	recs, err := Parse(Gitleaks, "r.json", []byte(`[
		{"RuleID": "github-pat", "File": "./deploy.sh", "StartLine": 3, "Commit": "`+c+`", "Secret": "`+ghToken+`"},
		{"RuleID": "generic", "File": "a.env", "StartLine": 1, "Secret": "REDACTED"},
		{"RuleID": "generic", "File": "b.env", "StartLine": 2, "Secret": "Vt8k..."},
		{"RuleID": "x", "Fingerprint": "`+c+`:dir/c.py:x:7"}
	]`))
	if err != nil || len(recs) != 4 {
		t.Fatalf("%v %+v", err, recs)
	}
	if r := recs[0]; r.File != "deploy.sh" || r.Line != 3 || r.Commit != c || r.Secret != ghToken || r.Status != baseline.Unreviewed {
		t.Errorf("full record: %+v", r)
	}
	if recs[1].Secret != "" || recs[1].Prefix != "" || recs[2].Prefix != "Vt8k" {
		t.Errorf("redacted: %+v %+v", recs[1], recs[2])
	}
	if r := recs[3]; r.File != "dir/c.py" || r.Line != 7 || r.Commit != c {
		t.Errorf("from the fingerprint: %+v", r)
	}
	for _, bad := range []string{`{"results": {}}`, `{`, `[{"RuleID": "x"}]`} {
		if _, err := Parse(Gitleaks, "r.json", []byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	if _, err := Parse("trufflehog", "r.json", nil); err == nil {
		t.Error("an unknown format was accepted")
	}
}

func TestParseDetectSecrets(t *testing.T) {
	t.Parallel()
	recs, err := Parse(DetectSecrets, ".secrets.baseline", []byte(`{"version": "1.5.0", "results": {
		"settings.py": [{"type": "Secret Keyword", "filename": "settings.py", "hashed_secret": "ABC", "line_number": 2, "is_secret": false}],
		"a.env": [{"type": "Basic Auth", "hashed_secret": "def", "line_number": 1, "is_secret": true}, {"type": "Keyword", "hashed_secret": "123", "line_number": 5}]
	}}`))
	if err != nil || len(recs) != 3 {
		t.Fatalf("%v %+v", err, recs)
	}
	// Sorted by file; audited verdicts carry over.
	if recs[0].File != "a.env" || recs[0].Status != baseline.Accepted || recs[1].Status != baseline.Unreviewed || recs[2].Status != baseline.FalsePositive || recs[2].SHA1 != "abc" {
		t.Errorf("%+v", recs)
	}
	if _, err := Parse(DetectSecrets, "x", []byte(`[]`)); err == nil || !strings.Contains(err.Error(), "gitleaks") {
		t.Errorf("an array: %v", err)
	}
}

// TestImport matches records to findings by secret, by SHA-1 and by the
// secret found on the record's line (at its commit, or in the work tree),
// without a terminal or a command line.
func TestImport(t *testing.T) {
	t.Parallel()
	g := gittest.New(t)
	g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n")
	g.Write(".env", "DB_PASSWORD="+dbPass+"\n")
	c := g.Commit("secrets")
	repo, err := gitwalk.Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	fs := []leak.Finding{
		{RuleID: "github-pat", Secret: ghToken, Fingerprint: leak.Fingerprint("github-pat", ghToken), Location: leak.Location{File: "deploy.sh", Line: 1, Commit: c}},
		{RuleID: "generic-secret-env-file", Secret: dbPass, Fingerprint: leak.Fingerprint("generic-secret-env-file", dbPass), Location: leak.Location{File: ".env", Line: 1, Commit: c}},
	}
	sum := sha1.Sum([]byte(dbPass))
	recs := []Record{
		{File: "deploy.sh", Line: 1, Secret: ghToken, Status: baseline.Unreviewed, Label: "by secret"},
		{File: ".env", Line: 1, SHA1: hex.EncodeToString(sum[:]), Status: baseline.FalsePositive, Label: "by hash"},
		{File: "deploy.sh", Line: 1, Commit: c, Status: baseline.Accepted, Label: "by line at a commit"},
		{File: "nowhere.py", Line: 3, Status: baseline.Unreviewed, Label: "unmatched"},
	}
	b := baseline.New()
	res := Import(b, recs, fs, repo, repo.WorkTree())
	if res.Records != 4 || len(res.Unmatched) != 1 || res.Unmatched[0].Label != "unmatched" || res.Added != 2 || res.Updated != 1 || res.Secrets != 2 || res.Unlisted != 0 {
		t.Errorf("result %+v", res)
	}
	if e := b.Lookup(fs[0].Fingerprint); e == nil || e.Status != baseline.Accepted || e.Note != "imported from by secret" {
		t.Errorf("github entry %+v", e)
	}
	if e := b.Lookup(fs[1].Fingerprint); e == nil || e.Status != baseline.FalsePositive {
		t.Errorf("env entry %+v", e)
	}
}
