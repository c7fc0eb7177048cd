package corpus

import (
	"encoding/base64"
	"fmt"
	"math/rand"
	"net/url"
	"regexp"
	"strings"
)

// gen holds the random source and the corpus being built.
type gen struct {
	r *rand.Rand
	c *Corpus
}

// planted is a secret a template put in a file.
type planted struct {
	fam, kind, value string
}

// file is what a template produces.
type file struct {
	path, content string
	secrets       []planted
}

const (
	lower  = "abcdefghijklmnopqrstuvwxyz"
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits = "0123456789"
	alnum  = lower + upper + digits
	// djangoChars are the characters of django.core.management.utils.
	// get_random_secret_key.
	djangoChars = lower + digits + "!@#$%^&*(-_=+)"
)

var words = strings.Fields(`acme atlas beacon cedar delta ember falcon garnet harbor indigo jasper kestrel lumen
	maple nimbus onyx pebble quartz raven sierra tundra umber vertex willow xenon yarrow zephyr orbit pixel summit
	canyon meadow copper silver cobalt amber coral prairie glacier aurora comet nova lotus juniper`)

// weak words must not occur in a generated secret: they are what the
// scanners' placeholder filters look for.
var weak = regexp.MustCompile(`(?i)test|pass|secret|example|dummy|sample|change|admin|qwerty|letmein|placeholder|redact|fake|xxx|your|here|insecure|key|token|mock|some|foo|bar`)

func (g *gen) pick(s []string) string { return s[g.r.Intn(len(s))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) from(chars string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[g.r.Intn(len(chars))]
	}
	return string(b)
}

// strong returns a random string of n characters from chars that holds a
// lower-case letter, an upper-case letter and a digit (when chars has
// them) and no weak word.
func (g *gen) strong(chars string, n int) string {
	for {
		s := g.from(chars, n)
		if weak.MatchString(s) {
			continue
		}
		if strings.ContainsAny(chars, lower) && !strings.ContainsAny(s, lower) ||
			strings.ContainsAny(chars, upper) && !strings.ContainsAny(s, upper) ||
			strings.ContainsAny(chars, digits) && !strings.ContainsAny(s, digits) {
			continue
		}
		return s
	}
}

// password is a generated password, safe in any quoting (no quotes,
// backslash, space, $, #, %, braces or angle brackets).
func (g *gen) password() string {
	if g.chance(0.15) {
		return g.human()
	}
	return g.strong(alnum+"!*+-.=^_~@:/", 12+g.r.Intn(9))
}

// plainPassword has no characters that need escaping in a URL or a
// key=value file.
func (g *gen) plainPassword() string { return g.strong(alnum+"-._~!*", 12+g.r.Intn(9)) }

// human is a password a person chose: a capitalised word, digits, a symbol.
func (g *gen) human() string {
	w := g.pick(words)
	return strings.ToUpper(w[:1]) + w[1:] + fmt.Sprint(1000+g.r.Intn(9000)) + g.pick([]string{"!", "#", "?", "*", "@", "."})
}

func (g *gen) hex(n int) string { return g.strong("0123456789abcdef", n) }

func (g *gen) djangoKey() string {
	k := g.strong(djangoChars, 50)
	if g.chance(0.4) {
		k = "django-insecure-" + k
	}
	return k
}

