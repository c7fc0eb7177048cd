package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/scan"
)

// ownRules is a rules file with one rule, which says where it was read.
func ownRules(id string) string {
	return "[[rules]]\nid = \"" + id + "\"\nregex = '''tok_[a-z]{8}'''\nkeywords = [\"tok_\"]\n"
}

// ruleIDs returns the ids of s's rules.
func ruleIDs(s scan.Settings) string {
	var ids []string
	for _, r := range s.Rules.Rules {
		ids = append(ids, r.ID)
	}
	if len(ids) > 3 {
		return "built-in"
	}
	return strings.Join(ids, ",")
}

// TestLoadSettings pins where the rules and the baseline come from, for
// each kind of scan: the one policy every command shares.
func TestLoadSettings(t *testing.T) {
	t.Parallel()
	g := gittest.New(t)
	g.Write(scan.RulesFileName, ownRules("committed-base"))
	bl := baseline.FromFindings([]leak.Finding{{RuleID: "x", Fingerprint: leak.Fingerprint("x", "s3cr3t"), Secret: "s3cr3t"}})
	var data strings.Builder
	bl.Encode(&data)
	g.Write(baseline.FileName, data.String())
	base := g.Commit("base")
	// The merge request changes both, to vet itself.
	g.Write(scan.RulesFileName, ownRules("from-the-merge-request"))
	g.Write(baseline.FileName, "{}")
	head := g.Commit("head")
	repo := open(t, g.Dir)
	outside := filepath.Join(t.TempDir(), "outside.toml")
	os.WriteFile(outside, []byte(ownRules("on-disk")), 0o600)

	bare := filepath.Join(t.TempDir(), "mirror.git")
	if err := os.CopyFS(bare, os.DirFS(filepath.Join(g.Dir, ".git"))); err != nil {
		t.Fatal(err)
	}
	bareRepo := open(t, bare)

	for _, tc := range []struct {
		name      string
		p         scan.Policy
		rules     string
		baselined bool // a baseline applies
		wantErr   string
	}{
		{"work tree", scan.Policy{Repo: repo, Dir: g.Dir}, "from-the-merge-request", false, "not a leakhound baseline"},
		{"work tree, no baseline", scan.Policy{Repo: repo, Dir: g.Dir, NoBaseline: true}, "from-the-merge-request", false, ""},
		{"--config wins", scan.Policy{Repo: repo, Dir: g.Dir, RulesFile: outside, NoBaseline: true}, "on-disk", false, ""},
		{"bare: the default branch", scan.Policy{Repo: bareRepo, NoBaseline: true}, "from-the-merge-request", false, ""},
		{"under review: the base", scan.Policy{Repo: repo, Dir: g.Dir, Reviewed: &scan.Reviewed{Base: mustID(t, base), Head: mustID(t, head)}}, "committed-base", true, ""},
		{"under review, no base: the head's rules, no baseline", scan.Policy{Repo: repo, Dir: g.Dir, Reviewed: &scan.Reviewed{Head: mustID(t, head)}}, "from-the-merge-request", false, ""},
		{"standard input: built-in", scan.Policy{}, "built-in", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scan.LoadSettings(context.Background(), tc.p)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("got %v, want an error %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ruleIDs(s); got != tc.rules {
				t.Errorf("rules %s, want %s (from %s)", got, tc.rules, s.RulesFrom)
			}
			if (s.Baseline != nil) != tc.baselined {
				t.Errorf("baseline %v, want one: %v", s.BaselineName, tc.baselined)
			}
		})
	}

	// Under review, a baseline the merge request adds is not trusted, and
	// the note says so; one outside the repository is read from disk.
	g.Write("new-baseline.json", data.String())
	g.Commit("adds a baseline")
	s, err := scan.LoadSettings(context.Background(), scan.Policy{Repo: repo, Dir: g.Dir, BaselineFile: filepath.Join(g.Dir, "new-baseline.json"), Reviewed: &scan.Reviewed{Base: mustID(t, base), Head: mustID(t, head)}})
	if err != nil || s.Baseline != nil || !strings.Contains(s.BaselineNote, "not trusted") {
		t.Errorf("baseline added under review: %v %v %q", err, s.Baseline, s.BaselineNote)
	}
	out := filepath.Join(t.TempDir(), "b.json")
	os.WriteFile(out, []byte(data.String()), 0o600)
	s, err = scan.LoadSettings(context.Background(), scan.Policy{Repo: repo, Dir: g.Dir, BaselineFile: out, Reviewed: &scan.Reviewed{Base: mustID(t, base), Head: mustID(t, head)}})
	if err != nil || s.Baseline == nil || s.BaselineName != out {
		t.Errorf("baseline outside: %v %q", err, s.BaselineName)
	}

	// A bare repository whose committed rules cannot be read: the
	// built-in rules, and a problem that makes the scan incomplete.
	g2 := gittest.New(t)
	g2.Write(scan.RulesFileName, ownRules("r"))
	g2.Commit("one")
	g2.RemoveObject(g2.BlobID("HEAD", scan.RulesFileName))
	bare2 := filepath.Join(t.TempDir(), "damaged.git")
	if err := os.CopyFS(bare2, os.DirFS(filepath.Join(g2.Dir, ".git"))); err != nil {
		t.Fatal(err)
	}
	s, err = scan.LoadSettings(context.Background(), scan.Policy{Repo: open(t, bare2), NoBaseline: true})
	if err != nil || ruleIDs(s) != "built-in" || len(s.Problems) != 1 || !strings.Contains(s.Problems[0].Item, scan.RulesFileName) {
		t.Errorf("damaged bare repository: %v %s %+v", err, ruleIDs(s), s.Problems)
	}
}
