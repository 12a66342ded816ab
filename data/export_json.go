package data

// JSONExportOptions tune ExportJSON.
type JSONExportOptions struct {
	// Audit adds the audit trail (who changed what when), which can be large.
	Audit bool
}

// JSONImportResult counts what ImportJSON wrote.
type JSONImportResult struct {
	Members, Customers, FollowUps, Opportunities, PeriodPlans, AuditLines int
}
