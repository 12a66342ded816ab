package gui

import (
	"testing"

	"fyne.io/fyne/v2/theme"
	"golang.org/x/image/font/sfnt"

	"salesdesk/assets"
)

// Every character the catalogues show must have a glyph in the embedded Chinese face or in Fyne's
// own text font: the release build leaves the emoji font out, and a character in neither draws as
// a box (⏳ and ⚠ did, in the follow-up timeline and on the board, where no system font had them).
func TestEveryTranslatedCharacterHasAGlyph(t *testing.T) {
	var faces []*sfnt.Font
	for _, raw := range [][]byte{assets.FontRegular, theme.DefaultTextFont().Content(), theme.DefaultSymbolFont().Content()} {
		f, err := sfnt.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		faces = append(faces, f)
	}
	var buf sfnt.Buffer
	has := func(r rune) bool {
		for _, f := range faces {
			if i, err := f.GlyphIndex(&buf, r); err == nil && i != 0 {
				return true
			}
		}
		return false
	}
	checked := 0
	for _, l := range Languages {
		for k, v := range loadTable(l) {
			for _, r := range v {
				if r < 0x20 {
					continue
				}
				checked++
				if !has(r) {
					t.Errorf("%s %q: %q (U+%04X) has no glyph in the embedded fonts", l, k, string(r), r)
				}
			}
		}
	}
	if checked < 10000 {
		t.Fatalf("checked only %d characters; the catalogues were not read", checked)
	}
}
