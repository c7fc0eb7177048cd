package gittest

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/leak"
)

// A recipe is a seed repository written down as text (testdata/seeds/ at
// the top of the module), with the findings a scan of it must report, so
// that the library's tests, the command's and the example program's build
// the same history and hold it to the same expectations. Lines:
//
//	# a comment
//	write PATH           the file's content follows, up to a line "."
//	remove PATH
//	move FROM TO
//	commit LABEL MESSAGE
//	branch NAME          create a branch at HEAD and check it out
//	checkout NAME
//	merge LABEL BRANCH MESSAGE   commit what is staged as a merge of HEAD and BRANCH
//	ref NAME LABEL       point a ref (full name) at a labelled commit
//	want RULE PATH:LINE LABEL head|history [SECRET]
//
// Content may hold placeholders, {{name}} (lower-case letters, digits
// and dashes; anything else between braces is left alone), replaced by the values the test
// gives: the fake secrets, assembled at run time so that the source tree
// holds none. A want line says a finding of RULE was introduced at
// PATH:LINE in the commit LABEL, whether it is still in the default
// branch's tip, and, optionally, which placeholder's value is its secret;
// the scan must report exactly the findings wanted (see Recipe.Check).

// placeholder is the name of a recipe's placeholder, between {{ and }}.
var placeholder = regexp.MustCompile(`^[a-z0-9-]+$`)

// Recipe is a repository built from a recipe file.
type Recipe struct {
	*Repo
	// Commits maps each commit's label to its id.
	Commits map[string]string
	// Wants are the findings a scan of every ref must report.
	Wants []Want
}

// Want is a finding a recipe expects.
type Want struct {
	Rule, File string
	Line       int
	// Commit is the id of the commit that introduced the secret.
	Commit string
	InHead bool
	// Secret is the secret, when the want line names it; "" matches any.
	Secret string
}

func (w Want) String() string {
	where := "history"
	if w.InHead {
		where = "head"
	}
	s := fmt.Sprintf("%s %s:%d @%.10s %s", w.Rule, w.File, w.Line, w.Commit, where)
	if w.Secret != "" {
		s += fmt.Sprintf(" secret %.4s…", w.Secret)
	}
	return s
}

// meets reports whether the finding got meets w.
func (w Want) meets(got Want) bool {
	if w.Secret == "" {
		got.Secret = ""
	}
	return got == w
}

// BuildRecipe builds the repository that the recipe file at path
// describes, in a temporary directory, replacing each {{name}} with
// vars[name].
func BuildRecipe(t testing.TB, path string, vars map[string]string) *Recipe {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := &Recipe{Repo: New(t), Commits: map[string]string{}}
	sc := bufio.NewScanner(f)
	n := 0
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s:%d: %s", path, n, fmt.Sprintf(format, args...))
	}
	expand := func(s string) string {
		var b strings.Builder
		for {
			i := strings.Index(s, "{{")
			j := strings.Index(s[max(i, 0):], "}}") + max(i, 0)
			if i < 0 || j < i {
				return b.String() + s
			}
			name := s[i+2 : j]
			if !placeholder.MatchString(name) {
				// Not ours: a template's {{ var }} stays as it is.
				b.WriteString(s[:j+2])
				s = s[j+2:]
				continue
			}
			v, ok := vars[name]
			if !ok {
				fail("no value for {{%s}}", name)
			}
			b.WriteString(s[:i] + v)
			s = s[j+2:]
		}
	}
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		arg := func(k int) string {
			if len(f) <= k {
				fail("%s: want %d arguments", f[0], k)
			}
			return f[k]
		}
		rest := func(k int) string { arg(k); return strings.Join(f[k:], " ") }
		switch f[0] {
		case "write":
			var b strings.Builder
			for sc.Scan() {
				n++
				if sc.Text() == "." {
					break
				}
				b.WriteString(expand(sc.Text()) + "\n")
			}
			r.Write(arg(1), b.String())
		case "remove":
			r.Remove(arg(1))
		case "move":
			r.Move(arg(1), arg(2))
		case "commit":
			r.Commits[arg(1)] = r.Commit(rest(2))
		case "branch":
			r.Branch(arg(1))
		case "checkout":
			r.Checkout(arg(1))
		case "merge":
			r.Commits[arg(1)] = r.Merge(rest(3), arg(2))
		case "ref":
			r.SetRef(arg(1), r.label(t, arg(2)))
		case "want":
			file, lineNo, ok := strings.Cut(arg(2), ":")
			l, err := strconv.Atoi(lineNo)
			if !ok || err != nil {
				fail("want: bad place %q", arg(2))
			}
			w := Want{Rule: arg(1), File: file, Line: l, Commit: r.label(t, arg(3)), InHead: arg(4) == "head"}
			if len(f) > 5 {
				v, ok := vars[f[5]]
				if !ok {
					fail("want: no value for secret %q", f[5])
				}
				w.Secret = v
			}
			r.Wants = append(r.Wants, w)
		default:
			fail("unknown instruction %q", f[0])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *Recipe) label(t testing.TB, label string) string {
	t.Helper()
	id, ok := r.Commits[label]
	if !ok {
		t.Fatalf("recipe: no commit labelled %q", label)
	}
	return id
}

// Check compares findings with the recipe's wants: a want that no finding
// meets and a finding that no want expects both fail the test, as
// analysistest's // want comments do.
func (r *Recipe) Check(t testing.TB, fs []leak.Finding) {
	t.Helper()
	got := make([]Want, len(fs))
	for i, f := range fs {
		got[i] = Want{Rule: f.RuleID, File: f.File, Line: f.Line, Commit: f.Commit, InHead: f.InHead, Secret: f.Secret}
	}
	used := make([]bool, len(got))
next:
	for _, w := range r.Wants {
		for i, g := range got {
			if !used[i] && w.meets(g) {
				used[i] = true
				continue next
			}
		}
		t.Errorf("missing finding: %s", w)
	}
	for i, g := range got {
		if !used[i] {
			t.Errorf("unexpected finding: %s", g)
		}
	}
}

// Secrets returns the fake secrets of the seed recipes, by placeholder
// name. They are assembled at run time, so that the source tree holds
// none that leakhound would find in itself.
func Secrets() map[string]string {
	return map[string]string{
		"django-key":           "django-insecure-" + "q7#t^w(2z!x9k$v@m4%b&n8*p+c6)r_=h3-j5y1l0e",
		"db-password":          "Vt8k" + "!Q2xR7mZ",
		"github-token":         "ghp_" + "Xq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQe2R3h5H", // its checksum holds: a token as GitHub issues them
		"slack-webhook":        "https://hooks.slack.com/services/" + "T04KX9M2P/B05QW7ZR8L3/Hk8mZq3XvP9nL2rT7wB4yC6j",
		"kube-password-base64": base64.StdEncoding.EncodeToString([]byte("Zq9w" + "#Lm3xP0t")),
		"kube-rotated-base64":  base64.StdEncoding.EncodeToString([]byte("Rt5y" + "@Kp8wQ2m")),
	}
}
