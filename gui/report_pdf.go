package gui

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/signintech/gopdf"

	"salesdesk/assets"
	"salesdesk/data"
)

// The printable report of a period for the management meeting (issue 4, item 5): the template-4 table
// of the trend periods against the targets, each rep's figures, the notes and diagnoses, and the
// charts. It is drawn with gopdf, which embeds only the glyphs used from the app's own TrueType CJK
// faces, so a report is a few hundred KB and shows the same Chinese as the window on any machine.

// reportChart is a chart already drawn for the report, with the title printed above it. Draw it in
// the light variant (chart.Render with chart.FixedVariant(theme, theme.VariantLight)): the report is
// for paper.
type reportChart struct {
	Title string
	Image image.Image
}

// reportTrendPeriods is how many periods the report's table shows: two years of quarters fit a page
// and are what a management meeting compares.
const reportTrendPeriods = 8

// writeQuarterPDF writes the report of d.Period as an A4 PDF in lang ("zh" or "en"; "" is the
// window's language). memberName names an owner whose row has no name (a former member); it may be
// nil. It reads no widget, so it may run off the UI thread.
func writeQuarterPDF(w io.Writer, d data.Dashboard, charts []reportChart, lang string, memberName func(uint64) string) error {
	return writeQuarterPDFAt(w, d, charts, lang, memberName, time.Now())
}

// writeQuarterPDFAt is writeQuarterPDF with the time printed as the report's making, so tests get
// the same document every run.
func writeQuarterPDFAt(w io.Writer, d data.Dashboard, charts []reportChart, lang string, memberName func(uint64) string, made time.Time) error {
	if lang == "" {
		lang = currentLanguage()
	}
	if lang != "zh" {
		lang = "en"
	}
	r := &reportPDF{pdf: &gopdf.GoPdf{}, tr: reportTexts(lang), lang: lang, memberName: memberName}
	if err := r.start(d, made); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	r.header()
	r.trendTable(d)
	r.repTable(d.Report)
	r.notes(d.Report)
	if err := r.charts(charts); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	r.footers()
	if r.err != nil {
		return fmt.Errorf("pdf: %w", r.err)
	}
	if _, err := r.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("pdf: write: %w", err)
	}
	return nil
}

// A4 portrait in points, with margins wide enough for a binder's holes and a printer's edge.
const (
	pdfPageW, pdfPageH = 595.28, 841.89
	pdfMarginX         = 42.0
	pdfTop             = 40.0
	pdfBottom          = pdfPageH - 52 // the footer sits below
	pdfContentW        = pdfPageW - 2*pdfMarginX
)

// Sizes in points. Chinese needs more leading than Latin: its glyphs fill the em box.
const (
	pdfTitleSize   = 16.0
	pdfHeadingSize = 11.5
	pdfBodySize    = 9.5
	pdfTableSize   = 8.5
	pdfSmallSize   = 7.5
	pdfLeading     = 1.45
)

// Greys and the one colour: the marker of a missed target prints dark grey in black and white, and
// the ▼ and bold carry the meaning without it.
var (
	pdfBlack    = [3]uint8{0, 0, 0}
	pdfGrey     = [3]uint8{90, 90, 90}
	pdfMissRed  = [3]uint8{176, 0, 0}
	pdfRule     = [3]uint8{150, 150, 150}
	pdfShade    = [3]uint8{238, 238, 238}
	pdfHeadFill = [3]uint8{220, 220, 220}
)

// pdfFont is the family name of the embedded faces inside the document.
const pdfFont = "sc"

type reportPDF struct {
	pdf        *gopdf.GoPdf
	tr         reportText
	lang       string
	memberName func(uint64) string
	// y is where the next block starts on the current page.
	y float64
	// running is the footer's left text: the report and its period.
	running string
	// err is the first drawing error; the drawing helpers stop at it so the layout code reads
	// straight through.
	err error
	// bold and size are the current font, so text is only re-set when it changes.
	bold bool
	size float64

	made   time.Time
	period data.Period
}

