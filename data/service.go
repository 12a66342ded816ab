package data

import (
	"context"
	"io"
	"time"
)

// Service is everything the window asks of the data layer, as the signed-in member of a Session may.
// The window holds this interface rather than the Store, so that office mode can serve the same calls
// to several desktops over the LAN; who makes a change comes from the session, not from the caller.
type Service interface {
	// Me is the signed-in member; Can tells the window which actions to offer (the calls check again).
	Me() Member
	Can(p Permission) bool

	Now() time.Time
	IsEmpty() bool

	Settings() Settings
	SaveSettings(st Settings) error
	Members() []Member
	Member(id uint64) (Member, bool)
	SaveMember(m Member) (Member, error)
	// The signed-in member's password, and the team's sign-ins (admin), as auth.go describes them.
	MustChangePassword() bool
	ChangePassword(old, new string) error
	AddMember(m Member, password string) (Member, error)
	ResetPassword(memberID uint64, temp string) error
	SetActive(memberID uint64, active bool) error
	Unlock(memberID uint64) error
	MemberStatuses() ([]MemberStatus, error)

	Customers(f CustomerFilter) []*CustomerRow
	CustomerCount() (active, archived int)
	Choices() FilterChoices
	Customer(id uint64) (Customer, error)
	Duplicates(c Customer) []DuplicateMatch
	CreateCustomer(c Customer) (Customer, error)
	UpdateCustomer(c Customer) (Customer, error)
	ArchiveCustomer(id uint64) (Customer, error)
	RestoreCustomer(id uint64) (Customer, error)
	MarkReviewed(id uint64) (Customer, error)
	ListService
	PoolService
	AuditService

	FollowUps(customerID uint64) ([]FollowUp, error)
	CapCheck(customerID uint64, date time.Time) (CapWarning, error)
	LogFollowUp(f FollowUp, next NextPlan) (FollowUp, Customer, error)
	ConfirmResult(customerID, followUpID uint64, result string) (FollowUp, error)

	Agenda(now time.Time, ownerID uint64) Agenda
	Activities(from, to time.Time, ownerID uint64) []Activity
	CompleteActivity(planned Activity, done ActivityDone) (FollowUp, Customer, error)
	Row(id uint64) (*CustomerRow, bool)

	// LoadDeals reads the deals that opening left for later; the calls that need them make it first.
	LoadDeals() error
	Opportunities(f OpportunityFilter) []*OpportunityRow
	Opportunity(id uint64) (Opportunity, bool)
	StageTotals(f OpportunityFilter) []StageTotal
	History(id uint64) ([]StageChange, error)
	CreateOpportunity(o Opportunity) (Opportunity, error)
	UpdateOpportunity(o Opportunity) (Opportunity, error)
	MoveStage(m Move) (Opportunity, error)
	MoveStageUndoable(m Move) (Opportunity, MoveUndo, error)
	UndoMove(u MoveUndo) (Opportunity, error)
	CloseUnqualified(id, version uint64) (Opportunity, error)
	FunnelOf(from, to time.Time) ([]FunnelStep, error)

	Report(p Period) (PeriodReport, error)
	Reports(end Period, n int) ([]PeriodReport, error)
	Dashboard(p Period, trend int) (Dashboard, error)
	PeriodFunnel(p Period) ([]FunnelStep, error)
	Targets(p Period) (TargetSet, error)
	SaveTargets(p Period, t TargetSet) error
	PeriodNotes(p Period) (PeriodNotes, error)
	SavePeriodNotes(p Period, n PeriodNotes) error
	Segments() *Segmentation
	SegmentsFor(p Period) *Segmentation

	// Backups of the open file (backup.go): the Backup button (a nil progress is allowed; ctx is the
	// Cancel button), the daily backup at start, the list a restore picks from, and the free share of
	// the file above which the window offers "Compact". Restoring and compacting work on the closed
	// file: PreviewBackup, Restore, CompactFile, QuickCheck and LatestGoodBackup are package functions.
	BackupDir() string
	BackupNow(ctx context.Context, path string, progress Progress) (BackupInfo, error)
	AutoBackup(ctx context.Context, now time.Time) (made *BackupInfo, pruned []string, err error)
	Backups() ([]BackupFile, error)
	FreeRatio() (float64, error)

	// Import and export (import.go, export.go, export_json.go): the import wizard opens a file (its
	// sheets come with a mapping, remembered or automatic, that the user may change and SaveMapping),
	// previews it with a dry run of a few rows (ImportOptions.Limit), runs it with progress and a
	// cancel (ctx), lists past imports and undoes one; the lists export what their filters show.
	OpenImport(path string) (*ImportSource, error)
	UseRememberedMappings(src *ImportSource)
	SaveMapping(m Mapping) error
	Import(ctx context.Context, src *ImportSource, opt ImportOptions) (*ImportReport, error)
	Imports() ([]ImportRecord, error)
	UndoImport(importID uint64, force bool) (*UndoReport, error)
	Export(w io.Writer, opt ExportOptions) (ExportResult, error)
	ExportJSON(w io.Writer, opt JSONExportOptions) (ExportResult, error)
	ImportJSON(r io.Reader) (JSONImportResult, error)
}

var _ Service = (*Session)(nil)

// ListService is what the customer list's tools ask: the rows' contacts and search hits read for the
// rows shown, each member's saved filters and columns, and the bulk actions on a selection.
type ListService interface {
	RowExtras(ids []uint64) (map[uint64]RowExtra, error)
	SearchHits(ids []uint64, query string) (map[uint64]SearchHit, error)
	SavedFilters(member uint64) ([]SavedFilter, error)
	SaveFilter(f SavedFilter) (SavedFilter, error)
	DeleteFilter(id uint64) error
	ListLayout(member uint64) (ListLayout, error)
	SaveListLayout(l ListLayout) error
	BulkSetOwner(ids []uint64, owner uint64) (int, error)
	BulkAddTag(ids []uint64, tag string) (int, error)
	BulkArchive(ids []uint64) (int, error)
}
