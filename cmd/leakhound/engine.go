package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/fswalk"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
)

// rulesFileName is the rules file a repository may carry at its root.
const rulesFileName = ".secretsrules.toml"

// engineOptions are the settings every kind of scan shares.
type engineOptions struct {
	configPath         string
	threads            int
	maxFileSize        int64
	ignoreInlineAllows bool
	progress           bool
	// baselinePath names the baseline file; "" means the scanned
	// repository's .secretsbaseline.json when it has one (see
	// resolveBaseline). noBaseline reports every finding.
	baselinePath string
	noBaseline   bool
	// rules, when set, are the rules to use, already loaded (leakhound ci
	// loads them from the base commit); configPath is then ignored.
	rules *config.Config
	// short marks a scan of little content (hooks, ci): see
	// detect.Options.Short.
	short bool
}

// gitTarget says which history to scan.
type gitTarget struct {
	path             string
	include, exclude []string
	includeIDs       []gitwalk.ID
	excludeIDs       []gitwalk.ID
	since            time.Time
	// rangeLabel describes the range in the summary.
	rangeLabel string
	// ignoreMissingExclude tolerates excluded commits that are not in the
	// repository (a pre-push remote sha we never fetched).
	ignoreMissingExclude bool
	// completeRange makes a range that runs into a shallow clone's
	// boundary an error (*shallowRangeError) rather than a scan of what is
	// there: the commits at the boundary would be diffed against nothing,
	// and the commits beyond it not scanned at all.
	completeRange bool
	// staged scans the index against HEAD instead of commits.
	staged bool
}

// shallowRangeError says that commits in range have parents a shallow clone
// lacks.
type shallowRangeError struct {
	// boundary lists the commits in range whose parents are missing.
	boundary []string
}

func (e *shallowRangeError) Error() string {
	return fmt.Sprintf("the range reaches the boundary of this shallow clone at %d commit(s) (%s): their parents, and maybe more commits in range, are not in the clone", len(e.boundary), report.ShortID(e.boundary[0]))
}

// loadConfig picks the rules: --config, else the rules file at the root of
// the scanned tree, else the defaults. It returns the rules and where they
// came from.
func loadConfig(configPath, root string, fromRepo func() ([]byte, bool, error)) (*config.Config, error) {
	if configPath != "" {
		return config.Load(configPath)
	}
	if root != "" {
		p := filepath.Join(root, rulesFileName)
		if data, err := os.ReadFile(p); err == nil {
			return config.Parse(p, data)
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("read rules file: %w", err)
		}
	}
	if fromRepo != nil {
		data, ok, err := fromRepo()
		if err != nil {
			return nil, err
		}
		if ok {
			return config.Parse(rulesFileName, data)
		}
	}
	return config.Default()
}

// errorSink counts per-object errors and prints them.
type errorSink struct {
	mu    sync.Mutex
	w     io.Writer
	count int
}

func (s *errorSink) add(item string, err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	if s.count <= 20 {
		fmt.Fprintf(s.w, "leakhound: error: %s: %v\n", item, err)
	} else if s.count == 21 {
		fmt.Fprintln(s.w, "leakhound: error: more errors follow; only the count is reported")
	}
	return nil
}

func (s *errorSink) n() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// committedFile returns a function reading file from the commit that at
// names, for a bare repository's rules and baseline. A repository without
// that commit (an empty one) has no such file; a file that cannot be read
// is counted in sink, which makes the scan incomplete, and treated as
// absent: the defaults apply and every finding is reported, failing closed.
func committedFile(repo *gitwalk.Repo, sink *errorSink, file string, at func() (gitwalk.Ref, error)) func() ([]byte, bool, error) {
	return func() ([]byte, bool, error) {
		ref, err := at()
		if err != nil {
			return nil, false, nil
		}
		limit := int64(0) // a rules file: the default limit
		if file == defaultBaseline {
			limit = maxBaselineSize
		}
		b, ok, err := repo.FileAt(ref.ID, file, limit)
		if err != nil {
			sink.add(file+" in "+ref.Name, err)
			return nil, false, nil
		}
		return b, ok, nil
	}
}

// tally gathers, from concurrent detector callbacks, what they report
// besides matches: the first rule error, fragments skipped by path, rules
// capped.
type tally struct {
	mu          sync.Mutex
	ruleErr     error
	allowlisted int
	warnings    []string
}

