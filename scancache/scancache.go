// Package scancache remembers, per repository, which blobs earlier scans
// read and what they found there, so that a re-scan reads only blobs it
// has not scanned under the same rules: on a history that gained a few
// commits, a few blobs. It implements scan.BlobCache.
//
// # What is kept
//
// For each blob read: its id, a digest of the paths it was found at (rules
// may be limited to some paths), and the fingerprint, line and column of
// each match (see leak.Fingerprint): never a secret, nor any of the
// blob's content. Only blobs that held nothing are skipped on the next
// scan; a blob with matches is read again, so that its findings are those
// of a full scan, secret included.
//
// Beside it, the cache keeps what the scan engine records of the last
// scan as a whole (scan.WalkCache): the walk of history (object ids,
// paths, file modes, commit dates) and the blobs whose matches gave the
// report nothing, by id, digest of places and hashes of secrets. It is
// opaque here, rewritten whole after each scan, and signed with an
// HMAC-SHA-256 bound to the repository and the digest of the rules.
//
// And the record of the last scan (scan.LastScanCache): its report
// without secrets, matched text, names or messages, and where each secret
// lies, so that a re-scan of a repository whose refs have not moved reads
// neither history nor the rest of the cache. It is signed likewise, with
// the SHA-256 of the cache file and of the walk's as they were when it was
// written: it is used only with them as they were, and while it vouches
// for them the rest of the cache is read only when a scan asks for it.
//
// # When it is not used
//
// The cache of a repository is valid for one digest of the rules, the scan
// options that change what a blob yields, and the leakhound build (its
// version and a hash of its executable). Any change means a full scan, and
// a new cache. So does a damaged cache: every record is chained to the
// previous one with an HMAC-SHA-256 under a key kept beside the caches
// (readable by its owner only), so that a cache truncated, edited, or
// copied from another repository is detected, discarded and rebuilt from a
// full scan, never trusted.
//
// # Format
//
// One append-only text file per repository, and beside it the files of
// the walk (see walkMagic) and of the last scan's record (see lastMagic):
//
//	leakhound-scancache 1 <digest>
//	<blob id> <paths digest> <n> <fingerprint>:<line>:<column>... <mac>
//
// A scan appends the records of the blobs it read; a torn last record (a
// crash while appending) is damage like any other. A plain file was chosen
// over an embedded database (bbolt, SQLite): a scan reads the whole cache
// of a repository once, at its start, and appends once, at its end; a
// sequential file does both at disk speed, with no dependency, no lock
// file and no page cache to size, and its integrity chain is simple to
// check. One repository's cache is written by one process at a time (one
// shard scans a repository).
//
// The package knows the scan engine's cache seam and the rules; it
// knows nothing of git or output.
package scancache

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// formatVersion is the version of the file format.
const formatVersion = "1"

const magic = "leakhound-scancache"

// DefaultDir is where caches are kept unless told otherwise:
// leakhound/scans in the user's cache directory.
func DefaultDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for scan caches (give one): %w", err)
	}
	return filepath.Join(d, "leakhound", "scans"), nil
}

var (
	exeOnce   sync.Once
	exeDigest string
)

// BuildID identifies the running leakhound build: version, and a hash of
// the executable (so that two development builds with the same version
// never share caches). Without a readable executable it is the version
// and a random value: caches then last one process.
func BuildID(version string) string {
	exeOnce.Do(func() {
		h := sha256.New()
		if p, err := os.Executable(); err == nil {
			if f, err := os.Open(p); err == nil {
				_, err = io.Copy(h, f)
				f.Close()
				if err == nil {
					exeDigest = hex.EncodeToString(h.Sum(nil))
					return
				}
			}
		}
		var b [16]byte
		rand.Read(b[:])
		exeDigest = "random-" + hex.EncodeToString(b[:])
	})
	return version + "+" + exeDigest
}

// Key is what a repository's cache is valid for.
type Key struct {
	// Build is BuildID's value.
	Build string
	// Rules are the rules the scan applies (nil: the built-in rules, whose
	// digest a Store computes once).
	Rules *config.Config
	// MaxFileSize, IgnoreInlineAllows and MaxArchiveDepth are the scan
	// options that change what a blob yields.
	MaxFileSize        int64
	IgnoreInlineAllows bool
	MaxArchiveDepth    int
}

