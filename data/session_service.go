package data

import (
	"context"
	"fmt"
	"io"
	"time"
)

// The calls of Service as the session makes them: each passes the session's member as who acts, after
// the role's checks (session_rules.go). A refused call returns before the store is asked to write.
// The paged lists are in session_pages.go. The local file's memory cannot fail a read, so the reads
// below return a nil error; a client over the network returns its transport's.

func (s *Session) Now() time.Time {
	return s.st.Now()
}

func (s *Session) IsEmpty() (bool, error) {
	return s.st.IsEmpty(), nil
}

func (s *Session) Settings() (Settings, error) {
	return s.st.Settings(), nil
}

func (s *Session) SaveSettings(st Settings) error {
	if err := s.require(PermSettings); err != nil {
		return err
	}
	return s.st.SaveSettings(s.actor(), st)
}

func (s *Session) Members() ([]Member, error) {
	return s.st.Members(), nil
}

func (s *Session) Member(id uint64) (Member, error) {
	m, ok := s.st.Member(id)
	if !ok {
		return Member{}, fmt.Errorf("data: member %d: %w", id, ErrNotFound)
	}
	return m, nil
}

func (s *Session) CustomerCount() (active, archived int, err error) {
	me, scoped := s.scope()
	if !scoped {
		active, archived = s.st.CustomerCount()
		return active, archived, nil
	}
	active = len(s.st.Customers(CustomerFilter{OwnerID: me}))
	archived = len(s.st.Customers(CustomerFilter{OwnerID: me, Archived: true}))
	return active, archived, nil
}

func (s *Session) Choices() (FilterChoices, error) {
	if me, scoped := s.scope(); scoped {
		return s.st.choicesOf(me, 0), nil // a rep's own cards and the pool's, nothing of another rep's
	}
	return s.st.Choices(), nil
}

func (s *Session) Customer(id uint64) (Customer, error) {
	if err := s.readable(id); err != nil {
		return Customer{}, err
	}
	return s.st.Customer(id)
}

func (s *Session) Duplicates(c Customer) ([]DuplicateMatch, error) {
	out := s.st.Duplicates(c)
	me, scoped := s.scope()
	if !scoped {
		return out, nil
	}
	for i, d := range out {
		if d.Row.OwnerID != me {
			out[i] = stripDuplicate(d)
		}
	}
	return out, nil
}

func (s *Session) CreateCustomer(c Customer) (Customer, error) {
	owner, err := s.ownerFor(c.OwnerID)
	if err != nil {
		return Customer{}, err
	}
	c.OwnerID = owner
	if c.GradeOverride != GradeNone {
		if err := s.require(PermGradeOverride); err != nil {
			return Customer{}, err
		}
	}
	return s.st.CreateCustomer(s.actor(), c)
}

func (s *Session) UpdateCustomer(c Customer) (Customer, error) {
	if err := s.writable(c.ID); err != nil {
		return Customer{}, err
	}
	if _, scoped := s.scope(); scoped {
		if c.OwnerID != s.memberID() {
			if err := s.require(PermReassign); err != nil {
				return Customer{}, err
			}
		}
		// The override is compared with the stored card so that a rep may still save a card a
		// manager graded by hand.
		if old, err := s.st.Customer(c.ID); err == nil && old.GradeOverride != c.GradeOverride {
			if err := s.require(PermGradeOverride); err != nil {
				return Customer{}, err
			}
		}
	}
	return s.st.UpdateCustomer(s.actor(), c)
}

func (s *Session) ArchiveCustomer(id uint64) (Customer, error) {
	if err := s.writable(id); err != nil {
		return Customer{}, err
	}
	return s.st.ArchiveCustomer(s.actor(), id)
}

func (s *Session) RestoreCustomer(id uint64) (Customer, error) {
	if err := s.writable(id); err != nil {
		return Customer{}, err
	}
	return s.st.RestoreCustomer(s.actor(), id)
}

func (s *Session) MarkReviewed(id uint64) (Customer, error) {
	if err := s.require(PermReview); err != nil {
		return Customer{}, err
	}
	return s.st.MarkReviewed(s.actor(), id)
}

