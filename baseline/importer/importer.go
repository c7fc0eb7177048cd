// Package importer turns another tool's list of known secrets (a gitleaks
// JSON report or .gitleaksignore file, a detect-secrets baseline) into entries of a leakhound
// baseline, so that a team can switch tools without reviewing everything
// again.
//
// Neither tool's file holds leakhound's fingerprints, so each record is
// matched to the findings of a leakhound scan: by its secret (gitleaks'
// Secret, or detect-secrets' SHA-1 hashed_secret), else by the secret
// leakhound finds on the record's line (read at the record's commit, or in
// the work tree, or in the default branch's tip).
//
// It knows the two foreign formats, baselines and, to read those lines,
// git (gitwalk); it knows nothing of rules, detectors or reports.
package importer

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/internal/safefile"
	"github.com/leakhound/leakhound/leak"
)

// Formats are the formats Parse reads.
const (
	Gitleaks       = "gitleaks"
	GitleaksIgnore = "gitleaksignore"
	DetectSecrets  = "detect-secrets"
)

// Record is one secret another tool listed.
type Record struct {
	File   string
	Line   int
	Commit string // "" when unknown
	// Secret is the secret as the tool printed it, "" when redacted;
	// Prefix what is left of a partly redacted one.
	Secret, Prefix string
	// SHA1 is detect-secrets' hashed_secret.
	SHA1   string
	Status baseline.Status
	// Label says where the record came from, for notes and messages.
	Label string
}

// Parse reads the records of data, a file in format (Gitleaks or
// DetectSecrets) named name in errors.
func Parse(format, name string, data []byte) ([]Record, error) {
	switch format {
	case Gitleaks:
		return ParseGitleaks(name, data)
	case GitleaksIgnore:
		return ParseGitleaksIgnore(name, data)
	case DetectSecrets:
		return ParseDetectSecrets(name, data)
	case "":
		return nil, fmt.Errorf("--from is required: %s, %s or %s", Gitleaks, GitleaksIgnore, DetectSecrets)
	}
	return nil, fmt.Errorf("--from %q: want %s, %s or %s", format, Gitleaks, GitleaksIgnore, DetectSecrets)
}

// ParseGitleaksIgnore reads a .gitleaksignore file: one gitleaks
// fingerprint a line, commit:file:rule-id:line for a finding in history or
// file:rule-id:line outside git; "#" starts a comment. Records match by
// the secret leakhound finds on that line, at that commit. The file holds
// no secrets, and neither does what is imported.
func ParseGitleaksIgnore(name string, data []byte) ([]Record, error) {
	var out []Record
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		file, rule, n, commit := splitGitleaksFingerprint(line)
		if file == "" || n <= 0 {
			return nil, fmt.Errorf("%s:%d: not a gitleaks fingerprint (commit:file:rule-id:line or file:rule-id:line)", name, i+1)
		}
		out = append(out, Record{
			File:   cleanImportPath(file),
			Line:   n,
			Commit: commit,
			Status: baseline.Unreviewed,
			Label:  fmt.Sprintf("%s:%d, rule %s", name, i+1, rule),
		})
	}
	return out, nil
}

// Result says what Import did.
type Result struct {
	// Records is the number of records; Unmatched those that matched no
	// finding.
	Records   int
	Unmatched []Record
	// Added and Updated count baseline entries added, and unreviewed
	// entries given the record's review.
	Added, Updated int
	// Secrets counts the distinct secrets the records matched.
	Secrets int
	// Unlisted counts findings the baseline still lacks: scans report them.
	Unlisted int
}

// Import adds to b the findings that recs refer to, each with its record's
// status and a note; an entry already in b keeps its review unless it is
// unreviewed. fs are the findings of a scan of the repository repo (nil
// for a plain directory) whose work tree, or the directory, is root ("" for
// a bare repository): records' lines are read there.
func Import(b *baseline.Baseline, recs []Record, fs []leak.Finding, repo *gitwalk.Repo, root string) Result {
	m := newMatcher(repo, root, fs)
	res := Result{Records: len(recs)}
	matched := map[string]bool{}
	for _, r := range recs {
		idx := m.match(&r)
		if len(idx) == 0 {
			res.Unmatched = append(res.Unmatched, r)
			continue
		}
		for _, i := range idx {
			f := &fs[i]
			matched[f.Fingerprint] = true
			e := b.Lookup(f.Fingerprint)
			switch {
			case e == nil:
				e = b.Add(f)
				e.Status = r.Status
				e.Note = "imported from " + r.Label
				res.Added++
			case e.Status == baseline.Unreviewed && r.Status != baseline.Unreviewed:
				e.Status = r.Status
				if e.Note == "" {
					e.Note = "imported from " + r.Label
				}
				res.Updated++
			}
		}
	}
	res.Secrets = len(matched)
	for i := range fs {
		if b.Lookup(fs[i].Fingerprint) == nil {
			res.Unlisted++
		}
	}
	return res
}