// record notes res and err, from the fragment named where.
func (t *tally) record(res detect.Result, err error, where string) {
	if err == nil && !res.Skipped && len(res.Capped) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil && t.ruleErr == nil {
		t.ruleErr = err
	}
	if res.Skipped {
		t.allowlisted++
	}
	for _, id := range res.Capped {
		t.warnings = addWarning(t.warnings, fmt.Sprintf("rule %s matched more than the cap in %s; its other matches there were dropped", id, where))
	}
}

// blobMatches are the matches found in one blob.
type blobMatches struct {
	blob    string
	matches []detect.Match
}

// scanGit scans git history and returns the report. Problems with single
// objects are printed to errw and counted in the summary; the scan goes on.
func scanGit(ctx context.Context, eo engineOptions, t gitTarget, errw io.Writer) (*report.Report, error) {
	start := time.Now()
	repo, err := gitwalk.Open(t.path)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	sink := &errorSink{w: errw}
	cfg := eo.rules
	if cfg == nil {
		var fromHEAD func() ([]byte, bool, error)
		if repo.WorkTree() == "" {
			// A bare repository's rules file is the one in HEAD's tree.
			fromHEAD = committedFile(repo, sink, rulesFileName, func() (gitwalk.Ref, error) {
				h, err := repo.ResolveRef("HEAD")
				return gitwalk.Ref{Name: "HEAD", ID: h}, err
			})
		}
		cfg, err = loadConfig(eo.configPath, repo.WorkTree(), fromHEAD)
		if err != nil {
			return nil, err
		}
	}
	// The baseline is read before the scan, so that a bad one costs nothing.
	var baselineFromHEAD func() ([]byte, bool, error)
	if repo.WorkTree() == "" {
		// A bare repository's baseline is the one in its default branch.
		baselineFromHEAD = committedFile(repo, sink, baseline.FileName, repo.DefaultBranch)
	}
	known, knownName, err := resolveBaseline(eo, repo.WorkTree(), baselineFromHEAD)
	if err != nil {
		return nil, err
	}
	lines := detect.NewLineSet()
	// Rules compile on first use: of the 300-odd default rules a scan's
	// content triggers a few dozen, and compiling them all up front costs
	// more than scanning a small repository or a pushed commit. config has
	// checked every regex's syntax; `leakhound rules test` compiles them all.
	d, err := detect.New(cfg, detect.Options{Lazy: true, Short: eo.short || t.staged, IgnoreInlineAllows: eo.ignoreInlineAllows, Lines: lines})
	if err != nil {
		return nil, err
	}

	stats := new(gitwalk.Stats)
	prog := startProgress(eo.progress, errw, stats)
	defer prog.stop()

	var plan *gitwalk.Plan
	if t.staged {
		plan, err = repo.PlanStaged(ctx)
	} else {
		plan, err = repo.Plan(ctx, gitwalk.Options{
			Include: t.include, Exclude: t.exclude,
			IncludeIDs: t.includeIDs, ExcludeIDs: t.excludeIDs,
			Since: t.since, IgnoreMissing: t.ignoreMissingExclude,
		}, stats, sink.add)
	}
	if err != nil {
		if ctx.Err() != nil {
			// Interrupted before anything was scanned: an empty report,
			// marked incomplete, is still a report.
			return &report.Report{Summary: report.Summary{Source: t.path, Mode: "git", Range: t.rangeLabel,
				Incomplete: true, Duration: time.Since(start), Skipped: map[leak.SkipReason]int{}}}, errInterrupted
		}
		return nil, err
	}
	if t.completeRange && plan.Shallow {
		if err := checkShallowRange(repo, plan); err != nil {
			return nil, err
		}
	}
	prog.scanning(len(plan.Commits), plan.Blobs())

	col := leak.NewCollector()
	// Rules that look at paths only.
	plan.EachSource(func(blob string, src leak.Source) {
		for _, f := range d.PathFindings(blob, src) {
			col.Add(f, src.Commit.Order)
		}
	})

	var mu sync.Mutex
	var found []blobMatches
	var tl tally
	scanErr := repo.Scan(ctx, plan, gitwalk.ScanOptions{Workers: eo.threads, MaxFileSize: eo.maxFileSize}, stats,
		func(frag *leak.Fragment) error {
			res, err := d.Detect(frag)
			tl.record(res, err, "blob "+frag.BlobID)
			if len(res.Matches) > 0 {
				mu.Lock()
				found = append(found, blobMatches{frag.BlobID, res.Matches})
				mu.Unlock()
			}
			return nil
		}, sink.add)
	interrupted := scanErr != nil && ctx.Err() != nil
	if scanErr != nil && !interrupted {
		// A reader failed (an internal error): keep what was found, and
		// let the errors make the scan incomplete.
		sink.add("scan", scanErr)
	}
	if tl.ruleErr != nil {
		return nil, tl.ruleErr
	}

	attribute(repo, plan, d, found, col, sink)

	rep := &report.Report{Findings: col.Findings()}
	applyBaseline(rep, known, knownName)
	head, headWarnings := markInHead(repo, rep.Findings)
	warnings := append(tl.warnings, headWarnings...)
	sort.Strings(warnings)
	if tl.allowlisted > 0 {
		plan.Skipped[leak.SkipAllowlistedPath] += tl.allowlisted
	}
	rep.Summary = report.Summary{
		Source:     t.path,
		Mode:       "git",
		Range:      t.rangeLabel,
		Commits:    len(plan.Commits),
		Blobs:      int(stats.BlobsRead.Load()),
		Bytes:      stats.BytesRead.Load(),
		Skipped:    plan.Skipped,
		Shallow:    plan.Shallow,
		Findings:   len(rep.Findings),
		Errors:     sink.n(),
		Incomplete: sink.n() > 0 || interrupted,
		Duration:   time.Since(start),
		Warnings:   warnings,
		InHead:     countInHead(rep.Findings),
		Baseline:   rep.Summary.Baseline,
		Baselined:  rep.Summary.Baselined,
	}
	if !head.ID.IsZero() {
		rep.Summary.HeadRef, rep.Summary.HeadCommit = head.Name, head.ID.String()
	}
	if interrupted {
		return rep, errInterrupted
	}
	return rep, nil
}

