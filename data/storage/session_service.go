package storage

import (
	"context"
	"fmt"
	"io"
	"salesdesk/data"
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

func (s *Session) Settings() (data.Settings, error) {
	return s.st.Settings(), nil
}

func (s *Session) SaveSettings(st data.Settings) error {
	if err := s.require(data.PermSettings); err != nil {
		return err
	}
	return s.st.SaveSettings(s.actor(), st)
}

func (s *Session) Members() ([]data.Member, error) {
	return s.st.Members(), nil
}

func (s *Session) Member(id uint64) (data.Member, error) {
	m, ok := s.st.Member(id)
	if !ok {
		return data.Member{}, fmt.Errorf("data: member %d: %w", id, data.ErrNotFound)
	}
	return m, nil
}

func (s *Session) CustomerCount() (active, archived int, err error) {
	me, scoped := s.scope()
	if !scoped {
		active, archived = s.st.CustomerCount()
		return active, archived, nil
	}
	active = len(s.st.Customers(data.CustomerFilter{OwnerID: me}))
	archived = len(s.st.Customers(data.CustomerFilter{OwnerID: me, Archived: true}))
	return active, archived, nil
}

func (s *Session) Choices() (data.FilterChoices, error) {
	if me, scoped := s.scope(); scoped {
		return s.st.choicesOf(me, 0), nil // a rep's own cards and the pool's, nothing of another rep's
	}
	return s.st.Choices(), nil
}

func (s *Session) Customer(id uint64) (data.Customer, error) {
	if err := s.readable(id); err != nil {
		return data.Customer{}, err
	}
	return s.st.Customer(id)
}

func (s *Session) Duplicates(c data.Customer) ([]data.DuplicateMatch, error) {
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

func (s *Session) CreateCustomer(c data.Customer) (data.Customer, error) {
	owner, err := s.ownerFor(c.OwnerID)
	if err != nil {
		return data.Customer{}, err
	}
	c.OwnerID = owner
	if c.GradeOverride != data.GradeNone {
		if err := s.require(data.PermGradeOverride); err != nil {
			return data.Customer{}, err
		}
	}
	return s.st.CreateCustomer(s.actor(), c)
}

func (s *Session) UpdateCustomer(c data.Customer) (data.Customer, error) {
	if err := s.writable(c.ID); err != nil {
		return data.Customer{}, err
	}
	if _, scoped := s.scope(); scoped {
		if c.OwnerID != s.memberID() {
			if err := s.require(data.PermReassign); err != nil {
				return data.Customer{}, err
			}
		}
		// The override is compared with the stored card so that a rep may still save a card a
		// manager graded by hand.
		if old, err := s.st.Customer(c.ID); err == nil && old.GradeOverride != c.GradeOverride {
			if err := s.require(data.PermGradeOverride); err != nil {
				return data.Customer{}, err
			}
		}
	}
	return s.st.UpdateCustomer(s.actor(), c)
}

func (s *Session) ArchiveCustomer(id uint64) (data.Customer, error) {
	if err := s.writable(id); err != nil {
		return data.Customer{}, err
	}
	return s.st.ArchiveCustomer(s.actor(), id)
}

func (s *Session) RestoreCustomer(id uint64) (data.Customer, error) {
	if err := s.writable(id); err != nil {
		return data.Customer{}, err
	}
	return s.st.RestoreCustomer(s.actor(), id)
}

func (s *Session) MarkReviewed(id uint64) (data.Customer, error) {
	if err := s.require(data.PermReview); err != nil {
		return data.Customer{}, err
	}
	return s.st.MarkReviewed(s.actor(), id)
}

func (s *Session) FollowUps(customerID uint64) ([]data.FollowUp, error) {
	if err := s.readable(customerID); err != nil {
		return nil, err
	}
	return s.st.FollowUps(customerID)
}

func (s *Session) CapCheck(customerID uint64, date time.Time) (data.CapWarning, error) {
	if err := s.readable(customerID); err != nil {
		return "", err
	}
	return s.st.CapCheck(customerID, date)
}

func (s *Session) LogFollowUp(f data.FollowUp, next data.NextPlan) (data.FollowUp, data.Customer, error) {
	if err := s.writable(f.CustomerID); err != nil {
		return data.FollowUp{}, data.Customer{}, err
	}
	return s.st.LogFollowUp(s.actor(), f, next)
}

func (s *Session) ConfirmResult(customerID, followUpID uint64, result string) (data.FollowUp, error) {
	if err := s.writable(customerID); err != nil {
		return data.FollowUp{}, err
	}
	return s.st.ConfirmResult(s.actor(), customerID, followUpID, result)
}

func (s *Session) Agenda(now time.Time, ownerID uint64) (data.Agenda, error) {
	if me, scoped := s.scope(); scoped {
		ownerID = me
	}
	return s.st.Agenda(now, ownerID), nil
}

func (s *Session) CompleteActivity(planned data.Activity, done data.ActivityDone) (data.FollowUp, data.Customer, error) {
	if planned.Row != nil {
		if err := s.writable(planned.Row.ID); err != nil {
			return data.FollowUp{}, data.Customer{}, err
		}
	}
	return s.st.CompleteActivity(s.actor(), planned, done)
}

func (s *Session) Row(id uint64) (data.CustomerRow, error) {
	r, ok := s.st.Row(id)
	if !ok || !s.canRead(r) {
		// Another member's card reads as none, as in the list: a rep learns nothing of it.
		return data.CustomerRow{}, fmt.Errorf("data: card %d: %w", id, data.ErrNotFound)
	}
	return *r.public(), nil
}

func (s *Session) LoadDeals() error {
	return s.st.LoadDeals()
}

func (s *Session) Opportunity(id uint64) (data.Opportunity, error) {
	o, ok := s.st.Opportunity(id)
	if !ok || !s.dealVisible(o) {
		return data.Opportunity{}, fmt.Errorf("data: deal %d: %w", id, data.ErrNotFound)
	}
	return o, nil
}

func (s *Session) StageTotals(f data.OpportunityFilter) ([]data.StageTotal, error) {
	if me, scoped := s.scope(); scoped {
		f.OwnerID = me
	}
	return s.st.StageTotals(f), nil
}

func (s *Session) Forecast(quarterly bool) ([]data.ForecastRow, error) {
	f := data.OpportunityFilter{}
	if me, scoped := s.scope(); scoped {
		f.OwnerID = me
	}
	return data.Forecast(s.st.Opportunities(f), s.st.Settings().Stages, quarterly), nil
}

func (s *Session) History(id uint64) ([]data.StageChange, error) {
	if err := s.dealWritable(id); err != nil {
		return nil, err
	}
	return s.st.History(id)
}

func (s *Session) CreateOpportunity(o data.Opportunity) (data.Opportunity, error) {
	owner, err := s.ownerFor(o.OwnerID)
	if err != nil {
		return data.Opportunity{}, err
	}
	o.OwnerID = owner
	if err := s.writable(o.CustomerID); err != nil {
		return data.Opportunity{}, err
	}
	return s.st.CreateOpportunity(s.actor(), o)
}

func (s *Session) UpdateOpportunity(o data.Opportunity) (data.Opportunity, error) {
	if err := s.dealWritable(o.ID); err != nil {
		return data.Opportunity{}, err
	}
	if _, scoped := s.scope(); scoped && o.OwnerID != s.memberID() {
		if err := s.require(data.PermReassign); err != nil {
			return data.Opportunity{}, err
		}
	}
	return s.st.UpdateOpportunity(s.actor(), o)
}

func (s *Session) MoveStage(m data.Move) (data.Opportunity, error) {
	if err := s.dealWritable(m.ID); err != nil {
		return data.Opportunity{}, err
	}
	return s.st.MoveStage(s.actor(), m)
}

func (s *Session) MoveStageUndoable(m data.Move) (data.Opportunity, data.MoveUndo, error) {
	if err := s.dealWritable(m.ID); err != nil {
		return data.Opportunity{}, data.MoveUndo{}, err
	}
	return s.st.MoveStageUndoable(s.actor(), m)
}

func (s *Session) UndoMove(u data.MoveUndo) (data.Opportunity, error) {
	if err := s.dealWritable(u.After.ID); err != nil {
		return data.Opportunity{}, err
	}
	return s.st.UndoMove(s.actor(), u)
}

func (s *Session) CloseUnqualified(id, version uint64) (data.Opportunity, error) {
	if err := s.dealWritable(id); err != nil {
		return data.Opportunity{}, err
	}
	return s.st.CloseUnqualified(s.actor(), id, version)
}

func (s *Session) FunnelOf(from, to time.Time) ([]data.FunnelStep, error) {
	if me, scoped := s.scope(); scoped {
		return s.st.funnelOfOwner(me, from, to)
	}
	return s.st.FunnelOf(from, to)
}

func (s *Session) Report(p data.Period) (data.PeriodReport, error) {
	if me, scoped := s.scope(); scoped {
		r, err := s.st.reportsOfOwner(me, []data.Period{p})
		if err != nil {
			return data.PeriodReport{}, err
		}
		return r[0], nil
	}
	return s.st.Report(p)
}

func (s *Session) Reports(end data.Period, n int) ([]data.PeriodReport, error) {
	if me, scoped := s.scope(); scoped {
		if !end.Valid() {
			return nil, fmt.Errorf("data: reports: %w", data.ErrPeriod)
		}
		return s.st.reportsOfOwner(me, data.LastPeriods(end, n))
	}
	return s.st.Reports(end, n)
}

func (s *Session) Dashboard(p data.Period, trend int) (data.Dashboard, error) {
	if me, scoped := s.scope(); scoped {
		return s.st.dashboardOf(me, p, trend)
	}
	return s.st.Dashboard(p, trend)
}

func (s *Session) PeriodFunnel(p data.Period) ([]data.FunnelStep, error) {
	if me, scoped := s.scope(); scoped {
		if !p.Valid() {
			return nil, fmt.Errorf("data: funnel: %w", data.ErrPeriod)
		}
		return s.st.funnelOf(s.st.snapshotOf(me), p)
	}
	return s.st.PeriodFunnel(p)
}

func (s *Session) Targets(p data.Period) (data.TargetSet, error) {
	return s.st.Targets(p)
}

func (s *Session) SaveTargets(p data.Period, t data.TargetSet) error {
	if err := s.require(data.PermTargets); err != nil {
		return err
	}
	return s.st.SaveTargets(s.actor(), p, t)
}

func (s *Session) PeriodNotes(p data.Period) (data.PeriodNotes, error) {
	return s.st.PeriodNotes(p)
}

func (s *Session) SavePeriodNotes(p data.Period, n data.PeriodNotes) error {
	// The period's problems and measures sit beside its targets: the team's, set by whoever sets those.
	if err := s.require(data.PermTargets); err != nil {
		return err
	}
	return s.st.SavePeriodNotes(s.actor(), p, n)
}

func (s *Session) CustomerSegment(id uint64) (data.CustomerSegment, bool, error) {
	if err := s.readable(id); err != nil {
		return data.CustomerSegment{}, false, err
	}
	// A rep's customers are ranked among the rep's own, as the rep's metrics are.
	if me, scoped := s.scope(); scoped {
		cs, ok := s.st.segmentsFor(me, 0, data.DayOf(s.st.now())+1).Customer(id)
		return cs, ok, nil
	}
	cs, ok := s.st.Segments().Customer(id)
	return cs, ok, nil
}

func (s *Session) SegmentsFor(p data.Period) (data.SegmentSummary, error) {
	sg, err := s.segmentsFor(p)
	return sg.Summary(), err
}

func (s *Session) SegmentCustomers(p data.Period, offset, limit int) (data.SegmentPage, error) {
	sg, err := s.segmentsFor(p)
	return sg.Page(offset, limit), err
}

// segmentsFor is the period's segmentation over what the member may see.
func (s *Session) segmentsFor(p data.Period) (*data.Segmentation, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("data: segments: %w", data.ErrPeriod)
	}
	from, to := p.Days()
	me, _ := s.scope()
	return s.st.segmentsFor(me, from, to), nil
}

func (s *Session) BackupDir() string {
	return s.st.BackupDir()
}

func (s *Session) BackupNow(ctx context.Context, path string, progress data.Progress) (data.BackupInfo, error) {
	if err := s.require(data.PermBackup); err != nil {
		return data.BackupInfo{}, err
	}
	return s.st.BackupNow(ctx, path, progress)
}

// AutoBackup is the daily copy at start, whoever signs in: it protects the team's data, copies the
// file beside itself and gives the member nothing to read, so it needs no permission (BackupNow,
// which writes where the member chooses, needs PermBackup).
func (s *Session) AutoBackup(ctx context.Context, now time.Time) (made *data.BackupInfo, pruned []string, err error) {
	return s.st.AutoBackup(ctx, now)
}

func (s *Session) Backups() ([]data.BackupFile, error) {
	if err := s.require(data.PermBackup); err != nil {
		return nil, err
	}
	return s.st.Backups()
}

func (s *Session) FreeRatio() (float64, error) {
	return s.st.FreeRatio()
}

func (s *Session) OpenImport(path string) (*data.ImportSource, error) {
	if err := s.require(data.PermImport); err != nil {
		return nil, err
	}
	return s.st.OpenImport(path)
}

func (s *Session) UseRememberedMappings(src *data.ImportSource) {
	s.st.UseRememberedMappings(src)
}

func (s *Session) SaveMapping(m data.Mapping) error {
	if err := s.require(data.PermImport); err != nil {
		return err
	}
	return s.st.SaveMapping(s.actor(), m)
}

func (s *Session) Import(ctx context.Context, src *data.ImportSource, opt data.ImportOptions) (*data.ImportReport, error) {
	if err := s.require(data.PermImport); err != nil {
		return nil, err
	}
	return s.st.Import(ctx, s.actor(), src, opt)
}

func (s *Session) Imports() ([]data.ImportRecord, error) {
	if err := s.require(data.PermImport); err != nil {
		return nil, err
	}
	return s.st.Imports()
}

func (s *Session) UndoImport(importID uint64, force bool) (*data.UndoReport, error) {
	if err := s.require(data.PermImport); err != nil {
		return nil, err
	}
	return s.st.UndoImport(s.actor(), importID, force)
}

func (s *Session) Export(w io.Writer, opt data.ExportOptions) (data.ExportResult, error) {
	if err := s.require(data.PermExport); err != nil {
		return data.ExportResult{}, err
	}
	res, err := s.st.Export(w, opt)
	return s.recordExport(opt.Format, res, err)
}

func (s *Session) ExportJSON(w io.Writer, opt data.JSONExportOptions) (data.ExportResult, error) {
	if err := s.require(data.PermExport); err != nil {
		return data.ExportResult{}, err
	}
	res, err := s.st.ExportJSON(w, opt)
	return s.recordExport("json", res, err)
}

func (s *Session) ImportJSON(r io.Reader) (data.JSONImportResult, error) {
	if err := s.require(data.PermImport); err != nil {
		return data.JSONImportResult{}, err
	}
	return s.st.ImportJSON(s.actor(), r)
}

func (s *Session) RowExtras(ids []uint64) (map[uint64]data.RowExtra, error) {
	return s.st.RowExtras(s.keepIDs(ids))
}

func (s *Session) SearchHits(ids []uint64, query string) (map[uint64]data.SearchHit, error) {
	return s.st.SearchHits(s.keepIDs(ids), query)
}

func (s *Session) SavedFilters(member uint64) ([]data.SavedFilter, error) {
	if err := s.ownMember(member); err != nil {
		return nil, err
	}
	return s.st.SavedFilters(member)
}

func (s *Session) SaveFilter(f data.SavedFilter) (data.SavedFilter, error) {
	if err := s.ownMember(f.MemberID); err != nil {
		return data.SavedFilter{}, err
	}
	return s.st.SaveFilter(s.actor(), f)
}

func (s *Session) DeleteFilter(id uint64) error {
	return s.st.DeleteFilter(s.actor(), id)
}

func (s *Session) ListLayout(member uint64) (data.ListLayout, error) {
	if err := s.ownMember(member); err != nil {
		return data.ListLayout{}, err
	}
	return s.st.ListLayout(member)
}

func (s *Session) SaveListLayout(l data.ListLayout) error {
	return s.st.SaveListLayout(s.actor(), l)
}

func (s *Session) BulkSetOwner(ids []uint64, owner uint64) (int, error) {
	if err := s.require(data.PermReassign); err != nil {
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