func (g *gen) b64(n int) string {
	b := make([]byte, n)
	g.r.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func (g *gen) fernet() string {
	for {
		b := make([]byte, 32)
		g.r.Read(b)
		k := base64.URLEncoding.EncodeToString(b)
		if !weak.MatchString(k) {
			return k
		}
	}
}

func (g *gen) uuid() string {
	h := g.from("0123456789abcdef", 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

func b64s(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// userName is an account name.
func (g *gen) userName() string {
	return g.pick([]string{"deploy", "app", "svc_" + g.pick(words), g.pick(words), "ci", "backend", g.pick(words) + "_rw"})
}

func (g *gen) host() string {
	return g.pick([]string{"db", "db.internal", g.pick(words) + "-db.prod.internal", "10.0." + fmt.Sprint(g.r.Intn(255)) + "." + fmt.Sprint(1+g.r.Intn(250)), "postgres", "mysql.internal"})
}

// escapeURL percent-encodes what a URL's userinfo cannot hold.
func escapeURL(s string) string {
	return url.QueryEscape(s)
}

// project generates the history of project number p.
func (g *gen) project(p int) {
	name := g.pick(words) + fmt.Sprint(p)
	pr := &proj{g: g, name: name}
	pr.initial()
	steps := 6 + g.r.Intn(8)
	for i := 0; i < steps; i++ {
		switch x := g.r.Float64(); {
		case x < 0.45:
			pr.commit("", "add "+pr.topic(), pr.positive())
		case x < 0.80:
			pr.commit("", "update "+pr.topic(), pr.negative(), pr.negative())
		case x < 0.88:
			pr.scrub()
		case x < 0.93:
			pr.rename()
		default:
			pr.branch()
		}
	}
	if g.chance(0.3) {
		pr.branch()
	}
}

// proj is one project's history in the making.
type proj struct {
	g    *gen
	name string
	// files are the project's current files on main (path → content).
	files map[string]string
	// withSecret lists files on main that hold a planted secret.
	withSecret []string
	branches   int
}

func (pr *proj) topic() string {
	return pr.g.pick([]string{"settings", "deployment", "payments", "worker", "api client", "notifications", "search", "auth", "reports", "exports"})
}

func (pr *proj) path(p string) string { return pr.name + "/" + p }

// commit adds a commit on branch with the given files.
func (pr *proj) commit(branch, msg string, fs ...file) {
	c := Commit{Branch: branch, Message: msg, Files: map[string]string{}}
	for _, f := range fs {
		if f.path == "" {
			continue
		}
		p := pr.path(f.path)
		if old, ok := c.Files[p]; ok && old != "" {
			f.content = old + "\n" + f.content
		}
		c.Files[p] = f.content
		if f.secrets == nil {
			pr.g.c.Negatives++
		}
		for _, s := range f.secrets {
			c.secrets = append(c.secrets, len(pr.g.c.Secrets))
			pr.g.c.Secrets = append(pr.g.c.Secrets, Secret{Family: s.fam, Kind: s.kind, Value: s.value, Path: p})
		}
		if branch == "" {
			if pr.files == nil {
				pr.files = map[string]string{}
			}
			pr.files[p] = f.content
			if f.secrets != nil {
				pr.withSecret = append(pr.withSecret, p)
			}
		}
	}
	if len(c.Files) > 0 {
		pr.g.c.Commits = append(pr.g.c.Commits, c)
	}
}

func (pr *proj) initial() {
	g := pr.g
	settings := g.pick([]string{"settings.py", "settings/base.py", "settings/production.py", "conf.py", "local_settings.py", "settings_prod.py", "config/settings.py"})
	pr.commit("", "Initial commit",
		pr.djangoSettings(pr.name+"/"+settings),
		file{path: "README.md", content: pr.readme()},
		file{path: "requirements.txt", content: g.requirements()},
		file{path: "manage.py", content: "#!/usr/bin/env python\nimport os\nimport sys\n\nif __name__ == \"__main__\":\n    os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"" + pr.name + ".settings\")\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n"},
	)
}

// scrub replaces a file that holds a secret by one that reads it from the
// environment: the secret stays in history.
func (pr *proj) scrub() {
	if len(pr.withSecret) == 0 {
		pr.commit("", "tidy", pr.negative())
		return
	}
	i := pr.g.r.Intn(len(pr.withSecret))
	p := pr.withSecret[i]
	pr.withSecret = append(pr.withSecret[:i], pr.withSecret[i+1:]...)
	content := "SECRET_KEY=${SECRET_KEY}\nDB_PASSWORD=${DB_PASSWORD}\n"
	if strings.HasSuffix(p, ".py") {
		content = "import os\n\nSECRET_KEY = os.environ[\"SECRET_KEY\"]\nDB_PASSWORD = os.environ.get(\"DB_PASSWORD\")\n"
	}
	c := Commit{Message: "move secrets to the environment", Files: map[string]string{p: content}}
	pr.files[p] = c.Files[p]
	pr.g.c.Commits = append(pr.g.c.Commits, c)
	pr.g.c.Negatives++
}

// rename moves a file: not a new leak.
func (pr *proj) rename() {
	for p, content := range pr.files {
		if !strings.HasSuffix(p, ".py") {
			continue
		}
		to := strings.TrimSuffix(p, ".py") + "_old.py"
		if _, ok := pr.files[to]; ok {
			continue
		}
		c := Commit{Message: "rename " + p, Files: map[string]string{p: "", to: content}}
		delete(pr.files, p)
		pr.files[to] = content
		for i, w := range pr.withSecret {
			if w == p {
				pr.withSecret[i] = to
			}
		}
		pr.g.c.Commits = append(pr.g.c.Commits, c)
		return
	}
}

// branch adds a branch with a secret; half the time it is merged.
func (pr *proj) branch() {
	pr.branches++
	name := pr.name + "-feature-" + fmt.Sprint(pr.branches)
	pr.commit(name, "wip", pr.positive())
	if pr.g.chance(0.5) {
		pr.commit(name, "more wip", pr.negative())
	}
	if pr.g.chance(0.5) {
		c := Commit{Message: "Merge branch " + name, Merge: name, Files: map[string]string{}}
		pr.g.c.Commits = append(pr.g.c.Commits, c)
	}
}