func (r *reportPDF) start(d data.Dashboard, made time.Time) error {
	p := r.pdf
	p.Start(gopdf.Config{PageSize: gopdf.Rect{W: pdfPageW, H: pdfPageH}, Unit: gopdf.UnitPT})
	// A glyph outside the font's subset (a rare name character) would otherwise vanish without a
	// trace; a box shows the reader that something is missing, as the window does.
	missing := func(rune) rune { return '□' }
	if err := p.AddTTFFontDataWithOption(pdfFont, assets.PDFFontRegular, gopdf.TtfOption{Style: gopdf.Regular, OnGlyphNotFoundSubstitute: missing}); err != nil {
		return fmt.Errorf("regular font: %w", err)
	}
	if err := p.AddTTFFontDataWithOption(pdfFont, assets.PDFFontBold, gopdf.TtfOption{Style: gopdf.Bold, OnGlyphNotFoundSubstitute: missing}); err != nil {
		return fmt.Errorf("bold font: %w", err)
	}
	r.running = "SalesDesk"
	if label := periodLabelIn(d.Period, r.lang); label != "" {
		r.running += " · " + label
	}
	p.SetInfo(gopdf.PdfInfo{Title: r.running, Author: "SalesDesk", Creator: "SalesDesk", Subject: r.reportTitle(d.Period), CreationDate: made})
	r.made, r.period = made, d.Period
	r.newPage()
	return nil
}

// ---------------------------------------------------------------------------------------------
// Blocks

func (r *reportPDF) header() {
	r.font(true, pdfTitleSize)
	r.text(pdfMarginX, r.y, pdfContentW, pdfTitleSize*1.3, r.running, gopdf.Left, pdfBlack)
	r.y += pdfTitleSize * 1.4
	r.font(false, pdfBodySize)
	sub := r.reportTitle(r.period) + " · " + r.tr.Tf("report.made", formatMade(r.made, r.lang))
	r.text(pdfMarginX, r.y, pdfContentW, pdfBodySize*pdfLeading, sub, gopdf.Left, pdfGrey)
	r.y += pdfBodySize*pdfLeading + 4
	r.rule(1.2, pdfBlack)
	r.y += 10
}

// trendTable is template 4 of the seed: a row per period, oldest first, then the targets in force for
// the report's period.
func (r *reportPDF) trendTable(d data.Dashboard) {
	trend := d.Trend
	if len(trend) == 0 {
		trend = []data.PeriodReport{d.Report}
	}
	if len(trend) > reportTrendPeriods {
		trend = trend[len(trend)-reportTrendPeriods:]
	}
	r.heading(r.tr.T("report.trend"))
	rows := make([]pdfRow, 0, len(trend)+1)
	for _, rep := range trend {
		row := pdfRow{cells: []pdfCell{r.nameCell(periodLabelIn(rep.Period, r.lang), rep.Figures)}}
		for _, m := range data.Metrics {
			row.cells = append(row.cells, pdfCell{text: r.figure(m, rep.Figures), miss: missedMetric(rep.Misses, m)})
		}
		rows = append(rows, row)
	}
	target := pdfRow{shaded: true, cells: []pdfCell{{text: r.tr.T("metrics.target"), bold: true}}}
	for _, m := range data.Metrics {
		target.cells = append(target.cells, pdfCell{text: r.target(m, d.Report.Targets)})
	}
	rows = append(rows, target)
	r.table(r.tr.T("metrics.col.period"), rows)
	r.footnote(r.tr.T("report.miss_note"))
	if noData(d.Report.Figures) {
		r.y += 4
		r.paragraph(r.tr.T("report.no_data"), pdfBodySize, false, pdfBlack)
	}
	r.y += 8
}