// digest returns the hex SHA-256 of everything in k.
func (k Key) digest() (string, error) {
	rules := k.Rules
	if rules == nil {
		var err error
		if rules, err = config.Default(); err != nil {
			return "", err
		}
	}
	b, err := json.Marshal(struct {
		Format, Build string
		Rules         *config.Config
		Max           int64
		Allows        bool
		Archives      int `json:",omitempty"`
	}{formatVersion, k.Build, config.WithoutExamples(rules), k.MaxFileSize, k.IgnoreInlineAllows, k.MaxArchiveDepth})
	if err != nil {
		return "", fmt.Errorf("digest of the rules: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Store is a directory of caches, one per repository. It is safe for
// concurrent use (each repository's Cache by one scan at a time).
type Store struct {
	dir string
	key []byte

	// digests memoizes the digests of keys of the built-in rules: a digest
	// encodes the whole rule set, which costs milliseconds a repository.
	mu      sync.Mutex
	digests map[Key]string
}

// digest returns k's digest, memoized for the built-in rules (Rules nil).
func (s *Store) digest(k Key) (string, error) {
	if k.Rules != nil {
		return k.digest()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.digests[k]; ok {
		return d, nil
	}
	d, err := k.digest()
	if err != nil {
		return "", err
	}
	if s.digests == nil {
		s.digests = map[Key]string{}
	}
	s.digests[k] = d
	return d, nil
}

// Open opens (creating it) the directory of caches at dir, with its key.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("scan cache: %w", err)
	}
	keyFile := filepath.Join(dir, "key")
	key, err := os.ReadFile(keyFile)
	if errors.Is(err, fs.ErrNotExist) || err == nil && len(key) != 32 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("scan cache key: %w", err)
		}
		// A new key invalidates every cache under it: they are rebuilt.
		if err := report.AtomicWrite(keyFile, func(w io.Writer) error { _, err := w.Write(key); return err }); err != nil {
			return nil, fmt.Errorf("scan cache key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("scan cache key: %w", err)
	}
	return &Store{dir: dir, key: key}, nil
}

// path returns the cache file of the repository named repo.
func (s *Store) path(repo string) string {
	sum := sha256.Sum256([]byte(repo))
	return filepath.Join(s.dir, hex.EncodeToString(sum[:12])+".cache")
}

// entryKey is a blob and the paths it was found at.
type entryKey struct {
	id    [20]byte
	paths [8]byte
}

// Cache is one repository's cache, loaded for one scan. It implements
// scan.BlobCache; call Save after the scan.
type Cache struct {
	store  *Store
	repo   string
	file   string
	digest string
	// clean are the blobs known to hold nothing; known every entry loaded.
	clean map[entryKey]bool
	// lastMAC chains the next record; rewrite says the file must be
	// written anew (new, damaged, or of other rules).
	lastMAC []byte
	rewrite bool
	// note says why the cache was not used, for the summary.
	note string

	mu    sync.Mutex
	added []string // records (without MAC) to write
	seen  map[entryKey]bool

	// hm computes the records' MACs (see mac).
	hm hash.Hash

	// walk is the walk state loaded, next the one to save.
	walk, next []byte

	// last is the record of the last scan (see LastScan), lastNext the one
	// to save; lastSet says SetLastScan was called.
	last, lastNext []byte
	lastSet        bool
	// once loads the records and the walk state, on first use: a re-scan
	// that the last scan's record answers (see LastScan) needs neither.
	// loaded says they were.
	once   sync.Once
	loaded bool
	// cacheHash is the SHA-256 of the cache file the last scan's record
	// vouched for, hex ("": none).
	cacheHash string
}

var _ scan.LastScanCache = (*Cache)(nil)

// Load loads the cache of the repository named repo (its path or URL) for
// a scan under key k. A cache that is missing, of other rules or another
// build, or damaged, loads empty: the scan is full, and Save writes a new
// cache. Only an error of the rules' digest is returned.
//
// When the record of the last scan (see LastScan) is intact and was written
// with the cache as it is, the rest of the cache is read only when the scan
// first asks for it: a re-scan that the record answers reads none of it.
func (s *Store) Load(repo string, k Key) (*Cache, error) {
	d, err := s.digest(k)
	if err != nil {
		return nil, err
	}
	c := &Cache{store: s, repo: repo, file: s.path(repo), digest: d}
	c.last = c.loadLast()
	if c.last == nil {
		c.ensure()
	}
	return c, nil
}

// ensure loads the records and the walk state, once; a cache that is
// missing, damaged or stale loads empty, with a note.
func (c *Cache) ensure() {
	c.once.Do(func() {
		c.loaded = true
		c.clean, c.seen = map[entryKey]bool{}, map[entryKey]bool{}
		c.lastMAC = c.mac(nil, c.header())
		f, err := os.Open(c.file)
		if err != nil {
			c.rewrite = true
			if !errors.Is(err, fs.ErrNotExist) {
				c.note = "scan cache unreadable, full scan: " + err.Error()
			}
			return
		}
		defer f.Close()
		var data []byte
		if data, err = io.ReadAll(f); err != nil {
			err = fmt.Errorf("scan cache unreadable, full scan: %w", err)
		} else {
			// The cache as the last scan's record vouched for it (see
			// loadLast) needs no record checked again.
			sum := sha256.Sum256(data)
			trusted := c.cacheHash != "" && hex.EncodeToString(sum[:]) == c.cacheHash
			err = c.load(bufio.NewReader(bytes.NewReader(data)), trusted)
		}
		if err == nil {
			c.walk, err = c.loadWalk()
		}
		if err != nil {
			c.clean, c.seen, c.walk = map[entryKey]bool{}, map[entryKey]bool{}, nil
			c.lastMAC, c.rewrite, c.note = c.mac(nil, c.header()), true, err.Error()
		}
	})
}

// lastFile is the file of the last scan's record beside the cache file.
func (c *Cache) lastFile() string { return strings.TrimSuffix(c.file, ".cache") + ".last" }

// lastMagic starts the file of the last scan's record:
//
//	leakhound-lastscan 1 <digest> <cache sha256> <walk sha256> <mac>
//	<the record>
//
// where the hashes are the SHA-256 of the cache file and of the walk
// state's file as they were when the record was written (of nothing, when
// there was none), and mac the HMAC-SHA-256, under the store's key, of the
// repository's name, the digest, the hashes and the record.
const lastMagic = "leakhound-lastscan"

func (c *Cache) recordMAC(hashes string, rec []byte) []byte {
	return c.fileMAC([]byte(hashes), rec)
}

// fileHashes returns the SHA-256 of the cache file and of the walk
// state's file, as "<cache> <walk>".
func (c *Cache) fileHashes() (string, error) {
	var out []string
	for _, p := range []string{c.file, c.walkFile()} {
		h := sha256.New()
		f, err := os.Open(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return "", err
		default:
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return "", err
			}
		}
		out = append(out, hex.EncodeToString(h.Sum(nil)))
	}
	return strings.Join(out, " "), nil
}

// loadLast returns the record of the last scan, or nil when there is none,
// or it is damaged, of other rules, or was not written with the cache and
// the walk state as they are now (the cache is then read, and judged, in
// full).
func (c *Cache) loadLast() []byte {
	b, err := os.ReadFile(c.lastFile())
	if err != nil {
		return nil
	}
	head, rec, ok := bytes.Cut(b, []byte{'\n'})
	f := strings.Fields(string(head))
	if !ok || len(f) != 6 || f[0] != lastMagic || f[1] != formatVersion || f[2] != c.digest {
		return nil
	}
	hashes := f[3] + " " + f[4]
	if !hmac.Equal(mustHex(f[5]), c.recordMAC(hashes, rec)) {
		return nil
	}
	if now, err := c.fileHashes(); err != nil || now != hashes {
		return nil
	}
	c.cacheHash = f[3]
	return rec
}

// LastScan implements scan.LastScanCache.
func (c *Cache) LastScan() []byte { return c.last }

// SetLastScan implements scan.LastScanCache; Save writes it.
func (c *Cache) SetLastScan(rec []byte) {
	c.mu.Lock()
	c.lastNext, c.lastSet = rec, true
	c.mu.Unlock()
}

// saveLast writes the record of this scan, with the hashes of the cache
// and walk files as Save left them; or, without one, removes the file.
func (c *Cache) saveLast() error {
	if !c.lastSet {
		if !c.loaded {
			return nil // a scan the record answered: all is as it was
		}
		c.lastNext = nil
	}
	if c.lastNext == nil {
		if err := os.Remove(c.lastFile()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("scan cache: %w", err)
		}
		return nil
	}
	hashes, err := c.fileHashes()
	if err != nil {
		return fmt.Errorf("scan cache: %w", err)
	}
	rec := c.lastNext
	return report.AtomicWrite(c.lastFile(), func(w io.Writer) error {
		if _, err := fmt.Fprintf(w, "%s %s %s %s %s\n", lastMagic, formatVersion, c.digest, hashes, hex.EncodeToString(c.recordMAC(hashes, rec))); err != nil {
			return err
		}
		_, err := w.Write(rec)
		return err
	})
}

// walkFile is the file of the walk state beside the cache file.
func (c *Cache) walkFile() string { return strings.TrimSuffix(c.file, ".cache") + ".walk" }

// walkMagic starts a walk state's file:
//
//	leakhound-walkcache 1 <digest> <mac>
//	<the encoded gitwalk.WalkState>
//
// where mac is the HMAC-SHA-256, under the store's key, of the repository's
// name, the digest and the encoded state.
const walkMagic = "leakhound-walkcache"

func (c *Cache) walkMAC(state []byte) []byte { return c.fileMAC(state) }

// fileMAC is the HMAC-SHA-256, under the store's key, of the repository's
// name, a zero byte, the digest, and each of parts after a zero byte: the
// MAC of a file beside the cache (see walkMagic and lastMagic).
func (c *Cache) fileMAC(parts ...[]byte) []byte {
	m := hmac.New(sha256.New, c.store.key)
	m.Write([]byte(c.repo))
	m.Write([]byte{0})
	m.Write([]byte(c.digest))
	for _, p := range parts {
		m.Write([]byte{0})
		m.Write(p)
	}
	return m.Sum(nil)
}

// loadWalk reads the walk state kept with the cache: nil without one, an
// error when it is damaged or of other rules (the cache is then not used).
func (c *Cache) loadWalk() ([]byte, error) {
	b, err := os.ReadFile(c.walkFile())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("scan cache unreadable, full scan: %w", err)
	}
	head, state, ok := bytes.Cut(b, []byte{'\n'})
	fields := strings.Fields(string(head))
	if !ok || len(fields) != 4 || fields[0] != walkMagic {
		return nil, errors.New("scan cache damaged (history walk), full scan")
	}
	if fields[1] != formatVersion || fields[2] != c.digest {
		return nil, errStale
	}
	if !hmac.Equal(mustHex(fields[3]), c.walkMAC(state)) {
		return nil, errors.New("scan cache damaged (history walk), full scan")
	}
	return state, nil
}

