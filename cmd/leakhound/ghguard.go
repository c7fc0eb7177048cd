package main

import (
	"bytes"
	"io"
	"strings"
)

// ghGuard is a writer for the log of a GitHub Actions step: the runner
// reads each line of a step's output for workflow commands, a line that
// starts with "::" (after white space: ::add-mask::, ::set-output::,
// ::stop-commands::...) or that holds "##[" anywhere (the older syntax),
// so that a commit message or file name printed in the log could issue
// one. ghGuard neutralises both by inserting a backslash ("\::add-mask::",
// "#\#["), line by line; the annotations leakhound means to issue are
// written to Raw. Lines are written whole, so Flush must be called after
// the last write. It is not safe for concurrent use.
type ghGuard struct {
	w   io.Writer
	buf []byte
}

// Write buffers p and writes the complete lines it ends.
func (g *ghGuard) Write(p []byte) (int, error) {
	g.buf = append(g.buf, p...)
	i := bytes.LastIndexByte(g.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	var out []byte
	for _, line := range bytes.SplitAfter(g.buf[:i+1], []byte("\n")) {
		out = append(out, ghNeutral(string(line))...)
	}
	g.buf = append(g.buf[:0], g.buf[i+1:]...)
	if _, err := g.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is left of an unfinished line.
func (g *ghGuard) Flush() error {
	if len(g.buf) == 0 {
		return nil
	}
	_, err := io.WriteString(g.w, ghNeutral(string(g.buf)))
	g.buf = g.buf[:0]
	return err
}

// Raw is the writer below, for workflow commands meant as such.
func (g *ghGuard) Raw() io.Writer { return g.w }

// ghNeutral makes one line of a step's log inert to the runner: see
// ghGuard.
func ghNeutral(line string) string {
	line = strings.ReplaceAll(line, "##[", `#\#[`)
	trimmed := strings.TrimLeft(line, " \t\v\f\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u0085\u1680")
	if strings.HasPrefix(trimmed, "::") {
		return line[:len(line)-len(trimmed)] + `\` + trimmed
	}
	return line
}

// ghSafeError is an error whose message is inert in a GitHub step's log
// (see ghGuard); errors.Is and errors.As see the error it wraps.
type ghSafeError struct{ err error }

func (e ghSafeError) Error() string { return ghNeutral(e.err.Error()) }
func (e ghSafeError) Unwrap() error { return e.err }
