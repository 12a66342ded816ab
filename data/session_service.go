package data

import (
	"context"
	"io"
	"time"
)

// The calls of Service as the session makes them: each passes the session's member as who acts.

func (s *Session) Now() time.Time {
	return s.st.Now()
}

func (s *Session) IsEmpty() bool {
	return s.st.IsEmpty()
}

func (s *Session) Settings() Settings {
	return s.st.Settings()
}

func (s *Session) SaveSettings(st Settings) error {
	return s.st.SaveSettings(s.actor(), st)
}

func (s *Session) Members() []Member {
	return s.st.Members()
}

func (s *Session) Member(id uint64) (Member, bool) {
	return s.st.Member(id)
}

func (s *Session) Customers(f CustomerFilter) []*CustomerRow {
	return s.st.Customers(f)
}

func (s *Session) CustomerCount() (active, archived int) {
	return s.st.CustomerCount()
}

func (s *Session) Choices() FilterChoices {
	return s.st.Choices()
}

func (s *Session) Customer(id uint64) (Customer, error) {
	return s.st.Customer(id)
}

func (s *Session) Duplicates(c Customer) []DuplicateMatch {
	return s.st.Duplicates(c)
}

func (s *Session) CreateCustomer(c Customer) (Customer, error) {
	return s.st.CreateCustomer(s.actor(), c)
}

func (s *Session) UpdateCustomer(c Customer) (Customer, error) {
	return s.st.UpdateCustomer(s.actor(), c)
}

func (s *Session) ArchiveCustomer(id uint64) (Customer, error) {
	return s.st.ArchiveCustomer(s.actor(), id)
}

func (s *Session) RestoreCustomer(id uint64) (Customer, error) {
	return s.st.RestoreCustomer(s.actor(), id)
}

func (s *Session) MarkReviewed(id uint64) (Customer, error) {
	return s.st.MarkReviewed(s.actor(), id)
}

func (s *Session) FollowUps(customerID uint64) ([]FollowUp, error) {
	return s.st.FollowUps(customerID)
}

func (s *Session) CapCheck(customerID uint64, date time.Time) (CapWarning, error) {
	return s.st.CapCheck(customerID, date)
}

func (s *Session) LogFollowUp(f FollowUp, next NextPlan) (FollowUp, Customer, error) {
	return s.st.LogFollowUp(s.actor(), f, next)
}

func (s *Session) ConfirmResult(customerID, followUpID uint64, result string) (FollowUp, error) {
	return s.st.ConfirmResult(s.actor(), customerID, followUpID, result)
}

func (s *Session) Agenda(now time.Time, ownerID uint64) Agenda {
	return s.st.Agenda(now, ownerID)
}

func (s *Session) Activities(from, to time.Time, ownerID uint64) []Activity {
	return s.st.Activities(from, to, ownerID)
}

func (s *Session) CompleteActivity(planned Activity, done ActivityDone) (FollowUp, Customer, error) {
	return s.st.CompleteActivity(s.actor(), planned, done)
}

func (s *Session) Row(id uint64) (*CustomerRow, bool) {
	return s.st.Row(id)
}

func (s *Session) LoadDeals() error {
	return s.st.LoadDeals()
}

func (s *Session) Opportunities(f OpportunityFilter) []*OpportunityRow {
	return s.st.Opportunities(f)
}

func (s *Session) Opportunity(id uint64) (Opportunity, bool) {
	return s.st.Opportunity(id)
}

func (s *Session) StageTotals(f OpportunityFilter) []StageTotal {
	return s.st.StageTotals(f)
}

func (s *Session) History(id uint64) ([]StageChange, error) {
	return s.st.History(id)
}

func (s *Session) CreateOpportunity(o Opportunity) (Opportunity, error) {
	return s.st.CreateOpportunity(s.actor(), o)
}

func (s *Session) UpdateOpportunity(o Opportunity) (Opportunity, error) {
	return s.st.UpdateOpportunity(s.actor(), o)
}

func (s *Session) MoveStage(m Move) (Opportunity, error) {
	return s.st.MoveStage(s.actor(), m)
}

func (s *Session) MoveStageUndoable(m Move) (Opportunity, MoveUndo, error) {
	return s.st.MoveStageUndoable(s.actor(), m)
}

func (s *Session) UndoMove(u MoveUndo) (Opportunity, error) {
	return s.st.UndoMove(s.actor(), u)
}

func (s *Session) CloseUnqualified(id, version uint64) (Opportunity, error) {
	return s.st.CloseUnqualified(s.actor(), id, version)
}

