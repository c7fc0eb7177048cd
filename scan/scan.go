// Package scan is leakhound's engine: given a Source (git history, staged
// changes, a directory, a file, standard input, or a program's own), the
// rules and a baseline, Run reads the source once, runs the detectors over
// it and returns the finished report: each secret once, at the commit that
// introduced it, with the other places it was introduced, marked as still
// in the default branch's tip or in history only, the baseline applied,
// and a summary of what was read and skipped.
//
// A scan has three parts, each with its seam, in the manner of ripgrep's
// matcher, searcher and sink:
//
//   - a Source yields fragments of content (leak.Fragment) to a Sink, from
//     as many goroutines as it likes; sources of versioned content (git
//     history) also implement Versioned, which lets the engine tell where
//     a secret was introduced and whether it is still there;
//   - the detectors (detect.Detector, built from Options.Settings.Rules)
//     find matches in each fragment;
//   - Run attributes each match to the places that introduced it, merges
//     them into findings (leak.Collector), applies the baseline and marks
//     what is still in HEAD.
//
// Where the rules and the baseline come from (a work tree, a bare
// repository's default branch, a merge request's base commit) is decided
// once, by LoadSettings, for every command.
//
// The package prints nothing, exits nothing and reads no flags: progress
// and errors about single objects go to callbacks in Options. It knows git
// (gitwalk), files (fswalk), rules (config, detect) and baselines; it knows
// nothing of output formats or of the command line.
package scan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leakhound/leakhound/archive"
	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/triage"
)

// ErrInterrupted is returned by Run, with the report of what was read so
// far (marked incomplete), when its context was cancelled.
var ErrInterrupted = errors.New("interrupted")

// Options say how to scan.
type Options struct {
	// Settings are the rules and the baseline, usually from LoadSettings.
	// The zero value scans with the built-in rules and no baseline.
	Settings Settings
	// Workers is the number of parallel readers and detectors; zero means
	// GOMAXPROCS.
	Workers int
	// MaxFileSize skips content larger than this many bytes; zero means
	// leak.DefaultMaxFileSize.
	MaxFileSize int64
	// IgnoreInlineAllows reports secrets on lines marked with an inline
	// allow comment (leakhound:allow and the like).
	IgnoreInlineAllows bool
	// HighConfidenceEverywhere reports tokens of high confidence even in
	// files a global allowlist skips by path (see
	// detect.Options.HighConfidenceEverywhere): for scans of commits a
	// merge request or push adds.
	HighConfidenceEverywhere bool
	// Short says the scan reads little content (a hook, a few commits):
	// see detect.Options.Short.
	Short bool
	// OnError is called with each object or file that could not be read
	// (item names it: "blob <id>", a path). The scan goes on without it and
	// is marked incomplete; an error returned by OnError stops the scan,
	// and Run returns it. OnError is called from the scan's goroutines, one
	// call at a time, never concurrently. Nil ignores such errors (they
	// are still counted).
	OnError func(item string, err error) error
	// Progress, when set, is called with the progress of a scan of git
	// history about every 150 ms while the source is read, from a
	// goroutine of its own, one call at a time; never after Run returns.
	// It must return quickly. Other sources report no progress.
	Progress func(Progress)
	// Cache, when set, lets a scan of git history skip the blobs an
	// earlier scan under the same rules found nothing in, and records
	// what this scan finds in each blob it reads. Nil reads every blob.
	Cache BlobCache
	// Detectors, when set, shares detectors between scans (see
	// Detectors). Nil builds one for this scan.
	Detectors *Detectors
	// MaxArchiveDepth is how many levels of archives (zip, jar, war, whl,
	// tar, tar.gz...) a scan opens to scan the files packed inside them: 1
	// the archives themselves, 2 (the default, for zero) the archives
	// inside those too. Negative turns archive scanning off: archives are
	// skipped as binary. See Sink.Opens.
	MaxArchiveDepth int
	// NoMessages leaves out the messages of commits and annotated tags,
	// which a scan of git history otherwise scans (see
	// gitwalk.Plan.Messages) with the rules of a self-identifying format
	// (see MessageRule).
	NoMessages bool
	// IncludeKnown reports publicly known values that open no account
	// (see triage.Triage.OpensNothing), which a scan otherwise leaves out
	// of its findings and counts in Summary.KnownLeftOut.
	IncludeKnown bool
}

