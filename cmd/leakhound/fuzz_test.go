package main

import (
	"strings"
	"testing"
)

// FuzzPrePushInput feeds arbitrary standard input to the pre-push parser:
// every accepted update has well-formed object ids.
func FuzzPrePushInput(f *testing.F) {
	a, b := strings.Repeat("a", 40), strings.Repeat("0", 40)
	f.Add("refs/heads/main " + a + " refs/heads/main " + b + "\n")
	f.Add("refs/tags/v1 " + a + " refs/tags/v1 " + b + "\n(delete) " + b + " refs/heads/x " + a + "\n")
	f.Add("garbage\n")
	f.Add("\x00\xff \n\n")
	f.Fuzz(func(t *testing.T, input string) {
		ups, err := parsePrePush(strings.NewReader(input))
		if err != nil {
			return
		}
		for _, u := range ups {
			if !isObjectID(u.localSHA) || !isObjectID(u.remoteSHA) {
				t.Fatalf("accepted bad ids %q %q", u.localSHA, u.remoteSHA)
			}
		}
	})
}
