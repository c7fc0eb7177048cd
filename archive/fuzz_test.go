package archive

import (
	"testing"
)

// FuzzWalk checks that Walk neither panics nor hands on more than its
// limits allow, whatever the bytes: seeded with an archive of each format,
// which the fuzzer damages.
func FuzzWalk(f *testing.F) {
	tr := tarOf(f, file{Name: "config/.env", Data: "A=1\n"})
	for _, seed := range [][]byte{
		zipOf(f, file{Name: "config/.env", Data: "A=1\n"}),
		tr,
		gzipOf(f, tr),
		xzOf(f, tr),
		zstdOf(f, tr),
	} {
		f.Add(seed)
	}
	lim := Limits{MaxEntrySize: 1 << 16, MaxTotal: 1 << 18}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got int
		Walk("fuzz", data, lim, func(e Entry) {
			if int64(len(e.Data)) > lim.MaxEntrySize {
				t.Fatalf("entry of %d bytes, over the limit", len(e.Data))
			}
			got += len(e.Data)
		}, func(Skipped) {})
		if int64(got) > lim.MaxTotal {
			t.Fatalf("%d bytes handed on, over the budget", got)
		}
	})
}

// TestDamagedStreams changes each byte of an xz and a zstd stream in turn,
// and truncates them at each length: Walk must not panic (the xz header
// parsing before the decompressor runs indexes the bytes it is given).
func TestDamagedStreams(t *testing.T) {
	t.Parallel()
	tr := tarOf(t, file{Name: "config/.env", Data: "A=1\n"})
	for _, good := range [][]byte{xzOf(t, tr), zstdOf(t, tr)} {
		for i := range good {
			for _, v := range []byte{good[i] ^ 0xff, 0, good[i] + 1} {
				data := append([]byte(nil), good...)
				data[i] = v
				Walk("x", data, Limits{}, func(Entry) {}, func(Skipped) {})
			}
			Walk("x", good[:i], Limits{}, func(Entry) {}, func(Skipped) {})
		}
	}
}
