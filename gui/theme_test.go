package gui

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/assets"
)

// Hanzi checked by the render tests. 骨 and 直 have visibly different
// Simplified Chinese and Japanese forms, so they also catch "right font
// family, wrong (JP) face".
const testHanzi = "客户资料卡骨直今日跟进"

// noGlyph is a private-use code point that no font here maps: rendering it
// shows what a missing glyph ("tofu") looks like.
const noGlyph = '\uE000'

func TestThemeFontResources(t *testing.T) {
	th := NewTheme()

	for _, tc := range []struct {
		name  string
		style fyne.TextStyle
		want  []byte
	}{
		{"regular", fyne.TextStyle{}, assets.FontRegular},
		{"italic", fyne.TextStyle{Italic: true}, assets.FontRegular},
		{"bold", fyne.TextStyle{Bold: true}, assets.FontBold},
		{"bold-italic", fyne.TextStyle{Bold: true, Italic: true}, assets.FontBold},
	} {
		res := th.Font(tc.style)
		if res == nil || !bytes.Equal(res.Content(), tc.want) {
			t.Errorf("%s: theme font is not the embedded SC face", tc.name)
		}
	}
	if len(assets.FontRegular) < 1<<20 || len(assets.FontBold) < 1<<20 {
		t.Fatalf("embedded fonts look truncated: %d / %d bytes", len(assets.FontRegular), len(assets.FontBold))
	}
	if bytes.Equal(assets.FontRegular, assets.FontBold) {
		t.Error("bold face is the same file as regular")
	}
	// Same resource every call, so Fyne's per-resource face cache is hit.
	if th.Font(fyne.TextStyle{}) != th.Font(fyne.TextStyle{Italic: true}) {
		t.Error("regular font resource is rebuilt per call")
	}

	mono := fyne.TextStyle{Monospace: true}
	if th.Font(mono) != theme.DefaultTheme().Font(mono) {
		t.Error("monospace should stay Fyne's default monospace font")
	}

	// Colours follow the variant Fyne passes in (system light/dark).
	def := theme.DefaultTheme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		if th.Color(theme.ColorNameBackground, v) != def.Color(theme.ColorNameBackground, v) {
			t.Errorf("background for variant %d differs from the default theme", v)
		}
	}
	if th.Color(theme.ColorNameBackground, theme.VariantLight) == th.Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Error("light and dark backgrounds are equal: variant is ignored")
	}
}

// TestThemeGlyphsAreNotTofu draws each hanzi with only the embedded face
// (canvas.Text.FontSource disables every fallback, so system fonts cannot
// mask a missing glyph) and checks it is a real, distinct glyph: not the
// missing-glyph render of our font, not what Fyne's built-in (non-CJK) font
// draws, and different from every other hanzi.
func TestThemeGlyphsAreNotTofu(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())

	for _, face := range []struct {
		name    string
		res     fyne.Resource
		builtin fyne.Resource
		style   fyne.TextStyle
	}{
		{"regular", fontRegular, theme.DefaultTextFont(), fyne.TextStyle{}},
		{"bold", fontBold, theme.DefaultTextBoldFont(), fyne.TextStyle{Bold: true}},
	} {
		tofu := captureText(t, string(noGlyph), face.res, face.style)
		seen := map[string]rune{}
		for _, r := range testHanzi {
			img := captureText(t, string(r), face.res, face.style)
			if n := ink(img); n < 150 {
				t.Errorf("%s %q: only %d inked pixels", face.name, r, n)
			}
			if sameImage(img, tofu) {
				t.Errorf("%s %q renders as the missing-glyph box", face.name, r)
			}
			if sameImage(img, captureText(t, string(r), face.builtin, face.style)) {
				t.Errorf("%s %q renders like Fyne's built-in font (no CJK glyph)", face.name, r)
			}
			key := string(img.Pix)
			if prev, dup := seen[key]; dup {
				t.Errorf("%s %q and %q render identically (both tofu?)", face.name, prev, r)
			}
			seen[key] = r
		}
	}
}

