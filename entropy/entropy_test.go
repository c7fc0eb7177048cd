package entropy

import (
	"math"
	"testing"
)

func TestShannonKnownValues(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"", 0},
		{"aaaaaaaa", 0},
		{"ab", 1},
		{"abab", 1},
		{"abcd", 2},
		{"0123456789abcdef", 4},
		// p(a)=1/2, p(b)=1/4, p(c)=1/4: 0.5*1 + 2*0.25*2 = 1.5
		{"aabc", 1.5},
		// "é" is two bytes (0xc3 0xa9): two symbols, each 1/2.
		{"é", 1},
	}
	for _, tt := range tests {
		if got := Shannon([]byte(tt.in)); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Shannon(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestShannonAllBytes(t *testing.T) {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	if got := Shannon(b); math.Abs(got-8) > 1e-9 {
		t.Fatalf("Shannon(all 256 bytes) = %v, want 8", got)
	}
}
