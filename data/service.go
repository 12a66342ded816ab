package data

import (
	"context"
	"io"
	"time"
)

// Service is everything the window asks of the data layer. The window holds this interface rather
// than the Store, so that a later office mode can serve the same calls to several desktops over the
// LAN; every call that changes something names who makes the change.
type Service interface {
	Now() time.Time
	IsEmpty() bool

	Settings() Settings
	SaveSettings(by Actor, st Settings) error
	Members() []Member
	Member(id uint64) (Member, bool)
	SaveMember(by Actor, m Member) (Member, error)

	Customers(f CustomerFilter) []*CustomerRow
	CustomerCount() (active, archived int)
	Choices() FilterChoices
	Customer(id uint64) (Customer, error)
	Duplicates(c Customer) []DuplicateMatch
	CreateCustomer(by Actor, c Customer) (Customer, error)
	UpdateCustomer(by Actor, c Customer) (Customer, error)
	ArchiveCustomer(by Actor, id uint64) (Customer, error)
	RestoreCustomer(by Actor, id uint64) (Customer, error)
	MarkReviewed(by Actor, id uint64) (Customer, error)
	ListService

	FollowUps(customerID uint64) ([]FollowUp, error)
	CapCheck(customerID uint64, date time.Time) (CapWarning, error)
	LogFollowUp(by Actor, f FollowUp, next NextPlan) (FollowUp, Customer, error)
	ConfirmResult(by Actor, customerID, followUpID uint64, result string) (FollowUp, error)

	Agenda(now time.Time, ownerID uint64) Agenda
	Activities(from, to time.Time, ownerID uint64) []Activity
	CompleteActivity(by Actor, planned Activity, done ActivityDone) (FollowUp, Customer, error)
	Row(id uint64) (*CustomerRow, bool)

	// LoadDeals reads the deals that opening left for later; the calls that need them make it first.
	LoadDeals() error
	Opportunities(f OpportunityFilter) []*OpportunityRow
	Opportunity(id uint64) (Opportunity, bool)
	StageTotals(f OpportunityFilter) []StageTotal
	History(id uint64) ([]StageChange, error)
	CreateOpportunity(by Actor, o Opportunity) (Opportunity, error)
	UpdateOpportunity(by Actor, o Opportunity) (Opportunity, error)
	MoveStage(by Actor, m Move) (Opportunity, error)
	MoveStageUndoable(by Actor, m Move) (Opportunity, MoveUndo, error)
	UndoMove(by Actor, u MoveUndo) (Opportunity, error)
	CloseUnqualified(by Actor, id, version uint64) (Opportunity, error)
	FunnelOf(from, to time.Time) ([]FunnelStep, error)

	Report(p Period) (PeriodReport, error)
	Reports(end Period, n int) ([]PeriodReport, error)
	Dashboard(p Period, trend int) (Dashboard, error)
	PeriodFunnel(p Period) ([]FunnelStep, error)
	Targets(p Period) (TargetSet, error)
	SaveTargets(by Actor, p Period, t TargetSet) error
	PeriodNotes(p Period) (PeriodNotes, error)
	SavePeriodNotes(by Actor, p Period, n PeriodNotes) error
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
	SaveMapping(by Actor, m Mapping) error
	Import(ctx context.Context, by Actor, src *ImportSource, opt ImportOptions) (*ImportReport, error)
	Imports() ([]ImportRecord, error)
	UndoImport(by Actor, importID uint64, force bool) (*UndoReport, error)
	Export(w io.Writer, opt ExportOptions) (ExportResult, error)
	ExportJSON(w io.Writer, opt JSONExportOptions) (ExportResult, error)
	ImportJSON(by Actor, r io.Reader) (JSONImportResult, error)
}

var _ Service = (*Store)(nil)

// ListService is what the customer list's tools ask: the rows' contacts and search hits read for the
// rows shown, each member's saved filters and columns, and the bulk actions on a selection.
type ListService interface {
	RowExtras(ids []uint64) (map[uint64]RowExtra, error)
	SearchHits(ids []uint64, query string) (map[uint64]SearchHit, error)
	SavedFilters(member uint64) ([]SavedFilter, error)
	SaveFilter(by Actor, f SavedFilter) (SavedFilter, error)
	DeleteFilter(by Actor, id uint64) error
	ListLayout(member uint64) (ListLayout, error)
	SaveListLayout(by Actor, l ListLayout) error
	BulkSetOwner(by Actor, ids []uint64, owner uint64) (int, error)
	BulkAddTag(by Actor, ids []uint64, tag string) (int, error)
	BulkArchive(by Actor, ids []uint64) (int, error)
}