// checkShallowRange returns a *shallowRangeError if a commit in the plan is
// at a shallow clone's boundary.
func checkShallowRange(repo *gitwalk.Repo, plan *gitwalk.Plan) error {
	shallow, err := repo.Shallow()
	if err != nil {
		return fmt.Errorf("read shallow file: %w", err)
	}
	cut := make(map[string]bool, len(shallow))
	for _, h := range shallow {
		cut[h.String()] = true
	}
	var boundary []string
	for _, c := range plan.Commits {
		if cut[c.Hash] {
			boundary = append(boundary, c.Hash)
		}
	}
	if len(boundary) > 0 {
		return &shallowRangeError{boundary: boundary}
	}
	return nil
}

// attribute places each match at the sources that introduced it: a source
// introduced a secret if the secret is not in any of the source's prior
// blobs (the parents' versions of the file, or what it was renamed from).
func attribute(repo *gitwalk.Repo, plan *gitwalk.Plan, d *detect.Detector, found []blobMatches, col *leak.Collector, sink *errorSink) {
	// Which secrets each scanned blob holds, by rule.
	type key struct{ rule, secret string }
	holds := make(map[string]map[key]bool, len(found))
	for _, bm := range found {
		m := make(map[key]bool, len(bm.matches))
		for i := range bm.matches {
			m[key{bm.matches[i].RuleID(), bm.matches[i].Secret}] = true
		}
		holds[bm.blob] = m
	}
	rd := repo.NewReader()
	defer rd.Close()
	priorHolds := func(prior string, m *detect.Match) bool {
		if plan.Sources(prior) != nil { // scanned in this run
			return holds[prior][key{m.RuleID(), m.Secret}]
		}
		content, err := rd.Blob(newID(prior), 0)
		if err != nil {
			// The prior version cannot be read: report the secret here
			// rather than lose it.
			return false
		}
		// A decoded secret is written encoded: look for what is written.
		return bytes.Contains(content, []byte(m.Written()))
	}
	// Occurrences that introduced nothing new (a renamed or edited file
	// still holding the secret) only add locations to findings, so they
	// come second.
	type seen struct {
		f     leak.Finding
		order int
	}
	var old []seen
	for _, bm := range found {
		for _, src := range plan.Sources(bm.blob) {
			for i := range bm.matches {
				m := &bm.matches[i]
				f, ok := d.Finding(m, bm.blob, src)
				if !ok {
					continue
				}
				isNew := true
				for _, p := range src.Prior {
					if priorHolds(p, m) {
						isNew = false
						break
					}
				}
				if isNew {
					col.Add(f, src.Commit.Order)
				} else {
					old = append(old, seen{f, src.Commit.Order})
				}
			}
		}
	}
	for _, o := range old {
		col.AddLocation(o.f, o.order)
	}
}

