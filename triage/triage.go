// Package triage judges every finding once, after detection: where it is
// (production code and configuration, tests, fixtures, examples,
// documentation, vendored code), what its value looks like (a placeholder,
// dictionary words, low entropy, repeated or sequential characters), and
// whether it is a publicly known value (a framework's documented example
// key). From that verdict and the rule's kind it sets each finding's
// severity and confidence, and it orders findings so that real leaks come
// first.
//
// Severity is the credential's kind (the rule's severity) lowered by its
// context:
//
//	context                       severity                    confidence
//	production code, config       the rule's                  the rule's
//	test, fixture, example        two steps lower             one step lower
//	docs, vendored                three steps lower           one step lower
//	value unlike a secret         two steps lower (more)      low
//	checksum fails                two steps lower (more)      low
//	checksum holds                the path's, no value flags  high, then the path's step
//	publicly known, in code       high (the entry's own)      high
//	publicly known, in tests      two steps lower             high
//	publicly known, docs/examples info                        high
//
// Steps stop at info. A rule's confidence, when it sets none, follows its
// kind: a token with a fixed prefix (ghp_, AKIA, -----BEGIN) is high; a
// rule that names its service is medium; a generic assignment
// (password = "...") is medium when its value is long, varied and not made
// of dictionary words, else low.
//
// A rule whose format carries a checksum names it (config.Rule.Checksum):
// a secret whose checksum fails was typed or made up, not issued, and is
// judged as a value unlike a secret (flag bad-checksum); one whose
// checksum holds was made by its issuer's generator, so what its value
// looks like does not count against it and its confidence is high. The
// path context weighs either way.
//
// The package knows rules (config) and findings (leak); it knows nothing
// of git, of detection internals or of output formats. The detector's hot
// path does not call it: the engine judges each finished finding once.
package triage

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"

	re2 "github.com/wasilibs/go-re2"

	"github.com/leakhound/leakhound/checksum"
	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

// Path contexts.
const (
	Code     = "code"
	Test     = "test"
	Fixture  = "fixture"
	Example  = "example"
	Docs     = "docs"
	Vendored = "vendored"
)

// Labels that are not path contexts.
const (
	// LabelProduction is the label of a finding in production code whose
	// value looks like a real secret.
	LabelProduction = "production"
	// LabelKnown is the label of a publicly known value.
	LabelKnown = "publicly known"
)

// Severities and confidences, most severe (confident) first.
var (
	severities  = config.Severities()
	confidences = config.Confidences()
)