// repTable is each rep's figures for the report's period, each with its target beneath it.
func (r *reportPDF) repTable(rep data.PeriodReport) {
	r.heading(r.tr.T("report.by_rep"))
	if len(rep.Owners) == 0 {
		r.paragraph(r.tr.T("report.no_reps"), pdfBodySize, false, pdfGrey)
		r.y += 8
		return
	}
	rows := make([]pdfRow, 0, len(rep.Owners))
	for _, o := range rep.Owners {
		row := pdfRow{cells: []pdfCell{r.nameCell(r.ownerName(o), o.Figures)}}
		for _, m := range data.Metrics {
			c := pdfCell{text: r.figure(m, o.Figures), miss: missedMetric(o.Misses, m)}
			if _, ok := o.Targets[m]; ok {
				c.sub = r.tr.T("metrics.target") + " " + r.target(m, o.Targets)
			}
			row.cells = append(row.cells, c)
		}
		rows = append(rows, row)
	}
	r.table(r.tr.T("metrics.col.rep"), rows)
	r.footnote(r.tr.T("report.miss_note"))
	r.y += 8
}

// notes are the manager's problems and measures with, between them, the diagnoses of what misses.
func (r *reportPDF) notes(rep data.PeriodReport) {
	r.heading(r.tr.T("metrics.problems"))
	r.note(rep.Notes.Problems)

	r.heading(r.tr.T("report.diagnosis"))
	switch {
	case noData(rep.Figures):
		r.paragraph(r.tr.T("report.no_data"), pdfBodySize, false, pdfGrey)
	case len(rep.Misses) > 0:
		for _, m := range rep.Misses {
			line := r.tr.Tf("report.miss", r.metricName(m.Metric), r.value(m.Metric, m.Actual), r.value(m.Metric, m.Target))
			if hint := data.HintText(m.Hint, r.lang); hint != "" {
				line += r.sentenceSep() + hint
			}
			r.bullet(line)
		}
	case len(rep.Targets) == 0:
		r.paragraph(r.tr.T("report.no_targets"), pdfBodySize, false, pdfGrey)
	default:
		r.paragraph(r.tr.T("report.on_target"), pdfBodySize, false, pdfBlack)
	}
	for _, o := range rep.Owners {
		if len(o.Misses) == 0 {
			continue
		}
		names := make([]string, len(o.Misses))
		for i, m := range o.Misses {
			names[i] = r.metricName(m.Metric)
		}
		sep := ", "
		if r.lang == "zh" {
			sep = "、" // the enumeration comma
		}
		r.bullet(r.tr.Tf("report.rep_missed", r.ownerName(o), strings.Join(names, sep)))
	}
	r.y += 4

	r.heading(r.tr.T("metrics.measures"))
	r.note(rep.Notes.Measures)
}

func (r *reportPDF) note(s string) {
	if strings.TrimSpace(s) == "" {
		r.paragraph(r.tr.T("report.none"), pdfBodySize, false, pdfGrey)
	} else {
		r.paragraph(s, pdfBodySize, false, pdfBlack)
	}
	r.y += 6
}

// charts puts one chart per half page at the full text width: the window draws them for a wide
// screen, and two to a row would shrink their labels below what prints legibly.
func (r *reportPDF) charts(charts []reportChart) error {
	titleH := pdfBodySize * pdfLeading
	maxH := (pdfBottom-pdfTop)/2 - titleH - 14
	first := true
	for _, c := range charts {
		if c.Image == nil || c.Image.Bounds().Empty() {
			continue
		}
		b := c.Image.Bounds()
		w := pdfContentW
		h := w * float64(b.Dy()) / float64(b.Dx())
		if h > maxH {
			w, h = w*maxH/h, maxH
		}
		need := titleH + h + 14
		if first {
			need += pdfHeadingSize*pdfLeading + 8
		}
		r.ensure(need)
		if first {
			r.heading(r.tr.T("report.charts"))
			first = false
		}
		r.font(true, pdfBodySize)
		r.text(pdfMarginX, r.y, pdfContentW, titleH, r.fit(c.Title, pdfContentW), gopdf.Left, pdfBlack)
		r.y += titleH + 2
		x := pdfMarginX + (pdfContentW-w)/2
		if err := r.pdf.ImageFrom(onWhite(c.Image), x, r.y, &gopdf.Rect{W: w, H: h}); err != nil {
			return fmt.Errorf("chart %q: %w", c.Title, err)
		}
		// A hairline frame: the charts' own light background would otherwise fade into the paper.
		r.stroke(0.5, pdfRule)
		r.pdf.RectFromUpperLeftWithStyle(x, r.y, w, h, "D")
		r.y += h + 12
	}
	return nil
}

