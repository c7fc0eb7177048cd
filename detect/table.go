package detect

import (
	"bytes"

	"github.com/leakhound/leakhound/leak"
)

// Tables name a value by its column: a CSV file whose first line is a
// header ("name,password,host" over "svc,...,db1"), a Markdown table whose
// first row is ("| user | password |", a delimiter row "|---|---|", then
// "| svc | ... |"), a Confluence table whose header row doubles its bars
// ("||user||password||"). No rule's regex can see a header many lines
// above a row, so after the rules have run, tableRows writes each cell of
// a column whose header may name a secret as an assignment of its own,
// "password=...", and scans those lines with every rule: the rules judge
// the header as a name and the cell as its value, as they judge any
// assignment, and a match is reported at the cell.
//
// A row's first cell may be the name itself, the value in a later cell of
// three or more ("| API_KEY | prod | ... |"): a two-cell row is the rules'
// own (a table's row, see config's tableRow), a longer one is written as
// the first cell assigned each later cell.
//
// Finding a table is cheap where there is none: a CSV header is looked
// for in the first few lines of a fragment only, a Markdown table only
// where a line of a scanned region begins with a bar. Only rows in the
// scanned regions are written (a table's header may lie before them, in
// lines seen before).
const (
	// csvHeaderLines is how many lines from a fragment's start a CSV
	// header may be on (after a title or a blank line).
	csvHeaderLines = 3
	// minColumns and maxColumns bound a table with a header: narrower is
	// a name and its value (the rules' own), wider is a data dump whose
	// header says little of one cell.
	minColumns = 2
	maxColumns = 8
	// maxHeaderCell bounds a header's cell: a column's name, not prose.
	maxHeaderCell = 40
	// maxCSVHeaderWords bounds the words of a CSV header's cell: a
	// column's name ("API Key", "service account password"), not a
	// statement of code whose commas are an argument list's or an
	// import's ("from .jwt import get_token_from_request, get_user").
	maxCSVHeaderWords = 3
	// maxTableLines bounds the lines a table is walked back to find its
	// header, and tableBudget the bytes of assignments written per
	// fragment: a CSV dump of a million rows costs a bounded time.
	maxTableLines = 512
	tableBudget   = 256 << 10
)

// cellSpan is where a value cell of a table row lies in the content, and
// where its assignment's value lies in the synthetic text.
type cellSpan struct {
	s, e   int // the value in content
	p, q   int // the value in synth
	ls, le int // its row's line in content, without the line break
}

// tableWriter collects the assignments of a fragment's table cells.
type tableWriter struct {
	synth  []byte
	cells  []cellSpan
	budget int
}

// add writes name assigned to content[s:e], the cell of the row at
// content[ls:le]; it reports false past the budget.
func (w *tableWriter) add(content []byte, name []byte, s, e, ls, le int) bool {
	val := content[s:e]
	open, close := quoteFor(val)
	if open == 0 {
		return true
	}
	if w.budget < len(name)+len(val)+4 {
		return false
	}
	start := len(w.synth)
	w.synth = append(w.synth, name...)
	w.synth = append(w.synth, '=')
	if open != '=' {
		w.synth = append(w.synth, open)
	}
	p := len(w.synth)
	w.synth = append(w.synth, val...)
	q := len(w.synth)
	if close != '=' {
		w.synth = append(w.synth, close)
	}
	w.synth = append(w.synth, '\n')
	w.budget -= len(w.synth) - start
	w.cells = append(w.cells, cellSpan{s: s, e: e, p: p, q: q, ls: ls, le: le})
	return true
}

// quoteFor returns how a value is written in its assignment: '=' twice
// for unquoted (a value of a token's characters), a pair of quotes for
// one with characters an unquoted value cannot hold, 0 for a value no
// assignment holds alone (white space: a cell of prose).
func quoteFor(val []byte) (open, close byte) {
	if len(val) == 0 || bytes.ContainsAny(val, " \t\n") {
		return 0, 0
	}
	if !bytes.ContainsAny(val, "'\"`\\<>;,()[]{}&|=") {
		return '=', '='
	}
	if bytes.IndexByte(val, '"') < 0 && bytes.IndexByte(val, '\\') < 0 {
		return '"', '"'
	}
	if bytes.IndexByte(val, '\'') < 0 && bytes.IndexByte(val, '\\') < 0 {
		return '\'', '\''
	}
	return 0, 0
}

