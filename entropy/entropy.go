// Package entropy measures how random a byte string looks.
//
// It is a leaf package: it knows nothing of rules, git or findings.
package entropy

import "math"

// Shannon returns the Shannon entropy of b in bits per byte:
//
//	H = -Σ p(x) log2 p(x)
//
// over the distinct byte values x of b, where p(x) is the share of b's bytes
// equal to x. It is defined over bytes, not characters: a multi-byte UTF-8
// character counts as several symbols. The result lies between 0 (empty
// input, or one repeated byte) and 8 (every byte value equally often); a
// string of n distinct bytes scores log2(n). Random base64 of 40 characters
// scores about 5, random hex about 4 and English words about 3.
func Shannon(b []byte) float64 {
	if len(b) == 0 {
		return 0
	}
	var counts [256]int
	for _, c := range b {
		counts[c]++
	}
	n := float64(len(b))
	h := 0.0
	for _, c := range counts {
		if c == 0 {
			continue
		}
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h
}
