package storage

import (
	"bytes"
	"sync"
)

// gateWriter holds the copy at its first write until released.
type gateWriter struct {
	once    sync.Once
	Started chan struct{}
	Release chan struct{}
	Buf     bytes.Buffer
}

func (g *gateWriter) Write(p []byte) (int, error) {
	g.once.Do(func() {
		close(g.Started)
		<-g.Release
	})
	return g.Buf.Write(p)
}
