// Package hook is what leakhound's git hooks need besides a scan: reading
// git's pre-push input, working out the commits a push adds, and
// installing and removing the hook scripts (chaining to a hook that was
// there before, leaving hook managers' scripts alone).
//
// It knows git (through gitwalk) and the files of a hooks directory; it
// knows nothing of rules, detectors or reports, and prints nothing.
package hook

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/leakhound/leakhound/gitwalk"
)

// Update is one line of git's pre-push input: a local ref and commit, and
// the remote ref and the commit it has now (all zeros: none).
type Update struct {
	LocalRef, LocalSHA, RemoteRef, RemoteSHA string
}

// zeroSHA is git's id of no object.
var zeroSHA = strings.Repeat("0", 40)

func isZeroSHA(s string) bool { return strings.Trim(s, "0") == "" }

// ParsePrePush reads git's pre-push lines ("<local ref> <local sha>
// <remote ref> <remote sha>"). Blank lines are ignored; a malformed line is
// an error naming it.
func ParsePrePush(r io.Reader) ([]Update, error) {
	var out []Update
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 || !IsObjectID(f[1]) || !IsObjectID(f[3]) {
			return nil, fmt.Errorf("pre-push input line %d: want \"<local ref> <local sha> <remote ref> <remote sha>\", got %q", n, Truncate(line, 200))
		}
		out = append(out, Update{f[0], f[1], f[2], f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read pre-push input: %w", err)
	}
	return out, nil
}

// FromPreCommitEnv returns the update that the pre-commit framework
// describes in its environment (PRE_COMMIT_FROM_REF, PRE_COMMIT_TO_REF,
// PRE_COMMIT_LOCAL_BRANCH, PRE_COMMIT_REMOTE_NAME), read with getenv, when
// it runs a pre-push hook without git's input; and the remote it names, ""
// when none.
func FromPreCommitEnv(getenv func(string) string) ([]Update, string) {
	from, to := getenv("PRE_COMMIT_FROM_REF"), getenv("PRE_COMMIT_TO_REF")
	if to == "" {
		return nil, ""
	}
	if from == "" {
		from = zeroSHA
	}
	return []Update{{LocalRef: getenv("PRE_COMMIT_LOCAL_BRANCH"), LocalSHA: to, RemoteSHA: from}}, getenv("PRE_COMMIT_REMOTE_NAME")
}

// IsObjectID reports whether s is a full object id in lower-case hex
// (SHA-1 or SHA-256), as git writes them in hook input.
func IsObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Truncate shortens s to at most n bytes, cut at a character boundary,
// and an ellipsis: for quoting input in messages and records.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Push is what a push adds to a remote.
type Push struct {
	// Include are the pushed tips; Exclude what the remote already has:
	// its old tips and every remote-tracking ref of the remote.
	Include, Exclude []gitwalk.ID
	// Tips are the pushed tips, by id, for advice (amend the last commit,
	// rebase older ones).
	Tips map[string]bool
}

// PushRange works out what a push of updates to remote adds. Revisions
// that are not full object ids (the pre-commit framework passes ref names)
// are resolved in repo. The remote's old tips and every remote-tracking
// ref of the remote are what it has; for a new branch, that is what tells
// its new commits from the ones the remote has. Deletions add nothing.
func PushRange(repo *gitwalk.Repo, remote string, updates []Update) (Push, error) {
	p := Push{Tips: map[string]bool{}}
	for _, u := range updates {
		local, err := resolve(repo, u.LocalSHA)
		if err != nil {
			return Push{}, err
		}
		if local.IsZero() {
			continue // a deletion adds nothing
		}
		p.Include = append(p.Include, local)
		p.Tips[local.String()] = true
		remoteID, err := resolve(repo, u.RemoteSHA)
		if err != nil {
			return Push{}, err
		}
		if !remoteID.IsZero() {
			p.Exclude = append(p.Exclude, remoteID)
		}
	}
	if len(p.Include) == 0 {
		return p, nil
	}
	refs, err := repo.Refs(func(string, error) error { return nil })
	if err != nil {
		return Push{}, err
	}
	var tracking []gitwalk.ID
	prefix := "refs/remotes/" + remote + "/"
	for _, r := range refs {
		if strings.HasPrefix(r.Name, prefix) && !gitwalk.LogEntry(r.Name) {
			tracking = append(tracking, r.ID)
		}
	}
	if len(tracking) == 0 {
		// Pushing to a URL, or to a remote never fetched: what any remote
		// has is the best knowledge of what this one has.
		for _, r := range refs {
			if strings.HasPrefix(r.Name, "refs/remotes/") {
				tracking = append(tracking, r.ID)
			}
		}
	}
	p.Exclude = append(p.Exclude, tracking...)
	return p, nil
}

// resolve returns the object a pre-push field names: zero for all zeros
// or nothing, else the id, or the revision resolved in repo.
func resolve(repo *gitwalk.Repo, rev string) (gitwalk.ID, error) {
	switch {
	case rev == "" || isZeroSHA(rev):
		return gitwalk.ID{}, nil
	case IsObjectID(rev):
		return gitwalk.ParseID(rev)
	}
	id, err := repo.ResolveRef(rev)
	if err != nil {
		return gitwalk.ID{}, fmt.Errorf("pre-push: %w", err)
	}
	return id, nil
}
