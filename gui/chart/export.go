package chart

import (
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/theme"
)

// Render draws c offscreen at size (in pixels: the offscreen canvas has scale 1) with theme th and
// returns the image, the theme's background included. It uses Fyne's software painter, so it
// needs no window and no GPU.
//
// Caveats:
//   - Call it on the UI goroutine (from a button handler, or inside fyne.DoAndWait): it lays out
//     and refreshes widgets like any other UI code.
//   - Give it an object that is not on screen, e.g. a second chart built with the same data: an
//     object has one position and size, and Render resizes it to size.
//   - th applies to c only (through a container.ThemeOverride), never to the app: unlike
//     software.Render, which installs the theme app-wide, this leaves open windows alone.
//   - Colours are read with the app's current variant (light or dark). To export the other
//     variant, pass FixedVariant(th, variant).
//   - Text is laid out with the app's font metrics and drawn with th's font; with the app's own
//     theme (the usual case) they are the same font.
//   - Importing fyne.io/fyne/v2/driver/software links Fyne's test package into the binary, whose
//     init creates a throwaway in-memory app; the real app replaces it when it starts, so the
//     window is not affected, but the binary is a little larger.
func Render(c fyne.CanvasObject, size fyne.Size, th fyne.Theme) image.Image {
	if th == nil {
		th = theme.Current()
	}
	bg := canvas.NewRectangle(th.Color(theme.ColorNameBackground, currentVariant()))
	over := container.NewThemeOverride(container.NewStack(bg, c), th)
	cv := software.NewTransparentCanvas()
	cv.SetPadded(false)
	// Sized before and after the content is set: before, so the chart is not first laid out at
	// its minimum size; after, because setting content grows the canvas to the content's minimum.
	cv.Resize(size)
	cv.SetContent(over)
	cv.Resize(size)
	// The override themes the objects that exist when it is applied; the first layout at this
	// size may have made more (bars, labels), so apply it again before painting.
	over.Refresh()
	return cv.Capture()
}

// RenderPNG writes c drawn by Render as a PNG; see Render for the caveats.
func RenderPNG(w io.Writer, c fyne.CanvasObject, size fyne.Size, th fyne.Theme) error {
	if c == nil {
		return errors.New("chart: render PNG: no object")
	}
	if size.Width < 1 || size.Height < 1 {
		return errors.New("chart: render PNG: empty size")
	}
	return png.Encode(w, Render(c, size, th))
}

// FixedVariant returns th with its light or dark variant fixed, whatever the app's variant is:
// for exporting a dark chart from a light session and for stable test images.
func FixedVariant(th fyne.Theme, v fyne.ThemeVariant) fyne.Theme {
	return fixedVariant{Theme: th, variant: v}
}

type fixedVariant struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (f fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return f.Theme.Color(n, f.variant)
}
