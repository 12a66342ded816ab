package gui

import (
	"os"
	"testing"

	"salesdesk/data/storage"
)

// The window's tests sign in and set passwords many times; real argon2id costs would only slow them.
func TestMain(m *testing.M) {
	storage.FastHashesInTests()
	os.Exit(m.Run())
}