// WalkState implements scan.WalkCache.
func (c *Cache) WalkState() []byte {
	c.ensure()
	return c.walk
}

// SetWalkState implements scan.WalkCache; Save writes the state.
func (c *Cache) SetWalkState(ws []byte) {
	c.mu.Lock()
	c.next = ws
	c.mu.Unlock()
}

// saveWalk writes the walk state to save, or removes the file without one.
func (c *Cache) saveWalk() error {
	if bytes.Equal(c.next, c.walk) && c.next != nil {
		return nil // as it was
	}
	if c.next == nil {
		if err := os.Remove(c.walkFile()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("scan cache: %w", err)
		}
		return nil
	}
	state := c.next
	return report.AtomicWrite(c.walkFile(), func(w io.Writer) error {
		if _, err := fmt.Fprintf(w, "%s %s %s %s\n", walkMagic, formatVersion, c.digest, hex.EncodeToString(c.walkMAC(state))); err != nil {
			return err
		}
		_, err := w.Write(state)
		return err
	})
}

func (c *Cache) header() string {
	return magic + " " + formatVersion + " " + c.digest
}

// mac returns the HMAC of the record after prev, bound to the repository.
// It is called by one goroutine at a time (load, then Save under mu).
func (c *Cache) mac(prev []byte, record string) []byte {
	if c.hm == nil {
		c.hm = hmac.New(sha256.New, c.store.key)
	}
	m := c.hm
	m.Reset()
	m.Write([]byte(c.repo))
	m.Write([]byte{0})
	m.Write(prev)
	m.Write([]byte(record))
	return m.Sum(nil)[:16]
}

