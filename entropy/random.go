package entropy

// randomFloors holds, for each token alphabet, the first percentile of
// the Shannon entropy of a value of n characters drawn uniformly from
// that alphabet, for n from minRandomLen to maxRandomLen: the entropy
// that 99 in 100 random values of that length and alphabet reach. A short
// value cannot reach a floor set for long ones however random it is: 16
// random hex characters score 3.2 bits per byte on average and under 2.66
// one time in a hundred, where 40 score 3.7 and under 3.4. Tabulated
// from 100,000 values drawn per length and alphabet (rounded down to the
// hundredth).
var randomFloors = map[int]*[maxRandomLen - minRandomLen + 1]float64{
	16: {1.90, 2.05, 2.16, 2.29, 2.35, 2.44, 2.54, 2.60, 2.65, 2.72, 2.79, 2.83, 2.90, 2.92, 2.97, 3.00, 3.04, 3.07, 3.11, 3.13, 3.16, 3.19, 3.21, 3.23, 3.26, 3.28, 3.30, 3.32, 3.34, 3.36, 3.37, 3.39, 3.40},
	36: {2.15, 2.41, 2.52, 2.66, 2.75, 2.87, 2.98, 3.05, 3.14, 3.21, 3.28, 3.32, 3.40, 3.46, 3.51, 3.55, 3.60, 3.65, 3.69, 3.73, 3.76, 3.79, 3.83, 3.87, 3.90, 3.92, 3.95, 3.97, 4.00, 4.04, 4.06, 4.07, 4.10},
	62: {2.40, 2.64, 2.72, 2.84, 3.02, 3.08, 3.18, 3.32, 3.32, 3.45, 3.50, 3.57, 3.64, 3.68, 3.75, 3.82, 3.85, 3.92, 3.95, 4.00, 4.03, 4.09, 4.12, 4.17, 4.20, 4.24, 4.27, 4.30, 4.32, 4.36, 4.39, 4.42, 4.44},
	64: {2.40, 2.64, 2.72, 2.84, 3.02, 3.08, 3.18, 3.32, 3.37, 3.45, 3.53, 3.57, 3.64, 3.71, 3.78, 3.82, 3.88, 3.93, 3.97, 4.03, 4.06, 4.11, 4.14, 4.18, 4.22, 4.24, 4.27, 4.32, 4.35, 4.37, 4.41, 4.43, 4.46},
	94: {2.50, 2.64, 2.84, 2.91, 3.08, 3.18, 3.32, 3.37, 3.45, 3.57, 3.64, 3.68, 3.78, 3.84, 3.91, 3.96, 4.02, 4.08, 4.13, 4.18, 4.20, 4.25, 4.30, 4.34, 4.39, 4.41, 4.45, 4.49, 4.53, 4.55, 4.57, 4.61, 4.65},
}

const (
	minRandomLen = 8
	maxRandomLen = 40
)

// RandomFloor returns the entropy in bits per byte that 99 in 100 random
// values of b's length reach when drawn from b's token alphabet or from
// one of at least alphabet letters, whichever is larger, and whether it
// knows one. b's alphabet is the smallest of: hex (digits and a-f, or
// digits and A-F, 16 letters), digits and letters of one case (36), of
// both cases (62), those and + / - _ (64), every printable ASCII
// character but the space (94: a password manager's draw, nCzx8A8#!);
// alphabet is the size of the alphabet a rule's format states, or 0 when
// it states none (the value's own alphabet is then the one). b must mix
// letters and digits, as a generated token does (a word or an identifier
// does not), and be 8 to 40 bytes long: longer random values reach any
// floor a rule sets. For any other b, or a stated alphabet of more than
// 64 letters, it returns 0, false.
//
// A rule's floor, set for long values, is above this for short ones: a
// caller may take the lower of the two. A value of hex under a rule whose
// format states 64 letters is judged as a draw of those 64: a hex digest
// does not pass for a base64 key.
func RandomFloor(b []byte, alphabet int) (float64, bool) {
	if len(b) < minRandomLen || len(b) > maxRandomLen || alphabet > 64 {
		return 0, false
	}
	var digit, lowHex, upHex, lower, upper, sym, punct bool
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'f':
			lowHex = true
		case c >= 'A' && c <= 'F':
			upHex = true
		case c >= 'g' && c <= 'z':
			lower = true
		case c >= 'G' && c <= 'Z':
			upper = true
		case c == '+' || c == '/' || c == '-' || c == '_':
			sym = true
		case c > ' ' && c < 0x7f:
			punct = true
		default:
			return 0, false
		}
	}
	low, up := lowHex || lower, upHex || upper
	if !digit || !low && !up {
		return 0, false
	}
	size := 36
	switch {
	case punct:
		size = 94
	case sym:
		size = 64
	case low && up:
		size = 62
	case !lower && !upper:
		size = 16
	}
	size = max(size, alphabet)
	for _, k := range [...]int{16, 36, 62, 64, 94} {
		if size <= k {
			return randomFloors[k][len(b)-minRandomLen], true
		}
	}
	return 0, false
}
