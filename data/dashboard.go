package data

// Dashboard is everything the metrics screen shows for a period, computed from one snapshot.
type Dashboard struct {
	Period Period
	// Report is the period's own report, the last of Trend.
	Report PeriodReport
	// Trend are the trend periods of the period's kind, oldest first, ending with the period.
	Trend []PeriodReport
	// Funnel is the funnel of the leads created in the period.
	Funnel []FunnelStep
	// Segments are the composition, the ABC classes and the Pareto chart of the period's sales, and
	// the RFM segments as of its end.
	Segments SegmentSummary
}
