package scan_test

import (
	"crypto/rand"
	"slices"
	"strings"
	"testing"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/internal/keystoretest"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// keyStoreFindings lists the findings of rep's rules on key stores as
// "file severity [opens]".
func keyStoreFindings(rep *report.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		if f.RuleID == "pkcs12-file" || f.RuleID == "java-keystore-file" {
			tags := ""
			if slices.Contains(f.Tags, "known-password") {
				tags = " opens"
			}
			file := f.File
			if i := strings.LastIndex(file, "/certs/"); i >= 0 {
				file = file[i+1:]
			}
			out = append(out, file+" "+f.Severity+tags)
		}
	}
	slices.Sort(out)
	return out
}

// cleanCache is a BlobCache that holds every blob clean.
type cleanCache struct{}

func (cleanCache) Clean(string, []string) bool               { return true }
func (cleanCache) Record(string, []string, []scan.BlobMatch) {}

// A .p12 is judged by its content once it is read, in history and on disk
// alike: a key store that opens with a password everyone knows is
// critical and says so (an Android debug key store, one step above the
// Java rule's medium), one with its owner's password stays high, and
// random bytes or a file cut short under the name are no finding. A blob
// left unread (too large) is judged by its path, as before; a cache never
// skips a blob whose format is to be checked.
func TestKeyStoreContent(t *testing.T) {
	t.Parallel()
	google := keystoretest.PKCS12(t, gopkcs12.LegacyDES, "notasecret")
	strong := keystoretest.PKCS12(t, gopkcs12.Modern2023, rand.Text())
	random := make([]byte, 100)
	rand.Read(random)
	random[0], random[1] = 0x07, 0 // not a SEQUENCE; binary
	r := gittest.New(t)
	r.WriteBytes("certs/google.p12", google).
		WriteBytes("certs/strong.pfx", strong).
		WriteBytes("certs/random.p12", random).
		WriteBytes("certs/cut.p12", strong[:200]).
		WriteBytes("certs/debug.keystore", keystoretest.JKS(t, "android")).
		Write("README", "certificates\n")
	r.Commit("certs")
	want := []string{"certs/debug.keystore high opens", "certs/google.p12 critical opens", "certs/strong.pfx high"}

	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.History{Repo: repo, Name: r.Dir}, scan.Options{})
	if got := keyStoreFindings(rep); !slices.Equal(got, want) {
		t.Errorf("history: got %q, want %q", got, want)
	}
	rep = run(t, repo, &scan.History{Repo: repo, Name: r.Dir}, scan.Options{Cache: cleanCache{}})
	if got := keyStoreFindings(rep); !slices.Equal(got, want) {
		t.Errorf("history with every blob cached clean: got %q, want %q", got, want)
	}
	rep = run(t, nil, scan.Dir{Path: r.Dir}, scan.Options{})
	if got := keyStoreFindings(rep); !slices.Equal(got, want) {
		t.Errorf("directory: got %q, want %q", got, want)
	}
	rep = run(t, nil, scan.File{Path: r.Dir + "/certs/random.p12"}, scan.Options{})
	if got := keyStoreFindings(rep); len(got) != 0 {
		t.Errorf("random.p12 as a file: got %q, want none", got)
	}
	rep = run(t, nil, scan.File{Path: r.Dir + "/certs/google.p12"}, scan.Options{})
	// (The test's temporary path says test: triage lowers the severity.)
	if got := keyStoreFindings(rep); len(got) != 1 || !strings.HasSuffix(got[0], " opens") {
		t.Errorf("google.p12 as a file: got %q, want it found as opening", got)
	}
	// Too large to read: judged by path alone, whatever the content.
	rep = run(t, repo, &scan.History{Repo: repo, Name: r.Dir}, scan.Options{MaxFileSize: 150})
	if got, want := keyStoreFindings(rep), []string{"certs/cut.p12 high", "certs/debug.keystore medium", "certs/google.p12 high", "certs/strong.pfx high"}; !slices.Equal(got, want) {
		t.Errorf("history, key stores too large to read: got %q, want %q", got, want)
	}
	for _, f := range rep.Findings {
		if (f.RuleID == "pkcs12-file" || f.RuleID == "java-keystore-file") && strings.Contains(f.Description, "opens") {
			t.Errorf("an unread key store was said to open: %+v", f)
		}
	}
}

// A key store is found whatever words its file's name holds: outside
// history a rule on paths alone stands the file's name where a value
// would be, and the allowlists of placeholder words (placeholder,
// notasecret, example key) judge values, not names. An allowlist of paths
// still leaves a key store out (vendored code).
func TestKeyStoreNamedLikePlaceholder(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	names := []string{"certs/placeholder.p12", "certs/svc-notasecret.p12", "certs/example-key.p12"}
	var want []string
	for _, n := range names {
		r.WriteBytes(n, keystoretest.PKCS12(t, gopkcs12.LegacyDES, "notasecret"))
		want = append(want, n+" critical opens")
	}
	r.WriteBytes("node_modules/pkg/certs/placeholder.p12", keystoretest.PKCS12(t, gopkcs12.LegacyDES, "notasecret"))
	r.Commit("certs")
	slices.Sort(want)

	repo := open(t, r.Dir)
	rep := run(t, repo, &scan.History{Repo: repo, Name: r.Dir}, scan.Options{})
	if got := keyStoreFindings(rep); !slices.Equal(got, want) {
		t.Errorf("history: got %q, want %q", got, want)
	}
	rep = run(t, nil, scan.Dir{Path: r.Dir}, scan.Options{})
	if got := keyStoreFindings(rep); !slices.Equal(got, want) {
		t.Errorf("directory: got %q, want %q", got, want)
	}
}
