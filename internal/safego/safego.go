// Package safego runs worker goroutines whose panics become errors.
//
// A panic in a goroutine other than main's kills the process with a stack
// trace, losing every finding so far. Workers started through Go report a
// panic as an error instead, naming only its kind, so that the command can
// write what it has and exit 2.
package safego

import (
	"fmt"

	"golang.org/x/sync/errgroup"
)

// Go runs f in g, turning a panic into an error.
func Go(g *errgroup.Group, f func() error) {
	g.Go(func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("internal error in a worker (please report it): %s", describe(r))
			}
		}()
		return f()
	})
}

// describe names a panic without its data: a runtime error's message holds
// only indices and types, but another value could hold content.
func describe(r any) string {
	if e, ok := r.(interface{ RuntimeError() }); ok {
		return fmt.Sprint(e)
	}
	return fmt.Sprintf("panic of type %T", r)
}