// gitleaksFinding holds the fields of a gitleaks JSON report's records that
// matter here (gitleaks' report.Finding).
type gitleaksFinding struct {
	RuleID      string `json:"RuleID"`
	File        string `json:"File"`
	StartLine   int    `json:"StartLine"`
	Commit      string `json:"Commit"`
	Secret      string `json:"Secret"`
	Fingerprint string `json:"Fingerprint"`
}

// ParseGitleaks reads a gitleaks JSON report (gitleaks git|dir
// --report-format json): an array of findings. Redacted reports work:
// records then match by file and line.
func ParseGitleaks(name string, data []byte) ([]Record, error) {
	var fs []gitleaksFinding
	if err := json.Unmarshal(data, &fs); err != nil {
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) == nil {
			if _, ok := obj["results"]; ok {
				return nil, fmt.Errorf("%s: a detect-secrets baseline, not a gitleaks report: use --from detect-secrets", name)
			}
		}
		return nil, fmt.Errorf("%s: not a gitleaks JSON report (want an array of findings): %v", name, err)
	}
	var out []Record
	for i, f := range fs {
		file, line, commit := f.File, f.StartLine, f.Commit
		if file == "" || line == 0 {
			// Fall back on the fingerprint: commit:file:rule:line, or
			// file:rule:line outside git.
			file, _, line, commit = splitGitleaksFingerprint(f.Fingerprint)
		}
		if file == "" || line <= 0 {
			return nil, fmt.Errorf("%s: finding %d has no File and StartLine", name, i+1)
		}
		r := Record{
			File:   cleanImportPath(file),
			Line:   line,
			Commit: commit,
			Status: baseline.Unreviewed,
			Label:  "gitleaks, rule " + f.RuleID,
		}
		switch s := f.Secret; {
		case s == "" || s == "REDACTED":
		case strings.HasSuffix(s, "..."):
			r.Prefix = strings.TrimSuffix(s, "...") // gitleaks --redact=N
		default:
			r.Secret = s
		}
		out = append(out, r)
	}
	return out, nil
}

// splitGitleaksFingerprint splits a gitleaks fingerprint,
// commit:file:rule-id:line or file:rule-id:line (a file name may hold
// colons); file is empty when fp is neither.
func splitGitleaksFingerprint(fp string) (file, rule string, line int, commit string) {
	parts := strings.Split(fp, ":")
	if len(parts) < 3 {
		return "", "", 0, ""
	}
	n, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil {
		return "", "", 0, ""
	}
	rest := parts[:len(parts)-2]
	if len(rest) > 1 && gitwalk.IsID(rest[0]) {
		commit, rest = rest[0], rest[1:]
	}
	return strings.Join(rest, ":"), parts[len(parts)-2], n, commit
}

// detectSecretsBaseline holds the fields of a detect-secrets baseline that
// matter here.
type detectSecretsBaseline struct {
	Version json.RawMessage `json:"version"`
	Results map[string][]struct {
		Type         string `json:"type"`
		Filename     string `json:"filename"`
		HashedSecret string `json:"hashed_secret"`
		LineNumber   int    `json:"line_number"`
		IsSecret     *bool  `json:"is_secret"`
	} `json:"results"`
}

