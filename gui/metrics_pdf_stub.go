package gui

import (
	"errors"
	"io"

	"salesdesk/data"
)

func writeMetricsPDF(io.Writer, data.Dashboard, []exportedChart) error {
	return errors.New("pdf: not yet")
}
