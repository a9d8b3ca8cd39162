//! The Dashboard's figures on `SledStore`: per-day tallies summed over the period (road
//! mix, agreement, tags, customer events), open cases aged from their index, and the
//! latest stories from the newest calls. Nothing here reads every call.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;

use super::records::{daily, daily_key, read_counter};
use super::*;
use crate::domain::stats::{AGE_BUCKETS, CustomerEvent, age_bucket};
use crate::domain::text::extract_stories;
use crate::domain::{Road, period};
use crate::store::reports::{AgentFigures, Dashboard, Story};
use crate::store::{Store, keys};

/// Calls the dashboard reads, newest first, looking for the latest stories.
const STORY_CALLS: usize = 300;
const STORIES: usize = 6;
const TOP_TAGS: usize = 8;
const SPARK_WEEKS: usize = 12;

impl SledStore {
    /// Sums the daily tallies of `kind` from `from` to `to` (inclusive), by detail.
    pub(super) fn daily_sums(
        &self,
        kind: u8,
        from: Date,
        to: Date,
    ) -> StoreResult<BTreeMap<Vec<u8>, i64>> {
        let mut sums = BTreeMap::new();
        self.each_daily(kind, from, to, |detail, n| {
            *sums.entry(detail.to_vec()).or_default() += n;
        })?;
        Ok(sums)
    }

    /// Hands each daily tally of `kind` from `from` to `to` (inclusive) to `f` as
    /// (detail, count), without collecting them.
    pub(super) fn each_daily(
        &self,
        kind: u8,
        from: Date,
        to: Date,
        mut f: impl FnMut(&[u8], i64),
    ) -> StoreResult<()> {
        if from > to {
            return Ok(());
        }
        let lower = daily_key(kind, from, &[]);
        let upper = daily_key(kind, to.tomorrow().unwrap_or(to), &[]);
        for item in self.tree(T_DAILY).range(lower..upper) {
            let (key, value) = item?;
            if let Some(detail) = key.get(5..) {
                f(detail, read_counter(&value));
            }
        }
        Ok(())
    }