// footers number the pages once their count is known.
func (r *reportPDF) footers() {
	n := r.pdf.GetNumberOfPages()
	for i := 1; i <= n; i++ {
		if err := r.pdf.SetPage(i); err != nil {
			r.fail(err)
			return
		}
		r.font(false, pdfSmallSize)
		y := pdfPageH - 34.0
		r.stroke(0.5, pdfRule)
		r.pdf.Line(pdfMarginX, y-4, pdfPageW-pdfMarginX, y-4)
		r.text(pdfMarginX, y, pdfContentW/2, 12, r.running, gopdf.Left, pdfGrey)
		r.text(pdfMarginX+pdfContentW/2, y, pdfContentW/2, 12, r.tr.Tf("report.page", i, n), gopdf.Right, pdfGrey)
	}
}

// ---------------------------------------------------------------------------------------------
// Tables

type pdfCell struct {
	text string
	// sub is a smaller grey second line: a rep's target, or "no data" under a name.
	sub  string
	miss bool
	bold bool
}

type pdfRow struct {
	cells  []pdfCell
	shaded bool
}

// The first column holds a period or a name and may wrap; the six figures share the rest.
const pdfFirstCol = 94.0

func (r *reportPDF) columns() (x []float64, w []float64) {
	n := len(data.Metrics)
	fig := (pdfContentW - pdfFirstCol) / float64(n)
	x, w = []float64{pdfMarginX}, []float64{pdfFirstCol}
	for i := 0; i < n; i++ {
		x = append(x, pdfMarginX+pdfFirstCol+float64(i)*fig)
		w = append(w, fig)
	}
	return x, w
}

const pdfCellPad = 4.0

