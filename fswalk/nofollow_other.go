//go:build !unix

package fswalk

const noFollow = 0
