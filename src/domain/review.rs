//! The rules of reviewing a call, kept apart from any screen or store so that every way of
//! reaching a call (the Review list, its detail, a filter, the customer's history, an
//! export) applies the same ones:
//!
//! - **Blind review.** A lead does not see the agent's road of a call until the lead has
//!   saved a road of their own for it. In blind review the lead's first road is saved the
//!   moment it is chosen (the *blind pick*), before anything about the agent's road is
//!   shown; only then is the agent's road revealed and, if it differs, the reason asked for.
//!   A prompt that appeared only when the roads differed would itself reveal the agent's
//!   road, and a lead could probe road after road until the prompt stayed away.
//! - **No reviewing your own calls.** A lead who took a call cannot review it: it would
//!   count as agreement with themselves.
//! - **A different road needs a reason.** Outside the blind pick, a lead's road other than
//!   the agent's is refused without a reason. A blind pick that differs is saved with the
//!   reason still owed (`reason_owed`), and the lead is asked for it at once.

use serde::{Deserialize, Serialize};

use super::Id;
use super::call::{Call, Review, Role};
use super::hlc::Hlc;
use super::ops::OpId;
use super::road::Road;

/// One lead's review of a call (SPEC §12: a review is its own record per call and lead).
/// A call shows the latest of its leads' reviews (`Call::review`); the others stay here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeadReview {
    pub call: Id,
    pub review: Review,
    /// The operation that made the review: what the agent's acknowledgement names. `None`
    /// until an operation covers it (a store from before operations, a restore).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<OpId>,
    /// That operation's stamp: the latest stamp is the review the call shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Hlc>,
}

/// A call's reviews, the one it shows first, then the others latest first (by stamp, then
/// by when they were made).
pub fn latest_first(shown: Option<&Review>, reviews: &[LeadReview]) -> Vec<LeadReview> {
    let mut list = reviews.to_vec();
    list.sort_by(|a, b| {
        let is_shown = |r: &LeadReview| shown.is_some_and(|s| s.lead == r.review.lead);
        is_shown(b)
            .cmp(&is_shown(a))
            .then(b.stamp.cmp(&a.stamp))
            .then(b.review.at.cmp(&a.review.at))
            .then(a.review.lead.cmp(&b.review.lead))
    });
    list
}

/// Who is looking at a call.
#[derive(Clone, Copy, Debug)]
pub struct Viewer<'a> {
    pub name: &'a str,
    pub role: Role,
    /// Blind review is on (config `blind_review`).
    pub blind: bool,
}

impl Viewer<'_> {
    /// Whether the agent's road of `call` is hidden from this viewer.
    pub fn hides_agent_road(&self, call: &Call) -> bool {
        self.blind && self.role == Role::Lead && call.agent != self.name && !self.has_reviewed(call)
    }

    /// Whether this viewer has saved a road of their own for `call`.
    pub fn has_reviewed(&self, call: &Call) -> bool {
        call.review.as_ref().is_some_and(|r| r.lead == self.name)
    }

    /// As `hides_agent_road`, knowing every lead who has reviewed the call (a lead whose
    /// review a later one from another lead replaced has still chosen a road).
    pub fn hides_agent_road_among<'r>(
        &self,
        call: &Call,
        leads: impl IntoIterator<Item = &'r str>,
    ) -> bool {
        self.hides_agent_road(call) && !leads.into_iter().any(|lead| lead == self.name)
    }
}

/// Why a review cannot be saved, in words for the lead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReviewRefusal {
    #[error("this call is still going on; review it once it has been wrapped up")]
    CallOpen,
    #[error("you took this call yourself; another lead reviews it")]
    OwnCall,
    #[error("your road differs from the agent's, so a reason is required")]
    ReasonRequired,
    #[error("only a team lead can review calls")]
    NotLead,
}

/// Whether `lead` may save `road` with `comment` for `call`. `blind_pick` is the first road
/// a lead chooses while the agent's road is hidden from them: it may differ without a
/// reason, because the reason can only be asked once the agent's road has been shown.
pub fn check_review(
    call: &Call,
    lead: &str,
    role: Role,
    road: Road,
    comment: &str,
    blind_pick: bool,
) -> Result<(), ReviewRefusal> {
    if role != Role::Lead {
        return Err(ReviewRefusal::NotLead);
    }
    if call.is_open() {
        return Err(ReviewRefusal::CallOpen);
    }
    if call.agent == lead {
        return Err(ReviewRefusal::OwnCall);
    }
    let first_pick = blind_pick && call.review.as_ref().is_none_or(|r| r.lead != lead);
    if call.road != Some(road) && comment.trim().is_empty() && !first_pick {
        return Err(ReviewRefusal::ReasonRequired);
    }
    Ok(())
}

