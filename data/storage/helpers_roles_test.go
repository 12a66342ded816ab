package storage

type outcome int

func (o outcome) String() string {
	return [...]string{"ok", "allowed", "forbidden", "not yours"}[o]
}
