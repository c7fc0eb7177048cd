package detect

import (
	"bytes"
	"slices"
	"sync"

	re2 "github.com/wasilibs/go-re2"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/entropy"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/textenc"
)

const (
	// allowReach bounds how far from a match an inline allow comment on
	// its line may stand (see inlineAllowed).
	allowReach = 64 << 10
	// windowReach bounds how far from a keyword a rule's regex looks: the
	// window is the keyword's line and the lines either side, cut at this
	// many bytes from the keyword.
	windowReach = 4 << 10
	// windowJoin merges a rule's windows that are this close, so that a
	// match spanning lines between two keywords (a PEM block from BEGIN to
	// END) lies inside one window.
	windowJoin = 16 << 10
)

// keywordLinesAfter is how many lines after a keyword's a rule's window
// takes: a service named in an INI section or a YAML parent key two lines
// above the secret's own (see config's assignment syntax).
const keywordLinesAfter = 2

// fieldLinesAfter is how many lines after a keyword's the window of a
// rule whose name may be an object's name field takes (config's
// NameField): a browser extension exports a cookie one field a line, its
// name then domain, path, flags and the store's id before its value.
const fieldLinesAfter = 12

// linesAfter is how many lines after a keyword's r's window takes.
func (r *rule) linesAfter() int {
	if r.NameField {
		return fieldLinesAfter
	}
	return keywordLinesAfter
}

// regionLinesBefore is how many lines before a new line the LineSet's
// regions take, as many as a keyword's window reaches after it.
const regionLinesBefore = keywordLinesAfter

// maxNoveltyLines is the most lines a fragment may have for the LineSet to
// filter and remember them.
const maxNoveltyLines = 1 << 20

// CappedDecoding is the entry of Result.Capped that says decoding stopped
// at its budget, rather than a rule at its cap.
const CappedDecoding = "(decoding)"

// Result is what Detect found in one fragment.
type Result struct {
	Matches []Match
	// Capped lists the rules cut off at Options.MaxMatchesPerRule, and
	// CappedDecoding when the fragment held more encoded or escaped text
	// than one fragment's decoding budget (the rest was scanned as written).
	Capped []string
	// Skipped is true when every source of the fragment is on a global path
	// allowlist, so the content was not scanned.
	Skipped bool
	// Scanned is the number of content bytes the detector looked at.
	Scanned int
}

// scratch is per-call working memory, pooled.
type scratch struct {
	// only is the fragment's choice of rules (see Detect).
	only   ruleChoice
	starts []int // line start offsets, plus len(content)
	// hashes are the lines' hashes (see LineSet.hashLine); rescan and
	// owned the lines LineSet.visit said to scan and said this call
	// inserted; flagged marks the lines a match lies on, which flagLines
	// lists.
	hashes    []uint64
	rescan    []int
	owned     []int
	flagged   []bool
	flagLines []int
	regions   [][2]int
	hits      [][]int // per rule: keyword hit offsets
	touched   []int   // rules with hits
	// allowed are the spans of secrets an inline allow comment hid. Their
	// lines are flagged like those of matches: the same line elsewhere, or
	// without the comment on the line before, must be scanned again.
	allowed [][2]int
	// text holds a fragment's content decoded by textenc.Normalize, when
	// decoding changed it.
	text []byte
	// explain records the verdicts of runRule for Explain; nil otherwise.
	explain *explanations
	// content is the fragment's content as scanned (decoded lines are
	// scanned from other buffers); strs are its string literals, found
	// once per fragment, on first use, for the rules that read strings
	// and for markDocstrings.
	content []byte
	strs    *stringSpans
}

// stringsOf returns content's string literals (see stringSpans): the
// fragment's, found once, or a decoded line's, found each time (its buffer
// is reused).
func (sc *scratch) stringsOf(content []byte) *stringSpans {
	if len(content) != len(sc.content) || len(content) > 0 && &content[0] != &sc.content[0] {
		return newStringSpans(content)
	}
	if sc.strs == nil {
		sc.strs = newStringSpans(content)
	}
	return sc.strs
}

// ruleChoice says which rules run on a fragment.
type ruleChoice uint8

const (
	allRules ruleChoice = iota
	// everywhereRules are those Options.Everywhere picks: on a path a
	// global allowlist skips.
	everywhereRules
	// messageRules are those Options.InMessages picks: on a commit's or
	// tag's message, and on binary content read as its strings (see
	// textenc.AppendStrings).
	messageRules
)

// forEncoding narrows the choice c for content decoded from enc: binary
// content read as its strings runs only messageRules, since names and
// values are strings of their own there, glued to a length byte or to the
// next string, and only the rules whose secrets say what they are by their
// format have something sound to judge.
func (c ruleChoice) forEncoding(enc textenc.Encoding) ruleChoice {
	if enc == textenc.Strings && c == allRules {
		return messageRules
	}
	return c
}

