//! The lead's queries on `SledStore`: review pages read an index range newest first and
//! stop after a page (keyset pagination), and reviews, acknowledgements and case changes
//! go through `Tx` with their audit entries. The dashboard is in `dashboard.rs`.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;

use super::records::{daily, read_counter};
use super::*;
use crate::domain::text::first_line;
use crate::domain::{Call, Case, Id};
use crate::store::PageCursor;
use crate::store::reports::{
    CallDetail, CasePage, CaseRow, MatchCount, ReviewPage, ReviewQuery, ReviewRow,
};
use crate::store::{Actor, Store, keys};

/// Most index entries one review page looks at before it returns what it found, so a
/// narrow text search over a million calls still answers quickly and carries on after.
const MAX_EXAMINED: usize = 2_000;

impl SledStore {
    pub(super) fn day_start(&self, day: Date) -> Timestamp {
        day.to_zoned(self.tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn agent_number_of(&self, name: &str) -> StoreResult<Option<u32>> {
        Ok(self
            .tree(T_AGENTS)
            .get(name.as_bytes())?
            .map(|v| read_counter(&v) as u32))
    }

    pub(super) fn agent_names(&self) -> StoreResult<HashMap<u32, String>> {
        let mut names = HashMap::new();
        for item in self.tree(T_AGENTS).iter() {
            let (name, number) = item?;
            names.insert(
                read_counter(&number) as u32,
                String::from_utf8_lossy(&name).into_owned(),
            );
        }
        Ok(names)
    }

    pub(super) fn customer_name(&self, id: Id, cache: &mut HashMap<Id, String>) -> String {
        cache
            .entry(id)
            .or_insert_with(|| match self.customer(id) {
                Ok(Some(customer)) => customer.name,
                _ => "(unknown customer)".into(),
            })
            .clone()
    }

    fn case_row(&self, case: Case) -> StoreResult<CaseRow> {
        let customer = self.customer_name(case.customer_id, &mut HashMap::new());
        let audit = self.audit_for(case.id)?;
        Ok(CaseRow {
            case,
            customer,
            audit,
        })
    }

    pub(super) fn change_case(
        &self,
        case_id: Id,
        change: impl Fn(&Case) -> StoreResult<(Case, crate::domain::call::AuditKind, String, String)>,
        actor: &Actor,
    ) -> StoreResult<CaseRow> {
        let case = self.transaction(|tx| {
            let Some(old) = tx.load::<Case>(T_CASES, case_id)? else {
                return Err(StoreError::Rule(
                    "that case is no longer in the store".into(),
                ));
            };
            let (new, what, from, to) = change(&old)?;
            tx.act_as(actor);
            tx.put_case(Some(&old), &new)?;
            tx.audit(case_id, actor, what, Some(from), Some(to))?;
            Ok(new)
        })?;
        self.flush()?;
        self.case_row(case)
    }
}

/// Whether a call passes the filters that the index range did not already apply.
/// `reviewed_by` says whether a lead has reviewed the call (their review may not be the
/// one it shows).
fn passes(query: &ReviewQuery, call: &Call, reviewed_by: &dyn Fn(&str) -> bool) -> bool {
    if call.is_open() {
        return false;
    }
    let lead_road = call.review.as_ref().map(|r| r.road);
    if query.unreviewed_only && call.review.is_some() {
        return false;
    }
    if (query.reviewed_only || query.disagreements_only) && call.review.is_none() {
        return false;
    }
    if query.disagreements_only && lead_road == call.road {
        return false;
    }
    if let Some(lead) = &query.reviewed_by
        && !reviewed_by(lead)
    {
        return false;
    }
    if query.agent.as_ref().is_some_and(|a| *a != call.agent) {
        return false;
    }
    if query.agent_road.is_some() && query.agent_road != call.road {
        return false;
    }
    if query.lead_road.is_some() && query.lead_road != lead_road {
        return false;
    }
    if let Some(tag) = &query.tag
        && !call.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
    {
        return false;
    }
    true
}

fn contains_words(haystack: &str, words: &str) -> bool {
    let haystack = haystack.to_lowercase();
    words
        .to_lowercase()
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

impl SledStore {
    pub(super) fn review_page_impl(
        &self,
        query: &ReviewQuery,
        after: Option<&PageCursor>,
        limit: usize,
    ) -> StoreResult<ReviewPage> {
        let after = after.map(PageCursor::key);
        let (tree, prefix): (usize, Vec<u8>) = if let Some(agent) = &query.agent {
            let Some(number) = self.agent_number_of(agent)? else {
                return Ok(ReviewPage::default());
            };
            let tree = if query.unreviewed_only {
                T_UNREVIEWED_BY_AGENT
            } else {
                T_CALL_BY_AGENT
            };
            (tree, number.to_be_bytes().to_vec())
        } else if query.unreviewed_only {
            (T_CALL_UNREVIEWED, Vec::new())
        } else if query.disagreements_only {
            (T_DISAGREEMENT, Vec::new())
        } else if let Some(road) = query.agent_road {
            (T_CALL_BY_ROAD, vec![road.number()])
        } else {
            (T_CALL_BY_TIME, Vec::new())
        };
        let lower = keys::join(&[&prefix, &keys::time(self.day_start(query.from))]);
        let end_day = query.to.tomorrow().unwrap_or(query.to);
        let mut upper = keys::join(&[&prefix, &keys::time(self.day_start(end_day))]);
        if let Some(after) = after
            && after < upper.as_slice()
        {
            upper = after.to_vec();
        }
        let mut page = ReviewPage::default();
        if lower >= upper {
            return Ok(page);
        }
        let mut names = HashMap::new();
        let mut examined = 0;
        for item in self.tree(tree).range(lower..upper).rev() {
            let (key, _) = item?;
            examined += 1;
            let full = examined >= MAX_EXAMINED;
            let Some(call_id) = key.get(prefix.len() + 8..).and_then(keys::id_from) else {
                continue;
            };
            let call = match self.call(call_id) {
                Ok(Some(call)) => call,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "skipped a damaged call record");
                    continue;
                }
            };
            page.reached = Some(call.started_at);
            let reviewed_by = |lead: &str| {
                call.review.as_ref().is_some_and(|r| r.lead == lead)
                    || self.review_leads(call.id).iter().any(|l| l == lead)
            };
            let mut keep = passes(query, &call, &reviewed_by);
            if keep && let Some(part) = &query.customer {
                keep = contains_words(&self.customer_name(call.customer_id, &mut names), part);
            }
            let notes = if keep {
                self.notes(call.id).unwrap_or_default()
            } else {
                String::new()
            };
            if keep && let Some(words) = &query.text {
                keep = contains_words(&notes, words);
            }
            if keep {
                page.rows.push(ReviewRow {
                    customer: self.customer_name(call.customer_id, &mut names),
                    first_line: first_line(&notes).to_string(),
                    notes_start: crate::store::reports::notes_start(&notes),
                    leads: self.review_leads(call.id),
                    call,
                });
            }
            if page.rows.len() >= limit || full {
                page.next = Some(PageCursor::at(key.to_vec()));
                break;
            }
        }
        Ok(page)
    }

    pub(super) fn call_detail_impl(&self, call_id: Id) -> StoreResult<Option<CallDetail>> {
        let Some(call) = self.call(call_id)? else {
            return Ok(None);
        };
        Ok(Some(CallDetail {
            customer: self.customer(call.customer_id)?,
            notes: self.notes(call_id)?,
            audit: self.audit_for(call_id)?,
            reviews: self.lead_reviews(&call)?,
            call,
        }))
    }

    pub(super) fn open_cases_impl(
        &self,
        after: Option<&PageCursor>,
        limit: usize,
    ) -> StoreResult<CasePage> {
        let after = after.map(PageCursor::key);
        let mut page = CasePage::default();
        let range = match after {
            Some(after) => self
                .tree(T_OPEN_CASE_BY_DUE)
                .range::<&[u8], _>((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded)),
            None => self.tree(T_OPEN_CASE_BY_DUE).range::<&[u8], _>(..),
        };
        for item in range {
            let (key, _) = item?;
            let Some(case_id) = key.get(4..).and_then(keys::id_from) else {
                continue;
            };
            match self.load::<Case>(T_CASES, case_id) {
                Ok(Some(case)) => page.rows.push(self.case_row(case)?),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "skipped a damaged case record"),
            }
            if page.rows.len() >= limit {
                page.next = Some(PageCursor::at(key.to_vec()));
                break;
            }
        }
        Ok(page)
    }

