package gui

import (
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// telURL is the tel: link of a phone number: its digits and a leading +, since a dialler reads no
// spaces (RFC 3966). An extension typed after the number ("转 8021") is left out.
func telURL(phone string) *url.URL {
	var b strings.Builder
digits:
	for i, r := range strings.TrimSpace(phone) {
		switch {
		case r >= '0' && r <= '9', r == '+' && i == 0:
			b.WriteRune(r)
		case strings.ContainsRune(" -().", r):
		default:
			break digits
		}
	}
	if b.Len() < 3 {
		return nil
	}
	return &url.URL{Scheme: "tel", Opaque: b.String()}
}

// mailURL is the mailto: link of an email address.
func mailURL(email string) *url.URL {
	email = strings.TrimSpace(email)
	if !strings.Contains(email, "@") {
		return nil
	}
	return &url.URL{Scheme: "mailto", Opaque: email}
}

// openURL hands a link to the system; tests put a failing one in its place.
var openURL = func(u *url.URL) error { return fyne.CurrentApp().OpenURL(u) }

// setContactLink shows text as a link to u, or hides the link when there is nothing to open. Where
// no program takes the link (no dialler, no mail client, no xdg-open), the text goes to the
// clipboard and the window says so, instead of a click that does nothing.
func setContactLink(h *widget.Hyperlink, text string, u *url.URL, win fyne.Window) {
	if u == nil || text == "" {
		h.Hide()
		return
	}
	h.SetText(text)
	h.SetURL(u)
	h.OnTapped = func() {
		if err := openURL(u); err != nil {
			fyne.CurrentApp().Clipboard().SetContent(text)
			showToast(win.Canvas(), Tf("contact.link_failed", text))
		}
	}
	h.Show()
}
