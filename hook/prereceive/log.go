package prereceive

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/leakhound/leakhound/leak"
)

// Record is what the log file holds about one push: one JSON object on
// one line, appended to Config.LogFile. Pushes that are accepted as clean
// are not recorded; rejected ones, those let through by the escape hatch
// and those accepted with a warning are. Secrets are masked (their first
// four characters and their length); each finding's fingerprint is the
// baseline's, so a finding can be looked up without its secret.
//
//	{"time":"2026-12-01T01:02:03Z","repository":"group/app","pusher":{"name":"alice","from":"GL_USERNAME"},
//	 "decision":"allowed","reason":"test fixture","why":"1 secret(s) in the pushed commits",
//	 "refs":[{"old":"3f2a…","new":"8b1d…","ref":"refs/heads/main"}],"commits":["8b1d…"],
//	 "commits_scanned":1,"findings":[{"rule_id":"github-pat","commit":"8b1d…","file":"deploy.py","line":1,
//	 "secret":"ghp_… (40 chars)","fingerprint":"…"}],"duration_ms":41}
type Record struct {
	Time       time.Time `json:"time"`
	Repository string    `json:"repository"`
	Pusher     Pusher    `json:"pusher"`
	// Decision is "rejected", "allowed" (the escape hatch) or
	// "accepted-with-warning" (the time limit, OnTimeout Warn).
	Decision Decision `json:"decision"`
	// Reason is the escape hatch's reason, as the pusher gave it.
	Reason string `json:"reason,omitempty"`
	// Why says what led to the decision.
	Why  string      `json:"why"`
	Refs []RefUpdate `json:"refs"`
	// Commits are the pushed commits that hold the findings.
	Commits []string `json:"commits,omitempty"`
	// CommitsScanned counts the commits the push adds that were scanned.
	CommitsScanned int             `json:"commits_scanned"`
	Findings       []LoggedFinding `json:"findings,omitempty"`
	// Rules says where the rules came from.
	Rules    string   `json:"rules,omitempty"`
	Errors   []string `json:"errors,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	TimedOut bool     `json:"timed_out,omitempty"`
	// DurationMS is how long the hook ran, in milliseconds.
	DurationMS int64 `json:"duration_ms"`
}

// RefUpdate is a ref the push updates (all zeros: none).
type RefUpdate struct {
	Old string `json:"old"`
	New string `json:"new"`
	Ref string `json:"ref"`
}

// LoggedFinding is a finding as the log holds it: masked.
type LoggedFinding struct {
	RuleID      string `json:"rule_id"`
	Commit      string `json:"commit,omitempty"`
	Author      string `json:"author,omitempty"`
	Email       string `json:"email,omitempty"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Secret      string `json:"secret"`
	Fingerprint string `json:"fingerprint"`
}

// loggedFinding returns f, whose secret is masked already, as logged.
func loggedFinding(f leak.Finding) LoggedFinding {
	return LoggedFinding{RuleID: f.RuleID, Commit: f.Commit, Author: f.Author, Email: f.Email,
		File: leak.DisplayPath(f.File), Line: f.Line, Secret: f.Secret, Fingerprint: f.Fingerprint}
}

// appendRecord appends rec to the log file at path, as one line written
// with one write(2) to a file opened for appending, so that records of
// concurrent pushes do not interleave. The file is created 0600; an
// existing file readable by others is refused, since findings are
// security information.
func appendRecord(path string, rec *Record) error {
	line, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open log %s: %w", path, err)
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
	case !fi.Mode().IsRegular():
		err = fmt.Errorf("log %s is not a regular file", path)
	case fi.Mode().Perm()&0o077 != 0:
		err = fmt.Errorf("log %s is readable or writable by others (mode %#o): chmod 600 it", path, fi.Mode().Perm())
	}
	if err == nil {
		_, err = f.Write(line)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write log %s: %w", path, err)
	}
	return nil
}
