package scan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
)

// LastScanCache is a WalkCache that also keeps the record of the last scan
// of every ref (see lastScan): when a re-scan finds the repository's refs,
// its default branch and the settings as they were, and the objects the
// last scan could not read still missing, the report is that scan's, and
// nothing of history is walked or read but the blobs that hold the
// reported secrets (the record holds no secret, only where each one lies,
// and hashes to check it).
type LastScanCache interface {
	WalkCache
	// LastScan returns the record the last scan left (opaque bytes), or
	// nil.
	LastScan() []byte
	// SetLastScan records this scan's record for the next (nil: none).
	SetLastScan([]byte)
}

// lastScanVersion is the version of lastScan's encoding.
const lastScanVersion = 1

// lastScan is the record of a scan of every ref, encoded as JSON. It holds
// the report without what the cache must not hold: the secrets and the
// matched text (Secret, Match), and the names, e-mail addresses, dates
// and messages of commits, read again from the commits. For each finding
// with a secret, where it lies in its blob and hashes of it.
type lastScan struct {
	Version int
	// Tips is gitwalk.Repo.TipsDigest's value when the scan began.
	Tips string
	// Settings is settingsDigest's value.
	Settings string
	Summary  report.Summary
	Findings []leak.Finding
	Places   []secretPlace
	// Errors are the blobs that could not be read, and why.
	Errors []lastError
}

// secretPlace says where a finding's secret and matched text lie in its
// blob's content (byte offsets), and holds hashes of both to check them.
type secretPlace struct {
	Secret, Text [2]int
	SecretHash   string
	MatchHash    string
}

type lastError struct{ Item, Err string }

// maxLastErrors bounds the errors a record keeps; a scan with more is not
// recorded.
const maxLastErrors = 1000

// textHash returns a short hash of s, to check a secret or matched text.
func textHash(s string) string {
	sum := sha256.Sum256([]byte("leakhound-lastscan-v1\x00" + s))
	return hex.EncodeToString(sum[:16])
}

