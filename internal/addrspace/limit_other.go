//go:build !unix

package addrspace

func limit() uint64 { return 0 }