func (s *Session) FollowUps(customerID uint64) ([]FollowUp, error) {
	if err := s.readable(customerID); err != nil {
		return nil, err
	}
	return s.st.FollowUps(customerID)
}

func (s *Session) CapCheck(customerID uint64, date time.Time) (CapWarning, error) {
	if err := s.readable(customerID); err != nil {
		return "", err
	}
	return s.st.CapCheck(customerID, date)
}

func (s *Session) LogFollowUp(f FollowUp, next NextPlan) (FollowUp, Customer, error) {
	if err := s.writable(f.CustomerID); err != nil {
		return FollowUp{}, Customer{}, err
	}
	return s.st.LogFollowUp(s.actor(), f, next)
}

func (s *Session) ConfirmResult(customerID, followUpID uint64, result string) (FollowUp, error) {
	if err := s.writable(customerID); err != nil {
		return FollowUp{}, err
	}
	return s.st.ConfirmResult(s.actor(), customerID, followUpID, result)
}

func (s *Session) Agenda(now time.Time, ownerID uint64) (Agenda, error) {
	if me, scoped := s.scope(); scoped {
		ownerID = me
	}
	return s.st.Agenda(now, ownerID), nil
}

func (s *Session) CompleteActivity(planned Activity, done ActivityDone) (FollowUp, Customer, error) {
	if planned.Row != nil {
		if err := s.writable(planned.Row.ID); err != nil {
			return FollowUp{}, Customer{}, err
		}
	}
	return s.st.CompleteActivity(s.actor(), planned, done)
}

func (s *Session) Row(id uint64) (CustomerRow, error) {
	r, ok := s.st.Row(id)
	if !ok || !s.canRead(r) {
		// Another member's card reads as none, as in the list: a rep learns nothing of it.
		return CustomerRow{}, fmt.Errorf("data: card %d: %w", id, ErrNotFound)
	}
	return *r.public(), nil
}

func (s *Session) LoadDeals() error {
	return s.st.LoadDeals()
}

func (s *Session) Opportunity(id uint64) (Opportunity, error) {
	o, ok := s.st.Opportunity(id)
	if !ok || !s.dealVisible(o) {
		return Opportunity{}, fmt.Errorf("data: deal %d: %w", id, ErrNotFound)
	}
	return o, nil
}

func (s *Session) StageTotals(f OpportunityFilter) ([]StageTotal, error) {
	if me, scoped := s.scope(); scoped {
		f.OwnerID = me
	}
	return s.st.StageTotals(f), nil
}

func (s *Session) History(id uint64) ([]StageChange, error) {
	if err := s.dealWritable(id); err != nil {
		return nil, err
	}
	return s.st.History(id)
}

func (s *Session) CreateOpportunity(o Opportunity) (Opportunity, error) {
	owner, err := s.ownerFor(o.OwnerID)
	if err != nil {
		return Opportunity{}, err
	}
	o.OwnerID = owner
	if err := s.writable(o.CustomerID); err != nil {
		return Opportunity{}, err
	}
	return s.st.CreateOpportunity(s.actor(), o)
}

func (s *Session) UpdateOpportunity(o Opportunity) (Opportunity, error) {
	if err := s.dealWritable(o.ID); err != nil {
		return Opportunity{}, err
	}
	if _, scoped := s.scope(); scoped && o.OwnerID != s.memberID() {
		if err := s.require(PermReassign); err != nil {
			return Opportunity{}, err
		}
	}
	return s.st.UpdateOpportunity(s.actor(), o)
}

func (s *Session) MoveStage(m Move) (Opportunity, error) {
	if err := s.dealWritable(m.ID); err != nil {
		return Opportunity{}, err
	}
	return s.st.MoveStage(s.actor(), m)
}

func (s *Session) MoveStageUndoable(m Move) (Opportunity, MoveUndo, error) {
	if err := s.dealWritable(m.ID); err != nil {
		return Opportunity{}, MoveUndo{}, err
	}
	return s.st.MoveStageUndoable(s.actor(), m)
}

