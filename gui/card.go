package gui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// cardWindow is the customer card (客户资料卡) in a window of its own, so a rep can keep several open.
type cardWindow struct {
	u   *ui
	win fyne.Window
	// c is the card as last read or saved; the form's values are only copied into it on save.
	c         data.Customer
	followUps []data.FollowUp
	// saving is set while a save is under way; closeAfter asks it to close the window once it
	// succeeds, so that closing meanwhile neither asks to save again nor drops the typing on failure.
	saving, closeAfter bool
	contacts           []data.Contact
	fields             map[string]*field

	kind      *widget.RadioGroup
	name      *textEntry
	industry  *textEntry
	category  *widget.SelectEntry
	ownership *enumSelect[data.Ownership]
	region    *textEntry
	size      *textEntry

	needs     *textEntry
	budget    *textEntry
	prefs     *textEntry
	decision  *textEntry
	needStage *widget.SelectEntry

	source    *enumSelect[data.Source]
	owner     *widget.Select
	first     *textEntry
	nextDate  *textEntry
	nextAct   *textEntry
	status    *enumSelect[data.Status]
	override  *enumSelect[data.Grade]
	lifecycle *enumSelect[data.Lifecycle]
	tags      *textEntry

	annual      *textEntry
	coopSince   *textEntry
	referral    *enumSelect[data.Level]
	credit      *enumSelect[data.Credit]
	creditLimit *textEntry
	receivables *textEntry

	manMoney, manAuth, manNeed *widget.Check
	manAdvice                  *widget.Label
	notes                      *textEntry

	title         *widget.Label
	gradeInfo     *widget.Label
	completeness  *widget.ProgressBar
	segment       *widget.Label
	header        *fyne.Container
	missing       *widget.Label
	problems      *widget.Label
	contactList   *widget.List
	timeline      *widget.List
	saveBtn       *widget.Button
	releaseBtn    *widget.Button
	addContactBtn *widget.Button
	archiveBtn    *widget.Button
	followBtn     *widget.Button
	reviewBtn     *widget.Button
	// owners maps the owner select's labels to member ids.
	owners []data.Member

	tabs      *container.AppTabs
	tabFields [][]string // field keys (or key prefixes) on each tab
	tabTitles []string
	history   *cardHistory // a saved card's audit lines (audit.go)

	// The open contact and follow-up dialogs' forms, held so tests drive them as a user would.
	contactForm  *contactForm
	contactOK    *widget.Button
	followUpForm *followUpForm
	followUpOK   *widget.Button
	unsaved      *dialog.CustomDialog

	deals     []*data.OpportunityRow
	dealList  *widget.List
	newDealBt *widget.Button
}

// buildDeals lists the customer's opportunities; one opens with a tap, and a new lead starts here.
func (cw *cardWindow) buildDeals() fyne.CanvasObject {
	cw.dealList = widget.NewList(func() int { return len(cw.deals) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateClip
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(cw.deals) {
				return
			}
			d := cw.deals[i]
			def, _ := cw.u.teamSettings().Stage(d.Stage)
			o.(*widget.Label).SetText(d.Number + "  " + d.Title + "  ·  " + stageName(def) + "  ·  " + formatMoney(d.Amount) + "  ·  " + formatDate(d.Close.Time()))
		})
	cw.dealList.OnSelected = func(i widget.ListItemID) {
		cw.dealList.UnselectAll()
		if i < len(cw.deals) {
			cw.u.openDealID(cw.deals[i].ID)
		}
	}
	cw.newDealBt = widget.NewButtonWithIcon(T("action.new_lead"), theme.ContentAddIcon(), func() {
		cw.u.openDeal(data.Opportunity{CustomerID: cw.c.ID, OwnerID: cw.c.OwnerID})
	})
	cw.reloadDeals()
	return container.NewBorder(container.NewHBox(cw.newDealBt), nil, nil, nil, cw.dealList)
}

func (cw *cardWindow) reloadDeals() {
	if cw.c.ID == 0 {
		cw.deals = nil
		cw.newDealBt.Disable()
	} else {
		page, err := cw.u.store.Opportunities(data.OpportunityFilter{CustomerID: cw.c.ID})
		if err != nil {
			cw.u.showError(cw.win, err)
		}
		cw.deals = make([]*data.OpportunityRow, len(page.Rows))
		for i := range page.Rows {
			cw.deals[i] = &page.Rows[i]
		}
		cw.newDealBt.Enable()
	}
	cw.dealList.Refresh()
}

