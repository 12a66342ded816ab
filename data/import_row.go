package data

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RowProblem is why a row, or one cell of it, was not imported as written.
type RowProblem struct {
	Sheet   string      `json:"sheet,omitempty"`
	Row     int         `json:"row"`
	Column  string      `json:"column,omitempty"` // the column's header
	Field   ImportField `json:"field,omitempty"`
	Value   string      `json:"value,omitempty"`
	Message string      `json:"message"`
	// Err is the sentinel behind the message (ErrDateInvalid, ErrUnknownMember …), for translation.
	Err error `json:"-"`
}

func (p RowProblem) String() string {
	var b strings.Builder
	if p.Sheet != "" {
		b.WriteString(p.Sheet + " ")
	}
	fmt.Fprintf(&b, "row %d", p.Row)
	if p.Column != "" {
		fmt.Fprintf(&b, ", %s", Excerpt(p.Column))
	}
	if p.Value != "" {
		fmt.Fprintf(&b, " %q", Excerpt(p.Value))
	}
	b.WriteString(": " + p.Message)
	return b.String()
}

// Errors of import rows, beside the parsers' and the validators'.
var (
	ErrNoCustomerName    = errors.New("the row names no customer (客户名称 or 客户编号 is empty)")
	ErrCustomerNotFound  = errors.New("no customer of that name or card number; put the customer's row before it or import the customers first")
	ErrCustomerAmbiguous = errors.New("several customers have this name; give the card number (客户编号) instead")
	ErrRowUnreadable     = errors.New("the row cannot be read")
	ErrRowCut            = errors.New("the file ends in the middle of this row: it was cut short (truncated); the row was not imported")
	ErrNothingToImport   = errors.New("the row holds no value for a mapped column")
)

// colPlan is one mapped column of a sheet.
type colPlan struct {
	col    int
	header string
	field  ImportField
	group  FieldGroup
	unit   string
}

// sheetPlan is how the rows of one sheet are read.
type sheetPlan struct {
	sheet *ImportSheet
	name  string // "" for a CSV file's only table
	cols  []colPlan
	// onlyCustomers: the sheet maps no deal or follow-up field, so every row is a customer's.
	onlyCustomers bool
}

