package storage

import (
	"math/rand/v2"
	"salesdesk/data"
	"time"
)

// The demo's pipeline: deals on about half the customers over the same two years, in every stage,
// won and lost, each with the stage history that brought it there.

var demoDealTitles = []string{
	"年度采购框架协议", "ERP 系统升级", "生产线设备更新", "软件许可续费", "售后服务包", "新品试用订单",
	"区域代理合作", "仓储系统改造", "办公设备集采", "定制化开发项目", "备件年度供货", "培训与实施服务",
}

// demoOpenDealDays is how far back most of the demo's open deals were made.
const demoOpenDealDays = 120

var demoCompetitors = []string{"华信科技", "远航软件", "恒通设备", "东方智造", "本地小厂"}

// demoDeals draws the deals of one batch of customers, whose ids the store just gave them.
func demoDeals(r *rand.Rand, cards []NewCard, ids []uint64, reps []data.Member, stages []data.StageDef, now time.Time) []data.NewOpportunity {
	today := data.DateOf(now)
	var open []data.StageDef
	var won, lost data.StageDef
	for _, s := range stages {
		switch s.Kind {
		case data.StageOpen:
			open = append(open, s)
		case data.StageWon:
			won = s
		case data.StageLost:
			lost = s
		}
	}
	lead := stages[0]
	var out []data.NewOpportunity
	for i := range cards {
		c := &cards[i].Customer
		n := 0
		switch {
		case c.Status == data.StatusCustomer:
			n = 1 + r.IntN(3)
		case c.Status == data.StatusInterested:
			n = r.IntN(3)
		case r.Float64() < 0.25:
			n = 1
		}
		span := int(today.Sub(data.DateOf(c.CreatedAt)).Hours() / 24)
		for range n {
			if span < 1 {
				break
			}
			ago := r.IntN(span + 1)
			created := today.AddDate(0, 0, -ago)
			amount := data.AmountFromYuan(int64(10+r.IntN(80)) * 5_000)
			owner := c.OwnerID
			if owner == 0 {
				owner = reps[r.IntN(len(reps))].ID
			}
			o := data.Opportunity{CustomerID: ids[i], Title: demoDealTitles[r.IntN(len(demoDealTitles))], Source: c.Source,
				Amount: amount, OwnerID: owner, CreatedAt: created, CreatedBy: owner,
				Scores: data.LeadScores{Budget: 4 + r.IntN(12), Urgency: 3 + r.IntN(13), Authority: 3 + r.IntN(13)},
				Risk:   data.Risk{Level: []data.Level{data.LevelLow, data.LevelMedium, data.LevelHigh}[r.IntN(3)]}}
			// The final place: old deals are mostly closed, recent ones mostly open.
			steps := 0
			outcome := "open"
			switch p := r.Float64(); {
			case ago > 90 && p < 0.35:
				outcome, steps = "won", len(open)
			case ago > 60 && p < 0.7:
				outcome, steps = "lost", r.IntN(len(open)+1)
			default:
				steps = r.IntN(len(open) + 1)
			}
			// Open deals are recent: an open deal made two years ago would stand idle on the demo's first
			// day.
			if outcome == "open" && ago > demoOpenDealDays {
				ago %= demoOpenDealDays
				created = today.AddDate(0, 0, -ago)
				o.CreatedAt = created
			}
			if steps > 0 || outcome == "won" {
				// A deal that left the lead column qualified, or a manager let it through.
				o.Scores = data.LeadScores{Budget: 10 + r.IntN(6), Urgency: 8 + r.IntN(8), Authority: 7 + r.IntN(9)}
			}
			hist := []data.StageChange{{At: created, To: lead.Key, By: owner}}
			at, stage := created, lead.Key
			move := func(to string) {
				gap := 3 + r.IntN(25)
				next := at.AddDate(0, 0, gap)
				if next.After(today) {
					next = today
				}
				hist = append(hist, data.StageChange{At: next, From: stage, To: to, By: owner})
				at, stage = next, to
			}
			for s := 0; s < steps; s++ {
				move(open[s].Key)
			}
			switch outcome {
			case "won":
				move(won.Key)
				o.WonDate = at
			case "lost":
				move(lost.Key)
				o.LostReason = data.DefaultLostReasons[r.IntN(len(data.DefaultLostReasons))]
				if o.LostReason == "选择了竞争对手" {
					o.LostTo = demoCompetitors[r.IntN(len(demoCompetitors))]
				}
			}
			o.Stage, o.StageSince, o.LastActivity = stage, at, at
			// Open deals expect to close ahead; closed ones around when they closed.
			if outcome == "open" {
				o.CloseDate = today.AddDate(0, 0, 5+r.IntN(150))
				// Most were worked on in the last days; some sit idle since their last move.
				if r.Float64() < 0.85 {
					if recent := today.AddDate(0, 0, -r.IntN(12)); recent.After(at) {
						o.LastActivity = recent
					}
				}
			} else {
				o.CloseDate = at
			}
			if r.Float64() < 0.5 {
				o.Milestones = []data.Milestone{{Date: created.AddDate(0, 0, 7), Text: "需求确认会", Done: true},
					{Date: o.CloseDate, Text: "合同评审", Done: outcome == "won"}}
			}
			out = append(out, data.NewOpportunity{Opportunity: o, History: hist})
		}
	}
	return out
}