// secretish reports whether a column's or a cell's name may name a
// secret: whether it holds one of the fragments of the rules' secret
// words. The rules judge the name; this only spares them cells no rule
// could report.
func secretish(name []byte) bool {
	var low [maxHeaderCell]byte
	if len(name) > len(low) {
		return false
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	l := low[:len(name)]
	for _, w := range secretFragments {
		if bytes.Contains(l, w) {
			return true
		}
	}
	return false
}

// secretFragments are pieces of the default rules' secret words (pw is in
// pwd, bindpw and rootpw; pass in passwd and passphrase; pat, a personal
// access token).
var secretFragments = [][]byte{
	[]byte("pass"), []byte("pw"), []byte("secret"), []byte("token"), []byte("key"),
	[]byte("cred"), []byte("auth"), []byte("bearer"), []byte("pat"),
}

// columnName returns a header cell as a name ("API Key" as API_Key, with
// backticks, quotes and emphasis taken off), or nil if the cell is no
// column's name.
func columnName(cell []byte) []byte {
	cell = bytes.Trim(cell, " \t`*_\"'")
	if len(cell) == 0 || len(cell) > maxHeaderCell {
		return nil
	}
	out := make([]byte, 0, len(cell))
	space := false
	for _, c := range cell {
		switch {
		case c == ' ' || c == '\t':
			space = true
			continue
		case !identChar(c):
			return nil
		}
		if space {
			out = append(out, '_')
			space = false
		}
		out = append(out, c)
	}
	return out
}

// words returns how many words, parted by white space, cell holds.
func words(cell []byte) int { return len(bytes.Fields(cell)) }

// oneWord reports whether a cell is a name written as one word: an
// identifier, perhaps dotted or dashed.
func oneWord(cell []byte) bool {
	if len(cell) == 0 || len(cell) > maxHeaderCell {
		return false
	}
	for _, c := range cell {
		if !identChar(c) {
			return false
		}
	}
	return true
}

// splitCells appends to cells the [start, end) of each cell of the line
// content[ls:le] split at sep (outside double quotes when quoted), each
// trimmed of white space.
func splitCells(content []byte, ls, le int, sep byte, quoted bool, cells [][2]int) [][2]int {
	s := ls
	in := false
	for k := ls; k <= le; k++ {
		if k < le {
			c := content[k]
			if quoted && c == '"' {
				in = !in
				continue
			}
			if in || c != sep {
				continue
			}
		}
		a, b := s, k
		for a < b && (content[a] == ' ' || content[a] == '\t') {
			a++
		}
		for b > a && (content[b-1] == ' ' || content[b-1] == '\t') {
			b--
		}
		cells = append(cells, [2]int{a, b})
		s = k + 1
	}
	return cells
}

// unwrap takes a cell's quotes or backticks off: the value it holds.
func unwrap(content []byte, c [2]int) (int, int) {
	s, e := c[0], c[1]
	if e-s >= 2 {
		switch q := content[s]; q {
		case '"', '\'', '`':
			if content[e-1] == q {
				return s + 1, e - 1
			}
		}
	}
	return s, e
}

// tableRows finds the tables of content (see above), scans their cells as
// assignments and adds the matches, placed at the cells, to res.
func (d *Detector) tableRows(content []byte, sc *scratch, srcs []leak.Source, res *Result) {
	if sc.only != allRules {
		// A path the global allowlists skip, or a message: only the rules
		// picked to run there run, and a table's cells are the generic
		// rules'.
		return
	}
	w := tableWriter{budget: tableBudget}
	d.csvTable(content, sc, &w)
	if bytes.IndexByte(content, '|') >= 0 {
		d.markdownTables(content, sc, &w)
	}
	if len(w.cells) == 0 {
		return
	}
	ms := d.scanDecoded(w.synth, nil, srcs, sc.only, maxDecodeDepth, &budget{}, res)
	for _, m := range ms {
		var c *cellSpan
		for i := range w.cells {
			if m.Start >= w.cells[i].p && m.End <= w.cells[i].q {
				c = &w.cells[i]
				break
			}
		}
		if c == nil || m.Decoded != "" {
			continue
		}
		s := c.s + m.Start - c.p
		e := c.s + m.End - c.p
		m.Start, m.End = s, e
		m.span = [2]int{s, e}
		m.Line, m.Column = sc.position(s)
		m.EndLine, m.EndColumn = sc.position(e - 1)
		m.Text = string(content[c.ls:c.le])
		m.lineText = m.Text
		res.Matches = append(res.Matches, m)
	}
}

// inRegions reports whether the line content[ls:le] lies in one of sc's
// regions: whether it is scanned.
func (sc *scratch) inRegions(ls int) bool {
	for _, r := range sc.regions {
		if ls >= r[0] && ls < r[1] {
			return true
		}
	}
	return false
}

// lineAt returns the bounds of line i of sc (without its line break).
func (sc *scratch) lineAt(content []byte, i int) (int, int) {
	ls, le := sc.starts[i], sc.starts[i+1]
	if le > ls && content[le-1] == '\n' {
		le--
	}
	return ls, le
}

// csvTable writes the cells of a CSV (or TSV, or semicolon-separated)
// table whose header is one of the first lines of content.
func (d *Detector) csvTable(content []byte, sc *scratch, w *tableWriter) {
	n := len(sc.starts) - 1
	var cells [][2]int
	for i := 0; i < n && i < csvHeaderLines; i++ {
		ls, le := sc.lineAt(content, i)
		if _, bar := barLine(content, ls, le); ls == le || bar {
			continue
		}
		sep := byte(0)
		for _, c := range []byte{',', '\t', ';'} {
			if k := bytes.IndexByte(content[ls:le], c); k >= 0 {
				sep = c
				break
			}
		}
		if sep == 0 {
			continue
		}
		cells = splitCells(content, ls, le, sep, true, cells[:0])
		if len(cells) < minColumns || len(cells) > maxColumns {
			continue
		}
		var names [maxColumns][]byte
		named := false
		for k, c := range cells {
			a, b := unwrap(content, c)
			names[k] = columnName(content[a:b])
			if names[k] == nil || words(content[a:b]) > maxCSVHeaderWords {
				named = false
				break
			}
			if secretish(names[k]) {
				named = true
			} else {
				names[k] = nil
			}
		}
		if !named {
			continue
		}
		width := len(cells)
		for j := i + 1; j < n; j++ {
			rs, re := sc.lineAt(content, j)
			if !sc.inRegions(rs) {
				continue
			}
			cells = splitCells(content, rs, re, sep, true, cells[:0])
			if len(cells) != width {
				continue
			}
			for k, c := range cells {
				if names[k] == nil {
					continue
				}
				a, b := unwrap(content, c)
				if !w.add(content, names[k], a, b, rs, re) {
					return
				}
			}
		}
		return
	}
}

// barLine reports whether line content[ls:le] begins with a bar (after
// indentation), and where the bar is.
func barLine(content []byte, ls, le int) (int, bool) {
	for k := ls; k < le; k++ {
		switch content[k] {
		case ' ', '\t':
			continue
		case '|':
			return k, true
		}
		return 0, false
	}
	return 0, false
}

// delimiterRow reports whether content[ls:le] is a Markdown table's
// delimiter row: bars, dashes, colons and white space, with a dash.
func delimiterRow(content []byte, ls, le int) bool {
	dash := false
	for _, c := range content[ls:le] {
		switch c {
		case '-':
			dash = true
		case '|', ':', ' ', '\t', '+', '=':
		default:
			return false
		}
	}
	return dash
}

// rowCells returns the cells of a table's row that begins with a bar at
// bar and ends at le: the text between its bars (a Confluence header's
// double bars count as one).
func rowCells(content []byte, bar, le int, cells [][2]int) [][2]int {
	s := bar + 1
	if s < le && content[s] == '|' {
		s++
	}
	e := le
	for e > s && (content[e-1] == ' ' || content[e-1] == '\t') {
		e--
	}
	if e > s && content[e-1] == '|' {
		e--
		if e > s && content[e-1] == '|' {
			e--
		}
	}
	cells = splitCells(content, s, e, '|', false, cells)
	// A Confluence header's "||" leaves an empty cell between names.
	out := cells[:0]
	for _, c := range cells {
		if c[0] == c[1] && e > s && bytes.Contains(content[s:e], []byte("||")) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// markdownTables writes the cells of the Markdown and Confluence tables
// that have rows in content's scanned regions.
func (d *Detector) markdownTables(content []byte, sc *scratch, w *tableWriter) {
	n := len(sc.starts) - 1
	var cells [][2]int
	done := -1 // the last line of the last table written
	for _, reg := range sc.regions {
		for i := sc.lineOf(reg[0]); i < n && sc.starts[i] < reg[1]; i++ {
			if i <= done {
				continue
			}
			ls, le := sc.lineAt(content, i)
			if _, ok := barLine(content, ls, le); !ok {
				continue
			}
			// The table's first and last lines.
			first := i
			for first > 0 && i-first < maxTableLines {
				ps, pe := sc.lineAt(content, first-1)
				if _, ok := barLine(content, ps, pe); !ok {
					break
				}
				first--
			}
			last := i
			for last+1 < n {
				ns, ne := sc.lineAt(content, last+1)
				if _, ok := barLine(content, ns, ne); !ok {
					break
				}
				last++
			}
			done = last
			if !d.markdownTable(content, sc, first, last, cells, w) {
				return
			}
		}
	}
}

// markdownTable writes the cells of the table on lines first to last; it
// reports false past the writer's budget.
func (d *Detector) markdownTable(content []byte, sc *scratch, first, last int, cells [][2]int, w *tableWriter) bool {
	var names [maxColumns][]byte
	width := 0
	rows := first
	hs, he := sc.lineAt(content, first)
	hb, _ := barLine(content, hs, he)
	confluence := hb+1 < he && content[hb+1] == '|'
	ds, de := 0, 0
	if first < last {
		ds, de = sc.lineAt(content, first+1)
	}
	if confluence || first < last && delimiterRow(content, ds, de) {
		cells = rowCells(content, hb, he, cells[:0])
		if len(cells) >= minColumns && len(cells) <= maxColumns {
			width = len(cells)
			for k, c := range cells {
				a, b := unwrap(content, c)
				if nm := columnName(content[a:b]); nm != nil && secretish(nm) {
					names[k] = nm
				}
			}
		}
		rows = first + 1
		if !confluence {
			rows++
		}
	}
	for j := rows; j <= last; j++ {
		rs, re := sc.lineAt(content, j)
		if !sc.inRegions(rs) {
			continue
		}
		bar, _ := barLine(content, rs, re)
		cells = rowCells(content, bar, re, cells[:0])
		if width > 0 && len(cells) == width {
			for k, c := range cells {
				if names[k] == nil {
					continue
				}
				a, b := unwrap(content, c)
				if !w.add(content, names[k], a, b, rs, re) {
					return false
				}
			}
		}
		// A row whose first cell names a secret, its value in a later
		// cell of three or more.
		if len(cells) < 3 || len(cells) > maxColumns {
			continue
		}
		a, b := unwrap(content, cells[0])
		if !oneWord(content[a:b]) || !secretish(content[a:b]) {
			continue
		}
		name := content[a:b]
		for _, c := range cells[1:] {
			s, e := unwrap(content, c)
			if !w.add(content, name, s, e, rs, re) {
				return false
			}
		}
	}
	return true
}
