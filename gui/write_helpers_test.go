package gui

import (
	"sync"
	"time"
)

// inlineWork runs background work and writes in line on the test's goroutine: the test driver runs
// fyne.Do in line on whatever goroutine calls it, so this keeps widgets touched from one goroutine
// only, and a tap's effect is there when the tap returns. The busy state never shows.
func inlineWork(u *ui) {
	u.background = func(f func()) { f() }
	u.writes.run = func(f func()) { f() }
	u.writes.toUI = func(f func()) { f() }
	u.writes.after = func(time.Duration, func()) func() bool { return func() bool { return true } }
}

// writeQueue runs writes on their own goroutines, as the window does, and holds their results and
// busy states until the test applies them on its own goroutine, as fyne.Do would on the window's.
type writeQueue struct {
	mu      sync.Mutex
	running sync.WaitGroup
	results []func()
	busy    []func()
}

// asyncWrites makes u's writes run off the test's goroutine; background reads stay in line.
func asyncWrites(u *ui) *writeQueue {
	q := &writeQueue{}
	u.writes.run = func(f func()) {
		q.running.Add(1)
		go func() {
			defer q.running.Done()
			f()
		}()
	}
	u.writes.toUI = func(f func()) {
		q.mu.Lock()
		q.results = append(q.results, f)
		q.mu.Unlock()
	}
	u.writes.after = func(_ time.Duration, f func()) func() bool {
		q.busy = append(q.busy, f) // asked on the UI thread, which is the test's goroutine
		return func() bool { return true }
	}
	return q
}

// settle waits for every write under way and applies the results, also those of writes that the
// results start in turn.
func (q *writeQueue) settle() {
	for {
		q.running.Wait()
		q.mu.Lock()
		fs := q.results
		q.results = nil
		q.mu.Unlock()
		if len(fs) == 0 {
			return
		}
		for _, f := range fs {
			f()
		}
	}
}

// moment passes the busy delay: the writes still under way show that they are.
func (q *writeQueue) moment() {
	fs := q.busy
	q.busy = nil
	for _, f := range fs {
		f()
	}
}
