// Package corpus generates labelled test corpora for measuring leakhound's
// accuracy: git histories of small Python, Django and Flask projects with
// their config and credential files, holding planted secrets of known
// values and hard negatives (lookups, placeholders, hashes, public keys,
// documented examples, code that merely names a secret).
//
// Every secret is generated at run time from a seeded random source, so
// the repository holds no secret literal and the same seed gives the same
// corpus. Score compares what a scanner reported with what was planted, on
// unique secrets, per family and overall.
//
// The package knows nothing of leakhound's packages: a scanner's report
// comes in as a list of Reported values.
package corpus

import (
	"encoding/base64"
	"fmt"
	"io"
	"math/rand"
	"net/url"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// Families of secrets, for reporting.
const (
	FamSecretKey   = "secret-key"      // Django, Flask, Starlette SECRET_KEY
	FamDatabase    = "database"        // DATABASES, e-mail passwords, connection URLs and strings
	FamEnvFallback = "env-fallback"    // config('X', default=...), os.getenv(..., '...')
	FamPython      = "python-password" // Bandit B105/B106/B107
	FamCrypto      = "crypto"          // Fernet keys, hardcoded salts
	FamCredFile    = "credential-file" // .npmrc, .netrc, docker, Kubernetes, wp-config, ...
	FamHash        = "password-hash"   // shadow, htpasswd, SQL dumps
	FamGeneric     = "generic"         // .env and YAML passwords, JSON secrets
	FamProvider    = "provider"        // provider tokens with a fixed prefix
	FamOther       = "other"
)

// Families lists the families in report order.
var Families = []string{FamSecretKey, FamDatabase, FamEnvFallback, FamPython, FamCrypto, FamCredFile, FamHash, FamGeneric, FamProvider}

// Secret is a planted secret.
type Secret struct {
	Family string
	// Kind names the template that planted it.
	Kind string
	// Value is the secret a scanner should report, decoded.
	Value string
	// Path is the file it was planted in; Commit the commit that
	// introduced it there (filled in when the repository is written).
	Path   string
	Commit string
}

// Reported is one secret a scanner reported.
type Reported struct {
	Rule   string
	Secret string
	File   string
	Commit string
	// Family is the family of the rule, for precision per family; empty
	// counts as FamOther.
	Family string
}

// Options size a corpus.
type Options struct {
	Seed int64
	// Projects is the number of projects; each is a directory with its own
	// history interleaved with the others'.
	Projects int
}

// Corpus is a generated history and what it holds.
type Corpus struct {
	Commits []Commit
	Secrets []Secret
	// Negatives counts the hard-negative snippets written.
	Negatives int
}

// Commit is one commit: files to write (path → content; "" removes the
// file), on a branch ("" is main), maybe merging a branch.
type Commit struct {
	Branch  string
	Message string
	Files   map[string]string
	// Merge names a branch merged into Branch by this commit.
	Merge string
	// secrets indexes Corpus.Secrets introduced by this commit.
	secrets []int
}

// Generate builds a corpus.
func Generate(opts Options) *Corpus {
	g := &gen{r: rand.New(rand.NewSource(opts.Seed)), c: &Corpus{}}
	for p := 0; p < opts.Projects; p++ {
		g.project(p)
	}
	return g.c
}

// Result is a scanner's accuracy on a corpus.
type Result struct {
	Families []FamilyResult
	Total    FamilyResult
	// Missed lists planted secrets not found; FalsePositives the reported
	// secrets that were not planted.
	Missed         []Secret
	FalsePositives []Reported
	// Misattributed counts found secrets whose introducing commit was not
	// among the commits the scanner named for it.
	Misattributed int
}

// FamilyResult is recall and precision for one family.
type FamilyResult struct {
	Family string
	// Planted and Found count unique planted secrets and those found.
	Planted, Found int
	// Reported counts unique secrets reported by the family's rules, and
	// FalsePositives those not planted.
	Reported, FalsePositives int
}

// Recall is Found/Planted, or 1 when nothing was planted.
func (f FamilyResult) Recall() float64 {
	if f.Planted == 0 {
		return 1
	}
	return float64(f.Found) / float64(f.Planted)
}

// Precision is the share of reported secrets that were planted, or 1 when
// nothing was reported.
func (f FamilyResult) Precision() float64 {
	if f.Reported == 0 {
		return 1
	}
	return float64(f.Reported-f.FalsePositives) / float64(f.Reported)
}

// forms are the ways a reported secret may hold a planted one: as
// written, percent-decoded (a URL's password) or base64-decoded (a scanner
// that reports an encoded credential).
func forms(s string) []string {
	out := []string{s}
	if strings.Contains(s, "%") {
		if d, err := url.PathUnescape(s); err == nil && d != s {
			out = append(out, d)
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(s); err == nil && len(d) > 0 && utf8.Valid(d) {
			out = append(out, string(d))
			break
		}
	}
	return out
}

// match returns the planted value a reported secret stands for: one of its
// forms equals it, or holds it (a scanner that reports "user:password" or
// a whole URL found the password). Planted values are random and at least
// eight characters long, so that a substring is no accident.
func (c *Corpus) match(planted map[string]*Secret, reported string) string {
	fs := forms(reported)
	for _, f := range fs {
		if planted[f] != nil {
			return f
		}
	}
	for _, f := range fs {
		for v := range planted {
			if len(v) >= 8 && strings.Contains(f, v) {
				return v
			}
		}
	}
	return ""
}

// Score compares reported secrets with the corpus. A planted secret is
// found when a reported secret stands for it (see match); a reported
// secret that stands for no planted one is a false positive. Both are
// counted once per distinct value.
func (c *Corpus) Score(reported []Reported) Result {
	planted := map[string]*Secret{}
	commits := map[string]map[string]bool{} // planted value -> introducing commits
	for i := range c.Secrets {
		s := &c.Secrets[i]
		if _, ok := planted[s.Value]; !ok {
			planted[s.Value] = s
		}
		if commits[s.Value] == nil {
			commits[s.Value] = map[string]bool{}
		}
		commits[s.Value][s.Commit] = true
	}
	fams := map[string]*FamilyResult{}
	fam := func(name string) *FamilyResult {
		if name == "" {
			name = FamOther
		}
		if fams[name] == nil {
			fams[name] = &FamilyResult{Family: name}
		}
		return fams[name]
	}
	for _, s := range planted {
		fam(s.Family).Planted++
	}
	found := map[string]bool{}
	named := map[string]map[string]bool{} // planted value -> commits reported
	seen := map[string]bool{}
	var res Result
	for _, r := range reported {
		value := c.match(planted, r.Secret)
		key := r.Family + "\x00" + r.Secret
		if value != "" {
			key = r.Family + "\x00" + value
		}
		if !seen[key] {
			seen[key] = true
			f := fam(r.Family)
			f.Reported++
			if value == "" {
				f.FalsePositives++
				res.FalsePositives = append(res.FalsePositives, r)
			}
		}
		if value != "" {
			found[value] = true
			if named[value] == nil {
				named[value] = map[string]bool{}
			}
			named[value][r.Commit] = true
		}
	}
	for v, s := range planted {
		if found[v] {
			fam(s.Family).Found++
			ok := false
			for c := range commits[v] {
				if named[v][c] {
					ok = true
				}
			}
			if !ok {
				res.Misattributed++
			}
		} else {
			res.Missed = append(res.Missed, *s)
		}
	}
	sort.Slice(res.Missed, func(i, j int) bool {
		return res.Missed[i].Kind+res.Missed[i].Value < res.Missed[j].Kind+res.Missed[j].Value
	})
	sort.Slice(res.FalsePositives, func(i, j int) bool {
		a, b := res.FalsePositives[i], res.FalsePositives[j]
		return a.Rule+a.File+a.Secret < b.Rule+b.File+b.Secret
	})
	names := append([]string{}, Families...)
	for n := range fams {
		if !contains(names, n) {
			names = append(names, n)
		}
	}
	sort.SliceStable(names[len(Families):], func(i, j int) bool { return names[len(Families)+i] < names[len(Families)+j] })
	res.Total.Family = "overall"
	for _, n := range names {
		f := fams[n]
		if f == nil {
			continue
		}
		res.Families = append(res.Families, *f)
		res.Total.Planted += f.Planted
		res.Total.Found += f.Found
		res.Total.Reported += f.Reported
		res.Total.FalsePositives += f.FalsePositives
	}
	return res
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Write prints the result as a table, then the misses and false positives
// (at most max of each; secrets shown whole: they are fakes).
func (r Result) Write(w io.Writer, max int) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "family\tplanted\tfound\trecall\treported\tfalse pos\tprecision\t")
	for _, f := range append(r.Families, r.Total) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\t%d\t%d\t%.1f%%\t\n", f.Family, f.Planted, f.Found, 100*f.Recall(), f.Reported, f.FalsePositives, 100*f.Precision())
	}
	tw.Flush()
	fmt.Fprintf(w, "misattributed (found, but not at the introducing commit): %d\n", r.Misattributed)
	for i, s := range r.Missed {
		if i == max {
			fmt.Fprintf(w, "  … and %d more missed\n", len(r.Missed)-max)
			break
		}
		fmt.Fprintf(w, "  missed %s/%s in %s: %q\n", s.Family, s.Kind, s.Path, s.Value)
	}
	for i, f := range r.FalsePositives {
		if i == max {
			fmt.Fprintf(w, "  … and %d more false positives\n", len(r.FalsePositives)-max)
			break
		}
		fmt.Fprintf(w, "  false positive %s in %s: %q\n", f.Rule, f.File, f.Secret)
	}
}

