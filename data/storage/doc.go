// Package storage is SalesDesk's store: one bbolt file per team, read and written through Store, and
// Session, the Store bound to a signed-in member, which implements data.Service and applies the
// roles on every call. It is the only package that imports bbolt or storm, so that nothing else can
// reach the team's records without passing the session's checks (issue 11); office mode's server
// will hold a Session per connection. Besides the file itself it keeps what is built from it in
// memory (the list rows, the search index, the ledger of deals), the audit trail with its hash
// chain, migrations, backups, compaction, checks and salvage, imports and exports, and the demo.
package storage
