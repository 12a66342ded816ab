package data

import (
	"context"
	"io"
	"time"
)

// Service is everything the window asks of the data layer, as the signed-in member of a Session may.
// The window holds this interface rather than the Store, so that office mode can serve the same calls
// to several desktops over the LAN; who makes a change comes from the session, not from the caller.
//
// Every call is meant to be one request and one reply over the network (issue 12): arguments and
// results are values with exported fields, no paths of this desktop, callbacks, readers or writers;
// every call that asks the file returns an error, worded by its code (ErrorCode) so that it keeps its
// meaning after the trip; and every list comes in bounded pages (CustomerPage, OpportunityPage,
// ActivityPage, AuditPage, PoolPage) or is small by nature (members, saved filters, one card's lines).
// What only the desktop holding the file can do is in LocalService.
type Service interface {
	// Me, Can and Now have no error: a client knows them from its session (the member and the
	// permissions of its role come back with the sign-in, the clock is the desktop's own), so they
	// never need a trip. Can tells the window which actions to offer; the calls check again.
	Me() Member
	Can(p Permission) bool
	Now() time.Time

	IsEmpty() (bool, error)

	Settings() (Settings, error)
	SaveSettings(st Settings) error
	Members() ([]Member, error)
	// Member is one member; ErrNotFound when there is none of that id.
	Member(id uint64) (Member, error)
	SaveMember(m Member) (Member, error)
	// The signed-in member's password, and the team's sign-ins (admin), as auth.go describes them.
	MustChangePassword() bool
	ChangePassword(old, new string) error
	AddMember(m Member, password string) (Member, error)
	ResetPassword(memberID uint64, temp string) error
	SetActive(memberID uint64, active bool) error
	Unlock(memberID uint64) error
	MemberStatuses() ([]MemberStatus, error)

	// Customers is one page of the list: f.Offset and f.Limit (0 or above MaxCustomerPage is
	// MaxCustomerPage) choose it, Total says how many cards pass the filter.
	Customers(f CustomerFilter) (CustomerPage, error)
	// CustomerIDs are the ids of the cards that pass the filter, in its order, for "select all
	// matching": at most MaxCustomerIDs, more is ErrTooMany.
	CustomerIDs(f CustomerFilter) ([]uint64, error)
	CustomerCount() (active, archived int, err error)
	Choices() (FilterChoices, error)
	Customer(id uint64) (Customer, error)
	// Row is one card's list row; ErrNotFound when there is none the member may see.
	Row(id uint64) (CustomerRow, error)
	Duplicates(c Customer) ([]DuplicateMatch, error)
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

	Agenda(now time.Time, ownerID uint64) (Agenda, error)
	// Activities is one page of the planned activities in [f.From, f.To), by start.
	Activities(f ActivityFilter) (ActivityPage, error)
	CompleteActivity(planned Activity, done ActivityDone) (FollowUp, Customer, error)

	// LoadDeals reads the deals that opening left for later; the calls that need them make it first.
	LoadDeals() error
	// Opportunities is one page of the deals: f.Offset and f.Limit (0 or above MaxOpportunityPage is
	// MaxOpportunityPage) choose it, Total says how many pass the filter.
	Opportunities(f OpportunityFilter) (OpportunityPage, error)
	// Opportunity is one deal; ErrNotFound when there is none the member may see.
	Opportunity(id uint64) (Opportunity, error)
	StageTotals(f OpportunityFilter) ([]StageTotal, error)
	// Forecast is the weighted forecast of the open deals the member may see, by month or quarter of
	// the expected close (data.Forecast's rows).
	Forecast(quarterly bool) ([]ForecastRow, error)
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
	// CustomerSegment is a customer's ABC class and RFM segment as of today, as its card shows them;
	// false for a customer without a won deal (or one the member may not see).
	CustomerSegment(id uint64) (CustomerSegment, bool, error)
	SegmentsFor(p Period) (SegmentSummary, error)
	// SegmentCustomers pages through a period's segmentation, at most MaxSegmentPage at a time.
	SegmentCustomers(p Period, offset, limit int) (SegmentPage, error)

	// The import wizard's calls that work on what the file holds, not on the file read from disk
	// (LocalService.OpenImport): the remembered mappings, past imports and undoing one.
	SaveMapping(m Mapping) error
	Imports() ([]ImportRecord, error)
	UndoImport(importID uint64, force bool) (*UndoReport, error)
}

// LocalService is what only the desktop that has the file open can ask: each call works on a path,
// a reader or writer, or a callback of this desktop, or on the file itself, none of which crosses
// the network. A client of office mode offers none of it (or does it on its own side with calls
// of Service); the window holds it apart (ui.local) so that the split shows where it is used.
type LocalService interface {
	// Backups of the open file (backup.go) are local by nature: they copy the file to a folder of
	// this desktop (BackupDir, the path of BackupNow), report progress to a callback and stop at the
	// Cancel button (ctx); AutoBackup is the daily copy beside the file at start; Backups lists that
	// folder for a restore; FreeRatio is the free share of the file above which the window offers
	// "Compact". Restoring and compacting work on the closed file: PreviewBackup, Restore,
	// CompactFile, QuickCheck and LatestGoodBackup are package functions.
	BackupDir() string
	BackupNow(ctx context.Context, path string, progress Progress) (BackupInfo, error)
	AutoBackup(ctx context.Context, now time.Time) (made *BackupInfo, pruned []string, err error)
	Backups() ([]BackupFile, error)
	FreeRatio() (float64, error)

	// Import and export (import.go, export.go, export_json.go) read a file of this desktop or stream
	// to and from one: the import wizard opens a file by its path (its sheets come with a mapping,
	// remembered or automatic, that the user may change), previews it with a dry run of a few rows
	// (ImportOptions.Limit) and runs it with progress and a cancel (ctx), all over an *ImportSource
	// that holds the parsed sheets in memory; the lists export what their filters show to a writer;
	// ImportJSON reads a whole export from a reader. Over the network each would be an upload or a
	// download of its own, not a call.
	OpenImport(path string) (*ImportSource, error)
	UseRememberedMappings(src *ImportSource)
	Import(ctx context.Context, src *ImportSource, opt ImportOptions) (*ImportReport, error)
	Export(w io.Writer, opt ExportOptions) (ExportResult, error)
	ExportJSON(w io.Writer, opt JSONExportOptions) (ExportResult, error)
	ImportJSON(r io.Reader) (JSONImportResult, error)
}

// Importer is the import wizard's half that holds the file: it opens a file of this desktop (its
// sheets, each with the mapping remembered for its header or the automatic one) and imports it with
// the user's choices, progress and a cancel. The store's session imports where the file is open; an
// office desktop's client sends the file to the host and runs the import there.
type Importer interface {
	OpenImport(path string) (*ImportSource, error)
	Import(ctx context.Context, src *ImportSource, opt ImportOptions) (*ImportReport, error)
}

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