// table draws rows under a header of first and the metrics' names, repeating the header on each page
// the table runs onto.
func (r *reportPDF) table(first string, rows []pdfRow) {
	xs, ws := r.columns()
	header := []string{first}
	for _, m := range data.Metrics {
		header = append(header, r.metricName(m))
	}
	lh := pdfTableSize * pdfLeading
	r.font(true, pdfTableSize)
	headLines := make([][]string, len(header))
	headH := 0.0
	for i, h := range header {
		headLines[i] = r.wrap(h, ws[i]-2*pdfCellPad)
		headH = max(headH, float64(len(headLines[i]))*lh)
	}
	headH += 2 * pdfCellPad
	drawHeader := func() {
		r.fill(pdfHeadFill)
		r.pdf.RectFromUpperLeftWithStyle(pdfMarginX, r.y, pdfContentW, headH, "F")
		r.font(true, pdfTableSize)
		for i, lines := range headLines {
			align := gopdf.Right
			if i == 0 {
				align = gopdf.Left
			}
			for j, l := range lines {
				r.text(xs[i]+pdfCellPad, r.y+pdfCellPad+float64(j)*lh, ws[i]-2*pdfCellPad, lh, l, align, pdfBlack)
			}
		}
		r.y += headH
		r.stroke(0.8, pdfBlack)
		r.pdf.Line(pdfMarginX, r.y, pdfMarginX+pdfContentW, r.y)
	}
	// The header never ends a page alone.
	r.ensure(headH + lh + 2*pdfCellPad)
	drawHeader()
	subLH := pdfSmallSize * pdfLeading
	for ri, row := range rows {
		// Measure: the first column wraps, a figure with a target has its second line.
		name := row.cells[0]
		r.font(name.bold, pdfTableSize)
		firstLines := r.wrap(name.text, ws[0]-2*pdfCellPad)
		h := float64(len(firstLines)) * lh
		if name.sub != "" {
			h += subLH
		}
		for _, c := range row.cells[1:] {
			if c.sub != "" {
				h = max(h, lh+subLH)
			}
		}
		h += 2 * pdfCellPad
		if r.y+h > pdfBottom {
			r.newPage()
			drawHeader()
		}
		if row.shaded || ri%2 == 1 {
			shade := pdfShade
			if !row.shaded {
				shade = [3]uint8{247, 247, 247}
			}
			r.fill(shade)
			r.pdf.RectFromUpperLeftWithStyle(pdfMarginX, r.y, pdfContentW, h, "F")
		}
		r.font(name.bold, pdfTableSize)
		for j, l := range firstLines {
			r.text(xs[0]+pdfCellPad, r.y+pdfCellPad+float64(j)*lh, ws[0]-2*pdfCellPad, lh, l, gopdf.Left, pdfBlack)
		}
		if name.sub != "" {
			r.font(false, pdfSmallSize)
			r.text(xs[0]+pdfCellPad, r.y+pdfCellPad+float64(len(firstLines))*lh, ws[0]-2*pdfCellPad, subLH, r.fit(name.sub, ws[0]-2*pdfCellPad), gopdf.Left, pdfGrey)
		}
		for i, c := range row.cells[1:] {
			r.figureCell(xs[i+1]+pdfCellPad, r.y+pdfCellPad, ws[i+1]-2*pdfCellPad, lh, c)
			if c.sub != "" {
				r.font(false, pdfSmallSize)
				r.text(xs[i+1]+pdfCellPad, r.y+pdfCellPad+lh, ws[i+1]-2*pdfCellPad, subLH, r.fit(c.sub, ws[i+1]-2*pdfCellPad), gopdf.Right, pdfGrey)
			}
		}
		r.y += h
		r.stroke(0.3, pdfRule)
		r.pdf.Line(pdfMarginX, r.y, pdfMarginX+pdfContentW, r.y)
	}
}

// figureCell right-aligns a figure; a miss is bold behind a ▼ in the miss colour.
func (r *reportPDF) figureCell(x, y, w, h float64, c pdfCell) {
	r.font(c.miss || c.bold, pdfTableSize)
	if !c.miss {
		r.text(x, y, w, h, r.fit(c.text, w), gopdf.Right, pdfBlack)
		return
	}
	const marker = "▼ "
	mw := r.measure(marker)
	text := r.fit(c.text, w-mw)
	tw := r.measure(text)
	r.text(x+w-tw-mw, y, mw, h, marker, gopdf.Left, pdfMissRed)
	r.text(x+w-tw, y, tw, h, text, gopdf.Left, pdfBlack)
}

// ---------------------------------------------------------------------------------------------
// Text

func (r *reportPDF) heading(s string) {
	lh := pdfHeadingSize * pdfLeading
	// A heading keeps at least two lines of what follows on its page.
	r.ensure(lh + 4 + 3*pdfBodySize*pdfLeading)
	r.font(true, pdfHeadingSize)
	r.text(pdfMarginX, r.y, pdfContentW, lh, s, gopdf.Left, pdfBlack)
	r.y += lh + 4
}

func (r *reportPDF) paragraph(s string, size float64, bold bool, colour [3]uint8) {
	r.font(bold, size)
	lh := size * pdfLeading
	for _, l := range r.wrap(s, pdfContentW) {
		r.ensure(lh)
		r.text(pdfMarginX, r.y, pdfContentW, lh, l, gopdf.Left, colour)
		r.y += lh
	}
}

