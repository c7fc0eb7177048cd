//go:build linux

package gitwalk

import (
	"context"
	"fmt"
	"syscall"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
)

// Under an address-space limit (ulimit -v) no pack is mapped: the scan
// reads with pread, and finds the same blobs.
func TestNoMappedPackUnderAddressLimit(t *testing.T) {
	g := gittest.New(t)
	for i := range 3 {
		g.Write(fmt.Sprintf("f%d.txt", i), fmt.Sprintf("content %d\n", i)).Commit(fmt.Sprintf("commit %d", i))
	}
	g.Repack(false)
	scan := func() (mapped bool, blobs int) {
		r, err := Open(g.Dir)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		p, err := r.Plan(context.Background(), Options{}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = r.Scan(context.Background(), p, ScanOptions{Workers: 1}, nil, func(*leak.Fragment) error {
			blobs++
			return nil
		}, func(item string, err error) error { return fmt.Errorf("%s: %w", item, err) })
		if err != nil {
			t.Fatal(err)
		}
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
	g := gittest.New(t)
	for i := range 3 {
		g.Write(fmt.Sprintf("f%d.txt", i), fmt.Sprintf("content %d\n", i)).Commit(fmt.Sprintf("commit %d", i))
	}
	g.Repack(false)
	r, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p, err := r.Plan(context.Background(), Options{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
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