// settingsDigest is a digest of what a scan's report depends on beyond
// history and the cache's key: the baseline and the options.
func settingsDigest(opts Options) string {
	b, _ := json.Marshal(struct {
		Name                      string
		Baseline                  any
		Max                       int64
		Allows, Everywhere, Short bool
		NoMessages, IncludeKnown  bool
		ArchiveDepth              int
	}{opts.Settings.BaselineName, baselineEntries(opts), opts.MaxFileSize, opts.IgnoreInlineAllows, opts.HighConfidenceEverywhere, opts.Short, opts.NoMessages, opts.IncludeKnown, archiveDepth(opts)})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func baselineEntries(opts Options) any {
	if opts.Settings.Baseline == nil {
		return nil
	}
	return opts.Settings.Baseline.Entries
}

// everyRef reports whether h is a scan of every ref.
func (h *History) everyRef() bool {
	return len(h.Include) == 0 && len(h.Exclude) == 0 && len(h.IncludeIDs) == 0 && len(h.ExcludeIDs) == 0 &&
		h.Since.IsZero() && !h.ExcludeRefs
}

// lastScanCache returns the LastScanCache of a scan of every ref, or nil.
func (h *History) lastScanCache(opts Options) LastScanCache {
	c, ok := opts.Cache.(LastScanCache)
	if !ok || !h.everyRef() || len(opts.Settings.Problems) > 0 {
		return nil
	}
	return c
}

// replay returns the last scan's report when c's record answers this
// scan (see LastScanCache), and nil otherwise: the scan then runs.
// newDetector builds a detector of the scan's rules, when a secret's place
// cannot be checked and the blob must be scanned again to find it.
//
// It also returns the digest of the refs (see gitwalk.Repo.TipsDigest) it read,
// or "" when they could not be read, for recordLast.
func (h *History) replay(ctx context.Context, c LastScanCache, opts Options, newDetector func() (*detect.Detector, error), start time.Time) (*report.Report, string) {
	tips, err := h.Repo.TipsDigest()
	if err != nil {
		return nil, ""
	}
	return h.replayRecord(ctx, c, tips, opts, newDetector, start), tips
}

// replayRecord returns the report of c's record if it answers a scan
// beginning at tips, or nil.
func (h *History) replayRecord(ctx context.Context, c LastScanCache, tips string, opts Options, newDetector func() (*detect.Detector, error), start time.Time) *report.Report {
	if c.LastScan() == nil {
		return nil
	}
	var rec lastScan
	if json.Unmarshal(c.LastScan(), &rec) != nil || rec.Version != lastScanVersion || len(rec.Places) != len(rec.Findings) {
		return nil
	}
	if rec.Settings != settingsDigest(opts) || rec.Tips != tips {
		return nil
	}
	maxSize := opts.MaxFileSize
	if maxSize <= 0 {
		maxSize = leak.DefaultMaxFileSize
	}
	rd := h.Repo.NewReader()
	defer rd.Close()
	// What could not be read then is tried again: if it can be now, the
	// scan runs.
	for _, e := range rec.Errors {
		id, ok := strings.CutPrefix(e.Item, "blob ")
		if !ok {
			return nil
		}
		blob, err := gitwalk.ParseID(id)
		if err != nil {
			return nil
		}
		if _, err := rd.Blob(blob, maxSize); err == nil {
			return nil
		}
	}
	fs := slices.Clone(rec.Findings)
	var d *detect.Detector
	contents := map[string][]byte{}
	for i := range fs {
		f, pl := &fs[i], &rec.Places[i]
		if pl.SecretHash == "" {
			continue
		}
		content, ok := contents[f.BlobID]
		if !ok {
			id, err := gitwalk.ParseID(f.BlobID)
			if err != nil {
				return nil
			}
			if content, err = rd.Blob(id, maxSize); err != nil {
				return nil
			}
			contents[f.BlobID] = content
		}
		if placeSecret(f, pl, content) {
			continue
		}
		if d == nil {
			var err error
			if d, err = newDetector(); err != nil {
				return nil
			}
		}
		if !detectSecret(d, f, pl, content) {
			return nil
		}
	}
	if len(fillCommitMetas(h.Repo, fs, nil)) > 0 {
		return nil
	}
	for _, e := range rec.Errors {
		if opts.OnError != nil {
			if err := opts.OnError(e.Item, errors.New(e.Err)); err != nil {
				return nil
			}
		}
	}
	sum := rec.Summary
	sum.Skipped = maps.Clone(sum.Skipped)
	if sum.Skipped == nil {
		sum.Skipped = map[leak.SkipReason]int{}
	}
	// Nothing was read: what the last scan read is cached now.
	if sum.Blobs > 0 {
		sum.Skipped[leak.SkipCached] += sum.Blobs
	}
	sum.Blobs, sum.Bytes = 0, 0
	// Named as this scan names it (the path given may differ).
	sum.Source, sum.Mode, sum.Range = h.Name, "git", h.Label
	sum.Duration = time.Since(start)
	if ctx.Err() != nil {
		return nil
	}
	return &report.Report{Findings: fs, Summary: sum}
}

// placeSecret sets f's Secret and Match from content at pl, if the hashes
// agree.
func placeSecret(f *leak.Finding, pl *secretPlace, content []byte) bool {
	in := func(r [2]int) bool { return 0 <= r[0] && r[0] <= r[1] && r[1] <= len(content) }
	if !in(pl.Secret) || !in(pl.Text) {
		return false
	}
	secret := string(content[pl.Secret[0]:pl.Secret[1]])
	match := strings.TrimFunc(string(content[pl.Text[0]:pl.Text[1]]), unicode.IsSpace)
	if textHash(secret) != pl.SecretHash || textHash(match) != pl.MatchHash {
		return false
	}
	f.Secret, f.Match = secret, match
	return true
}

// detectSecret runs d over content, as the scan did, and sets f's Secret
// and Match from the match of f's rule at f's place whose hashes agree.
func detectSecret(d *detect.Detector, f *leak.Finding, pl *secretPlace, content []byte) bool {
	src := leak.Source{Path: f.File, Commit: &leak.Commit{Hash: f.Commit}}
	res, err := d.Detect(&leak.Fragment{Content: content, BlobID: f.BlobID, Sources: []leak.Source{src}})
	if err != nil {
		return false
	}
	for i := range res.Matches {
		m := &res.Matches[i]
		if m.RuleID() != f.RuleID || m.Line != f.Line || m.Column != f.Column {
			continue
		}
		g, ok := d.Finding(m, f.BlobID, src)
		if ok && textHash(g.Secret) == pl.SecretHash && textHash(g.Match) == pl.MatchHash {
			f.Secret, f.Match = g.Secret, g.Match
			return true
		}
	}
	return false
}

// fillCommitMetas sets the author, e-mail, date and message of every
// commit fs name for which want is true (nil: every commit), read from the
// commits; it returns the errors.
func fillCommitMetas(repo *gitwalk.Repo, fs []leak.Finding, want func(string) bool) []error {
	var ids []string
	add := func(l *leak.Location) {
		// A tag's message is the tagger's: its commit is the one tagged.
		if l.Commit != "" && l.Source != leak.TagMessage && (want == nil || want(l.Commit)) {
			ids = append(ids, l.Commit)
		}
	}
	for i := range fs {
		add(&fs[i].Location)
		for j := range fs[i].Locations {
			add(&fs[i].Locations[j])
		}
	}
	if len(ids) == 0 {
		return nil
	}
	metas, errs := repo.CommitMetas(ids)
	fill := func(l *leak.Location) {
		if m, ok := metas[l.Commit]; ok && l.Source != leak.TagMessage {
			l.Author, l.Email, l.Date, l.Message = m.Author, m.Email, m.Date, m.Message
		}
	}
	for i := range fs {
		fill(&fs[i].Location)
		for j := range fs[i].Locations {
			fill(&fs[i].Locations[j])
		}
	}
	return errs
}

// recordLast keeps, in c (see lastScanCache), the record of a finished scan of
// every ref whose report is rep, taken before it began at tips (""
// when the refs could not be read: no record). A scan that met problems
// other than blobs it could not read, or reported a secret held by a tag
// that points at a blob or a tree (whose pseudo-commit is not a commit to
// read again), leaves no record.
func (h *History) recordLast(c LastScanCache, opts Options, tips string, e *engine, rep *report.Report) {
	rec := h.lastRecord(opts, tips, e, rep)
	if rec == nil {
		c.SetLastScan(nil)
		return
	}
	b, err := json.Marshal(rec)
	if err != nil {
		c.SetLastScan(nil)
		return
	}
	c.SetLastScan(b)
}

// lastRecord returns the record of a scan of every ref that began at tips
// and reported rep, or nil when the scan leaves none (see recordLast).
func (h *History) lastRecord(opts Options, tips string, e *engine, rep *report.Report) *lastScan {
	if tips == "" || h.git.plan == nil {
		return nil
	}
	// A secret in a file inside an archive lies in the file, not in the
	// blob's bytes, where a replay would look for it.
	if e.archiveMatched.Load() {
		return nil
	}
	// The refs must still be what the scan began with.
	if now, err := h.Repo.TipsDigest(); err != nil || now != tips {
		return nil
	}
	e.mu.Lock()
	errs, tooMany := slices.Clone(e.errItems), e.nerrs != len(e.errItems)
	e.mu.Unlock()
	if tooMany {
		return nil
	}
	for _, er := range errs {
		if !strings.HasPrefix(er.Item, "blob ") {
			return nil
		}
	}
	// The matches of each blob read, to place each finding's secret.
	byBlob := map[string][]*detect.Match{}
	for i := range e.found {
		bm := &e.found[i]
		for j := range bm.matches {
			byBlob[bm.blob] = append(byBlob[bm.blob], &bm.matches[j])
		}
	}
	rec := &lastScan{Version: lastScanVersion, Tips: tips, Settings: settingsDigest(opts), Summary: rep.Summary, Errors: errs}
	rec.Summary.Duration = 0
	rec.Findings = make([]leak.Finding, len(rep.Findings))
	rec.Places = make([]secretPlace, len(rep.Findings))
	for i, f := range rep.Findings {
		// A secret in a message lies in no blob to read it from again.
		if f.Commit == "" || f.InMessage() {
			return nil
		}
		for _, l := range f.Locations {
			if l.Commit == "" || l.InMessage() {
				return nil
			}
		}
		if f.Secret != "" || f.Match != "" {
			pl, ok := placeOf(&f, byBlob[f.BlobID])
			if !ok {
				return nil
			}
			rec.Places[i] = pl
		}
		f.Secret, f.Match = "", ""
		f.Locations = slices.Clone(f.Locations)
		clearCommitMeta(&f.Location)
		for j := range f.Locations {
			clearCommitMeta(&f.Locations[j])
		}
		rec.Findings[i] = f
	}
	return rec
}

// placeOf finds the match that gave f among ms, the matches of f's blob.
func placeOf(f *leak.Finding, ms []*detect.Match) (secretPlace, bool) {
	for _, m := range ms {
		if m.RuleID() != f.RuleID || m.Line != f.Line || m.Column != f.Column || m.Secret != f.Secret {
			continue
		}
		s, e := m.Span()
		return secretPlace{Secret: [2]int{m.Start, m.End}, Text: [2]int{s, e}, SecretHash: textHash(f.Secret), MatchHash: textHash(f.Match)}, true
	}
	return secretPlace{}, false
}

func clearCommitMeta(l *leak.Location) {
	l.Author, l.Email, l.Date, l.Message = "", "", time.Time{}, ""
}
