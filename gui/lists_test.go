package gui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// listFixture is the main window over three cards of 王建国's and a second rep, 杨帆.
func listFixture(t *testing.T, language string) (*ui, *customersScreen, data.Member) {
	t.Helper()
	u := newTestUI(t, language)
	yang, err := u.file.SaveMember(data.System, data.Member{Name: "杨帆", Role: data.MemberRep, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	me := u.me().MemberID
	for _, c := range []data.Customer{
		{Name: "北京科技有限公司", OwnerID: me, Status: data.StatusCustomer, Tags: []string{"展会"},
			Contacts: []data.Contact{{Name: "张伟", Phone: "13812345678", Email: "zhang@bjkj.cn"}}},
		{Name: "上海贸易有限公司", OwnerID: me, Status: data.StatusProspect},
		{Name: "广州电子有限公司", OwnerID: me, Status: data.StatusCustomer},
	} {
		if _, err := u.store.CreateCustomer(c); err != nil {
			t.Fatal(err)
		}
	}
	s := u.customers
	u.tabs.SelectIndex(tabCustomers)
	s.fillChoices()
	s.reload()
	return u, s, yang
}

func TestSavedFiltersSaveApplyAndClear(t *testing.T) {
	u, s, yang := listFixture(t, "en")
	if len(s.shown()) != 3 {
		t.Fatalf("rows = %d", len(s.shown()))
	}
	// Given the list filtered to customers with the tag 展会,
	s.status.SetSelected(enumLabel("status", data.StatusCustomer))
	s.tag.SetSelected("展会")
	if len(s.shown()) != 1 {
		t.Fatalf("filtered rows = %d, want 1", len(s.shown()))
	}
	// when the user saves it without a name, the name field says so and the dialog stays;
	test.Tap(s.saveFilter)
	if s.nameAsk == nil {
		t.Fatal("Save filter opened no dialog")
	}
	test.Tap(s.nameAsk.save)
	if s.nameAsk == nil || !s.nameAsk.msg.Visible() || s.nameAsk.msg.Text != T("err.required") {
		t.Fatalf("an unnamed filter was not refused at its field")
	}
	// when it is named and saved, it is the member's and is the menu's choice.
	test.Type(s.nameAsk.name, "Trade-show customers")
	test.Tap(s.nameAsk.save)
	saved, err := u.store.SavedFilters(u.me().MemberID)
	if err != nil || len(saved) != 1 || saved[0].Filter.Tag != "展会" || saved[0].Filter.Status != data.StatusCustomer {
		t.Fatalf("saved = %+v, %v", saved, err)
	}
	if s.saved.Selected != "Trade-show customers" || !slices.Equal(s.saved.Options, []string{"Trade-show customers"}) {
		t.Errorf("menu shows %q of %q", s.saved.Selected, s.saved.Options)
	}

	// Clear filters shows every card and empties every filter.
	test.Tap(s.clearAll)
	if len(s.shown()) != 3 || s.tag.Selected != T("filter.all") || s.status.Selected != T("filter.all") || s.saved.Selected != "" {
		t.Fatalf("after clear: %d rows, tag %q, status %q, saved %q", len(s.shown()), s.tag.Selected, s.status.Selected, s.saved.Selected)
	}
	if s.note.Text != "" {
		t.Errorf("after clear the list still says %q", s.note.Text)
	}

	// Picking the saved filter puts it back, in the widgets too.
	s.saved.SetSelected("Trade-show customers")
	if len(s.shown()) != 1 || s.shown()[0].Name != "北京科技有限公司" {
		t.Fatalf("applied filter lists %d rows", len(s.shown()))
	}
	if s.tag.Selected != "展会" || s.status.Selected != enumLabel("status", data.StatusCustomer) {
		t.Errorf("widgets show tag %q status %q", s.tag.Selected, s.status.Selected)
	}
	// Changing a filter by hand leaves the saved one.
	s.tag.SetSelected(T("filter.all"))
	if s.saved.Selected != "" || len(s.shown()) != 2 {
		t.Errorf("after a change by hand: saved %q, %d rows", s.saved.Selected, len(s.shown()))
	}

	// Another user of this desktop has filters of their own.
	ses := u.file.SessionAs(yang.ID)
	u.session, u.store, u.local = ses, ses, ses
	s.fillChoices()
	if len(s.saved.Options) != 0 {
		t.Errorf("杨帆 sees %q", s.saved.Options)
	}
}

func TestColumnChooserShowsContactsAndIsRemembered(t *testing.T) {
	u, s, _ := listFixture(t, "en")
	test.Tap(s.columnsBtn)
	if s.colAsk == nil {
		t.Fatal("no column chooser")
	}
	if s.colAsk.checks["name"].Disabled() == false {
		t.Error("the name column can be hidden")
	}
	s.colAsk.checks["contact"].SetChecked(true)
	s.colAsk.checks["phone"].SetChecked(true)
	s.colAsk.checks["industry"].SetChecked(false)
	test.Tap(s.colAsk.ok)
	ids := s.columnIDs()
	if !slices.Contains(ids, "contact") || !slices.Contains(ids, "phone") || slices.Contains(ids, "industry") {
		t.Fatalf("columns = %v", ids)
	}
	// The cells show the primary contact, read from the file.
	row := s.rowIndex("北京科技")
	phoneCol := slices.Index(ids, "phone")
	if got := cellText(t, s, row, phoneCol); got != "13812345678" {
		t.Errorf("phone cell = %q", got)
	}
	if got := cellText(t, s, row, slices.Index(ids, "contact")); got != "张伟" {
		t.Errorf("contact cell = %q", got)
	}
	// A new list for the same user has the same columns.
	again := newCustomersScreen(u)
	if !slices.Equal(again.columnIDs(), ids) {
		t.Errorf("remembered columns = %v, want %v", again.columnIDs(), ids)
	}
}

// cellText renders one cell of the list the way the table does.
func cellText(t *testing.T, s *customersScreen, row, col int) string {
	t.Helper()
	o := s.table.CreateCell()
	s.updateCell(widget.TableCellID{Row: row, Col: col + 1}, o)
	return o.(*fyne.Container).Objects[1].(*cutLabel).Text
}

func TestBulkChangeOwnerConfirmsTheCount(t *testing.T) {
	_, s, yang := listFixture(t, "zh")
	// Given two rows ticked in the selection column,
	for _, name := range []string{"北京科技", "广州电子"} {
		s.table.Select(widget.TableCellID{Row: s.rowIndex(name), Col: 0})
	}
	if len(s.selected) != 2 || s.bulkBtn.Text != Tf("bulk.button_n", "2") {
		t.Fatalf("selected %d, button %q", len(s.selected), s.bulkBtn.Text)
	}
	// when the user changes their owner, the confirmation names the count and the new owner,
	s.onBulkOwner()
	if s.ask == nil || !s.ask.confirm.Disabled() {
		t.Fatal("the action can run before an owner is chosen")
	}
	s.ask.owner.SetSelected("杨帆")
	if got, want := s.ask.msg.Text, "将 2 位客户的跟进人改为 杨帆？"; got != want {
		t.Fatalf("confirmation = %q, want %q", got, want)
	}
	// and on confirming, both cards and only they belong to 杨帆.
	test.Tap(s.ask.confirm)
	if got := listed(s.u.store, data.CustomerFilter{OwnerID: yang.ID}); len(got) != 2 {
		t.Fatalf("杨帆 has %d cards", len(got))
	}
	if r := s.shown()[s.rowIndex("上海贸易")]; r.OwnerID == yang.ID {
		t.Error("an unticked card changed owner")
	}
	if len(s.selected) != 0 || !strings.Contains(s.note.Text, "2") {
		t.Errorf("after the action: %d selected, note %q", len(s.selected), s.note.Text)
	}
}

func TestBulkTagArchiveAndSelectAllMatching(t *testing.T) {
	_, s, _ := listFixture(t, "en")
	s.status.SetSelected(enumLabel("status", data.StatusCustomer))
	s.selectAllMatching()
	if len(s.selected) != 2 {
		t.Fatalf("select all matching ticked %d, want 2", len(s.selected))
	}
	s.onBulkTag()
	test.Type(s.ask.tag, "VIP")
	if got := s.ask.msg.Text; got != `Add the tag “VIP” to 2 customers?` {
		t.Errorf("confirmation = %q", got)
	}
	test.Tap(s.ask.confirm)
	if got := listed(s.u.store, data.CustomerFilter{Tag: "VIP"}); len(got) != 2 {
		t.Fatalf("tagged %d", len(got))
	}

	s.selectAllMatching()
	s.onBulkArchive()
	if got := s.ask.msg.Text; !strings.HasPrefix(got, "Archive 2 customers?") {
		t.Errorf("confirmation = %q", got)
	}
	test.Tap(s.ask.confirm)
	if active, archived := counts(s.u.store); active != 1 || archived != 2 {
		t.Fatalf("counts = %d, %d", active, archived)
	}
	if len(s.shown()) != 0 {
		t.Errorf("the list still shows %d archived cards", len(s.shown()))
	}
}

func TestSearchRowShowsTheMatchedField(t *testing.T) {
	_, s, _ := listFixture(t, "en")
	test.Type(s.search, "1381234")
	if len(s.shown()) != 1 {
		t.Fatalf("rows = %d", len(s.shown()))
	}
	if got := cellText(t, s, 0, slices.Index(s.columnIDs(), "name")); got != "北京科技有限公司  · phone: 13812345678" {
		t.Errorf("name cell = %q", got)
	}
	s.search.SetText("")
	test.Type(s.search, "北京")
	if got := cellText(t, s, 0, slices.Index(s.columnIDs(), "name")); got != "北京科技有限公司" {
		t.Errorf("a match in the name adds %q", got)
	}
}

func TestListColumnsFitANarrowWindow(t *testing.T) {
	u, s, _ := listFixture(t, "zh")
	for _, size := range []fyne.Size{{Width: 1004, Height: 560}, {Width: 1280, Height: 800}} {
		u.win.Resize(size)
		total := float32(checkWidth)
		for _, w := range s.widths {
			total += w
		}
		if total > s.table.Size().Width {
			t.Errorf("at %v the columns take %.0f of the table's %.0f", size, total, s.table.Size().Width)
		}
	}
	// At 800 wide they narrow, then scroll sideways rather than vanish.
	u.win.Resize(fyne.NewSize(800, 560))
	for i, c := range s.cols {
		if s.widths[i] < c.min-0.5 || s.widths[i] > c.width {
			t.Errorf("column %s narrowed to %.0f", c.id, s.widths[i])
		}
	}
}

func TestCutCellShowsWholeTextOnHover(t *testing.T) {
	_ = newTestUI(t, "en")
	tips := newTipLayer()
	l := newCutLabel(tips)
	l.SetText("A name far too long for its narrow column")
	w := test.NewWindow(tips.over(l))
	defer w.Close()
	w.Resize(fyne.NewSize(400, 200))
	l.Resize(fyne.NewSize(60, l.MinSize().Height))
	l.MouseIn(nil)
	if got := tips.shown(); got != l.Text {
		t.Fatalf("tip = %q", got)
	}
	l.MouseOut()
	if tips.shown() != "" {
		t.Error("the tip stays after the pointer left")
	}
	l.SetText("Short")
	l.Resize(fyne.NewSize(200, l.MinSize().Height))
	if l.MouseIn(nil); tips.shown() != "" {
		t.Error("a text that fits has a tip")
	}
}

func TestContactLinks(t *testing.T) {
	for _, tc := range []struct{ phone, want string }{
		{"13812345678", "tel:13812345678"},
		{"+86 138 1234 5678", "tel:+8613812345678"},
		{"010-12345678 转 8021", "tel:01012345678"},
		{"", ""},
	} {
		got := ""
		if u := telURL(tc.phone); u != nil {
			got = u.String()
		}
		if got != tc.want {
			t.Errorf("telURL(%q) = %q, want %q", tc.phone, got, tc.want)
		}
	}
	if u := mailURL("zhang@bjkj.cn"); u == nil || u.String() != "mailto:zhang@bjkj.cn" {
		t.Errorf("mailURL = %v", u)
	}
	if mailURL("not an address") != nil {
		t.Error("a text without @ got a mailto link")
	}
}

// heldWork keeps the window's background reads until the test runs them, in the order it chooses.
type heldWork struct{ queue []func() }

func holdReads(u *ui) *heldWork {
	h := &heldWork{}
	u.background = func(f func()) { h.queue = append(h.queue, f) }
	return h
}

// run runs the held reads i (in that order) and forgets all of them.
func (h *heldWork) run(order ...int) {
	q := h.queue
	h.queue = nil
	for _, i := range order {
		q[i]()
	}
}

func TestListReadsLeaveTheWindowAndDropStaleReplies(t *testing.T) {
	// Given the list of three cards, with the reads the window makes held back.
	u, s, _ := listFixture(t, "en")
	h := holdReads(u)

	// Typing a search reads nothing on the UI thread: the table keeps the last list meanwhile.
	s.search.SetText("北京")
	s.search.SetText("上海")
	if len(h.queue) != 2 {
		t.Fatalf("two keystrokes held %d reads", len(h.queue))
	}
	if s.total != 3 || len(s.shown()) != 3 {
		t.Fatalf("while the reads are on their way the list shows %d of %d", len(s.shown()), s.total)
	}

	// The newer reply lands first; the older one, arriving after it, is dropped.
	h.run(1, 0)
	if got := s.shown(); len(got) != 1 || got[0].Name != "上海贸易有限公司" || s.total != 1 {
		t.Fatalf("after both replies the list shows %d of %d", len(got), s.total)
	}
	if s.count.Text != "Showing 1 of 3 customers" {
		t.Errorf("count = %q", s.count.Text)
	}
}