    pub(super) fn set_case_due_impl(
        &self,
        case_id: Id,
        due: Date,
        actor: &Actor,
    ) -> StoreResult<CaseRow> {
        self.change_case(
            case_id,
            |old| {
                let new = crate::domain::case::move_due(old, due)
                    .map_err(|refusal| StoreError::Rule(refusal.into()))?;
                Ok((
                    new,
                    crate::domain::call::AuditKind::CaseDue,
                    old.due.to_string(),
                    due.to_string(),
                ))
            },
            actor,
        )
    }

    pub(super) fn close_case_impl(
        &self,
        case_id: Id,
        note: &str,
        actor: &Actor,
    ) -> StoreResult<CaseRow> {
        let mut actor = actor.clone();
        actor.reason = note.trim().to_string();
        self.change_case(
            case_id,
            |old| {
                let new = crate::domain::case::close(old, note, actor.at)
                    .map_err(|refusal| StoreError::Rule(refusal.into()))?;
                Ok((
                    new,
                    crate::domain::call::AuditKind::Case,
                    "open".into(),
                    "closed".into(),
                ))
            },
            &actor,
        )
    }

    pub(super) fn reopen_case_impl(&self, case_id: Id, actor: &Actor) -> StoreResult<CaseRow> {
        self.change_case(
            case_id,
            |old| {
                let new = crate::domain::case::reopen(old)
                    .map_err(|refusal| StoreError::Rule(refusal.into()))?;
                Ok((
                    new,
                    crate::domain::call::AuditKind::Case,
                    "closed".into(),
                    "open".into(),
                ))
            },
            actor,
        )
    }