// BlobCache remembers, for the blobs scans of git history have read, what
// they found: nothing, or the fingerprints and positions of matches. A
// blob's matches depend on its content and on the paths it is found at
// (rules limited to some paths), so both are the key. Its methods are
// called from the scan's goroutines concurrently.
type BlobCache interface {
	// Clean reports whether blob id, found at paths (sorted, distinct),
	// was read before and held no match. Such a blob is not read again
	// (it is counted as skipped: leak.SkipCached).
	Clean(id string, paths []string) bool
	// Record notes that blob id, found at paths, was read and held
	// found (nil: nothing).
	Record(id string, paths []string, found []BlobMatch)
}

// BlobMatch is what a BlobCache keeps of one match: never the secret.
type BlobMatch struct {
	// Fingerprint is leak.Fingerprint of the rule and the secret.
	Fingerprint  string
	Line, Column int
}

// Progress is a snapshot of a scan of git history under way.
type Progress struct {
	// Reading is false while history is walked and diffed, true once
	// blobs are read.
	Reading bool
	// CommitsWalked counts commit objects read, CommitsDiffed the commits
	// in range whose trees were diffed (while walking).
	CommitsWalked, CommitsDiffed int64
	// Commits is the number of commits in range and Blobs the distinct
	// blobs they introduced (once reading).
	Commits, Blobs int
	// BlobsRead and BytesRead count what was read so far.
	BlobsRead, BytesRead int64
}

