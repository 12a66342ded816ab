package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"salesdesk/assets"
)

// Font resources are built once at package init and shared: Fyne caches
// parsed font faces per resource, so handing out the same *StaticResource
// every time avoids re-parsing the ~1.6 MB font on every theme lookup.
var (
	fontRegular fyne.Resource = fyne.NewStaticResource("NotoSansSC-Regular-subset.otf", assets.FontRegular)
	fontBold    fyne.Resource = fyne.NewStaticResource("NotoSansSC-Bold-subset.otf", assets.FontBold)
)

// salesTheme is Fyne's default theme with an embedded Simplified Chinese
// font. Why a custom theme at all:
//   - on a machine with no CJK font, Fyne's built-in Noto Sans has no hanzi
//     and every Chinese character is drawn as a box;
//   - on a machine that has Noto Sans CJK, Fyne's system fallback picks the
//     Japanese face, so characters such as 骨 and 直 get Japanese shapes.
//
// Embedding the SC face and returning it as the theme font fixes both. All
// colours, icons and sizes come from the embedded default theme, which
// follows the system light/dark variant by itself (Fyne passes the variant
// to Color), so we do not use the deprecated theme.DarkTheme/LightTheme.
type salesTheme struct {
	fyne.Theme
}

var _ fyne.Theme = (*salesTheme)(nil)

// NewTheme returns SalesDesk's theme; install it with
// app.Settings().SetTheme(gui.NewTheme()).
func NewTheme() fyne.Theme {
	return &salesTheme{Theme: theme.DefaultTheme()}
}

// Font returns the embedded Noto Sans CJK SC faces for text.
//
//   - Regular and Italic use the Regular face: CJK has no italic design and
//     Fyne does not slant fonts, so italic text renders upright.
//   - Bold and Bold-Italic use the Bold face: Fyne does not synthesise bold,
//     so without a real bold face bold labels would look regular.
//   - Monospace and Symbol stay Fyne's defaults: the CJK font is proportional
//     in Latin, which would break code/ID columns. Fyne falls back per glyph
//     through the default fonts and then system fonts, so hanzi in monospace
//     text only render where the OS has a CJK font (a known limitation).
//
// Glyphs missing from our subset (rare hanzi, Cyrillic extensions, …) fall
// back to Fyne's built-in Noto Sans and then to system fonts, in that order.
func (t *salesTheme) Font(style fyne.TextStyle) fyne.Resource {
	switch {
	case style.Monospace, style.Symbol:
		return t.Theme.Font(style)
	case style.Bold:
		return fontBold
	default:
		return fontRegular
	}
}
