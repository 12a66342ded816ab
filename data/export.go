package data

// Exports of the lists as CSV (UTF-8 with a byte-order mark, CRLF, for Excel) or as an Excel workbook,
// with the headers the import recognises in the language asked for, so an export can be edited and
// imported back. Choices are written as the language's words, amounts in yuan, dates as 2024-03-15
// (in a workbook, as date cells).

// ExportWhat names the list an export writes.
type ExportWhat string

// ExportOptions say what to export and how.
type ExportOptions struct {
	Format string // "csv" or "xlsx"
	What   ExportWhat
	// Customers filters the customers, and the follow-ups by their customer.
	Customers CustomerFilter
	// Opportunities filters the deals.
	Opportunities OpportunityFilter
	// Lang is "zh" or "en": the headers and the words for the choices.
	Lang string
}

// ExportResult counts what an export wrote.
type ExportResult struct {
	Customers, Opportunities, FollowUps int
}

const (
	ExportCustomers     ExportWhat = "customers"
	ExportOpportunities ExportWhat = "opportunities"
	ExportFollowUps     ExportWhat = "followups"
	// ExportAll writes the three lists as the sheets of one workbook (XLSX only).
	ExportAll ExportWhat = "all"
)
