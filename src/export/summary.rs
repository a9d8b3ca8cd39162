//! The data behind each export, read from the store and shaped for the templates:
//! user text as plain strings (the renderer escapes and redacts them), figures the code
//! formats itself marked safe.

use crate::store::PageCursor;
use jiff::civil::Date;
use minijinja::{Value, context};

use super::{ExportError, Templates, safe};
use crate::domain::clock::days_between;
use crate::domain::period::span_text;
use crate::domain::stats::{kappa_text, percent_text};
use crate::domain::text::{extract_stories, first_line};
use crate::domain::{Call, Clock, Id, Road};
use crate::store::{AgentFigures, ReviewQuery, ReviewRow, Store, StoreError, road4_share};

/// What `export summary` covers.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRequest {
    pub from: Date,
    pub to: Date,
    pub agent: Option<String>,
    pub road: Option<Road>,
    /// Add the appendix of every call.
    pub calls: bool,
    /// A lead under blind review exporting from the app: calls whose agent road is
    /// hidden from them are not quoted by road ("what we learned", disagreements), or the
    /// export would reveal it. `None` for the command line and for agents.
    pub blind_lead: Option<String>,
    /// An agent exporting: colleagues' per-person figures (their rows, the lead's
    /// disagreements with them) are for leads, so only this agent's are in it; the
    /// team's totals stay (README, "What a member can read").
    pub own_figures: Option<String>,
}

const PAGE: usize = 1_000;
/// Stories "What we learned" quotes, newest first.
const LEARNED_STORIES: usize = 20;

fn data(e: StoreError) -> ExportError {
    ExportError::Data(e.to_string())
}

/// Every call the query matches, page by page.
fn all_rows(store: &dyn Store, query: &ReviewQuery) -> Result<Vec<ReviewRow>, ExportError> {
    let mut rows = Vec::new();
    let mut cursor: Option<PageCursor> = None;
    loop {
        let page = store
            .review_page(query, cursor.as_ref(), PAGE)
            .map_err(data)?;
        rows.extend(page.rows);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(rows),
        }
    }
}

fn road_text(road: Option<Road>) -> Value {
    safe(road.map_or("none".to_string(), |r| r.label()))
}

fn change_text(now: u64, before: u64) -> Value {
    let delta = now as i64 - before as i64;
    safe(if delta == 0 {
        "±0".to_string()
    } else {
        format!("{delta:+}")
    })
}

fn agent_value(figures: &AgentFigures) -> Value {
    context! {
        name => figures.agent.clone(),
        calls => figures.calls(),
        roads => figures.roads.to_vec(),
        road4_share => safe(percent_text(figures.road4_share())),
        reviewed => figures.agreement.total(),
        agreement => safe(percent_text(figures.agreement.percent())),
        kappa => safe(kappa_text(figures.agreement.kappa())),
    }
}

