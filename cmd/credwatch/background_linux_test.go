package main

import (
	"runtime"
	"syscall"
	"testing"
)

// threadNice returns the nice value of the calling thread (the raw
// getpriority system call gives 20 minus it).
func threadNice(t *testing.T) int {
	t.Helper()
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		t.Fatal(err)
	}
	return 20 - p
}

func TestRunBackgroundLowersOnlyItsThread(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := threadNice(t)
	inside, ran := 0, false
	runBackground(func() { inside, ran = threadNice(t), true })
	if !ran {
		t.Fatal("f did not run")
	}
	if inside != backgroundNice {
		t.Errorf("f ran at nice %d, want %d", inside, backgroundNice)
	}
	if after := threadNice(t); after != before {
		t.Errorf("the caller's thread went from nice %d to %d", before, after)
	}
	// The thread f ran on is gone with it: work after it runs at the
	// process's priority.
	for range 20 {
		done := make(chan int)
		go func() { done <- threadNice(t) }()
		if n := <-done; n == backgroundNice && before != backgroundNice {
			t.Fatalf("a goroutine ran at the background priority after runBackground returned")
		}
	}
}

func TestRunBackgroundRaisesPanicInCaller(t *testing.T) {
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want the panic of f", r)
		}
	}()
	runBackground(func() { panic("boom") })
	t.Error("runBackground returned after f panicked")
}

func TestFavourInput(t *testing.T) {
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	t.Setenv("GOMAXPROCS", "")
	favourInput()
	if n := runtime.GOMAXPROCS(0); n != interactiveProcs {
		t.Errorf("GOMAXPROCS = %d, want %d", n, interactiveProcs)
	}
	runtime.GOMAXPROCS(1)
	t.Setenv("GOMAXPROCS", "1")
	favourInput()
	if n := runtime.GOMAXPROCS(0); n != 1 {
		t.Errorf("GOMAXPROCS = %d with GOMAXPROCS=1 in the environment, want 1", n)
	}
}
