// Package gui is SalesDesk's window: one file per screen, each a struct holding its widgets, the store
// and its view state.
package gui

import (
	"context"
	"errors"
	"runtime/debug"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/assets"
	"salesdesk/data"
	"salesdesk/data/memory"
	"salesdesk/data/office"
	"salesdesk/data/storage"
)

// AppID identifies SalesDesk to the OS (preferences folder, notifications).
const AppID = "com.salesdesk.desktop"

// Config is what the command line hands the window.
type Config struct {
	DBPath string
	// FileChosen says the command line named the file (--db): the window opens it even on a desktop
	// that joined an office host.
	FileChosen bool
	Version    string
}

// settleDelay is how long after start the window is taken to have built its first screens.
const settleDelay = 3 * time.Second

// autoBackupDelay is how long after start the daily backup is made.
const autoBackupDelay = 2 * time.Minute

// Run opens the database and shows the main window until it is closed. An open error is shown in a
// window of its own, because a desktop user started from an icon never sees a terminal.
func Run(cfg Config) error {
	a := app.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	a.Settings().SetTheme(themeFor(a.Preferences().String(prefTheme)))
	setLanguage(a.Preferences().String(prefLanguage))
	// A desktop that joined an office host signs in there at start; its own file stays closed.
	host, joined := rememberedHost(a.Preferences())
	joined = joined && !cfg.FileChosen
	var st *storage.Store
	if !joined {
		// Open checks the structure of what the first frame reads before it maps the file, and the
		// rest once the window has started (finishCheck); nothing is written before both pass.
		var err error
		st, err = storage.Open(cfg.DBPath, storage.Options{CheckLater: true})
		if err != nil {
			showOpenError(a, cfg.DBPath, err)
			return err
		}
		// What a killed backup, compaction or restore of this file left behind: up to the file's size each.
		st.RemoveLeftTemps()
	}
	// The index of a large file is long-lived and the window allocates little once it runs: collect
	// sooner than Go's default doubling. The end of the file's load (its first page of the list) puts
	// this pacing in and hands the load's garbage back to the system, off the window's goroutine: a
	// collection here, before the first frame, marked the whole heap (about 1 s at 1M cards).
	memory.Pace(10)
	u := newUI(a, st, cfg)
	u.live = true
	if joined {
		u.link = &officeLink{host: host, online: true}
	}
	// The agenda's reminders, a first start's demo and the deals wait for the member: before sign-in
	// nobody may read the team's data.
	u.onFirstEnter = u.firstEnter
	var shareErr error
	if st != nil && a.Preferences().Bool(prefOfficeShare) {
		// A desktop that shared its file shares it again, before anyone signs in here: the office's
		// other desktops need the host, not this window's member.
		shareErr = u.share()
	}
	u.begin()
	if shareErr != nil {
		u.showError(u.win, textError{Tf("office.share_failed", errorText(shareErr))})
	}
	u.startIdleLock()
	u.win.Show()
	a.Lifecycle().SetOnStarted(func() {
		u.restorePosition()
		u.finishCheck(st)
	})
	// The day's backup, if none was made today, a while after start: copying and verifying a large
	// file maps it whole for some seconds, which is no cost to add to the morning's first minutes.
	time.AfterFunc(autoBackupDelay, func() {
		fyne.Do(func() {
			f, now := u.file, u.now() // the file in use then: a restore may have replaced it
			if f == nil {
				return
			}
			go func() {
				if _, _, err := f.AutoBackup(context.Background(), now); err != nil {
					fyne.Do(func() { u.showError(u.win, err) })
				}
			}()
		})
	})

	// Building the window and its first screens leaves the garbage of loading behind, which Go's
	// background scavenger hands back only slowly: return it once the window has settled.
	time.AfterFunc(settleDelay, debug.FreeOSMemory)
	a.Run()
	u.stopFeed()
	// The desktops connected hear that the host stopped (it asked first, askQuitWhileShared), and the
	// calls under way finish before the file closes.
	u.stopSharing(true)
	u.endRemoteSession()
	// A save still under way when the window closed finishes before the file closes under it.
	u.waitWrites()
	// The file in use at the end: a restore or a compaction may have replaced the one opened above.
	if u.file != nil {
		_ = u.file.Close()
	}
	return nil
}