// TestThemeTextUsesEmbeddedSCFace checks that text drawn through the theme
// (no FontSource, i.e. with Fyne's normal fallback chain active) is pixel-
// identical to text drawn with only our SC face. On a machine with Noto Sans
// CJK installed this fails if the Japanese system face were used instead;
// on a machine without CJK fonts it fails if boxes were drawn.
func TestThemeTextUsesEmbeddedSCFace(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())

	for _, tc := range []struct {
		style fyne.TextStyle
		res   fyne.Resource
	}{
		{fyne.TextStyle{}, fontRegular},
		{fyne.TextStyle{Italic: true}, fontRegular},
		{fyne.TextStyle{Bold: true}, fontBold},
	} {
		for _, s := range []string{"骨", "直", "今日跟进"} {
			viaTheme := captureText(t, s, nil, tc.style)
			direct := captureText(t, s, tc.res, tc.style)
			if ink(viaTheme) == 0 || !sameImage(viaTheme, direct) {
				t.Errorf("style %+v %q: theme rendering differs from the embedded SC face", tc.style, s)
			}
		}
	}
	if sameImage(captureText(t, "骨", nil, fyne.TextStyle{}), captureText(t, "骨", nil, fyne.TextStyle{Bold: true})) {
		t.Error("bold 骨 looks like regular 骨: bold face not used")
	}
}

// TestThemeWindowCapture renders real widgets in a test window, saves the
// capture for a human to look at, and checks the labels differ from the same
// labels with every hanzi replaced by a missing glyph.
func TestThemeWindowCapture(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())

	const text = "客户资料卡 骨 直 今日跟进 Customers"
	const big = "骨直" // large enough to judge the SC shapes by eye
	build := func(label, big string) fyne.CanvasObject {
		bold := widget.NewLabel(label)
		bold.TextStyle = fyne.TextStyle{Bold: true}
		fg := theme.Color(theme.ColorNameForeground)
		return container.NewVBox(
			widget.NewLabel(label),
			bold,
			container.NewHBox(
				&canvas.Text{Text: big, TextSize: 96, Color: fg},
				&canvas.Text{Text: big, TextSize: 96, TextStyle: fyne.TextStyle{Bold: true}, Color: fg},
			),
		)
	}
	captureWin := func(label, big string) *image.NRGBA {
		w := test.NewTempWindow(t, build(label, big))
		w.Resize(fyne.NewSize(440, 220))
		return toNRGBA(w.Canvas().Capture())
	}
	tofu := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 0x4E00 && r <= 0x9FFF {
				return noGlyph
			}
			return r
		}, s)
	}

	img := captureWin(text, big)
	if sameImage(img, captureWin(tofu(text), tofu(big))) {
		t.Error("window with hanzi looks the same as with missing glyphs")
	}

	out := filepath.Join(os.TempDir(), "theme_capture.png")
	if f, err := os.Create(out); err == nil {
		_ = png.Encode(f, img)
		_ = f.Close()
		t.Logf("capture saved to %s", out)
	}
}

// captureText draws s at 48px in its own unpadded test window. src == nil
// means "use the theme font"; otherwise only that font is used.
func captureText(t *testing.T, s string, src fyne.Resource, style fyne.TextStyle) *image.NRGBA {
	t.Helper()
	txt := &canvas.Text{Text: s, TextSize: 48, TextStyle: style, FontSource: src, Color: color.Black}
	w := test.NewTempWindow(t, txt)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(240, 80))
	return toNRGBA(w.Canvas().Capture())
}

func toNRGBA(src image.Image) *image.NRGBA {
	dst := image.NewNRGBA(src.Bounds())
	draw.Draw(dst, dst.Bounds(), src, src.Bounds().Min, draw.Src)
	return dst
}

func sameImage(a, b *image.NRGBA) bool {
	return a.Bounds() == b.Bounds() && bytes.Equal(a.Pix, b.Pix)
}

// ink counts pixels that differ from the top-left (background) pixel.
func ink(img *image.NRGBA) int {
	bg := img.NRGBAAt(img.Rect.Min.X, img.Rect.Min.Y)
	n := 0
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			if img.NRGBAAt(x, y) != bg {
				n++
			}
		}
	}
	return n
}