// Run scans src and returns the report. Errors about single objects go to
// opts.OnError and make the report incomplete; the scan goes on. An error
// in the rules or the source (an unknown revision, a shallow range that
// cannot be scanned whole) returns no report. When ctx is cancelled, Run
// returns what was found so far, marked incomplete, and ErrInterrupted.
//
// A Source value serves one Run.
func Run(ctx context.Context, src Source, opts Options) (*report.Report, error) {
	start := time.Now()
	cfg := opts.Settings.Rules
	builtIn := cfg == nil || opts.Settings.BuiltInRules
	if cfg == nil {
		var err error
		if cfg, err = config.Default(); err != nil {
			return nil, err
		}
	}
	if r, ok := src.(releaser); ok {
		defer r.release()
	}
	versioned, _ := src.(Versioned)
	dopts := detectOptions(opts)
	// A re-scan of every ref that the last scan's record answers (see
	// LastScanCache) reads nothing of history.
	h, _ := src.(*History)
	var last LastScanCache
	if h != nil {
		last = h.lastScanCache(opts)
	}
	var tips string
	if last != nil {
		var rep *report.Report
		newDetector := func() (*detect.Detector, error) { return opts.Detectors.get(cfg, builtIn, opts, dopts) }
		if rep, tips = h.replay(ctx, last, opts, newDetector, start); rep != nil {
			return rep, nil
		}
	}
	d, err := opts.Detectors.get(cfg, builtIn, opts, dopts)
	if err != nil {
		return nil, err
	}
	// Messages are scanned without the LineSet: they run fewer rules, so
	// a line a message had must not spare a file's.
	md := d
	if versioned != nil {
		// Versions of a file share most of their lines: scan each line once.
		d = d.WithLines(detect.NewLineSet())
	}
	tr, err := triage.New(cfg)
	if err != nil {
		return nil, err
	}
	e := &engine{d: d, md: md, onErr: opts.OnError, col: leak.NewCollector(), skipped: map[leak.SkipReason]int{}, known: map[string][]string{}}
	sink := &Sink{e: e, workers: opts.Workers, maxFileSize: opts.MaxFileSize, cache: opts.Cache, messages: !opts.NoMessages, archiveDepth: archiveDepth(opts)}
	if sink.maxFileSize <= 0 {
		sink.maxFileSize = leak.DefaultMaxFileSize
	}
	e.archives = sink.archiveLimits()
	for _, p := range opts.Settings.Problems {
		if err := sink.Error(p.Item, p.Err); err != nil {
			return nil, err
		}
	}

	stopProgress := e.startProgress(opts.Progress)
	scanned, scanErr := src.Scan(ctx, sink)
	stopProgress()
	interrupted := false
	if scanErr != nil {
		if ctx.Err() == nil {
			return nil, scanErr
		}
		interrupted = true
	}
	if e.tally.ruleErr != nil {
		return nil, e.tally.ruleErr
	}

	// A scan that could not read some objects is remembered all the same
	// (the walk keeps what it read, see gitwalk.WalkState; a blob that could
	// not be read is not in the cache): the next scan tries again only what
	// failed. An interrupted scan, or one whose source keeps no walk, needs
	// no inert blobs, nor the occurrences they are found from.
	recorder, _ := src.(walkRecorder)
	if interrupted || (recorder != nil && !recorder.recordsWalk()) {
		recorder = nil
	}
	e.attribute(versioned, recorder != nil)
	rep := &report.Report{Findings: e.col.Findings()}
	var inert map[string][]string
	if recorder != nil {
		inert = e.inert(rep.Findings)
	}
	if b := opts.Settings.Baseline; b != nil {
		fresh, known := b.Filter(rep.Findings)
		rep.Findings = fresh
		rep.Summary.Baseline, rep.Summary.Baselined = opts.Settings.BaselineName, len(known)
	}
	var head Head
	warnings := e.tally.warnings
	if versioned != nil {
		var ws []string
		head, ws = versioned.InHead(rep.Findings)
		warnings = append(warnings, ws...)
	} else {
		// Outside history, what was scanned is the current state.
		for i := range rep.Findings {
			rep.Findings[i].InHead = true
		}
	}
	if recorder != nil {
		// After InHead, which notes what each ref's tip holds.
		recorder.recordWalk(inert)
	}
	if _, ok := src.(*Staged); ok {
		for i := range rep.Findings {
			rep.Findings[i].Staged = true
		}
	}
	// Judge every finding once, and put the most urgent first.
	tr.SetSites(e.siteRoots())
	knownLeftOut := 0
	for i := range rep.Findings {
		e.judge(tr, &rep.Findings[i])
	}
	if !opts.IncludeKnown {
		rep.Findings, knownLeftOut = leaveOutKnown(tr, rep.Findings)
	}
	triage.Sort(rep.Findings)
	sort.Strings(warnings)
	if e.tally.allowlisted > 0 {
		e.skipped[leak.SkipAllowlistedPath] += e.tally.allowlisted
	}
	errs := e.errors()
	sortSkipped(e.skippedFiles)
	rep.Summary = report.Summary{
		Source:       scanned.Name,
		Mode:         scanned.Mode,
		Range:        scanned.Range,
		Commits:      scanned.Commits,
		Blobs:        scanned.Blobs,
		Bytes:        scanned.Bytes,
		Skipped:      e.skipped,
		SkippedFiles: e.skippedFiles,
		Shallow:      scanned.Shallow,
		Findings:     len(rep.Findings),
		Errors:       errs,
		Incomplete:   errs > 0 || interrupted,
		Duration:     time.Since(start),
		Warnings:     warnings,
		HeadRef:      head.Ref,
		HeadCommit:   head.Commit,
		InHead:       countInHead(rep.Findings),
		Baseline:     rep.Summary.Baseline,
		Baselined:    rep.Summary.Baselined,
		KnownLeftOut: knownLeftOut,
	}
	if interrupted {
		rep.Summary.Interrupted = &report.Interruption{
			Walking:       scanned.CommitsWalked > 0 || scanned.Mode == "git" && scanned.Commits == 0,
			CommitsWalked: scanned.CommitsWalked,
			CommitsDone:   scanned.CommitsDone,
			Files:         scanned.Files,
		}
		return rep, ErrInterrupted
	}
	if last != nil {
		h.recordLast(last, opts, tips, e, rep)
	}
	return rep, nil
}

// detectOptions are the detector's options for a scan under opts (without
// a LineSet).
func detectOptions(opts Options) detect.Options {
	dopts := detect.Options{
		// Rules compile on first use: of the 300-odd default rules a
		// scan's content triggers a few dozen, and compiling them all up
		// front costs more than scanning a small repository or a pushed
		// commit. config has checked every regex's syntax; `leakhound
		// rules test` compiles them all.
		Lazy:               true,
		Short:              opts.Short,
		IgnoreInlineAllows: opts.IgnoreInlineAllows,
	}
	if opts.HighConfidenceEverywhere {
		dopts.Everywhere = fixedFormat
	}
	dopts.InMessages = MessageRule
	return dopts
}

