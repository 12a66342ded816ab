package storage

import (
	"errors"
	"fmt"
	"salesdesk/data"
	"slices"
	"strconv"
	"strings"
	"time"
)

// colPlan is one mapped column of a sheet.
type colPlan struct {
	col    int
	header string
	field  data.ImportField
	group  data.FieldGroup
	unit   string
}

// sheetPlan is how the rows of one sheet are read.
type sheetPlan struct {
	sheet *data.ImportSheet
	name  string // "" for a CSV file's only table
	cols  []colPlan
	// onlyCustomers: the sheet maps no deal or follow-up field, so every row is a customer's.
	onlyCustomers bool
}

func newSheetPlan(sh *data.ImportSheet, showName bool) *sheetPlan {
	p := &sheetPlan{sheet: sh, onlyCustomers: true}
	if showName {
		p.name = sh.Name
	}
	for _, c := range sh.Mapping.Columns {
		d, ok := c.Field.Def()
		if !ok || c.Column < 0 {
			continue
		}
		p.cols = append(p.cols, colPlan{col: c.Column, header: c.Header, field: c.Field, group: d.Group, unit: c.Unit})
		if d.Group == data.GroupOpportunity || d.Group == data.GroupFollowUp {
			p.onlyCustomers = false
		}
	}
	return p
}

// rowCell is one non-empty mapped cell of a row.
type rowCell struct {
	plan *colPlan
	v    string
}

// rowPlan is a row read from the file: its cells by field and what it holds.
type rowPlan struct {
	sheet *sheetPlan
	src   data.SourceRow
	cells []rowCell
	name  string // the customer's name as written
	// cardNo is the customer's card number as written (upper case).
	cardNo                 string
	defines, hasOpp, hasFU bool
	issues

	// What parse read: the row's values on fresh records.
	cust data.Customer
	ce   custExtras
	// fresh is cust finished as a new card, with its normalised name and its validation problems.
	fresh     data.Customer
	freshName string
	freshErrs data.FieldErrors
	opp       data.Opportunity
	oe        oppExtras
	fu        data.FollowUp
}

// parse reads every mapped cell onto fresh records; what cannot be read becomes the row's problems.
// It needs nothing of the file, so it can run ahead of the transaction that applies the row.
func (p *rowPlan) parse(x *parseCtx) {
	if len(p.problems) > 0 {
		return
	}
	if p.defines {
		p.ce = p.applyCustomer(&p.cust, x)
		// The card as a new one would be, checked: most rows of a large file are new cards, and this
		// work then stays out of the transaction.
		p.fresh = p.cust
		p.fresh.Contacts = slices.Clone(p.cust.Contacts)
		ce := p.ce
		p.finishCustomer(&p.fresh, &ce, x, false)
		normalizeCustomer(&p.fresh)
		p.freshName = data.NormalizeName(p.fresh.Name)
		p.freshErrs = data.ValidateCustomer(&p.fresh, x.now)
	}
	if p.hasOpp {
		p.oe = p.applyOpportunity(&p.opp, x)
	}
	if p.hasFU {
		p.applyFollowUp(&p.fu, x)
	}
}

// quietly re-applies the row's cells (onto a stored record) without reporting its problems again:
// parse reported them already.
func (p *rowPlan) quietly(fn func()) {
	saved := p.issues
	fn()
	p.issues = saved
}

// issues collects a row's problems (the row is rejected) and warnings (it is imported with a note).
type issues struct {
	problems, warnings []data.RowProblem
}

func (p *rowPlan) problem(c *rowCell, err error) { p.problems = append(p.problems, p.note(c, err)) }
func (p *rowPlan) warn(c *rowCell, err error)    { p.warnings = append(p.warnings, p.note(c, err)) }

