package gui

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"salesdesk/data"
)

// slowService holds the writes it wraps until the test releases them, and may then refuse them.
type slowService struct {
	data.Service
	calls   atomic.Int32
	entered chan struct{} // one per call, once the call is under way
	release chan struct{} // closed by the test: the calls go on
	fail    error         // what the held calls return instead of writing
}

func slowDown(u *ui, fail error) *slowService {
	s := &slowService{Service: u.store, entered: make(chan struct{}, 8), release: make(chan struct{}), fail: fail}
	u.store = s
	return s
}

func (s *slowService) hold() error {
	s.calls.Add(1)
	s.entered <- struct{}{}
	<-s.release
	return s.fail
}

func (s *slowService) UpdateCustomer(c data.Customer) (data.Customer, error) {
	if err := s.hold(); err != nil {
		return data.Customer{}, err
	}
	return s.Service.UpdateCustomer(c)
}

func (s *slowService) ConfirmResult(customerID, followUpID uint64, result string) (data.FollowUp, error) {
	if err := s.hold(); err != nil {
		return data.FollowUp{}, err
	}
	return s.Service.ConfirmResult(customerID, followUpID, result)
}

func (s *slowService) MoveStageUndoable(m data.Move) (data.Opportunity, data.MoveUndo, error) {
	if err := s.hold(); err != nil {
		return data.Opportunity{}, data.MoveUndo{}, err
	}
	return s.Service.MoveStageUndoable(m)
}

// openSavedCard opens a card the test's member owns.
func openSavedCard(t *testing.T, u *ui, name string) *cardWindow {
	t.Helper()
	c, err := u.file.CreateCustomer(data.System, data.Customer{Kind: data.KindCompany, Name: name, Status: data.StatusProspect, OwnerID: u.me().MemberID})
	if err != nil {
		t.Fatal(err)
	}
	cw := u.openCard(c.ID)
	if cw == nil {
		t.Fatal("the card did not open")
	}
	return cw
}

func TestSlowSaveLeavesTheWindowResponsive(t *testing.T) {
	// Given a card whose save takes until the test releases it.
	u := newTestUI(t, "en")
	q := asyncWrites(u)
	cw := openSavedCard(t, u, "Slow Ltd")
	slow := slowDown(u, nil)

	// When the user saves a change.
	cw.name.SetText("Slow Ltd Group")
	test.Tap(cw.saveBtn)
	<-slow.entered

	// Then the tap has returned while the write is under way, with Save disabled: a second click
	// and Ctrl+S save nothing more.
	if !cw.saveBtn.Disabled() {
		t.Fatal("Save is enabled while its save is under way")
	}
	test.Tap(cw.saveBtn)
	cw.onSave()
	if n := slow.calls.Load(); n != 1 {
		t.Fatalf("%d saves under way, want 1", n)
	}
	// The window goes on working: the list reads, the form takes typing.
	u.tabs.SelectIndex(tabCustomers)
	if len(u.customers.shown()) == 0 {
		t.Fatal("the customer list shows nothing while a save is under way")
	}
	cw.notes.SetText("typed meanwhile")
	if saveText := cw.saveBtn.Text; strings.Contains(saveText, "…") {
		t.Fatalf("Save reads %q before the busy delay", saveText)
	}
	q.moment()
	if !strings.HasSuffix(cw.saveBtn.Text, "…") {
		t.Fatalf("Save reads %q after the busy delay, want it to say it is busy", cw.saveBtn.Text)
	}

	// When the save lands, the button is back and the card is stored once.
	close(slow.release)
	q.settle()
	if cw.saveBtn.Disabled() || cw.saveBtn.Text != T("action.save") {
		t.Fatalf("after the save: disabled %v, text %q", cw.saveBtn.Disabled(), cw.saveBtn.Text)
	}
	if c, _ := u.file.Customer(cw.c.ID); c.Name != "Slow Ltd Group" {
		t.Fatalf("stored name %q", c.Name)
	}
	if cw.notes.Text != "typed meanwhile" {
		t.Fatalf("typing made during the save was lost: %q", cw.notes.Text)
	}
}

func TestFailedSlowSaveKeepsTheTyping(t *testing.T) {
	u := newTestUI(t, "en")
	q := asyncWrites(u)
	cw := openSavedCard(t, u, "Refused Ltd")
	slow := slowDown(u, data.ErrConflict)
	cw.name.SetText("Refused Ltd Typed")
	test.Tap(cw.saveBtn)
	<-slow.entered
	close(slow.release)
	q.settle()
	if cw.name.Text != "Refused Ltd Typed" {
		t.Fatalf("the name field shows %q after the refusal", cw.name.Text)
	}
	if len(u.dialogs) != 1 || cw.saveBtn.Disabled() {
		t.Fatalf("%d dialogs, Save disabled %v: the refusal was not shown or Save stayed off", len(u.dialogs), cw.saveBtn.Disabled())
	}
	if !cw.dirty() {
		t.Fatal("the refused typing no longer counts as unsaved")
	}
	if c, _ := u.file.Customer(cw.c.ID); c.Name != "Refused Ltd" {
		t.Fatalf("stored name %q after a refused save", c.Name)
	}
}

