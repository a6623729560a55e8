//go:build !linux

package main

// backgroundPriority does nothing where a thread's priority cannot be set
// apart from its process's: the work runs at normal priority.
func backgroundPriority() {}
