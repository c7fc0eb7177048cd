// Package leak defines the values that flow through leakhound: a Fragment of
// content to scan, flowing from a source (git history, a directory, stdin) to
// the detectors, and a Finding, flowing from the detectors through
// deduplication and the baseline to the reports.
//
// The package is a leaf. It knows nothing of git, of rules or of output
// formats; it only fixes the shape of the data and the few operations every
// stage needs: fingerprinting, masking and ordering.
package leak

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Commit describes a commit that a Source belongs to.
type Commit struct {
	Hash    string
	Author  string
	Email   string
	Date    time.Time
	Message string
	// Order is the commit's position in history, oldest first: a commit's
	// parents always have a smaller Order than the commit itself.
	Order int
}

// Source is one place where a Fragment's content occurs: a path, and for git
// history, the commit that put the content there.
type Source struct {
	// Path is what rules and the triage judge: the path in the
	// repository, or below the directory scanned.
	Path string
	// Display, when set, is the path reports show instead: a file of a
	// directory named on the command line, by the directory as given
	// joined with Path ("cloud/.s3cfg"), so that it can be opened.
	Display string
	// Archive, for a file packed inside an archive, is the path reports
	// show for the outermost archive ("release.zip" for
	// "release.zip!lib/app.jar!config.properties"): the file that exists
	// in the repository or on disk, which a report can link to. Empty for
	// any other file.
	Archive string
	// Commit is nil outside git history.
	Commit *Commit
	// Kind is what the content is when it is no file: CommitMessage or
	// TagMessage (Path is then MessagePath or TagMessagePath and Prior
	// empty); "" for a file.
	Kind string
	// Prior lists the blob ids of the content this content replaced: the
	// version of Path in each parent commit, or, for a path that no parent
	// has, the blobs that the commit removed and that this one may have been
	// renamed from. A secret is new at this Source only if none of them
	// holds it. Empty outside git history and for content that replaced
	// nothing.
	Prior []string
}

// Kinds of content that is no file (Source.Kind, Location.Source).
const (
	// CommitMessage is a commit's message, subject and body.
	CommitMessage = "commit-message"
	// TagMessage is an annotated tag's message.
	TagMessage = "tag-message"
)

// The paths reports show for a secret in a message (Location.File), for
// formats that need a path. What tells a message from a file so named is
// Location.Source, never the path.
const (
	MessagePath    = "<commit message>"
	TagMessagePath = "<tag message>"
)

// InMessage reports whether l is in a commit's or tag's message.
func (l *Location) InMessage() bool { return l.Source != "" }

// Fragment is a piece of content to scan and every place it occurs.
//
// Content is only valid during the call that receives the Fragment: sources
// reuse its buffer. Detectors must copy what they keep.
type Fragment struct {
	Content []byte
	// BlobID is the git blob id of Content, or "" outside git history.
	BlobID string
	// Sources lists where Content occurs; it has at least one entry.
	Sources []Source
}

// Location is one place a secret was introduced.
type Location struct {
	// Repository names the repository (its path or clone URL) in a scan of
	// several repositories; it is empty in a scan of one.
	Repository string `json:"repository,omitempty"`
	// File is the path reports show: for a file inside an archive, the
	// archive's path, "!" and the path inside ("release.zip!config/.env").
	File string `json:"file"`
	// Archive, for a file inside an archive, is the outermost archive's
	// path (see Source.Archive), the file a report can link to; a path
	// may hold a "!" of its own, so this field, not File, says so.
	Archive string    `json:"archive,omitempty"`
	Line    int       `json:"line"`
	Column  int       `json:"column"`
	Commit  string    `json:"commit,omitempty"`
	Author  string    `json:"author,omitempty"`
	Email   string    `json:"email,omitempty"`
	Date    time.Time `json:"date,omitzero"`
	Message string    `json:"message,omitempty"`
	// Source is CommitMessage or TagMessage for a secret found in a
	// commit's or an annotated tag's message (File is then MessagePath or
	// TagMessagePath, and Line and Column are within the message); empty
	// for a file.
	Source string `json:"source,omitempty"`
	// InDocstring is set when the secret lies in a documentation string of
	// code (a Python docstring, an EXAMPLES = """...""" block): triage
	// judges it as documentation, whatever the file.
	InDocstring bool `json:"in_docstring,omitempty"`
}