// engine holds the state of one Run that the Sink's methods share.
type engine struct {
	d *detect.Detector
	// md is the detector of messages: d without its LineSet.
	md    *detect.Detector
	col   *leak.Collector
	onErr func(string, error) error
	tally tally

	mu    sync.Mutex // guards what follows
	found []blobMatches
	// archives are the limits of archives opened (MaxDepth 0: none).
	archives archive.Limits
	// archiveMatched is set once a file inside an archive held a match.
	archiveMatched atomic.Bool
	// known are the holdKeys of the matches of blobs a cache spared
	// reading, by blob.
	known map[string][]string
	// occurs lists, for each occurrence attribute saw, the blobs it is in;
	// blobFPs the fingerprints of each blob's occurrences.
	occurs  map[occurrence][]string
	blobFPs map[string][]string
	sites   map[string]bool // roots of built documentation sites seen
	// judged maps a file's shown path to the one rules saw.
	judged  map[string]string
	skipped map[leak.SkipReason]int
	// skippedFiles names skipped files, up to MaxSkippedFiles.
	skippedFiles []leak.SkippedFile
	nerrs        int
	// errItems are the first maxLastErrors errors, for the record of the
	// scan (see lastScan).
	errItems []lastError
	// abort is the error OnError stopped the scan with.
	abort error

	// stats reads the progress, once a git source says what it counts.
	stats atomic.Pointer[progressSource]
}

// blobMatches are the matches found in one fragment.
type blobMatches struct {
	blob    string
	sources []leak.Source
	matches []detect.Match
}

func (e *engine) errors() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.nerrs
}

// attribute places each match at the sources that introduced it: a source
// introduced a secret if the secret is not in any of the source's prior
// blobs (the parents' versions of the file, or what it was renamed from).
// Occurrences that introduced nothing new (a renamed or edited file still
// holding the secret) only add locations to findings. With occurs, it
// also notes where each occurrence lies, for inert.
func (e *engine) attribute(v Versioned, occurs bool) {
	// What each blob read holds, by fingerprint of rule and secret; and
	// what the blobs a cache spared hold, as the cache remembers it.
	holds := make(map[string]map[string]bool, len(e.found)+len(e.known))
	for _, bm := range e.found {
		if bm.blob == "" {
			continue
		}
		// The files of an archive are fragments of one blob: what the
		// blob holds is what any of them holds.
		m := holds[bm.blob]
		if m == nil {
			m = make(map[string]bool, len(bm.matches))
			holds[bm.blob] = m
		}
		for i := range bm.matches {
			m[holdKey(bm.matches[i].RuleID(), bm.matches[i].Secret)] = true
		}
	}
	for blob, fps := range e.known {
		m := make(map[string]bool, len(fps))
		for _, fp := range fps {
			m[fp] = true
		}
		holds[blob] = m
	}
	priorHolds := func(prior string, m *detect.Match) bool {
		if v == nil {
			return false // no earlier content to compare with
		}
		content, scanned, err := v.Prior(prior)
		switch {
		case scanned:
			return holds[prior][holdKey(m.RuleID(), m.Secret)]
		case err != nil:
			// The prior version cannot be read: report the secret here
			// rather than lose it.
			return false
		}
		// A decoded secret is written encoded: look for what is written.
		if e.archives.MaxDepth > 0 && archive.Detect(content) != archive.None {
			return archiveHolds(content, e.archives, m.WrittenIn)
		}
		return m.WrittenIn(content)
	}
	type seen struct {
		f     leak.Finding
		order int
	}
	if occurs {
		e.occurs = map[occurrence][]string{}
		e.blobFPs = map[string][]string{}
	}
	var old []seen
	for _, bm := range e.found {
		for _, src := range bm.sources {
			for i := range bm.matches {
				m := &bm.matches[i]
				f, ok := e.d.Finding(m, bm.blob, src)
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
				if occurs {
					o := occurrenceOf(f.Fingerprint, f.Location)
					e.occurs[o] = append(e.occurs[o], bm.blob)
					e.blobFPs[bm.blob] = append(e.blobFPs[bm.blob], f.Fingerprint)
				}
				if isNew {
					e.col.Add(f, order(src))
				} else {
					old = append(old, seen{f, order(src)})
				}
			}
		}
	}
	for _, o := range old {
		e.col.AddLocation(o.f, o.order)
	}
}

