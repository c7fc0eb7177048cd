// Package mirror keeps bare mirrors of remote git repositories, for scans
// of repositories given by clone URL: the first Sync clones every ref of
// the remote into a bare repository under a cache directory, later ones
// fetch what changed. Nothing is checked out and nothing from the
// repository is run (go-git runs no hooks). A server that speaks only
// git's dumb HTTP protocol (static files, after git update-server-info),
// which go-git lacks, is mirrored by this package's own client, with
// go-git's storage, pack and object formats (see dumb.go).
//
// HTTPS credentials come from the environment: the token in TokenEnv is
// sent as the password of HTTP basic authentication, with the user name in
// UserEnv (default "x-access-token", which GitHub and GitLab accept). It
// is never written into a URL, a file or an error. SSH URLs use the SSH
// agent and known_hosts, as git does.
//
// The package knows go-git and URLs; it knows nothing of scanning.
package mirror

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// The environment variables that hold HTTPS credentials.
const (
	TokenEnv = "LEAKHOUND_GIT_TOKEN"
	UserEnv  = "LEAKHOUND_GIT_USER"
)

// UseInProcessFileTransport makes go-git serve file:// URLs itself, in
// process, instead of running git-upload-pack: leakhound runs no git
// program. It changes go-git's process-wide table of transports, so only
// a program's main (or a test's TestMain) calls it.
func UseInProcessFileTransport() {
	client.InstallProtocol("file", server.NewServer(fileLoader{}))
}

// fileLoader opens the repository a file:// URL names: a bare repository,
// or the .git directory of a work tree.
type fileLoader struct{}

func (fileLoader) Load(ep *transport.Endpoint) (storer.Storer, error) {
	fs := osfs.New(ep.Path)
	if _, err := fs.Stat("config"); err != nil {
		fi, err := fs.Stat(".git")
		if err != nil || !fi.IsDir() {
			return nil, transport.ErrRepositoryNotFound
		}
		if fs, err = fs.Chroot(".git"); err != nil {
			return nil, err
		}
	}
	return filesystem.NewStorage(fs, cache.NewObjectLRUDefault()), nil
}

// DefaultDir is where mirrors are kept unless told otherwise:
// leakhound/mirrors in the user's cache directory.
func DefaultDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for mirrors (give one): %w", err)
	}
	return filepath.Join(d, "leakhound", "mirrors"), nil
}

// Mirrors are the bare mirrors under Dir.
type Mirrors struct {
	// Dir holds one bare repository per URL.
	Dir string
	// User and Token authenticate HTTPS URLs; see FromEnv.
	User, Token string
	// Limits bound a Sync over dumb HTTP; a zero field means the one of
	// DefaultLimits.
	Limits Limits
}

// FromEnv returns the mirrors under dir, with the credentials of TokenEnv
// and UserEnv.
func FromEnv(dir string) *Mirrors {
	m := &Mirrors{Dir: dir, Token: os.Getenv(TokenEnv), User: os.Getenv(UserEnv)}
	if m.User == "" {
		m.User = "x-access-token"
	}
	return m
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Path returns where the mirror of rawURL lives: a readable name from the
// URL's host and path, and a hash of the whole URL, so that two URLs never
// share a mirror.
func (m *Mirrors) Path(rawURL string) string {
	sum := sha256.Sum256([]byte(rawURL))
	name := rawURL
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		name = u.Host + u.Path
	} else if _, after, ok := strings.Cut(rawURL, "@"); ok {
		name = after
	}
	name = strings.Trim(unsafeChars.ReplaceAllString(strings.TrimSuffix(name, ".git"), "-"), "-.")
	if len(name) > 60 {
		name = name[len(name)-60:]
	}
	return filepath.Join(m.Dir, name+"-"+hex.EncodeToString(sum[:6])+".git")
}

// mirrorRefs are the refs a mirror keeps: all of them, as git clone
// --mirror does, forced and pruned.
var mirrorRefs = []config.RefSpec{"+refs/*:refs/*"}

