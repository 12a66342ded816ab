package gui

import (
	"os"
	"testing"

	"salesdesk/data"
)

// The window's tests sign in and set passwords many times; real argon2id costs would only slow them.
func TestMain(m *testing.M) {
	data.FastHashesInTests()
	os.Exit(m.Run())
}