// occurrence is a secret (by fingerprint) at a place.
type occurrence struct {
	fp, file, commit string
	line, column     int
}

func occurrenceOf(fp string, l leak.Location) occurrence {
	return occurrence{fp: fp, file: l.File, commit: l.Commit, line: l.Line, column: l.Column}
}

// inert returns the blobs read that held matches but gave the report
// nothing (fs, as collected): every match there was dropped by the rules,
// or is of a secret reported elsewhere and lost to an earlier occurrence
// in its file. With each, the holdKeys of its matches.
func (e *engine) inert(fs []leak.Finding) map[string][]string {
	gave := map[string]bool{}
	reported := map[string]bool{}
	for i := range fs {
		reported[fs[i].Fingerprint] = true
	}
	// An occurrence of a secret reported nowhere would be a location as
	// soon as the secret is found elsewhere: its blob is not inert.
	for b, fps := range e.blobFPs {
		for _, fp := range fps {
			if !reported[fp] {
				gave[b] = true
				break
			}
		}
	}
	for i := range fs {
		for _, b := range e.occurs[occurrenceOf(fs[i].Fingerprint, fs[i].Location)] {
			gave[b] = true
		}
		for _, l := range fs[i].Locations {
			for _, b := range e.occurs[occurrenceOf(fs[i].Fingerprint, l)] {
				gave[b] = true
			}
		}
	}
	out := map[string][]string{}
	for _, bm := range e.found {
		if bm.blob == "" || gave[bm.blob] {
			continue
		}
		keys := out[bm.blob] // an archive's files are one blob
		for i := range bm.matches {
			keys = append(keys, holdKey(bm.matches[i].RuleID(), bm.matches[i].Secret))
		}
		slices.Sort(keys)
		out[bm.blob] = slices.Compact(keys)
	}
	return out
}

// order is a source's place in history for leak.Collector: its commit's
// Order, or -1 outside history.
func order(src leak.Source) int {
	if src.Commit == nil {
		return -1
	}
	return src.Commit.Order
}

// countInHead returns how many findings are still in HEAD.
func countInHead(fs []leak.Finding) int {
	n := 0
	for i := range fs {
		if fs[i].InHead {
			n++
		}
	}
	return n
}

// tally gathers, from concurrent detector calls, what they report besides
// matches: the first rule error, fragments skipped by path, rules capped.
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
		if id == detect.CappedDecoding {
			t.warnings = addWarning(t.warnings, fmt.Sprintf("%s holds more encoded or escaped text than is decoded per file; the rest of it was scanned as written", where))
			continue
		}
		t.warnings = addWarning(t.warnings, fmt.Sprintf("rule %s matched more than the cap in %s; its other matches there were dropped", id, where))
	}
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

// progressInterval is how often Options.Progress is called.
const progressInterval = 150 * time.Millisecond

// progressSource reads a scan's counters.
type progressSource func() Progress

