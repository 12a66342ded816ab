package data

import (
	"fmt"
	"unicode/utf8"
)

// excerptRunes is how much of a user's text a message quotes: enough to find the cell, short enough
// that a 5 MB cell makes a one-line message. A text up to wholeRunes long is quoted whole: cut, it
// would read no shorter, and an excerpt (at most some 65 characters) is then never cut again.
const (
	excerptRunes = 40
	wholeRunes   = 72
)

// Excerpt is what a message quotes of a text from the user's file (a cell, a header, a value): the
// text itself when short, else its first characters, "…" and its length, so that the message stays
// a line whatever the file holds.
func Excerpt(s string) string {
	n := 0
	cut := -1
	for i := range s {
		if n == excerptRunes {
			cut = i
		}
		n++
		if n > wholeRunes {
			break
		}
	}
	if n <= wholeRunes {
		return s
	}
	return fmt.Sprintf("%s… (%d characters)", s[:cut], utf8.RuneCountInString(s))
}