/// The call with its shown review acknowledged by `who` at `at`, or why it cannot be:
/// only the agent who took the call acknowledges, a review that exists, and only once
/// (a newer review from another lead is unread again and can be acknowledged anew).
pub fn acknowledge(call: &Call, who: &str, at: jiff::Timestamp) -> Result<Call, &'static str> {
    if call.agent != who {
        return Err("only the agent who took the call can acknowledge its review");
    }
    let mut new = call.clone();
    let Some(review) = &mut new.review else {
        return Err("this call has not been reviewed yet");
    };
    if review.acknowledged_at.is_some() {
        return Err("you have already acknowledged this review");
    }
    review.acknowledged_at = Some(at);
    Ok(new)
}

/// The review a change to a call leaves on it. Only a lead's change may set one; an
/// agent's change (an outcome, a sentiment, their road) keeps the stored review, since the
/// agent's copy of the call may be older than a review made since, here or by sync.
pub fn after_change(role: Role, stored: Option<&Review>, sent: Option<&Review>) -> Option<Review> {
    match role {
        Role::Lead => sent.cloned(),
        Role::Agent => stored.cloned(),
    }
}

/// A review whose road differs from the agent's and whose reason has not been given yet
/// (a blind pick the lead has not explained).
pub fn reason_owed(call: &Call) -> bool {
    call.review
        .as_ref()
        .is_some_and(|r| Some(r.road) != call.road && r.comment.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CallReason, Review, new_id};

    fn finished(agent: &str, road: Road) -> Call {
        let at: jiff::Timestamp = "2026-11-20T10:00:00Z".parse().unwrap();
        let mut call = Call::new(new_id(), agent, CallReason::Inbound, at);
        call.road = Some(road);
        call.ended_at = Some(at);
        call
    }

    fn reviewed(mut call: Call, lead: &str, road: Road, comment: &str) -> Call {
        call.review = Some(Review {
            lead: lead.into(),
            road,
            comment: comment.into(),
            at: call.started_at,
            acknowledged_at: None,
        });
        call
    }

    #[test]
    fn only_the_calls_agent_acknowledges_a_review_once() {
        let at: jiff::Timestamp = "2026-11-21T09:00:00Z".parse().unwrap();
        let call = finished("Priya", Road::Care);
        assert_eq!(
            acknowledge(&call, "Priya", at),
            Err("this call has not been reviewed yet")
        );
        let call = reviewed(call, "Jordan", Road::Teach, "showed how");
        assert_eq!(
            acknowledge(&call, "Sam", at),
            Err("only the agent who took the call can acknowledge its review")
        );
        assert_eq!(
            acknowledge(&call, "Jordan", at),
            Err("only the agent who took the call can acknowledge its review"),
            "not the lead either"
        );
        let read = acknowledge(&call, "Priya", at).unwrap();
        assert_eq!(read.review.as_ref().unwrap().acknowledged_at, Some(at));
        assert_eq!(
            acknowledge(&read, "Priya", at),
            Err("you have already acknowledged this review")
        );
        // Another lead's newer review is unread again.
        let newer = reviewed(read, "Dana", Road::Learn, "asked well");
        assert!(acknowledge(&newer, "Priya", at).is_ok());
    }

    #[test]
    fn a_lead_sees_the_agents_road_only_after_saving_their_own() {
        let lead = Viewer {
            name: "Jordan",
            role: Role::Lead,
            blind: true,
        };
        let call = finished("Sam", Road::Care);
        assert!(lead.hides_agent_road(&call));
        // Another lead's review does not reveal it to this one.
        let by_other = reviewed(call.clone(), "Dana", Road::Care, "");
        assert!(lead.hides_agent_road(&by_other));
        let by_me = reviewed(call.clone(), "Jordan", Road::Teach, "");
        assert!(!lead.hides_agent_road(&by_me));
        // Agents, the lead's own calls, and blind review off: nothing hidden.
        let agent = Viewer {
            name: "Sam",
            role: Role::Agent,
            blind: true,
        };
        assert!(!agent.hides_agent_road(&call));
        assert!(!lead.hides_agent_road(&finished("Jordan", Road::Care)));
        let open = Viewer {
            blind: false,
            ..lead
        };
        assert!(!open.hides_agent_road(&call));
    }

    #[test]
    fn the_review_rules_refuse_own_calls_agents_open_calls_and_missing_reasons() {
        let call = finished("Sam", Road::Care);
        let check = |call: &Call, lead: &str, role, road, comment: &str, blind| {
            check_review(call, lead, role, road, comment, blind)
        };
        assert_eq!(
            check(&call, "Sam", Role::Lead, Road::Care, "", false),
            Err(ReviewRefusal::OwnCall)
        );
        assert_eq!(
            check(&call, "Kim", Role::Agent, Road::Care, "", false),
            Err(ReviewRefusal::NotLead)
        );
        let mut open = call.clone();
        open.ended_at = None;
        assert_eq!(
            check(&open, "Jordan", Role::Lead, Road::Care, "", false),
            Err(ReviewRefusal::CallOpen)
        );
        assert_eq!(
            check(&call, "Jordan", Role::Lead, Road::Teach, " ", false),
            Err(ReviewRefusal::ReasonRequired)
        );
        assert_eq!(
            check(&call, "Jordan", Role::Lead, Road::Care, "", false),
            Ok(())
        );
        // The blind pick may differ without a reason, once; a second pick may not.
        assert_eq!(
            check(&call, "Jordan", Role::Lead, Road::Teach, "", true),
            Ok(())
        );
        let picked = reviewed(call, "Jordan", Road::Teach, "");
        assert!(reason_owed(&picked));
        assert_eq!(
            check(&picked, "Jordan", Role::Lead, Road::Learn, "", true),
            Err(ReviewRefusal::ReasonRequired)
        );
        assert!(!reason_owed(&reviewed(
            finished("Sam", Road::Care),
            "Jordan",
            Road::Teach,
            "missed the refund"
        )));
    }

    #[test]
    fn a_lead_whose_review_another_replaced_still_sees_the_agents_road() {
        let lead = Viewer {
            name: "Jordan",
            role: Role::Lead,
            blind: true,
        };
        let shown_by_dana = reviewed(finished("Sam", Road::Care), "Dana", Road::Teach, "why");
        assert!(lead.hides_agent_road(&shown_by_dana));
        assert!(!lead.hides_agent_road_among(&shown_by_dana, ["Dana", "Jordan"]));
        assert!(lead.hides_agent_road_among(&shown_by_dana, ["Dana", "Lee"]));
        assert!(lead.hides_agent_road_among(&shown_by_dana, []));
    }

    #[test]
    fn the_review_shown_comes_first_then_the_others_latest_first() {
        let call = reviewed(finished("Sam", Road::Care), "Lee", Road::Care, "");
        let at = call.started_at;
        let lead_review = |lead: &str, minutes: i64, millis: Option<u64>| LeadReview {
            call: call.id,
            review: Review {
                lead: lead.into(),
                road: Road::Care,
                comment: String::new(),
                at: at + jiff::SignedDuration::from_mins(minutes),
                acknowledged_at: None,
            },
            op: None,
            stamp: millis.map(|millis| Hlc {
                millis,
                counter: 0,
                node: Id::nil(),
            }),
        };
        let list = [
            lead_review("Ann", 5, Some(10)),
            lead_review("Bo", 1, Some(30)),
            lead_review("Lee", 0, Some(20)),
            lead_review("Cy", 9, None),
        ];
        let order: Vec<String> = latest_first(call.review.as_ref(), &list)
            .into_iter()
            .map(|r| r.review.lead)
            .collect();
        assert_eq!(order, ["Lee", "Bo", "Ann", "Cy"]);
        // Without stamps (a restored store), by when each was made.
        let unstamped: Vec<LeadReview> = list
            .iter()
            .map(|r| LeadReview {
                stamp: None,
                ..r.clone()
            })
            .collect();
        let order: Vec<String> = latest_first(None, &unstamped)
            .into_iter()
            .map(|r| r.review.lead)
            .collect();
        assert_eq!(order, ["Cy", "Ann", "Bo", "Lee"]);
    }

    #[test]
    fn only_a_leads_change_sets_the_review() {
        let at: jiff::Timestamp = "2026-11-20T10:00:00Z".parse().unwrap();
        let stored = Review {
            lead: "Jordan".into(),
            road: Road::Care,
            comment: "care first".into(),
            at,
            acknowledged_at: None,
        };
        let older = Review {
            road: Road::Learn,
            ..stored.clone()
        };
        for sent in [None, Some(&older)] {
            assert_eq!(
                after_change(Role::Agent, Some(&stored), sent),
                Some(stored.clone())
            );
            assert_eq!(after_change(Role::Agent, None, sent), None);
        }
        assert_eq!(
            after_change(Role::Lead, Some(&stored), Some(&older)),
            Some(older.clone())
        );
    }
}
