package storage

import (
	"sync"
	"time"
)

// testClock is a clock a test moves forward; safe for concurrent use.
type testClock struct {
	mu sync.Mutex
	T  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.T
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.T = t
	c.mu.Unlock()
}