    pub(super) fn dashboard_impl(
        &self,
        from: Date,
        to: Date,
        today: Date,
    ) -> StoreResult<Dashboard> {
        let names = self.agent_names()?;
        let agent_of = |detail: &[u8]| -> Option<String> {
            let number = u32::from_be_bytes(detail.get(..4)?.try_into().ok()?);
            names.get(&number).cloned()
        };
        let mut by_agent: BTreeMap<String, AgentFigures> = BTreeMap::new();
        for (detail, count) in self.daily_sums(daily::ROAD, from, to)? {
            let (Some(agent), Some(&road)) = (agent_of(&detail), detail.get(4)) else {
                continue;
            };
            let Some(road) = Road::from_number(road) else {
                continue;
            };
            let figures = by_agent
                .entry(agent.clone())
                .or_insert_with(|| AgentFigures {
                    agent,
                    ..AgentFigures::default()
                });
            figures.roads[usize::from(road.number() - 1)] += count.max(0) as u64;
        }
        for (detail, count) in self.daily_sums(daily::REVIEW, from, to)? {
            let (Some(agent), Some(agent_road), Some(lead_road)) = (
                agent_of(&detail),
                detail.get(4).copied().and_then(Road::from_number),
                detail.get(5).copied().and_then(Road::from_number),
            ) else {
                continue;
            };
            let figures = by_agent
                .entry(agent.clone())
                .or_insert_with(|| AgentFigures {
                    agent,
                    ..AgentFigures::default()
                });
            figures
                .agreement
                .add(agent_road, lead_road, count.max(0) as u64);
        }
        let mut dashboard = Dashboard {
            from: Some(from),
            to: Some(to),
            overall: AgentFigures {
                agent: "Everyone".into(),
                ..AgentFigures::default()
            },
            ..Dashboard::default()
        };
        for figures in by_agent.values() {
            for (total, n) in dashboard.overall.roads.iter_mut().zip(figures.roads) {
                *total += n;
            }
            dashboard.overall.agreement.merge(&figures.agreement);
        }
        dashboard.agents = by_agent.into_values().collect();

        // Weekly road-4 share over the last twelve weeks, whatever the period.
        let weeks = period::last_weeks(today, SPARK_WEEKS);
        if let (Some(first), Some(last)) = (weeks.first(), weeks.last()) {
            let mut buckets = vec![(0u64, 0u64); weeks.len()];
            let lower = daily_key(daily::ROAD, first.0, &[]);
            let upper = daily_key(daily::ROAD, last.1.tomorrow().unwrap_or(last.1), &[]);
            for item in self.tree(T_DAILY).range(lower..upper) {
                let (key, value) = item?;
                let (Some(day), Some(&road)) =
                    (key.get(1..5).and_then(keys::date_from), key.get(9))
                else {
                    continue;
                };
                let week = ((day - first.0).get_days() / 7) as usize;
                if let Some(bucket) = buckets.get_mut(week) {
                    let n = read_counter(&value).max(0) as u64;
                    bucket.1 += n;
                    if road == 4 {
                        bucket.0 += n;
                    }
                }
            }
            dashboard.weekly_road4 = weeks
                .iter()
                .zip(buckets)
                .map(|(week, (road4, all))| (week.0, road4, all))
                .collect();
        }

        // Customer math: S from every event before the period, the rest within it.
        let before = from.yesterday().unwrap_or(from);
        if from > period::beginning() {
            for (detail, count) in self.daily_sums(daily::CUSTOMER, period::beginning(), before)? {
                if let Some(event) = detail.first().copied().and_then(CustomerEvent::from_code) {
                    dashboard.customers.start += event.delta() * count;
                }
            }
        }
        for (detail, count) in self.daily_sums(daily::CUSTOMER, from, to)? {
            if let Some(event) = detail.first().copied().and_then(CustomerEvent::from_code) {
                dashboard.customers.count(event, count);
            }
        }

        // Open cases now, by age, and how many are overdue.
        for item in self.tree(T_OPEN_CASE_BY_OPENED).iter() {
            let (key, _) = item?;
            let Some(opened) = key
                .get(..8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(|b| (u64::from_be_bytes(b) ^ (1 << 63)) as i64)
                .and_then(|ms| Timestamp::from_millisecond(ms).ok())
            else {
                continue;
            };
            let opened_day = opened.to_zoned(self.tz.clone()).date();
            let age = (today - opened_day).get_days() as i64;
            dashboard.case_ages[age_bucket(age).min(AGE_BUCKETS.len() - 1)] += 1;
            dashboard.open_cases += 1;
        }
        dashboard.overdue = self
            .tree(T_OPEN_CASE_BY_DUE)
            .range(..keys::date(today).to_vec())
            .count() as u64;

        dashboard.top_tags = self.top_tags(daily::TAG, from, to)?;
        dashboard.learned_tags = self.top_tags(daily::LEARN_TAG, from, to)?;
        dashboard.stories = self.latest_stories(from, to)?;
        Ok(dashboard)
    }

    fn top_tags(&self, kind: u8, from: Date, to: Date) -> StoreResult<Vec<(String, u64)>> {
        let mut tags: Vec<(String, u64)> = self
            .daily_sums(kind, from, to)?
            .into_iter()
            .map(|(tag, n)| (String::from_utf8_lossy(&tag).into_owned(), n.max(0) as u64))
            .collect();
        tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        tags.truncate(TOP_TAGS);
        Ok(tags)
    }

    fn latest_stories(&self, from: Date, to: Date) -> StoreResult<Vec<Story>> {
        let lower = keys::time(self.day_start(from)).to_vec();
        let upper = keys::time(self.day_start(to.tomorrow().unwrap_or(to))).to_vec();
        let mut stories = Vec::new();
        let mut names = HashMap::new();
        for item in self
            .tree(T_CALL_BY_TIME)
            .range(lower..upper)
            .rev()
            .take(STORY_CALLS)
        {
            let (key, _) = item?;
            let Some(call_id) = key.get(8..).and_then(keys::id_from) else {
                continue;
            };
            let Ok(Some(call)) = self.call(call_id) else {
                continue;
            };
            for text in extract_stories(&self.notes(call_id).unwrap_or_default()) {
                stories.push(Story {
                    text,
                    customer: self.customer_name(call.customer_id, &mut names),
                    road: call.road,
                    at: call.started_at,
                });
                if stories.len() >= STORIES {
                    return Ok(stories);
                }
            }
        }
        Ok(stories)
    }
}
