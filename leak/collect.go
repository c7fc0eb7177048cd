package leak

import (
	"cmp"
	"slices"
	"sync"
)

// Collector merges occurrences of secrets into Findings: one Finding per
// fingerprint, located at its earliest introduction, with one Location per
// other file it was introduced in. It is safe for concurrent use.
type Collector struct {
	mu   sync.Mutex
	byFP map[string]*group
}

type group struct {
	f     Finding
	order int
	// files maps a file to its earliest occurrence there.
	files map[string]occurrence
}

type occurrence struct {
	loc   Location
	order int
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector {
	return &Collector{byFP: make(map[string]*group)}
}

// Add records f, an occurrence of a secret at f.Location. order is the
// Order of f's commit, or -1 outside git history; a smaller order is
// earlier. f.Fingerprint must be set.
func (c *Collector) Add(f Finding, order int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.byFP[f.Fingerprint]
	occ := occurrence{loc: f.Location, order: order}
	if g == nil {
		f.Locations = nil
		c.byFP[f.Fingerprint] = &group{f: f, order: order, files: map[string]occurrence{placeKey(&f.Location): occ}}
		return
	}
	if k := placeKey(&f.Location); !has(g.files, k) || earlier(occ, g.files[k]) {
		g.files[k] = occ
	}
	if earlier(occ, occurrence{loc: g.f.Location, order: g.order}) {
		f.Locations = nil
		g.f = f
		g.order = order
	}
}

// AddLocation records f as another place a secret already collected lives
// (a file it was renamed or copied to), without making it a finding of its
// own: it is ignored if no finding has f's fingerprint.
func (c *Collector) AddLocation(f Finding, order int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.byFP[f.Fingerprint]
	if g == nil {
		return
	}
	occ := occurrence{loc: f.Location, order: order}
	if k := placeKey(&f.Location); !has(g.files, k) || earlier(occ, g.files[k]) {
		g.files[k] = occ
	}
}

// Len returns the number of distinct secrets collected so far.
func (c *Collector) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byFP)
}

// Findings returns one Finding per distinct secret, in a deterministic order:
// by earliest introduction, then file, line, column and rule.
func (c *Collector) Findings() []Finding {
	c.mu.Lock()
	defer c.mu.Unlock()
	type keyed struct {
		f     Finding
		order int
	}
	out := make([]keyed, 0, len(c.byFP))
	for _, g := range c.byFP {
		f := g.f
		others := make([]occurrence, 0, len(g.files))
		for _, o := range g.files {
			if o.loc == f.Location {
				continue
			}
			others = append(others, o)
		}
		slices.SortFunc(others, func(a, b occurrence) int { return compareOcc(a, b) })
		f.Locations = make([]Location, len(others))
		for i, o := range others {
			f.Locations[i] = o.loc
		}
		out = append(out, keyed{f, g.order})
	}
	slices.SortFunc(out, func(a, b keyed) int {
		if c := compareOcc(occurrence{a.f.Location, a.order}, occurrence{b.f.Location, b.order}); c != 0 {
			return c
		}
		return cmp.Compare(a.f.RuleID, b.f.RuleID)
	})
	fs := make([]Finding, len(out))
	for i, k := range out {
		fs[i] = k.f
	}
	return fs
}

// placeKey is what a secret is located once in: a file (its earliest
// occurrence there), or one message (each commit's or tag's message is a
// place of its own).
func placeKey(l *Location) string {
	if l.Source == "" {
		return l.File
	}
	return l.Source + "\x00" + l.Commit + "\x00" + l.File
}

func has(m map[string]occurrence, k string) bool {
	_, found := m[k]
	return found
}

func earlier(a, b occurrence) bool { return compareOcc(a, b) < 0 }

func compareOcc(a, b occurrence) int {
	return cmp.Or(
		cmp.Compare(a.order, b.order),
		// At one commit, a file before a message: a file is what a
		// report points at first.
		cmp.Compare(a.loc.Source, b.loc.Source),
		cmp.Compare(a.loc.File, b.loc.File),
		cmp.Compare(a.loc.Line, b.loc.Line),
		cmp.Compare(a.loc.Column, b.loc.Column),
		cmp.Compare(a.loc.Commit, b.loc.Commit),
	)
}