// Finding is one secret found by one rule. A secret that occurs in several
// places is one Finding: its fields describe the earliest introduction and
// Locations lists every other one.
type Finding struct {
	RuleID      string   `json:"rule_id"`
	Description string   `json:"description"`
	Severity    string   `json:"severity,omitempty"`
	Tags        []string `json:"tags,omitempty"`

	// Confidence is how sure the rule is that a match is a secret: high,
	// medium or low.
	Confidence string `json:"confidence,omitempty"`

	Location
	EndLine   int `json:"end_line"`
	EndColumn int `json:"end_column"`

	Secret  string  `json:"secret"`
	Match   string  `json:"match"`
	Entropy float64 `json:"entropy"`
	// Decoded names the encodings peeled off to reveal the secret, outermost
	// first and joined by "+" ("base64", "base64+base64"), or is empty when
	// the secret was found as written. A decoded finding's Secret is the
	// decoded secret and its Match the encoded text that holds it.
	Decoded     string `json:"decoded,omitempty"`
	Fingerprint string `json:"fingerprint"`
	BlobID      string `json:"blob,omitempty"`
	// InHead reports whether the secret is still in the tree of the
	// default branch's tip (git history), so must be removed from the code
	// as well as rotated; false means it is in history only. Outside git
	// history it is always true: the scanned files are the current state.
	InHead bool `json:"in_head"`

	// Refs lists the refs whose tips still hold the secret (in one of the
	// files the finding names), the default branch first, then other
	// branches, then tags: "refs/heads/main", "refs/tags/v1.0". Empty
	// for a secret in history only, and outside git history.
	Refs []string `json:"refs"`
	// Staged is set for a secret found in staged changes (scan --staged,
	// the pre-commit hook): not committed yet, so not in history.
	Staged bool `json:"staged,omitempty"`

	// Context is the triage's verdict on where the secret is and what it
	// looks like (see package triage); Severity and Confidence follow from
	// it and the rule.
	Context Context `json:"context"`

	// Locations lists the other places where the same secret was
	// introduced, earliest first.
	Locations []Location `json:"locations"`
}

// Verdicts of a secret's checksum (Context.Checksum).
const (
	ChecksumValid   = "valid"
	ChecksumInvalid = "invalid"
)

// Context is the verdict of triage on one finding.
type Context struct {
	// Label is the verdict in a word or two, as text reports print it:
	// "production", "test", "fixture", "example", "docs", "vendored",
	// "publicly known", or "placeholder-like" and the like for a value
	// that does not look like a real secret.
	Label string `json:"label"`
	// Path is the kind of file: code (production code and
	// configuration), test, fixture, example, docs or vendored.
	Path string `json:"path"`
	// Value lists what makes the value look unlike a live secret:
	// bad-checksum, placeholder, dictionary-words, low-entropy,
	// repetitive, sequential.
	Value []string `json:"value,omitempty"`
	// Checksum is the verdict of the checksum of the secret's format, for
	// a rule whose format has one: ChecksumValid or ChecksumInvalid;
	// empty when there is none or it does not apply.
	Checksum string `json:"checksum,omitempty"`
	// Known describes a publicly known value and where it is published.
	Known string `json:"known,omitempty"`
}

// FingerprintVersion is the version of the fingerprint scheme, the prefix of
// every fingerprint. Version 1 is the first 128 bits of
//
//	SHA-256("leakhound-fingerprint-v1" 0x00 ruleID 0x00 secret)
//
// in lower-case hex, where secret is the normalized secret (see Normalize).
// It depends on neither the file nor the line, so a secret that moves keeps
// its fingerprint; and it reveals nothing of the secret except to somebody
// who already guesses it, which is why a found secret must be rotated.
const FingerprintVersion = "v1"

// Fingerprint returns the fingerprint of secret as found by rule ruleID.
func Fingerprint(ruleID, secret string) string {
	h := sha256.New()
	h.Write([]byte("leakhound-fingerprint-v1\x00"))
	h.Write([]byte(ruleID))
	h.Write([]byte{0})
	h.Write([]byte(Normalize(secret)))
	return FingerprintVersion + ":" + hex.EncodeToString(h.Sum(nil)[:16])
}

// Normalize returns the form of a secret that is fingerprinted: surrounding
// white space and matching quotes removed.
func Normalize(secret string) string {
	s := strings.TrimSpace(secret)
	for len(s) >= 2 && (s[0] == '"' || s[0] == '\'' || s[0] == '`') && s[len(s)-1] == s[0] {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// Mask returns secret with all but its first four characters hidden, and its
// length, so that a reader can recognise it without learning it: "AKIA…
// (20 chars)". Secrets of eight characters or fewer show none of them.
func Mask(secret string) string {
	r := []rune(secret)
	show := 4
	if len(r) <= 8 {
		show = 0
	}
	var b strings.Builder
	b.WriteString(string(r[:show]))
	b.WriteString("…")
	b.WriteString(" (")
	b.WriteString(strconv.Itoa(len(r)))
	b.WriteString(" chars)")
	return b.String()
}

// Redact replaces every occurrence of secret in s with its mask.
func Redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, Mask(secret))
}

// DisplayPath returns p as reports show it: unchanged when it is valid
// UTF-8, else with each invalid byte written as \xNN (and backslashes
// doubled), so that a path from a hostile repository is shown escaped
// instead of being mangled into replacement characters.
func DisplayPath(p string) string {
	if utf8.ValidString(p) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, p[i])
		case r == '\\':
			b.WriteString(`\\`)
		default:
			b.WriteString(p[i : i+n])
		}
		i += n
	}
	return b.String()
}
