package gui

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// A count that is not a number is refused in the window's language, not Go's.
func TestSettingsCountErrorIsTranslated(t *testing.T) {
	u := newTestUI(t, "zh")
	u.tabs.SelectIndex(tabSettings)
	s := u.settings
	s.aYears.SetText("abc")
	test.Tap(s.saveBtn)
	if got := s.fields["a_min_years"].msg.Text; got != T("err.whole_number") || strings.Contains(got, "number") {
		t.Fatalf("message = %q, want %q", got, T("err.whole_number"))
	}
}

// Switching the language rebuilds the screens; what was typed in Settings and not saved stays.
func TestLanguageSwitchKeepsTypedSettings(t *testing.T) {
	u := newTestUI(t, "zh")
	u.tabs.SelectIndex(tabSettings)
	u.settings.aYears.SetText("7")
	u.settings.language.SetSelectedIndex(2)
	if currentLanguage() != "en" {
		t.Fatalf("language %q after choosing English", currentLanguage())
	}
	if got := u.settings.aYears.Text; got != "7" {
		t.Fatalf("A years = %q after the language switch, want the typed 7", got)
	}
	if st := u.teamSettings(); st.GradeRules.AMinYears == 7 {
		t.Fatal("the switch saved the typed value; it should only keep it in the form")
	}
}

// Archiving a card with typing not yet saved asks to save first; the typing is saved, then archived.
func TestArchiveWithUnsavedTypingSavesFirst(t *testing.T) {
	u := newTestUI(t, "zh")
	c, err := u.store.CreateCustomer(data.Customer{Name: "归档前未保存", Region: "太原"})
	if err != nil {
		t.Fatal(err)
	}
	cw := u.openCard(c.ID)
	cw.region.SetText("太原 南站")
	test.Tap(cw.archiveBtn)
	if got, _ := u.store.Customer(c.ID); got.Archived {
		t.Fatal("archived before asking about the typing")
	}
	tapInDialog(t, cw.win, T("action.save_and_archive"))
	got, _ := u.store.Customer(c.ID)
	if !got.Archived || got.Region != "太原 南站" {
		t.Fatalf("after 保存并归档: archived %v, region %q; want archived with the typed region", got.Archived, got.Region)
	}
}

// A contact link that no program takes copies its text and says so, instead of doing nothing.
func TestContactLinkWithoutAProgramCopiesTheText(t *testing.T) {
	u := newTestUI(t, "zh")
	old := openURL
	openURL = func(*url.URL) error { return errors.New(`exec: "xdg-open": executable file not found`) }
	t.Cleanup(func() { openURL = old })
	h := widget.NewHyperlink("", nil)
	setContactLink(h, "0431-85070164", telURL("0431-85070164"), u.win)
	test.Tap(h)
	if got := fyne.CurrentApp().Clipboard().Content(); got != "0431-85070164" {
		t.Fatalf("clipboard %q, want the number", got)
	}
}

// tapInDialog taps the button labelled label in the window's top overlay (a dialog).
func tapInDialog(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog open to tap %q in", label)
	}
	var find func(o fyne.CanvasObject) *widget.Button
	find = func(o fyne.CanvasObject) *widget.Button {
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == label {
				return x
			}
		case *escButton:
			if x.Text == label {
				return &x.Button
			}
			return nil
		case *fyne.Container:
			for _, c := range x.Objects {
				if b := find(c); b != nil {
					return b
				}
			}
			return nil
		}
		if wd, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(wd).Objects() {
				if b := find(c); b != nil {
					return b
				}
			}
		}
		return nil
	}
	b := find(top)
	if b == nil {
		t.Fatalf("no button %q in the dialog", label)
	}
	test.Tap(b)
}

// A search that finds nothing says so beside the count, with the way back.
func TestEmptySearchSaysWhy(t *testing.T) {
	u := newTestUI(t, "zh")
	if _, err := u.store.CreateCustomer(data.Customer{Name: "北京科技有限公司"}); err != nil {
		t.Fatal(err)
	}
	s := u.customers
	s.search.SetText("上海")
	if len(s.shown()) != 0 || !strings.Contains(s.count.Text, T("customers.none_match")) {
		t.Fatalf("%d rows, count line %q", len(s.shown()), s.count.Text)
	}
	s.search.SetText("北京")
	if len(s.shown()) != 1 || strings.Contains(s.count.Text, T("customers.none_match")) {
		t.Fatalf("%d rows, count line %q", len(s.shown()), s.count.Text)
	}
}

// Signing in as another member gives the list that member's saved filters, not the last one's.
func TestSwitchingUserShowsTheirSavedFilters(t *testing.T) {
	u := newTestUI(t, "zh")
	yang, err := u.file.SaveMember(data.System, data.Member{Name: "杨帆", Role: data.MemberRep, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.store.SaveFilter(data.SavedFilter{MemberID: u.me().MemberID, Name: "我的A类"}); err != nil {
		t.Fatal(err)
	}
	u.customers.fillChoices()
	if len(u.customers.saved.Options) != 1 {
		t.Fatalf("saved filters offered: %v, want the current user's one", u.customers.saved.Options)
	}
	u.tabs.SelectIndex(tabSettings)
	givePassword(t, u.file, yang.ID)
	u.enter(u.file.SessionAs(yang.ID), "")
	if u.me().MemberID != yang.ID {
		t.Fatalf("current user %d, want 杨帆 (%d)", u.me().MemberID, yang.ID)
	}
	if len(u.customers.saved.Options) != 0 {
		t.Fatalf("after switching to 杨帆 the list offers %v", u.customers.saved.Options)
	}
}