func (s *Session) FunnelOf(from, to time.Time) ([]FunnelStep, error) {
	return s.st.FunnelOf(from, to)
}

func (s *Session) Report(p Period) (PeriodReport, error) {
	return s.st.Report(p)
}

func (s *Session) Reports(end Period, n int) ([]PeriodReport, error) {
	return s.st.Reports(end, n)
}

func (s *Session) Dashboard(p Period, trend int) (Dashboard, error) {
	return s.st.Dashboard(p, trend)
}

func (s *Session) PeriodFunnel(p Period) ([]FunnelStep, error) {
	return s.st.PeriodFunnel(p)
}

func (s *Session) Targets(p Period) (TargetSet, error) {
	return s.st.Targets(p)
}

func (s *Session) SaveTargets(p Period, t TargetSet) error {
	return s.st.SaveTargets(s.actor(), p, t)
}

func (s *Session) PeriodNotes(p Period) (PeriodNotes, error) {
	return s.st.PeriodNotes(p)
}

func (s *Session) SavePeriodNotes(p Period, n PeriodNotes) error {
	return s.st.SavePeriodNotes(s.actor(), p, n)
}

func (s *Session) Segments() *Segmentation {
	return s.st.Segments()
}

func (s *Session) SegmentsFor(p Period) *Segmentation {
	return s.st.SegmentsFor(p)
}

func (s *Session) BackupDir() string {
	return s.st.BackupDir()
}

func (s *Session) BackupNow(ctx context.Context, path string, progress Progress) (BackupInfo, error) {
	return s.st.BackupNow(ctx, path, progress)
}

func (s *Session) AutoBackup(ctx context.Context, now time.Time) (made *BackupInfo, pruned []string, err error) {
	return s.st.AutoBackup(ctx, now)
}

func (s *Session) Backups() ([]BackupFile, error) {
	return s.st.Backups()
}

func (s *Session) FreeRatio() (float64, error) {
	return s.st.FreeRatio()
}

func (s *Session) OpenImport(path string) (*ImportSource, error) {
	return s.st.OpenImport(path)
}

func (s *Session) UseRememberedMappings(src *ImportSource) {
	s.st.UseRememberedMappings(src)
}

func (s *Session) SaveMapping(m Mapping) error {
	return s.st.SaveMapping(s.actor(), m)
}

func (s *Session) Import(ctx context.Context, src *ImportSource, opt ImportOptions) (*ImportReport, error) {
	return s.st.Import(ctx, s.actor(), src, opt)
}

func (s *Session) Imports() ([]ImportRecord, error) {
	return s.st.Imports()
}

func (s *Session) UndoImport(importID uint64, force bool) (*UndoReport, error) {
	return s.st.UndoImport(s.actor(), importID, force)
}

func (s *Session) Export(w io.Writer, opt ExportOptions) (ExportResult, error) {
	return s.st.Export(w, opt)
}

func (s *Session) ExportJSON(w io.Writer, opt JSONExportOptions) (ExportResult, error) {
	return s.st.ExportJSON(w, opt)
}

func (s *Session) ImportJSON(r io.Reader) (JSONImportResult, error) {
	return s.st.ImportJSON(s.actor(), r)
}

func (s *Session) RowExtras(ids []uint64) (map[uint64]RowExtra, error) {
	return s.st.RowExtras(ids)
}

func (s *Session) SearchHits(ids []uint64, query string) (map[uint64]SearchHit, error) {
	return s.st.SearchHits(ids, query)
}

func (s *Session) SavedFilters(member uint64) ([]SavedFilter, error) {
	return s.st.SavedFilters(member)
}

func (s *Session) SaveFilter(f SavedFilter) (SavedFilter, error) {
	return s.st.SaveFilter(s.actor(), f)
}

func (s *Session) DeleteFilter(id uint64) error {
	return s.st.DeleteFilter(s.actor(), id)
}

func (s *Session) ListLayout(member uint64) (ListLayout, error) {
	return s.st.ListLayout(member)
}

func (s *Session) SaveListLayout(l ListLayout) error {
	return s.st.SaveListLayout(s.actor(), l)
}

func (s *Session) BulkSetOwner(ids []uint64, owner uint64) (int, error) {
	return s.st.BulkSetOwner(s.actor(), ids, owner)
}

func (s *Session) BulkAddTag(ids []uint64, tag string) (int, error) {
	return s.st.BulkAddTag(s.actor(), ids, tag)
}

func (s *Session) BulkArchive(ids []uint64) (int, error) {
	return s.st.BulkArchive(s.actor(), ids)
}
