package gui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// stageEditor edits the board's columns: names, probabilities, idle limits and order. Open stages can
// be added and removed; the lead, won and lost columns stay, as the board needs them.
type stageEditor struct {
	stages []data.StageDef
	rows   *fyne.Container
	names  []*textEntry
	probs  []*textEntry
	idles  []*textEntry
	msg    *widget.Label
	add    *widget.Button
	// inUse tells whether deals sit in a stage, which may then not be removed.
	inUse func(key string) bool
}

func newStageEditor(stages []data.StageDef, inUse func(string) bool) *stageEditor {
	e := &stageEditor{stages: append([]data.StageDef(nil), stages...), rows: container.NewVBox(), msg: widget.NewLabel(""), inUse: inUse}
	e.msg.Importance = widget.DangerImportance
	e.msg.Wrapping = proseWrap()
	e.msg.Hide()
	e.add = widget.NewButtonWithIcon(T("settings.add_stage"), theme.ContentAddIcon(), e.onAdd)
	e.rebuild()
	return e
}

func (e *stageEditor) content() fyne.CanvasObject {
	head := container.NewGridWithColumns(3, widget.NewLabel(T("settings.stage_name")),
		widget.NewLabel(T("settings.stage_probability")), widget.NewLabel(T("settings.stage_idle")))
	return container.NewVBox(head, e.rows, e.msg, container.NewHBox(e.add))
}

// collect copies the entries back into the stages, so a rebuild keeps what was typed.
func (e *stageEditor) collect() {
	for i := range e.stages {
		if i >= len(e.names) {
			break
		}
		e.stages[i].Name = strings.TrimSpace(e.names[i].Text)
		e.stages[i].Probability, _ = strconv.Atoi(strings.TrimSpace(e.probs[i].Text))
		e.stages[i].IdleDays, _ = strconv.Atoi(strings.TrimSpace(e.idles[i].Text))
	}
}

func (e *stageEditor) rebuild() {
	e.rows.RemoveAll()
	e.names, e.probs, e.idles = nil, nil, nil
	for i, st := range e.stages {
		i := i
		name := newEntry(stageName(st)) // a default name in the UI's language; value() maps it back
		prob, idle := newEntry(strconv.Itoa(st.Probability)), newEntry(strconv.Itoa(st.IdleDays))
		e.names, e.probs, e.idles = append(e.names, name), append(e.probs, prob), append(e.idles, idle)
		up := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { e.onMove(i, -1) })
		down := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { e.onMove(i, 1) })
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { e.onRemove(i) })
		if st.Kind != data.StageOpen {
			up.Disable()
			down.Disable()
			remove.Disable()
		}
		e.rows.Add(container.NewBorder(nil, nil, nil, container.NewHBox(up, down, remove),
			container.NewGridWithColumns(3, name, prob, idle)))
	}
	e.rows.Refresh()
}

// onMove reorders open stages among themselves; the lead column stays first and won and lost last.
func (e *stageEditor) onMove(i, step int) {
	e.collect()
	j := i + step
	if j < 0 || j >= len(e.stages) || e.stages[j].Kind != data.StageOpen {
		return
	}
	e.stages[i], e.stages[j] = e.stages[j], e.stages[i]
	e.rebuild()
}

func (e *stageEditor) onRemove(i int) {
	e.collect()
	if e.inUse(e.stages[i].Key) {
		e.msg.SetText(Tf("settings.stage_in_use", e.names[i].Text))
		e.msg.Show()
		return
	}
	e.stages = append(e.stages[:i:i], e.stages[i+1:]...)
	e.rebuild()
}

// onAdd puts a new open stage before the won column.
func (e *stageEditor) onAdd() {
	e.collect()
	at := len(e.stages)
	for i, st := range e.stages {
		if st.Kind == data.StageWon || st.Kind == data.StageLost {
			at = i
			break
		}
	}
	key := fmt.Sprintf("stage_%d", len(e.stages)+1)
	for taken := true; taken; {
		taken = false
		for _, st := range e.stages {
			if st.Key == key {
				key += "x"
				taken = true
			}
		}
	}
	st := data.StageDef{Key: key, Name: T("settings.new_stage"), Kind: data.StageOpen, Probability: 50, IdleDays: 14}
	e.stages = append(e.stages[:at], append([]data.StageDef{st}, e.stages[at:]...)...)
	e.rebuild()
}

// value returns the edited stages, keeping a default name stored as the default when it was left as
// shown, so it goes on following the UI's language.
func (e *stageEditor) value(old []data.StageDef) []data.StageDef {
	e.collect()
	out := append([]data.StageDef(nil), e.stages...)
	for i := range out {
		for _, d := range data.DefaultStages() {
			if d.Key == out[i].Key && out[i].Name == T("stage."+d.Key) {
				out[i].Name = d.Name
			}
		}
	}
	return out
}

// show puts the stages' problems under the list.
func (e *stageEditor) show(fe data.FieldErrors) {
	var lines []string
	for _, f := range fe {
		if strings.HasPrefix(f.Field, "stages") {
			lines = append(lines, errorText(f.Err))
		}
	}
	if len(lines) == 0 {
		e.msg.Hide()
		return
	}
	e.msg.SetText(strings.Join(lines, "\n"))
	e.msg.Show()
}
