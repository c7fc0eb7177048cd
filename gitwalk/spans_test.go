package gitwalk

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Whatever the order workers ask in, spans hand out every blob exactly
// once, in batches of at most the size asked for, each a run of
// neighbours; a worker that runs out takes over what another has left.
func TestSpansShareOutEveryBlobOnce(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ n, workers, batch int }{
		{0, 2, 256}, {1, 2, 256}, {9239, 2, 256}, {1000, 3, 7}, {5, 4, 2}, {300, 1, 256},
	} {
		t.Run(fmt.Sprintf("%d/%d/%d", tc.n, tc.workers, tc.batch), func(t *testing.T) {
			s := newSpans(tc.n, tc.workers)
			seen := make([]int, tc.n)
			done := make([]bool, tc.workers)
			batches, given := 0, 0
			for left := tc.workers; left > 0; {
				w := rnd.IntN(tc.workers)
				if done[w] {
					continue
				}
				lo, hi := s.take(w, tc.batch)
				if lo == hi {
					if given != tc.n {
						t.Fatalf("worker %d is told to stop with %d of %d blobs left to others", w, tc.n-given, tc.n)
					}
					done[w] = true
					left--
					continue
				}
				if lo > hi || hi-lo > tc.batch {
					t.Fatalf("worker %d took [%d, %d)", w, lo, hi)
				}
				batches++
				given += hi - lo
				for i := lo; i < hi; i++ {
					seen[i]++
				}
			}
			for i, k := range seen {
				if k != 1 {
					t.Fatalf("blob %d handed out %d times", i, k)
				}
			}
			if want := (tc.n + tc.batch - 1) / tc.batch; batches < want {
				t.Errorf("%d batches, fewer than %d", batches, want)
			}
		})
	}
}