pub fn summary(
    store: &dyn Store,
    templates: &Templates,
    request: &SummaryRequest,
    clock: &Clock,
) -> Result<String, ExportError> {
    let today = clock.today();
    let (from, to) = (request.from.min(request.to), request.from.max(request.to));
    let days = days_between(from, to) + 1;
    let before_to = from.yesterday().unwrap_or(from);
    let before_from = from
        .checked_sub(jiff::Span::new().days(days))
        .unwrap_or(from);
    let now = store.dashboard(from, to, today).map_err(data)?;
    let before = store
        .dashboard(before_from, before_to, today)
        .map_err(data)?;
    let pick = |board: &crate::store::Dashboard| -> AgentFigures {
        match &request.agent {
            Some(agent) => board
                .agents
                .iter()
                .find(|a| &a.agent == agent)
                .cloned()
                .unwrap_or_else(|| AgentFigures {
                    agent: agent.clone(),
                    ..AgentFigures::default()
                }),
            None => board.overall.clone(),
        }
    };
    let (figures, previous) = (pick(&now), pick(&before));
    let calls = figures.calls();
    let roads: Vec<Value> = Road::ALL
        .iter()
        .map(|road| {
            let i = usize::from(road.number() - 1);
            context! {
                name => safe(road.label()),
                count => figures.roads[i],
                share => safe(percent_text((calls > 0).then(|| figures.roads[i] as f64 / calls as f64))),
                change => change_text(figures.roads[i], previous.roads[i]),
            }
        })
        .collect();
    let math = now.customers;
    let base = ReviewQuery {
        agent: request.agent.clone(),
        agent_road: request.road,
        ..ReviewQuery::period(from, to)
    };

    // What we learned: the latest stories of road-1 calls, and their most used tags.
    let learn_query = ReviewQuery {
        agent_road: Some(Road::Learn),
        reviewed_by: request.blind_lead.clone(),
        ..base.clone()
    };
    let mut learned = Vec::new();
    let mut cursor: Option<PageCursor> = None;
    'pages: loop {
        let page = store
            .review_page(&learn_query, cursor.as_ref(), 50)
            .map_err(data)?;
        for row in &page.rows {
            let notes = store.notes(row.call.id).map_err(data)?;
            for story in extract_stories(&notes) {
                learned.push(context! {
                    text => story,
                    customer => row.customer.clone(),
                    date => safe(clock.date_time(row.call.started_at)),
                });
                if learned.len() >= LEARNED_STORIES {
                    break 'pages;
                }
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let learned_tags = now
        .learned_tags
        .iter()
        .map(|(tag, n)| format!("#{tag} ({n})"))
        .collect::<Vec<_>>()
        .join(", ");

    let mut cases = Vec::new();
    let mut cursor: Option<PageCursor> = None;
    loop {
        let page = store.open_cases(cursor.as_ref(), PAGE).map_err(data)?;
        for row in page.rows {
            let opened = clock.date_of(row.case.opened_at);
            cases.push(context! {
                customer => row.customer,
                opened => safe(opened.to_string()),
                age => safe(match days_between(opened, today) {
                    1 => "1 day".to_string(),
                    n => format!("{n} days"),
                }),
                due => safe(format!(
                    "{}{}",
                    row.case.due,
                    if row.case.is_overdue(today) { " (overdue)" } else { "" }
                )),
                summary => row.case.summary,
            });
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }

    let disagreements: Vec<Value> = all_rows(
        store,
        &ReviewQuery {
            disagreements_only: true,
            reviewed_by: request.blind_lead.clone(),
            ..base.clone()
        },
    )?
    .iter()
    .filter(|row| {
        request
            .own_figures
            .as_ref()
            .is_none_or(|me| &row.call.agent == me)
    })
    .map(|row| {
        let review = row.call.review.as_ref();
        context! {
            when => safe(clock.date_time(row.call.started_at)),
            customer => row.customer.clone(),
            agent => row.call.agent.clone(),
            agent_road => road_text(row.call.road),
            lead_road => road_text(review.map(|r| r.road)),
            reason => review.map(|r| r.comment.clone()).unwrap_or_default(),
        }
    })
    .collect();

    let agents: Vec<Value> = now
        .agents
        .iter()
        .filter(|a| {
            request
                .agent
                .as_ref()
                .is_none_or(|wanted| &a.agent == wanted)
                && request.own_figures.as_ref().is_none_or(|me| &a.agent == me)
        })
        .map(agent_value)
        .collect();
    let covers = match (&request.agent, request.road) {
        (Some(agent), Some(road)) => format!("Calls by {agent} on road {road}"),
        (Some(agent), None) => format!("Calls by {agent}"),
        (None, Some(road)) => format!("The whole team's calls on road {road}"),
        (None, None) => "The whole team".to_string(),
    };
    let mut ctx = context! {
        period => safe(span_text(from, to)),
        covers => covers,
        generated => safe(clock.date_time(clock.now)),
        days => days,
        calls => calls,
        reviewed => figures.agreement.total(),
        gained => math.gained,
        lost => math.lost,
        won_back => math.won_back,
        open_cases => now.open_cases,
        overdue => now.overdue,
        roads => roads,
        road4_share => safe(percent_text(road4_share(&figures.roads))),
        math => context! {
            gained => math.gained, lost => math.lost, won_back => math.won_back,
            net => safe(format!("{:+}", math.net())),
            retention => safe(percent_text(math.retention())),
            churn => safe(percent_text(math.churn())),
            start => math.start, end => math.end(), arrived => math.arrived(),
        },
        learned => learned,
        blind => request.blind_lead.is_some(),
        learned_tags => learned_tags,
        cases => cases,
        agents => agents,
        agreement => safe(percent_text(figures.agreement.percent())),
        kappa => safe(kappa_text(figures.agreement.kappa())),
        disagreements => disagreements,
    };
    if request.calls {
        let appendix: Vec<Value> = all_rows(store, &base)?
            .iter()
            .map(|row| {
                context! {
                    when => safe(clock.date_time(row.call.started_at)),
                    agent => row.call.agent.clone(),
                    customer => row.customer.clone(),
                    road => road_text(row.call.road),
                    lead_road => road_text(row.call.review.as_ref().map(|r| r.road)),
                    notes => row.first_line.clone(),
                }
            })
            .collect();
        ctx = context! { appendix => appendix, ..ctx };
    }
    templates.render("summary.md.j2", ctx)
}

fn note_lines(notes: &str) -> Vec<Value> {
    notes
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let trimmed = line.trim_start();
            match trimmed.strip_prefix('>') {
                Some(story) => context! { story => true, text => story.trim().to_string() },
                None => context! { story => false, text => line.to_string() },
            }
        })
        .collect()
}

fn call_value(call: &Call, customer: &str, notes: &str, clock: &Clock) -> Value {
    let review = call.review.as_ref();
    context! {
        customer => customer.to_string(),
        when => safe(clock.date_time(call.started_at)),
        agent => call.agent.clone(),
        direction => safe(call.direction.as_str()),
        reason => safe(call.reason.as_str()),
        duration => safe(call.ended_at.map_or("still open".into(), |end| {
            crate::domain::call::format_duration((end - call.started_at).get_seconds())
        })),
        sentiment => safe(format!("{:+}", call.sentiment)),
        outcome => safe(call.outcome.as_str()),
        road => road_text(call.road),
        lead_road => road_text(review.map(|r| r.road)),
        comment => review.map(|r| r.comment.clone()).unwrap_or_default(),
        tags => call.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" "),
        notes => note_lines(notes),
        first_line => first_line(notes).to_string(),
    }
}