// errStale says the cache is of other rules or another build.
var errStale = errors.New("rules, options or leakhound changed since the scan cache was written: full scan")

// load reads the records of r. Unless trusted, it checks each record's
// MAC; trusted, it takes the last MAC from the file.
func (c *Cache) load(r *bufio.Reader, trusted bool) error {
	head, err := r.ReadString('\n')
	if err != nil {
		return fmt.Errorf("scan cache damaged (no header), full scan")
	}
	fields := strings.Fields(head)
	if len(fields) != 4 || fields[0] != magic {
		return fmt.Errorf("scan cache damaged (bad header), full scan")
	}
	if fields[1] != formatVersion || fields[2] != c.digest {
		return errStale
	}
	if !hmac.Equal(mustHex(fields[3]), c.mac(nil, c.header())) {
		return fmt.Errorf("scan cache damaged (header), full scan")
	}
	prev := c.mac(nil, c.header())
	n := 1
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF && line == "" {
			break
		}
		n++
		if err != nil {
			return fmt.Errorf("scan cache damaged (record %d torn), full scan", n)
		}
		line = strings.TrimSuffix(line, "\n")
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			return fmt.Errorf("scan cache damaged (record %d), full scan", n)
		}
		record, sum := line[:i], mustHex(line[i+1:])
		if trusted {
			prev = sum
		} else {
			want := c.mac(prev, record)
			if !hmac.Equal(sum, want) {
				return fmt.Errorf("scan cache damaged (record %d), full scan", n)
			}
			prev = want
		}
		k, clean, err := parseRecord(record)
		if err != nil {
			return fmt.Errorf("scan cache damaged (record %d: %v), full scan", n, err)
		}
		c.seen[k] = true
		if clean {
			c.clean[k] = true
		}
	}
	c.lastMAC = prev
	return nil
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil
	}
	return b
}