// startProgress calls fn with the scan's progress until the returned
// function is called; it then waits for the last call to end.
func (e *engine) startProgress(fn func(Progress)) (stop func()) {
	if fn == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if p := e.stats.Load(); p != nil {
					fn((*p)())
				}
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// Sink receives what a Source reads. Its methods are safe for concurrent
// use: a source may call them from as many goroutines as Workers says.
type Sink struct {
	e           *engine
	workers     int
	maxFileSize int64
	cache       BlobCache
	// messages: a git source scans commits' and tags' messages.
	messages bool
	// archiveDepth is Options.MaxArchiveDepth, 0 when archives are not
	// opened.
	archiveDepth int
}

// Messages reports whether a source of git history scans the messages of
// commits and annotated tags (see Options.NoMessages).
func (s *Sink) Messages() bool { return s.messages }

// Workers returns how many goroutines a source may read with; zero means
// GOMAXPROCS.
func (s *Sink) Workers() int { return s.workers }

// MaxFileSize returns the size above which content is skipped
// (leak.SkipTooLarge), never zero.
func (s *Sink) MaxFileSize() int64 { return s.maxFileSize }

// Fragment scans a fragment of content. The fragment, and its content,
// need only be valid until Fragment returns.
func (s *Sink) Fragment(frag *leak.Fragment) { s.fragment(frag) }

// fragment is Fragment; it reports whether the detectors matched anything
// (before the rules judged the places).
func (s *Sink) fragment(frag *leak.Fragment) bool {
	if s.opens(frag) {
		return s.archive(frag)
	}
	res, ok := s.detect(frag)
	if s.cache != nil && frag.BlobID != "" && ok {
		s.cache.Record(frag.BlobID, SourcePaths(frag.Sources), blobMatchesOf(nil, res.Matches))
	}
	return s.keep(frag, res.Matches)
}

// detect runs the detectors over frag; ok is false when a rule failed or
// a path allowlist skipped it (what it found must not be cached).
func (s *Sink) detect(frag *leak.Fragment) (res detect.Result, ok bool) {
	e := s.e
	d := e.d
	if len(frag.Sources) > 0 && frag.Sources[0].Kind != "" {
		d = e.md
	}
	for i := range frag.Sources {
		e.noteSite(frag.Sources[i].Path)
		if d := frag.Sources[i].Display; d != "" {
			e.noteDisplay(d, frag.Sources[i].Path)
		}
	}
	res, err := d.Detect(frag)
	where := "blob " + frag.BlobID
	if frag.BlobID == "" && len(frag.Sources) > 0 {
		where = frag.Sources[0].Path
	}
	e.tally.record(res, err, where)
	return res, err == nil && !res.Skipped
}

// blobMatchesOf appends what a BlobCache keeps of ms to out.
func blobMatchesOf(out []BlobMatch, ms []detect.Match) []BlobMatch {
	for i := range ms {
		m := &ms[i]
		out = append(out, BlobMatch{Fingerprint: leak.Fingerprint(m.RuleID(), m.Secret), Line: m.Line, Column: m.Column})
	}
	return out
}

// keep keeps the matches of frag for attribution, and reports whether
// there were any.
func (s *Sink) keep(frag *leak.Fragment, ms []detect.Match) bool {
	if len(ms) == 0 {
		return false
	}
	bm := blobMatches{blob: frag.BlobID, sources: slices.Clone(frag.Sources), matches: ms}
	s.e.mu.Lock()
	s.e.found = append(s.e.found, bm)
	s.e.mu.Unlock()
	return true
}

// known notes the fingerprints of the matches of blob, which a BlobCache
// spared reading. Safe for concurrent use.
func (s *Sink) known(blob string, fps []string) {
	s.e.mu.Lock()
	s.e.known[blob] = fps
	s.e.mu.Unlock()
}

// holdKeySize is the length of a holdKey.
const holdKeySize = 16

// holdKey identifies, for attribution, a secret a blob holds: a hash of
// the rule and the secret exactly as matched (leak.Fingerprint normalizes
// the secret; telling which content introduced a secret must not).
func holdKey(rule, secret string) string {
	h := sha256.New()
	h.Write([]byte("leakhound-holds-v1\x00"))
	h.Write([]byte(rule))
	h.Write([]byte{0})
	h.Write([]byte(secret))
	return string(h.Sum(nil)[:holdKeySize])
}

// SourcePaths returns the distinct paths of srcs, sorted: with a blob's
// id, the key of a BlobCache.
func SourcePaths(srcs []leak.Source) []string {
	ps := make([]string, 0, len(srcs))
	for _, s := range srcs {
		ps = append(ps, s.Path)
	}
	slices.Sort(ps)
	return slices.Compact(ps)
}

// Path reports a file the source found, whether or not its content is
// read (binary, too large): rules on paths alone (a .p12 key store, say)
// report it. blobID is the content's git blob id, or outside history an
// id of the file (see fileID). content is the file's content, or nil when
// it was not read; rules that check a file's format judge it.
func (s *Sink) Path(blobID string, content []byte, src leak.Source) {
	s.e.noteSite(src.Path)
	for _, f := range s.e.d.PathFindings(blobID, content, src) {
		s.e.col.Add(f, order(src))
	}
}

// KeepsFile reports whether a source reads the binary file at path, with
// content, rather than skip it: an archive to open, or a file whose format
// a rule on paths alone checks (a .p12 that must be a PKCS #12 key store),
// whose content the source passes to Path.
func (s *Sink) KeepsFile(path string, content []byte) bool {
	if s.Opens(content) {
		return true
	}
	_, reads := s.e.d.PathRules(path)
	return reads
}

// pathRules is Path for a source that has or will have the file's
// content: it matches src's path against the rules on paths alone once,
// hands them the file now unless later is set and a rule there checks the
// file's format, and reports whether one does (the caller then passes
// the content to Path, or keeps the file from the detectors if it is
// binary). blobID is asked for only where a rule may match.
func (s *Sink) pathRules(blobID func() string, content []byte, src leak.Source, later bool) (readsContent bool) {
	match, reads := s.e.d.PathRules(src.Path)
	switch {
	case !match:
		s.e.noteSite(src.Path) // all Path would do: PathFindings finds nothing
	case !reads || !later:
		s.Path(blobID(), content, src)
	}
	return reads
}

// Skip counts n pieces of input not scanned, for reason.
func (s *Sink) Skip(reason leak.SkipReason, n int) {
	s.e.mu.Lock()
	s.e.skipped[reason] += n
	s.e.mu.Unlock()
}

// SkipFile names a file not scanned, for the summary's list; it is
// counted by Skip, not here. The list keeps the first MaxSkippedFiles.
func (s *Sink) SkipFile(f leak.SkippedFile) {
	s.e.mu.Lock()
	if len(s.e.skippedFiles) < MaxSkippedFiles {
		s.e.skippedFiles = append(s.e.skippedFiles, f)
	}
	s.e.mu.Unlock()
}

// MaxSkippedFiles bounds the skipped files a summary names
// (report.Summary.SkippedFiles); the counts by reason cover them all.
const MaxSkippedFiles = 10000

// sortSkipped puts the skipped files in the order a reader needs them:
// those that may hold a secret the scan could not read (too large, a
// delta chain too costly, a special file) before the usual binaries, then
// by path and commit.
func sortSkipped(fs []leak.SkippedFile) {
	rank := func(r leak.SkipReason) int {
		switch r {
		case leak.SkipTooLarge:
			return 0
		case leak.SkipDeltaChain:
			return 1
		case leak.SkipSpecialFile, leak.SkipSymlink:
			return 2
		case leak.SkipBinary:
			return 4
		}
		return 3
	}
	slices.SortStableFunc(fs, func(a, b leak.SkippedFile) int {
		if c := rank(a.Reason) - rank(b.Reason); c != 0 {
			return c
		}
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Commit, b.Commit)
	})
}