// Sync brings the mirror of rawURL up to date, cloning it the first time,
// and returns its path. A clone that fails leaves nothing behind; a fetch
// that fails leaves the mirror's refs as they were.
//
// An http or https URL is first asked for its refs as a smart client
// does (see probe); a server that answers as a static file server is
// mirrored with the dumb HTTP protocol (see syncDumb), all others with
// go-git's transports.
func (m *Mirrors) Sync(ctx context.Context, rawURL string) (string, error) {
	path := m.Path(rawURL)
	if u, err := url.Parse(rawURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		rem, err := m.newRemote(rawURL)
		if err != nil {
			return "", m.errorf(rawURL, "%w", err)
		}
		smart, refsData, err := rem.probe(ctx)
		if err != nil {
			return "", m.errorf(rawURL, "%w", err)
		}
		if !smart {
			return m.syncDumbAt(ctx, rawURL, rem, path, refsData)
		}
	}
	auth := m.auth(rawURL)
	if exists(path) {
		repo, err := git.PlainOpen(path)
		if err != nil {
			return "", m.errorf(rawURL, "open mirror %s: %w", path, err)
		}
		err = repo.FetchContext(ctx, &git.FetchOptions{RemoteName: "origin", RefSpecs: mirrorRefs, Auth: auth, Force: true, Prune: true, Tags: git.NoTags})
		if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
			return "", m.errorf(rawURL, "fetch: %w", err)
		}
		return path, nil
	}
	return m.clone(path, func(tmp string) error {
		_, err := git.PlainCloneContext(ctx, tmp, true, &git.CloneOptions{URL: rawURL, Auth: auth, Mirror: true, Tags: git.NoTags})
		if err != nil {
			return m.errorf(rawURL, "clone: %w", err)
		}
		return nil
	})
}

// exists reports whether a mirror was cloned at path.
func exists(path string) bool {
	_, err := os.Stat(filepath.Join(path, "HEAD"))
	return err == nil
}

// clone makes a new mirror at path: fill clones into a temporary
// directory under m.Dir, which is renamed to path once fill succeeded and
// removed otherwise, so that a clone that fails leaves nothing behind.
func (m *Mirrors) clone(path string, fill func(tmp string) error) (string, error) {
	if err := os.MkdirAll(m.Dir, 0o700); err != nil {
		return "", fmt.Errorf("mirror directory: %w", err)
	}
	tmp, err := os.MkdirTemp(m.Dir, ".clone-*")
	if err != nil {
		return "", fmt.Errorf("mirror directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := fill(tmp); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("mirror %s: %w", path, err)
	}
	return path, nil
}

// syncDumbAt mirrors rawURL, whose server is dumb and listed refsData,
// into path: in place when the mirror exists, else in a temporary
// directory renamed to path once complete.
func (m *Mirrors) syncDumbAt(ctx context.Context, rawURL string, rem *remote, path string, refsData []byte) (string, error) {
	refs, err := parseRefs(refsData)
	if err != nil {
		return "", m.errorf(rawURL, "%w", err)
	}
	if exists(path) {
		if err := m.syncDumb(ctx, rem, path, refs); err != nil {
			return "", m.errorf(rawURL, "fetch (dumb HTTP): %w", err)
		}
		return path, nil
	}
	return m.clone(path, func(tmp string) error {
		repo, err := git.PlainInit(tmp, true)
		if err == nil {
			_, err = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{rawURL}, Fetch: mirrorRefs, Mirror: true})
		}
		if err != nil {
			return fmt.Errorf("mirror %s: %w", tmp, err)
		}
		if err := m.syncDumb(ctx, rem, tmp, refs); err != nil {
			return m.errorf(rawURL, "clone (dumb HTTP): %w", err)
		}
		return nil
	})
}

// auth returns the credentials for rawURL: the token for http(s), nil
// otherwise (go-git then uses the SSH agent for ssh).
func (m *Mirrors) auth(rawURL string) transport.AuthMethod {
	if m.Token == "" {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil
	}
	return &githttp.BasicAuth{Username: m.User, Password: m.Token}
}

// errorf formats an error about rawURL, with the URL's own password and
// the token masked wherever they appear.
func (m *Mirrors) errorf(rawURL, format string, args ...any) error {
	msg := fmt.Errorf(format, args...).Error()
	secrets := []string{m.Token}
	if u, err := url.Parse(rawURL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			secrets = append(secrets, p, url.QueryEscape(p))
		}
	}
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	return errors.New(msg)
}
