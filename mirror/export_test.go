package mirror

import "time"

// SetIdleTimeout sets how long a dumb HTTP server may send nothing, and
// returns a function that restores it.
func SetIdleTimeout(d time.Duration) func() {
	old := idleTimeout
	idleTimeout = d
	return func() { idleTimeout = old }
}
