package config

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Error is one problem in a rules file.
type Error struct {
	Pos Pos
	// Rule is the id of the rule the problem is in, if any.
	Rule string
	Msg  string
}

func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Rule != "" {
		fmt.Fprintf(&b, "rule %q: ", e.Rule)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in a rules file, sorted by position.
type ErrorList []Error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// file is a parsed, validated rules file before merging with the defaults.
type file struct {
	cfg         *Config
	useDefault  bool
	disabled    []string
	disabledPos Pos
}

type kind int

const (
	kString kind = iota
	kInt
	kFloat
	kBool
	kStrings
	kTables
	kTable
)

func (k kind) String() string {
	return [...]string{"a string", "an integer", "a number", "true or false", "an array of strings", "an array of tables", "a table"}[k]
}

var (
	topKeys       = map[string]kind{"title": kString, "extend": kTable, "rules": kTables, "allowlists": kTables, "testPaths": kStrings, "pathContexts": kTables, "knownSecrets": kTables}
	extendKeys    = map[string]kind{"useDefault": kBool, "disabledRules": kStrings}
	ruleKeys      = map[string]kind{"id": kString, "description": kString, "regex": kString, "secretGroup": kInt, "entropy": kFloat, "keywords": kStrings, "path": kString, "tags": kStrings, "severity": kString, "confidence": kString, "secretDecode": kString, "allowlists": kTables, "examples": kTables, "value": kString, "names": kStrings, "secretWords": kStrings, "quote": kString, "nameField": kBool, "storePath": kString, "storeMatch": kString, "format": kString, "checksum": kString, "pair": kTable}
	allowlistKeys = map[string]kind{"description": kString, "condition": kString, "regexTarget": kString, "regexes": kStrings, "paths": kStrings, "stopwords": kStrings, "commits": kStrings, "targetRules": kStrings, "weak": kBool, "exceptNamed": kBool, "exceptInString": kBool}
	exampleKeys   = map[string]kind{"text": kString, "secret": kString, "path": kString}
	pairKeys      = map[string]kind{"id": kString, "secret": kString, "words": kStrings}
)

// checker collects errors while validating one file.
type checker struct {
	name string
	pos  *posIndex
	errs ErrorList
	// trusted skips regex syntax checks (the embedded defaults).
	trusted bool
}

// checkRegex is config.checkRegex, skipped for a trusted file.
func (c *checker) checkRegex(re string) (int, error) {
	if c.trusted {
		return 1 << 30, nil
	}
	return checkRegex(re)
}

func (c *checker) errorf(at, rule, format string, args ...any) {
	c.errs = append(c.errs, Error{Pos: Pos{File: c.name, Line: c.pos.line(at)}, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

// table checks a table's keys against a schema and returns its values with
// the right types; keys of the wrong type are reported and left out.
func (c *checker) table(at, rule string, m map[string]any, schema map[string]kind) map[string]any {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]any, len(m))
	for _, k := range keys {
		v := m[k]
		kpath := join(at, k)
		want, ok := schema[k]
		if !ok {
			c.errorf(kpath, rule, "unknown key %q%s", k, suggest(k, schema))
			continue
		}
		got, ok := convert(v, want)
		if !ok {
			c.errorf(kpath, rule, "%s must be %s, not %s", k, want, tomlType(v))
			continue
		}
		out[k] = got
	}
	return out
}

func suggest(k string, schema map[string]kind) string {
	for s := range schema {
		if strings.EqualFold(s, k) || strings.EqualFold(strings.ReplaceAll(s, "_", ""), strings.ReplaceAll(k, "_", "")) {
			return fmt.Sprintf(" (did you mean %q?)", s)
		}
	}
	return ""
}

func convert(v any, want kind) (any, bool) {
	switch want {
	case kString:
		s, ok := v.(string)
		return s, ok
	case kInt:
		i, ok := v.(int64)
		return i, ok
	case kFloat:
		switch x := v.(type) {
		case float64:
			return x, true
		case int64:
			return float64(x), true
		}
		return nil, false
	case kBool:
		b, ok := v.(bool)
		return b, ok
	case kStrings:
		arr, ok := v.([]any)
		if !ok {
			if ss, ok := v.([]string); ok {
				return ss, true
			}
			return nil, false
		}
		ss := make([]string, len(arr))
		for i, e := range arr {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			ss[i] = s
		}
		return ss, true
	case kTables:
		switch x := v.(type) {
		case []map[string]any:
			return x, true
		case []any:
			out := make([]map[string]any, len(x))
			for i, e := range x {
				t, ok := e.(map[string]any)
				if !ok {
					return nil, false
				}
				out[i] = t
			}
			return out, true
		}
		return nil, false
	case kTable:
		t, ok := v.(map[string]any)
		return t, ok
	}
	return nil, false
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []map[string]any:
		return "an array of tables"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%T", v)
}

func join(at, k string) string {
	if at == "" {
		return k
	}
	return at + "." + k
}

// parseFile reads and checks one rules file. trusted skips the regex
// syntax checks, for the embedded defaults.
func parseFile(name string, data []byte, trusted bool) (*file, error) {
	if err := checkLimits(name, data); err != nil {
		return nil, err
	}
	m, err := decodeTOML(data)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, ErrorList{{Pos: Pos{File: name, Line: pe.Position.Line}, Msg: "TOML syntax: " + pe.Message}}
		}
		return nil, ErrorList{{Pos: Pos{File: name}, Msg: "TOML: " + err.Error()}}
	}
	c := &checker{name: name, pos: indexPositions(data), trusted: trusted}
	f := &file{cfg: &Config{Files: []string{name}}}
	top := c.table("", "", m, topKeys)
	if t, ok := top["title"].(string); ok {
		f.cfg.Title = t
	}
	if tp, ok := top["testPaths"].([]string); ok {
		for i, re := range tp {
			if _, err := c.checkRegex(re); err != nil {
				c.errorf("testPaths", "", "bad regex in testPaths[%d]: %v", i, err)
			}
		}
		f.cfg.TestPaths = tp
	}
	if ext, ok := top["extend"].(map[string]any); ok {
		e := c.table("extend", "", ext, extendKeys)
		f.useDefault, _ = e["useDefault"].(bool)
		f.disabled, _ = e["disabledRules"].([]string)
		f.disabledPos = Pos{File: name, Line: c.pos.line("extend.disabledRules")}
	}
	c.parseTriage(top, f)
	rules, _ := top["rules"].([]map[string]any)
	seen := make(map[string]int)
	for i, rm := range rules {
		at := fmt.Sprintf("rules[%d]", i)
		r := c.rule(at, rm)
		if r.ID != "" {
			if first, dup := seen[r.ID]; dup {
				c.errorf(at+".id", r.ID, "duplicate rule id (first defined on line %d)", first)
			} else {
				seen[r.ID] = r.Pos.Line
			}
		}
		f.cfg.Rules = append(f.cfg.Rules, r)
	}
	globals, _ := top["allowlists"].([]map[string]any)
	for i, am := range globals {
		a := c.allowlist(fmt.Sprintf("allowlists[%d]", i), "", am, true)
		for _, id := range a.TargetRules {
			if _, ok := seen[id]; !ok && !f.useDefault {
				c.errorf(fmt.Sprintf("allowlists[%d].targetRules", i), "", "targetRules: no rule %q", id)
			}
		}
		f.cfg.Allowlists = append(f.cfg.Allowlists, a)
	}
	if len(c.errs) > 0 {
		slices.SortStableFunc(c.errs, func(a, b Error) int { return a.Pos.Line - b.Pos.Line })
		return nil, c.errs
	}
	return f, nil
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// pair builds the regex of a rule stated by a pair (see pairRegex) from
// its table p; the rule may state no regex or value besides.
func (c *checker) pair(at string, r *Rule, p map[string]any) {
	v := c.table(at, r.ID, p, pairKeys)
	id, _ := v["id"].(string)
	secret, _ := v["secret"].(string)
	words, _ := v["words"].([]string)
	switch {
	case r.Regex != "" || r.Value != "":
		c.errorf(at, r.ID, "a pair states the rule's regex: no regex or value besides")
		return
	case id == "" || secret == "":
		c.errorf(at, r.ID, "a pair needs an id and a secret: the formats of the access key's id and of its secret")
		return
	}
	for key, re := range map[string]string{"id": id, "secret": secret} {
		if _, err := c.checkRegex(re); err != nil {
			c.errorf(at+"."+key, r.ID, "bad regex: %v", err)
			return
		}
	}
	for _, w := range words {
		if _, err := c.checkRegex(w); err != nil {
			c.errorf(at+".words", r.ID, "bad regex in words: %v", err)
			return
		}
	}
	re, err := pairRegex(id, secret, words)
	if err != nil {
		c.errorf(at, r.ID, "%v", err)
		return
	}
	r.Regex = re
}

func (c *checker) rule(at string, m map[string]any) Rule {
	id, _ := m["id"].(string)
	v := c.table(at, id, m, ruleKeys)
	r := Rule{ID: id, Pos: Pos{File: c.name, Line: c.pos.line(at)}}
	r.Description, _ = v["description"].(string)
	r.Regex, _ = v["regex"].(string)
	r.Path, _ = v["path"].(string)
	r.Severity, _ = v["severity"].(string)
	r.Confidence, _ = v["confidence"].(string)
	r.SecretDecode, _ = v["secretDecode"].(string)
	r.Format, _ = v["format"].(string)
	r.Checksum, _ = v["checksum"].(string)
	r.Keywords, _ = v["keywords"].([]string)
	r.Tags, _ = v["tags"].([]string)
	if sg, ok := v["secretGroup"].(int64); ok {
		r.SecretGroup = int(sg)
	}
	r.Entropy, _ = v["entropy"].(float64)
	r.StorePath, _ = v["storePath"].(string)
	r.StoreMatch, _ = v["storeMatch"].(string)
	r.Value, _ = v["value"].(string)
	r.Names, _ = v["names"].([]string)
	words, hasWords := v["secretWords"].([]string)
	r.SecretWords = words
	r.Quote, _ = v["quote"].(string)
	r.NameField, _ = v["nameField"].(bool)

	switch {
	case id == "":
		c.errorf(at, "", "rule has no id")
	case !idRE.MatchString(id):
		c.errorf(at+".id", id, "id must be letters, digits, '.', '_' or '-'")
	}
	r.NameWords = nameWords(&r, hasWords)
	p, hasPair := v["pair"].(map[string]any)
	if hasPair {
		c.pair(at+".pair", &r, p)
	}
	switch {
	case r.Value != "":
		c.checkAssign(at, &r, hasWords)
	case len(r.Names) > 0:
		c.errorf(at+".names", id, "names need a value: the format of the secret assigned to them")
	case hasWords && !strings.Contains(r.Regex, "(?P<name"):
		c.errorf(at+".secretWords", id, "secretWords need names and a value, or a regex with a group named name")
	case r.Regex == "" && r.Path == "" && !hasPair:
		c.errorf(at, id, "rule needs a regex, a value, a pair or a path")
	}
	if r.Value == "" && hasWords {
		// The words become a regex of their own where the rule's regex
		// names a name: check them now, not when content first triggers
		// the rule.
		for _, w := range words {
			if _, err := c.checkRegex(w); err != nil {
				c.errorf(at+".secretWords", id, "bad regex in secretWords: %v", err)
			}
		}
	}
	if r.Regex != "" && r.Value == "" {
		if n, err := c.checkRegex(r.Regex); err != nil {
			c.errorf(at+".regex", id, "bad regex: %v", err)
		} else if r.SecretGroup > n {
			c.errorf(at+".secretGroup", id, "secretGroup %d, but the regex has %d capture groups", r.SecretGroup, n)
		}
	}
	if r.NameField && (r.Value == "" || len(r.Names) == 0) {
		c.errorf(at+".nameField", id, "nameField is for a rule stated by names and a value")
	}
	switch {
	case r.Quote != "" && r.Value == "":
		c.errorf(at+".quote", id, "quote is for a rule stated by names and a value")
	case r.Quote != QuoteAny && r.Quote != QuoteRequired && r.Quote != QuoteNone:
		c.errorf(at+".quote", id, "quote must be %q or %q", QuoteRequired, QuoteNone)
	}
	if r.SecretGroup < 0 {
		c.errorf(at+".secretGroup", id, "secretGroup must not be negative")
	}
	if r.Path != "" {
		if _, err := c.checkRegex(r.Path); err != nil {
			c.errorf(at+".path", id, "bad path regex: %v", err)
		}
	}
	if r.StorePath != "" {
		if _, err := c.checkRegex(r.StorePath); err != nil {
			c.errorf(at+".storePath", id, "bad storePath regex: %v", err)
		}
	}
	if r.StoreMatch != "" {
		if _, err := c.checkRegex(r.StoreMatch); err != nil {
			c.errorf(at+".storeMatch", id, "bad storeMatch regex: %v", err)
		}
	}
	if r.Entropy < 0 || r.Entropy > 8 || math.IsNaN(r.Entropy) {
		c.errorf(at+".entropy", id, "entropy must be between 0 and 8 bits per byte")
	}
	if r.Severity != "" && !slices.Contains(Severities(), r.Severity) {
		c.errorf(at+".severity", id, "severity must be one of %s", strings.Join(Severities(), ", "))
	}
	if r.Confidence != "" && !slices.Contains(Confidences(), r.Confidence) {
		c.errorf(at+".confidence", id, "confidence must be one of %s", strings.Join(Confidences(), ", "))
	}
	if r.SecretDecode != "" && !slices.Contains(SecretDecodings(), r.SecretDecode) {
		c.errorf(at+".secretDecode", id, "secretDecode must be one of %s", strings.Join(SecretDecodings(), ", "))
	}
	if r.Format != "" && !slices.Contains(Formats(), r.Format) {
		c.errorf(at+".format", id, "format must be one of %s", strings.Join(Formats(), ", "))
	}
	if r.Checksum != "" && !slices.Contains(Checksums(), r.Checksum) {
		c.errorf(at+".checksum", id, "checksum must be one of %s", strings.Join(Checksums(), ", "))
	}
	if r.Format != "" && (r.Path == "" || r.Regex != "" || r.Value != "") {
		c.errorf(at+".format", id, "format is for a rule on paths alone: it needs a path and no regex or value")
	}
	for i, k := range r.Keywords {
		if strings.TrimSpace(k) == "" {
			c.errorf(at+".keywords", id, "keywords[%d] is empty", i)
		}
		r.Keywords[i] = strings.ToLower(k)
	}
	if als, ok := v["allowlists"].([]map[string]any); ok {
		for i, am := range als {
			r.Allowlists = append(r.Allowlists, c.allowlist(fmt.Sprintf("%s.allowlists[%d]", at, i), id, am, false))
		}
	}
	if exs, ok := v["examples"].([]map[string]any); ok {
		for i, em := range exs {
			eat := fmt.Sprintf("%s.examples[%d]", at, i)
			ev := c.table(eat, id, em, exampleKeys)
			ex := Example{Pos: Pos{File: c.name, Line: c.pos.line(eat)}}
			ex.Text, _ = ev["text"].(string)
			ex.Secret, _ = ev["secret"].(string)
			ex.Path, _ = ev["path"].(string)
			if _, ok := ev["text"]; !ok {
				c.errorf(eat, id, "example has no text")
			}
			r.Examples = append(r.Examples, ex)
		}
	}
	return r
}

func (c *checker) allowlist(at, rule string, m map[string]any, global bool) Allowlist {
	v := c.table(at, rule, m, allowlistKeys)
	a := Allowlist{Pos: Pos{File: c.name, Line: c.pos.line(at)}, Condition: "OR", RegexTarget: "secret"}
	a.Description, _ = v["description"].(string)
	if s, ok := v["condition"].(string); ok {
		a.Condition = strings.ToUpper(s)
		if a.Condition != "OR" && a.Condition != "AND" {
			c.errorf(at+".condition", rule, `condition must be "OR" or "AND"`)
		}
	}
	if s, ok := v["regexTarget"].(string); ok {
		a.RegexTarget = s
		if s != "secret" && s != "match" && s != "line" {
			c.errorf(at+".regexTarget", rule, `regexTarget must be "secret", "match" or "line"`)
		}
	}
	a.Regexes, _ = v["regexes"].([]string)
	a.Paths, _ = v["paths"].([]string)
	a.Stopwords, _ = v["stopwords"].([]string)
	a.Commits, _ = v["commits"].([]string)
	a.TargetRules, _ = v["targetRules"].([]string)
	a.Weak, _ = v["weak"].(bool)
	if a.Weak && len(a.Regexes)+len(a.Stopwords) == 0 {
		c.errorf(at+".weak", rule, "weak judges values: the allowlist needs regexes or stopwords")
	}
	if !global && len(a.TargetRules) > 0 {
		c.errorf(at+".targetRules", rule, "targetRules belongs in a global [[allowlists]], not a rule's")
	}
	a.ExceptNamed, _ = v["exceptNamed"].(bool)
	a.ExceptInString, _ = v["exceptInString"].(bool)
	if a.ExceptInString && len(a.Paths) == 0 {
		c.errorf(at+".exceptInString", rule, "exceptInString exempts strings of the files the allowlist's paths name: the allowlist needs paths")
	}
	if !global && a.ExceptNamed {
		c.errorf(at+".exceptNamed", rule, "exceptNamed belongs in a global [[allowlists]], not a rule's")
	}
	for i, re := range a.Regexes {
		if _, err := c.checkRegex(re); err != nil {
			c.errorf(at+".regexes", rule, "bad regex in regexes[%d]: %v", i, err)
		}
	}
	for i, re := range a.Paths {
		if _, err := c.checkRegex(re); err != nil {
			c.errorf(at+".paths", rule, "bad regex in paths[%d]: %v", i, err)
		}
	}
	for i, w := range a.Stopwords {
		a.Stopwords[i] = strings.ToLower(w)
	}
	if len(a.Regexes)+len(a.Paths)+len(a.Stopwords)+len(a.Commits) == 0 {
		c.errorf(at, rule, "allowlist has no regexes, paths, stopwords or commits")
	}
	return a
}

// Keys returns the keys a rules file may hold, by table: "" for the top
// level, then "extend", "rules", "rules.allowlists", "rules.examples",
// "rules.pair", "allowlists", "pathContexts" and "knownSecrets". The README's rules file
// reference is tested against it.
func Keys() map[string][]string {
	out := map[string][]string{}
	for table, schema := range map[string]map[string]kind{
		"": topKeys, "extend": extendKeys, "rules": ruleKeys,
		"rules.allowlists": allowlistKeys, "rules.examples": exampleKeys, "rules.pair": pairKeys, "allowlists": allowlistKeys,
		"pathContexts": pathContextKeys, "knownSecrets": knownSecretKeys,
	} {
		for k := range schema {
			if table == "rules.allowlists" && (k == "targetRules" || k == "exceptNamed") {
				continue // only global allowlists take them
			}
			out[table] = append(out[table], k)
		}
		sort.Strings(out[table])
	}
	return out
}
