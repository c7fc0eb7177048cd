package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/leakhound/leakhound/report"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
)

type baselineImportOptions struct {
	baselineScanOptions
	from   string
	output string
}

func newBaselineImportCommand(io stdio) *cobra.Command {
	var opts baselineImportOptions
	cmd := &cobra.Command{
		Use:   "import --from gitleaks|detect-secrets FILE [PATH]",
		Short: "Convert a gitleaks report or a detect-secrets baseline into leakhound's baseline",
		Long: `Turn what another tool's baseline lists into entries of leakhound's baseline
for the repository at PATH (default "."), so that a team can switch tools
without reviewing everything again.

  --from gitleaks FILE        a gitleaks JSON report (gitleaks git|dir
                              --report-format json), as used with
                              --baseline-path; redacted reports work too
  --from detect-secrets FILE  a detect-secrets baseline (.secrets.baseline)

Neither file holds leakhound's fingerprints, so the repository is scanned
and each record is matched to leakhound's findings: by its secret (gitleaks'
"Secret", or detect-secrets' SHA-1 "hashed_secret"), else by the secret
leakhound finds on the record's line (gitleaks' "File", "StartLine" and
"Commit"; detect-secrets' file and "line_number" in the work tree). Records
that match nothing are listed.

Statuses: detect-secrets' audited "is_secret": false becomes
false_positive, true becomes accepted, unaudited becomes unreviewed;
gitleaks records carry no review, so they become unreviewed. Entries are
added to the baseline at -o (default .secretsbaseline.json at the
repository's root), created if need be; an entry already there keeps its
review unless it is unreviewed.` + baselineExitHelp,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBaselineImport(cmd.Context(), opts, args, io)
		},
	}
	opts.AddFlags(cmd.Flags())
	cmd.Flags().StringVar(&opts.from, "from", "", "format of FILE: gitleaks or detect-secrets")
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "baseline file to add to (default: "+baseline.FileName+" at the repository's root)")
	return cmd
}

// importRecord is one secret another tool listed.
type importRecord struct {
	file   string
	line   int
	commit string // "" when unknown
	// secret is the secret as the tool printed it, "" when redacted;
	// prefix what is left of a partly redacted one.
	secret, prefix string
	// sha1 is detect-secrets' hashed_secret.
	sha1   string
	status baseline.Status
	// label says where the record came from, for notes and messages.
	label string
}

func runBaselineImport(ctx context.Context, opts baselineImportOptions, args []string, io stdio) error {
	src := args[0]
	path := "."
	if len(args) == 2 {
		path = args[1]
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return usageError(fmt.Errorf("read %s: %w", src, err))
	}
	var recs []importRecord
	switch opts.from {
	case "gitleaks":
		recs, err = parseGitleaksReport(src, data)
	case "detect-secrets":
		recs, err = parseDetectSecrets(src, data)
	case "":
		return usageError(errors.New("--from is required: gitleaks or detect-secrets"))
	default:
		return usageError(fmt.Errorf("--from %q: want gitleaks or detect-secrets", opts.from))
	}
	if err != nil {
		return usageError(err)
	}
	out := opts.output
	if out == "" {
		if out, err = defaultBaselineFile(path, opts.noGit); err != nil {
			return usageError(err)
		}
	}
	b := baseline.New()
	if _, err := os.Stat(out); err == nil {
		if b, err = baseline.Load(out); err != nil {
			return usageError(err)
		}
		if err := b.Check(out); err != nil {
			return usageError(err)
		}
	}

	rep, err := opts.scan(ctx, path, io)
	if errors.Is(err, errInterrupted) {
		return &exitError{code: interruptedCode(ctx), err: errors.New("interrupted: nothing imported")}
	}
	if err != nil {
		return err
	}
	m, err := newImportMatcher(path, opts.noGit, rep.Findings)
	if err != nil {
		return err
	}
	defer m.close()

	added, updated := 0, 0
	matchedFP := map[string]bool{}
	var unmatched []importRecord
	for _, r := range recs {
		idx := m.match(&r)
		if len(idx) == 0 {
			unmatched = append(unmatched, r)
			continue
		}
		for _, i := range idx {
			f := &rep.Findings[i]
			matchedFP[f.Fingerprint] = true
			e := b.Lookup(f.Fingerprint)
			switch {
			case e == nil:
				e = b.Add(f)
				e.Status = r.status
				e.Note = "imported from " + r.label
				added++
			case e.Status == baseline.Unreviewed && r.status != baseline.Unreviewed:
				e.Status = r.status
				if e.Note == "" {
					e.Note = "imported from " + r.label
				}
				updated++
			}
		}
	}
	if err := saveBaseline(out, b); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "imported %d of %d %s record%s into %s: %d new entr%s, %d updated, %d secret%s\n",
		len(recs)-len(unmatched), len(recs), opts.from, report.Plural(len(recs)), out, added, pluralY(added), updated, len(matchedFP), report.Plural(len(matchedFP)))
	if n := len(unmatched); n > 0 {
		fmt.Fprintf(io.out, "%d record%s matched no leakhound finding (not imported):\n", n, report.Plural(n))
		for _, r := range unmatched {
			where := fmt.Sprintf("%s:%d", termSafe(r.file), r.line)
			if r.commit != "" {
				where += " @ " + report.ShortID(r.commit)
			}
			fmt.Fprintf(io.out, "  %s  (%s)\n", where, termSafe(r.label))
		}
	}
	rest := 0
	for i := range rep.Findings {
		if b.Lookup(rep.Findings[i].Fingerprint) == nil {
			rest++
		}
	}
	if rest > 0 {
		if rest == 1 {
			fmt.Fprintln(io.out, "1 secret leakhound finds is not in the baseline, so scans report it: 'leakhound baseline update' adds it")
		} else {
			fmt.Fprintf(io.out, "%d secrets leakhound finds are not in the baseline, so scans report them: 'leakhound baseline update' adds them\n", rest)
		}
	}
	return scanOutcome(rep, "records whose secret was in what could not be read may be unmatched")
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