func (r *reportPDF) bullet(s string) {
	r.font(false, pdfBodySize)
	lh := pdfBodySize * pdfLeading
	indent := r.measure("• ") + 2
	for i, l := range r.wrap(s, pdfContentW-indent) {
		r.ensure(lh)
		if i == 0 {
			r.text(pdfMarginX, r.y, indent, lh, "•", gopdf.Left, pdfBlack)
		}
		r.text(pdfMarginX+indent, r.y, pdfContentW-indent, lh, l, gopdf.Left, pdfBlack)
		r.y += lh
	}
	r.y += 2
}

func (r *reportPDF) footnote(s string) {
	r.y += 3
	r.paragraph(s, pdfSmallSize, false, pdfGrey)
}

func (r *reportPDF) rule(width float64, colour [3]uint8) {
	r.stroke(width, colour)
	r.pdf.Line(pdfMarginX, r.y, pdfMarginX+pdfContentW, r.y)
}

// text draws one line in a box of w×h, vertically centred.
func (r *reportPDF) text(x, y, w, h float64, s string, align int, colour [3]uint8) {
	if r.err != nil || s == "" {
		return
	}
	r.pdf.SetTextColor(colour[0], colour[1], colour[2])
	r.pdf.SetXY(x, y)
	r.fail(r.pdf.CellWithOption(&gopdf.Rect{W: w, H: h}, s, gopdf.CellOption{Align: align | gopdf.Middle}))
}

func (r *reportPDF) font(bold bool, size float64) {
	if r.err != nil || (bold == r.bold && size == r.size) {
		return
	}
	style := ""
	if bold {
		style = "B"
	}
	r.bold, r.size = bold, size
	r.fail(r.pdf.SetFont(pdfFont, style, size))
}

func (r *reportPDF) stroke(width float64, c [3]uint8) {
	r.pdf.SetLineWidth(width)
	r.pdf.SetStrokeColor(c[0], c[1], c[2])
}

func (r *reportPDF) fill(c [3]uint8) { r.pdf.SetFillColor(c[0], c[1], c[2]) }

func (r *reportPDF) measure(s string) float64 {
	if r.err != nil {
		return 0
	}
	w, err := r.pdf.MeasureTextWidth(s)
	r.fail(err)
	return w
}

func (r *reportPDF) wrap(s string, width float64) []string {
	return wrapText(cleanText(s), width, r.measure)
}

