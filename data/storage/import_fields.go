package storage

import (
	"salesdesk/data"
	"strconv"
	"strings"
)

// contactSlot splits a contact field into its first-slot key and its slot (1-based).
func contactSlot(f data.ImportField) (data.ImportField, int) {
	s := string(f)
	if !strings.HasPrefix(s, "contact") {
		return f, 0
	}
	dot := strings.IndexByte(s, '.')
	if dot < 0 {
		return f, 0
	}
	if dot == len("contact") {
		return f, 1
	}
	n, err := strconv.Atoi(s[len("contact"):dot])
	if err != nil {
		return f, 0
	}
	return data.ImportField("contact" + s[dot:]), n
}
