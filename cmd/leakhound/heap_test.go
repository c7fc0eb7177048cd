package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"
)

func TestHeapMid(t *testing.T) {
	runtime.MemProfileRate = 4096
	path := os.Getenv("LEAKHOUND_BENCH_REPO")
	if path == "" {
		t.Skip()
	}
	go func() {
		for i := 1; i < 12; i++ {
			time.Sleep(time.Second)
			runtime.GC()
			runtime.GC()
			f, _ := os.Create(fmt.Sprintf("/tmp/heap%d.prof", i))
			pprof.WriteHeapProfile(f)
			f.Close()
		}
	}()
	scanGit(context.Background(), engineOptions{threads: 1}, gitTarget{path: path}, io.Discard)
}
