package baseline

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/leak"
)

// Fake secrets, assembled at run time.
var (
	tokA = "ghp_" + "Xq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQeRtUiOp"
	tokB = "ghp_" + "Bq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQeRtUiOz"
	pass = "Vt8k" + "!Q2xR7mZ"
)

func finding(rule, secret, file string, line int, commit string) leak.Finding {
	return leak.Finding{
		RuleID:      rule,
		Location:    leak.Location{File: file, Line: line, Commit: commit},
		Secret:      secret,
		Fingerprint: leak.Fingerprint(rule, secret),
	}
}

func encode(t *testing.T, b *Baseline) string {
	t.Helper()
	var buf bytes.Buffer
	if err := b.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestRoundTripIsStableAndHoldsNoSecret(t *testing.T) {
	fs := []leak.Finding{
		finding("github-pat", tokB, "z.sh", 9, "c2"),
		finding("github-pat", tokA, "a.sh", 3, "c1"),
		finding("generic-secret-env-file", pass, ".env", 1, "c1"),
	}
	b := FromFindings(fs)
	if err := b.Review(fs[1].Fingerprint, Accepted, "test <token>", "Dev <dev@example.com>", time.Date(2024, 5, 1, 10, 0, 0, 123, time.UTC)); err != nil {
		t.Fatal(err)
	}
	out := encode(t, b)
	for _, s := range []string{tokA, tokB, pass} {
		if strings.Contains(out, s) {
			t.Errorf("baseline holds a secret (%.6s…)", s)
		}
	}
	lines := strings.Split(out, "\n")
	// Header, one line per entry in file order, footer.
	if len(lines) != 9 || !strings.Contains(lines[3], `"file":".env"`) || !strings.Contains(lines[4], `"file":"a.sh"`) || !strings.Contains(lines[5], `"file":"z.sh"`) {
		t.Fatalf("layout:\n%s", out)
	}
	want := `    {"fingerprint":"` + fs[1].Fingerprint + `","rule_id":"github-pat","status":"accepted","file":"a.sh","line":3,"commit":"c1","hint":"ghp_… (40 chars)","note":"test <token>","reviewed_by":"Dev <dev@example.com>","reviewed_at":"2024-05-01T10:00:00Z"},`
	if lines[4] != want {
		t.Errorf("entry line\n got %s\nwant %s", lines[4], want)
	}
	if !strings.Contains(lines[3], `"hint":"… (12 chars)"`) {
		t.Errorf("a short secret's hint shows characters: %s", lines[3])
	}
	b2, err := Parse("b.json", []byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if out2 := encode(t, b2); out2 != out {
		t.Errorf("not stable:\n%s\n%s", out, out2)
	}
	if e := b2.Lookup(fs[1].Fingerprint); e == nil || e.Status != Accepted || e.ReviewedBy != "Dev <dev@example.com>" {
		t.Errorf("lookup after parse: %+v", e)
	}
	if got := encode(t, New()); got != "{\n  \"version\": 1,\n  \"entries\": []\n}\n" {
		t.Errorf("empty baseline: %q", got)
	}
}

func TestFilterByFingerprintOnly(t *testing.T) {
	known := finding("github-pat", tokA, "a.sh", 3, "c1")
	b := FromFindings([]leak.Finding{known})
	moved := finding("github-pat", tokA, "other/place.yml", 40, "c9")
	quoted := finding("github-pat", `"`+tokA+`"`, "b.py", 2, "c9") // normalized alike
	other := finding("github-pat", tokB, "a.sh", 3, "c1")          // same place, different secret
	fresh, old := b.Filter([]leak.Finding{moved, other, quoted})
	if len(fresh) != 1 || fresh[0].Secret != tokB || len(old) != 2 {
		t.Errorf("fresh %+v, known %d", fresh, len(old))
	}
}

func TestUpdateKeepsReviewsAddsAndDrops(t *testing.T) {
	a := finding("github-pat", tokA, "a.sh", 3, "c1")
	gone := finding("generic-secret-env-file", pass, ".env", 1, "c1")
	b := FromFindings([]leak.Finding{a, gone})
	b.Review(a.Fingerprint, Revoked, "rotated", "me", time.Now())
	a.File, a.Line = "moved.sh", 7 // the earliest introduction, as a rescan sees it
	added := finding("github-pat", tokB, "z.sh", 1, "c5")
	res := b.Update([]leak.Finding{a, added}, true)
	if len(res.Added) != 1 || len(res.Dropped) != 1 || res.Kept != 1 || res.Dropped[0].Fingerprint != gone.Fingerprint {
		t.Fatalf("result %+v", res)
	}
	e := b.Lookup(a.Fingerprint)
	if e == nil || e.Status != Revoked || e.Note != "rotated" || e.File != "moved.sh" || e.Line != 7 {
		t.Errorf("kept entry %+v", e)
	}
	if e := b.Lookup(added.Fingerprint); e == nil || e.Status != Unreviewed {
		t.Errorf("added entry %+v", e)
	}
	// An incomplete scan drops nothing.
	res = b.Update([]leak.Finding{a}, false)
	if len(res.Dropped) != 0 || len(b.Entries) != 2 {
		t.Errorf("incomplete scan dropped: %+v", res)
	}
}

func TestFingerprintVersions(t *testing.T) {
	a := finding("github-pat", tokA, "a.sh", 3, "c1")
	b := FromFindings([]leak.Finding{a})
	b.Review(a.Fingerprint, FalsePositive, "docs", "me", time.Now())
	cur := encode(t, b)

	// An older version: parsed as stale, refused by Check, migrated by
	// Update with its review.
	old := strings.Replace(cur, `"v1:`, `"v0:`, 1)
	ob, err := Parse("old.json", []byte(old))
	if err != nil {
		t.Fatal(err)
	}
	if len(ob.Stale()) != 1 || ob.Lookup(a.Fingerprint) != nil {
		t.Fatalf("stale entries %d", len(ob.Stale()))
	}
	if err := ob.Check("old.json"); err == nil || !strings.Contains(err.Error(), "fingerprint version v0") || !strings.Contains(err.Error(), "leakhound baseline update") {
		t.Errorf("Check: %v", err)
	}
	res := ob.Update([]leak.Finding{a}, true)
	if res.Migrated != 1 || len(res.Added) != 0 || len(res.Dropped) != 0 {
		t.Errorf("migration: %+v", res)
	}
	if e := ob.Lookup(a.Fingerprint); e == nil || e.Status != FalsePositive || e.Note != "docs" || ob.Check("old.json") != nil {
		t.Errorf("migrated entry %+v", e)
	}
	// A stale entry that matches nothing is dropped and said so.
	ob, _ = Parse("old.json", []byte(old))
	res = ob.Update([]leak.Finding{finding("github-pat", tokA, "elsewhere", 1, "c2")}, true)
	if res.Migrated != 0 || len(res.Unmigrated) != 1 || len(res.Dropped) != 1 || len(res.Added) != 1 {
		t.Errorf("unmatched stale entry: %+v", res)
	}

	// A newer version is rejected.
	if _, err := Parse("new.json", []byte(strings.Replace(cur, `"v1:`, `"v2:`, 1))); err == nil || !strings.Contains(err.Error(), "new.json:4: fingerprint version v2 is newer") {
		t.Errorf("newer fingerprint: %v", err)
	}
	if _, err := Parse("new.json", []byte(strings.Replace(cur, `"version": 1`, `"version": 2`, 1))); err == nil || !strings.Contains(err.Error(), "format version 2 is newer") {
		t.Errorf("newer format: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	fp := leak.Fingerprint("r", tokA)
	for _, tc := range []struct {
		name, data, want string
	}{
		{"syntax", "{\n  \"version\": 1,\n  \"entries\": [\n  }\n", "b.json:4: JSON syntax"},
		{"no version", `{"entries": []}`, `no "version"`},
		{"gitleaks report", `[{"RuleID": "x"}]`, "--from gitleaks"},
		{"detect-secrets", `{"version": "1.5.0", "results": {}}`, "--from detect-secrets"},
		{"bad status", "{\"version\": 1, \"entries\": [\n  {\"fingerprint\": \"" + fp + "\", \"rule_id\": \"r\", \"status\": \"acepted\"}\n]}", `b.json:2: unknown status "acepted"`},
		{"bad fingerprint", "{\"version\": 1, \"entries\": [\n  {\"fingerprint\": \"abc\", \"rule_id\": \"r\", \"status\": \"accepted\"}\n]}", `b.json:2: bad fingerprint "abc"`},
		{"duplicate", "{\"version\": 1, \"entries\": [\n  {\"fingerprint\": \"" + fp + "\", \"rule_id\": \"r\", \"status\": \"accepted\"},\n  {\"fingerprint\": \"" + fp + "\", \"rule_id\": \"r\", \"status\": \"accepted\"}\n]}", "b.json:3: fingerprint " + fp + " is listed twice"},
		{"wrong type", "{\"version\": 1, \"entries\": [\n  {\"fingerprint\": \"" + fp + "\", \"rule_id\": \"r\", \"status\": \"accepted\", \"line\": \"x\"}\n]}", "b.json:2:"},
	} {
		_, err := Parse("b.json", []byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestLoadMissingIsErrNotExist holds what callers rely on to start a new
// baseline instead of checking the path first: a missing file matches
// os.ErrNotExist and says which baseline, and any other failure does not.
func TestLoadMissingIsErrNotExist(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.json")
	_, err := Load(missing)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want an error matching os.ErrNotExist", err)
	}
	if want := "open baseline " + missing + ": no such file"; err == nil || err.Error() != want {
		t.Errorf("Load(missing) says %v, want %q", err, want)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(bad JSON) = %v, want an error that is not os.ErrNotExist", err)
	}
	if _, err := Load(dir); err == nil || errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(directory) = %v, want an error that is not os.ErrNotExist", err)
	}
}

func TestCounts(t *testing.T) {
	b := FromFindings([]leak.Finding{
		finding("github-pat", tokA, "a", 1, ""),
		finding("github-pat", tokB, "b", 1, ""),
		finding("generic", pass, "c", 1, ""),
	})
	b.Review(leak.Fingerprint("github-pat", tokA), Accepted, "", "me", time.Now())
	c := b.Counts()
	if c["github-pat"][Accepted] != 1 || c["github-pat"][Unreviewed] != 1 || c["generic"][Unreviewed] != 1 {
		t.Errorf("counts %v", c)
	}
}