// openCard shows the card of id (0 for a new one), bringing an open window forward.
func (u *ui) openCard(id uint64) *cardWindow {
	if cw, ok := u.cards[id]; ok && id != 0 {
		cw.win.RequestFocus()
		return cw
	}
	cw := &cardWindow{u: u, fields: map[string]*field{}}
	if id != 0 {
		c, err := u.store.Customer(id)
		if err != nil {
			u.showError(u.win, err)
			return nil
		}
		cw.c = c
		if cw.followUps, err = u.store.FollowUps(id); err != nil {
			u.showError(u.win, err)
		}
		u.cards[id] = cw
	} else {
		me := u.me()
		cw.c = data.Customer{Kind: data.KindCompany, Status: data.StatusProspect, OwnerID: me.MemberID, FirstContact: data.DateOf(u.now())}
	}
	cw.contacts = append([]data.Contact(nil), cw.c.Contacts...)
	cw.win = u.app.NewWindow("")
	cw.buildUI()
	// No wider or taller than the main window: on a small screen the card must fit too.
	main := u.win.Canvas().Size()
	cw.win.Resize(fyne.NewSize(min(980, max(main.Width, 640)), min(720, max(main.Height, 480))))
	cw.win.SetCloseIntercept(cw.onClose)
	u.open[cw] = true
	cw.win.SetOnClosed(func() {
		delete(u.open, cw)
		if u.cards[cw.c.ID] == cw {
			delete(u.cards, cw.c.ID)
		}
	})
	u.addShortcuts(cw.win, cw.onSave)
	cw.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			cw.u.closeDialog()
		}
	})
	cw.win.Show()
	return cw
}

func (cw *cardWindow) add(key string, input fyne.CanvasObject) *field {
	f := newField(key, input)
	cw.fields[key] = f
	// Every change shows its effect on the grade suggestion and completeness at once.
	then := func(prev func(string)) func(string) {
		return func(t string) {
			if prev != nil {
				prev(t)
			}
			cw.preview()
		}
	}
	switch w := f.input.(type) {
	case *textEntry:
		w.OnChanged = then(w.OnChanged)
	case *widget.Select:
		w.OnChanged = then(w.OnChanged)
	case *escSelect:
		w.OnChanged = then(w.OnChanged)
	case *widget.SelectEntry:
		w.OnChanged = func(string) { cw.preview() }
	case *widget.RadioGroup:
		w.OnChanged = func(string) { cw.preview() }
	}
	return f
}

