//go:build linux

package gitwalk

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"unsafe"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
)

// packedRepo returns a repository of n commits, the i-th adding the file
// that file(i) names and holds, all in one pack.
func packedRepo(t *testing.T, n int, file func(i int) (name, content string)) *gittest.Repo {
	t.Helper()
	g := gittest.New(t)
	for i := range n {
		name, content := file(i)
		g.Write(name, content).Commit(fmt.Sprintf("commit %d", i))
	}
	g.Repack(false)
	return g
}

// smallFile is the i-th file of a small history.
func smallFile(i int) (string, string) {
	return fmt.Sprintf("f%d.txt", i), fmt.Sprintf("content %d\n", i)
}

// openPlanned opens the repository at dir and plans all its refs; the
// repository is closed when the test ends.
func openPlanned(t *testing.T, dir string) (*Repo, *Plan) {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	p, err := r.Plan(context.Background(), Options{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r, p
}

// scanBlobs scans p's blobs with workers workers and returns how many it
// read.
func scanBlobs(t *testing.T, r *Repo, p *Plan, workers int) int64 {
	t.Helper()
	var blobs atomic.Int64 // workers call back concurrently
	err := r.Scan(context.Background(), p, ScanOptions{Workers: workers}, nil, func(*leak.Fragment) error {
		blobs.Add(1)
		return nil
	}, func(item string, err error) error { return fmt.Errorf("%s: %w", item, err) })
	if err != nil {
		t.Fatal(err)
	}
	return blobs.Load()
}

// Under an address-space limit (ulimit -v) no pack is mapped: the scan
// reads with pread, and finds the same blobs.
func TestNoMappedPackUnderAddressLimit(t *testing.T) {
	g := packedRepo(t, 3, smallFile)
	scan := func() (mapped bool, blobs int64) {
		r, p := openPlanned(t, g.Dir)
		blobs = scanBlobs(t, r, p, 1)
		return r.packIndexes().maps[0].data != nil, blobs
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &old); err != nil {
		t.Fatal(err)
	}
	if old.Cur != ^uint64(0) {
		t.Fatalf("the tests run under an address-space limit (%d): run them without one", old.Cur)
	}
	mapped, want := scan()
	if !mapped || want != 3 {
		t.Fatalf("without a limit: mapped %v, %d blobs", mapped, want)
	}
	// The largest finite limit: never reached, but a limit.
	limited := old
	limited.Cur = ^uint64(0) - 1
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &limited); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &old); err != nil {
			t.Fatal(err)
		}
	}()
	if mapped, got := scan(); mapped || got != want {
		t.Fatalf("under a limit: mapped %v, %d blobs (want unmapped, %d)", mapped, got, want)
	}
}

// A walk reads the pack mapped into memory too (half the cost per byte of
// reading through a buffer), and its readers give the pages back as they
// go: after Plan alone the pack is mapped, and the walk's reader has
// counted its reads towards the next drop.
func TestWalkReadsMappedPack(t *testing.T) {
	r, p := openPlanned(t, packedRepo(t, 3, smallFile).Dir)
	if p.Blobs() != 3 {
		t.Errorf("%d blobs planned, want 3", p.Blobs())
	}
	if r.packIndexes().maps[0].data == nil {
		t.Error("the walk read the pack without mapping it")
	}
	objs := r.newObjects(1<<20, false).readMappedForWalk()
	defer objs.close()
	for _, h := range p.order {
		if _, _, err := objs.byID(h, 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	if objs.or.dropEvery != walkDropEvery || objs.or.reads != len(p.order) {
		t.Errorf("%d reads counted towards a drop every %d, want %d towards %d", objs.or.reads, objs.or.dropEvery, len(p.order), walkDropEvery)
	}
}

// mappingRSS returns how many bytes of data, a mapping of this process,
// are resident, from /proc/self/smaps.
func mappingRSS(t *testing.T, data []byte) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	start := fmt.Sprintf("%x-", uintptr(unsafe.Pointer(unsafe.SliceData(data))))
	in := false
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) > 0 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			in = strings.HasPrefix(f[0], start)
			continue
		}
		if kb, ok := strings.CutPrefix(line, "Rss:"); in && ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n << 10
		}
	}
	t.Fatalf("no mapping at %s in /proc/self/smaps", start)
	return 0
}

// Readers of a mapped pack count what they may have made resident, an
// upper bound on what is (checked against the kernel's count); pages are
// given back only once that count passes the bound, which a small pack
// never does: giving pages back flushes every thread's view of the mapping,
// and doing it every few dozen objects cost a flask scan a tenth of its
// time.
func TestMappedPagesGivenBackPastBound(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	g := packedRepo(t, 48, func(i int) (string, string) {
		// Random text, which compresses little: the pack is some
		// megabytes.
		const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
		b := make([]byte, 48<<10)
		for j := range b {
			b[j] = alphabet[rnd.UintN(64)]
			if j%80 == 79 {
				b[j] = '\n'
			}
		}
		return fmt.Sprintf("f%d.bin", i), string(b)
	})
	r, p := openPlanned(t, g.Dir)
	ps := r.packIndexes()
	m := &ps.maps[0]
	if m.data == nil {
		t.Fatal("the pack is not mapped")
	}
	if ps.resident != mappedResident || int64(len(m.data)) > mappedResident {
		t.Fatalf("bound %d, pack %d bytes: want a pack under the default bound", ps.resident, len(m.data))
	}
	readAll := func() {
		t.Helper()
		objs := r.newObjects(1<<20, false).readMapped()
		defer objs.close()
		for _, h := range p.order {
			if _, _, err := objs.byID(h, 1<<30); err != nil {
				t.Fatal(err)
			}
		}
	}
	dropPages(m.data)
	m.touched.Store(0)
	readAll()
	rss, touched := mappingRSS(t, m.data), m.touched.Load()
	if rss < int64(len(m.data))/2 || touched < rss {
		t.Fatalf("after reading the pack (%d bytes): %d bytes resident, %d counted; want most of it resident and at least that counted", len(m.data), rss, touched)
	}
	// Under the bound: nothing is given back.
	ps.dropMapped()
	if got := mappingRSS(t, m.data); got != rss || m.touched.Load() != touched {
		t.Fatalf("under the bound: %d bytes resident, %d counted; want %d and %d, as before", got, m.touched.Load(), rss, touched)
	}
	// Past it: everything is, and the count starts again.
	ps.resident = min(touched, int64(len(m.data))) - 1
	ps.dropMapped()
	if got := mappingRSS(t, m.data); got != 0 || m.touched.Load() != 0 {
		t.Fatalf("past the bound: %d bytes resident, %d counted; want none", got, m.touched.Load())
	}
	// And a scan still reads every blob after pages were given back.
	ps.resident = 1
	if blobs := scanBlobs(t, r, p, 2); blobs != 48 {
		t.Fatalf("scan with a one-byte bound: %d blobs; want 48", blobs)
	}
}
