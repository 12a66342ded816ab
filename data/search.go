package data

// SearchHit says where a search found a card when its name alone does not show why.
type SearchHit struct {
	// Field is "name", "card_no", "tag", "contact", "phone" or "email".
	Field string
	// Value is the field as stored, e.g. the whole phone number.
	Value string
}