func (cw *cardWindow) buildUI() {
	c := &cw.c
	cw.kind = widget.NewRadioGroup([]string{T("kind.company"), T("kind.person")}, nil)
	cw.kind.Horizontal = true
	cw.kind.SetSelected(enumLabel("kind", c.Kind))
	cw.name = newEntry(c.Name)
	cw.industry = newEntry(c.Industry)
	cw.category = widget.NewSelectEntry(cw.u.teamSettings().Categories)
	cw.category.SetText(c.Category)
	cw.ownership = newEnumSelect("ownership", data.Ownerships, true, c.Ownership)
	cw.region = newEntry(c.Region)
	cw.size = newEntry(c.Size)
	cw.size.SetPlaceHolder(T("hint.size"))

	cw.needs = newGrowingMultiLine(c.Needs, 3)
	cw.budget = newAmountEntry(c.Budget)
	cw.prefs = newGrowingMultiLine(c.Preferences, 3)
	cw.decision = newGrowingMultiLine(c.DecisionProcess, 3)
	cw.needStage = widget.NewSelectEntry([]string{T("needstage.unclear"), T("needstage.exploring"), T("needstage.defined"), T("needstage.budgeted"), T("needstage.purchasing")})
	cw.needStage.SetText(c.NeedStage)

	cw.source = newEnumSelect("source", data.Sources, true, c.Source)
	cw.owners = cw.u.members()
	if c.ID == 0 && c.OwnerID == 0 && !cw.u.store.Can(data.PermReassign) {
		c.OwnerID = cw.u.store.Me().ID // a rep's new card is the rep's own
	}
	cw.owner = newOwnerSelect(cw.owners, c.OwnerID)
	cw.u.allowIf(cw.owner, data.PermReassign)
	cw.first = newDateEntry(c.FirstContact)
	cw.nextDate = newDateEntry(c.NextFollowUp)
	cw.nextAct = newEntry(cw.u.agenda.actionText(c.NextAction))
	cw.status = newEnumSelect("status", data.Statuses, false, c.Status)
	cw.override = newEnumSelect("grade", data.Grades, true, c.GradeOverride)
	cw.lifecycle = newEnumSelect("lifecycle", data.Lifecycles, true, c.Lifecycle)
	cw.tags = newEntry(strings.Join(c.Tags, ", "))
	cw.tags.SetPlaceHolder(T("hint.tags"))

	cw.annual = newAmountEntry(c.AnnualPurchase)
	cw.coopSince = newDateEntry(c.CooperationSince)
	cw.referral = newEnumSelect("level", data.Levels, true, c.Referral)
	cw.credit = newEnumSelect("credit", data.Credits, true, c.Credit)
	cw.creditLimit = newAmountEntry(c.CreditLimit)
	cw.receivables = newAmountEntry(c.Receivables)

	cw.manAdvice = widget.NewLabel("")
	cw.manAdvice.Wrapping = proseWrap()
	onMAN := func(bool) { cw.showMANAdvice() }
	cw.manMoney = widget.NewCheck(T("man.money"), onMAN)
	cw.manAuth = widget.NewCheck(T("man.authority"), onMAN)
	cw.manNeed = widget.NewCheck(T("man.need"), onMAN)
	cw.manMoney.SetChecked(c.MAN.Money)
	cw.manAuth.SetChecked(c.MAN.Authority)
	cw.manNeed.SetChecked(c.MAN.Need)
	cw.notes = newGrowingMultiLine(c.Notes, 3)

	identity := formGrid(cw.add("kind", cw.kind), cw.add("name", cw.name), cw.add("industry", cw.industry),
		cw.add("category", cw.category), cw.add("ownership", cw.ownership), cw.add("region", cw.region),
		cw.add("size", cw.size), cw.add("source", cw.source), cw.add("owner", cw.owner), cw.add("status", cw.status),
		cw.add("grade_override", cw.override), cw.add("lifecycle", cw.lifecycle), cw.add("first_contact", cw.first),
		cw.add("next_follow_up", cw.nextDate), cw.add("next_action", cw.nextAct), cw.add("tags", cw.tags))
	// Identity and relationship share one grid so their labels line up.
	needs := formGrid(cw.add("needs", cw.needs), cw.add("budget", cw.budget), cw.add("preferences", cw.prefs),
		cw.add("decision_process", cw.decision), cw.add("need_stage", cw.needStage))
	business := formGrid(cw.add("annual_purchase", cw.annual), cw.add("cooperation_since", cw.coopSince),
		cw.add("referral", cw.referral), cw.add("credit", cw.credit), cw.add("credit_limit", cw.creditLimit),
		cw.add("receivables", cw.receivables), cw.add("notes", cw.notes))
	man := container.NewVBox(
		widget.NewLabelWithStyle(T("man.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(cw.manMoney, cw.manAuth, cw.manNeed), widget.NewCard("", T("man.guidance"), cw.manAdvice))
	cw.add("man", man)

	cw.contactList = widget.NewList(
		func() int { return len(cw.contacts) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			// The phone and email are links to the system's dialler and mail client.
			return container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()),
				container.NewHBox(widget.NewHyperlink("", nil), widget.NewHyperlink("", nil),
					widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), nil),
					widget.NewButtonWithIcon("", theme.DeleteIcon(), nil)), l)
		},
		cw.updateContactRow)
	cw.addContactBtn = widget.NewButtonWithIcon(T("action.add_contact"), theme.ContentAddIcon(), func() { cw.editContact(-1) })
	contacts := container.NewBorder(nil, cw.addContactBtn, nil, nil, cw.contactList)

	cw.timeline = widget.NewList(
		func() int { return len(cw.followUps) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Wrapping = proseWrap()
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(cw.followUps) {
				o.(*widget.Label).SetText(cw.followUpText(cw.followUps[i]))
				cw.timeline.SetItemHeight(i, o.MinSize().Height)
			}
		})
	cw.timeline.OnSelected = func(i widget.ListItemID) {
		cw.timeline.UnselectAll()
		if i < len(cw.followUps) && cw.followUps[i].OpenAction() && !cw.c.Archived {
			cw.confirmResult(cw.followUps[i])
		}
	}
	cw.followBtn = widget.NewButtonWithIcon(T("action.log_follow_up"), theme.ContentAddIcon(), cw.onLogFollowUp)
	timeline := container.NewBorder(container.NewHBox(cw.followBtn), nil, nil, nil, cw.timeline)

	cw.tabs = container.NewAppTabs(
		// The wheel scrolls a form even over its entries (their long text grows them instead).
		container.NewTabItem(T("card.tab.identity"), scrollOverEntries(container.NewVScroll(identity))),
		container.NewTabItem(T("card.tab.contacts"), contacts),
		container.NewTabItem(T("card.tab.needs"), scrollOverEntries(container.NewVScroll(container.NewVBox(needs, widget.NewSeparator(), man)))),
		container.NewTabItem(T("card.tab.business"), scrollOverEntries(container.NewVScroll(business))),
		container.NewTabItem(T("card.tab.follow_ups"), timeline),
		container.NewTabItem(T("card.tab.deals"), cw.buildDeals()),
	)
	cw.addHistoryTab()
	// Which tab each field is on, so a save's problems can point at their tabs.
	cw.tabFields = [][]string{
		{"kind", "name", "industry", "category", "ownership", "region", "size", "source", "owner", "status",
			"grade_override", "lifecycle", "first_contact", "next_follow_up", "next_action", "tags"},
		{"contacts."},
		{"needs", "budget", "preferences", "decision_process", "need_stage", "man"},
		{"annual_purchase", "cooperation_since", "referral", "credit", "credit_limit", "receivables", "notes"},
	}
	cw.tabTitles = []string{T("card.tab.identity"), T("card.tab.contacts"), T("card.tab.needs"), T("card.tab.business"), T("card.tab.follow_ups"), T("card.tab.deals")}

	cw.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	cw.title.Truncation = fyne.TextTruncateEllipsis // a long name must not push the buttons out of the window
	cw.gradeInfo = widget.NewLabel("")
	cw.gradeInfo.Wrapping = proseWrap() // long reasons wrap instead of widening the window
	cw.completeness = widget.NewProgressBar()
	cw.completeness.TextFormatter = func() string { return Tf("card.complete", int(cw.completeness.Value*100)) }
	cw.segment = widget.NewLabel("")
	cw.segment.Hide()
	cw.missing = widget.NewLabel("")
	cw.missing.Wrapping = proseWrap()
	cw.missing.Importance = widget.WarningImportance
	cw.problems = widget.NewLabel("")
	cw.problems.Importance = widget.DangerImportance
	cw.problems.Hide()

	cw.saveBtn = widget.NewButtonWithIcon(T("action.save"), theme.DocumentSaveIcon(), cw.onSave)
	cw.saveBtn.Importance = widget.HighImportance
	cw.archiveBtn = widget.NewButtonWithIcon("", archiveIcon, cw.onArchive)
	cw.reviewBtn = widget.NewButtonWithIcon(T("action.reviewed"), theme.ConfirmIcon(), cw.onReviewed)
	buttons := container.NewHBox(cw.releaseButton(), cw.reviewBtn, cw.archiveBtn, cw.saveBtn)
	cw.header = container.NewVBox(
		container.NewBorder(nil, nil, nil, buttons, cw.title),
		container.NewGridWithColumns(2, cw.gradeInfo, cw.completeness),
		cw.segment,
		cw.missing)
	// The problems sit under the tabs, so showing them does not move what the user is about to click.
	cw.win.SetContent(withTips(container.NewBorder(cw.header, cw.problems, nil, nil, cw.tabs)))
	cw.refreshHeader()
	cw.showMANAdvice()
	cw.showSegment()
}

