package gitwalk

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Commits and tags are read by their head: the walk needs a commit's
// header (tree, parents, author, committer) and the start of its message,
// never the rest, which a crafted commit can make a gigabyte long.
const (
	// maxCommitSize bounds a commit or tag stored as a delta, which must
	// be rebuilt whole to read its head: a larger one is an error. One
	// stored whole is read by its head, whatever its size.
	maxCommitSize = 64 << 20
	// commitHead is how much of a commit or tag is read: its header must
	// end within it.
	commitHead = 1 << 20
	// MaxMessage is how much of a commit's (or tag's) message is kept, in
	// bytes: reports print the first line, or a few. A longer message is
	// cut at a character boundary and ends with "…".
	MaxMessage = 1024
	// MaxScanMessage is how much of a commit's (or tag's) message is
	// scanned for secrets, in bytes (see Plan.Messages); the rest of a
	// longer one is not, and the message is counted as cut.
	MaxScanMessage = 64 << 10
)

// maxHeldMessages bounds the bytes of message text a walk holds for
// scanning: past it, a message is not kept but read again when it is
// scanned (Message.Reread), so that a history of many long messages costs
// reads, not memory. A variable for tests.
var maxHeldMessages = 32 << 20

// head returns the type of object h and the first n bytes of its content
// (all of it, if it is shorter). Of an object stored whole (loose, or
// packed but not as a delta) only those bytes are inflated, whatever its
// size; a loose one that fits is verified, a larger one is not. An object
// stored as a delta is rebuilt whole, or ErrTooLarge if it is larger than
// maxSize.
func (o *objects) head(h plumbing.Hash, n int, maxSize int64) (plumbing.ObjectType, []byte, error) {
	k, off := o.or.find(h)
	if k < 0 {
		return o.r.readLooseHead(h, n, maxSize)
	}
	s, err := o.or.pack(k)
	if err != nil {
		return 0, nil, err
	}
	if !o.or.ps.idx[k].validOffset(off) {
		return 0, nil, fmt.Errorf("%w: pack offset %d is outside the pack (a corrupt pack index)", errCorrupt, off)
	}
	hdr, err := s.header(off)
	if err != nil {
		return 0, nil, fmt.Errorf("pack offset %d: %w", off, err)
	}
	switch hdr.typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	default:
		// A delta: rebuild it (bounded by maxSize), then keep the head.
		typ, data, err := o.or.object(k, off, maxSize)
		if err != nil {
			return typ, nil, err
		}
		return typ, bytes.Clone(data[:min(len(data), n)]), nil
	}
	b, err := s.inflate(make([]byte, 0, min(int64(n), hdr.length)), hdr.length, int64(n))
	if err != nil {
		return 0, nil, fmt.Errorf("pack offset %d: %w", off, err)
	}
	return hdr.typ, b, nil
}

// typeOf returns the type of object h, reading no more than headers.
func (o *objects) typeOf(h plumbing.Hash) (plumbing.ObjectType, error) {
	k, off := o.or.find(h)
	if k < 0 {
		typ, _, err := o.r.readLooseHead(h, 0, 0)
		return typ, err
	}
	for range maxDeltaDepth {
		if !o.or.ps.idx[k].validOffset(off) {
			return 0, fmt.Errorf("%w: pack offset %d is outside the pack (a corrupt pack index)", errCorrupt, off)
		}
		s, err := o.or.pack(k)
		if err != nil {
			return 0, err
		}
		hdr, err := s.header(off)
		if err != nil {
			return 0, fmt.Errorf("pack offset %d: %w", off, err)
		}
		switch hdr.typ {
		case plumbing.OFSDeltaObject:
			if hdr.baseOff >= off || hdr.baseOff <= 0 {
				return 0, fmt.Errorf("pack offset %d: bad delta base offset %d", off, hdr.baseOff)
			}
			off = hdr.baseOff
		case plumbing.REFDeltaObject:
			at := off
			if k, off = o.or.find(hdr.ref); k < 0 {
				return 0, fmt.Errorf("pack offset %d: delta base %s: %w", at, hdr.ref, plumbing.ErrObjectNotFound)
			}
		case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
			return hdr.typ, nil
		default:
			return 0, fmt.Errorf("pack offset %d: unknown object type %v", off, hdr.typ)
		}
	}
	return 0, fmt.Errorf("delta chain deeper than %d", maxDeltaDepth)
}

// commitHeader is what the walk reads of a commit.
type commitHeader struct {
	tree      plumbing.Hash
	parents   []plumbing.Hash
	author    object.Signature
	committer object.Signature
	// message is the start of the message: see MaxMessage.
	message string
	// text is the message to scan, cut to MaxScanMessage bytes (cut set);
	// message shares its bytes when the message is short.
	text   string
	cut    bool
	reread bool // text was not kept: see maxHeldMessages
}

// readCommit reads the head of commit h.
func (o *objects) readCommit(h plumbing.Hash) (*commitHeader, error) {
	typ, data, err := o.head(h, commitHead, maxCommitSize)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			err = fmt.Errorf("%w (a delta over %d MiB)", err, maxCommitSize>>20)
		}
		return nil, fmt.Errorf("commit %s: %w", h, err)
	}
	if typ != plumbing.CommitObject {
		return nil, fmt.Errorf("commit %s: is a %s", h, typ)
	}
	return parseCommit(h, data)
}