// parseGitleaksReport reads a gitleaks JSON report: an array of findings.
func parseGitleaksReport(name string, data []byte) ([]importRecord, error) {
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
	var out []importRecord
	for i, f := range fs {
		file, line, commit := f.File, f.StartLine, f.Commit
		if file == "" || line == 0 {
			// Fall back on the fingerprint: commit:file:rule:line, or
			// file:rule:line outside git.
			file, line, commit = splitGitleaksFingerprint(f.Fingerprint)
		}
		if file == "" || line <= 0 {
			return nil, fmt.Errorf("%s: finding %d has no File and StartLine", name, i+1)
		}
		r := importRecord{
			file:   cleanImportPath(file),
			line:   line,
			commit: commit,
			status: baseline.Unreviewed,
			label:  "gitleaks, rule " + f.RuleID,
		}
		switch s := f.Secret; {
		case s == "" || s == "REDACTED":
		case strings.HasSuffix(s, "..."):
			r.prefix = strings.TrimSuffix(s, "...") // gitleaks --redact=N
		default:
			r.secret = s
		}
		out = append(out, r)
	}
	return out, nil
}

func splitGitleaksFingerprint(fp string) (file string, line int, commit string) {
	parts := strings.Split(fp, ":")
	if len(parts) < 3 {
		return "", 0, ""
	}
	n, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil {
		return "", 0, ""
	}
	rest := parts[:len(parts)-2]
	if len(rest) > 1 && gitwalk.IsID(rest[0]) {
		commit, rest = rest[0], rest[1:]
	}
	return strings.Join(rest, ":"), n, commit
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

// parseDetectSecrets reads a detect-secrets baseline.
func parseDetectSecrets(name string, data []byte) ([]importRecord, error) {
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
	var out []importRecord
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
			out = append(out, importRecord{
				file:   cleanImportPath(file),
				line:   s.LineNumber,
				sha1:   strings.ToLower(s.HashedSecret),
				status: status,
				label:  "detect-secrets, " + s.Type,
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

// importMatcher finds the findings an imported record refers to.
type importMatcher struct {
	fs       []leak.Finding
	bySecret map[string][]int
	bySHA1   map[string][]int
	repo     *gitwalk.Repo // nil with --no-git
	root     string        // work tree or directory; "" for a bare repository
	head     gitwalk.ID
	files    map[string][]string // "commit\x00path" -> lines
}

func newImportMatcher(path string, noGit bool, fs []leak.Finding) (*importMatcher, error) {
	m := &importMatcher{fs: fs, bySecret: map[string][]int{}, bySHA1: map[string][]int{}, files: map[string][]string{}, root: path}
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
	if noGit {
		return m, nil
	}
	repo, err := gitwalk.Open(path)
	if err != nil {
		return nil, err
	}
	m.repo, m.root = repo, repo.WorkTree()
	if ref, err := repo.DefaultBranch(); err == nil {
		m.head = ref.ID
	}
	return m, nil
}

func uniq(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

func (m *importMatcher) close() {
	if m.repo != nil {
		m.repo.Close()
	}
}

// match returns the indices of the findings r refers to.
func (m *importMatcher) match(r *importRecord) []int {
	if r.secret != "" {
		if idx := m.bySecret[leak.Normalize(r.secret)]; len(idx) > 0 {
			return idx
		}
	}
	if r.sha1 != "" {
		if idx := m.bySHA1[r.sha1]; len(idx) > 0 {
			return idx
		}
	}
	// By the secret leakhound finds on the record's line.
	text, ok := m.line(r.commit, r.file, r.line)
	if !ok {
		return nil
	}
	var idx []int
	for i := range m.fs {
		s := m.fs[i].Secret
		switch {
		case s == "" || !strings.Contains(text, s):
		case r.secret != "" && !strings.Contains(r.secret, s) && !strings.Contains(s, r.secret):
			// The tool saw another secret on that line.
		case r.prefix != "" && !strings.HasPrefix(s, r.prefix):
		default:
			idx = append(idx, i)
		}
	}
	return idx
}

// line returns line n of file: as of commit, or, without one, in the work
// tree, else in the default branch's tip.
func (m *importMatcher) line(commit, file string, n int) (string, bool) {
	if n <= 0 || !filepath.IsLocal(filepath.FromSlash(file)) {
		return "", false
	}
	key := commit + "\x00" + file
	lines, ok := m.files[key]
	if !ok {
		var content []byte
		found := false
		switch {
		case commit != "" && m.repo != nil && gitwalk.IsID(commit):
			content, found, _ = m.repo.FileAt(newID(commit), file, 0)
		case commit == "":
			if m.root != "" {
				if b, err := os.ReadFile(filepath.Join(m.root, filepath.FromSlash(file))); err == nil {
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