// maxPooledText bounds the decoded text a pooled scratch keeps for reuse.
const maxPooledText = 1 << 20

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// Detect scans frag's content and returns the matches of every rule,
// whatever the paths of frag's sources (Finding applies those). It skips the
// content entirely when SkipPath holds for every source. The content is
// first decoded to UTF-8 text with "\n" line ends (textenc.Normalize), so a
// file saved with CRLF line ends, a byte order mark, in UTF-16 or in Latin-1
// gives the same matches, at the same lines and columns, as the same text
// in UTF-8. With Options.Lines, it scans only lines not seen before (and
// those around them); lines are remembered as decoded. It is safe to call
// concurrently.
//
// An error means a rule's regex could not be compiled (with Options.Lazy);
// the matches of the other rules are returned with it.
func (d *Detector) Detect(frag *leak.Fragment) (Result, error) {
	var res Result
	// only: with every source on a path a global allowlist skips, only
	// the rules that Options.Everywhere picks run; on a message (a source
	// of a Kind: no path), those Options.InMessages picks.
	only := allRules
	if len(frag.Sources) > 0 && frag.Sources[0].Kind != "" {
		only = messageRules
	} else if len(frag.Sources) > 0 {
		skip := true
		for _, s := range frag.Sources {
			if !d.SkipPath(s.Path) {
				skip = false
				break
			}
		}
		if skip && d.opts.Everywhere == nil {
			res.Skipped = true
			return res, nil
		}
		if skip {
			only = everywhereRules
		}
	}
	sc := scratchPool.Get().(*scratch)
	sc.only = only
	defer func() {
		sc.content, sc.strs = nil, nil // not kept alive in the pool
		scratchPool.Put(sc)
	}()
	content, enc, copied := textenc.Normalize(sc.text, frag.Content)
	sc.only = sc.only.forEncoding(enc)
	if copied {
		sc.text = nil
		if cap(content) <= maxPooledText {
			sc.text = content[:0]
		}
	}
	sc.regions = sc.regions[:0]
	sc.allowed = sc.allowed[:0]
	sc.content, sc.strs = content, nil

	lines := d.lines
	if lines != nil {
		sc.splitHashLines(content, lines)
	} else {
		sc.splitLines(content)
	}
	if len(sc.starts)-1 > maxNoveltyLines {
		// A file of millions of lines (a data dump) is scanned whole and
		// its lines are not remembered: they would cost the LineSet more
		// memory than they could ever save.
		lines = nil
	}
	if lines != nil {
		sc.rescan, sc.owned = lines.visit(sc.hashes, sc.rescan[:0], sc.owned[:0])
		sc.buildRegions()
	} else if len(content) > 0 {
		sc.regions = append(sc.regions, [2]int{0, len(content)})
	}

	if blankableIn(content, sc.regions) {
		// A captured terminal's colours, no-break spaces or typographic
		// double quotes in the lines to scan (see textenc.Blank):
		// rewritten in a copy of the content.
		if !copied {
			content = append(sc.text[:0], content...)
			sc.text = nil
			if cap(content) <= maxPooledText {
				sc.text = content[:0]
			}
		}
		content = textenc.Blank(content)
		sc.content = content
	}
	var err error
	for _, r := range sc.regions {
		res.Scanned += r[1] - r[0]
	}
	if len(sc.regions) > 0 {
		err = d.scanRegions(content, sc, &res, frag.Sources)
		budget := budget{tokens: decodeBudget, escaped: escapeBudget}
		d.decodeRegions(content, sc, sc.regions, frag.Sources, 0, &budget, &res)
		d.tableRows(content, sc, frag.Sources, &res)
		res.Matches = d.dedupe(res.Matches)
		unquoteMatches(content, res.Matches)
		markDocstrings(sc, content, res.Matches)
	}
	if lines != nil {
		sc.flagged = grow(sc.flagged, len(sc.starts)-1)
		clear(sc.flagged)
		sc.flagLines = sc.flagLines[:0]
		flag := func(start, end int) {
			first := sc.lineOf(start)
			last := sc.lineOf(max(start, end-1))
			for i := first; i <= last; i++ {
				if !sc.flagged[i] {
					sc.flagged[i] = true
					sc.flagLines = append(sc.flagLines, i)
				}
			}
		}
		// Lines that held a match, decoded or not, are scanned again
		// wherever they recur.
		for _, m := range res.Matches {
			s := m.lines()
			flag(s[0], s[1])
		}
		for _, a := range sc.allowed {
			flag(a[0], a[1])
		}
		lines.settle(sc.hashes, sc.owned, sc.flagLines, sc.flagged)
	}
	return res, err
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// splitLines records the start of every line and, last, len(content).
func (sc *scratch) splitLines(content []byte) {
	sc.starts = append(sc.starts[:0], 0)
	off := 0
	for {
		i := bytes.IndexByte(content[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		if off < len(content) {
			sc.starts = append(sc.starts, off)
		}
	}
	if len(content) > 0 {
		sc.starts = append(sc.starts, len(content))
	} else {
		sc.starts = sc.starts[:1]
	}
}

// splitHashLines is splitLines that also hashes each line for s (see
// LineSet.hashLine) into sc.hashes, in the same pass over content; it stops
// hashing past maxNoveltyLines lines.
func (sc *scratch) splitHashLines(content []byte, s *LineSet) {
	sc.starts = append(sc.starts[:0], 0)
	sc.hashes = sc.hashes[:0]
	for off := 0; off < len(content); {
		end := len(content)
		if i := bytes.IndexByte(content[off:], '\n'); i >= 0 {
			end = off + i + 1
		}
		if len(sc.hashes) <= maxNoveltyLines { // beyond, the LineSet is not used
			sc.hashes = append(sc.hashes, s.hashLine(content[off:end]))
		}
		if off = end; off < len(content) {
			sc.starts = append(sc.starts, off)
		}
	}
	if len(content) > 0 {
		sc.starts = append(sc.starts, len(content))
	}
}

// lineOf returns the index of the line holding offset off.
func (sc *scratch) lineOf(off int) int {
	i, found := slices.BinarySearch(sc.starts, off)
	if found {
		return min(i, len(sc.starts)-2)
	}
	return i - 1
}

// buildRegions turns the lines to scan (sc.rescan) into byte ranges,
// widened by regionLinesBefore lines of context before and one after: a new
// line's secret may be named by a line above it (an INI section, a YAML
// parent key) that an earlier version already had.
func (sc *scratch) buildRegions() {
	n := len(sc.starts) - 1
	rescan := sc.rescan
	for k := 0; k < len(rescan); {
		// A run of consecutive lines, i to j.
		i := rescan[k]
		j := i
		for k++; k < len(rescan) && rescan[k] == j+1; k++ {
			j++
		}
		lo, hi := max(i-regionLinesBefore, 0), min(j+1, n-1)
		start, end := sc.starts[lo], sc.starts[hi+1]
		if r := len(sc.regions); r > 0 && sc.regions[r-1][1] >= start {
			sc.regions[r-1][1] = end
		} else {
			sc.regions = append(sc.regions, [2]int{start, end})
		}
	}
}

// scanRegions runs the keyword prefilter over the regions and each rule that
// it triggers over the windows around its keywords. Rules without keywords
// run over the whole regions, unless they have a path that none of srcs
// matches. The matches are not deduplicated.
func (d *Detector) scanRegions(content []byte, sc *scratch, res *Result, srcs []leak.Source) error {
	if cap(sc.hits) < len(d.rules) {
		sc.hits = make([][]int, len(d.rules))
	}
	sc.hits = sc.hits[:len(d.rules)]
	sc.touched = sc.touched[:0]
	hit := func(kw, off int) {
		for _, ri := range d.kwRules[kw] {
			if d.itemOnly != nil && d.itemOnly[ri] && !itemStart(content, off) {
				// A service's name counts for the rule of values after
				// it only where it begins an item (see serviceRule):
				// elsewhere (localStorage, the github.com of a URL) its
				// window would cost a regex run that cannot match.
				continue
			}
			h := sc.hits[ri]
			if len(h) == 0 {
				sc.touched = append(sc.touched, ri)
			}
			if len(h) == 0 || h[len(h)-1] != off {
				sc.hits[ri] = append(h, off)
			}
		}
	}
	for _, reg := range sc.regions {
		d.eachKeyword(content, reg[0], reg[1], hit)
	}
	var firstErr error
	// compiled compiles r (if the Detector is lazy): run needs it.
	compiled := func(r *rule) bool {
		if err := r.compile(); err != nil {
			if firstErr == nil {
				firstErr = ruleError{r, err}
			}
			return false
		}
		return true
	}
	run := func(r *rule, wins [][2]int) {
		if v := r.valueRegexp(); v != nil {
			// Only the pieces runRule runs the regex on that hold the
			// value can hold a match: the regex holds the value as
			// written. Without any, the regex need not even be compiled.
			wins = withValue(v, content, chunks(wins))
			if len(wins) == 0 {
				return
			}
		}
		if compiled(r) {
			d.runRule(r, content, sc, wins, res)
		}
	}
	for _, ri := range sc.touched {
		hits := sc.hits[ri]
		sc.hits[ri] = hits[:0]
		// The automaton reports keywords in order of their ends, the table
		// of their starts: windows wants starts in order, once.
		if !slices.IsSorted(hits) {
			slices.Sort(hits)
			hits = slices.Compact(hits)
		}
		r := d.rules[ri]
		switch {
		case !d.runs(sc.only, r):
		case d.active(r, srcs):
			run(r, windows(content, hits, r.linesAfter()))
		case r.inStrings && d.activeAt(r, srcs, true):
			// Kept out of these files by path, but not out of their
			// strings: only the keywords inside a string that name an
			// item there open a window, and only matches wholly
			// inside one are kept.
			strs := sc.stringsOf(content)
			in := hits[:0:0]
			for _, h := range hits {
				if strs.namesItem(content, h) {
					in = append(in, h)
				}
			}
			if len(in) > 0 {
				n := len(res.Matches)
				run(r, windows(content, in, r.linesAfter()))
				res.Matches = strs.keepInside(content, res.Matches, n)
			}
		}
	}
	pathBound := d.alwaysPathsAt(srcs)
	for _, ri := range d.always {
		r := d.rules[ri]
		if r.Path != "" && !pathBound {
			continue
		}
		if d.runs(sc.only, r) && d.active(r, srcs) {
			run(r, sc.regions)
		}
	}
	if firstErr == nil {
		firstErr = d.lazyErrs.err()
	}
	return firstErr
}

// alwaysPathsAt reports whether some source in srcs is at a path that a
// rule of always with a path may match (see anyAlwaysPath): without
// sources, or without that regex, it cannot tell, and says yes.
func (d *Detector) alwaysPathsAt(srcs []leak.Source) bool {
	if d.anyAlwaysPath == nil || len(srcs) == 0 {
		return true
	}
	for _, s := range srcs {
		if d.paths.matchPath(d.anyAlwaysPath, s.Path) {
			return true
		}
	}
	return false
}

// itemStart reports whether the word at content[off] may begin an item of
// a list, as the rule of values after a service's name reads one (see
// serviceRule): only white space, bullets and comment markers (- * # > /)
// stand before it on its line, or a quote and white space after the item
// before it.
func itemStart(content []byte, off int) bool {
	i := off
	for i > 0 && listMark(content[i-1]) {
		i--
	}
	return i == 0 || content[i-1] == '\n' || i < off && (content[i-1] == '\'' || content[i-1] == '"')
}

// listMark reports whether c may stand before an item on its line: white
// space, a bullet or a comment's marker.
func listMark(c byte) bool {
	switch c {
	case ' ', '\t', '-', '*', '#', '>', '/':
		return true
	}
	return false
}

// eachKeyword runs the keyword prefilter over content[start:end] and calls
// hit with the index and offset in content of every keyword it finds.
func (d *Detector) eachKeyword(content []byte, start, end int, hit func(kw, off int)) {
	<-d.keywordsReady
	if d.table != nil {
		d.table.each(content[start:end], func(kw, off int) { hit(kw, start+off) })
		return
	}
	d.keywords.each(content[start:end], func(kw, off int) { hit(kw, start+off) })
}

// active reports whether rule r can report anything at one of srcs: a
// source whose path the rule's path matches, and that no allowlist ignores
// by its path alone. A rule inactive for a fragment is not run on it, which
// saves its time, and keeps its matches from winning an overlap (see
// dedupe) only to be dropped by Finding. Without sources, every rule is
// active.
func (d *Detector) active(r *rule, srcs []leak.Source) bool {
	return len(srcs) == 0 || r.Path == "" && !r.pathAllow || d.activeAt(r, srcs, false)
}

// activeAt reports whether r can report a match at one of srcs, inside a
// string literal when inString is set: allowlists that exempt strings
// (exceptInString) then do not keep it out.
func (d *Detector) activeAt(r *rule, srcs []leak.Source, inString bool) bool {
	for _, s := range srcs {
		if r.Path != "" && !r.matchPath(s.Path) {
			continue
		}
		if r.pathAllow && d.pathAllowed(r, s.Path, inString) {
			continue
		}
		return true
	}
	return false
}

// pathAllowed reports whether an allowlist of r, or a global one aimed at
// r, ignores every match at path by its path alone; for matches inside
// string literals when inString is set, an allowlist that exempts those
// (exceptInString) does not count.
func (d *Detector) pathAllowed(r *rule, path string, inString bool) bool {
	ignores := func(a *allowlist) bool {
		return a.byPath() && !(a.weak && r.readsStores()) && !(inString && a.exceptInString) && a.matchPath(path)
	}
	for _, a := range r.allow {
		if ignores(a) {
			return true
		}
	}
	for _, a := range d.global {
		if len(a.rules) > 0 && a.appliesTo(r.ID) && ignores(a) {
			return true
		}
	}
	return false
}

type ruleError struct {
	r   *rule
	err error
}

func (e ruleError) Error() string {
	return e.r.Pos.String() + ": rule \"" + e.r.ID + "\": " + e.err.Error()
}

// withValue returns the windows of wins (pieces no longer than maxChunk)
// in which value matches.
func withValue(value *re2.Regexp, content []byte, wins [][2]int) [][2]int {
	var out [][2]int
	for _, w := range wins {
		if value.Match(content[w[0]:w[1]]) {
			out = append(out, w)
		}
	}
	return out
}

// windows returns the merged windows around keyword hits, which are
// sorted: each hit's line, the line before and after lines after it.
func windows(content []byte, hits []int, after int) [][2]int {
	var out [][2]int
	for _, h := range hits {
		start := lineStartBefore(content, h, 1)
		end := lineEndAfter(content, h, after)
		if k := len(out); k > 0 && start <= out[k-1][1]+windowJoin {
			out[k-1][1] = max(out[k-1][1], end)
			continue
		}
		out = append(out, [2]int{start, end})
	}
	return out
}

// lineStartBefore returns the start of the line n lines before the one
// holding off, but no further back than windowReach.
func lineStartBefore(content []byte, off, n int) int {
	return lineStartWithin(content, off, n, windowReach)
}

// lineStartWithin is lineStartBefore, no further back than reach.
func lineStartWithin(content []byte, off, n, reach int) int {
	floor := max(off-reach, 0)
	i := off
	for k := 0; k <= n; k++ {
		j := bytes.LastIndexByte(content[floor:i], '\n')
		if j < 0 {
			return floor
		}
		i = floor + j
		if k == n {
			return i + 1
		}
	}
	return i + 1
}

// lineEndAfter returns the end of the line n lines after the one holding
// off (after its newline), but no further than windowReach.
func lineEndAfter(content []byte, off, n int) int {
	return lineEndWithin(content, off, n, windowReach)
}

// lineEndWithin is lineEndAfter, no further than reach.
func lineEndWithin(content []byte, off, n, reach int) int {
	ceil := min(off+reach, len(content))
	i := off
	for k := 0; k <= n; k++ {
		j := bytes.IndexByte(content[i:ceil], '\n')
		if j < 0 {
			return ceil
		}
		i += j + 1
	}
	return i
}

// runRule runs r's regex over each window and records the matches its
// verdict keeps (see verdict).
func (d *Detector) runRule(r *rule, content []byte, sc *scratch, wins [][2]int, res *Result) {
	count := 0
	for _, w := range chunks(wins) {
		text := content[w[0]:w[1]]
		restarts := 0
		for pos := 0; pos < len(text); {
			// Ask for no more matches than the cap allows: a rule that
			// matches everywhere must not allocate a result per byte.
			locs := r.re.FindAllSubmatchIndex(text[pos:], d.opts.MaxMatchesPerRule-count+1)
			if len(r.bounds) > 0 && outOfBounds(r.bounds, locs) {
				// A match longer than the regex as written allows: ask it.
				locs = r.exactRegexp().FindAllSubmatchIndex(text[pos:], d.opts.MaxMatchesPerRule-count+1)
			}
			next := len(text)
			// taken is where the last match handled ended: a match of
			// the batch that starts before it overlaps one found after
			// a boundary (see adjacentMatch) and is not one of its own.
			taken := 0
		matches:
			for _, loc := range locs {
				for i := range loc {
					if loc[i] >= 0 {
						loc[i] += pos
					}
				}
				if loc[0] < taken {
					continue
				}
				for ; loc != nil; loc = r.adjacentMatch(text, loc) {
					taken = loc[1]
					m, out := d.verdict(r, content, sc, w[0], text, loc, sc.explain.next(text[loc[0]:loc[1]]))
					switch out {
					case nameDropped:
						// The regex took the leftmost name, which is not a
						// secret's; a name further on may be, inside what
						// this match took: key="PaymentApiKey" value="...".
						// Search again after the name, if a keyword follows
						// it: within the match, or just past its end, since a
						// keyword may hold what follows a name ("key>" of
						// <key>DbPass</key>, where the match ended at DbPass).
						if after := r.names.after(loc); restarts < maxRestarts && r.keywordIn(text[after:min(loc[1]+keywordReach, len(text))]) {
							restarts++
							next = after
							break matches
						}
					case inlineAllowed:
						sc.allowed = append(sc.allowed, m.lines())
					case matchKept:
						if count == d.opts.MaxMatchesPerRule {
							res.Capped = append(res.Capped, r.ID)
							return
						}
						count++
						res.Matches = append(res.Matches, m)
						if !d.listRest(r, content, sc, w[0], loc, m, &count, res) {
							return
						}
					}
				}
			}
			pos = next
		}
	}
}

// listRest judges the items that follow the kept match m in a list under
// the same name (see listItems), each as m was judged, with the match loc
// that found m, its secret group moved to the item. It reports false when
// the rule's cap on matches was reached.
func (d *Detector) listRest(r *rule, content []byte, sc *scratch, w0 int, loc []int, m Match, count *int, res *Result) bool {
	if !r.generic && r.names == nil {
		return true // a token's own format finds each item
	}
	items := listItems(content, m.Start, m.End)
	if len(items) == 0 {
		return true
	}
	// The items may reach past the window: they are read, and judged,
	// in the whole content, the match placed there.
	at := make([]int, len(loc))
	g := 0
	for i, v := range loc {
		at[i] = v
		if v >= 0 {
			at[i] = v + w0
		}
		if i >= 2 && i%2 == 0 && i+1 < len(loc) && loc[i]+w0 == m.Start && loc[i+1]+w0 == m.End {
			g = i
		}
	}
	if g == 0 {
		return true
	}
	for _, it := range items {
		item := slices.Clone(at)
		item[g], item[g+1] = it[0], it[1]
		item[1] = max(item[1], it[1])
		im, out := d.verdict(r, content, sc, 0, content, item, sc.explain.next(content[item[0]:item[1]]))
		if out != matchKept {
			continue
		}
		if *count == d.opts.MaxMatchesPerRule {
			res.Capped = append(res.Capped, r.ID)
			return false
		}
		*count++
		res.Matches = append(res.Matches, im)
	}
	return true
}

// blankableIn reports whether one of the regions of content holds a
// terminal's ESC byte, a no-break space or a typographic double quote (see
// textenc.Blankable): only the lines to scan are searched for one.
func blankableIn(content []byte, regions [][2]int) bool {
	for _, r := range regions {
		if textenc.Blankable(content[r[0]:r[1]]) {
			return true
		}
	}
	return false
}

// adjacentMatch returns the match of r that starts at the boundary that
// the match loc took after its last group, or nil. A rule's regex ends
// with a boundary that takes a character (the newline after a token alone
// on its line, the space or comma between two tokens), and begins with
// one: a token right after another shares the character between them, which the search for the next match no longer sees, so every
// other token of a list one per line would be lost. The search here
// starts where the last group ended and reads at most adjacentReach
// past the boundary, so a list of n tokens costs n short searches, not
// n searches of the rest of the window.
func (r *rule) adjacentMatch(text []byte, loc []int) []int {
	end := loc[0]
	for i := 3; i < len(loc); i += 2 {
		end = max(end, loc[i])
	}
	if loc[1]-end != 1 || loc[1] >= len(text) || !sharedBoundary(text[end]) {
		// No boundary taken, more than one character (a closing quote
		// and a newline: the next match's boundary is its own), a
		// closing quote or bracket (a value's own end), or nothing
		// after it.
		return nil
	}
	near := text[end:min(len(text), loc[1]+adjacentReach)]
	next := r.re.FindSubmatchIndex(near)
	if next != nil && len(r.bounds) > 0 && outOfBounds(r.bounds, [][]int{next}) {
		// Longer than the regex as written allows: ask it, as runRule does.
		next = r.exactRegexp().FindSubmatchIndex(near)
	}
	if next == nil || next[0] != 0 || end+next[1] <= loc[1] {
		return nil // none, or one that begins after the boundary (the batch's)
	}
	for i := range next {
		if next[i] >= 0 {
			next[i] += end
		}
	}
	return next
}

// sharedBoundary reports whether c, taken by a match after its last
// group, may also begin the next token's match: a line end, a blank or a
// list's separator.
func sharedBoundary(c byte) bool {
	switch c {
	case '\n', ' ', '\t', ',', ';', '|':
		return true
	}
	return false
}

// adjacentReach bounds the text adjacentMatch reads after a boundary.
const adjacentReach = 4 << 10

// lettersAndDigits reports whether b holds both an ASCII letter and a
// digit.
func lettersAndDigits(b []byte) bool {
	letter, digit := false, false
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			digit = true
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			letter = true
		}
	}
	return letter && digit
}

// maxRestarts bounds the searches again after a name a rule's name check
// turned down, per window.
const maxRestarts = 16

// keywordReach is how far past a turned-down match a keyword may end and
// still ask for a search again: the closing tag of a name in an element
// ("</key>").
const keywordReach = 8

// keywordIn reports whether b holds one of r's keywords, in any case: only
// then can a match that r's name check turned down hide another name.
func (r *rule) keywordIn(b []byte) bool {
	if len(r.Keywords) == 0 {
		return true
	}
	for _, kw := range r.Keywords {
		if len(kw) <= len(b) && bytes.Contains(bytes.ToLower(b), []byte(kw)) {
			return true
		}
	}
	return false
}

// outcome is how the verdict on a match's content ended (see verdict).
type outcome uint8

const (
	matchKept outcome = iota
	// matchDropped: a stage dropped the match.
	matchDropped
	// nameDropped: the name check dropped it; a name further on in
	// what the regex took may be a secret's.
	nameDropped
	// inlineAllowed: an inline allow comment hid it; its lines must be
	// scanned again where they recur without the comment.
	inlineAllowed
)

// verdict judges the match loc of r's regex in the window text, which
// starts at offset w0 of content, on what depends on content alone, one
// stage after the other: the names the value is assigned to, the secret
// group, the entropy floor, a built asset's file name, words of a natural
// language, the stand-in, cut-short and near-miss filters, an inline allow, the allowlists that look at
// content. It
// returns the Match, placed in content, and the outcome: kept, or how it
// was dropped. Finding judges the rest at each source (see sourceVerdict).
//
// This is the one place these stages are decided. rec, when not nil,
// records each stage taken for Explain, up to the one that drops the
// match; Detect passes nil and pays for a nil test per stage.
func (d *Detector) verdict(r *rule, content []byte, sc *scratch, w0 int, text []byte, loc []int, rec *Explanation) (Match, outcome) {
	var skip uint64
	// A value assigned to the service's name alone (see
	// config.AloneGroup): fewer words say it is a secret, so the filters
	// of stand-ins and hand-typed values judge it as they judge a generic
	// rule's.
	alone := r.names.byAlone(loc)
	if r.names != nil {
		ok := r.names.accepts(text, loc)
		rec.step("names", ok, either(ok, "the name says a secret", "the name the value is assigned to does not say a secret"))
		if !ok {
			return Match{}, nameDropped
		}
		skip = r.names.skip
	}
	s0, s1 := secretSpan(loc, r.secretGroup, skip)
	for _, g := range r.secretGroups {
		if s0 >= 0 {
			break
		}
		s0, s1 = secretSpan(loc, g, skip)
	}
	if s0 < 0 || s1 <= s0 {
		rec.step("secret", false, "the secret group captured nothing")
		return Match{}, matchDropped
	}
	secret := text[s0:s1]
	if rec != nil {
		rec.Secret = string(secret)
	}
	if r.names != nil && jsonObjectStart(secret) {
		// A JSON object written in a string (DOCKER_AUTH_CONFIG:
		// '{"auths": …}', APP_SECRETS='{"api_token": "…"}'): a
		// structure, not one secret. Its members are names and values
		// of their own, which a search again after the name reads.
		rec.step("structure", false, "the value is a JSON object, whose members are read one by one")
		return Match{}, nameDropped
	}
	if r.mention > 0 && r.names != nil && loc[2*r.mention] == s0 {
		// A value found by mention, not assigned to the name that says
		// secret: it must not be assigned to another name (id = ...).
		other := r.names.assignedElsewhere(text, s0) || r.names.proseNot(text, loc) || dashedPathPart(text, s0) || camelName(secret)
		rec.step("mention", !other, either(!other, "named by the words around it", "assigned to a name that does not say a secret, the words around the name say it is not one, it ends a path, or it is a name in camelCase"))
		if other {
			// An assignment may follow in what the match took:
			// key="AcmeKey" value="...", found by mention from "key".
			return Match{}, nameDropped
		}
	}
	if r.names != nil && !r.readsStores() {
		// The value repeats the name it is assigned to (see echoes):
		// code or an object's name, not a secret. In a credential store
		// it is a weak password, which the floor below judges.
		echo := r.names.echoes(text, loc, s0, secret)
		rec.step("name echoed", !echo, either(!echo, "the value does not repeat its name", "the value repeats the name it is assigned to, or ends with it: a variable, a constant's name or an object's name"))
		if echo {
			return Match{}, matchDropped
		}
	}
	ent := entropy.Shannon(secret)
	// lowered is set when the value is held to a floor lower than the
	// rule's (digits alone, or a short random value): it is then judged
	// against stand-ins as a generic rule's value is.
	weak, lowered := false, false
	if floor := r.Entropy; floor > 0 {
		if ent < floor && allDigits(secret) {
			// Digits alone, of a vendor format's exact length: the
			// floor scaled to the digits' alphabet (see digitsFloor).
			// Such a value is judged as a generic rule's is against
			// stand-ins (a sequence, a repeated group) below.
			floor = r.digitsFloor(len(secret))
			lowered = floor < r.Entropy
		} else if ent < floor {
			// A short value cannot reach a floor set for long ones
			// however random it is: the floor is the lower of the
			// rule's and the entropy 99 in 100 random values of its
			// length and alphabet reach (see entropy.RandomFloor).
			// A value typed in runs (123456abcdef…) is not a random
			// one and keeps the rule's floor; any other is judged
			// against stand-ins too. A generic rule's value is
			// named by nothing but a secret word, so it must be
			// long enough that a word or a weak password of a few
			// characters does not pass (see minGenericRandomLen).
			if f, ok := entropy.RandomFloor(secret, r.formatAlphabet()); ok && f < floor && !typedSequence(secret) && (!r.generic || len(secret) >= minGenericRandomLen || drawnMix(secret)) {
				floor, lowered = f, true
			}
		}
		// In a credential store, a value below the floor is a weak
		// password, not a non-secret: Finding decides.
		weak = ent < floor && r.readsStores()
		if rec != nil {
			rec.entropyStep(ent, floor, r.Entropy, weak)
		}
		if ent < floor && !weak {
			return Match{}, matchDropped
		}
	}
	// A content hash in a built asset's file name (app-3f2a….js).
	asset := assetName(text, s0, s1)
	rec.step("asset name", !asset, either(!asset, "not a built asset's file name", "the content hash in a built asset's file name"))
	if asset {
		return Match{}, matchDropped
	}
	// Words of a natural language (a translated label): weak in a
	// credential store, not a secret elsewhere (see naturalWords).
	words := naturalWords(secret)
	rec.step("words", !words || r.readsStores(), either(!words, "not a label in words", either(r.readsStores(), "words of a natural language: a weak password if in a credential store", "words of a natural language: a translated label, not a secret")))
	if words {
		if !r.readsStores() {
			return Match{}, matchDropped
		}
		weak = true
	}
	if alone {
		// A generated value of the length a vendor rule's format asks
		// for (see config.AloneGroup) mixes letters and digits; one
		// without either is a word or an identifier under a service's
		// name (vault: s.makeClient, a field; s.ALLCAPSPLACEHOLDER).
		mixed := lettersAndDigits(secret)
		rec.step("letters and digits", mixed, either(mixed, "the value assigned to the service's name mixes letters and digits", "the value assigned to the service's name alone lacks letters or digits: a word or an identifier"))
		if !mixed {
			return Match{}, matchDropped
		}
	}
	if r.generic && !r.readsStores() || alone || lowered {
		// A near miss or placeholder in a vendor's place (see standIn).
		standIn := d.standIn(secret)
		rec.step("stand-in", !standIn, either(!standIn, "not a near miss or a marked stand-in", "a near miss of a vendor's format, a value marked as a stand-in (short, invalid, example...) or a date and time"))
		if standIn {
			return Match{}, matchDropped
		}
	}
	if r.generic && !r.readsStores() {
		// A vendor's value cut short: the vendor's rule judges it (see
		// cutShort).
		short := d.cutShort(r, text, loc, secret)
		rec.step("cut short", !short, either(!short, "not a vendor's value cut short", "a vendor's value cut short under that vendor's name: the vendor's rule judges it"))
		if short {
			return Match{}, matchDropped
		}
		// A character of no token alphabet glued onto a token's end
		// (see gluedOn), or a UUID a digit off (see uuidSlip).
		glued := d.gluedOn(r, text, loc, secret) || uuidSlip(secret)
		rec.step("glued on", !glued, either(!glued, "no character of no token alphabet glued onto an end or stray inside", "a token with a character of no token alphabet (% ^ ? | &...) glued onto an end or (? ^ ( )...) stray inside, or a UUID one digit off: a near miss or a remnant of code, not an issued key"))
		if glued {
			return Match{}, matchDropped
		}
		// A host name or a mailbox (see addressValue).
		address := addressValue(r, text, loc, secret)
		rec.step("address", !address, either(!address, "not a host name or an e-mail address", "a host name or an e-mail address under a name that does not say password: where a client connects or whom it acts for, not its key"))
		if address {
			return Match{}, matchDropped
		}
	}
	m := Match{
		rule:    r,
		Secret:  string(secret),
		Text:    string(text[matchStart(r, text, loc[0], s0):loc[1]]),
		Start:   w0 + s0,
		End:     w0 + s1,
		Entropy: ent,
		span:    [2]int{w0 + loc[0], w0 + loc[1]},
		weak:    weak,
		alone:   alone,
	}
	m.Line, m.Column = sc.position(m.Start)
	m.EndLine, m.EndColumn = sc.position(m.End - 1)
	lineStart, lineEnd := m.Start-(m.Column-1), lineEndAfter(content, m.Start, 0)
	m.lineText = string(bytes.TrimRight(content[lineStart:lineEnd], "\r\n"))
	if r.generic && !r.readsStores() {
		// A line of minified code (see minifiedLine): what a name there
		// is set to is code (r.password||, e.style.display===,
		// CancelToken$1), unless it has a token's shape (an npm
		// package's bundled search key, apiKey:"6fe4…"). A vendor's
		// format is found there whatever its shape.
		minified := !tokenShaped(secret) && minifiedLine(content[lineStart:lineEnd])
		rec.step("minified", !minified, either(!minified, "not code on a line of minified code", "code on a line of minified code, not a value"))
		if minified {
			return Match{}, matchDropped
		}
	}
	if !d.opts.IgnoreInlineAllows {
		allowed := d.inlineAllowed(content, w0+loc[0], w0+loc[1])
		rec.step("inline allow", !allowed, either(!allowed, "none on the line", "the line carries an allow comment"))
		if allowed {
			return m, inlineAllowed
		}
	}
	switch d.judgeAll(&m, false, "", "", rec) {
	case drop:
		return Match{}, matchDropped
	case weakVal:
		m.weak = true
	}
	if r.generic && !r.readsStores() {
		// A near miss of a named vendor's format (see nearMiss). Judged
		// last: the vendors named around a value are looked up word by
		// word, which only a value every other judgement keeps is worth.
		near := d.nearMiss(r, content, w0, text, loc, s0, secret)
		rec.step("near miss", !near, either(!near, "not a near miss of a named vendor's format", "a near miss of the format of a vendor named by the name or the words before it: one or two characters of the wrong alphabet, or one too many or too few"))
		if near {
			return Match{}, matchDropped
		}
	}
	if rec != nil {
		kept := m
		rec.match = &kept
	}
	return m, matchKept
}

// lines returns the span of content whose lines m lies on: its secret's
// and its whole match's.
func (m *Match) lines() [2]int {
	if m.span[1] <= m.span[0] {
		return [2]int{m.Start, m.End}
	}
	return [2]int{min(m.Start, m.span[0]), max(m.End, m.span[1])}
}

// matchStart returns where a match's text starts. The match of a rule
// stated by names may begin lines above its secret, at the service's name
// (an INI section, a YAML parent); its text is cut to the secret's line, or
// to the line before when the secret stands alone on its line (XML element
// text), so that reports and "match" allowlists see the assignment, not
// the lines between. It begins where the name it begins in begins.
func matchStart(r *rule, text []byte, start, secret int) int {
	if len(r.Names) == 0 {
		return start
	}
	// The name the match begins with, whole: myAcmeToken, not AcmeToken.
	for start > 0 && identChar(text[start-1]) {
		start--
	}
	ls := bytes.LastIndexByte(text[start:secret], '\n')
	if ls < 0 {
		return start
	}
	ls += start + 1
	if len(bytes.TrimSpace(text[ls:secret])) <= 2 && ls-1 > start {
		// The secret begins its line (after at most a quote or two).
		if prev := bytes.LastIndexByte(text[start:ls-1], '\n'); prev >= 0 {
			return start + prev + 1
		}
		return start
	}
	return ls
}

// maxChunk bounds the text one regex call sees. Each call copies its input
// into the regex engine's memory, which keeps the size of the largest input
// it saw; windows over long content are cut into overlapping chunks. A
// match longer than the overlap that straddles a cut can be missed; no
// secret is that long.
const maxChunk = 1 << 20

// chunks cuts windows longer than maxChunk into pieces that overlap by
// windowReach bytes.
func chunks(wins [][2]int) [][2]int {
	long := false
	for _, w := range wins {
		if w[1]-w[0] > maxChunk {
			long = true
			break
		}
	}
	if !long {
		return wins
	}
	var out [][2]int
	for _, w := range wins {
		for start := w[0]; ; start += maxChunk - windowReach {
			end := min(start+maxChunk, w[1])
			out = append(out, [2]int{start, end})
			if end == w[1] {
				break
			}
		}
	}
	return out
}

// secretSpan picks the secret out of a submatch index slice: group, or if
// it is 0 the first group that matched, not one of the groups marked in
// skip.
func secretSpan(loc []int, group int, skip uint64) (int, int) {
	if group > 0 {
		if 2*group+1 < len(loc) {
			return loc[2*group], loc[2*group+1]
		}
		return -1, -1
	}
	for g := 1; 2*g+1 < len(loc); g++ {
		if g < 64 && skip&(1<<g) != 0 {
			continue
		}
		if loc[2*g] >= 0 && loc[2*g+1] > loc[2*g] {
			return loc[2*g], loc[2*g+1]
		}
	}
	return loc[0], loc[1]
}

// position returns the 1-based line and byte column of off.
func (sc *scratch) position(off int) (line, col int) {
	i := sc.lineOf(off)
	return i + 1, off - sc.starts[i] + 1
}

// inlineAllowed reports whether an inline allow comment covers the match
// [start, end): on one of its lines, or a next-line allow on the line before.
func (d *Detector) inlineAllowed(content []byte, start, end int) bool {
	// The whole line, up to allowReach either side: a generated file's
	// long line carries its allow comment at its start, further from the
	// match than a rule's window reaches.
	lo := lineStartWithin(content, start, 0, allowReach)
	hi := lineEndWithin(content, max(start, end-1), 0, allowReach)
	if hasInlineAllow(content[lo:hi]) {
		return true
	}
	if lo > 0 && content[lo-1] == '\n' {
		prev := lineStartBefore(content, lo-1, 0)
		if bytes.Contains(content[prev:lo], []byte(inlineAllowNext)) {
			return true
		}
	}
	return false
}

// dedupe keeps one match per secret: when matches of several rules overlap
// (a GitHub token that the generic assignment rule also sees), the most
// specific rule wins (see rankOf).
func (d *Detector) dedupe(ms []Match) []Match {
	if len(ms) < 2 {
		return ms
	}
	slices.SortStableFunc(ms, func(a, b Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
	})
	out := ms[:0]
	for i := range ms {
		m := ms[i]
		drop := false
		for j := len(out) - 1; j >= 0; j-- {
			o := &out[j]
			if o.Start >= m.End || m.Start >= o.End {
				continue // no overlap
			}
			if o.token || m.token {
				// Matches decoded from a token were deduplicated in the
				// decoded text, where they do not overlap; placed at the
				// token, they overlap what the encoded form holds, which
				// stands for something else (see decodeRegions). Matches
				// in unescaped text are placed where they are written, and
				// compete with the others.
				continue
			}
			if !d.outranks(&m, o) {
				drop = true
				break
			}
			// m outranks o: o goes.
			out = append(out[:j], out[j+1:]...)
		}
		if !drop {
			out = append(out, m)
		}
	}
	return out
}

// outranks reports whether m's rule is more specific than o's (see
// rankOf): lower in rank; or of the same rank but for the rules' places,
// neither generic nor reading credential stores, when m's secret begins
// with a distinctive literal prefix and o's with no literal text at all
// (a rule that knows a vendor's format, and one that knows only the name
// the value is assigned to). A Paystack key (sk_test_ and 40 hex digits)
// assigned to paystack.SECRET_KEY is Paystack's, though the rule for a
// Django SECRET_KEY comes first in the rules file. How rules' secrets
// begin is worked out only when two such rules meet.
func (d *Detector) outranks(m, o *Match) bool {
	rm, ro := m.rank(), o.rank()
	if rm>>20 == ro>>20 && !m.rule.generic && m.rule != o.rule && !m.rule.readsStores() && !o.rule.readsStores() {
		d.shapeOnce.Do(d.vendorShapes)
		sm, so := d.startOf(m.rule), d.startOf(o.rule)
		if sm == distinctiveStart && so == noStart {
			return true
		}
		if so == distinctiveStart && sm == noStart {
			return false
		}
	}
	return rm < ro
}

// startKind is how a rule's secrets begin.
type startKind uint8

const (
	// noStart: with no literal text, or unknown.
	noStart startKind = iota
	// literalStart: with literal text, not distinctive ($, a word).
	literalStart
	// distinctiveStart: with a distinctive prefix (see distinctivePrefix).
	distinctiveStart
)

// startOf says how r's secrets begin (see vendorShapes).
func (d *Detector) startOf(r *rule) startKind {
	if r.index < 0 || r.index >= len(d.starts) {
		return noStart
	}
	return d.starts[r.index]
}

// rank is m's rule's rank, or for a weak value that of the same rule at
// the severity a weak value is reported with.
func (m *Match) rank() int {
	if m.weak {
		return m.rule.weakRank
	}
	return m.rule.rank
}

// rankOf orders rules for dedupe: rules not tagged generic first (a rule
// that knows the secret's format or its service is more specific than one
// that only reads the name it is assigned to, whatever their severities),
// then the most severe (at severity, which is the rule's own or, for its
// weak values, the one they are reported with), then by their place in the
// rules file.
func rankOf(r *rule, severity string) int {
	sevs := config.Severities()
	sev := slices.Index(sevs, severity)
	if sev < 0 {
		sev = slices.Index(sevs, "medium")
	}
	generic := 0
	if r.generic {
		generic = 1
	}
	return (generic*len(sevs)+sev)<<20 | r.index
}

// dashedPathPart reports whether the value at text[at:], joined by a
// dash or a dot to the words before it (acme-token-..., acme.key....),
// ends a path or a URL (https://acme.example/key-..., ./keys/acme.key....):
// a file's or a page's name, not a secret written next to the words that
// name it.
func dashedPathPart(text []byte, at int) bool {
	if at == 0 || text[at-1] != '-' && text[at-1] != '.' {
		return false
	}
	for i := at - 1; i > 0; i-- {
		switch text[i-1] {
		case ' ', '\t', '\n', '"', '\'', '`':
			return false
		case '/', '\\':
			return true
		}
	}
	return false
}

// jsonObjectStart reports whether v starts as a JSON object does: a brace,
// then a quoted member name (its quotes escaped or not) and a colon.
func jsonObjectStart(v []byte) bool {
	v, ok := bytes.CutPrefix(v, []byte("{"))
	if !ok {
		return false
	}
	v = bytes.TrimLeft(v, " \t")
	v, _ = bytes.CutPrefix(v, []byte(`\`))
	v, ok = bytes.CutPrefix(v, []byte(`"`))
	if !ok {
		return false
	}
	end := bytes.IndexByte(v, '"')
	if end <= 0 {
		return false
	}
	name := bytes.TrimSuffix(v[:end], []byte(`\`))
	if len(name) == 0 || bytes.ContainsAny(name, "\n{}") {
		return false
	}
	return bytes.HasPrefix(bytes.TrimLeft(v[end+1:], " \t"), []byte(":"))
}

// minifiedLineLen is the length from which a line of code counts as
// minified (see minifiedLine): a person's line of code is rarely a tenth
// of it.
const minifiedLineLen = 2000

// minifiedLine reports whether line is minified JavaScript: at least
// minifiedLineLen bytes that hold ten functions, returns or arrows or
// more (a bundler's output, whatever the file's name: _all.js, app.js, a
// script inlined in a page). A long line of data (a JSON document, a
// base64 blob, a CSV row) holds none of them.
func minifiedLine(line []byte) bool {
	if len(line) < minifiedLineLen {
		return false
	}
	n := 0
	for _, w := range [][]byte{[]byte("function"), []byte("return"), []byte("=>")} {
		n += bytes.Count(line, w)
		if n >= 10 {
			return true
		}
	}
	return false
}

// tokenShaped reports whether v looks like a token: 16 characters or more
// of letters, digits and the symbols of base64 and base64url, letters and
// digits both among them. Code (a member's chain, an operator, a call)
// holds other characters or no digit.
func tokenShaped(v []byte) bool {
	if len(v) < 16 {
		return false
	}
	letter, digit := false, false
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		case c == '-' || c == '_' || c == '+' || c == '/' || c == '=':
		default:
			return false
		}
	}
	return letter && digit
}