func (s *Session) UndoMove(u MoveUndo) (Opportunity, error) {
	if err := s.dealWritable(u.After.ID); err != nil {
		return Opportunity{}, err
	}
	return s.st.UndoMove(s.actor(), u)
}

func (s *Session) CloseUnqualified(id, version uint64) (Opportunity, error) {
	if err := s.dealWritable(id); err != nil {
		return Opportunity{}, err
	}
	return s.st.CloseUnqualified(s.actor(), id, version)
}

func (s *Session) FunnelOf(from, to time.Time) ([]FunnelStep, error) {
	if me, scoped := s.scope(); scoped {
		return s.st.funnelOfOwner(me, from, to)
	}
	return s.st.FunnelOf(from, to)
}

func (s *Session) Report(p Period) (PeriodReport, error) {
	if me, scoped := s.scope(); scoped {
		r, err := s.st.reportsOfOwner(me, []Period{p})
		if err != nil {
			return PeriodReport{}, err
		}
		return r[0], nil
	}
	return s.st.Report(p)
}

func (s *Session) Reports(end Period, n int) ([]PeriodReport, error) {
	if me, scoped := s.scope(); scoped {
		if !end.valid() {
			return nil, fmt.Errorf("data: reports: %w", ErrPeriod)
		}
		return s.st.reportsOfOwner(me, LastPeriods(end, n))
	}
	return s.st.Reports(end, n)
}

func (s *Session) Dashboard(p Period, trend int) (Dashboard, error) {
	if me, scoped := s.scope(); scoped {
		return s.st.dashboardOf(me, p, trend)
	}
	return s.st.Dashboard(p, trend)
}

func (s *Session) PeriodFunnel(p Period) ([]FunnelStep, error) {
	if me, scoped := s.scope(); scoped {
		if !p.valid() {
			return nil, fmt.Errorf("data: funnel: %w", ErrPeriod)
		}
		return s.st.funnelOf(s.st.snapshotOf(me), p)
	}
	return s.st.PeriodFunnel(p)
}

func (s *Session) Targets(p Period) (TargetSet, error) {
	return s.st.Targets(p)
}

func (s *Session) SaveTargets(p Period, t TargetSet) error {
	if err := s.require(PermTargets); err != nil {
		return err
	}
	return s.st.SaveTargets(s.actor(), p, t)
}

func (s *Session) PeriodNotes(p Period) (PeriodNotes, error) {
	return s.st.PeriodNotes(p)
}

func (s *Session) SavePeriodNotes(p Period, n PeriodNotes) error {
	// The period's problems and measures sit beside its targets: the team's, set by whoever sets those.
	if err := s.require(PermTargets); err != nil {
		return err
	}
	return s.st.SavePeriodNotes(s.actor(), p, n)
}

func (s *Session) Segments() (*Segmentation, error) {
	if me, scoped := s.scope(); scoped {
		return s.st.segmentsOf(me, 0, DayOf(s.st.now())+1), nil
	}
	return s.st.Segments(), nil
}

func (s *Session) SegmentsFor(p Period) (*Segmentation, error) {
	if me, scoped := s.scope(); scoped {
		from, to := p.Days()
		return s.st.segmentsOf(me, from, to), nil
	}
	return s.st.SegmentsFor(p), nil
}

func (s *Session) BackupDir() string {
	return s.st.BackupDir()
}

func (s *Session) BackupNow(ctx context.Context, path string, progress Progress) (BackupInfo, error) {
	if err := s.require(PermBackup); err != nil {
		return BackupInfo{}, err
	}
	return s.st.BackupNow(ctx, path, progress)
}

// AutoBackup is the daily copy at start, whoever signs in: it protects the team's data, copies the
// file beside itself and gives the member nothing to read, so it needs no permission (BackupNow,
// which writes where the member chooses, needs PermBackup).
func (s *Session) AutoBackup(ctx context.Context, now time.Time) (made *BackupInfo, pruned []string, err error) {
	return s.st.AutoBackup(ctx, now)
}

