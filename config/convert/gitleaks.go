// Package convert turns another scanner's rules file into a leakhound
// rules file (.secretsrules.toml): today gitleaks' configuration
// (.gitleaks.toml), old keys included ([allowlist], [rules.allowlist],
// [extend] path), saying what it could not convert.
//
// It knows rules files (package config validates what it writes); it
// knows nothing of git, detection or the command line. It converts the
// format of a user's own file: it holds no other scanner's rules.
package convert

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/leakhound/leakhound/config"
)

// ReadFile reads a file an [extend] path names.
type ReadFile func(path string) ([]byte, error)

// Result is a converted rules file.
type Result struct {
	// TOML is the leakhound rules file.
	TOML []byte
	// Rules counts the rules converted.
	Rules int
	// Notes say what could not be converted, or was converted with a
	// change of meaning, one a line, for people.
	Notes []string
}

// maxExtendDepth bounds [extend] path chains, as gitleaks does.
const maxExtendDepth = 2

type rule struct {
	ID          string      `toml:"id"`
	Description string      `toml:"description,omitempty"`
	Regex       string      `toml:"regex,omitempty"`
	SecretGroup int64       `toml:"secretGroup,omitempty,omitzero"`
	Entropy     float64     `toml:"entropy,omitempty,omitzero"`
	Keywords    []string    `toml:"keywords,omitempty"`
	Path        string      `toml:"path,omitempty"`
	Tags        []string    `toml:"tags,omitempty"`
	Allowlists  []allowlist `toml:"allowlists,omitempty"`
}

type allowlist struct {
	Description string   `toml:"description,omitempty"`
	Condition   string   `toml:"condition,omitempty"`
	RegexTarget string   `toml:"regexTarget,omitempty"`
	Regexes     []string `toml:"regexes,omitempty"`
	Paths       []string `toml:"paths,omitempty"`
	Stopwords   []string `toml:"stopwords,omitempty"`
	Commits     []string `toml:"commits,omitempty"`
	TargetRules []string `toml:"targetRules,omitempty"`
}

type extend struct {
	UseDefault bool `toml:"useDefault"`
}

type file struct {
	Title      string      `toml:"title,omitempty"`
	Extend     *extend     `toml:"extend,omitempty"`
	Rules      []rule      `toml:"rules,omitempty"`
	Allowlists []allowlist `toml:"allowlists,omitempty"`
}

// converter collects one conversion's state.
type converter struct {
	read  ReadFile
	notes []string
}

