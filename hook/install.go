package hook

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The hooks leakhound installs.
const (
	PrePush   = "pre-push"
	PreCommit = "pre-commit"
	// PreReceive is the server-side hook, for bare repositories that
	// receive pushes (see package hook/prereceive).
	PreReceive = "pre-receive"
)

// marker identifies hooks leakhound installed.
const marker = "# leakhound-hook v1"

// PrevSuffix names the hook that an installed leakhound hook chains to:
// the one that was there before.
const PrevSuffix = ".leakhound-prev"

// Installed says what Install did.
type Installed struct {
	// Path is the hook written.
	Path string
	// Kept is where a hook that was there is kept (and run first), or "".
	Kept string
}

// Install writes the hook kind (PrePush or PreCommit) into the hooks
// directory dir, running the leakhound binary at exe ("" for the one on
// PATH). A hook of leakhound's already there is rewritten; another hook is
// kept as <hook>.leakhound-prev and run first, unless a hook manager (the
// pre-commit framework, husky, lefthook) wrote it, which would overwrite
// leakhound's hook: then Install refuses, unless force.
func Install(dir, kind, exe string, force bool) (Installed, error) {
	path := filepath.Join(dir, kind)
	res := Installed{Path: path}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, fmt.Errorf("create hooks directory: %w", err)
	}
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return res, fmt.Errorf("read existing hook: %w", err)
	case strings.Contains(string(old), marker):
		// Ours already: rewrite it in place (the binary path may have moved).
	default:
		if fw := framework(string(old)); fw != "" && !force {
			return res, fmt.Errorf("%s is managed by %s, which would overwrite leakhound's hook: add leakhound to %s's configuration instead (see the README), or use --force to chain to it anyway", path, fw, fw)
		}
		if _, err := os.Stat(path + PrevSuffix); err == nil {
			return res, fmt.Errorf("%s exists and so does %s from an earlier install: move one of them away first", path, path+PrevSuffix)
		}
		if err := os.Rename(path, path+PrevSuffix); err != nil {
			return res, fmt.Errorf("keep existing hook: %w", err)
		}
		res.Kept = path + PrevSuffix
	}
	if err := os.WriteFile(path, []byte(Script(kind, exe)), 0o755); err != nil {
		return res, fmt.Errorf("write hook: %w", err)
	}
	if err := os.Chmod(path, 0o755); err != nil {
		return res, fmt.Errorf("write hook: %w", err)
	}
	return res, nil
}

// Uninstalled says what Uninstall did.
type Uninstalled struct {
	Path string
	// Removed: leakhound's hook was removed; Restored: the hook it chained
	// to is back in its place; NotOurs: the hook there is not leakhound's,
	// and was left alone. All false: there was no hook.
	Removed, Restored, NotOurs bool
}

// Uninstall removes leakhound's hook kind from the hooks directory dir,
// restoring the hook it chained to.
func Uninstall(dir, kind string) (Uninstalled, error) {
	path := filepath.Join(dir, kind)
	res := Uninstalled{Path: path}
	old, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return res, nil
	} else if err != nil {
		return res, fmt.Errorf("read hook: %w", err)
	}
	if !strings.Contains(string(old), marker) {
		res.NotOurs = true
		return res, nil
	}
	if err := os.Remove(path); err != nil {
		return res, fmt.Errorf("remove hook: %w", err)
	}
	res.Removed = true
	if _, err := os.Stat(path + PrevSuffix); err == nil {
		if err := os.Rename(path+PrevSuffix, path); err != nil {
			return res, fmt.Errorf("restore previous hook: %w", err)
		}
		res.Restored = true
	}
	return res, nil
}

// framework names the hook manager that wrote a hook, if it is one that
// rewrites hooks itself.
func framework(script string) string {
	for _, fw := range []struct{ marker, name string }{
		{"pre-commit.com", "the pre-commit framework"},
		{"pre_commit", "the pre-commit framework"},
		{"husky", "husky"},
		{"lefthook", "lefthook"},
	} {
		if strings.Contains(script, fw.marker) {
			return fw.name
		}
	}
	return ""
}

// Script is the shell script of an installed hook of kind, running the
// leakhound at exe, or, when that is gone, the one on PATH.
func Script(kind, exe string) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString(marker + "\n")
	fmt.Fprintf(&b, "# Installed by `leakhound hook install`; remove with `leakhound hook uninstall`.\n")
	fmt.Fprintf(&b, "# Runs the leakhound recorded at install, or the one on PATH if that is gone.\n")
	fmt.Fprintf(&b, "# A hook that was here before is kept as %s%s and runs first.\n", kind, PrevSuffix)
	fmt.Fprintf(&b, "LEAKHOUND=%s\n", shellQuote(exe))
	b.WriteString("[ -n \"$LEAKHOUND\" ] && [ -x \"$LEAKHOUND\" ] || LEAKHOUND=leakhound\n")
	b.WriteString("hookdir=$(dirname \"$0\")\n")
	prev := "\"$hookdir/" + kind + PrevSuffix + "\""
	// Without a binary the hook fails closed, and says how to get going
	// again: "leakhound: not found" alone explains nothing.
	b.WriteString("if ! command -v \"$LEAKHOUND\" >/dev/null 2>&1; then\n")
	fmt.Fprintf(&b, "  recorded=%s\n", shellQuote(exe))
	fmt.Fprintf(&b, "  echo \"leakhound %s hook: the leakhound program is gone (not at ${recorded:-its recorded path}, none on PATH), so nothing was checked.\" >&2\n", kind)
	b.WriteString("  echo \"  Reinstall leakhound, then run 'leakhound hook install' in this repository again;\" >&2\n")
	fmt.Fprintf(&b, "  if [ -e %s ]; then\n", prev)
	fmt.Fprintf(&b, "    echo \"  or remove this hook, restoring the one it ran first: mv $hookdir/%s%s $0\" >&2\n", kind, PrevSuffix)
	b.WriteString("  else\n")
	b.WriteString("    echo \"  or remove this hook: rm $0\" >&2\n")
	b.WriteString("  fi\n")
	if kind == PreCommit || kind == PrePush {
		fmt.Fprintf(&b, "  echo \"  (git %s --no-verify skips the hook once.)\" >&2\n", map[string]string{PreCommit: "commit", PrePush: "push"}[kind])
	}
	b.WriteString("  exit 1\nfi\n")
	switch kind {
	case PrePush, PreReceive:
		b.WriteString("input=$(cat)\n")
		fmt.Fprintf(&b, "if [ -x %s ]; then\n  printf '%%s\\n' \"$input\" | %s \"$@\" || exit $?\nfi\n", prev, prev)
		fmt.Fprintf(&b, "printf '%%s\\n' \"$input\" | \"$LEAKHOUND\" hook %s \"$@\"\n", kind)
	default:
		fmt.Fprintf(&b, "if [ -x %s ]; then\n  %s \"$@\" || exit $?\nfi\n", prev, prev)
		b.WriteString("exec \"$LEAKHOUND\" hook pre-commit\n")
	}
	return b.String()
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
