package scan

import (
	"context"

	"github.com/leakhound/leakhound/leak"
)

// A Source is what a scan reads. Scan passes every piece of content to
// scan to the Sink, and returns what it covered, for the summary. It may
// call the Sink from up to Sink.Workers goroutines at once.
//
// Errors about single objects or files go to Sink.Error, and the source
// goes on (unless Sink.Error returns an error, which Scan must return). An
// error returned by Scan ends the scan without a report, except when the
// context was cancelled: Scan then returns the context's error, and what
// it passed to the Sink is reported, marked incomplete.
//
// The sources of this package are History (git history), Staged (the
// index against HEAD), Dir, File, Paths and Stdin. A program may write its own:
// see the example.
type Source interface {
	Scan(ctx context.Context, s *Sink) (Scanned, error)
}

// Scanned describes what a Source covered, for the report's summary.
type Scanned struct {
	// Name is what was scanned: a repository's path as given, a
	// directory, a file, "-" for standard input.
	Name string
	// Mode is "git", "directory", "file" or "stdin" (a program's own
	// sources may say something else).
	Mode string
	// Range says which commits were scanned ("all refs", "A..B").
	Range string
	// Commits counts the commits in range.
	Commits int
	// Blobs counts the distinct contents read, Bytes their size.
	Blobs int
	Bytes int64
	// Shallow says the history ends at a shallow clone's boundary.
	Shallow bool
	// Files counts the distinct contents to read (Blobs of them were read),
	// when the source knows it in advance (git history); zero otherwise.
	Files int
	// CommitsDone counts, after an interruption, the commits in range all
	// of whose files were read (Commits when the scan ran to its end).
	CommitsDone int
	// CommitsWalked counts, after an interruption while history was still
	// walked (before Commits was known), the commit objects read.
	CommitsWalked int
}

// Versioned is implemented by sources whose content replaced earlier
// content, as each commit of git history replaces versions of files: each
// leak.Source they yield lists in Prior the blobs it replaced. A secret is
// reported at a Source only if none of its prior blobs holds it, so that a
// secret is reported once, at the commit that introduced it. Fragments of
// such sources are scanned with a detect.LineSet: lines already scanned in
// an earlier version are not scanned again.
//
// Run calls Prior and InHead after Scan has returned, from one goroutine.
type Versioned interface {
	Source
	// Prior returns the content of blob id, which a yielded leak.Source
	// lists in Prior. When the scan itself read that blob (it was
	// introduced in range), Prior returns scanned=true instead, and the
	// scan's own matches for it count.
	Prior(id string) (content []byte, scanned bool, err error)
	// InHead sets leak.Finding.InHead on each finding whose secret is still
	// in the tree of the default branch's tip, and leak.Finding.Refs to
	// the refs whose tips still hold it; it returns that tip (zero
	// when there is none, or the scan never got to read) and warnings for
	// the summary. Run calls it once, last.
	InHead(fs []leak.Finding) (Head, []string)
}

// Head is the tip that Versioned.InHead checked findings against.
type Head struct {
	// Ref is the branch ("refs/heads/main"), or "HEAD" for a detached one.
	Ref string
	// Commit is the tip's commit id.
	Commit string
}

// releaser is implemented by this package's sources that hold resources
// until Run ends.
type releaser interface{ release() }