func showOpenError(a fyne.App, path string, err error) {
	w := a.NewWindow("SalesDesk")
	msg := widget.NewLabel(errorText(err) + "\n\n" + path)
	msg.Wrapping = proseWrap()
	detail := widget.NewLabel(err.Error())
	if d := storage.DamageOf(err); d != nil {
		// What is wrong in words and the way out; the technical detail is for `salesdesk check`.
		detail.SetText(T("err.damage.way_out"))
	}
	detail.Wrapping = proseWrap()
	detail.Importance = widget.LowImportance
	buttons := container.NewHBox(layout.NewSpacer(), widget.NewButton(T("action.quit"), a.Quit))
	// A damaged file is never written to; the latest backup that passes the checks is offered
	// instead, and restoring it keeps the damaged file in the backup folder. Both read whole files
	// (seconds for a large one): off the UI thread, so that the window shows at once.
	if errors.Is(err, data.ErrDamaged) {
		go func() {
			b, ok := storage.LatestGoodBackup(storage.DefaultBackupDir(path), path)
			if !ok {
				return
			}
			fyne.Do(func() {
				msg.SetText(msg.Text + "\n\n" + Tf("backup.offer", formatDateTime(b.Time), b.Counts.Customers))
				var restore *widget.Button
				restore = widget.NewButton(T("backup.restore_offer"), func() {
					restore.Disable()
					go func() {
						_, rerr := storage.Restore(b.Path, path, storage.RestoreOptions{})
						fyne.Do(func() {
							if rerr != nil {
								detail.SetText(rerr.Error())
								msg.SetText(errorText(rerr))
								return
							}
							msg.SetText(T("backup.restored_restart"))
							detail.SetText(b.Path)
						})
					}()
				})
				restore.Importance = widget.HighImportance
				buttons.Add(restore)
			})
		}()
	}
	// The text scrolls, so that the buttons stay on a small screen (800×560) whatever the wrapping.
	w.SetContent(container.NewBorder(nil, buttons, nil, nil, container.NewVScroll(
		container.NewVBox(widget.NewLabelWithStyle(T("err.open_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), msg, detail))))
	w.Resize(fyne.NewSize(560, 380))
	w.ShowAndRun()
}

// The main window's tabs, in order.
const (
	tabAgenda = iota
	tabCustomers
	tabPipeline
	tabMetrics
	tabPool
	tabTeam // the weekly review: disabled for a member who may not review
	tabSettings
)

// Preference keys, per desktop.
const (
	prefLanguage = "language"
)

// ui is the main window and what its screens share.
type ui struct {
	app   fyne.App
	win   fyne.Window
	store data.Service
	// local is the same session's calls that only the desktop holding the file makes: backups, import
	// from a file, exports to one (data.LocalService).
	local data.LocalService
	// lastSettings are the settings last read, for a screen laid out while a read fails (service.go).
	lastSettings atomic.Pointer[data.Settings]
	// file is the store when it is a local file (backups, restore, compaction); nil otherwise.
	file *storage.Store
	cfg  Config
	// fillDemo fills an empty database with the demo; only a local file can.
	fillDemo func(storage.DemoOptions) error

	tabs      *container.AppTabs
	agenda    *agendaScreen
	customers *customersScreen
	pipeline  *pipelineScreen
	metrics   *metricsScreen
	pool      *poolScreen
	review    *reviewScreen
	// background runs work off the UI thread; tests run it in line, so they need no waiting.
	background func(func())
	// writes runs the writes the window makes (write.go).
	writes   writes
	settings *settingsScreen
	audit    *auditScreen           // nil unless the member may read the audit trail
	cards    map[uint64]*cardWindow // saved cards' windows, so a second open brings the first forward
	open     map[*cardWindow]bool   // every card window, new cards too
	others   map[fyne.Window]bool   // the deal and forecast windows that are open

	// windows holds one window per saved record, so a second open brings the first forward.
	windows map[string]recordWindow

	// dialogs are the open dialogs, the top one last, so Esc closes them one at a time.
	dialogs []dialog.Dialog
	welcome welcomeForm
	// quitting is set while the main window closes, so a card's answer lets the close go on.
	quitting bool
	// now is the clock; tests fix it.
	now func() time.Time

	// session is the signed-in member's (store is the same); nil on the sign-in screen.
	session data.Service
	// signIn is the sign-in screen while it shows; lock what the idle lock set aside while locked.
	signIn *signInForm
	lock   *lockState
	// lastInput is the time of the last key or mouse move, from which the idle lock counts.
	lastInput time.Time
	// entered is set at the first sign-in, when onFirstEnter (the start's work: demo, reminders,
	// deals) runs; later sign-ins only rebuild the screens.
	entered      bool
	onFirstEnter func()
	// signingOut is set while sign-out asks about unsaved windows, so that an answer lets it go on.
	signingOut bool

	// link is the office host this desktop joined (office.go); nil on a desktop working on its file.
	link *officeLink
	// hosting serves this window's file to the office (office_host.go); nil when not shared.
	hosting *office.Hosting
	// quitShared is set once the user agreed that quitting takes the connected desktops offline.
	quitShared bool
	// live is set in the running app: the change feed follows the writes. Tests drive refreshes.
	live bool
	// feedStop ends the change feed of the current session.
	feedStop func()
	// refreshQueued is set while a live refresh waits for the UI thread.
	refreshQueued refreshFlag
	// deliver, when set, runs the feed's work for the UI thread instead of fyne.Do (tests).
	deliver func(func())
	// started notes the start's timers (reminders, pool sweeps), begun once per window.
	remindersOn, sweepsOn bool
}

// firstEnter is the start's work once a member is in: the demo of a first start, the pool's rules
// (on the file: a host applies them itself), the agenda's reminders and the deals.
func (u *ui) firstEnter() {
	u.startup()
	if u.file != nil && !u.sweepsOn {
		u.sweepsOn = true
		u.startPoolSweeps()
	}
	if !u.remindersOn {
		u.remindersOn = true
		newReminders(u).start()
	}
	u.loadDeals()
}

// newUI makes the main window without content: begin shows the sign-in screen or the screens.
func newUI(a fyne.App, st *storage.Store, cfg Config) *ui {
	u := &ui{app: a, file: st, cfg: cfg, cards: map[uint64]*cardWindow{}, open: map[*cardWindow]bool{}, others: map[fyne.Window]bool{}, now: time.Now,
		background: func(f func()) { go f() }, writes: newWrites()}
	if st != nil {
		u.now = st.Now
		u.fillDemo = func(o storage.DemoOptions) error { return storage.GenerateDemo(st, o) }
	}
	installSaveGuard(u.outputGuard)
	u.win = a.NewWindow("SalesDesk")
	u.win.SetMaster()
	onInput = u.touch
	u.watchKeys(u.win)
	ws := parseWindowState(a.Preferences().String(prefWindow))
	u.win.Resize(fyne.NewSize(ws.w, ws.h))
	u.win.SetCloseIntercept(u.onMainClose)
	onEscape = u.closeDialog
	u.addShortcuts(u.win, nil)
	return u
}

// buildUI (re)creates the screens, which is also how a language switch takes effect.
func (u *ui) buildUI() {
	u.agenda = newAgendaScreen(u)
	u.customers = newCustomersScreen(u)
	u.pipeline = newPipelineScreen(u)
	u.metrics = newMetricsScreen(u)
	u.settings = newSettingsScreen(u)
	u.pool = newPoolScreen(u)
	u.review = newReviewScreen(u)
	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(T("tab.agenda"), theme.HomeIcon(), u.agenda.content),
		container.NewTabItemWithIcon(T("tab.customers"), theme.AccountIcon(), u.customers.content),
		container.NewTabItemWithIcon(T("tab.pipeline"), theme.ListIcon(), u.pipeline.content),
		container.NewTabItemWithIcon(T("tab.metrics"), chartIcon, u.metrics.content),
		container.NewTabItemWithIcon(T("tab.pool"), theme.StorageIcon(), u.pool.content),
		container.NewTabItemWithIcon(T("tab.team"), theme.AccountIcon(), u.review.content),
		container.NewTabItemWithIcon(T("tab.settings"), theme.SettingsIcon(), u.settings.content),
	)
	if !u.store.Can(data.PermReview) {
		u.tabs.DisableIndex(tabTeam) // the data layer refuses the review to others anyway
	}
	u.addAuditTab()
	u.tabs.SetTabLocation(container.TabLocationLeading)
	u.tabs.OnSelected = func(*container.TabItem) { u.refreshSelected() }
	// The tip layer shows cut labels whole and the saves' "saved" line over every screen.
	u.win.SetContent(withTips(newInputWatch(container.NewBorder(u.offlineBar(), nil, nil, nil, u.tabs), u.touch)))
	u.win.SetTitle(T("app.title") + " — " + u.me().Name)
	u.win.SetMainMenu(u.mainMenu())
}

func (u *ui) mainMenu() *fyne.MainMenu {
	newItem := fyne.NewMenuItem(T("action.new_customer"), u.newCustomer)
	newItem.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	find := fyne.NewMenuItem(T("action.find"), u.focusSearch)
	find.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	// Fyne adds a Quit item in the system's language unless the menu has one.
	importItem := fyne.NewMenuItem(T("import.menu"), u.onImport)
	importsItem := fyne.NewMenuItem(T("import.history_menu"), func() { u.onImports() })
	importItem.Disabled, importsItem.Disabled = !u.store.Can(data.PermImport), !u.store.Can(data.PermImport)
	quit := fyne.NewMenuItem(T("action.quit"), u.onMainClose)
	quit.IsQuit = true
	password := fyne.NewMenuItem(T("signin.change_menu"), func() { u.changePassword() })
	lock := fyne.NewMenuItem(T("lock.menu"), u.lockNow)
	signOut := fyne.NewMenuItem(T("signin.sign_out"), u.signOut)
	connect := fyne.NewMenuItem(T("office.connect_menu"), func() { u.showJoin() })
	office := []*fyne.MenuItem{connect}
	if u.link != nil {
		office = append(office, fyne.NewMenuItem(T("office.own_file_menu"), u.useOwnFile))
	}
	items := []*fyne.MenuItem{newItem, find, importItem, importsItem, fyne.NewMenuItemSeparator()}
	items = append(items, office...)
	items = append(items, fyne.NewMenuItemSeparator(), password, lock, signOut, fyne.NewMenuItemSeparator(), quit)
	return fyne.NewMainMenu(
		fyne.NewMenu(T("menu.file"), items...),
		fyne.NewMenu(T("menu.view"),
			fyne.NewMenuItem(T("tab.agenda"), func() { u.tabs.SelectIndex(0) }),
			fyne.NewMenuItem(T("tab.customers"), func() { u.tabs.SelectIndex(tabCustomers) }),
			fyne.NewMenuItem(T("tab.pipeline"), func() { u.tabs.SelectIndex(tabPipeline) }),
			fyne.NewMenuItem(T("tab.metrics"), func() { u.tabs.SelectIndex(tabMetrics) }),
			fyne.NewMenuItem(T("tab.pool"), func() { u.tabs.SelectIndex(tabPool) }),
			fyne.NewMenuItem(T("tab.settings"), func() { u.tabs.SelectIndex(tabSettings) }),
		),
	)
}

// addShortcuts wires the desktop shortcuts; save is the card window's own Ctrl/Cmd+S.
func (u *ui) addShortcuts(w fyne.Window, save func()) {
	c := w.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { u.newCustomer() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		if !u.usable() {
			return
		}
		u.win.RequestFocus()
		u.focusSearch()
	})
	if save != nil {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { save() })
		return
	}
	// On the board, Ctrl/Cmd+← and → move the selected deal one stage.
	for key, step := range map[fyne.KeyName]int{fyne.KeyLeft: -1, fyne.KeyRight: 1} {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			if u.usable() && u.tabs.SelectedIndex() == tabPipeline {
				u.pipeline.moveSelected(step)
			}
		})
	}
}

func (u *ui) onMainClose() {
	// A card with unsaved typing asks first; the app closes only once none is left.
	u.quitting = true
	if u.askFirstUnsaved() {
		return
	}
	if u.askQuitWhileShared() {
		return
	}
	u.saveWindowState()
	for cw := range u.open {
		cw.win.Close()
	}
	u.win.Close()
}

// askFirstUnsaved brings forward the first card or deal window with unsaved typing and asks about it;
// its answer goes on with continueQuit. False when no window has unsaved typing.
func (u *ui) askFirstUnsaved() bool {
	w, ask := u.firstUnsaved()
	if w == nil {
		return false
	}
	w.RequestFocus()
	ask()
	return true
}

// firstUnsaved is a card or deal window holding unsaved typing, with its question about it; nil
// when none does.
func (u *ui) firstUnsaved() (fyne.Window, func()) {
	for cw := range u.open {
		if cw.dirty() {
			return cw.win, cw.onClose
		}
	}
	for _, dw := range openWindows[*dealWindow](u) {
		if dw.dirty() {
			return dw.win, dw.onClose
		}
	}
	return nil, nil
}

// continueQuit goes on closing the app once a card's question about unsaved changes is answered.
func (u *ui) continueQuit() {
	if u.quitting {
		u.onMainClose()
	} else if u.signingOut {
		u.signOut()
	}
}

// me is who this desktop acts as.
func (u *ui) me() data.Actor {
	if m := u.store.Me(); m.ID != 0 {
		return data.Actor{MemberID: m.ID, Name: m.Name}
	}
	return data.Actor{Name: T("user.unknown")}
}

func (u *ui) memberName(id uint64) string {
	if m, err := u.store.Member(id); err == nil {
		return m.Name
	}
	return ""
}

func (u *ui) focusSearch() {
	u.tabs.SelectIndex(tabCustomers)
	u.win.Canvas().Focus(u.customers.search)
}

// refreshAll shows a change made anywhere. Only the screen in view is reloaded now: the others reload
// when their tab is selected, so a save does not refilter and resort lists nobody is looking at.
func (u *ui) refreshAll() {
	u.refreshSelected()
}

// refreshSelected reloads the screen just shown: another window may have changed what it lists.
func (u *ui) refreshSelected() {
	switch u.tabs.SelectedIndex() {
	case tabAgenda:
		u.agenda.reload()
	case tabCustomers:
		u.customers.reload()
	case tabPipeline:
		u.pipeline.reload()
	case tabMetrics:
		u.metrics.reload()
	case tabPool:
		u.pool.reload()
	case tabTeam:
		u.review.reload()
	case tabSettings:
		u.settings.backup.refresh()
		u.settings.share.fillConnections()
		u.settings.members.fill()
	default:
		u.refreshAuditTab()
	}
}

// showError tells the user what went wrong, in their language.
func (u *ui) showError(w fyne.Window, err error) {
	d := dialog.NewError(errorWithText(err), w)
	u.track(d)
	d.Show()
}

type textError struct{ text string }

func (e textError) Error() string { return e.text }

func errorWithText(err error) error { return textError{errorText(err)} }

// closeDialog hides the dialog on top, for Esc, and reports whether there was one.
func (u *ui) closeDialog() bool {
	if len(u.dialogs) == 0 {
		return false
	}
	u.dialogs[len(u.dialogs)-1].Hide()
	return true
}

// trackWindow counts a deal or forecast window as open until it closes: replacing the file waits for it.
func (u *ui) trackWindow(w fyne.Window) {
	u.others[w] = true
	w.SetOnClosed(func() { delete(u.others, w) })
}

// track remembers the dialog on top so Esc closes it; then runs after it closed, however it closed.
func (u *ui) track(d dialog.Dialog, then ...func()) {
	u.dialogs = append(u.dialogs, d)
	d.SetOnClosed(func() {
		for i, x := range u.dialogs {
			if x == d {
				u.dialogs = append(u.dialogs[:i:i], u.dialogs[i+1:]...)
				break
			}
		}
		for _, f := range then {
			f()
		}
	})
}

// startup runs once the window shows: a first start offers the demo.
func (u *ui) startup() {
	u.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			u.closeDialog()
		}
	})
	// A demo killed half way is finished first: half a demo is neither the user's data nor a demo.
	if u.file != nil {
		if d, ok := u.file.InterruptedDemo(); ok {
			u.finishDemo(d)
			return
		}
	}
	if u.file == nil {
		return // a host's team started on the host; the demo is for a file of one's own
	}
	if empty, err := u.store.IsEmpty(); err == nil && empty {
		u.offerDemo()
	}
}

