package main

import (
	"os"
	"path/filepath"
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

// FuzzGitHubEvent feeds arbitrary event files to the GitHub Actions range
// detection, for every kind of event it knows: an error or a range, never a
// panic.
func FuzzGitHubEvent(f *testing.F) {
	f.Add([]byte(`{"number": 7, "pull_request": {"base": {"sha": "` + strings.Repeat("a", 40) + `", "ref": "main"}, "head": {"sha": "` + strings.Repeat("b", 40) + `", "ref": "x"}}}`))
	f.Add([]byte(`{"before": "` + strings.Repeat("0", 40) + `", "after": "` + strings.Repeat("b", 40) + `", "ref": "refs/heads/x", "created": true}`))
	f.Add([]byte(`{"merge_group": {"base_sha": "a", "head_sha": "b"}}`))
	f.Add([]byte(`{"pull_request": null}`))
	f.Add([]byte(`[]`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "event.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, event := range []string{"pull_request", "pull_request_target", "push", "merge_group", "schedule"} {
			env := map[string]string{"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": path, "GITHUB_SHA": strings.Repeat("c", 40)}
			githubRange(func(k string) string { return env[k] })
		}
	})
}
