package data

// HandoverRequest moves a rep's customers, with their open deals and planned follow-ups, to another
// rep or (To 0) to the pool. An empty Customers list means every active card of From.
type HandoverRequest struct {
	From      uint64   `json:"from"`
	To        uint64   `json:"to"`
	Customers []uint64 `json:"customers,omitempty"`
	Reason    string   `json:"reason,omitempty"`
}

// HandoverCounts are what a handover moves (the preview) or moved (the result).
type HandoverCounts struct {
	Customers int `json:"customers"`
	OpenDeals int `json:"open_deals"`
	// Planned counts the planned next follow-ups and the actions awaiting their result on those
	// cards: they belong to the card and go with it.
	Planned int `json:"planned"`
}
