// Package addrspace turns a process's address-space limit (RLIMIT_AS, as
// `ulimit -v` sets it, and as git servers and CI containers often set it)
// into a clear error, instead of a panic deep in the regex engine.
//
// The regex engine, go-re2, runs RE2 compiled to WebAssembly, and reserves
// its linear memory up front, the first time a regex is compiled: 4 GiB of
// address space in the stock module (see the README's Limits for the
// release build, which reserves a sixteenth of the limit). The Go runtime
// itself reserves about 1.1 GB at start. Under a lower limit the
// reservation fails, and go-re2 panics; after that it cannot be used in
// the process. StartRegexEngine makes that happen first, in one place, as
// an error that names the limit.
//
// The package knows nothing of rules or scans.
package addrspace

import (
	"errors"
	"fmt"

	re2 "github.com/wasilibs/go-re2"
)

// ErrTooLow is wrapped by errors about an address-space limit too low for
// leakhound to start its regex engine.
var ErrTooLow = errors.New("address-space limit too low")

// Limit returns the process's address-space limit in bytes (the soft
// RLIMIT_AS), or 0 when there is none or it cannot be known.
func Limit() uint64 { return limit() }

// StartRegexEngine starts the regex engine, as compiling the first regex
// would, and returns an error wrapping ErrTooLow, naming the limit, if it
// cannot reserve its memory. Call it once, before any regex is compiled;
// after an error, no regex can be compiled in the process.
func StartRegexEngine() (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		err = tooLow(r)
	}()
	_, err = re2.Compile(`a`)
	return err
}

// tooLow describes a failure to reserve the engine's memory, whose panic
// value was r.
func tooLow(r any) error {
	what := "its memory"
	if e, ok := r.(error); ok {
		what = "its memory (" + e.Error() + ")"
	}
	l := Limit()
	if l == 0 {
		return fmt.Errorf("%w: the regex engine could not reserve %s", ErrTooLow, what)
	}
	return fmt.Errorf("%w: the regex engine could not reserve %s under this process's address-space limit of %s (ulimit -v %d): "+
		"it reserves 4 GiB at start, and the Go runtime about 1.1 GB; raise the limit (ulimit -v unlimited, or at least 6.2 GB), "+
		"or use a release build of leakhound, which reserves a sixteenth of the limit (see the README's Limits)", ErrTooLow, what, gb(l), l/1024)
}

func gb(n uint64) string { return fmt.Sprintf("%.1f GB", float64(n)/1e9) }
