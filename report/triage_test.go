package report

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/leak"
)

// TestTextGroupsByWhereSecretsLive checks that the text report groups
// findings by the refs that still hold them, names those refs, keeps the
// most urgent group first, labels each finding's context and confidence,
// and gives staged findings advice about the commit rather than history.
func TestTextGroupsByWhereSecretsLive(t *testing.T) {
	r := sample()
	r.Summary.HeadRef, r.Summary.HeadCommit = "refs/heads/main", c2
	var b strings.Builder
	if err := (Text{}).Write(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"── Still in main: rotate, then remove (1)",
		"  where    still in main, release/2.x and tag v2.0",
		"── Still in other branches, not in main: rotate, then remove there (1)",
		"  where    still in branch experiment",
		"── In history only: rotate (2)",
		"HIGH github-pat",
		"  context  production, high confidence",
		"  context  publicly known, high confidence",
		"  known    anyone can use this key: an example key (published at https://docs.example.com/settings)",
		"  context  test, low confidence",
		"by severity: 1 critical, 1 high, 1 medium, 1 low",
		"git filter-repo",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	// A publicly known value has nothing to revoke: its fix says so, and
	// it is the only finding without "rotate it first".
	known := out[strings.Index(out, "  known    "):]
	known = known[:strings.Index(known, "  id  ")]
	if !strings.Contains(known, "  fix      "+fixKnown) || strings.Count(out, "rotate it first") != strings.Count(out, "● ")-1 {
		t.Errorf("the publicly known finding's fix is not the published-value advice:\n%s", out)
	}
	if strings.Index(out, "Still in main") > strings.Index(out, "Still in other branches") {
		t.Errorf("the group of the most urgent finding is not first:\n%s", out)
	}

	// Staged: its own group, advice about the commit, no filter-repo.
	st := sample()
	st.Summary.HeadRef = "refs/heads/main"
	for i := range st.Findings {
		st.Findings[i].Staged, st.Findings[i].Refs, st.Findings[i].InHead = true, nil, false
	}
	b.Reset()
	if err := (Text{}).Write(&b, st); err != nil {
		t.Fatal(err)
	}
	out = b.String()
	if !strings.Contains(out, "── Staged, not committed yet: fix before you commit (4)") || strings.Contains(out, "filter-repo") || strings.Contains(out, "history only") {
		t.Errorf("staged report:\n%s", out)
	}
}

func TestWhere(t *testing.T) {
	const head = "refs/heads/main"
	for _, tt := range []struct {
		f    leak.Finding
		want string
	}{
		{leak.Finding{Refs: []string{head, "refs/heads/release/2.x"}}, "still in main and release/2.x"},
		{leak.Finding{Refs: []string{"refs/heads/experiment"}}, "still in branch experiment"},
		{leak.Finding{Refs: []string{"refs/remotes/origin/a", "refs/remotes/origin/b"}}, "still in branches origin/a and origin/b"},
		{leak.Finding{Refs: []string{"refs/tags/v1", "refs/tags/v2", "refs/tags/v3", "refs/tags/v4"}}, "still in tags v1, v2, v3 and 1 more"},
		{leak.Finding{Refs: []string{head, "refs/heads/experiment", "refs/heads/feature"}}, "still in main, experiment and feature"},
		{leak.Finding{Refs: []string{head, "refs/tags/v1"}}, "still in main and tag v1"},
		{leak.Finding{Location: leak.Location{Commit: "c"}}, "in history only"},
		{leak.Finding{Staged: true}, "staged, not committed yet"},
		{leak.Finding{InHead: true}, "in the files scanned"},
	} {
		if got := Where(&tt.f, head); got != tt.want {
			t.Errorf("Where(%v) = %q, want %q", tt.f.Refs, got, tt.want)
		}
	}
}

// TestTextEmptyKeyStore checks the fix line of an empty file that a rule
// on paths alone reports: nothing to revoke, so not "rotate it first".
func TestTextEmptyKeyStore(t *testing.T) {
	r := &Report{Findings: []leak.Finding{{
		RuleID: "pkcs12-file", Description: "empty file, no key in this version: PKCS#12 key store",
		Severity: "low", Confidence: "low", Tags: []string{"empty"},
		Location: leak.Location{File: "certs/client.p12", Line: 1, Column: 1}, Fingerprint: "v1:0",
	}}}
	var b strings.Builder
	if err := (Text{}).Write(&b, r); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "  fix      "+fixEmpty) || strings.Contains(out, "  fix      rotate") {
		t.Errorf("an empty key store's fix is not the empty-file advice:\n%s", out)
	}
}

// TestChecksumVerdictIsReported checks that the text report's context line
// and SARIF's properties say what a format's checksum says, and that the
// text report does not say twice that it fails.
func TestChecksumVerdictIsReported(t *testing.T) {
	r := sample()
	r.Findings[0].Context.Checksum = leak.ChecksumValid
	r.Findings[2].Context = leak.Context{Label: "test", Path: "test", Value: []string{"bad-checksum"}, Checksum: leak.ChecksumInvalid}
	r.Findings[3].Context = leak.Context{Label: "bad-checksum", Path: "code", Value: []string{"bad-checksum"}, Checksum: leak.ChecksumInvalid}
	r.Findings[3].Confidence = "low"
	var b strings.Builder
	if err := (Text{}).Write(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"  context  production, high confidence, checksum holds\n",
		"  context  test, low confidence, checksum fails\n",
		"  context  bad-checksum, low confidence\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	sarif := string(render(t, &SARIF{Version: "1.2.3"}, r))
	if strings.Count(sarif, `"checksum": "valid"`) != 1 || strings.Count(sarif, `"checksum": "invalid"`) != 2 {
		t.Errorf("SARIF properties do not carry the checksums:\n%s", sarif)
	}
}
