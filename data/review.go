package data

import (
	"time"
)

// Review is one review of a card: who looked at it and when.
type Review struct {
	At time.Time `json:"at" msgpack:"t"`
	By uint64    `json:"by" msgpack:"b"`
}

// RepReview is one rep's line of the manager's weekly review.
type RepReview struct {
	Member           Member    `json:"member"`
	Cards            int       `json:"cards"`              // active cards owned
	Due              int       `json:"due"`                // due for review by their grade's cadence
	ReviewedThisWeek int       `json:"reviewed_this_week"` // reviewed since Monday
	LastActivity     time.Time `json:"last_activity"`      // the latest follow-up on their cards
	OverdueFollowUps int       `json:"overdue_follow_ups"` // planned follow-ups past their date
	IdleDeals        int       `json:"idle_deals"`         // open deals idle longer than their stage allows
}