// showSegment shows the card's ABC class and RFM segment as of today. They are figured over every
// customer's sales, which at 100k cards takes a moment after a change, so off the UI thread.
func (cw *cardWindow) showSegment() {
	id := cw.c.ID
	if id == 0 {
		return
	}
	st := cw.u.store // read here: a restore may replace it while the work runs
	cw.u.background(func() {
		sg, ok, err := st.CustomerSegment(id)
		ok = ok && err == nil
		fyne.Do(func() {
			text := T("segment.none")
			// The same reading of the card as its grade's: a buyer without won deals is not "no sales".
			if data.ValueBasisOf(&cw.c, ok) == data.ValueCardOnly {
				text = T("segment.card_only")
			}
			if ok {
				share := "<0.1%"
				if sg.Share >= 0.1 {
					share = strconv.FormatFloat(sg.Share, 'f', 1, 64) + "%"
				}
				text = Tf("segment.card", string(sg.ABC), string(sg.OverallABC), share, sg.RFM.Label(currentLanguage()), sg.R, sg.F, sg.M)
			}
			cw.segment.SetText(T("segment.title") + ": " + text)
			cw.segment.Show()
			// The header grows by a line: the window lays it out again.
			cw.header.Refresh()
			cw.win.Content().Refresh()
		})
	})
}