// ParseDetectSecrets reads a detect-secrets baseline (.secrets.baseline).
// Audited records carry their verdict: "is_secret": false becomes
// baseline.FalsePositive, true baseline.Accepted.
func ParseDetectSecrets(name string, data []byte) ([]Record, error) {
	var ds detectSecretsBaseline
	if err := json.Unmarshal(data, &ds); err != nil {
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
			return nil, fmt.Errorf("%s: a JSON array, not a detect-secrets baseline (a gitleaks report? use --from gitleaks)", name)
		}
		return nil, fmt.Errorf("%s: not a detect-secrets baseline: %v", name, err)
	}
	if ds.Results == nil {
		return nil, fmt.Errorf("%s: not a detect-secrets baseline: no \"results\"", name)
	}
	files := make([]string, 0, len(ds.Results))
	for f := range ds.Results {
		files = append(files, f)
	}
	slices.Sort(files)
	var out []Record
	for _, key := range files {
		for _, s := range ds.Results[key] {
			file := s.Filename
			if file == "" {
				file = key
			}
			status := baseline.Unreviewed
			if s.IsSecret != nil {
				status = baseline.Accepted
				if !*s.IsSecret {
					status = baseline.FalsePositive
				}
			}
			out = append(out, Record{
				File:   cleanImportPath(file),
				Line:   s.LineNumber,
				SHA1:   strings.ToLower(s.HashedSecret),
				Status: status,
				Label:  "detect-secrets, " + s.Type,
			})
		}
	}
	return out, nil
}

// cleanImportPath makes a path from another tool's file slash-separated and
// relative.
func cleanImportPath(p string) string {
	p = filepath.ToSlash(p)
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	return p
}

// matcher finds the findings an imported record refers to.
type matcher struct {
	fs       []leak.Finding
	bySecret map[string][]int
	bySHA1   map[string][]int
	repo     *gitwalk.Repo // nil for a directory
	root     string        // work tree or directory; "" for a bare repository
	head     gitwalk.ID
	files    map[string][]string // "commit\x00path" -> lines
}

func newMatcher(repo *gitwalk.Repo, root string, fs []leak.Finding) *matcher {
	m := &matcher{fs: fs, bySecret: map[string][]int{}, bySHA1: map[string][]int{}, files: map[string][]string{}, repo: repo, root: root}
	for i := range fs {
		s := fs[i].Secret
		if s == "" {
			continue
		}
		n := leak.Normalize(s)
		m.bySecret[n] = append(m.bySecret[n], i)
		for _, v := range uniq(s, n) {
			h := sha1.Sum([]byte(v))
			k := hex.EncodeToString(h[:])
			m.bySHA1[k] = append(m.bySHA1[k], i)
		}
	}
	if repo != nil {
		if ref, err := repo.DefaultBranch(); err == nil {
			m.head = ref.ID
		}
	}
	return m
}

func uniq(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// match returns the indices of the findings r refers to.
func (m *matcher) match(r *Record) []int {
	if r.Secret != "" {
		if idx := m.bySecret[leak.Normalize(r.Secret)]; len(idx) > 0 {
			return idx
		}
	}
	if r.SHA1 != "" {
		if idx := m.bySHA1[r.SHA1]; len(idx) > 0 {
			return idx
		}
	}
	// By the secret leakhound finds on the record's line.
	text, ok := m.line(r.Commit, r.File, r.Line)
	if !ok {
		return nil
	}
	var idx []int
	for i := range m.fs {
		s := m.fs[i].Secret
		switch {
		case s == "" || !strings.Contains(text, s):
		case r.Secret != "" && !strings.Contains(r.Secret, s) && !strings.Contains(s, r.Secret):
			// The tool saw another secret on that line.
		case r.Prefix != "" && !strings.HasPrefix(s, r.Prefix):
		default:
			idx = append(idx, i)
		}
	}
	return idx
}

// line returns line n of file: as of commit, or, without one, in the work
// tree, else in the default branch's tip.
func (m *matcher) line(commit, file string, n int) (string, bool) {
	if n <= 0 || !filepath.IsLocal(filepath.FromSlash(file)) {
		return "", false
	}
	key := commit + "\x00" + file
	lines, ok := m.files[key]
	if !ok {
		var content []byte
		found := false
		id, idErr := gitwalk.ParseID(commit)
		switch {
		case commit != "" && m.repo != nil && idErr == nil:
			content, found, _ = m.repo.FileAt(id, file, 0)
		case commit == "":
			if m.root != "" {
				// The work tree's file, if it is a regular one inside it.
				if b, err := safefile.ReadFile(context.Background(), m.root, file, leak.DefaultMaxFileSize); err == nil {
					content, found = b, true
				}
			}
			if !found && m.repo != nil && !m.head.IsZero() {
				content, found, _ = m.repo.FileAt(m.head, file, 0)
			}
		}
		if found {
			lines = strings.Split(string(content), "\n")
		}
		m.files[key] = lines
	}
	if n > len(lines) {
		return "", false
	}
	return lines[n-1], true
}