    pub(super) fn agents_impl(&self) -> StoreResult<Vec<String>> {
        let mut names: Vec<String> = self.agent_names()?.into_values().collect();
        names.sort();
        Ok(names)
    }
}

impl SledStore {
    /// See `Store::count_review_matches`. The walk calls `review_page_impl` itself, so the
    /// count can never disagree with what the list shows, and one stretch costs what one
    /// page of a narrow search does (at most `MAX_EXAMINED` index entries): other work on
    /// the worker thread waits for no more than that.
    pub(super) fn count_review_matches_impl(
        &self,
        query: &ReviewQuery,
        after: Option<&PageCursor>,
    ) -> StoreResult<MatchCount> {
        if after.is_none()
            && let Some(matches) = self.count_from_tallies(query)?
        {
            return Ok(MatchCount {
                matches,
                next: None,
            });
        }
        let page = self.review_page_impl(query, after, usize::MAX)?;
        Ok(MatchCount {
            matches: page.rows.len() as u64,
            next: page.next,
        })
    }

    /// The count from the daily tallies of finished and reviewed calls (by day, agent and
    /// roads), or `None` when a filter needs the calls themselves (customer, tag, words)
    /// or the store holds finished calls without a road (which no tally counts).
    fn count_from_tallies(&self, query: &ReviewQuery) -> StoreResult<Option<u64>> {
        // The tallies know no reviewer: a lead's blind agent's-road filter (only the
        // calls they reviewed) is counted by walking, or the count would reveal how many
        // hidden calls have that road.
        if query.customer.is_some()
            || query.tag.is_some()
            || query.text.is_some()
            || query.reviewed_by.is_some()
        {
            return Ok(None);
        }
        if query.from > query.to {
            return Ok(Some(0));
        }
        let counters = self.counters()?;
        let finished = counters.calls.saturating_sub(counters.open_calls);
        if finished != counters.by_road.iter().sum::<u64>() {
            return Ok(None);
        }
        let agent = match &query.agent {
            Some(name) => match self.agent_number_of(name)? {
                Some(number) => Some(number.to_be_bytes()),
                None => return Ok(Some(0)),
            },
            None => None,
        };
        let agent_ok = |detail: &[u8]| agent.is_none_or(|a| detail.get(..4) == Some(&a[..]));
        let road_ok = |road: Option<u8>| {
            query
                .agent_road
                .is_none_or(|wanted| Some(wanted.number()) == road)
        };
        let reviewed_only =
            query.reviewed_only || query.disagreements_only || query.lead_road.is_some();
        if reviewed_only && query.unreviewed_only {
            return Ok(Some(0));
        }
        let mut reviewed = 0u64;
        self.each_daily(daily::REVIEW, query.from, query.to, |detail, n| {
            let (agent_road, lead_road) = (detail.get(4).copied(), detail.get(5).copied());
            if agent_ok(detail)
                && road_ok(agent_road)
                && query
                    .lead_road
                    .is_none_or(|wanted| Some(wanted.number()) == lead_road)
                && !(query.disagreements_only && agent_road == lead_road)
            {
                reviewed += n.max(0) as u64;
            }
        })?;
        if reviewed_only {
            return Ok(Some(reviewed));
        }
        let mut finished = 0u64;
        self.each_daily(daily::ROAD, query.from, query.to, |detail, n| {
            if agent_ok(detail) && road_ok(detail.get(4).copied()) {
                finished += n.max(0) as u64;
            }
        })?;
        Ok(Some(if query.unreviewed_only {
            finished.saturating_sub(reviewed)
        } else {
            finished
        }))
    }
}