// DefaultPaths are the built-in layouts of each path context, tried in
// this order after a rules file's [[pathContexts]] and before its
// testPaths, which count as test (the first match wins): vendored code first (a vendored library's tests are
// still someone else's code), then fixtures, tests, examples, docs.
var DefaultPaths = []config.PathContext{
	{Context: Vendored, Description: "vendored and third-party code, generated reports", Paths: []string{
		`(?i)(?:^|/)(?:vendor|vendored|_vendor|third[_-]?party|node_modules|bower_components|site-packages|dist-packages|Pods|Carthage)/`,
		// coverage reports render the code they cover
		`(?:^|/)htmlcov/`,
		// a file inside a package's distribution committed to the
		// repository (requirements/celery-3.0.19.tar.gz/celery-3.0.19/...,
		// lib/commons-io-2.4.jar/...; reports write "!" after the
		// archive): someone else's release
		`(?i)(?:^|/)[A-Za-z][\w.-]*-\d+(?:\.\d+)+[\w.+-]*\.(?:tar\.gz|tgz|tar\.bz2|tar\.xz|zip|whl|egg|jar|gem|nupkg)[!/]`,
		// the same release unpacked under its name and full version
		// (static/bootstrap-5.0.2/, static/monaco-editor-0.52.2/vs/...)
		`(?:^|/)[A-Za-z][\w.-]*-\d+\.\d+\.\d+[\w.+-]*/`,
	}},
	{Context: Fixture, Description: "fixtures, test data, mocks and recorded responses", Paths: []string{
		`(?i)(?:^|/)(?:fixtures?|__fixtures__|testdata|test[_-]?data|test[_-]?resources|__mocks__|mocks?|stubs?|cassettes|__snapshots__|snapshots)/`,
		`(?i)\.snap$`,
		// Django's initial data fixtures, wherever an app keeps them
		`(?:^|/)initial_data\.(?:json|ya?ml|xml)$`,
	}},
	{Context: Test, Description: "tests across ecosystems' layouts", Paths: []string{
		// t/ (Perl, celery), tests/, test/, testing/, spec/, __tests__/, e2e/
		`(?i)(?:^|/)(?:t|tests?|testing|testsuite|specs?|__tests__|e2e|cypress|androidTest|src/test)/`,
		// folders named for tests: testproj/, test_app/, testutils/
		`(?i)(?:^|/)test[a-z0-9_-]*/`,
		// funtests/, unittests/, integration-tests/, integration_test/
		`(?i)(?:^|/)[a-z0-9_-]*tests/|(?:^|/)[a-z0-9]+[_-]tests?/`,
		// test_*.py, *_test.py, conftest.py, tests.py, *_test.go, *_spec.rb,
		// *.test.js, *.spec.ts, FooTest.java, FooTests.cs
		`(?:^|/)(?:test_[^/]*|[^/]*_tests?|conftest|tests)\.py$`,
		`(?:_test\.go|_spec\.rb|\.(?:test|spec)\.[cm]?[jt]sx?|Tests?\.(?:java|kt|cs|scala|swift|php))$`,
		// a Helm chart's ci/*-values.yaml: the values chart-testing (ct
		// lint, ct install) installs the chart with in CI, not a release's
		`(?:^|/)ci/[^/]*-values\.ya?ml$`,
		// a settings module for CI runs (settings/ci.py, settings/travis.py,
		// settings_ci.py): what the test suite runs with there
		`(?:^|/)(?:settings|config|conf)(?:/|[_.-])(?:ci|travis|circleci|github_actions|gitlab_ci|jenkins)\.py$|(?:^|/)(?:ci|travis)[_.-]settings\.py$`,
	}},
	{Context: Example, Description: "examples, samples, demos and templates", Paths: []string{
		`(?i)(?:^|/)(?:examples?|samples?|demos?|tutorials?|quickstart|sandbox|playground)/`,
		// settings.example.py, .env.sample, config.yml.dist, app.conf.template
		`(?i)[._-](?:examples?|samples?|dist|template|tmpl|tpl)(?:\.[a-z0-9]+)?$`,
	}},
	{Context: Docs, Description: "documentation", Paths: []string{
		`(?i)(?:^|/)(?:docs?|documentation|man|wiki|website)/`,
		`(?i)\.(?:md|markdown|mdx|rst|adoc|asciidoc|rdoc|textile|pod)$`,
		`(?i)(?:^|/)(?:README|CHANGELOG|CHANGES|HISTORY|NEWS|FAQ|CONTRIBUTING|AUTHORS)(?:\.[a-z]+)?$`,
		// a documentation site's search index (MkDocs, Sphinx)
		`(?:^|/)(?:search_index\.json|searchindex\.js)$`,
		// a built documentation site: Sphinx's output folders and the
		// pages, sources and assets it writes beside them
		`(?:^|/)_build/(?:html|dirhtml|singlehtml|epub|latex)/`,
		`(?:^|/)(?:_static|_sources|_modules|_images)/`,
	}},
}

// Triage judges findings. It is safe for concurrent use.
type Triage struct {
	paths []pathMatcher
	sites []string // roots of built documentation sites, "" for a tree's root; see SetSites
	known []knownMatcher
	rules map[string]*config.Rule

	mu         sync.Mutex
	confidence map[string]string // a rule's default confidence by kind, once computed
}

type pathMatcher struct {
	context string
	re      *lazyRegexp
}

type knownMatcher struct {
	description, published, severity string
	re                               *lazyRegexp
}

// lazyRegexp is a regex compiled on its first use: a built-in one, which
// a test compiles (see builtIn), so that a scan without findings (a hook,
// a file) does not compile the path contexts and known secrets, a good
// part of its CPU. Other regexes (a rules file's) are compiled by New,
// which reports their errors.
type lazyRegexp struct {
	expr string
	once sync.Once
	re   *re2.Regexp
}

// compiled returns l's regex, nil if it does not compile.
func (l *lazyRegexp) compiled() *re2.Regexp {
	l.once.Do(func() {
		if l.re == nil {
			l.re, _ = re2.Compile(l.expr)
		}
	})
	return l.re
}