func newSheetPlan(sh *ImportSheet, showName bool) *sheetPlan {
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
		if d.Group == GroupOpportunity || d.Group == GroupFollowUp {
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
	src   SourceRow
	cells []rowCell
	name  string // the customer's name as written
	// cardNo is the customer's card number as written (upper case).
	cardNo                 string
	defines, hasOpp, hasFU bool
	issues

	// What parse read: the row's values on fresh records.
	cust Customer
	ce   custExtras
	// fresh is cust finished as a new card, with its normalised name and its validation problems.
	fresh     Customer
	freshName string
	freshErrs FieldErrors
	opp       Opportunity
	oe        oppExtras
	fu        FollowUp
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
		p.freshName = NormalizeName(p.fresh.Name)
		p.freshErrs = ValidateCustomer(&p.fresh, x.now)
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
	problems, warnings []RowProblem
}

func (p *rowPlan) problem(c *rowCell, err error) { p.problems = append(p.problems, p.note(c, err)) }
func (p *rowPlan) warn(c *rowCell, err error)    { p.warnings = append(p.warnings, p.note(c, err)) }

func (p *rowPlan) note(c *rowCell, err error) RowProblem {
	rp := RowProblem{Sheet: Excerpt(p.sheet.name), Row: p.src.Row, Message: err.Error(), Err: rootErr(err)}
	if c != nil {
		// Excerpts: the rejected-rows file keeps the cells whole, the message only has to point at them.
		rp.Column, rp.Field, rp.Value = Excerpt(c.plan.header), c.plan.field, Excerpt(c.v)
	} else if p.src.ProblemCol > 0 {
		rp.Column = fmt.Sprintf("column %d", p.src.ProblemCol)
		if h := p.sheet.sheet.Header; p.src.ProblemCol <= len(h) && h[p.src.ProblemCol-1] != "" {
			rp.Column = Excerpt(h[p.src.ProblemCol-1])
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
func newRowPlan(sp *sheetPlan, src SourceRow) *rowPlan {
	p := &rowPlan{sheet: sp, src: src}
	if src.ProblemErr != nil {
		p.problem(nil, fmt.Errorf("%w%s", src.ProblemErr, strings.TrimPrefix(src.Problem, src.ProblemErr.Error())))
		return p
	}
	if src.Problem != "" {
		p.problem(nil, fmt.Errorf("%w: %s", ErrRowUnreadable, src.Problem))
		return p
	}
	if src.Cut {
		p.problem(nil, ErrRowCut)
	}
	hasCustomerData := false
	for i := range sp.cols {
		cp := &sp.cols[i]
		if cp.col >= len(src.Cells) || src.Cells[cp.col] == "" {
			continue
		}
		v := src.Cells[cp.col]
		if sp.sheet.date1904 && isDateField(cp.field) {
			v = from1904(v)
		}
		p.cells = append(p.cells, rowCell{plan: cp, v: v})
		switch {
		case cp.field == FieldName:
			p.name = v
		case cp.field == FieldCardNo:
			p.cardNo = strings.ToUpper(strings.TrimSpace(toHalfWidth(v)))
		case cp.group == GroupOpportunity:
			p.hasOpp = true
		case cp.group == GroupFollowUp:
			p.hasFU = true
		default:
			hasCustomerData = true
		}
	}
	p.defines = sp.onlyCustomers || hasCustomerData
	if len(p.cells) == 0 && len(p.problems) == 0 {
		p.problem(nil, ErrNothingToImport)
	}
	if p.name == "" && p.cardNo == "" && len(p.problems) == 0 {
		p.problem(nil, ErrNoCustomerName)
	}
	return p
}

// isDateField tells the fields whose cells are dates (or start with one).
func isDateField(f ImportField) bool {
	base, _ := contactSlot(f)
	switch base {
	case FieldFirstContact, FieldLastFollowUp, FieldNextFollowUp, FieldCooperationSince, FieldContactBirthday,
		FieldOppCloseDate, FieldOppWonDate, FieldOppCreated, FieldFUDate, FieldFUDeadline:
		return true
	}
	return false
}

// from1904 moves a serial date of a workbook counting from 1904 to the 1900 count, which is 1,462
// days more; any other text is left as it is.
func from1904(v string) string {
	if !serialRe.MatchString(v) && !(len(v) >= 4 && len(v) <= 6 && isDigits(v)) {
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
	rules      GradeRules
	members    map[string]uint64
	stages     map[string]string
	stageNames string
	// defaultOwner is ImportOptions.DefaultOwner when it names a member.
	defaultOwner uint64
}

func newParseCtx(st Settings, members []Member, now time.Time) *parseCtx {
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
				if k := foldChoice(k); k != "" {
					if _, taken := x.members[k]; !taken {
						x.members[k] = m.ID
					}
				}
			}
		}
	}
	defaults := map[string]string{}
	for _, d := range DefaultStages() {
		defaults[d.Key] = d.Name
	}
	var names []string
	for _, s := range st.Stages {
		x.stages[foldChoice(s.Key)] = s.Key
		x.stages[foldChoice(s.Name)] = s.Key
		x.stages[foldChoice(strings.ReplaceAll(s.Key, "_", " "))] = s.Key
		if n, ok := defaults[s.Key]; ok {
			x.stages[foldChoice(n)] = s.Key
		}
		names = append(names, s.Name)
	}
	x.stageNames = strings.Join(names, ", ")
	return x
}

func (x *parseCtx) member(name string) (uint64, bool) {
	id, ok := x.members[foldChoice(name)]
	return id, ok
}

// custExtras are what a row says about a card beyond its plain fields.
type custExtras struct {
	contacts          [MaxImportContacts]Contact
	present           [MaxImportContacts]bool
	grade             Grade
	lastFollowUp      time.Time
	nextRaw           string
	nextAction        string
	archived, archSet bool
}

// applyCustomer writes the row's customer cells onto c (a new card or a copy of a stored one); cells it
// cannot read are the row's problems.
func (p *rowPlan) applyCustomer(c *Customer, x *parseCtx) custExtras {
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
		case FieldName:
			c.Name = v
		case FieldKind:
			err = setChoice(kindChoices, v, (*string)(&c.Kind))
		case FieldIndustry:
			c.Industry = v
		case FieldCategory:
			c.Category = v
		case FieldOwnership:
			err = setChoice(ownershipChoices, v, (*string)(&c.Ownership))
		case FieldRegion:
			c.Region = v
		case FieldSize:
			c.Size = v
		case FieldNeeds:
			c.Needs = v
		case FieldBudget:
			c.Budget, err = parseImportAmount(v, cl.plan.unit)
		case FieldPreferences:
			c.Preferences = v
		case FieldDecisionProcess:
			c.DecisionProcess = v
		case FieldNeedStage:
			c.NeedStage = v
		case FieldSource:
			err = setChoice(sourceChoices, v, (*string)(&c.Source))
		case FieldOwner:
			if id, ok := x.member(v); ok {
				c.OwnerID = id
			} else if x.defaultOwner != 0 {
				p.warn(cl, fmt.Errorf("%w: the card goes to the default owner", ErrUnknownMember))
			} else {
				p.warn(cl, fmt.Errorf("%w: the card is imported without an owner", ErrUnknownMember))
			}
		case FieldFirstContact:
			c.FirstContact, err = ParseImportDate(v)
		case FieldLastFollowUp:
			e.lastFollowUp, err = ParseImportDate(v)
		case FieldNextFollowUp:
			e.nextRaw = v
		case FieldNextAction:
			e.nextAction = v
		case FieldStatus:
			err = setChoice(statusChoices, v, (*string)(&c.Status))
		case FieldGrade:
			e.grade, err = parseGrade(v)
		case FieldLifecycle:
			err = setChoice(lifecycleChoices, v, (*string)(&c.Lifecycle))
		case FieldTags:
			c.Tags = splitList(v)
		case FieldAnnualPurchase:
			c.AnnualPurchase, err = parseImportAmount(v, cl.plan.unit)
		case FieldCooperationSince:
			c.CooperationSince, err = ParseImportDate(v)
		case FieldReferral:
			err = setChoice(levelChoices, v, (*string)(&c.Referral))
		case FieldCredit:
			err = setChoice(creditChoices, v, (*string)(&c.Credit))
		case FieldCreditLimit:
			c.CreditLimit, err = parseImportAmount(v, cl.plan.unit)
		case FieldReceivables:
			c.Receivables, err = parseImportAmount(v, cl.plan.unit)
		case FieldNotes:
			c.Notes = v
		case FieldArchived:
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

func setChoice(t choiceTable, v string, dst *string) error {
	got, err := t.parse(v)
	if err != nil {
		return err
	}
	*dst = got
	return nil
}

// applyContact fills one contact slot. A phone or an email nobody could dial is not worth losing the
// row over: it goes into the contact's notes, with a warning.
func (p *rowPlan) applyContact(e *custExtras, base ImportField, slot int, cl *rowCell) {
	if slot > MaxImportContacts {
		return
	}
	ct := &e.contacts[slot-1]
	e.present[slot-1] = true
	v := cl.v
	switch base {
	case FieldContactName:
		ct.Name = v
	case FieldContactTitle:
		ct.Title = v
	case FieldContactPhone:
		p.setPhone(ct, v, cl)
	case FieldContactEmail:
		p.setEmail(ct, v, cl)
	case FieldContactBirthday:
		t, err := ParseImportDate(v)
		if err != nil {
			p.problem(cl, err)
		}
		ct.Birthday = t
	case FieldContactRole:
		if err := setChoice(roleChoices, v, (*string)(&ct.Role)); err != nil {
			p.problem(cl, err)
		}
	case FieldContactNotes:
		ct.Notes = joinNote(ct.Notes, v)
	case FieldContactInfo:
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

func (p *rowPlan) setPhone(ct *Contact, v string, cl *rowCell) {
	if ph, err := ParsePhone(v); err == nil {
		ct.Phone = ph.Normalized
		return
	}
	ct.Notes = joinNote(ct.Notes, "电话: "+v)
	p.warn(cl, fmt.Errorf("%w: kept in the contact's notes", ErrPhoneInvalid))
}

func (p *rowPlan) setEmail(ct *Contact, v string, cl *rowCell) {
	if em, err := ValidateEmail(v); err == nil {
		ct.Email = em
		return
	}
	ct.Notes = joinNote(ct.Notes, "邮箱: "+v)
	p.warn(cl, fmt.Errorf("%w: kept in the contact's notes", ErrEmailInvalid))
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
func (p *rowPlan) finishCustomer(c *Customer, e *custExtras, x *parseCtx, existing bool) {
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
			c.dropActivityDetails()
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
	if e.grade != GradeNone {
		c.GradeOverride = GradeNone
		if sug, _ := SuggestGrade(c, x.rules, x.now); sug != e.grade {
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
func mergeContact(c *Customer, ct Contact) {
	for i := range c.Contacts {
		old := &c.Contacts[i]
		same := (ct.Name != "" && strings.TrimSpace(old.Name) == ct.Name) ||
			(ct.Phone != "" && NormalizePhone(old.Phone) == NormalizePhone(ct.Phone)) ||
			(ct.Email != "" && NormalizeEmail(old.Email) == NormalizeEmail(ct.Email))
		if !same {
			continue
		}
		for _, f := range []struct{ dst, src *string }{{&old.Name, &ct.Name}, {&old.Title, &ct.Title},
			{&old.Phone, &ct.Phone}, {&old.Email, &ct.Email}, {&old.Notes, &ct.Notes}} {
			if *f.src != "" {
				*f.dst = *f.src
			}
		}
		if ct.Role != RoleNone {
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
func (p *rowPlan) applyOpportunity(o *Opportunity, x *parseCtx) oppExtras {
	var e oppExtras
	var milestones []string
	for i := range p.cells {
		cl := &p.cells[i]
		v := cl.v
		var err error
		switch cl.plan.field {
		case FieldOppNumber:
			e.number = strings.ToUpper(strings.TrimSpace(toHalfWidth(v)))
		case FieldOppTitle:
			o.Title = v
		case FieldOppSource:
			err = setChoice(sourceChoices, v, (*string)(&o.Source))
		case FieldOppAmount:
			o.Amount, err = parseImportAmount(v, cl.plan.unit)
		case FieldOppCloseDate:
			o.CloseDate, err = ParseImportDate(v)
		case FieldOppStage:
			key, ok := x.stages[foldChoice(v)]
			if !ok {
				err = fmt.Errorf("%w: the stages are %s", ErrUnknownStage, x.stageNames)
			}
			e.stage = key
		case FieldOppOwner:
			if id, ok := x.member(v); ok {
				o.OwnerID = id
			} else {
				p.warn(cl, fmt.Errorf("%w: the deal is imported without an owner", ErrUnknownMember))
			}
		case FieldOppMilestones:
			milestones = splitList(v)
		case FieldOppSummary:
			o.Summary = v
		case FieldOppCompetition:
			o.Competition = v
		case FieldOppRisk:
			o.Risk, err = parseRisk(v)
		case FieldOppBudget:
			o.Scores.Budget, err = parseScore(v)
		case FieldOppUrgency:
			o.Scores.Urgency, err = parseScore(v)
		case FieldOppAuthority:
			o.Scores.Authority, err = parseScore(v)
		case FieldOppWonDate:
			e.won, err = ParseImportDate(v)
		case FieldOppLostReason:
			o.LostReason = v
		case FieldOppLostTo:
			o.LostTo = v
		case FieldOppCreated:
			e.created, err = ParseImportDate(v)
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
				o.Milestones = append(o.Milestones, Milestone{Date: d, Text: rest, Done: done})
			} else {
				o.Milestones = append(o.Milestones, Milestone{Text: m, Done: done})
			}
		}
	}
	return e
}

// applyFollowUp writes the row's follow-up cells onto f.
func (p *rowPlan) applyFollowUp(f *FollowUp, x *parseCtx) {
	var deadline *rowCell
	for i := range p.cells {
		cl := &p.cells[i]
		v := cl.v
		var err error
		switch cl.plan.field {
		case FieldFUDate:
			f.Date, err = ParseImportDate(v)
		case FieldFUMethod:
			err = setChoice(methodChoices, v, (*string)(&f.Method))
		case FieldFUBy:
			if id, ok := x.member(v); ok {
				f.ByID = id
			} else {
				p.warn(cl, fmt.Errorf("%w: the follow-up is imported without its author", ErrUnknownMember))
			}
		case FieldFUContact:
			f.Contact = v
		case FieldFUTopic:
			f.Topic = v
		case FieldFUFeedback:
			f.Feedback = v
		case FieldFUAction:
			f.Action = v
		case FieldFUDeadline:
			deadline = cl
		case FieldFUResult:
			f.Result = v
		}
		if err != nil {
			p.problem(cl, err)
		}
	}
	if f.Method == "" {
		f.Method = MethodOther
	}
	if deadline != nil {
		ref := f.Date
		if ref.IsZero() {
			ref = x.now
		}
		d, rest, ok := parseLeadingDate(deadline.v, ref, true)
		switch {
		case !ok:
			p.problem(deadline, fmt.Errorf("%w: use the form 2024-03-15", ErrDateInvalid))
		case rest != "" && f.Action == "":
			f.Action = rest
		}
		f.Deadline = d
	}
}

// fieldErrorProblems turns a validator's problems into the row's, each at its column when mapped.
func (p *rowPlan) fieldErrorProblems(fe FieldErrors, group FieldGroup) {
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
func validatorField(name string, group FieldGroup) ImportField {
	switch group {
	case GroupOpportunity:
		return ImportField("opp." + name)
	case GroupFollowUp:
		return ImportField("fu." + name)
	}
	if rest, ok := strings.CutPrefix(name, "contacts."); ok {
		if i := strings.IndexByte(rest, '.'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				return ContactSlotField(ImportField("contact."+rest[i+1:]), n+1)
			}
		}
	}
	if name == "grade_override" {
		return FieldGrade
	}
	return ImportField(name)
}
