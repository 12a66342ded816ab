package gui

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"salesdesk/assets"
)

// fyneDir is where the Fyne module this build uses lives.
func fyneDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	if err != nil {
		t.Fatalf("go list fyne: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func fyneCatalogue(t *testing.T, code string) map[string]string {
	t.Helper()
	raw, err := assets.Translations.ReadFile("translations/fyne." + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("fyne.%s.json: %v", code, err)
	}
	return m
}

// fyneStringsShown lists the ids of the strings Fyne's widgets, dialogs and window menu ask lang for,
// with the English text of each.
func fyneStringsShown(t *testing.T) map[string]string {
	t.Helper()
	dir := fyneDir(t)
	call := regexp.MustCompile(`lang\.(L|X)\("([^"]+)"(?:,\s*"([^"]+)")?`)
	ids := map[string]string{}
	for _, pkg := range []string{"widget", "dialog", "internal/driver/glfw"} {
		files, _ := filepath.Glob(filepath.Join(dir, pkg, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range call.FindAllStringSubmatch(string(src), -1) {
				en := m[2]
				if m[1] == "X" {
					en = m[3]
				}
				ids[m[2]] = en
			}
		}
	}
	// The calendar asks for the weekdays by keys it builds: "monday", "monday.short".
	for _, d := range []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"} {
		ids[strings.ToLower(d)] = d
		ids[strings.ToLower(d)+".short"] = d[:3]
	}
	if len(ids) < 30 {
		t.Fatalf("found only %d Fyne strings; the scan is broken", len(ids))
	}
	return ids
}

func TestFyneLocalesAreFynesCatalogues(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fyneDir(t), "lang", "translations", "base.*.json"))
	var shipped []string
	for _, f := range files {
		tag := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "base."), ".json")
		shipped = append(shipped, strings.ReplaceAll(tag, "_", "-"))
	}
	var ours []string
	for _, l := range fyneLocales {
		ours = append(ours, l.String())
	}
	slices.Sort(shipped)
	slices.Sort(ours)
	if !slices.Equal(shipped, ours) {
		t.Errorf("Fyne ships catalogues for %v; fyneLocales lists %v", shipped, ours)
	}
	// Every string in Fyne's own English catalogue is in ours, in both languages.
	raw, err := os.ReadFile(filepath.Join(fyneDir(t), "lang", "translations", "base.en.json"))
	if err != nil {
		t.Fatal(err)
	}
	var base map[string]any
	if err := json.Unmarshal(raw, &base); err != nil {
		t.Fatal(err)
	}
	for _, code := range Languages {
		cat := fyneCatalogue(t, code)
		for id := range base {
			if strings.TrimSpace(cat[id]) == "" {
				t.Errorf("fyne.%s.json lacks %q, which Fyne translates", code, id)
			}
		}
	}
}

// Every string Fyne's widgets and dialogs can show comes out in SalesDesk's language, whatever the
// system locale: Fyne picks its catalogue from the locale, SalesDesk's language is a setting.
func TestFyneStringsFollowTheLanguageSetting(t *testing.T) {
	ids := fyneStringsShown(t)
	zh, en := fyneCatalogue(t, "zh"), fyneCatalogue(t, "en")
	for id, text := range ids {
		if strings.TrimSpace(zh[id]) == "" {
			t.Errorf("fyne.zh.json: no Chinese for %q", id)
		}
		if en[id] != text {
			t.Errorf("fyne.en.json: %q is %q, Fyne's English is %q", id, en[id], text)
		}
	}
	t.Cleanup(func() { setLanguage("en") })
	for _, locale := range []string{"en_US.UTF-8", "zh_CN.UTF-8", "zh_TW.UTF-8", "de_DE.UTF-8", "pt_BR.UTF-8", "ja_JP.UTF-8", "C.UTF-8", ""} {
		t.Run("LANG="+locale, func(t *testing.T) {
			for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANGUAGE"} {
				t.Setenv(v, "")
			}
			t.Setenv("LANG", locale)
			for _, code := range []string{"zh", "en", "zh"} { // and back: a switch at run time
				setLanguage(code)
				want := fyneCatalogue(t, code)
				for id, text := range ids {
					got := lang.L(id)
					if id != text {
						got = lang.X(id, text)
					}
					if got != want[id] {
						t.Errorf("%s: Fyne shows %q for %q, want %q", code, got, id, want[id])
					}
				}
			}
		})
	}
}

func TestSelectPlaceholderFollowsLanguage(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { setLanguage("en") })
	for _, tc := range []struct{ code, want string }{{"zh", "（请选择）"}, {"en", "(Select one)"}} {
		setLanguage(tc.code)
		s := newSelect([]string{"a", "b"}, nil)
		w := test.NewTempWindow(t, s)
		if s.PlaceHolder != tc.want {
			t.Errorf("%s: placeholder %q, want %q", tc.code, s.PlaceHolder, tc.want)
		}
		if texts := drawnTexts(w.Canvas().Content()); !slices.Contains(texts, tc.want) {
			t.Errorf("%s: the select draws %q, not %q", tc.code, texts, tc.want)
		}
	}
	// Fyne's own placeholder is English whatever the language, so every select is made by newSelect.
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "i18n_fyne.go" {
			continue
		}
		src, _ := os.ReadFile(f)
		if strings.Contains(string(src), "widget.NewSelect(") || strings.Contains(string(src), "&widget.Select{") {
			t.Errorf("%s makes a widget.Select without newSelect: its placeholder would be English", f)
		}
	}
}

// The file dialog's sidebar names its places in Chinese in the Chinese window, and its buttons and
// column names come from the Chinese catalogue.
func TestFileDialogInChinese(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { setLanguage("en") })
	for _, tc := range []struct {
		code    string
		want    []string
		notWant []string
	}{
		{"zh", []string{"主目录", "打开", "取消", "选择要导入的文件"}, []string{"Home", "Computer", "Open", "Cancel", "打开 文件"}},
		{"en", []string{"Home", "Open", "Cancel", "Choose a file to import"}, []string{"主目录", "Open File"}},
	} {
		setLanguage(tc.code)
		w := test.NewTempWindow(t, widget.NewLabel(""))
		w.Resize(fyne.NewSize(1000, 700))
		d := dialog.NewFileOpen(func(fyne.URIReadCloser, error) {}, w)
		showFileDialog(d, w, T("filedialog.import"))
		places := placesList(w.Canvas().Overlays().Top())
		if places == nil {
			t.Fatalf("%s: no places list in the file dialog", tc.code)
		}
		var names []string
		for id := 0; id < places.Length(); id++ {
			item := places.CreateItem()
			places.UpdateItem(id, item)
			names = append(names, drawnTexts(item)...)
		}
		drawn := append(drawnTexts(w.Canvas().Overlays().Top()), names...)
		for _, s := range tc.want {
			if !slices.Contains(drawn, s) {
				t.Errorf("%s: the file dialog shows no %q; places %q", tc.code, s, names)
			}
		}
		for _, s := range tc.notWant {
			if slices.Contains(drawn, s) {
				t.Errorf("%s: the file dialog shows %q; places %q", tc.code, s, names)
			}
		}
		d.Hide()
	}
}

// drawnTexts lists the text of every canvas.Text under o, through containers and widgets' renderers.
func drawnTexts(o fyne.CanvasObject) []string {
	var out []string
	switch v := o.(type) {
	case *canvas.Text:
		if v.Text != "" {
			out = append(out, v.Text)
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			out = append(out, drawnTexts(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			out = append(out, drawnTexts(c)...)
		}
	}
	return out
}