func (cw *cardWindow) updateContactRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(cw.contacts) {
		return
	}
	ct := cw.contacts[i]
	row := o.(*fyne.Container)
	label := row.Objects[0].(*widget.Label)
	btns := row.Objects[2].(*fyne.Container)
	parts := []string{ct.Name}
	for _, p := range []string{ct.Title, enumLabel("role", ct.Role)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if !ct.Birthday.IsZero() {
		parts = append(parts, T("field.birthday")+" "+formatDate(ct.Birthday))
	}
	text := strings.Join(parts, "  ·  ")
	if ct.Primary {
		text = "★ " + text
	}
	label.SetText(text)
	setContactLink(btns.Objects[0].(*widget.Hyperlink), ct.Phone, telURL(ct.Phone), cw.win)
	setContactLink(btns.Objects[1].(*widget.Hyperlink), ct.Email, mailURL(ct.Email), cw.win)
	btns.Objects[2].(*widget.Button).OnTapped = func() { cw.editContact(i) }
	btns.Objects[3].(*widget.Button).OnTapped = func() { cw.removeContact(i) }
	for _, b := range btns.Objects[2:] {
		setEnabled(b.(*widget.Button), !cw.c.Archived)
	}
}

func (cw *cardWindow) showMANAdvice() {
	m := data.MAN{Money: cw.manMoney.Checked, Authority: cw.manAuth.Checked, Need: cw.manNeed.Checked}
	letter := func(yes bool, l string) string {
		if yes {
			return l
		}
		return strings.ToLower(l)
	}
	combo := letter(m.Money, "M") + "+" + letter(m.Authority, "A") + "+" + letter(m.Need, "N")
	cw.manAdvice.SetText(combo + T("man.sep") + T("man."+string(m.Advice())))
	cw.preview()
}

// preview shows the grade suggestion and completeness of what is typed, before it is saved.
func (cw *cardWindow) preview() {
	if cw.tabs == nil {
		return // still being built
	}
	c, _ := cw.collect()
	cw.showHeader(&c)
	// A field's message goes when it is edited; the summary and the tab marks follow, and go with the
	// last one.
	if cw.problems.Visible() {
		var left data.FieldErrors
		for k, f := range cw.fields {
			if f.msg.Visible() {
				left.Add(k, errors.New(f.msg.Text))
			}
		}
		cw.markTabs(left)
		if len(left) == 0 {
			cw.problems.Hide()
		} else {
			cw.problems.SetText(Tf("card.problems", len(left)))
		}
	}
}

// refreshHeader shows the card's number, grades and completeness as last saved.
func (cw *cardWindow) refreshHeader() {
	cw.showHeader(&cw.c)
}

func (cw *cardWindow) showHeader(c *data.Customer) {
	title := T("card.new")
	if strings.TrimSpace(c.Name) != "" {
		title = T("card.new") + "  " + c.Name
	}
	if c.ID != 0 {
		title = c.CardNo + "  " + c.Name
	}
	if c.ID != 0 && c.Archived {
		title += "  (" + T("card.archived") + ")"
	}
	cw.title.SetText(title)
	cw.win.SetTitle(title + " — SalesDesk")
	rules := cw.u.teamSettings().GradeRules
	now := cw.u.now()
	sug, reason := data.SuggestGrade(c, rules, now)
	info := Tf("card.suggested", string(sug), T("reason."+string(reason)))
	if c.GradeOverride != data.GradeNone {
		info += "  " + Tf("card.override", string(c.GradeOverride))
	}
	plan := data.MaintenancePlanFor(c.Grade(rules, now))
	info += "\n" + T("card.plan") + ": " + T(plan.Action)
	if c.ID != 0 && c.Archived {
		info = T("card.archived_readonly") + "\n" + info
	}
	cw.gradeInfo.SetText(info)
	comp := c.Completeness()
	cw.completeness.SetValue(float64(comp.Percent()) / 100)
	if len(comp.Missing) > 0 {
		miss := make([]string, len(comp.Missing))
		for i, k := range comp.Missing {
			miss[i] = T("field." + k)
		}
		cw.missing.SetText(T("card.missing") + ": " + strings.Join(miss, T("list.sep")))
	} else {
		cw.missing.SetText("")
	}
	if c.Archived {
		cw.archiveBtn.SetText(T("action.restore"))
		cw.archiveBtn.SetIcon(theme.ContentUndoIcon())
	} else {
		cw.archiveBtn.SetText(T("action.archive"))
		cw.archiveBtn.SetIcon(archiveIcon)
	}
	// Archive (or Restore) needs a saved card; logging and reviewing also one that is not archived.
	saved := c.ID != 0
	setEnabled(cw.archiveBtn, saved)
	setEnabled(cw.followBtn, saved && !cw.c.Archived)
	setEnabled(cw.reviewBtn, saved && !cw.c.Archived)
	cw.setReadOnly(cw.c.Archived)
}

