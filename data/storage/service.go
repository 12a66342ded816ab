package storage

import (
	"salesdesk/data"
)

var (
	_ data.Service      = (*Session)(nil)
	_ data.LocalService = (*Session)(nil)
)
