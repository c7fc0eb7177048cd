package entropy

import (
	"math/rand"
	"testing"
)

// TestRandomFloorTable draws random values of each tabulated alphabet and
// length and checks that about one in a hundred falls under the table's
// floor: the table says what random values reach.
func TestRandomFloorTable(t *testing.T) {
	const draws = 4000
	// Each case draws from its own seeded source, so that the counts are
	// the same in every run (a map's order, or one source shared by the
	// cases, would change them from run to run).
	for _, alphabet := range []string{
		"0123456789abcdef",
		"0123456789abcdefghijklmnopqrstuvwxyz",
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/",
		"!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
	} {
		size := len(alphabet)
		for _, n := range []int{8, 12, 16, 20, 24, 32, 40} {
			r := rand.New(rand.NewSource(int64(size*100 + n)))
			floor := randomFloors[size][n-minRandomLen]
			under := 0
			b := make([]byte, n)
			for range draws {
				for i := range b {
					b[i] = alphabet[r.Intn(size)]
				}
				if Shannon(b) < floor {
					under++
				}
			}
			// 1% of 4000 is 40; the table rounds down, so fewer
			t.Logf("alphabet %d, length %d: %d under %.2f", size, n, under, floor)
			if under > 80 || under < 5 {
				t.Errorf("alphabet %d, length %d: %d of %d random values under %.2f, want about 1%%", size, n, under, draws, floor)
			}
		}
	}
}

// TestRandomFloorAlphabet: the alphabet is the smallest token alphabet
// the value fits, printable ASCII last, or the caller's if larger; a value
// without letters and digits both, of other characters (a space, a letter
// beyond ASCII), too short or too long, or a stated alphabet beyond 64
// letters has none.
func TestRandomFloorAlphabet(t *testing.T) {
	for _, tt := range []struct {
		value    string
		alphabet int
		want     float64
		ok       bool
	}{
		{"7e0c19ab44d2f08e", 0, randomFloors[16][8], true},
		{"7E0C19AB44D2F08E", 0, randomFloors[16][8], true},
		{"7e0c19ab44d2f08e", 62, randomFloors[62][8], true},
		{"7e0c19ab44d2f08e", 64, randomFloors[64][8], true},
		{"7e0c19ab44d2f08e", 32, randomFloors[36][8], true},
		{"k7e0c19ab44d2f08", 0, randomFloors[36][8], true},
		{"K7e0c19ab44d2f08", 0, randomFloors[62][8], true},
		{"k7e0c19ab44d2f0_", 0, randomFloors[64][8], true},
		{"k7e0c19ab44d2f0!", 0, randomFloors[94][8], true},
		{"k7e0c19ab44d2f0!", 64, randomFloors[94][8], true},
		{"7e0c19ab44d2f08e", 65, 0, false},
		{"k7e0c19ab44d2f0 ", 0, 0, false},
		{"k7e0c19ab44d2f0é", 0, 0, false},
		{"7301942285016644", 0, 0, false},
		{"abcdefghijklmnop", 0, 0, false},
		{"7e0c19a", 0, 0, false},
		{"7e0c19ab44d2f08e7e0c19ab44d2f08e7e0c19ab4", 0, 0, false},
	} {
		got, ok := RandomFloor([]byte(tt.value), tt.alphabet)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RandomFloor(%q, %d) = %.2f, %v; want %.2f, %v", tt.value, tt.alphabet, got, ok, tt.want, tt.ok)
		}
	}
}