func TestClosingACardWhileItSaves(t *testing.T) {
	cases := []struct {
		name     string
		fail     error
		open     bool   // whether the window is still open at the end
		wantName string // the stored name
	}{
		{"the save lands, then the window closes", nil, false, "Closing Ltd 2"},
		{"a refused save keeps the window and the typing", data.ErrConflict, true, "Closing Ltd"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := newTestUI(t, "en")
			q := asyncWrites(u)
			cw := openSavedCard(t, u, "Closing Ltd")
			slow := slowDown(u, tc.fail)
			cw.name.SetText("Closing Ltd 2")
			test.Tap(cw.saveBtn)
			<-slow.entered

			// Closing asks nothing (a second save would save twice) and waits for the save.
			cw.onClose()
			if !u.open[cw] || len(u.dialogs) != 0 {
				t.Fatalf("while saving: open %v, %d dialogs", u.open[cw], len(u.dialogs))
			}
			close(slow.release)
			q.settle()
			if u.open[cw] != tc.open {
				t.Fatalf("window open %v, want %v", u.open[cw], tc.open)
			}
			if tc.open && cw.name.Text != "Closing Ltd 2" {
				t.Fatalf("the typing was lost: %q", cw.name.Text)
			}
			if n := slow.calls.Load(); n != 1 {
				t.Fatalf("%d saves, want 1", n)
			}
			if c, _ := u.file.Customer(cw.c.ID); c.Name != tc.wantName {
				t.Fatalf("stored name %q, want %q", c.Name, tc.wantName)
			}
		})
	}
}

func TestBoardShowsAMoveAtOnceAndTakesAFailedOneBack(t *testing.T) {
	for _, fail := range []error{nil, data.ErrConflict} {
		u, o := newBoard(t)
		q := asyncWrites(u)
		slow := slowDown(u, fail)
		s := u.pipeline
		lead, target := s.column("lead"), s.column("initial_contact")
		def := target.def
		s.moveTo(s.row(o.ID), def)
		<-slow.entered
		// While the write is under way the card stands where it was dropped, and a reload keeps it there.
		s.reload()
		if len(lead.deals) != 0 || len(target.deals) != 1 {
			t.Fatalf("during the move: lead %d, target %d", len(lead.deals), len(target.deals))
		}
		close(slow.release)
		q.settle()
		want := lead
		if fail == nil {
			want = target
		}
		if len(want.deals) != 1 || want.deals[0].ID != o.ID {
			t.Fatalf("fail %v: the deal is not in %s after the move", fail, want.def.Key)
		}
		if got, _ := u.file.Opportunity(o.ID); got.Stage != want.def.Key {
			t.Fatalf("fail %v: stored stage %q, want %q", fail, got.Stage, want.def.Key)
		}
	}
}

// The result dialog closes before its save: a save that fails opens it again with the typing.
func TestFailedResultKeepsWhatWasTyped(t *testing.T) {
	u := newTestUI(t, "zh")
	cw := openSavedCard(t, u, "结果未存公司")
	slow := slowDown(u, errors.New("disk full"))
	close(slow.release)
	cw.confirmResult(data.FollowUp{ID: 1, CustomerID: cw.c.ID, Action: "电话回访"})
	entry := dialogEntry(t, cw.win, "")
	test.Type(entry, "客户同意下周签约")
	tapInDialog(t, cw.win, T("action.save"))
	if n := slow.calls.Load(); n != 1 {
		t.Fatalf("%d result saves, want 1", n)
	}
	if got := dialogEntry(t, cw.win, "客户同意下周签约"); got == entry {
		t.Fatal("the failed save left the closed dialog's entry, not a new dialog")
	}
}

// dialogEntry is the entry holding text in any dialog over w.
func dialogEntry(t *testing.T, w fyne.Window, text string) *textEntry {
	t.Helper()
	for _, o := range w.Canvas().Overlays().List() {
		for _, x := range test.LaidOutObjects(o) {
			if e, ok := x.(*textEntry); ok && e.Text == text {
				return e
			}
		}
	}
	t.Fatalf("no dialog holds an entry with %q", text)
	return nil
}

// The result dialog opens with the cursor in a field wide enough for a sentence.
func TestResultDialogIsReadyToType(t *testing.T) {
	u := newTestUI(t, "zh")
	cw := openSavedCard(t, u, "结果待填公司")
	cw.confirmResult(data.FollowUp{ID: 1, CustomerID: cw.c.ID, Action: "电话回访"})
	entry := dialogEntry(t, cw.win, "")
	if f := cw.win.Canvas().Focused(); f != entry {
		t.Fatalf("focus on %T, not the result", f)
	}
	if w := entry.Size().Width; w < 300 {
		t.Fatalf("the result field is %.0f px wide", w)
	}
	// Enter saves once a result is typed, not before.
	slow := slowDown(u, errors.New("disk full"))
	close(slow.release)
	entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if n := slow.calls.Load(); n != 0 {
		t.Fatalf("Enter in the empty field saved %d times", n)
	}
	test.Type(entry, "客户同意下周签约")
	entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if n := slow.calls.Load(); n != 1 {
		t.Fatalf("Enter saved %d times, want 1", n)
	}
}