// ruleFamilies maps leakhound's default rules to families; rules not
// listed are provider rules.
var ruleFamilies = map[string]string{
	"django-secret-key":          FamSecretKey,
	"django-secret-key-config":   FamSecretKey,
	"flask-secret-key":           FamSecretKey,
	"django-database-password":   FamDatabase,
	"django-email-password":      FamDatabase,
	"connection-url-password":    FamDatabase,
	"redis-url-password":         FamDatabase,
	"connection-string-password": FamDatabase,
	"python-env-fallback":        FamEnvFallback,
	"python-hardcoded-password":  FamPython,
	"python-basic-auth":          FamPython,
	"http-bearer-token":          FamCredFile,
	"fernet-key":                 FamCrypto,
	"bcrypt-hardcoded-salt":      FamCrypto,
	"pbkdf2-hardcoded-salt":      FamCrypto,
	"hardcoded-salt":             FamCrypto,
	"unix-password-hash":         FamHash,
	"password-hash":              FamHash,
	"generic-secret-assignment":  FamGeneric,
	"generic-secret-env-file":    FamGeneric,
}

// RuleFamily returns the family of one of leakhound's default rules: the
// credential-file rules are tagged "credential-file", the rest are listed
// here or are provider rules.
func RuleFamily(id string, tags []string) string {
	if f, ok := ruleFamilies[id]; ok {
		return f
	}
	if contains(tags, "credential-file") {
		return FamCredFile
	}
	return FamProvider
}