// parseRecord parses "<id> <paths> <n> <fp:line:col>...".
func parseRecord(rec string) (entryKey, bool, error) {
	var k entryKey
	f := strings.Fields(rec)
	if len(f) < 3 {
		return k, false, errors.New("too few fields")
	}
	id, err := hex.DecodeString(f[0])
	if err != nil || len(id) != 20 {
		return k, false, errors.New("bad blob id")
	}
	ps, err := hex.DecodeString(f[1])
	if err != nil || len(ps) != 8 {
		return k, false, errors.New("bad paths digest")
	}
	n, err := strconv.Atoi(f[2])
	if err != nil || n < 0 || n != len(f)-3 {
		return k, false, errors.New("bad match count")
	}
	copy(k.id[:], id)
	copy(k.paths[:], ps)
	return k, n == 0, nil
}

// keyOf returns the entry key of a blob at paths.
func keyOf(id string, paths []string) (entryKey, bool) {
	var k entryKey
	b, err := hex.DecodeString(id)
	if err != nil || len(b) != 20 {
		return k, false
	}
	copy(k.id[:], b)
	h := sha256.New()
	for _, p := range paths {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	copy(k.paths[:], h.Sum(nil))
	return k, true
}

// Note says why the cache was not used (rules changed, damage), or is "".
func (c *Cache) Note() string { return c.note }

// Clean implements scan.BlobCache.
func (c *Cache) Clean(id string, paths []string) bool {
	c.ensure()
	k, ok := keyOf(id, paths)
	return ok && c.clean[k]
}

// Record implements scan.BlobCache.
func (c *Cache) Record(id string, paths []string, found []scan.BlobMatch) {
	c.ensure()
	k, ok := keyOf(id, paths)
	if !ok {
		return
	}
	var b strings.Builder
	b.WriteString(id)
	b.WriteByte(' ')
	b.WriteString(hex.EncodeToString(k.paths[:]))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(found)))
	for _, m := range found {
		fmt.Fprintf(&b, " %s:%d:%d", strings.ReplaceAll(m.Fingerprint, " ", "_"), m.Line, m.Column)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[k] {
		return
	}
	c.seen[k] = true
	c.added = append(c.added, b.String())
}

// Save writes what the scan recorded: appended to the cache, or, when the
// cache was new, stale or damaged, as a new file. It adds a warning to rep
// when the cache was not used, and returns an error when it cannot be
// written (the scan's findings stand).
func (c *Cache) Save(rep *report.Report) error {
	if c.note != "" && rep != nil {
		rep.Summary.Warnings = append(rep.Summary.Warnings, c.note)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		return c.saveLast() // the records and the walk were not needed
	}
	if err := c.saveWalk(); err != nil {
		return err
	}
	write := func(w io.Writer, prev []byte, records []string) ([]byte, error) {
		bw := bufio.NewWriterSize(w, 1<<16)
		for _, r := range records {
			m := c.mac(prev, r)
			bw.WriteString(r)
			bw.WriteByte(' ')
			bw.WriteString(hex.EncodeToString(m))
			bw.WriteByte('\n')
			prev = m
		}
		return prev, bw.Flush()
	}
	if c.rewrite {
		err := report.AtomicWrite(c.file, func(w io.Writer) error {
			h := c.header()
			if _, err := fmt.Fprintf(w, "%s %s\n", h, hex.EncodeToString(c.mac(nil, h))); err != nil {
				return err
			}
			prev, err := write(w, c.mac(nil, h), c.added)
			c.lastMAC = prev
			return err
		})
		if err == nil {
			c.added, c.rewrite = nil, false
			err = c.saveLast()
		}
		return err
	}
	if len(c.added) == 0 {
		return c.saveLast()
	}
	f, err := os.OpenFile(c.file, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("scan cache: %w", err)
	}
	var buf bytes.Buffer
	prev, _ := write(&buf, c.lastMAC, c.added)
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("scan cache: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("scan cache: %w", err)
	}
	c.lastMAC = prev
	c.added = nil
	return c.saveLast()
}