// collect copies the form into a card, parsing what needs parsing; problems come back per field.
func (cw *cardWindow) collect() (data.Customer, data.FieldErrors) {
	c := cw.c
	var fe data.FieldErrors
	date := func(key string, e *textEntry) time.Time {
		v, err := parseOptionalDate(e.Text)
		if err != nil {
			fe.Add(key, err)
		}
		return v
	}
	amount := func(key string, e *textEntry) data.Amount {
		v, err := parseOptionalAmount(e.Text)
		if err != nil {
			fe.Add(key, err)
		}
		return v
	}
	c.Kind = data.KindCompany
	if cw.kind.Selected == T("kind.person") {
		c.Kind = data.KindPerson
	}
	c.Name = cw.name.Text
	c.Industry = strings.TrimSpace(cw.industry.Text)
	c.Category = strings.TrimSpace(cw.category.Text)
	c.Ownership = cw.ownership.value()
	c.Region = strings.TrimSpace(cw.region.Text)
	c.Size = strings.TrimSpace(cw.size.Text)
	c.Contacts = append([]data.Contact(nil), cw.contacts...)
	c.Needs = cw.needs.Text
	c.Budget = amount("budget", cw.budget)
	c.Preferences = cw.prefs.Text
	c.DecisionProcess = cw.decision.Text
	c.NeedStage = strings.TrimSpace(cw.needStage.Text)
	c.Source = cw.source.value()
	c.OwnerID = ownerOf(cw.owners, cw.owner)
	c.FirstContact = date("first_contact", cw.first)
	c.NextFollowUp = date("next_follow_up", cw.nextDate)
	c.NextAction = strings.TrimSpace(cw.nextAct.Text)
	if c.NextAction == cw.u.agenda.actionText(cw.c.NextAction) {
		c.NextAction = cw.c.NextAction // keep the plan's key so it stays translatable
	}
	c.Status = cw.status.value()
	c.GradeOverride = cw.override.value()
	c.Lifecycle = cw.lifecycle.value()
	c.Tags = splitTags(cw.tags.Text)
	c.AnnualPurchase = amount("annual_purchase", cw.annual)
	c.CooperationSince = date("cooperation_since", cw.coopSince)
	c.Referral = cw.referral.value()
	c.Credit = cw.credit.value()
	c.CreditLimit = amount("credit_limit", cw.creditLimit)
	c.Receivables = amount("receivables", cw.receivables)
	c.MAN = data.MAN{Money: cw.manMoney.Checked, Authority: cw.manAuth.Checked, Need: cw.manNeed.Checked}
	c.Notes = cw.notes.Text
	return c, fe
}

