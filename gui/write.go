package gui

import (
	"context"
	"salesdesk/data"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// busyDelay is how long a write may take before its control says it is under way: a quick save only
// disables the button for a moment, which would flicker if it also changed its text.
const busyDelay = 400 * time.Millisecond

// writes runs the window's writes: the data call off the UI thread, its result applied in one
// fyne.Do, so that a slow write (a large file, a busy disk, a desktop served over the LAN) never
// freezes the window.
type writes struct {
	// run starts a write's data call: a goroutine in the window, in line in most tests.
	run func(func())
	// toUI applies a write's result on the UI thread: fyne.Do.
	toUI func(func())
	// after shows the busy state once busyDelay has passed, unless the write ends first (stop).
	after func(d time.Duration, f func()) (stop func() bool)
	// calls counts data calls not yet returned: the file is closed only after them, so that quitting
	// while a save is under way neither cuts it off nor loses it.
	calls sync.WaitGroup
}

func newWrites() writes {
	return writes{
		run:  func(f func()) { go f() },
		toUI: fyne.Do,
		after: func(d time.Duration, f func()) func() bool {
			return time.AfterFunc(d, func() { fyne.Do(f) }).Stop
		},
	}
}

// write runs call off the UI thread, with ctl (the button that asked, or nil) disabled until done
// has the result on the UI thread, so that a second click cannot save twice. A control already
// disabled asks nothing: that is also how a shortcut's second press while a save is under way is
// ignored. done shows the error by code (u.showError) or keeps the form's content and shows it there.
// write tells whether it started the call.
func (u *ui) write(ctl fyne.Disableable, call func() error, done func(error)) bool {
	if ctl != nil && ctl.Disabled() {
		return false
	}
	if err := u.refuseOffline(); err != nil {
		// The host is away: refused now, in the user's sight, rather than queued to be lost later.
		if done != nil {
			done(err)
		}
		return true
	}
	if ctl != nil {
		ctl.Disable()
	}
	busy := busyState{ctl: ctl}
	ended := false
	stop := u.writes.after(busyDelay, func() {
		if !ended {
			busy.show()
		}
	})
	u.writes.calls.Add(1)
	u.writes.run(func() {
		err := call()
		u.writes.calls.Done()
		u.writes.toUI(func() {
			ended = true
			stop()
			busy.hide()
			if ctl != nil {
				ctl.Enable()
			}
			if done != nil {
				done(err)
			}
		})
	})
	return true
}

// writeMarking is write for a form's save, with *saving set while it is under way (its done clears
// it). The mark is set before the call starts: a write run in line is done by the time write returns.
func (u *ui) writeMarking(saving *bool, ctl fyne.Disableable, call func() error, done func(error)) {
	was := *saving
	*saving = true
	if !u.write(ctl, call, done) {
		*saving = was // the control was off: a save under way, or a form that takes none
	}
}

// waitWrites waits for the data calls under way, before the file they write is closed.
func (u *ui) waitWrites() { u.writes.calls.Wait() }

// busyState is how a control shows that its write is taking a while: a button's text gains an
// ellipsis, which reads the same in every language and leaves its icon as it was.
type busyState struct {
	ctl   fyne.Disableable
	text  string
	shown bool
}

func (b *busyState) show() {
	if btn, ok := b.ctl.(*widget.Button); ok && !b.shown {
		b.text, b.shown = btn.Text, true
		btn.SetText(btn.Text + " …")
	}
}

func (b *busyState) hide() {
	if btn, ok := b.ctl.(*widget.Button); ok && b.shown {
		btn.SetText(b.text)
		b.shown = false
	}
}

// showErrorOr is a write's done that shows a failure by code in w and otherwise goes on with ok.
func (u *ui) showErrorOr(w fyne.Window, ok func()) func(error) {
	return func(err error) {
		if err != nil {
			u.showError(w, err)
			return
		}
		if ok != nil {
			ok()
		}
	}
}

// withProgress runs work off the UI thread behind a progress bar with a Cancel button; done runs on
// the UI thread with work's result unless the user cancelled, then after (if any) whatever happened.
func (u *ui) withProgress(title string, work func(ctx context.Context, progress data.Progress) error, done, after func()) {
	u.withProgressThen(title, "", work, done, after)
}

// withProgressThen is withProgress for work that goes on after its progress is full (another side
// reading what was sent): the bar then gives way to a moving one over waiting, which says why.
func (u *ui) withProgressThen(title, waiting string, work func(ctx context.Context, progress data.Progress) error, done, after func()) {
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBar()
	then := widget.NewProgressBarInfinite()
	then.Hide()
	note := widget.NewLabel(waiting)
	note.Wrapping = proseWrap()
	note.Hide()
	var d dialog.Dialog
	stop := widget.NewButton(T("action.cancel"), func() { cancel(); d.Hide() })
	d = dialog.NewCustomWithoutButtons(title, container.NewVBox(bar, then, note, stop), u.win)
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
	u.background(func() {
		err := work(ctx, func(doneBytes, total int64) {
			if total > 0 {
				fyne.Do(func() {
					bar.SetValue(float64(doneBytes) / float64(total))
					if waiting != "" && doneBytes >= total && then.Hidden {
						bar.Hide()
						then.Show()
						note.Show()
					}
				})
			}
		})
		cancelled := ctx.Err() != nil
		cancel()
		fyne.Do(func() {
			d.Hide()
			switch {
			case cancelled:
			case err != nil:
				u.showError(u.win, err)
			default:
				done()
			}
			if after != nil {
				after()
			}
		})
	})
}
