// Command peers is `salesdesk bench` with other engines beside SalesDesk, on the same records in the
// same run: SQLite (modernc.org/sqlite, a maintained pure-Go build of it) with a LIKE scan and with
// an FTS5 trigram index, and a raw scan of SalesDesk's own bbolt file. It is a module of its own so
// that the product does not depend on SQLite.
//
//	cd data/perf/peers && go run . [--customers N | --from FILE] [--runs R] [--dir DIR]
package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	_ "modernc.org/sqlite"

	"salesdesk/data/memory"
	"salesdesk/data/perf"
)

func main() {
	memory.Bound() // as salesdesk does
	if perf.Child(os.Stdout) {
		return
	}
	n := flag.Int("customers", 100_000, "customers in the file measured")
	runs := flag.Int("runs", 3, "runs of each figure")
	dir := flag.String("dir", "", "folder for the files (default: a temporary one, removed after)")
	from := flag.String("from", "", "measure a copy of this file instead of a demo")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	peers := []perf.Peer{&boltScan{}, &sqlitePeer{fts: false}, &sqlitePeer{fts: true}}
	if err := perf.Run(ctx, perf.Options{Customers: *n, From: *from, Runs: *runs, Dir: *dir, Out: os.Stdout, Peers: peers}); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

// boltScan reads every stored list row of SalesDesk's file through bbolt and looks for the term in
// its bytes: what a search costs without an index in memory. The rows hold a little more than the
// search texts (the region, the industry), so it can find a few more.
type boltScan struct{ db *bolt.DB }

func (p *boltScan) Name() string { return "bbolt scan" }

func (p *boltScan) Load(path string, _ []perf.Record) (err error) {
	p.db, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	return err
}

func (p *boltScan) Search(term string, _ bool) (int, error) {
	needle := []byte(term)
	n := 0
	err := p.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("customer_rows"))
		if b == nil {
			return fmt.Errorf("no customer_rows bucket")
		}
		return b.ForEach(func(_, v []byte) error {
			if bytes.Contains(v, needle) {
				n++
			}
			return nil
		})
	})
	return n, err
}

func (p *boltScan) Close() error { return p.db.Close() }

// sqlitePeer holds the records in an in-memory SQLite database: a plain table searched with LIKE,
// or an FTS5 table with the trigram tokenizer, which answers terms of three characters or more from
// its index and scans for shorter ones.
type sqlitePeer struct {
	fts bool
	db  *sql.DB
}

func (p *sqlitePeer) Name() string {
	if p.fts {
		return "SQLite FTS5 trigram"
	}
	return "SQLite LIKE"
}

func (p *sqlitePeer) Load(_ string, records []perf.Record) error {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1) // one connection: an in-memory database is per connection
	p.db = db
	create := `CREATE TABLE t (rowid INTEGER PRIMARY KEY, text TEXT, keys TEXT)`
	if p.fts {
		create = `CREATE VIRTUAL TABLE t USING fts5(text, keys, tokenize='trigram')`
	}
	if _, err := db.Exec(create); err != nil {
		return err
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	ins, err := tx.Prepare(`INSERT INTO t (rowid, text, keys) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	for _, r := range records {
		// SQLite's text ends at a NUL: fields are kept apart by a newline, which no query holds.
		if _, err := ins.Exec(r.ID, strings.ReplaceAll(r.Text, "\x00", "\n"), strings.ReplaceAll(r.Keys, "\x00", "\n")); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (p *sqlitePeer) Search(term string, ascii bool) (int, error) {
	col := "text"
	if ascii {
		col = "keys"
	}
	var q string
	var arg any
	switch {
	case p.fts && len([]rune(term)) >= 3:
		q, arg = `SELECT count(*) FROM t WHERE t MATCH ?`, col+` : "`+strings.ReplaceAll(term, `"`, `""`)+`"`
	default:
		q, arg = `SELECT count(*) FROM t WHERE `+col+` LIKE ?`, "%"+term+"%"
	}
	var n int
	err := p.db.QueryRow(q, arg).Scan(&n)
	return n, err
}

func (p *sqlitePeer) Close() error { return p.db.Close() }
