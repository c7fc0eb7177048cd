// Package prereceive is leakhound's server-side git hook: run by git's
// pre-receive hook on the server that receives a push, it scans exactly the
// commits the push adds to the repository and rejects the push when they
// hold a secret. No client can skip it.
//
// The shape of a run (see Run):
//
//   - the hook's input ("<old> <new> <ref>" per ref, see ParseInput) names
//     the pushed tips; the commits to scan are those reachable from a new
//     tip and from no ref the repository already has (a new branch, a
//     force-push, a tag, several refs at once; a deletion adds nothing);
//   - the pushed objects are read where git keeps them until the hook
//     accepts the push, the quarantine directory (GIT_OBJECT_DIRECTORY,
//     GIT_QUARANTINE_PATH), with the repository's own objects as an
//     alternate (GIT_ALTERNATE_OBJECT_DIRECTORIES), through gitwalk: go-git
//     and leakhound's own bounded readers, executing nothing;
//   - the rules and the baseline come from the server's copy of the
//     default branch (or a server-wide rules file, see Config), never from
//     the pushed commits, which cannot allowlist themselves;
//   - a rejection is written for the pusher (git shows it as "remote: ..."
//     lines), and, when Config.LogFile is set, a JSON record for the
//     security team (see Record);
//   - an escape hatch, the push option leakhound.allow="reason", lets a
//     push through when the server enables it, and is always recorded;
//   - the run fails closed: an error reading the repository or an object
//     rejects the push, and so does running out of time, unless the server
//     chose to accept with a warning instead (Config.OnTimeout).
//
// The package knows git (gitwalk), the engine (scan) and reports; it knows
// nothing of the command line, and never exits the process.
package prereceive

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/hook"
)

// Update is one line of git's pre-receive input: a ref, the object it
// points to now and the one the push sets it to. All zeros: none (Old for
// a new ref, New for a deletion).
type Update struct {
	Old, New, Ref string
}

// Create reports whether the update creates its ref.
func (u Update) Create() bool { return isZero(u.Old) }

// Delete reports whether the update deletes its ref.
func (u Update) Delete() bool { return isZero(u.New) }

func isZero(id string) bool { return strings.Trim(id, "0") == "" }

// maxInputLine bounds a line of input: two ids and a ref name.
const maxInputLine = 64 << 10

// ParseInput reads git's pre-receive input: "<old> <new> <ref>" per line,
// the ids in full lower-case hex (SHA-1 or SHA-256). Blank lines are left
// out; a malformed line is an error naming its number.
func ParseInput(r io.Reader) ([]Update, error) {
	var out []Update
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxInputLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 || !hook.IsObjectID(f[0]) || !hook.IsObjectID(f[1]) || len(f[0]) != len(f[1]) || !strings.HasPrefix(f[2], "refs/") && f[2] != "HEAD" {
			return nil, fmt.Errorf("pre-receive input line %d: want \"<old id> <new id> <ref>\", got %q", n, hook.Truncate(line, 200))
		}
		out = append(out, Update{Old: f[0], New: f[1], Ref: f[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read pre-receive input: %w", err)
	}
	return out, nil
}

// AllowOption is the push option that lets a push through when the server
// enables it: git push -o leakhound.allow="reason".
const AllowOption = "leakhound.allow"

// PushOptions returns the push options git passes to the hook
// (GIT_PUSH_OPTION_COUNT, GIT_PUSH_OPTION_0, ...), read with getenv. Git
// passes them only when the repository sets receive.advertisePushOptions.
func PushOptions(getenv func(string) string) []string {
	n, err := strconv.Atoi(getenv("GIT_PUSH_OPTION_COUNT"))
	if err != nil || n <= 0 {
		return nil
	}
	n = min(n, 1000)
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, getenv("GIT_PUSH_OPTION_"+strconv.Itoa(i)))
	}
	return out
}

// allowReason looks for AllowOption among opts: asked says it is there,
// reason is its value ("" for none given).
func allowReason(opts []string) (reason string, asked bool) {
	for _, o := range opts {
		name, value, _ := strings.Cut(o, "=")
		if strings.TrimSpace(name) == AllowOption {
			reason, asked = strings.TrimSpace(value), true
		}
	}
	return hook.Truncate(reason, 500), asked
}

// Pusher is who pushed, as the hosting software says.
type Pusher struct {
	// Name is the user name; From is the environment variable it came
	// from (GL_USERNAME on GitLab, GITEA_PUSHER_NAME on Gitea and Forgejo,
	// GITHUB_USER_LOGIN on GitHub Enterprise Server, REMOTE_USER behind a
	// web server, else the system user: USER or LOGNAME).
	Name string `json:"name"`
	From string `json:"from,omitempty"`
	// Address is the client's address, when the server says it
	// (SSH_CONNECTION, SSH_CLIENT, REMOTE_ADDR).
	Address string `json:"address,omitempty"`
}

// PusherFromEnv returns who pushed, read with getenv.
func PusherFromEnv(getenv func(string) string) Pusher {
	var p Pusher
	for _, v := range []string{"GL_USERNAME", "GITEA_PUSHER_NAME", "GITHUB_USER_LOGIN", "REMOTE_USER", "USER", "LOGNAME"} {
		if s := strings.TrimSpace(getenv(v)); s != "" {
			p.Name, p.From = hook.Truncate(s, 200), v
			break
		}
	}
	for _, v := range []string{"SSH_CONNECTION", "SSH_CLIENT", "REMOTE_ADDR"} {
		if s := strings.TrimSpace(getenv(v)); s != "" {
			p.Address, _, _ = strings.Cut(s, " ")
			p.Address = hook.Truncate(p.Address, 100)
			break
		}
	}
	return p
}

// repositoryName names the repository in records: the hosting software's
// name for it, else dir.
func repositoryName(getenv func(string) string, dir string) string {
	if s := getenv("GL_PROJECT_PATH"); s != "" {
		return s
	}
	if o, n := getenv("GITEA_REPO_USER_NAME"), getenv("GITEA_REPO_NAME"); n != "" {
		return o + "/" + n
	}
	if s := getenv("GITHUB_REPO_NAME"); s != "" {
		return s
	}
	return dir
}
