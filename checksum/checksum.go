// Package checksum verifies the checksums that some credential formats
// carry: a token whose checksum holds was made by its issuer's generator,
// one whose checksum fails was typed or made up (a test's fixture, a
// documentation's stand-in). It knows each kind by name; a rule names the
// kind of its format (see package config), and triage weighs the verdict.
package checksum

import (
	"hash/crc32"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// Verdict is what a checksum says of a token.
type Verdict int

const (
	// NotApplicable means the token is not in the checksummed shape of its
	// kind (another length, another generation of the format): the
	// checksum says nothing.
	NotApplicable Verdict = iota
	// Valid means the checksum holds.
	Valid
	// Invalid means the token is in the checksummed shape and its checksum
	// fails.
	Invalid
)

// String returns "n/a", "valid" or "invalid".
func (v Verdict) String() string {
	switch v {
	case Valid:
		return "valid"
	case Invalid:
		return "invalid"
	}
	return "n/a"
}

// kinds maps each kind's name to its check.
var kinds = map[string]func(string) Verdict{
	// GitHub's token format of 2021 (ghp_, gho_, ghu_, ghs_, ghr_; npm's
	// npm_ follows it): the prefix and its underscore, 30 letters and
	// digits, then their CRC-32 in 6 base-62 digits (0-9A-Za-z), padded
	// with zeros. Other lengths (longer tokens of later formats) are not
	// checked.
	"github": github,
	// Atlassian's API, access and app-password tokens (ATATT3, ATCTT3,
	// ATBB): the last 8 characters are the CRC-32 of all those before
	// them, in hexadecimal.
	"atlassian": atlassian,
	// Grafana's service account tokens (glsa_, 32 letters and digits, _,
	// 8 hex digits): the CRC-32 of all before the last underscore, its
	// bytes little-endian in hexadecimal.
	"grafana": grafana,
	// Bech32 (BIP 173): a human-readable part, "1" and data characters
	// whose last six are a BCH checksum over both; age's secret keys
	// (AGE-SECRET-KEY-1...) are written so, in upper case.
	"bech32": bech32,
}

// Names returns the names of the kinds, sorted.
func Names() []string {
	return slices.Sorted(maps.Keys(kinds))
}

// Known reports whether name is a kind of checksum.
func Known(name string) bool {
	_, ok := kinds[name]
	return ok
}

// Check returns the verdict of kind name's checksum on token; an unknown
// kind says nothing (NotApplicable).
func Check(name, token string) Verdict {
	if f, ok := kinds[name]; ok {
		return f(token)
	}
	return NotApplicable
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Base62CRC returns the CRC-32 (IEEE) of body in 6 base-62 digits,
// padded with zeros: the checksum of GitHub's tokens.
func Base62CRC(body string) string {
	n := crc32.ChecksumIEEE([]byte(body))
	var b [6]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = base62[n%62]
		n /= 62
	}
	return string(b[:])
}

func github(token string) Verdict {
	i := strings.IndexByte(token, '_')
	if i < 0 {
		return NotApplicable
	}
	rest := token[i+1:]
	if len(rest) != 36 || strings.Trim(rest, base62) != "" {
		return NotApplicable
	}
	if Base62CRC(rest[:30]) == rest[30:] {
		return Valid
	}
	return Invalid
}

func atlassian(token string) Verdict {
	if len(token) < 9 {
		return NotApplicable
	}
	sum, err := strconv.ParseUint(token[len(token)-8:], 16, 32)
	if err != nil {
		return Invalid
	}
	if uint32(sum) == crc32.ChecksumIEEE([]byte(token[:len(token)-8])) {
		return Valid
	}
	return Invalid
}

func grafana(token string) Verdict {
	i := strings.LastIndexByte(token, '_')
	if i < 0 || len(token)-i-1 != 8 {
		return NotApplicable
	}
	sum, err := strconv.ParseUint(token[i+1:], 16, 32)
	if err != nil {
		return Invalid
	}
	if uint32(sum) == bits.ReverseBytes32(crc32.ChecksumIEEE([]byte(token[:i]))) {
		return Valid
	}
	return Invalid
}

const bech32Chars = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

func bech32(token string) Verdict {
	s := strings.ToLower(token)
	if s != token && strings.ToUpper(token) != token {
		return Invalid // BIP 173: one case throughout
	}
	sep := strings.LastIndexByte(s, '1')
	if sep < 1 || len(s)-sep-1 < 6 {
		return NotApplicable
	}
	hrp, data := s[:sep], s[sep+1:]
	values := make([]byte, 0, 2*len(hrp)+1+len(data))
	for i := 0; i < len(hrp); i++ {
		if hrp[i] < 33 || hrp[i] > 126 {
			return Invalid
		}
		values = append(values, hrp[i]>>5)
	}
	values = append(values, 0)
	for i := 0; i < len(hrp); i++ {
		values = append(values, hrp[i]&31)
	}
	for i := 0; i < len(data); i++ {
		v := strings.IndexByte(bech32Chars, data[i])
		if v < 0 {
			return Invalid
		}
		values = append(values, byte(v))
	}
	if polymod(values) == 1 {
		return Valid
	}
	return Invalid
}

// polymod is BIP 173's checksum function.
func polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := 0; i < 5; i++ {
			if (top>>i)&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}
