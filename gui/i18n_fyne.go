package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"salesdesk/assets"
)

// Fyne's own strings (dialog buttons, the entry's menu, the file dialog) come from its lang package,
// which picks a catalogue for the system locale once and has no way to choose another. SalesDesk's
// language is a setting, so setLanguage loads SalesDesk's catalogue of every Fyne string
// (translations/fyne.zh.json, fyne.en.json) in the chosen language under every locale lang could pick:
// each locale Fyne ships a catalogue for, English (its fallback) and the system's own. Whatever lang
// matches the system locale to, it then finds the chosen language, complete.

// fyneLocales are the locales of the catalogues Fyne 2.7.1 embeds (lang/translations/base.*.json), and
// "en", the one lang falls back to. TestFyneLocalesAreFynesCatalogues checks the list against Fyne's.
var fyneLocales = []fyne.Locale{"en", "cs", "de", "el", "es", "fr", "pl", "pt", "pt-BR", "ru", "sv", "ta", "uk", "zh-Hans"}

// setFyneLanguage makes lang.L and lang.X answer in code ("zh" or "en").
func setFyneLanguage(code string) {
	raw, err := assets.Translations.ReadFile("translations/fyne." + code + ".json")
	if err != nil {
		fyne.LogError("Fyne's strings in "+code, err)
		return
	}
	for _, l := range append(fyneLocales, lang.SystemLocale()) {
		if err := lang.AddTranslationsForLocale(raw, l); err != nil {
			fyne.LogError("Fyne's strings for "+l.String(), err)
		}
	}
}

// newSelect is widget.NewSelect with its placeholder in the window's language: Fyne's "(Select one)"
// is a constant outside its translations.
func newSelect(options []string, changed func(string)) *widget.Select {
	s := widget.NewSelect(options, changed)
	s.PlaceHolder = T("select.placeholder")
	return s
}

// placeKeys are the names Fyne's file dialog gives the places in its sidebar, which it does not
// translate, and their keys.
var placeKeys = map[string]string{
	"Home": "place.home", "Computer": "place.computer", "App Files": "place.app_files",
	"Desktop": "place.desktop", "Documents": "place.documents", "Downloads": "place.downloads",
	"Music": "place.music", "Pictures": "place.pictures", "Videos": "place.videos", "Movies": "place.movies",
}

// showFileDialog shows a file or folder dialog with the places in its sidebar in the window's
// language. Fyne builds the sidebar as the list on the leading side of the dialog's split and sets
// each row's label to the place's English name; the list's item updater is wrapped so that each row
// is renamed after Fyne fills it.
func showFileDialog(d *dialog.FileDialog, w fyne.Window, title string) {
	// Fyne's own title joins two words with a space ("打开 文件"); each dialog says what it is for.
	d.SetTitleText(title)
	d.Show()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return // a native dialog: the system names its places
	}
	if l := placesList(top); l != nil {
		update := l.UpdateItem
		l.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
			update(id, item)
			translatePlaceLabels(item)
		}
		l.Refresh()
	}
}

// placesList finds the file dialog's sidebar: the list leading a split.
func placesList(o fyne.CanvasObject) *widget.List {
	switch v := o.(type) {
	case *widget.PopUp:
		return placesList(v.Content)
	case *fyne.Container:
		for _, c := range v.Objects {
			if l := placesList(c); l != nil {
				return l
			}
		}
	case *container.Split:
		if l, ok := v.Leading.(*widget.List); ok {
			return l
		}
		if l := placesList(v.Leading); l != nil {
			return l
		}
		return placesList(v.Trailing)
	}
	return nil
}

func translatePlaceLabels(o fyne.CanvasObject) {
	switch v := o.(type) {
	case *widget.Label:
		if key, ok := placeKeys[v.Text]; ok {
			v.SetText(T(key))
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			translatePlaceLabels(c)
		}
	}
}

// proseWrap is how a label or note of sentences wraps in the window's language. Fyne 2.7's
// TextWrapWord breaks a line at its last space and between characters only in a run without any
// (richtext.go, findSpaceIndex): a Chinese sentence with a space in it, before a name, a login or a
// number, ends its line at that space and leaves the rest of the line empty, however wide the
// dialog. Chinese breaks between any two characters, so it wraps with TextWrapBreak; English keeps
// TextWrapWord, which never cuts a word. A language switch rebuilds the screens, so a widget reads
// this when it is made.
func proseWrap() fyne.TextWrap {
	if currentLanguage() == "zh" {
		return fyne.TextWrapBreak
	}
	return fyne.TextWrapWord
}