// scanFiles scans a directory tree (--no-git) or standard input.
func scanFiles(ctx context.Context, eo engineOptions, path string, stdin io.Reader, errw io.Writer) (*report.Report, error) {
	start := time.Now()
	root := path
	if path == "-" {
		root = ""
	} else if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", path)
	}
	cfg, err := loadConfig(eo.configPath, root, nil)
	if err != nil {
		return nil, err
	}
	known, knownName, err := resolveBaseline(eo, root, nil)
	if err != nil {
		return nil, err
	}
	// Rules compile on first use, as in scanGit.
	d, err := detect.New(cfg, detect.Options{Lazy: true, IgnoreInlineAllows: eo.ignoreInlineAllows})
	if err != nil {
		return nil, err
	}
	col := leak.NewCollector()
	var tl tally
	handle := func(frag *leak.Fragment) error {
		res, err := d.Detect(frag)
		tl.record(res, err, frag.Sources[0].Path)
		for i := range res.Matches {
			for _, src := range frag.Sources {
				if f, ok := d.Finding(&res.Matches[i], "", src); ok {
					col.Add(f, -1)
				}
			}
		}
		return nil
	}
	sink := &errorSink{w: errw}
	sum := report.Summary{Source: path, Skipped: map[leak.SkipReason]int{}}
	var walkErr error
	if path == "-" {
		sum.Mode = "stdin"
		// Reading standard input cannot be cancelled: wait for it in the
		// background, so that a signal still ends the scan promptly.
		type read struct {
			frag *leak.Fragment
			err  error
		}
		ch := make(chan read, 1)
		go func() {
			frag, err := fswalk.ReadStdin(stdin, eo.maxFileSize)
			ch <- read{frag, err}
		}()
		var frag *leak.Fragment
		select {
		case r := <-ch:
			if r.err != nil {
				return nil, r.err
			}
			frag = r.frag
		case <-ctx.Done():
			sum.Incomplete = true
			sum.Duration = time.Since(start)
			return &report.Report{Summary: sum}, errInterrupted
		}
		for _, f := range d.PathFindings("", frag.Sources[0]) {
			col.Add(f, -1)
		}
		handle(frag)
		sum.Blobs, sum.Bytes = 1, int64(len(frag.Content))
	} else {
		sum.Mode = "directory"
		var res fswalk.Result
		res, walkErr = fswalk.Walk(ctx, path, fswalk.Options{Workers: eo.threads, MaxFileSize: eo.maxFileSize}, handle, sink.add)
		sum.Blobs, sum.Bytes, sum.Skipped = res.Files, res.Bytes, res.Skipped
	}
	interrupted := walkErr != nil && ctx.Err() != nil
	if walkErr != nil && !interrupted {
		sink.add("scan", walkErr)
	}
	if tl.ruleErr != nil {
		return nil, tl.ruleErr
	}
	if tl.allowlisted > 0 {
		sum.Skipped[leak.SkipAllowlistedPath] = tl.allowlisted
	}
	rep := &report.Report{Findings: col.Findings(), Summary: sum}
	applyBaseline(rep, known, knownName)
	// Outside git history the scanned files are the current state.
	for i := range rep.Findings {
		rep.Findings[i].InHead = true
	}
	rep.Summary.InHead = len(rep.Findings)
	sort.Strings(tl.warnings)
	rep.Summary.Warnings = tl.warnings
	rep.Summary.Findings = len(rep.Findings)
	rep.Summary.Errors = sink.n()
	rep.Summary.Incomplete = sink.n() > 0 || interrupted
	rep.Summary.Duration = time.Since(start)
	if interrupted {
		return rep, errInterrupted
	}
	return rep, nil
}

// maxWarnings bounds the warnings a summary lists.
const maxWarnings = 20

// addWarning appends w unless the list is full; the last entry then says
// that more were dropped.
func addWarning(ws []string, w string) []string {
	switch {
	case len(ws) < maxWarnings:
		return append(ws, w)
	case len(ws) == maxWarnings:
		return append(ws, "more warnings like these were left out")
	}
	return ws
}

// splitRange parses "A..B" into its ends.
func splitRange(s string) (from, to string, err error) {
	if strings.Contains(s, "...") {
		return "", "", fmt.Errorf("--range %q: use A..B (commits reachable from B but not from A)", s)
	}
	from, to, ok := strings.Cut(s, "..")
	if !ok || to == "" {
		return "", "", fmt.Errorf("--range %q: want A..B", s)
	}
	return from, to, nil
}

// newID parses a full object id; a malformed one is the zero id.
func newID(s string) gitwalk.ID {
	id, _ := gitwalk.ParseID(s)
	return id
}
