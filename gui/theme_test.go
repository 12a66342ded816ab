package gui

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
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