// MatchString reports whether l's regex matches s; one that does not
// compile matches nothing.
func (l *lazyRegexp) MatchString(s string) bool {
	re := l.compiled()
	return re != nil && re.MatchString(s)
}

// newRegexp returns expr to be compiled on first use if it is built in,
// or compiled now.
func newRegexp(expr string) (*lazyRegexp, error) {
	l := &lazyRegexp{expr: expr}
	if builtIn()[expr] {
		return l, nil
	}
	re, err := re2.Compile(expr)
	if err != nil {
		return nil, err
	}
	l.re = re
	return l, nil
}

// builtIn returns the regexes New makes of DefaultPaths and of the
// default rules' path contexts, test paths and known secrets (see anyOf).
var builtIn = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	add := func(list []string) {
		if len(list) > 0 {
			m[anyOf(list)] = true
		}
	}
	for _, pc := range DefaultPaths {
		add(pc.Paths)
	}
	if cfg, err := config.Default(); err == nil {
		for _, pc := range cfg.PathContexts {
			add(pc.Paths)
		}
		add(cfg.TestPaths)
		for _, k := range cfg.KnownSecrets {
			add(k.Regexes)
		}
	}
	return m
})

// New prepares the triage of findings of cfg's rules: cfg's path contexts,
// then DefaultPaths, then cfg's testPaths (as test); cfg's known secrets.
// Errors name the rules file and line.
func New(cfg *config.Config) (*Triage, error) {
	t := &Triage{rules: make(map[string]*config.Rule, len(cfg.Rules)), confidence: map[string]string{}}
	for i := range cfg.Rules {
		t.rules[cfg.Rules[i].ID] = &cfg.Rules[i]
	}
	var errs config.ErrorList
	addPaths := func(pc config.PathContext) {
		if len(pc.Paths) == 0 {
			return
		}
		re, err := newRegexp(anyOf(pc.Paths))
		if err != nil {
			errs = append(errs, config.Error{Pos: pc.Pos, Msg: fmt.Sprintf("pathContexts: bad regex: %v", err)})
			return
		}
		t.paths = append(t.paths, pathMatcher{pc.Context, re})
	}
	for _, pc := range cfg.PathContexts {
		addPaths(pc)
	}
	for _, pc := range DefaultPaths {
		addPaths(pc)
	}
	if len(cfg.TestPaths) > 0 {
		pos := config.Pos{}
		if len(cfg.Files) > 0 {
			pos.File = cfg.Files[len(cfg.Files)-1]
		}
		addPaths(config.PathContext{Context: Test, Paths: cfg.TestPaths, Pos: pos})
	}
	for _, k := range cfg.KnownSecrets {
		re, err := newRegexp(anyOf(k.Regexes))
		if err != nil {
			errs = append(errs, config.Error{Pos: k.Pos, Msg: fmt.Sprintf("knownSecrets: bad regex: %v", err)})
			continue
		}
		sev := k.Severity
		if sev == "" {
			sev = "high"
		}
		t.known = append(t.known, knownMatcher{k.Description, k.Published, sev, re})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

func anyOf(res []string) string {
	if len(res) == 1 {
		return res[0]
	}
	return "(?:" + strings.Join(res, ")|(?:") + ")"
}

// PathContext returns the context of the file at path: Code unless a path
// context matches it, or it is a page of a built documentation site (see
// SetSites). A file at a tag (refs/tags/v1:keys/x.pem) is judged by its
// path in the tag's tree.
func (t *Triage) PathContext(path string) string {
	if strings.HasPrefix(path, "refs/") {
		if _, p, ok := strings.Cut(path, ":"); ok {
			path = p
		}
	}
	for _, p := range t.paths {
		if p.re.MatchString(path) {
			return p.context
		}
	}
	if t.sitePage(path) {
		return Docs
	}
	return Code
}

// siteMarkers are the files a documentation generator writes at the root
// of a site it builds, and how deep under the root each one lies: MkDocs'
// search index (search/search_index.json, or mkdocs/search_index.json in
// old versions), Sphinx's (searchindex.js) and its inventory of objects
// (objects.inv).
var siteMarkers = []struct {
	name  string
	depth int
}{
	{"search/search_index.json", 2},
	{"mkdocs/search_index.json", 2},
	{"searchindex.js", 1},
	{"objects.inv", 1},
}

// SiteRoot reports whether the file at path marks the root of a built
// documentation site (an MkDocs or Sphinx output tree: on a gh-pages
// branch, under site/, _build/html/ or public/), and returns that root:
// "" for the root of the tree, else a folder without a trailing slash.
func SiteRoot(path string) (root string, ok bool) {
	for _, m := range siteMarkers {
		if path == m.name {
			return "", true
		}
		if rest, found := strings.CutSuffix(path, "/"+m.name); found {
			return rest, true
		}
	}
	return "", false
}

// SetSites records the roots of the built documentation sites a scan saw
// (see SiteRoot): the pages of such a site (.html files, and what a
// search of the site serves) are judged documentation, though their paths
// say nothing of it, as on a gh-pages branch. Templates (a templates/
// folder) stay code. Call it before Judge, not while Judge runs.
func (t *Triage) SetSites(roots []string) {
	t.sites = slices.Clone(roots)
	slices.Sort(t.sites)
	t.sites = slices.Compact(t.sites)
}

// sitePage reports whether path is a page of a site SetSites recorded.
func (t *Triage) sitePage(path string) bool {
	if len(t.sites) == 0 {
		return false
	}
	lower := strings.ToLower(path)
	if !strings.HasSuffix(lower, ".html") && !strings.HasSuffix(lower, ".htm") {
		return false
	}
	if strings.HasPrefix(lower, "templates/") || strings.Contains(lower, "/templates/") {
		return false
	}
	for _, root := range t.sites {
		if root == "" || strings.HasPrefix(path, root+"/") {
			return true
		}
	}
	return false
}

// Known returns the description and publication of the publicly known
// value f's secret or match is, if it is one, and its severity in code.
func (t *Triage) Known(f *leak.Finding) (known, severity string, ok bool) {
	if f.Secret == "" {
		return "", "", false
	}
	for _, k := range t.known {
		if k.re.MatchString(f.Secret) || k.re.MatchString(f.Match) {
			return k.description + " (published at " + k.published + ")", k.severity, true
		}
	}
	if published, ok := exampleSigned(f.Secret); ok {
		// An example token: low, as the vendors' documented sample
		// keys are (see exampleJWTSecrets).
		return "a JSON Web Token signed with a secret published for examples (published at " + published + ")", "low", true
	}
	return "", "", false
}

// OpensNothing reports whether f's secret is a publicly known value whose
// entry says it opens no account of the reader's (an entry of severity
// low or info: AWS's documented example key pair, which AWS rejects;
// Stripe's documentation test keys; an emulator's key; a JWT signed with
// a secret published for examples). Such a value is not a leak wherever
// it is written, so a scan leaves it out of its findings unless asked
// (scan.Options.IncludeKnown). A publicly known value that does open
// something (Flask's documented SECRET_KEY in an application's settings,
// reCAPTCHA's always-pass test keys) is still a finding.
//
// f must have been judged (see Judge): only a finding Judge labelled
// publicly known is looked up again.
func (t *Triage) OpensNothing(f *leak.Finding) bool {
	if f.Context.Label != LabelKnown {
		return false
	}
	_, sev, ok := t.Known(f)
	return ok && (sev == "low" || sev == "info")
}

// Judge sets f's Context, Severity and Confidence. f's Severity on entry
// is the rule's (or a weak password's) as detection set it.
//
// A secret found in several files is judged by the most production-like
// of them: a key in a settings module and in the docs is a key in code.
func (t *Triage) Judge(f *leak.Finding) {
	ctx := leak.Context{Path: t.locationContext(f.Location)}
	for _, l := range f.Locations {
		if p := t.locationContext(l); pathWeight(p) < pathWeight(ctx.Path) {
			ctx.Path = p
		}
	}
	sev := f.Severity
	if !slices.Contains(severities, sev) {
		sev = "medium"
	}
	conf := t.ruleConfidence(f)
	if slices.Contains(f.Tags, "empty") {
		// An empty file of a rule on paths alone (see
		// detect.PathFindings): its name is all there is.
		conf = "low"
	}
	if known, inCode, ok := t.Known(f); ok {
		ctx.Known, ctx.Label = known, LabelKnown
		switch ctx.Path {
		case Code:
			sev = inCode
		case Test, Fixture:
			sev = lower(severities, inCode, 2)
		default:
			sev = "info"
		}
		f.Severity, f.Confidence, f.Context = sev, "high", ctx
		return
	}
	if f.Secret != "" && !slices.Contains(f.Tags, "weak") {
		ctx.Value = ValueFlags(f.Secret)
	}
	if r := t.rules[f.RuleID]; r != nil && r.Checksum != "" && f.Secret != "" {
		switch checksum.Check(r.Checksum, f.Secret) {
		case checksum.Valid:
			ctx.Checksum, ctx.Value, conf = leak.ChecksumValid, nil, "high"
		case checksum.Invalid:
			ctx.Checksum = leak.ChecksumInvalid
			ctx.Value = append([]string{FlagBadChecksum}, ctx.Value...)
		}
	}
	switch ctx.Path {
	case Test, Fixture, Example:
		sev, conf = lower(severities, sev, 2), lower(confidences, conf, 1)
	case Docs, Vendored:
		sev, conf = lower(severities, sev, 3), lower(confidences, conf, 1)
	}
	if len(ctx.Value) > 0 {
		sev, conf = lower(severities, sev, 2), "low"
	}
	switch {
	case ctx.Path != Code:
		ctx.Label = ctx.Path
	case len(ctx.Value) > 0:
		ctx.Label = ctx.Value[0]
	default:
		ctx.Label = LabelProduction
	}
	f.Severity, f.Confidence, f.Context = sev, conf, ctx
}

// locationContext is the path context of l's file (Code for a message,
// which has none), except that a secret in a documentation string of production code (leak.Location.InDocstring:
// a docstring's usage example, a module's EXAMPLES block) is documentation.
func (t *Triage) locationContext(l leak.Location) string {
	if l.InMessage() {
		// A commit's or tag's message: no path, so no path context.
		return Code
	}
	p := t.PathContext(l.File)
	if p == Code && l.InDocstring {
		return Docs
	}
	return p
}

// pathWeight orders path contexts from the most production-like.
func pathWeight(p string) int {
	switch p {
	case Code:
		return 0
	case Test, Fixture, Example:
		return 1
	}
	return 2
}

// lower returns the level steps below lvl in levels (most severe first),
// stopping at the last.
func lower(levels []string, lvl string, steps int) string {
	i := slices.Index(levels, lvl)
	if i < 0 {
		i = len(levels) / 2
	}
	return levels[min(i+steps, len(levels)-1)]
}

// ruleConfidence is the confidence of f's rule: its own, or one derived
// from its kind (see the package documentation).
func (t *Triage) ruleConfidence(f *leak.Finding) string {
	r := t.rules[f.RuleID]
	if r == nil {
		if slices.Contains(confidences, f.Confidence) {
			return f.Confidence
		}
		return "medium"
	}
	if r.Confidence != "" {
		return r.Confidence
	}
	if slices.Contains(r.Tags, "generic") {
		return GenericConfidence(f.Secret)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.confidence[r.ID]
	if !ok {
		c = KindConfidence(r)
		t.confidence[r.ID] = c
	}
	return c
}

// KindConfidence is the default confidence of a rule that is not generic
// and sets none: high for a secret with a fixed prefix of at least three
// characters (a provider token, a PEM block) or a rule on paths alone (a
// key store), else medium.
func KindConfidence(r *config.Rule) string {
	if r.Regex == "" && r.Value == "" {
		return "high"
	}
	if len(literalPrefix(r)) >= 3 {
		return "high"
	}
	return "medium"
}

// Prefixed reports whether every secret of r begins with literal text of
// at least three characters (a character of a class of at most six
// counts as one, an optional part as none), whichever alternative of its
// format matches: AKIA, ASIA, ... of an AWS key id, ghp_ or gho_ of a
// GitHub token, vc[pikar]_ of a Vercel token, -----BEGIN of a key. Such a
// secret names its kind wherever it stands; a value after a name or a
// flag (-Password x) does not.
func Prefixed(r *config.Rule) bool {
	src := r.Value
	group := 0
	if src == "" {
		src, group = r.Regex, r.SecretGroup
	}
	if src == "" {
		return false
	}
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return false
	}
	if r.Value == "" {
		if re = secretGroup(re, group); re == nil {
			return false
		}
	}
	n, _ := minPrefix(re.Simplify())
	return n >= 3
}

// minPrefix returns the length, in characters, of the shortest literal
// text that every match of re begins with, taking each alternative on its
// own, and whether re is that literal text and no more (each alternative
// a literal).
func minPrefix(re *syntax.Regexp) (n int, whole bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune), true
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0, true
	case syntax.OpCapture:
		return minPrefix(re.Sub[0])
	case syntax.OpCharClass:
		// One of a few characters (vc[pikar]_, [st]k.) still names the
		// kind: it counts as one.
		size := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			size += int(re.Rune[i+1]-re.Rune[i]) + 1
		}
		if size <= 6 {
			return 1, true
		}
		return 0, false
	case syntax.OpQuest:
		// An optional part ((?:https?://)?) adds nothing, and what follows
		// counts if it is literal.
		_, whole = minPrefix(re.Sub[0])
		return 0, whole
	case syntax.OpPlus:
		n, _ = minPrefix(re.Sub[0])
		return n, false
	case syntax.OpAlternate:
		n, whole = -1, true
		for _, sub := range re.Sub {
			k, w := minPrefix(sub)
			if n < 0 || k < n {
				n = k
			}
			whole = whole && w
		}
		return max(n, 0), whole
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			k, w := minPrefix(sub)
			n += k
			if !w {
				return n, false
			}
		}
		return n, true
	}
	return 0, false
}