// Error reports an object or file that could not be read, named by item.
// It returns nil to go on without it, or an error that the source must
// stop with and return (see Options.OnError).
func (s *Sink) Error(item string, err error) error {
	e := s.e
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nerrs++
	if len(e.errItems) < maxLastErrors {
		e.errItems = append(e.errItems, lastError{Item: item, Err: err.Error()})
	}
	if e.abort != nil || e.onErr == nil {
		return e.abort
	}
	e.abort = e.onErr(item, err)
	return e.abort
}

// aborted returns the error OnError stopped the scan with, if any.
func (s *Sink) aborted() error {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	return s.e.abort
}

// progress makes fn the source of the scan's progress.
func (s *Sink) progress(fn progressSource) { s.e.stats.Store(&fn) }

// noteSite records the root of a built documentation site if path marks
// one (see triage.SiteRoot). Safe for concurrent use.
func (e *engine) noteSite(path string) {
	root, ok := triage.SiteRoot(path)
	if !ok {
		return
	}
	e.mu.Lock()
	if e.sites == nil {
		e.sites = map[string]bool{}
	}
	e.sites[root] = true
	e.mu.Unlock()
}

// noteDisplay records that the file shown as display is judged as path
// (see leak.Source.Display). Safe for concurrent use.
func (e *engine) noteDisplay(display, path string) {
	e.mu.Lock()
	if e.judged == nil {
		e.judged = map[string]string{}
	}
	e.judged[display] = path
	e.mu.Unlock()
}