// parseCommit parses the head of a commit object: "tree <id>", "parent
// <id>" lines, then other header lines (author, committer, and any whose
// continuation lines start with a space), a blank line, the message.
func parseCommit(h plumbing.Hash, data []byte) (*commitHeader, error) {
	c := &commitHeader{}
	hdr, msg, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		if len(data) >= commitHead {
			return nil, fmt.Errorf("%w: commit %s: header longer than %d bytes", errCorrupt, h, commitHead)
		}
		hdr = bytes.TrimSuffix(data, []byte("\n")) // a commit with no message
	}
	for i, line := range bytes.Split(hdr, []byte("\n")) {
		key, val, _ := bytes.Cut(line, []byte(" "))
		switch {
		case i == 0 && string(key) != "tree":
			return nil, fmt.Errorf("%w: commit %s: does not start with a tree", errCorrupt, h)
		case string(key) == "tree" && i == 0, string(key) == "parent":
			id, err := ParseID(string(val))
			if err != nil {
				return nil, fmt.Errorf("%w: commit %s: bad %s line", errCorrupt, h, key)
			}
			if i == 0 {
				c.tree = id.hash()
			} else {
				c.parents = append(c.parents, id.hash())
			}
		case string(key) == "author":
			c.author.Decode(val)
		case string(key) == "committer":
			c.committer.Decode(val)
		}
	}
	c.text, c.cut, c.message = messageTexts(msg)
	return c, nil
}

// messageTexts returns, of a message's raw bytes, the text scanned (at
// most MaxScanMessage bytes, cut set if it was longer) and the text shown
// (see truncateMessage), which shares the scanned text's bytes when it
// fits.
func messageTexts(msg []byte) (text string, cut bool, shown string) {
	if len(msg) > MaxScanMessage {
		msg, cut = msg[:MaxScanMessage], true
	}
	text = string(msg)
	if t := strings.TrimRight(text, "\n"); len(t) <= MaxMessage {
		return text, cut, t
	}
	return text, cut, truncateMessage(msg)
}

// truncateMessage returns a message without its trailing newlines, cut to
// MaxMessage bytes at a character boundary, ending with "…" if cut.
func truncateMessage(msg []byte) string {
	msg = bytes.TrimRight(msg, "\n")
	if len(msg) <= MaxMessage {
		return string(msg)
	}
	cut := MaxMessage - len("…")
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return strings.TrimRight(string(msg[:cut]), "\n") + "…"
}

// tagHeader is what is read of an annotated tag.
type tagHeader struct {
	id      plumbing.Hash
	target  plumbing.Hash
	typ     plumbing.ObjectType
	name    string
	tagger  object.Signature
	message string
	// text, cut and reread are the message scanned (see commitHeader).
	text   string
	cut    bool
	reread bool
}

// parseTag parses the head of a tag object: "object <id>", "type <type>",
// "tag <name>", "tagger <ident>", a blank line, the message.
func parseTag(h plumbing.Hash, data []byte) (*tagHeader, error) {
	t := &tagHeader{id: h}
	hdr, msg, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok && len(data) >= commitHead {
		return nil, fmt.Errorf("%w: tag %s: header longer than %d bytes", errCorrupt, h, commitHead)
	}
	for line := range bytes.SplitSeq(hdr, []byte("\n")) {
		key, val, _ := bytes.Cut(line, []byte(" "))
		switch string(key) {
		case "object":
			id, err := ParseID(string(val))
			if err != nil {
				return nil, fmt.Errorf("%w: tag %s: bad object line", errCorrupt, h)
			}
			t.target = id.hash()
		case "type":
			typ, err := plumbing.ParseObjectType(string(val))
			if err != nil || typ < plumbing.CommitObject || typ > plumbing.TagObject {
				return nil, fmt.Errorf("%w: tag %s: bad type line", errCorrupt, h)
			}
			t.typ = typ
		case "tag":
			t.name = string(val)
		case "tagger":
			t.tagger.Decode(val)
		}
	}
	if t.target.IsZero() {
		return nil, fmt.Errorf("%w: tag %s: names no object", errCorrupt, h)
	}
	t.text, t.cut, t.message = messageTexts(msg)
	return t, nil
}

// peel follows annotated tags from h to the object they name, and returns
// that object's id and type, the head of its content (see head; a commit's
// is enough to parse it), and the tags on the way, outermost first.
func (o *objects) peel(h plumbing.Hash) (plumbing.Hash, plumbing.ObjectType, []byte, []*tagHeader, error) {
	var tags []*tagHeader
	for range 20 {
		typ, err := o.typeOf(h)
		if err != nil {
			return h, 0, nil, tags, fmt.Errorf("object %s: %w", h, err)
		}
		if typ != plumbing.TagObject && typ != plumbing.CommitObject {
			return h, typ, nil, tags, nil // a blob or tree: its content is not needed here
		}
		typ, data, err := o.head(h, commitHead, maxCommitSize)
		if err != nil {
			return h, 0, nil, tags, fmt.Errorf("object %s: %w", h, err)
		}
		if typ != plumbing.TagObject {
			return h, typ, data, tags, nil
		}
		t, err := parseTag(h, data)
		if err != nil {
			return h, 0, nil, tags, err
		}
		tags = append(tags, t)
		h = t.target
	}
	return h, 0, nil, tags, fmt.Errorf("object %s: tags nested too deep", h)
}