// contrast is the WCAG 2 contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		n := color.NRGBAModel.Convert(c).(color.NRGBA)
		ch := func(v uint8) float64 {
			s := float64(v) / 255
			if s <= 0.04045 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(n.R) + 0.7152*ch(n.G) + 0.0722*ch(n.B)
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over is c drawn over an opaque background (Fyne's selection and hover colours are translucent).
func over(c, bg color.Color) color.Color {
	f, b := color.NRGBAModel.Convert(c).(color.NRGBA), color.NRGBAModel.Convert(bg).(color.NRGBA)
	mix := func(x, y uint8) uint8 { return uint8((int(x)*int(f.A) + int(y)*(255-int(f.A))) / 255) }
	return color.NRGBA{R: mix(f.R, b.R), G: mix(f.G, b.G), B: mix(f.B, b.B), A: 0xff}
}

// TestThemeContrast checks WCAG AA: 4.5:1 for text against what it is drawn on, 3:1 for the outlines
// of controls (an unselected radio button or check box, an entry) and the primary colour that marks
// a selected one, in both variants.
func TestThemeContrast(t *testing.T) {
	th := NewTheme()
	// Variant 2 is the test driver's, which Fyne's default theme draws as dark.
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark, 2} {
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
		bg := c(theme.ColorNameBackground)
		surfaces := map[string]color.Color{
			"background":       bg,
			"input background": c(theme.ColorNameInputBackground),
			"dialog":           c(theme.ColorNameOverlayBackground),
		}
		check := func(what string, fg, back color.Color, min float64) {
			if r := contrast(fg, back); r < min {
				t.Errorf("variant %d: %s: %.2f:1, want %.1f:1", v, what, r, min)
			}
		}
		for _, text := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameDisabled,
			theme.ColorNamePlaceHolder, theme.ColorNameHyperlink, theme.ColorNamePrimary,
			theme.ColorNameError, theme.ColorNameWarning, theme.ColorNameSuccess} {
			for name, s := range surfaces {
				check(string(text)+" text on "+name, c(text), s, 4.5)
			}
		}
		for _, s := range []fyne.ThemeColorName{theme.ColorNameButton, theme.ColorNameMenuBackground,
			theme.ColorNameHeaderBackground} {
			check("foreground on "+string(s), c(theme.ColorNameForeground), c(s), 4.5)
		}
		for _, s := range []fyne.ThemeColorName{theme.ColorNameSelection, theme.ColorNameHover} {
			check("foreground on "+string(s), c(theme.ColorNameForeground), over(c(s), bg), 4.5)
		}
		for _, p := range [][2]fyne.ThemeColorName{
			{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
			{theme.ColorNameForegroundOnError, theme.ColorNameError},
			{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
			{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
		} {
			check(string(p[0])+" on "+string(p[1]), c(p[0]), c(p[1]), 4.5)
		}
		for name, s := range surfaces {
			check("input border (radio, check box, entry) on "+name, c(theme.ColorNameInputBorder), s, 3)
			check("primary (a selected radio) on "+name, c(theme.ColorNamePrimary), s, 3)
		}
		// Disabled text stays apart from the foreground, so a disabled button still looks disabled.
		check("disabled against foreground", c(theme.ColorNameDisabled), c(theme.ColorNameForeground), 2)
	}
}

// The desktop's choice of light or dark overrides the variant the system asks for.
func TestThemeModeOverridesTheSystemVariant(t *testing.T) {
	def := theme.DefaultTheme()
	for _, tc := range []struct {
		mode string
		sys  fyne.ThemeVariant
		want fyne.ThemeVariant
	}{
		{themeSystem, theme.VariantDark, theme.VariantDark},
		{themeSystem, theme.VariantLight, theme.VariantLight},
		{themeLight, theme.VariantDark, theme.VariantLight},
		{themeDark, theme.VariantLight, theme.VariantDark},
		{"bogus", theme.VariantDark, theme.VariantDark},
	} {
		got := themeFor(tc.mode).Color(theme.ColorNameBackground, tc.sys)
		if got != def.Color(theme.ColorNameBackground, tc.want) {
			t.Errorf("mode %q, system variant %d: background %v, want variant %d's", tc.mode, tc.sys, got, tc.want)
		}
	}
}

// Choosing dark in Settings restyles the open window at once and is kept for the next start.
func TestThemeSettingAppliesLive(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	setLanguage("zh")
	t.Cleanup(func() { setLanguage("en") })
	sel := newThemeSelect(a)
	if sel.Selected != T("theme.system") {
		t.Fatalf("a new desktop starts with %q, want %q", sel.Selected, T("theme.system"))
	}
	label := widget.NewLabel("客户")
	w := test.NewTempWindow(t, container.NewVBox(sel, label))
	light := w.Canvas().Capture()

	sel.SetSelected(T("theme.dark"))
	if got := a.Preferences().String(prefTheme); got != themeDark {
		t.Errorf("preference %q, want %q", got, themeDark)
	}
	th := a.Settings().Theme()
	if th.Color(theme.ColorNameBackground, theme.VariantLight) != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Error("dark chosen, but the app's theme draws a light background")
	}
	dark := w.Canvas().Capture()
	if sameImage(toNRGBA(light), toNRGBA(dark)) {
		t.Error("the window looks the same after choosing dark")
	}
	// The next Settings screen (and the next start, app.go) reads the choice back.
	if again := newThemeSelect(a); again.Selected != T("theme.dark") {
		t.Errorf("the choice reads back as %q", again.Selected)
	}
}