// judge runs tr on f as on the paths rules saw (see noteDisplay).
func (e *engine) judge(tr *triage.Triage, f *leak.Finding) {
	if len(e.judged) == 0 {
		tr.Judge(f)
		return
	}
	shown := f.File
	locs := slices.Clone(f.Locations)
	if p, ok := e.judged[f.File]; ok {
		f.File = p
	}
	for i := range f.Locations {
		if p, ok := e.judged[f.Locations[i].File]; ok {
			f.Locations[i].File = p
		}
	}
	tr.Judge(f)
	f.File = shown
	copy(f.Locations, locs)
}

// siteRoots returns the roots noteSite recorded.
func (e *engine) siteRoots() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	roots := make([]string, 0, len(e.sites))
	for r := range e.sites {
		roots = append(roots, r)
	}
	return roots
}

// fixedFormat reports whether rule r finds tokens of a fixed, documented
// format (a vendor prefix, a PEM block, a checksum): a rule of high
// confidence, stated or, when it states none, by its kind (see
// triage.KindConfidence). A generic rule never does: its confidence
// depends on each value.
func fixedFormat(r *config.Rule) bool {
	switch {
	case r.Confidence != "":
		return r.Confidence == "high"
	case slices.Contains(r.Tags, "generic"):
		return false
	}
	return triage.KindConfidence(r) == "high"
}

// MessageRule reports whether rule r runs on the messages of commits and
// tags: a rule whose secrets identify themselves by their format, a
// literal prefix (ghp_, AKIA, sk_live_, -----BEGIN, hooks.slack.com/: see
// triage.Prefixed) or a fixed format the rule vouches for (see
// fixedFormat). Never a generic rule, nor one that takes the value a name
// mentioning a service is given (Names), nor one that takes the value
// after a flag or a keyword (Connect-VIServer -Password x): a message is
// prose about the change, and "fix the password reset token", "read
// SECRET_KEY from the environment", "reject -Password literals" name
// secrets without holding any.
func MessageRule(r *config.Rule) bool {
	if len(r.Names) > 0 || slices.Contains(r.Tags, "generic") || r.Regex == "" && r.Value == "" {
		return false
	}
	return triage.Prefixed(r) || fixedFormat(r)
}

// Detectors builds one detector per set of rules and options, for scans
// that share them (the repositories of one audit): the keyword automaton
// is built, and each rule compiled, once for all of them, and each scan
// gets its own LineSet (see detect.Detector.WithLines). Safe for
// concurrent use; the zero value is ready, and a nil *Detectors builds a
// new detector each time.
type Detectors struct {
	mu    sync.Mutex
	byKey map[string]*detect.Detector
}

// get returns the detector of cfg (builtIn: the built-in rules, keyed
// without encoding them) under opts.
func (ds *Detectors) get(cfg *config.Config, builtIn bool, opts Options, dopts detect.Options) (*detect.Detector, error) {
	if ds == nil {
		return detect.New(cfg, dopts)
	}
	rules := "built-in"
	if !builtIn {
		b, err := json.Marshal(config.WithoutExamples(cfg))
		if err != nil {
			return detect.New(cfg, dopts)
		}
		sum := sha256.Sum256(b)
		rules = hex.EncodeToString(sum[:])
	}
	key := fmt.Sprintf("%s %v %v %v", rules, opts.Short, opts.IgnoreInlineAllows, opts.HighConfidenceEverywhere)
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if d, ok := ds.byKey[key]; ok {
		return d, nil
	}
	d, err := detect.New(cfg, dopts)
	if err != nil {
		return nil, err
	}
	if ds.byKey == nil {
		ds.byKey = map[string]*detect.Detector{}
	}
	ds.byKey[key] = d
	return d, nil
}

// leaveOutKnown removes from fs the publicly known values that open no
// account (see triage.Triage.OpensNothing) and returns what is left and
// how many it removed.
func leaveOutKnown(tr *triage.Triage, fs []leak.Finding) ([]leak.Finding, int) {
	kept := fs[:0]
	for i := range fs {
		if !tr.OpensNothing(&fs[i]) {
			kept = append(kept, fs[i])
		}
	}
	return kept, len(fs) - len(kept)
}
