package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// An archived card is read-only in the window: every input and action is disabled but Restore,
// which brings them all back.
func TestArchivedCardIsReadOnlyUntilRestored(t *testing.T) {
	// Given an open card with a contact
	u := newTestUI(t, "en")
	c, err := u.store.CreateCustomer(data.Customer{Name: "Acme", Contacts: []data.Contact{{Name: "李雷", Phone: "13800138000"}}})
	if err != nil {
		t.Fatal(err)
	}
	cw := u.openCard(c.ID)
	if cw.archiveBtn.Icon == theme.DeleteIcon() {
		t.Error("Archive shows Delete's bin")
	}

	// When it is archived
	cw.archive()

	// Then every field, check and action is disabled, and only Restore is active
	for key, f := range cw.fields {
		if d, ok := f.input.(fyne.Disableable); ok && !d.Disabled() {
			t.Errorf("field %s is editable on an archived card", key)
		}
	}
	for name, d := range map[string]fyne.Disableable{"save": cw.saveBtn, "log follow-up": cw.followBtn,
		"reviewed": cw.reviewBtn, "add contact": cw.addContactBtn, "new lead": cw.newDealBt, "MAN money": cw.manMoney} {
		if !d.Disabled() {
			t.Errorf("%s is active on an archived card", name)
		}
	}
	if cw.archiveBtn.Disabled() || cw.archiveBtn.Text != T("action.restore") {
		t.Errorf("archive button %q (disabled %v), want an active Restore", cw.archiveBtn.Text, cw.archiveBtn.Disabled())
	}
	if !strings.Contains(cw.gradeInfo.Text, T("card.archived_readonly")) {
		t.Errorf("header %q does not say the card is read-only", cw.gradeInfo.Text)
	}
	// The header is shown again as the form changes (the MAN advice, a preview): still read-only.
	cw.showMANAdvice()
	if !cw.reviewBtn.Disabled() || !cw.followBtn.Disabled() {
		t.Error("showing the header again made Reviewed or Log follow-up active on an archived card")
	}
	// A card opened archived (in a window of its own) is read-only from the start.
	delete(u.cards, c.ID)
	if again := u.openCard(c.ID); again == cw || !again.reviewBtn.Disabled() || !again.name.Disabled() || again.archiveBtn.Disabled() {
		t.Error("a card opened archived is not read-only")
	}
	row := cw.contactList.CreateItem()
	cw.updateContactRow(0, row)
	// The phone and email links stay: calling a customer is reading the card, not changing it.
	buttons := 0
	for _, o := range row.(*fyne.Container).Objects[2].(*fyne.Container).Objects {
		b, ok := o.(*widget.Button)
		if !ok {
			continue
		}
		buttons++
		if !b.Disabled() {
			t.Error("a contact's edit or remove button is active on an archived card")
		}
	}
	if buttons != 2 {
		t.Errorf("found %d buttons in a contact row, want edit and remove", buttons)
	}

	// When it is restored, the card is editable again and a change saves
	test.Tap(cw.archiveBtn)
	if cw.name.Disabled() || cw.saveBtn.Disabled() || cw.followBtn.Disabled() || cw.annual.Disabled() {
		t.Fatal("the restored card is still read-only")
	}
	if cw.archiveBtn.Icon != archiveIcon {
		t.Error("the restored card's Archive button lost its archive icon")
	}
	cw.notes.SetText("恢复后的备注")
	cw.onSave()
	if got, _ := u.store.Customer(c.ID); got.Notes != "恢复后的备注" {
		t.Errorf("notes after restore and save: %q", got.Notes)
	}
}

// The header's grade and value lines read the card the same way: a buyer with no won deals is
// graded as one, and its value line does not say "no sales yet".
func TestCardHeaderDoesNotContradictItself(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			// Given a customer buying 285,000 a year for half a year, with no deal won in SalesDesk
			u := newTestUI(t, lang)
			c, err := u.store.CreateCustomer(data.Customer{Name: "新大客户", Status: data.StatusCustomer,
				AnnualPurchase: data.AmountFromYuan(285_000), CooperationSince: fixedNow.AddDate(0, -6, 0)})
			if err != nil {
				t.Fatal(err)
			}

			// When its card opens
			cw := u.openCard(c.ID)

			// Then the grade says why it is C, and the value line says why it has no class
			if !strings.Contains(cw.gradeInfo.Text, T("reason.c_new_buyer")) {
				t.Errorf("grade line %q, want the reason %q", cw.gradeInfo.Text, T("reason.c_new_buyer"))
			}
			if strings.Contains(cw.segment.Text, T("segment.none")) || !strings.Contains(cw.segment.Text, T("segment.card_only")) {
				t.Errorf("value line %q contradicts the annual purchase", cw.segment.Text)
			}
		})
	}
}

// The list's "A*" is explained in the window.
func TestGradeOverrideLegendInTheList(t *testing.T) {
	u := newTestUI(t, "zh")
	if _, err := u.store.CreateCustomer(data.Customer{Name: "普通客户"}); err != nil {
		t.Fatal(err)
	}
	u.customers.reload()
	if strings.Contains(u.customers.count.Text, T("customers.override_legend")) {
		t.Errorf("legend %q shown with no override in the list", u.customers.count.Text)
	}
	if _, err := u.store.CreateCustomer(data.Customer{Name: "人工定级客户", GradeOverride: data.GradeA}); err != nil {
		t.Fatal(err)
	}
	u.customers.reload()
	if !strings.Contains(u.customers.count.Text, T("customers.override_legend")) {
		t.Errorf("count line %q does not explain the *", u.customers.count.Text)
	}
}