// finishCheck checks the rest of the file's structure once the window is up (storage's CheckLater);
// a damaged file is said at once, not at the first save, which would be refused all the same.
func (u *ui) finishCheck(st *storage.Store) {
	if st == nil {
		return
	}
	u.background(func() {
		if err := st.FinishCheck(); err != nil {
			fyne.Do(func() { u.showError(u.win, err) })
		}
	})
}

// loadDeals reads the deals once the window is up, so that its first frame waits for the customers
// only, then shows them on the screen in view (the agenda's deal section, the board).
func (u *ui) loadDeals() {
	st := u.store
	u.background(func() {
		err := st.LoadDeals()
		fyne.Do(func() {
			if err != nil {
				u.showError(u.win, err)
			}
			u.refreshSelected()
		})
	})
}

func (u *ui) newCustomer() {
	if u.usable() {
		u.openCard(0)
	}
}

// usable reports whether the screens may be used: a member is signed in and the window not locked.
// The shortcuts stay on the window's canvas behind the sign-in screen and the lock.
func (u *ui) usable() bool {
	return u.session != nil && u.lock == nil && u.signIn == nil && u.tabs != nil
}

// damageText says in the window's language what is wrong with a damaged file.
func damageText(d *data.DamageError) string {
	switch d.Kind {
	case storage.DamageMeta:
		return T("err.damage.meta")
	case storage.DamageNoMeta:
		return T("err.damage.no_meta")
	case storage.DamageTruncated:
		return T("err.damage.truncated")
	case storage.DamageRecords:
		return T("err.damage.records")
	default:
		return T("err.damage.pages")
	}
}
