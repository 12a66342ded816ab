package storage

type countingWriter struct{ N int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.N += int64(len(p))
	return len(p), nil
}