// fit shortens a one-line text to width with an ellipsis: a table cell has no room to wrap.
func (r *reportPDF) fit(s string, width float64) string {
	s = strings.Join(strings.Fields(cleanText(s)), " ")
	if r.measure(s) <= width {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && r.measure(string(rs)+"…") > width {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

func (r *reportPDF) newPage() {
	r.pdf.AddPage()
	r.y = pdfTop
}

// ensure starts a new page unless h more points fit on this one.
func (r *reportPDF) ensure(h float64) {
	if r.y+h > pdfBottom && r.y > pdfTop {
		r.newPage()
	}
}

func (r *reportPDF) fail(err error) {
	if err != nil && r.err == nil {
		r.err = err
	}
}

// cleanText makes user text printable: tabs become spaces and other control characters go (the font
// would draw them as boxes), except the line breaks the wrapping keeps.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// wrapText breaks s into lines no wider than width as measure measures them: Chinese between any two
// characters, other scripts at spaces (a word longer than a line is cut). Closing punctuation never
// starts a line and opening brackets never end one, as Chinese typesetting requires. Line breaks in
// s are kept; spaces at a break are dropped.
func wrapText(s string, width float64, measure func(string) float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapParagraph(para, width, measure)...)
	}
	return out
}

func wrapParagraph(s string, width float64, measure func(string) float64) []string {
	toks := breakUnits(s)
	var lines []string
	var line strings.Builder
	lineW := 0.0
	emit := func() {
		lines = append(lines, strings.TrimRight(line.String(), " "))
		line.Reset()
		lineW = 0
	}
	for _, t := range toks {
		if t == " " && line.Len() == 0 && len(lines) > 0 {
			continue // a break already separates the words
		}
		tw := measure(t)
		if lineW+tw > width && line.Len() > 0 && t != " " {
			emit()
		}
		if tw > width {
			// A word wider than a line (a URL, a long number): cut it where it must.
			for _, r := range t {
				rw := measure(string(r))
				if lineW+rw > width && line.Len() > 0 {
					emit()
				}
				line.WriteRune(r)
				lineW += rw
			}
			continue
		}
		line.WriteString(t)
		lineW += tw
	}
	if line.Len() > 0 || len(lines) == 0 {
		emit()
	}
	return lines
}

// breakUnits splits a paragraph into the pieces a line may break between: a Chinese character with
// any closing punctuation after it, a word, a space.
func breakUnits(s string) []string {
	var toks []string
	var word []rune
	glue := false // the last unit ends with an opening bracket: the next one joins it
	push := func(t string) {
		if glue && len(toks) > 0 {
			toks[len(toks)-1] += t
		} else {
			toks = append(toks, t)
		}
		glue = false
	}
	flush := func() {
		if len(word) > 0 {
			push(string(word))
			word = word[:0]
		}
	}
	for _, r := range s {
		switch {
		case r == ' ':
			flush()
			glue = false
			toks = append(toks, " ")
		case strings.ContainsRune(noLineStart, r) && (len(word) > 0 || (len(toks) > 0 && toks[len(toks)-1] != " ")):
			if len(word) > 0 {
				word = append(word, r)
			} else {
				toks[len(toks)-1] += string(r)
			}
		case strings.ContainsRune(noLineEnd, r):
			flush()
			push(string(r))
			glue = true
		case isWideRune(r):
			flush()
			push(string(r))
		default:
			word = append(word, r)
		}
	}
	flush()
	return toks
}

// Chinese line-breaking rules (禁则): these never start a line, and these never end one.
const (
	noLineStart = "，。、；：？！）》」』】〕〉’”…·%％,.;:?!)]}"
	noLineEnd   = "（《「『【〔〈‘“"
)

// isWideRune reports a character of a script written without spaces, which may break on either side.
func isWideRune(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// onWhite flattens a chart onto white paper: a transparent pixel would print as whatever the viewer
// shows behind the page.
func onWhite(img image.Image) image.Image {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Over)
	return out
}

// ---------------------------------------------------------------------------------------------
// Words and numbers in the report's language

// reportText is the translation table of the report's language, which may differ from the window's
// (a manager prints an English copy from a Chinese session).
type reportText map[string]string

func reportTexts(lang string) reportText {
	trMu.Lock()
	defer trMu.Unlock()
	return loadTable(lang)
}

// T translates a key; a missing key shows itself, which the translation test catches.
func (t reportText) T(key string) string {
	if s, ok := t[key]; ok {
		return s
	}
	return key
}

// Tf translates a key whose text holds fmt verbs.
func (t reportText) Tf(key string, args ...any) string { return fmt.Sprintf(t.T(key), args...) }

func (r *reportPDF) metricName(m data.Metric) string {
	switch m {
	case data.MetricLeads:
		return r.tr.T("metrics.col.leads")
	case data.MetricClosedCustomers:
		return r.tr.T("metrics.col.closed")
	case data.MetricConversionRate:
		return r.tr.T("metrics.col.conversion")
	case data.MetricAverageOrderValue:
		return r.tr.T("metrics.col.aov")
	case data.MetricRepurchaseRate:
		return r.tr.T("metrics.col.repurchase")
	case data.MetricAverageSalesCycle:
		return r.tr.T("metrics.col.cycle")
	}
	return string(m)
}

func (r *reportPDF) reportTitle(p data.Period) string {
	switch p.Kind {
	case data.PeriodMonth:
		return r.tr.T("report.title.month")
	case data.PeriodYear:
		return r.tr.T("report.title.year")
	}
	return r.tr.T("report.title.quarter")
}

// sentenceSep goes between two sentences: Chinese full stops take no space after them.
func (r *reportPDF) sentenceSep() string {
	if r.lang == "zh" {
		return ""
	}
	return " "
}

func (r *reportPDF) ownerName(o data.OwnerReport) string {
	switch {
	case o.Name != "":
		return o.Name
	case o.OwnerID == 0:
		return r.tr.T("metrics.unassigned")
	case r.memberName != nil && r.memberName(o.OwnerID) != "":
		return r.memberName(o.OwnerID)
	}
	return "#" + strconv.FormatUint(o.OwnerID, 10)
}

// figure is a metric of a period in its unit, or — like the window for one that does not exist: a
// rate over no leads or an average over no closed customer is no figure, and 0 would read as a result.
func (r *reportPDF) figure(m data.Metric, f data.Figures) string {
	if !f.Defined(m) {
		return "—"
	}
	if m == data.MetricAverageOrderValue {
		return formatMoney(f.AverageOrderValue)
	}
	return r.value(m, f.Value(m))
}

func (r *reportPDF) target(m data.Metric, t data.Targets) string {
	v, ok := t[m]
	if !ok {
		return "—"
	}
	return r.value(m, v)
}

// value writes a metric's value or target. A value that is not a number (which the data package
// never produces) prints as 0 rather than as NaN on paper.
func (r *reportPDF) value(m data.Metric, v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	switch m {
	case data.MetricLeads, data.MetricClosedCustomers:
		return formatInt(int(math.Round(v)))
	case data.MetricConversionRate, data.MetricRepurchaseRate:
		return strconv.FormatFloat(v, 'f', 1, 64) + "%"
	case data.MetricAverageOrderValue:
		return formatMoney(data.Amount(math.Round(v * 100)))
	}
	return r.tr.Tf("metrics.days", strconv.FormatFloat(v, 'f', 1, 64))
}

// noData reports figures that are no result: the period had neither a lead nor a win, or was never
// computed (a zero Dashboard).
func noData(f data.Figures) bool { return f.NoData || (f.Leads == 0 && f.WonDeals == 0) }

// nameCell is a row's first cell, a period or a rep, marked beneath when its zeros are no result.
func (r *reportPDF) nameCell(name string, f data.Figures) pdfCell {
	switch {
	case !noData(f):
		return pdfCell{text: name}
	case name == "":
		return pdfCell{text: r.tr.T("metrics.no_data")}
	}
	return pdfCell{text: name, sub: r.tr.T("metrics.no_data")}
}

func missedMetric(misses []data.Miss, m data.Metric) bool {
	for _, x := range misses {
		if x.Metric == m {
			return true
		}
	}
	return false
}

// periodLabelIn names a period in a language: 2024年第1季度, 2024 Q1.
func periodLabelIn(p data.Period, lang string) string {
	zh := lang == "zh"
	switch p.Kind {
	case data.PeriodQuarter:
		if zh {
			return fmt.Sprintf("%d年第%d季度", p.Year, p.N)
		}
		return fmt.Sprintf("%d Q%d", p.Year, p.N)
	case data.PeriodMonth:
		if zh {
			return fmt.Sprintf("%d年%d月", p.Year, p.N)
		}
		return time.Month(p.N).String()[:3] + " " + strconv.Itoa(p.Year)
	case data.PeriodYear:
		if zh {
			return fmt.Sprintf("%d年", p.Year)
		}
		return strconv.Itoa(p.Year)
	}
	return ""
}

func formatMade(t time.Time, lang string) string {
	if lang == "zh" {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}