func (s *Session) Backups() ([]BackupFile, error) {
	if err := s.require(PermBackup); err != nil {
		return nil, err
	}
	return s.st.Backups()
}

func (s *Session) FreeRatio() (float64, error) {
	return s.st.FreeRatio()
}

func (s *Session) OpenImport(path string) (*ImportSource, error) {
	if err := s.require(PermImport); err != nil {
		return nil, err
	}
	return s.st.OpenImport(path)
}

func (s *Session) UseRememberedMappings(src *ImportSource) {
	s.st.UseRememberedMappings(src)
}

func (s *Session) SaveMapping(m Mapping) error {
	if err := s.require(PermImport); err != nil {
		return err
	}
	return s.st.SaveMapping(s.actor(), m)
}

func (s *Session) Import(ctx context.Context, src *ImportSource, opt ImportOptions) (*ImportReport, error) {
	if err := s.require(PermImport); err != nil {
		return nil, err
	}
	return s.st.Import(ctx, s.actor(), src, opt)
}

func (s *Session) Imports() ([]ImportRecord, error) {
	if err := s.require(PermImport); err != nil {
		return nil, err
	}
	return s.st.Imports()
}

func (s *Session) UndoImport(importID uint64, force bool) (*UndoReport, error) {
	if err := s.require(PermImport); err != nil {
		return nil, err
	}
	return s.st.UndoImport(s.actor(), importID, force)
}

func (s *Session) Export(w io.Writer, opt ExportOptions) (ExportResult, error) {
	if err := s.require(PermExport); err != nil {
		return ExportResult{}, err
	}
	res, err := s.st.Export(w, opt)
	return s.recordExport(opt.Format, res, err)
}

func (s *Session) ExportJSON(w io.Writer, opt JSONExportOptions) (ExportResult, error) {
	if err := s.require(PermExport); err != nil {
		return ExportResult{}, err
	}
	res, err := s.st.ExportJSON(w, opt)
	return s.recordExport("json", res, err)
}

func (s *Session) ImportJSON(r io.Reader) (JSONImportResult, error) {
	if err := s.require(PermImport); err != nil {
		return JSONImportResult{}, err
	}
	return s.st.ImportJSON(s.actor(), r)
}

func (s *Session) RowExtras(ids []uint64) (map[uint64]RowExtra, error) {
	return s.st.RowExtras(s.keepIDs(ids))
}

func (s *Session) SearchHits(ids []uint64, query string) (map[uint64]SearchHit, error) {
	return s.st.SearchHits(s.keepIDs(ids), query)
}

func (s *Session) SavedFilters(member uint64) ([]SavedFilter, error) {
	if err := s.ownMember(member); err != nil {
		return nil, err
	}
	return s.st.SavedFilters(member)
}

func (s *Session) SaveFilter(f SavedFilter) (SavedFilter, error) {
	if err := s.ownMember(f.MemberID); err != nil {
		return SavedFilter{}, err
	}
	return s.st.SaveFilter(s.actor(), f)
}

func (s *Session) DeleteFilter(id uint64) error {
	return s.st.DeleteFilter(s.actor(), id)
}

func (s *Session) ListLayout(member uint64) (ListLayout, error) {
	if err := s.ownMember(member); err != nil {
		return ListLayout{}, err
	}
	return s.st.ListLayout(member)
}

func (s *Session) SaveListLayout(l ListLayout) error {
	return s.st.SaveListLayout(s.actor(), l)
}

func (s *Session) BulkSetOwner(ids []uint64, owner uint64) (int, error) {
	if err := s.require(PermReassign); err != nil {
		return 0, err
	}
	return s.st.BulkSetOwner(s.actor(), ids, owner)
}

func (s *Session) BulkAddTag(ids []uint64, tag string) (int, error) {
	if err := s.allWritable(ids); err != nil {
		return 0, err
	}
	return s.st.BulkAddTag(s.actor(), ids, tag)
}

func (s *Session) BulkArchive(ids []uint64) (int, error) {
	if err := s.allWritable(ids); err != nil {
		return 0, err
	}
	return s.st.BulkArchive(s.actor(), ids)
}