/// `export call ID`.
pub fn call(
    store: &dyn Store,
    templates: &Templates,
    id: Id,
    clock: &Clock,
) -> Result<String, ExportError> {
    let detail = store
        .call_detail(id)
        .map_err(data)?
        .ok_or_else(|| ExportError::Data(format!("no call has the ID {id}")))?;
    let customer = detail
        .customer
        .as_ref()
        .map_or("(removed)".to_string(), |c| c.name.clone());
    let mut value = call_value(&detail.call, &customer, &detail.notes, clock);
    let audit: Vec<Value> = detail
        .audit
        .iter()
        .map(|entry| {
            context! {
                when => safe(clock.date_time(entry.at)),
                who => entry.who.clone(),
                role => safe(entry.role.as_str()),
                what => entry.what.to_string(),
                old => entry.old.clone().unwrap_or_else(|| "—".into()),
                new => entry.new.clone().unwrap_or_else(|| "—".into()),
                reason => entry.reason.clone(),
            }
        })
        .collect();
    value = context! { audit => audit, ..value };
    templates.render("call.md.j2", context! { call => value })
}

/// `export customer ID`: profile, status history, cases and every call with notes.
pub fn customer(
    store: &dyn Store,
    templates: &Templates,
    id: Id,
    clock: &Clock,
) -> Result<String, ExportError> {
    let context_data = store
        .customer_context(id, usize::MAX)
        .map_err(data)?
        .ok_or_else(|| ExportError::Data(format!("no customer has the ID {id}")))?;
    let c = &context_data.customer;
    let history: Vec<Value> = c
        .status_history
        .iter()
        .map(|change| {
            context! {
                when => safe(clock.date_time(change.at)),
                from => safe(change.from.map_or("—", |s| s.as_str())),
                to => safe(change.to.as_str()),
                by => change.by.clone(),
            }
        })
        .collect();
    let cases: Vec<Value> = store
        .cases_of(id)
        .map_err(data)?
        .iter()
        .map(|case| {
            context! {
                opened => safe(clock.date_of(case.opened_at).to_string()),
                due => safe(case.due.to_string()),
                status => safe(match case.status {
                    crate::domain::CaseStatus::Open => "open",
                    crate::domain::CaseStatus::Closed => "closed",
                }),
                summary => case.summary.clone(),
            }
        })
        .collect();
    let mut calls = Vec::new();
    for summary in &context_data.history {
        let notes = store.notes(summary.call.id).map_err(data)?;
        calls.push(call_value(&summary.call, &c.name, &notes, clock));
    }
    // Edits, do-not-contact and merges: the customer's own audit trail.
    let changes: Vec<Value> = store
        .audit_for(id)
        .map_err(data)?
        .iter()
        .map(|entry| {
            context! {
                when => safe(clock.date_time(entry.at)),
                who => entry.who.clone(),
                what => entry.what.to_string(),
                old => entry.old.clone().unwrap_or_else(|| "—".into()),
                new => entry.new.clone().unwrap_or_else(|| "—".into()),
            }
        })
        .collect();
    let merged: Vec<Value> = c
        .merged
        .iter()
        .map(|m| {
            context! {
                name => m.name.clone(),
                since => safe(clock.date_of(m.created_at).to_string()),
                when => safe(clock.date_time(m.merged_at)),
                by => m.merged_by.clone(),
                history => m.status_history.iter().map(|change| context! {
                    when => safe(clock.date_time(change.at)),
                    from => safe(change.from.map_or("—", |s| s.as_str())),
                    to => safe(change.to.as_str()),
                    by => change.by.clone(),
                }).collect::<Vec<Value>>(),
            }
        })
        .collect();
    let do_not_contact_reason = c.do_not_contact_note.as_ref().map(|note| {
        format!(
            "since {} ({}): {}",
            clock.date_of(note.since),
            note.by,
            note.reason
        )
    });
    let value = context! {
        name => c.name.clone(),
        status => safe(c.status.as_str()),
        phone => c.phone.clone().unwrap_or_default(),
        email => c.email.clone().unwrap_or_default(),
        segment => c.segment.clone().unwrap_or_default(),
        since => safe(clock.date_of(c.created_at).to_string()),
        do_not_contact => safe(if c.do_not_contact { "yes" } else { "no" }),
        do_not_contact_reason => do_not_contact_reason,
        history => history,
        cases => cases,
        changes => changes,
        merged => merged,
    };
    templates.render(
        "customer.md.j2",
        context! { customer => value, calls => calls },
    )
}
