package storage

import (
	"fmt"
	"runtime/debug"
	"salesdesk/data"
	"sync"
	"sync/atomic"
)

// group runs goroutines that read a read transaction's memory (bbolt hands out slices of its mapping,
// which is unmapped when the transaction's file closes). The function holding the transaction must
// defer wait before it starts any: then a panic in its own reading (a damaged page) still waits for
// every goroutine before the transaction ends, instead of leaving them to read unmapped memory.
type group struct {
	wg     sync.WaitGroup
	mu     sync.Mutex
	err    error
	failed atomic.Bool
}

// fanoutExit, when set (tests only), is called as each goroutine of a group ends, so that a test can
// tell that none is left running without waiting for time to pass.
var fanoutExit func()

// do runs fn on a goroutine of its own. A panic there (a decoder meeting damaged bytes) is the file's
// damage, reported like a panic of the reader, not a crash of the process.
func (g *group) do(fn func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		if hook := fanoutExit; hook != nil {
			defer hook()
		}
		defer func() {
			if r := recover(); r != nil {
				g.fail(fmt.Errorf("data: %w (%v)", data.ErrDamaged, r))
			}
		}()
		if err := fn(); err != nil {
			g.fail(err)
		}
	}()
}

// fail keeps the first error; stopped then tells the others to end early.
func (g *group) fail(err error) {
	g.mu.Lock()
	if g.err == nil {
		g.err = err
	}
	g.mu.Unlock()
	g.failed.Store(true)
}

func (g *group) stopped() bool { return g.failed.Load() }

// wait returns once every goroutine has ended, with the first error.
func (g *group) wait() error {
	g.wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}
