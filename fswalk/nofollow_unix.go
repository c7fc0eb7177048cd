//go:build unix

package fswalk

import "syscall"

const noFollow = syscall.O_NOFOLLOW
