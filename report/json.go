package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/leakhound/leakhound/leak"
)

// JSON writes a report as one JSON object:
//
//	{
//	  "findings": [
//	    {
//	      "rule_id": "aws-access-key-id",      // the rule that matched
//	      "description": "AWS access key id",
//	      "severity": "high",                  // critical, high, medium, low, info: the rule's kind x context
//	      "tags": ["aws"],
//	      "confidence": "high",                // high, medium, low: how sure it is a live secret
//	      "file": "settings.py",               // where the secret was first introduced
//	      "line": 12, "column": 5,             // 1-based; column in bytes
//	      "end_line": 12, "end_column": 24,
//	      "commit": "…", "author": "…", "email": "…",
//	      "date": "2024-01-02T15:04:05Z", "message": "…",   // absent outside git
//	      "source": "commit-message",          // present for a secret in a commit's message
//	                                           // ("tag-message": an annotated tag's); file is then
//	                                           // "<commit message>" ("<tag message>"), line and
//	                                           // column are within the message
//	      "secret": "AKIA…",                   // masked unless ShowSecrets
//	      "match": "…",                        // the whole match, masked likewise
//	      "entropy": 3.68,                     // Shannon entropy of the secret, bits per byte
//	      "decoded": "base64",                 // present when found under an encoding: then
//	                                           // secret is decoded, match the encoded text
//	      "fingerprint": "v1:…",               // stable id of rule + secret; see leak.Fingerprint
//	      "blob": "…",                         // git blob id
//	      "in_head": true,                     // still in the default branch's tip (see below)
//	      "repository": "…",                   // in a scan of several repositories: where found
//	      "refs": ["refs/heads/main", "refs/tags/v1.0"],  // refs whose tips still hold it; [] in history only
//	      "staged": true,                      // present for staged changes, not committed yet
//	      "context": {                         // the triage's verdict (package triage)
//	        "label": "production",             // production, test, fixture, example, docs, vendored,
//	                                           // publicly known, or a value flag (low-entropy...)
//	        "path": "code",                    // code, test, fixture, example, docs, vendored
//	        "value": ["low-entropy"],          // placeholder, dictionary-words, low-entropy, repetitive, sequential
//	        "known": "… (published at …)"      // for a publicly known value
//	      },
//	      "locations": [ {repository, file, line, column, commit, …} ]  // other introductions
//	    }
//	  ],
//	  "summary": { "source", "mode", "range", "commits", "blobs", "bytes",
//	               "skipped": {reason: count}, "shallow", "findings", "errors",
//	               "incomplete", "duration_seconds", "warnings",
//	               "interrupted": {"walking", "commits_walked",   // present when the scan was stopped
//	                               "commits_done", "files"},      // (Ctrl-C): how far it got
//	               "skipped_files": [ {path, commit, reason} ], // what was not scanned, and why
//	               "head_ref", "head_commit", "in_head",   // the tip in_head was checked against; how many are
//	               "baseline", "baselined",              // the baseline file applied; how many it suppressed
//	               "filtered", "filtered_below",        // findings left out by --min-severity/--min-confidence
//	               "repositories": [ {repository, commits, blobs, bytes, cached, findings,
//	                                  in_head, errors, incomplete, error, duration_seconds} ] }
//	}
//
// "in_head" says whether the secret is still in the tree of the default
// branch's tip, "head_ref" at "head_commit": the branch HEAD names, else
// the one origin/HEAD names, else a detached HEAD's commit (see
// gitwalk.Repo.DefaultBranch). It is checked in the files the finding
// lists (where it was introduced, renamed or copied to). A secret with
// "in_head": false is in history only: rotate it; one still in HEAD must
// also be removed from the code. A secret that a tag pointing at a blob or
// a tree holds (found at "refs/tags/NAME" or "refs/tags/NAME:PATH", with
// no commit) counts as still there: the tag keeps it. Outside git history
// (--no-git, stdin) it is always true. With no default branch it is false and "head_ref" is
// absent.
//
// Findings come most urgent first: by severity, then production code
// before other contexts, then confidence, then by first introduction,
// file, line and rule.
//
// In a scan of several repositories (see Combiner) each finding and
// location names its repository, a secret found in several is one finding
// (at the repository whose name sorts first) with locations in each,
// findings come by repository, and "repositories" has a line per
// repository ("error" says why one could not be scanned).
type JSON struct {
	// ShowSecrets prints secrets whole; by default they are masked (see
	// Masked).
	ShowSecrets bool
}

var _ Reporter = JSON{}

// Write writes r as JSON.
func (j JSON) Write(w io.Writer, r *Report) error {
	r = view(r, j.ShowSecrets, false)
	findings := r.Findings
	if findings == nil {
		findings = []leak.Finding{}
	}
	for i := range findings {
		if findings[i].Locations == nil {
			findings[i].Locations = []leak.Location{}
		}
		if findings[i].Refs == nil {
			findings[i].Refs = []string{}
		}
	}
	s := r.Summary
	s.Seconds = s.Duration.Seconds()
	if s.Skipped == nil {
		s.Skipped = map[leak.SkipReason]int{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Findings []leak.Finding `json:"findings"`
		Summary  Summary        `json:"summary"`
	}{findings, s}); err != nil {
		return err
	}
	_, err := w.Write(escapeJSONControls(b.Bytes()))
	return err
}

// escapeJSONControls writes the control characters that encoding/json
// leaves raw, DEL and the C1 controls U+0080 to U+009F (a terminal may
// take U+009B for an escape sequence's start), as \u escapes. They can
// only occur inside strings of JSON, where the escape means the same
// character, so the document decodes to the same values.
func escapeJSONControls(b []byte) []byte {
	if !bytes.ContainsFunc(b, func(r rune) bool { return r == 0x7f || r >= 0x80 && r < 0xa0 }) {
		return b
	}
	out := make([]byte, 0, len(b)+64)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == 0x7f:
			out = append(out, `\u007f`...)
		case b[i] == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] < 0xa0:
			out = fmt.Appendf(out, `\u%04x`, b[i+1])
			i++
		default:
			out = append(out, b[i])
		}
	}
	return out
}