// literalPrefix returns the literal text every secret of r starts with.
func literalPrefix(r *config.Rule) string {
	src := r.Value
	group := 0
	if src == "" {
		src, group = r.Regex, r.SecretGroup
	}
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return ""
	}
	if r.Value == "" {
		sub := secretGroup(re, group)
		if sub == nil {
			return ""
		}
		re = sub
	}
	c, err := regexp.Compile(re.String())
	if err != nil {
		return ""
	}
	p, _ := c.LiteralPrefix()
	return strings.TrimSpace(p)
}

// secretGroup returns the capture group n of re (the first group when n is
// zero, the whole regex when it has none).
func secretGroup(re *syntax.Regexp, n int) *syntax.Regexp {
	if re.MaxCap() == 0 {
		return re
	}
	if n == 0 {
		n = 1
	}
	var found *syntax.Regexp
	var walk func(*syntax.Regexp)
	walk = func(x *syntax.Regexp) {
		if found != nil {
			return
		}
		if x.Op == syntax.OpCapture && x.Cap == n {
			found = x.Sub[0]
			return
		}
		for _, s := range x.Sub {
			walk(s)
		}
	}
	walk(re)
	return found
}

// GenericConfidence is the confidence of a generic assignment's value:
// medium when it is at least 12 characters long with an entropy of at least
// 3.5 bits per byte and none of ValueFlags, else low.
func GenericConfidence(secret string) string {
	if len(secret) >= 12 && shannon(secret) >= 3.5 && len(ValueFlags(secret)) == 0 {
		return "medium"
	}
	return "low"
}