func (c *converter) note(format string, args ...any) {
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

// FromGitleaks converts data, a gitleaks configuration named name, into a
// leakhound rules file. read reads the files [extend] path names, relative
// to the file naming them; nil refuses them. Rules whose regexes RE2 does
// not take are left out and noted; the result always parses.
func FromGitleaks(name string, data []byte, read ReadFile) (Result, error) {
	c := &converter{read: read}
	f, err := c.file(name, data, 0)
	if err != nil {
		return Result{}, err
	}
	// Leave out what leakhound's parser refuses, one rule at a time.
	for {
		out, err := encode(f)
		if err != nil {
			return Result{}, err
		}
		_, perr := config.Parse(".secretsrules.toml", out)
		if perr == nil {
			return Result{TOML: out, Rules: len(f.Rules), Notes: c.notes}, nil
		}
		el, ok := perr.(config.ErrorList)
		if !ok || len(el) == 0 {
			return Result{}, perr
		}
		dropped := false
		for _, e := range el {
			if e.Rule == "" {
				continue
			}
			if i := indexRule(f.Rules, e.Rule); i >= 0 {
				c.note("rule %q: left out: %s", e.Rule, e.Msg)
				f.Rules = append(f.Rules[:i], f.Rules[i+1:]...)
				dropped = true
			}
		}
		if !dropped {
			return Result{}, fmt.Errorf("%s: converted file does not parse: %w", name, perr)
		}
		if len(f.Rules) == 0 && (f.Extend == nil || !f.Extend.UseDefault) {
			return Result{}, fmt.Errorf("%s: no rule could be converted", name)
		}
	}
}

func indexRule(rs []rule, id string) int {
	for i := range rs {
		if rs[i].ID == id {
			return i
		}
	}
	return -1
}

func encode(f *file) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# Converted from a gitleaks configuration by 'leakhound rules import'.\n# Check it with 'leakhound rules test'.\n\n")
	enc := toml.NewEncoder(&b)
	enc.Indent = "  "
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// lower returns m with its keys lower-cased: gitleaks reads its
// configuration with viper, which ignores the case of keys.
func lower(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// known are the keys FromGitleaks converts, by table; others are noted.
var known = map[string][]string{
	"":          {"title", "description", "minversion", "extend", "rules", "allowlist", "allowlists"},
	"extend":    {"path", "url", "usedefault", "disabledrules"},
	"rules":     {"id", "description", "regex", "secretgroup", "entropy", "keywords", "path", "tags", "allowlist", "allowlists"},
	"allowlist": {"description", "condition", "commits", "paths", "regextarget", "regexes", "stopwords", "targetrules"},
}

func (c *converter) unknown(where, table string, m map[string]any) {
	var keys []string
	for k := range m {
		if !slices.Contains(known[table], k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		c.note("%s: %q not converted: leakhound has no such setting", where, k)
	}
}

// file converts one gitleaks file, and the files it extends by path.
func (c *converter) file(name string, data []byte, depth int) (*file, error) {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, fmt.Errorf("%s: not a TOML file: %w", name, err)
	}
	m := lower(raw)
	c.unknown(name, "", m)
	out := &file{}
	out.Title, _ = m["title"].(string)
	if ext, ok := m["extend"].(map[string]any); ok {
		ext = lower(ext)
		c.unknown(name+": [extend]", "extend", ext)
		if use, _ := ext["usedefault"].(bool); use {
			out.Extend = &extend{UseDefault: true}
			c.note("%s: [extend] useDefault: the file now builds on leakhound's built-in rules, not gitleaks'", name)
		}
		if ids := strings1(ext["disabledrules"]); len(ids) > 0 {
			c.note("%s: [extend] disabledRules %q not converted: they name gitleaks' rules; leakhound's have other ids (see 'leakhound rules list')", name, ids)
		}
		if u, _ := ext["url"].(string); u != "" {
			c.note("%s: [extend] url %q not converted: fetch the file and name it with path", name, u)
		}
		if p, _ := ext["path"].(string); p != "" {
			base, err := c.extendPath(name, p, depth)
			if err != nil {
				return nil, err
			}
			if base != nil {
				out = merge(base, out)
			}
		}
	}
	rules, _ := m["rules"].([]map[string]any)
	for i, r := range rules {
		out.Rules = mergeRule(out.Rules, c.rule(fmt.Sprintf("%s: rules[%d]", name, i), lower(r)))
	}
	out.Allowlists = append(out.Allowlists, c.allowlists(name, "[allowlist]", m, true)...)
	return out, nil
}

// extendPath reads and converts the file an [extend] path names.
func (c *converter) extendPath(name, p string, depth int) (*file, error) {
	if depth+1 > maxExtendDepth {
		c.note("%s: [extend] path %q not followed: extends nest at most %d deep", name, p, maxExtendDepth)
		return nil, nil
	}
	if c.read == nil {
		c.note("%s: [extend] path %q not followed", name, p)
		return nil, nil
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(name), p)
	}
	data, err := c.read(p)
	if err != nil {
		return nil, fmt.Errorf("%s: [extend] path: %w", name, err)
	}
	return c.file(p, data, depth+1)
}

// merge returns base extended by top: top's rules replace base's of the
// same id, allowlists add up, top's title and extend win.
func merge(base, top *file) *file {
	out := *base
	if top.Title != "" {
		out.Title = top.Title
	}
	if top.Extend != nil {
		out.Extend = top.Extend
	}
	for _, r := range top.Rules {
		out.Rules = mergeRule(out.Rules, r)
	}
	out.Allowlists = append(out.Allowlists, top.Allowlists...)
	return &out
}

func mergeRule(rs []rule, r rule) []rule {
	if i := indexRule(rs, r.ID); i >= 0 {
		rs[i] = r
		return rs
	}
	return append(rs, r)
}

func (c *converter) rule(where string, m map[string]any) rule {
	r := rule{}
	r.ID, _ = m["id"].(string)
	if r.ID != "" {
		where = fmt.Sprintf("%s (%s)", where, r.ID)
	}
	c.unknown(where, "rules", m)
	r.Description, _ = m["description"].(string)
	r.Regex, _ = m["regex"].(string)
	r.SecretGroup, _ = m["secretgroup"].(int64)
	switch e := m["entropy"].(type) {
	case float64:
		r.Entropy = e
	case int64:
		r.Entropy = float64(e)
	}
	r.Keywords = lowerAll(strings1(m["keywords"]))
	r.Path, _ = m["path"].(string)
	r.Tags = strings1(m["tags"])
	r.Allowlists = c.allowlists(where, "[rules.allowlist]", m, false)
	return r
}

// allowlists converts the allowlists of m, a file's top level or a rule:
// its old single table (named old in notes) and its [[allowlists]].
func (c *converter) allowlists(where, old string, m map[string]any, global bool) []allowlist {
	var out []allowlist
	if a, ok := m["allowlist"].(map[string]any); ok {
		out = append(out, c.allowlist(where+": "+old, lower(a), global))
	}
	as, _ := m["allowlists"].([]map[string]any)
	for i, a := range as {
		out = append(out, c.allowlist(fmt.Sprintf("%s: allowlists[%d]", where, i), lower(a), global))
	}
	return out
}

func (c *converter) allowlist(where string, m map[string]any, global bool) allowlist {
	c.unknown(where, "allowlist", m)
	a := allowlist{}
	a.Description, _ = m["description"].(string)
	if cond, _ := m["condition"].(string); cond != "" {
		a.Condition = strings.ToUpper(cond)
	}
	a.RegexTarget, _ = m["regextarget"].(string)
	a.Regexes = strings1(m["regexes"])
	a.Paths = strings1(m["paths"])
	a.Stopwords = strings1(m["stopwords"])
	a.Commits = strings1(m["commits"])
	if ids := strings1(m["targetrules"]); len(ids) > 0 {
		if global {
			a.TargetRules = ids
		} else {
			c.note("%s: targetRules not converted: only a global allowlist takes it", where)
		}
	}
	return a
}

// strings1 returns v as a list of strings (TOML arrays decode as []any).
func strings1(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func lowerAll(s []string) []string {
	for i := range s {
		s[i] = strings.ToLower(s[i])
	}
	return s
}