func splitTags(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' }) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// showProblems puts each problem at its field and sums them up at the top; the form keeps its text.
func (cw *cardWindow) showProblems(fe data.FieldErrors) {
	for _, f := range cw.fields {
		f.setError(nil)
	}
	var contactProblems []string
	for _, e := range fe {
		if f, ok := cw.fields[e.Field]; ok {
			f.setError(e.Err)
			continue
		}
		if strings.HasPrefix(e.Field, "contacts.") {
			contactProblems = append(contactProblems, contactProblem(e, cw.contacts))
		}
	}
	first := cw.markTabs(fe)
	if len(fe) == 0 {
		cw.problems.Hide()
		return
	}
	if first >= 0 {
		cw.tabs.SelectIndex(first)
	}
	text := Tf("card.problems", len(fe))
	if len(contactProblems) > 0 {
		text += "\n" + strings.Join(contactProblems, "\n")
	}
	cw.problems.SetText(text)
	cw.problems.Show()
}

// markTabs puts ▲ on the tabs holding a problem and returns the first such tab, or -1.
func (cw *cardWindow) markTabs(fe data.FieldErrors) int {
	first := -1
	for i, keys := range cw.tabFields {
		marked := false
		for _, e := range fe {
			for _, k := range keys {
				if e.Field == k || (strings.HasSuffix(k, ".") && strings.HasPrefix(e.Field, k)) {
					marked = true
				}
			}
		}
		title := cw.tabTitles[i]
		if marked {
			title = "▲ " + title
			if first < 0 {
				first = i
			}
		}
		if cw.tabs.Items[i].Text != title {
			cw.tabs.Items[i].Text = title
			cw.tabs.Refresh()
		}
	}
	return first
}

func contactProblem(e data.FieldError, contacts []data.Contact) string {
	var i int
	var name string
	if _, err := fmt.Sscanf(e.Field, "contacts.%d.", &i); err == nil && i < len(contacts) {
		name = contacts[i].Name
	}
	parts := strings.Split(e.Field, ".")
	return fmt.Sprintf("%s %s — %s: %s", T("field.contact"), name, T("field."+parts[len(parts)-1]), errorText(e.Err))
}

// onSave validates, warns about duplicates, then saves. Whatever happens, the form keeps what was typed.
func (cw *cardWindow) onSave() { cw.saveThen(nil) }

// saveThen is onSave with then to run once the card is saved; a save refused or failed skips it.
func (cw *cardWindow) saveThen(then func()) {
	c, fe := cw.collect()
	fe = mergeProblems(fe, data.ValidateCustomer(&c, cw.u.now()))
	cw.showProblems(fe)
	if fe.Any() {
		return
	}
	if dups, _ := cw.u.store.Duplicates(c); len(dups) > 0 && cw.identityChanged(c) {
		cw.warnDuplicates(c, dups, then)
		return
	}
	cw.save(c, then)
}

// identityChanged tells whether the name, a phone or an email differs from the saved card; an edit of
// other fields on a card already known to look like another need not warn again.
func (cw *cardWindow) identityChanged(c data.Customer) bool {
	if cw.c.ID == 0 || data.NormalizeName(c.Name) != data.NormalizeName(cw.c.Name) || len(c.Contacts) != len(cw.c.Contacts) {
		return true
	}
	for i := range c.Contacts {
		if data.NormalizePhone(c.Contacts[i].Phone) != data.NormalizePhone(cw.c.Contacts[i].Phone) ||
			data.NormalizeEmail(c.Contacts[i].Email) != data.NormalizeEmail(cw.c.Contacts[i].Email) {
			return true
		}
	}
	return false
}

func (cw *cardWindow) warnDuplicates(c data.Customer, dups []data.DuplicateMatch, then func()) {
	box := container.NewVBox(widget.NewLabel(T("dup.intro")))
	for _, d := range dups {
		d := d
		text := Tf("dup.line", d.Row.CardNo, d.Row.Name, T("dup.by."+d.By), d.Key)
		if d.Row.Archived {
			text += " (" + T("card.archived") + ")"
		}
		box.Add(container.NewBorder(nil, nil, nil,
			widget.NewButton(T("action.open"), func() { cw.u.openCard(d.Row.ID) }), widget.NewLabel(text)))
	}
	d := dialog.NewCustomConfirm(T("dup.title"), T("action.save_anyway"), T("action.cancel"), box, func(ok bool) {
		if ok {
			cw.save(c, then)
		}
	}, cw.win)
	cw.u.track(d)
	d.Show()
}

// save writes the card off the UI thread; the form stays as typed until the result is in, and on a
// failure it keeps the typing and shows the refusal at the fields or by code.
func (cw *cardWindow) save(c data.Customer, then func()) {
	var saved data.Customer
	st := cw.u.store
	cw.u.writeMarking(&cw.saving, cw.saveBtn, func() (err error) {
		if c.ID == 0 {
			saved, err = st.CreateCustomer(c)
		} else {
			saved, err = st.UpdateCustomer(c)
		}
		return err
	}, func(err error) { cw.saved(c, saved, err, then) })
}

func (cw *cardWindow) saved(c, saved data.Customer, err error, then func()) {
	cw.saving = false
	closeAfter := cw.closeAfter
	cw.closeAfter = false
	if err != nil {
		if closeAfter {
			cw.u.quitting, cw.u.signingOut = false, false // the typing stays in view with the refusal
		}
		var fe data.FieldErrors
		if errors.As(err, &fe) {
			cw.showProblems(fe)
			return
		}
		cw.u.showError(cw.win, err)
		return
	}
	if c.ID == 0 {
		cw.u.cards[saved.ID] = cw
	}
	cw.c = saved
	cw.contacts = append([]data.Contact(nil), saved.Contacts...)
	cw.contactList.Refresh()
	cw.nextDate.SetText(editDate(saved.NextFollowUp))
	cw.nextAct.SetText(cw.u.agenda.actionText(saved.NextAction))
	cw.showSavedAmounts(saved)
	cw.showProblems(nil)
	cw.refreshHeader()
	cw.reloadDeals()
	cw.u.refreshAll()
	showToast(cw.win.Canvas(), T("settings.saved"))
	if then != nil {
		then()
	}
	if closeAfter && !cw.dirty() {
		cw.win.Close()
		cw.u.continueQuit()
	}
}

func (cw *cardWindow) onArchive() {
	if cw.c.Archived {
		cw.setArchived(cw.u.store.RestoreCustomer)
		return
	}
	// An archived card is read-only, so typing not yet saved would stand in it as if it were stored.
	if cw.dirty() {
		d := confirm(T("archive.title"), T("card.archive_unsaved"), T("action.save_and_archive"), func(ok bool) {
			if !ok {
				return
			}
			cw.saveThen(func() {
				if !cw.dirty() {
					cw.archive()
				}
			})
		}, cw.win)
		cw.u.track(d)
		d.Show()
		return
	}
	d := confirm(T("archive.title"), Tf("archive.question", cw.c.Name), T("action.archive"), func(ok bool) {
		if ok {
			cw.archive()
		}
	}, cw.win)
	cw.u.track(d)
	d.Show()
}

// archive hides the card from lists and the agenda; it stays in the file, restorable.
func (cw *cardWindow) archive() { cw.setArchived(cw.u.store.ArchiveCustomer) }

// setArchived runs change (an archive or a restore) off the UI thread and shows its result.
func (cw *cardWindow) setArchived(change func(id uint64) (data.Customer, error)) {
	var c data.Customer
	id := cw.c.ID
	cw.u.write(cw.archiveBtn, func() (err error) {
		c, err = change(id)
		return err
	}, cw.u.showErrorOr(cw.win, func() {
		cw.c.Archived, cw.c.ArchivedAt, cw.c.Version = c.Archived, c.ArchivedAt, c.Version
		cw.refreshHeader()
		cw.u.refreshAll()
	}))
}

func (cw *cardWindow) onReviewed() {
	var c data.Customer
	id, st := cw.c.ID, cw.u.store
	cw.u.write(cw.reviewBtn, func() (err error) {
		c, err = st.MarkReviewed(id)
		return err
	}, cw.u.showErrorOr(cw.win, func() {
		cw.c.LastReviewed, cw.c.Version = c.LastReviewed, c.Version
		cw.u.refreshAll()
	}))
}

func (cw *cardWindow) followUpText(f data.FollowUp) string {
	head := formatDate(f.Date) + "  " + enumLabel("method", f.Method) + "  " + cw.u.memberName(f.ByID)
	if f.Contact != "" {
		head += " → " + f.Contact
	}
	lines := []string{head, f.Topic}
	if f.Feedback != "" {
		lines = append(lines, T("field.feedback")+": "+f.Feedback)
	}
	if f.Action != "" {
		a := T("field.action") + ": " + f.Action
		if !f.Deadline.IsZero() {
			a += "  (" + T("field.deadline") + " " + formatDate(f.Deadline) + ")"
		}
		lines = append(lines, a)
	}
	if f.Result != "" {
		lines = append(lines, T("field.result")+": "+f.Result)
	} else if f.OpenAction() {
		lines = append(lines, T("followup.open"))
	}
	return strings.Join(lines, "\n")
}

// dirty tells whether the form holds changes not yet saved.
func (cw *cardWindow) dirty() bool {
	c, fe := cw.collect()
	if fe.Any() {
		return true // text that does not even parse was typed
	}
	// JSON compares dates as instants and treats nil and empty lists alike enough for this purpose.
	a, _ := json.Marshal(c)
	b, _ := json.Marshal(cw.c)
	return string(a) != string(b)
}

// onClose asks before unsaved changes are thrown away.
func (cw *cardWindow) onClose() {
	if cw.saving {
		// The save under way closes the window when it succeeds; asking to save again would save twice.
		cw.closeAfter = true
		return
	}
	if !cw.dirty() {
		cw.win.Close()
		return
	}
	cw.unsaved = askUnsaved(cw.u, cw.win, T("card.unsaved"), func() {
		cw.saveThen(func() {
			if !cw.dirty() {
				cw.win.Close()
				cw.u.continueQuit()
			}
		})
	}, func() {
		cw.win.Close()
		cw.u.continueQuit()
	})
}
