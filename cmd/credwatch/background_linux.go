package main

import "syscall"

// backgroundNice is the nice value of a background thread: the lowest
// priority, which gets about 1.5% of a core that a normal-priority thread
// also wants, and all of an idle one.
const backgroundNice = 19

// backgroundPriority lowers the calling thread's priority (on Linux a
// thread has a nice value of its own). A failure leaves it as it was:
// the work still runs, only without yielding to the keys.
func backgroundPriority() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), backgroundNice)
}