// Rank orders findings: lower is more urgent. It compares severity, then
// production code before any other context, then confidence.
func Rank(f *leak.Finding) int {
	sev := slices.Index(severities, f.Severity)
	if sev < 0 {
		sev = slices.Index(severities, "medium")
	}
	conf := slices.Index(confidences, f.Confidence)
	if conf < 0 {
		conf = slices.Index(confidences, "medium")
	}
	ctx := 0
	if f.Context.Path != "" && f.Context.Path != Code {
		ctx = 1
	}
	return (sev*2+ctx)*len(confidences) + conf
}

// Sort orders findings most urgent first (see Rank), keeping the order of
// findings of equal rank.
func Sort(fs []leak.Finding) {
	slices.SortStableFunc(fs, func(a, b leak.Finding) int { return Rank(&a) - Rank(&b) })
}

// AtLeast reports whether level is at least min in levels (most severe
// first); an empty min is always met, an unknown level counts as medium.
func AtLeast(levels []string, level, min string) bool {
	if min == "" {
		return true
	}
	i := slices.Index(levels, level)
	if i < 0 {
		i = slices.Index(levels, "medium")
	}
	return i <= slices.Index(levels, min)
}

// Keep reports whether f meets the minimum severity and confidence (""
// for no minimum).
func Keep(f *leak.Finding, minSeverity, minConfidence string) bool {
	return AtLeast(severities, f.Severity, minSeverity) && AtLeast(confidences, f.Confidence, minConfidence)
}
