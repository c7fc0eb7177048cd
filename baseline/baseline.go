// Package baseline records the secrets a team already knows about, so that a
// scan fails only on new ones.
//
// A baseline is a JSON file, by convention .secretsbaseline.json at the root
// of the repository, with one Entry per known secret. An entry is keyed by
// the secret's fingerprint (see leak.Fingerprint): a hash of the rule and
// the normalized secret, which does not depend on the file or the line, so a
// secret that moves or is committed again stays known, and a different
// secret is new. A baseline never holds a secret nor a reversible form of
// one; see Hint for the little it shows.
//
// The file is written for review in a merge request: entries sorted by file,
// line, rule and fingerprint, one entry per line, keys in a fixed order, no
// timestamps except those of reviews:
//
//	{
//	  "version": 1,
//	  "entries": [
//	    {"fingerprint":"v1:…","rule_id":"github-pat","status":"accepted","file":"deploy.sh","line":3,"commit":"…","hint":"ghp_… (40 chars)","note":"…","reviewed_by":"…","reviewed_at":"2024-05-01T10:00:00Z"},
//	    …
//	  ]
//	}
//
// Versions. "version" is the version of the file format (Version); a file
// from a newer format is rejected. Each fingerprint carries the version of
// the fingerprint scheme as its prefix ("v1:"). An entry with an older
// fingerprint version cannot be matched against findings (a hash cannot be
// recomputed without the secret): Parse accepts it as stale, Check rejects
// a baseline that has any, and Update migrates them by rescanning, matching
// each stale entry to the finding with the same rule, file, line and commit,
// and keeping its review. An entry from a newer fingerprint version is
// rejected.
//
// The package knows findings (package leak); it knows nothing of git, rules
// or report formats.
package baseline

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/safefile"
	"github.com/leakhound/leakhound/leak"
)

// FileName is the baseline file a repository may carry at its root.
const FileName = ".secretsbaseline.json"

// MaxFileSize bounds a baseline file read: 256 MiB, some million entries.
// A baseline may come from the repository under scan.
const MaxFileSize = 256 << 20

// Version is the version of the file format this package reads and writes.
const Version = 1

// Status is where a known secret stands in review.
type Status string

// The statuses of an entry. Every status suppresses the secret in scans:
// a baseline lists what is known, reviewed or not.
const (
	// Unreviewed: found, nobody has looked at it yet.
	Unreviewed Status = "unreviewed"
	// Accepted: a real secret, accepted as a known risk (for example in
	// history only, or a test credential for a local service).
	Accepted Status = "accepted"
	// FalsePositive: not a secret.
	FalsePositive Status = "false_positive"
	// Revoked: a real secret that has been rotated, so what is left in
	// history no longer grants anything.
	Revoked Status = "revoked"
)

// Statuses returns the statuses in the order reports show them.
func Statuses() []Status { return []Status{Unreviewed, Accepted, FalsePositive, Revoked} }

func (s Status) valid() bool { return slices.Contains(Statuses(), s) }

