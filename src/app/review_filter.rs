//! The Review list's filters: what a lead sets with single keys (period, agent, road,
//! unreviewed, disagreements) and with the `/` filter line (tags, customer, agent, dates,
//! words in the notes); shown back in words above the list.

use jiff::civil::Date;

use crate::domain::{Period, Road};
use crate::store::ReviewQuery;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoadFilter {
    Any,
    Agent(Road),
    Lead(Road),
}

impl RoadFilter {
    /// Any → agent's road 1…4 → lead's road 1…4 → any.
    pub fn next(self) -> RoadFilter {
        let after = |road: Road| Road::from_number(road.number() + 1);
        match self {
            RoadFilter::Any => RoadFilter::Agent(Road::Learn),
            RoadFilter::Agent(road) => {
                after(road).map_or(RoadFilter::Lead(Road::Learn), RoadFilter::Agent)
            }
            RoadFilter::Lead(road) => after(road).map_or(RoadFilter::Any, RoadFilter::Lead),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReviewFilters {
    pub period: Period,
    pub agent: Option<String>,
    pub road: RoadFilter,
    pub unreviewed_only: bool,
    pub disagreements_only: bool,
    pub customer: Option<String>,
    pub tag: Option<String>,
    pub text: Option<String>,
    /// The lead whose blind review limits the agent's-road filter to the calls they have
    /// reviewed (`None` for agents and when blind review is off).
    pub blind_lead: Option<String>,
}

impl Default for ReviewFilters {
    fn default() -> Self {
        ReviewFilters {
            period: Period::Last30Days,
            agent: None,
            road: RoadFilter::Any,
            unreviewed_only: true,
            disagreements_only: false,
            customer: None,
            tag: None,
            text: None,
            blind_lead: None,
        }
    }
}

impl ReviewFilters {
    /// Flips "unreviewed only" (or "disagreements only"); the two exclude each other.
    pub fn toggle_reviewed_state(&mut self, disagreements: bool) {
        let (flipped, other) = if disagreements {
            (&mut self.disagreements_only, &mut self.unreviewed_only)
        } else {
            (&mut self.unreviewed_only, &mut self.disagreements_only)
        };
        *flipped = !*flipped;
        if *flipped {
            *other = false;
        }
    }

    pub fn query(&self, today: Date) -> ReviewQuery {
        let (from, to) = self.period.range(today);
        let (agent_road, lead_road) = match self.road {
            RoadFilter::Any => (None, None),
            RoadFilter::Agent(road) => (Some(road), None),
            RoadFilter::Lead(road) => (None, Some(road)),
        };
        let reviewed_by = agent_road.and(self.blind_lead.clone());
        ReviewQuery {
            agent: self.agent.clone(),
            agent_road,
            lead_road,
            unreviewed_only: self.unreviewed_only && reviewed_by.is_none(),
            reviewed_by,
            disagreements_only: self.disagreements_only,
            customer: self.customer.clone(),
            tag: self.tag.clone(),
            text: self.text.clone(),
            ..ReviewQuery::period(from, to)
        }
    }

    /// Whether the agent's-road filter is limited to the calls this lead reviewed.
    fn road_filter_blind(&self) -> bool {
        matches!(self.road, RoadFilter::Agent(_)) && self.blind_lead.is_some()
    }

    /// The active filters in words: "unreviewed · last 30 days (…) · all agents · any road".
    pub fn describe(&self, today: Date) -> String {
        let mut parts = Vec::new();
        if self.unreviewed_only && !self.road_filter_blind() {
            parts.push("unreviewed".to_string());
        }
        if self.disagreements_only {
            parts.push("disagreements".to_string());
        }
        if parts.is_empty() {
            parts.push("all calls".to_string());
        }
        parts.push(self.period.describe(today));
        parts.push(match &self.agent {
            Some(agent) => format!("agent {agent}"),
            None => "all agents".into(),
        });
        parts.push(match self.road {
            RoadFilter::Any => "any road".into(),
            RoadFilter::Agent(road) if self.blind_lead.is_some() => {
                format!("agent's road {road} (calls you reviewed)")
            }
            RoadFilter::Agent(road) => format!("agent's road {road}"),
            RoadFilter::Lead(road) => format!("lead's road {road}"),
        });
        if let Some(customer) = &self.customer {
            parts.push(format!("customer \"{customer}\""));
        }
        if let Some(tag) = &self.tag {
            parts.push(format!("#{tag}"));
        }
        if let Some(text) = &self.text {
            parts.push(format!("notes with \"{text}\""));
        }
        parts.join(" · ")
    }

    /// What the `/` filter line starts with: the current text filters in its syntax.
    pub fn filter_line(&self) -> String {
        let mut parts = Vec::new();
        if let Period::Custom { from, to } = self.period {
            parts.push(format!("from:{from} to:{to}"));
        }
        if let Some(customer) = &self.customer {
            parts.push(format!("customer:{}", customer.replace(' ', "_")));
        }
        if let Some(tag) = &self.tag {
            parts.push(format!("#{tag}"));
        }
        if let Some(text) = &self.text {
            parts.push(text.clone());
        }
        parts.join(" ")
    }

    /// Applies a filter line: `#tag`, `customer:name`, `agent:name`, `from:YYYY-MM-DD`,
    /// `to:YYYY-MM-DD`, and any other words must appear in the notes. `agents` are the
    /// known agent names (`agent:` matches part of one). Nothing changes on an error.
    pub fn apply_line(&mut self, line: &str, agents: &[String], today: Date) -> Result<(), String> {
        let mut next = self.clone();
        next.customer = None;
        next.tag = None;
        next.text = None;
        if matches!(next.period, Period::Custom { .. }) {
            next.period = Period::Last30Days;
        }
        let (mut from, mut to) = (None, None);
        let mut words = Vec::new();
        for token in line.split_whitespace() {
            let date = |text: &str| {
                text.parse::<Date>()
                    .map_err(|_| format!("\"{text}\" is not a date; write it as YYYY-MM-DD"))
            };
            if let Some(tag) = token.strip_prefix('#').filter(|t| !t.is_empty()) {
                next.tag = Some(tag.to_lowercase());
            } else if let Some(name) = token.strip_prefix("customer:") {
                next.customer = Some(name.replace('_', " "));
            } else if let Some(name) = token.strip_prefix("agent:") {
                let wanted = name.replace('_', " ").to_lowercase();
                let found = agents
                    .iter()
                    .find(|a| a.to_lowercase().contains(&wanted))
                    .ok_or_else(|| format!("no agent's name contains \"{name}\""))?;
                next.agent = Some(found.clone());
            } else if let Some(text) = token.strip_prefix("from:") {
                from = Some(date(text)?);
            } else if let Some(text) = token.strip_prefix("to:") {
                to = Some(date(text)?);
            } else {
                words.push(token);
            }
        }
        if from.is_some() || to.is_some() {
            next.period = Period::Custom {
                from: from.unwrap_or(crate::domain::period::beginning()),
                to: to.unwrap_or(today),
            };
        }
        if !words.is_empty() {
            next.text = Some(words.join(" "));
        }
        *self = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_filter_line_sets_tags_customer_agent_dates_and_words() {
        let mut filters = ReviewFilters::default();
        let agents = vec!["Marco Bellini".to_string(), "Priya Shah".to_string()];
        filters
            .apply_line(
                "#Billing customer:ann_lee agent:marco from:2026-11-01 to:2026-11-15 refund late",
                &agents,
                date(2026, 11, 20),
            )
            .unwrap();
        assert_eq!(filters.tag.as_deref(), Some("billing"));
        assert_eq!(filters.customer.as_deref(), Some("ann lee"));
        assert_eq!(filters.agent.as_deref(), Some("Marco Bellini"));
        assert_eq!(filters.text.as_deref(), Some("refund late"));
        assert_eq!(
            filters.period.range(date(2026, 11, 20)),
            (date(2026, 11, 1), date(2026, 11, 15))
        );
        assert_eq!(
            filters.describe(date(2026, 11, 20)),
            "unreviewed · from–to (1–15 Nov 2026) · agent Marco Bellini · any road · customer \"ann lee\" · #billing · notes with \"refund late\""
        );
        assert_eq!(
            filters.filter_line(),
            "from:2026-11-01 to:2026-11-15 customer:ann_lee #billing refund late"
        );
    }

    #[test]
    fn a_bad_filter_line_changes_nothing() {
        let mut filters = ReviewFilters::default();
        let before = filters.clone();
        let error = filters
            .apply_line("from:yesterday", &[], date(2026, 11, 20))
            .unwrap_err();
        assert!(error.contains("YYYY-MM-DD"));
        assert!(
            filters
                .apply_line("agent:nobody", &[], date(2026, 11, 20))
                .is_err()
        );
        assert_eq!(filters, before);
    }

    #[test]
    fn the_road_filter_cycles_through_both_roads() {
        let mut road = RoadFilter::Any;
        let mut seen = Vec::new();
        for _ in 0..9 {
            road = road.next();
            seen.push(road);
        }
        assert_eq!(seen[0], RoadFilter::Agent(Road::Learn));
        assert_eq!(seen[4], RoadFilter::Lead(Road::Learn));
        assert_eq!(seen[8], RoadFilter::Any);
    }
}