func (p *rowPlan) note(c *rowCell, err error) data.RowProblem {
	rp := data.RowProblem{Sheet: data.Excerpt(p.sheet.name), Row: p.src.Row, Message: err.Error(), Err: rootErr(err)}
	if c != nil {
		// Excerpts: the rejected-rows file keeps the cells whole, the message only has to point at them.
		rp.Column, rp.Field, rp.Value = data.Excerpt(c.plan.header), c.plan.field, data.Excerpt(c.v)
	} else if p.src.ProblemCol > 0 {
		rp.Column = fmt.Sprintf("column %d", p.src.ProblemCol)
		if h := p.sheet.sheet.Header; p.src.ProblemCol <= len(h) && h[p.src.ProblemCol-1] != "" {
			rp.Column = data.Excerpt(h[p.src.ProblemCol-1])
		}
	}
	return rp
}

// rootErr finds the sentinel a wrapped error carries, for the window's translations.
func rootErr(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// newRowPlan picks the mapped cells of a row and tells what records it holds.
func newRowPlan(sp *sheetPlan, src data.SourceRow) *rowPlan {
	p := &rowPlan{sheet: sp, src: src}
	if src.ProblemErr != nil {
		p.problem(nil, fmt.Errorf("%w%s", src.ProblemErr, strings.TrimPrefix(src.Problem, src.ProblemErr.Error())))
		return p
	}
	if src.Problem != "" {
		p.problem(nil, fmt.Errorf("%w: %s", data.ErrRowUnreadable, src.Problem))
		return p
	}
	if src.Cut {
		p.problem(nil, data.ErrRowCut)
	}
	hasCustomerData := false
	for i := range sp.cols {
		cp := &sp.cols[i]
		if cp.col >= len(src.Cells) || src.Cells[cp.col] == "" {
			continue
		}
		v := src.Cells[cp.col]
		if sp.sheet.Date1904 && isDateField(cp.field) {
			v = from1904(v)
		}
		p.cells = append(p.cells, rowCell{plan: cp, v: v})
		switch {
		case cp.field == data.FieldName:
			p.name = v
		case cp.field == data.FieldCardNo:
			p.cardNo = strings.ToUpper(strings.TrimSpace(data.ToHalfWidth(v)))
		case cp.group == data.GroupOpportunity:
			p.hasOpp = true
		case cp.group == data.GroupFollowUp:
			p.hasFU = true
		default:
			hasCustomerData = true
		}
	}
	p.defines = sp.onlyCustomers || hasCustomerData
	if len(p.cells) == 0 && len(p.problems) == 0 {
		p.problem(nil, data.ErrNothingToImport)
	}
	if p.name == "" && p.cardNo == "" && len(p.problems) == 0 {
		p.problem(nil, data.ErrNoCustomerName)
	}
	return p
}

// isDateField tells the fields whose cells are dates (or start with one).
func isDateField(f data.ImportField) bool {
	base, _ := contactSlot(f)
	switch base {
	case data.FieldFirstContact, data.FieldLastFollowUp, data.FieldNextFollowUp, data.FieldCooperationSince, data.FieldContactBirthday,
		data.FieldOppCloseDate, data.FieldOppWonDate, data.FieldOppCreated, data.FieldFUDate, data.FieldFUDeadline:
		return true
	}
	return false
}

// from1904 moves a serial date of a workbook counting from 1904 to the 1900 count, which is 1,462
// days more; any other text is left as it is.
func from1904(v string) string {
	if !data.SerialRe.MatchString(v) && !(len(v) >= 4 && len(v) <= 6 && data.IsDigits(v)) {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	return strconv.FormatFloat(f+1462, 'f', -1, 64)
}

// parseCtx is what reading a row needs of the store: the team and the stages.
type parseCtx struct {
	now        time.Time
	rules      data.GradeRules
	members    map[string]uint64
	stages     map[string]string
	stageNames string
	// defaultOwner is ImportOptions.DefaultOwner when it names a member.
	defaultOwner uint64
}

func newParseCtx(st data.Settings, members []data.Member, now time.Time) *parseCtx {
	x := &parseCtx{now: now, rules: st.GradeRules, members: map[string]uint64{}, stages: map[string]string{}}
	// An owner column names a member by name, or by login: the email address or the part before its @,
	// as exports from other systems give it. Names go first, so a name never loses to someone's login.
	for pass := 0; pass < 2; pass++ {
		for _, m := range members {
			keys := []string{m.Name}
			if pass == 1 {
				keys = []string{m.Email}
				if at := strings.IndexByte(m.Email, '@'); at > 0 {
					keys = append(keys, m.Email[:at])
				}
			}
			for _, k := range keys {
				if k := data.FoldChoice(k); k != "" {
					if _, taken := x.members[k]; !taken {
						x.members[k] = m.ID
					}
				}
			}
		}
	}
	defaults := map[string]string{}
	for _, d := range data.DefaultStages() {
		defaults[d.Key] = d.Name
	}
	var names []string
	for _, s := range st.Stages {
		x.stages[data.FoldChoice(s.Key)] = s.Key
		x.stages[data.FoldChoice(s.Name)] = s.Key
		x.stages[data.FoldChoice(strings.ReplaceAll(s.Key, "_", " "))] = s.Key
		if n, ok := defaults[s.Key]; ok {
			x.stages[data.FoldChoice(n)] = s.Key
		}
		names = append(names, s.Name)
	}
	x.stageNames = strings.Join(names, ", ")
	return x
}

func (x *parseCtx) member(name string) (uint64, bool) {
	id, ok := x.members[data.FoldChoice(name)]
	return id, ok
}

// custExtras are what a row says about a card beyond its plain fields.
type custExtras struct {
	contacts          [data.MaxImportContacts]data.Contact
	present           [data.MaxImportContacts]bool
	grade             data.Grade
	lastFollowUp      time.Time
	nextRaw           string
	nextAction        string
	archived, archSet bool
}

// applyCustomer writes the row's customer cells onto c (a new card or a copy of a stored one); cells it
// cannot read are the row's problems.
func (p *rowPlan) applyCustomer(c *data.Customer, x *parseCtx) custExtras {
	var e custExtras
	for i := range p.cells {
		cl := &p.cells[i]
		v := cl.v
		if base, slot := contactSlot(cl.plan.field); slot > 0 {
			p.applyContact(&e, base, slot, cl)
			continue
		}
		var err error
		switch cl.plan.field {
		case data.FieldName:
			c.Name = v
		case data.FieldKind:
			err = setChoice(kindChoices, v, (*string)(&c.Kind))
		case data.FieldIndustry:
			c.Industry = v
		case data.FieldCategory:
			c.Category = v
		case data.FieldOwnership:
			err = setChoice(ownershipChoices, v, (*string)(&c.Ownership))
		case data.FieldRegion:
			c.Region = v
		case data.FieldSize:
			c.Size = v
		case data.FieldNeeds:
			c.Needs = v
		case data.FieldBudget:
			c.Budget, err = parseImportAmount(v, cl.plan.unit)
		case data.FieldPreferences:
			c.Preferences = v
		case data.FieldDecisionProcess:
			c.DecisionProcess = v
		case data.FieldNeedStage:
			c.NeedStage = v
		case data.FieldSource:
			err = setChoice(sourceChoices, v, (*string)(&c.Source))
		case data.FieldOwner:
			if id, ok := x.member(v); ok {
				c.OwnerID = id
			} else if x.defaultOwner != 0 {
				p.warn(cl, fmt.Errorf("%w: the card goes to the default owner", data.ErrUnknownMember))
			} else {
				p.warn(cl, fmt.Errorf("%w: the card is imported without an owner", data.ErrUnknownMember))
			}
		case data.FieldFirstContact:
			c.FirstContact, err = data.ParseImportDate(v)
		case data.FieldLastFollowUp:
			e.lastFollowUp, err = data.ParseImportDate(v)
		case data.FieldNextFollowUp:
			e.nextRaw = v
		case data.FieldNextAction:
			e.nextAction = v
		case data.FieldStatus:
			err = setChoice(statusChoices, v, (*string)(&c.Status))
		case data.FieldGrade:
			e.grade, err = parseGrade(v)
		case data.FieldLifecycle:
			err = setChoice(lifecycleChoices, v, (*string)(&c.Lifecycle))
		case data.FieldTags:
			c.Tags = splitList(v)
		case data.FieldAnnualPurchase:
			c.AnnualPurchase, err = parseImportAmount(v, cl.plan.unit)
		case data.FieldCooperationSince:
			c.CooperationSince, err = data.ParseImportDate(v)
		case data.FieldReferral:
			err = setChoice(levelChoices, v, (*string)(&c.Referral))
		case data.FieldCredit:
			err = setChoice(creditChoices, v, (*string)(&c.Credit))
		case data.FieldCreditLimit:
			c.CreditLimit, err = parseImportAmount(v, cl.plan.unit)
		case data.FieldReceivables:
			c.Receivables, err = parseImportAmount(v, cl.plan.unit)
		case data.FieldNotes:
			c.Notes = v
		case data.FieldArchived:
			var b string
			if err = setChoice(boolChoices, v, &b); err == nil {
				e.archived, e.archSet = b == "true", true
			}
		}
		if err != nil {
			p.problem(cl, err)
		}
	}
	return e
}

func setChoice(t data.ChoiceTable, v string, dst *string) error {
	got, err := t.Parse(v)
	if err != nil {
		return err
	}
	*dst = got
	return nil
}

// applyContact fills one contact slot. A phone or an email nobody could dial is not worth losing the
// row over: it goes into the contact's notes, with a warning.
func (p *rowPlan) applyContact(e *custExtras, base data.ImportField, slot int, cl *rowCell) {
	if slot > data.MaxImportContacts {
		return
	}
	ct := &e.contacts[slot-1]
	e.present[slot-1] = true
	v := cl.v
	switch base {
	case data.FieldContactName:
		ct.Name = v
	case data.FieldContactTitle:
		ct.Title = v
	case data.FieldContactPhone:
		p.setPhone(ct, v, cl)
	case data.FieldContactEmail:
		p.setEmail(ct, v, cl)
	case data.FieldContactBirthday:
		t, err := data.ParseImportDate(v)
		if err != nil {
			p.problem(cl, err)
		}
		ct.Birthday = t
	case data.FieldContactRole:
		if err := setChoice(roleChoices, v, (*string)(&ct.Role)); err != nil {
			p.problem(cl, err)
		}
	case data.FieldContactNotes:
		ct.Notes = joinNote(ct.Notes, v)
	case data.FieldContactInfo:
		name, title, phone, email := splitContactInfo(v)
		if ct.Name == "" {
			ct.Name = name
		}
		if ct.Title == "" {
			ct.Title = title
		}
		if phone != "" && ct.Phone == "" {
			p.setPhone(ct, phone, cl)
		}
		if email != "" && ct.Email == "" {
			p.setEmail(ct, email, cl)
		}
	}
}

func (p *rowPlan) setPhone(ct *data.Contact, v string, cl *rowCell) {
	if ph, err := data.ParsePhone(v); err == nil {
		ct.Phone = ph.Normalized
		return
	}
	ct.Notes = joinNote(ct.Notes, "电话: "+v)
	p.warn(cl, fmt.Errorf("%w: kept in the contact's notes", data.ErrPhoneInvalid))
}

func (p *rowPlan) setEmail(ct *data.Contact, v string, cl *rowCell) {
	if em, err := data.ValidateEmail(v); err == nil {
		ct.Email = em
		return
	}
	ct.Notes = joinNote(ct.Notes, "邮箱: "+v)
	p.warn(cl, fmt.Errorf("%w: kept in the contact's notes", data.ErrEmailInvalid))
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// finishCustomer applies what needs the whole row: the contacts (a new card takes them in order; a
// stored card has each merged into the contact with the same name, phone or email), the next
// follow-up plan, the last follow-up, the grade (an override only where it differs from the rules'
// suggestion, so that an exported grade reads back as the suggestion it was) and archiving.
func (p *rowPlan) finishCustomer(c *data.Customer, e *custExtras, x *parseCtx, existing bool) {
	for i, ok := range e.present {
		if !ok {
			continue
		}
		ct := e.contacts[i]
		if existing {
			mergeContact(c, ct)
			continue
		}
		if ct.Name == "" {
			// A phone or an email without a person (a company's switchboard) is the customer's own.
			ct.Name = c.Name
		}
		c.Contacts = append(c.Contacts, ct)
	}
	if !e.lastFollowUp.IsZero() && e.lastFollowUp.After(c.LastFollowUp) {
		c.LastFollowUp = e.lastFollowUp
	}
	if e.nextRaw != "" {
		ref := c.LastFollowUp
		if ref.IsZero() {
			ref = c.FirstContact
		}
		if ref.IsZero() {
			ref = x.now
		}
		if t, rest, ok := parseLeadingDate(e.nextRaw, ref, true); ok {
			c.NextFollowUp = t
			c.DropActivityDetails()
			if rest != "" {
				c.NextAction = rest
			}
		} else {
			c.NextAction = strings.TrimSpace(e.nextRaw)
		}
	}
	if e.nextAction != "" {
		c.NextAction = e.nextAction
	}
	if e.grade != data.GradeNone {
		c.GradeOverride = data.GradeNone
		if sug, _ := data.SuggestGrade(c, x.rules, x.now); sug != e.grade {
			c.GradeOverride = e.grade
		}
	}
	if e.archSet && e.archived != c.Archived {
		c.Archived = e.archived
		c.ArchivedAt = time.Time{}
		if e.archived {
			c.ArchivedAt = x.now
		}
	}
}

// mergeContact updates the contact of c that is the same person as ct (by name, phone or email), or
// adds ct, named after the customer if the row named nobody.
func mergeContact(c *data.Customer, ct data.Contact) {
	for i := range c.Contacts {
		old := &c.Contacts[i]
		same := (ct.Name != "" && strings.TrimSpace(old.Name) == ct.Name) ||
			(ct.Phone != "" && data.NormalizePhone(old.Phone) == data.NormalizePhone(ct.Phone)) ||
			(ct.Email != "" && data.NormalizeEmail(old.Email) == data.NormalizeEmail(ct.Email))
		if !same {
			continue
		}
		for _, f := range []struct{ dst, src *string }{{&old.Name, &ct.Name}, {&old.Title, &ct.Title},
			{&old.Phone, &ct.Phone}, {&old.Email, &ct.Email}, {&old.Notes, &ct.Notes}} {
			if *f.src != "" {
				*f.dst = *f.src
			}
		}
		if ct.Role != data.RoleNone {
			old.Role = ct.Role
		}
		if !ct.Birthday.IsZero() {
			old.Birthday = ct.Birthday
		}
		return
	}
	if ct.Name == "" {
		ct.Name = c.Name
	}
	c.Contacts = append(c.Contacts, ct)
}

// oppExtras are what a row says about a deal beyond its plain fields.
type oppExtras struct {
	number  string
	stage   string
	created time.Time
	won     time.Time
}

// applyOpportunity writes the row's deal cells onto o.
func (p *rowPlan) applyOpportunity(o *data.Opportunity, x *parseCtx) oppExtras {
	var e oppExtras
	var milestones []string
	for i := range p.cells {
		cl := &p.cells[i]
		v := cl.v
		var err error
		switch cl.plan.field {
		case data.FieldOppNumber:
			e.number = strings.ToUpper(strings.TrimSpace(data.ToHalfWidth(v)))
		case data.FieldOppTitle:
			o.Title = v
		case data.FieldOppSource:
			err = setChoice(sourceChoices, v, (*string)(&o.Source))
		case data.FieldOppAmount:
			o.Amount, err = parseImportAmount(v, cl.plan.unit)
		case data.FieldOppCloseDate:
			o.CloseDate, err = data.ParseImportDate(v)
		case data.FieldOppStage:
			key, ok := x.stages[data.FoldChoice(v)]
			if !ok {
				err = fmt.Errorf("%w: the stages are %s", data.ErrUnknownStage, x.stageNames)
			}
			e.stage = key
		case data.FieldOppOwner:
			if id, ok := x.member(v); ok {
				o.OwnerID = id
			} else {
				p.warn(cl, fmt.Errorf("%w: the deal is imported without an owner", data.ErrUnknownMember))
			}
		case data.FieldOppMilestones:
			milestones = splitList(v)
		case data.FieldOppSummary:
			o.Summary = v
		case data.FieldOppCompetition:
			o.Competition = v
		case data.FieldOppRisk:
			o.Risk, err = parseRisk(v)
		case data.FieldOppBudget:
			o.Scores.Budget, err = parseScore(v)
		case data.FieldOppUrgency:
			o.Scores.Urgency, err = parseScore(v)
		case data.FieldOppAuthority:
			o.Scores.Authority, err = parseScore(v)
		case data.FieldOppWonDate:
			e.won, err = data.ParseImportDate(v)
		case data.FieldOppLostReason:
			o.LostReason = v
		case data.FieldOppLostTo:
			o.LostTo = v
		case data.FieldOppCreated:
			e.created, err = data.ParseImportDate(v)
		}
		if err != nil {
			p.problem(cl, err)
		}
	}
	if milestones != nil {
		ref := o.CloseDate
		if ref.IsZero() {
			ref = x.now
		}
		o.Milestones = nil
		for _, m := range milestones {
			done := false
			for _, mark := range []string{"✓", "√", "[x]", "(已完成)", "（已完成）"} {
				if t, ok := strings.CutSuffix(m, mark); ok {
					m, done = strings.TrimSpace(t), true
				}
			}
			if d, rest, ok := parseLeadingDate(m, ref, false); ok {
				o.Milestones = append(o.Milestones, data.Milestone{Date: d, Text: rest, Done: done})
			} else {
				o.Milestones = append(o.Milestones, data.Milestone{Text: m, Done: done})
			}
		}
	}
	return e
}

// applyFollowUp writes the row's follow-up cells onto f.
func (p *rowPlan) applyFollowUp(f *data.FollowUp, x *parseCtx) {
	var deadline *rowCell
	for i := range p.cells {
		cl := &p.cells[i]
		v := cl.v
		var err error
		switch cl.plan.field {
		case data.FieldFUDate:
			f.Date, err = data.ParseImportDate(v)
		case data.FieldFUMethod:
			err = setChoice(methodChoices, v, (*string)(&f.Method))
		case data.FieldFUBy:
			if id, ok := x.member(v); ok {
				f.ByID = id
			} else {
				p.warn(cl, fmt.Errorf("%w: the follow-up is imported without its author", data.ErrUnknownMember))
			}
		case data.FieldFUContact:
			f.Contact = v
		case data.FieldFUTopic:
			f.Topic = v
		case data.FieldFUFeedback:
			f.Feedback = v
		case data.FieldFUAction:
			f.Action = v
		case data.FieldFUDeadline:
			deadline = cl
		case data.FieldFUResult:
			f.Result = v
		}
		if err != nil {
			p.problem(cl, err)
		}
	}
	if f.Method == "" {
		f.Method = data.MethodOther
	}
	if deadline != nil {
		ref := f.Date
		if ref.IsZero() {
			ref = x.now
		}
		d, rest, ok := parseLeadingDate(deadline.v, ref, true)
		switch {
		case !ok:
			p.problem(deadline, fmt.Errorf("%w: use the form 2024-03-15", data.ErrDateInvalid))
		case rest != "" && f.Action == "":
			f.Action = rest
		}
		f.Deadline = d
	}
}

// fieldErrorProblems turns a validator's problems into the row's, each at its column when mapped.
func (p *rowPlan) fieldErrorProblems(fe data.FieldErrors, group data.FieldGroup) {
	for _, e := range fe {
		field := validatorField(e.Field, group)
		var at *rowCell
		for i := range p.cells {
			if p.cells[i].plan.field == field {
				at = &p.cells[i]
				break
			}
		}
		err := e.Err
		if at == nil {
			err = fmt.Errorf("%s: %w", e.Field, e.Err)
		}
		p.problem(at, err)
	}
}

// validatorField maps a validator's field name to the import field it came from.
func validatorField(name string, group data.FieldGroup) data.ImportField {
	switch group {
	case data.GroupOpportunity:
		return data.ImportField("opp." + name)
	case data.GroupFollowUp:
		return data.ImportField("fu." + name)
	}
	if rest, ok := strings.CutPrefix(name, "contacts."); ok {
		if i := strings.IndexByte(rest, '.'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				return data.ContactSlotField(data.ImportField("contact."+rest[i+1:]), n+1)
			}
		}
	}
	if name == "grade_override" {
		return data.FieldGrade
	}
	return data.ImportField(name)
}