// Entry is one known secret.
type Entry struct {
	// Fingerprint identifies the secret: see leak.Fingerprint.
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"rule_id"`
	Status      Status `json:"status"`
	// File, Line and Commit locate the secret's earliest introduction, for
	// people; matching uses the fingerprint only. Commit is empty outside
	// git history. A file name that is not valid UTF-8 is written with its
	// odd bytes as \xNN (leak.DisplayPath).
	File   string `json:"file"`
	Line   int    `json:"line"`
	Commit string `json:"commit,omitempty"`
	// Hint helps a reviewer recognise the secret without revealing it: see
	// Hint.
	Hint       string    `json:"hint,omitempty"`
	Note       string    `json:"note,omitempty"`
	ReviewedBy string    `json:"reviewed_by,omitempty"`
	ReviewedAt time.Time `json:"reviewed_at,omitzero"`

	// stale marks an entry whose fingerprint is of an older version.
	stale bool
}

// Stale reports whether the entry's fingerprint is of an older version than
// leak.Fingerprint computes, so that it matches nothing until Update
// migrates it.
func (e *Entry) Stale() bool { return e.stale }

// Baseline is a set of known secrets. It is not safe for concurrent use.
type Baseline struct {
	// Entries are the known secrets. Change them through the methods, which
	// keep the index.
	Entries []Entry
	index   map[string]int // current fingerprint -> index in Entries
}

// New returns an empty baseline.
func New() *Baseline { return &Baseline{index: map[string]int{}} }

// Hint returns the hint an entry stores for secret: its first four
// characters and its length ("ghp_… (40 chars)") for a secret of at least 16
// characters, whose other twelve or more characters keep it unguessable;
// only the length ("… (10 chars)") for a shorter one, as its first
// characters would give too much of it away; "" for none.
func Hint(secret string) string {
	if secret == "" {
		return ""
	}
	r := []rune(secret)
	if len(r) < 16 {
		return "… (" + strconv.Itoa(len(r)) + " chars)"
	}
	return string(r[:4]) + "… (" + strconv.Itoa(len(r)) + " chars)"
}

// FromFindings returns a baseline listing fs as unreviewed.
func FromFindings(fs []leak.Finding) *Baseline {
	b := New()
	for i := range fs {
		b.Add(&fs[i])
	}
	return b
}

// Lookup returns the entry for a fingerprint, or nil.
func (b *Baseline) Lookup(fingerprint string) *Entry {
	if i, ok := b.index[fingerprint]; ok {
		return &b.Entries[i]
	}
	return nil
}

// Add records f as unreviewed, unless its fingerprint is known already; it
// returns the entry either way.
func (b *Baseline) Add(f *leak.Finding) *Entry {
	if e := b.Lookup(f.Fingerprint); e != nil {
		return e
	}
	b.Entries = append(b.Entries, entryFor(f, Unreviewed))
	b.index[f.Fingerprint] = len(b.Entries) - 1
	return &b.Entries[len(b.Entries)-1]
}

func entryFor(f *leak.Finding, s Status) Entry {
	return Entry{
		Fingerprint: f.Fingerprint,
		RuleID:      f.RuleID,
		Status:      s,
		File:        leak.DisplayPath(f.File),
		Line:        f.Line,
		Commit:      f.Commit,
		Hint:        Hint(f.Secret),
	}
}

// Filter returns the findings whose fingerprint the baseline does not list,
// in their order, and the findings it does. fs is not modified.
func (b *Baseline) Filter(fs []leak.Finding) (fresh, known []leak.Finding) {
	for _, f := range fs {
		if _, ok := b.index[f.Fingerprint]; ok {
			known = append(known, f)
		} else {
			fresh = append(fresh, f)
		}
	}
	return fresh, known
}

// Review sets the status of the entry with fingerprint fp, with an optional
// note, who reviewed it and when. A note of "" keeps the entry's note.
func (b *Baseline) Review(fp string, s Status, note, by string, at time.Time) error {
	if !s.valid() {
		return fmt.Errorf("unknown status %q", s)
	}
	e := b.Lookup(fp)
	if e == nil {
		return fmt.Errorf("no entry %s", fp)
	}
	e.Status = s
	if note != "" {
		e.Note = note
	}
	e.ReviewedBy = by
	e.ReviewedAt = at.UTC().Truncate(time.Second)
	return nil
}

// Stale returns the entries whose fingerprint is of an older version.
func (b *Baseline) Stale() []*Entry {
	var out []*Entry
	for i := range b.Entries {
		if b.Entries[i].stale {
			out = append(out, &b.Entries[i])
		}
	}
	return out
}

// Check reports an error when the baseline cannot be used to filter
// findings as it is: when some entries have an older fingerprint version.
// name is the file's name, for the message.
func (b *Baseline) Check(name string) error {
	stale := b.Stale()
	if len(stale) == 0 {
		return nil
	}
	v, _, _ := strings.Cut(stale[0].Fingerprint, ":")
	return fmt.Errorf("baseline %s: %d entr%s use fingerprint version %s, but this leakhound computes %s; run 'leakhound baseline update' to migrate them (it rescans and keeps every review)",
		name, len(stale), plural(len(stale), "y", "ies"), v, leak.FingerprintVersion)
}

// Counts returns the number of entries per rule and status.
func (b *Baseline) Counts() map[string]map[Status]int {
	out := map[string]map[Status]int{}
	for _, e := range b.Entries {
		m := out[e.RuleID]
		if m == nil {
			m = map[Status]int{}
			out[e.RuleID] = m
		}
		m[e.Status]++
	}
	return out
}

// UpdateResult says what Update changed.
type UpdateResult struct {
	// Added are the findings that were new, now unreviewed entries.
	Added []Entry
	// Dropped are the entries whose secret no longer occurs in the scan.
	Dropped []Entry
	// Kept counts the entries still found, with their reviews.
	Kept int
	// Migrated counts stale entries matched to a current fingerprint;
	// Unmigrated lists those that matched no finding (they are among
	// Dropped, or kept when the scan was incomplete).
	Migrated   int
	Unmigrated []Entry
}

// Update brings the baseline in line with fs, the findings of a scan of the
// whole history: findings it does not list are added as unreviewed; entries
// still found keep their review and get the finding's location; stale
// entries are migrated to the fingerprint of the finding with the same
// rule, file, line and commit. Entries that match no finding are dropped,
// unless complete is false (a scan that could not read everything), which
// keeps them: their secret may be in what was not read.
func (b *Baseline) Update(fs []leak.Finding, complete bool) UpdateResult {
	var res UpdateResult
	byFP := make(map[string]*leak.Finding, len(fs))
	type locKey struct {
		rule, file string
		line       int
		commit     string
	}
	byLoc := make(map[locKey]*leak.Finding, len(fs))
	for i := range fs {
		f := &fs[i]
		byFP[f.Fingerprint] = f
		byLoc[locKey{f.RuleID, leak.DisplayPath(f.File), f.Line, f.Commit}] = f
	}
	var out []Entry
	have := make(map[string]bool, len(b.Entries))
	for _, e := range b.Entries {
		if e.stale {
			continue
		}
		f := byFP[e.Fingerprint]
		if f == nil {
			if complete {
				res.Dropped = append(res.Dropped, e)
			} else {
				out = append(out, e)
				have[e.Fingerprint] = true
			}
			continue
		}
		e.RuleID, e.File, e.Line, e.Commit = f.RuleID, leak.DisplayPath(f.File), f.Line, f.Commit
		if e.Hint == "" {
			e.Hint = Hint(f.Secret)
		}
		out = append(out, e)
		have[e.Fingerprint] = true
		res.Kept++
	}
	for _, e := range b.Entries {
		if !e.stale {
			continue
		}
		f := byLoc[locKey{e.RuleID, e.File, e.Line, e.Commit}]
		if f == nil || have[f.Fingerprint] {
			res.Unmigrated = append(res.Unmigrated, e)
			if complete {
				res.Dropped = append(res.Dropped, e)
			} else {
				out = append(out, e)
			}
			continue
		}
		e.stale = false
		e.Fingerprint = f.Fingerprint
		e.Hint = Hint(f.Secret)
		out = append(out, e)
		have[e.Fingerprint] = true
		res.Migrated++
		res.Kept++
	}
	for i := range fs {
		f := &fs[i]
		if have[f.Fingerprint] {
			continue
		}
		e := entryFor(f, Unreviewed)
		out = append(out, e)
		have[f.Fingerprint] = true
		res.Added = append(res.Added, e)
	}
	b.Entries = out
	b.reindex()
	return res
}

func (b *Baseline) reindex() {
	b.index = make(map[string]int, len(b.Entries))
	for i := range b.Entries {
		if !b.Entries[i].stale {
			b.index[b.Entries[i].Fingerprint] = i
		}
	}
}

// Sort puts the entries in file order: by file, line, rule and
// fingerprint, the order Encode writes them in.
func (b *Baseline) Sort() {
	slices.SortStableFunc(b.Entries, func(x, y Entry) int {
		return cmp.Or(
			cmp.Compare(x.File, y.File),
			cmp.Compare(x.Line, y.Line),
			cmp.Compare(x.RuleID, y.RuleID),
			cmp.Compare(x.Fingerprint, y.Fingerprint),
		)
	})
	b.reindex()
}

// Encode writes the baseline in its file format (see the package comment),
// sorting its entries first. It suits report.AtomicWrite.
func (b *Baseline) Encode(w io.Writer) error {
	b.Sort()
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "{\n  \"version\": %d,\n  \"entries\": [", Version)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := range b.Entries {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n    ")
		if err := enc.Encode(&b.Entries[i]); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // the encoder's newline
	}
	if len(b.Entries) > 0 {
		buf.WriteString("\n  ")
	}
	buf.WriteString("]\n}\n")
	_, err := w.Write(buf.Bytes())
	return err
}

// Load reads and parses the baseline file at path, which a user named: a
// symbolic link is followed, but only to a regular file of at most
// MaxFileSize bytes. When there is no file at path the error says so and
// matches os.ErrNotExist (errors.Is), so a caller can start a new baseline.
func Load(path string) (*Baseline, error) {
	data, err := safefile.ReadPath(context.Background(), path, MaxFileSize)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, notExistError(path)
		}
		return nil, fmt.Errorf("open baseline %s: %w", path, err)
	}
	return Parse(path, data)
}

// notExistError is Load's error for a path with no file: its message names
// the baseline without the syscall's wording, and it matches os.ErrNotExist.
type notExistError string

func (e notExistError) Error() string { return "open baseline " + string(e) + ": no such file" }

// Unwrap returns os.ErrNotExist, for errors.Is.
func (notExistError) Unwrap() error { return os.ErrNotExist }

// Parse parses a baseline file; name is its name, for errors, which say
// where in the file the problem is ("name:12: …").
func Parse(name string, data []byte) (*Baseline, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var arr []json.RawMessage
		if json.Unmarshal(data, &arr) == nil {
			return nil, fmt.Errorf("baseline %s: not a leakhound baseline but a JSON array (a gitleaks report? convert it with 'leakhound baseline import --from gitleaks %s')", name, name)
		}
		return nil, jsonError(name, data, err)
	}
	rawVersion, ok := top["version"]
	if !ok {
		if _, ds := top["results"]; ds {
			return nil, fmt.Errorf("baseline %s: not a leakhound baseline but a detect-secrets one? convert it with 'leakhound baseline import --from detect-secrets %s'", name, name)
		}
		return nil, fmt.Errorf("baseline %s: not a leakhound baseline: no \"version\"", name)
	}
	var version int
	if err := json.Unmarshal(rawVersion, &version); err != nil {
		if _, ds := top["results"]; ds {
			return nil, fmt.Errorf("baseline %s: a detect-secrets baseline, not leakhound's: convert it with 'leakhound baseline import --from detect-secrets %s'", name, name)
		}
		return nil, fmt.Errorf("baseline %s: \"version\" must be a number, not %s", name, rawVersion)
	}
	switch {
	case version > Version:
		return nil, fmt.Errorf("baseline %s: format version %d is newer than this leakhound reads (%d); upgrade leakhound", name, version, Version)
	case version < 1:
		return nil, fmt.Errorf("baseline %s: bad format version %d", name, version)
	}

	b := New()
	var errs []string
	rawEntries, ok := top["entries"]
	if !ok {
		return b, nil
	}
	// Decode entry by entry to know where each one starts.
	base := bytes.Index(data, rawEntries)
	dec := json.NewDecoder(bytes.NewReader(rawEntries))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("%s:%d: \"entries\" must be an array", name, lineAt(data, base))
	}
	// Lines are counted from the previous entry on, not from the start of
	// the file for each entry: parsing stays linear in the file's size.
	lineOff, line := 0, 1
	for dec.More() {
		off := base + int(dec.InputOffset())
		// InputOffset is just past the previous value: step over the comma
		// and white space to the entry itself.
		for off < len(data) && strings.IndexByte(", \t\r\n", data[off]) >= 0 {
			off++
		}
		off = min(off, len(data))
		line += bytes.Count(data[lineOff:off], []byte{'\n'})
		lineOff = off
		var e Entry
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s:%d: %s", name, line, err)
		}
		if msg := b.check(&e); msg != "" {
			errs = append(errs, fmt.Sprintf("%s:%d: %s", name, line, msg))
			continue
		}
		b.Entries = append(b.Entries, e)
		if !e.stale {
			b.index[e.Fingerprint] = len(b.Entries) - 1
		}
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	return b, nil
}

// check validates an entry read from a file and marks it stale if its
// fingerprint is of an older version; it returns what is wrong, or "".
func (b *Baseline) check(e *Entry) string {
	v, hexPart, ok := strings.Cut(e.Fingerprint, ":")
	n, err := strconv.Atoi(strings.TrimPrefix(v, "v"))
	cur, _ := strconv.Atoi(strings.TrimPrefix(leak.FingerprintVersion, "v"))
	switch {
	case !ok || !strings.HasPrefix(v, "v") || err != nil || n < 0 || hexPart == "" || !isHex(hexPart):
		return fmt.Sprintf("bad fingerprint %q: want %s:<32 hex digits>", e.Fingerprint, leak.FingerprintVersion)
	case n > cur:
		return fmt.Sprintf("fingerprint version %s is newer than this leakhound computes (%s); upgrade leakhound", v, leak.FingerprintVersion)
	case n < cur:
		e.stale = true
	case len(hexPart) != 32:
		return fmt.Sprintf("bad fingerprint %q: want %s:<32 hex digits>", e.Fingerprint, leak.FingerprintVersion)
	}
	if e.RuleID == "" {
		return "entry without a rule_id"
	}
	if !e.Status.valid() {
		return fmt.Sprintf("unknown status %q (want unreviewed, accepted, false_positive or revoked)", e.Status)
	}
	if _, dup := b.index[e.Fingerprint]; dup && !e.stale {
		return fmt.Sprintf("fingerprint %s is listed twice", e.Fingerprint)
	}
	return ""
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// jsonError places a JSON error on its line of file name.
func jsonError(name string, data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s:%d: JSON syntax: %v", name, lineAt(data, int(se.Offset)), se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s:%d: not a leakhound baseline: %v", name, lineAt(data, int(te.Offset)), err)
	}
	return fmt.Errorf("baseline %s: %w", name, err)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
