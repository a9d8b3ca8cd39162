//! Carries out the reducer's effects against the store and turns the results into
//! actions. Used by the runtime's worker thread and, inline, by headless tests.

use crate::app::{Action, CaseChange, CustomerChange, Effect, PAGE_SIZE};
use crate::domain::call::Role;
use crate::domain::{Call, Clock};
use crate::store::PageCursor;
use crate::store::{Actor, Store, StoreError, demo};

/// How many past calls the customer context shows.
pub const HISTORY_LIMIT: usize = 50;

/// Runs one effect; `Quit` only flushes (the runtime does the leaving).
pub fn execute(store: &dyn Store, effect: Effect, clock: &Clock) -> Vec<Action> {
    match run(store, effect, clock) {
        Ok(actions) => actions,
        Err(message) => {
            tracing::error!("{message}");
            vec![Action::Failed(message)]
        }
    }
}

fn run(store: &dyn Store, effect: Effect, clock: &Clock) -> Result<Vec<Action>, String> {
    match effect {
        Effect::CountSuggestionAgreement {
            from,
            to,
            generation,
        } => {
            let (agreed, compared) = suggestion_agreement(store, from, to)
                .map_err(|e| format!("Could not compare suggestions with reviews: {e}"))?;
            Ok(vec![Action::SuggestionAgreementCounted {
                agreed,
                compared,
                generation,
            }])
        }
        Effect::BuildRoadModel { generation } => {
            let (model, per_road) = build_road_model(store)
                .map_err(|e| format!("Could not read the confirmed calls: {e}"))?;
            Ok(vec![Action::RoadModelBuilt {
                model: model.map(Box::new),
                per_road,
                generation,
            }])
        }
        Effect::LoadQueue => {
            let (entries, skipped) = store
                .queue_entries()
                .map_err(|e| format!("Could not load the queue: {e}"))?;
            Ok(vec![Action::QueueLoaded { entries, skipped }])
        }
        Effect::LoadContext(id) => {
            match store
                .customer_context(id, HISTORY_LIMIT)
                .map_err(|e| format!("Could not load the customer: {e}"))?
            {
                Some(context) => Ok(vec![Action::ContextLoaded(Box::new(context))]),
                None => Ok(Vec::new()),
            }
        }
        Effect::OpenCall {
            customer_id,
            direction,
            reason,
            case_id,
            agent,
            at,
        } => {
            let fail = |e: StoreError| format!("Could not start the call: {e}");
            let customer = store
                .customer(customer_id)
                .map_err(fail)?
                .ok_or("That customer no longer exists.")?;
            let open_cases: Vec<_> = store
                .cases_of(customer_id)
                .map_err(fail)?
                .into_iter()
                .filter(|c| c.status == crate::domain::CaseStatus::Open)
                .collect();
            if let Some(call) = store.open_call_for(customer_id).map_err(fail)? {
                // In a team, another agent's call arrives open from their workstation:
                // it is theirs to type in and wrap up (SPEC §12), not to resume here.
                if call.agent != agent {
                    return Err(format!(
                        "{} is on a call with {} now; call them once it is wrapped up.",
                        crate::domain::text::sanitize_line(&call.agent),
                        crate::domain::text::sanitize_line(&customer.name)
                    ));
                }
                let notes = store.notes(call.id).map_err(fail)?;
                return Ok(vec![Action::CallOpened {
                    call: Box::new(call),
                    customer: Box::new(customer),
                    notes,
                    resumed: true,
                    open_cases,
                    unsaved: false,
                }]);
            }
            let mut call = Call::new(customer_id, &agent, reason, at);
            call.direction = direction;
            call.case_id = case_id.filter(|id| open_cases.iter().any(|c| c.id == *id));
            store.start_call(&call).map_err(fail)?;
            Ok(vec![Action::CallOpened {
                call: Box::new(call),
                customer: Box::new(customer),
                notes: String::new(),
                resumed: false,
                open_cases,
                unsaved: false,
            }])
        }
        Effect::UpdateCall(call) => {
            store
                .update_call(&call, &Actor::agent(&call.agent, clock.now))
                .map_err(|e| format!("Could not save the call: {e}"))?;
            Ok(Vec::new())
        }
        Effect::SaveNotes {
            call_id,
            text,
            revision,
        } => match store.save_notes(call_id, &text) {
            Ok(()) => Ok(vec![Action::NotesSaved { call_id, revision }]),
            Err(e) => {
                tracing::error!("saving the notes failed: {e}");
                Ok(vec![Action::NotesNotSaved {
                    call_id,
                    revision,
                    reason: e.to_string(),
                }])
            }
        },
        Effect::WrapUp {
            call,
            notes,
            customer_name,
        } => {
            let result = store
                .wrap_up_call(&call, &notes, &Actor::agent(&call.agent, clock.now))
                .map_err(|e| {
                    format!("Could not wrap up: {e}. The call is still open; Enter on the customer resumes it.")
                })?;
            Ok(vec![Action::CallWrappedUp {
                call,
                customer_name,
                result: Box::new(result),
            }])
        }
        Effect::SaveCustomer { customer, added } => {
            store
                .put_customer(&customer)
                .map_err(|e| format!("Could not save the customer: {e}"))?;
            Ok(vec![Action::CustomerSaved { customer, added }])
        }
        Effect::ChangeCustomer { change, who, role } => {
            let actor = actor(&who, role, clock);
            match change {
                CustomerChange::Edit { customer_id, edit } => {
                    let customer = store
                        .edit_customer(customer_id, &edit, &actor)
                        .map_err(|e| format!("Could not save the customer: {e}"))?;
                    Ok(vec![Action::CustomerSaved {
                        customer,
                        added: false,
                    }])
                }
                CustomerChange::DoNotContact {
                    customer_id,
                    reason,
                } => {
                    let customer = store
                        .set_do_not_contact(customer_id, reason.as_deref(), &actor)
                        .map_err(|e| format!("Could not change do-not-contact: {e}"))?;
                    Ok(vec![Action::CustomerSaved {
                        customer,
                        added: false,
                    }])
                }
                CustomerChange::Merge { duplicate, keep } => {
                    let name = store
                        .customer(duplicate)
                        .ok()
                        .flatten()
                        .map(|c| c.name)
                        .unwrap_or_default();
                    let result = store
                        .merge_customers(duplicate, keep, &actor)
                        .map_err(|e| format!("Could not merge: {e}"))?;
                    Ok(vec![Action::CustomersMerged {
                        keep,
                        duplicate_name: name,
                        result,
                    }])
                }
            }
        }
        Effect::PreviewMerge { duplicate, keep } => {
            let preview = store
                .merge_preview(duplicate, keep)
                .map_err(|e| format!("Could not merge: {e}"))?;
            Ok(vec![Action::MergePreviewed(Box::new(preview))])
        }
        Effect::ReassignCase {
            case_id,
            owner,
            who,
            role,
        } => {
            let row = store
                .reassign_case(case_id, &owner, &actor(&who, role, clock))
                .map_err(|e| format!("Could not reassign the case: {e}"))?;
            Ok(vec![Action::CaseSaved(Box::new(row))])
        }
        Effect::LoadDemo => {
            let loaded = demo::load(store, clock)
                .map_err(|e| format!("Could not load the demo data: {e}"))?;
            Ok(vec![Action::DemoLoaded {
                customers: loaded.customers,
                calls: loaded.calls,
            }])
        }
        Effect::LoadReviewPage {
            query,
            after,
            generation,
        } => {
            let page = store
                .review_page(&query, after.as_ref(), PAGE_SIZE)
                .map_err(|e| format!("Could not load the review list: {e}"))?;
            Ok(vec![Action::ReviewPageLoaded { page, generation }])
        }
        Effect::CountReviewMatches {
            query,
            after,
            generation,
        } => {
            let count = store
                .count_review_matches(&query, after.as_ref())
                .map_err(|e| format!("Could not count the matching calls: {e}"))?;
            Ok(vec![Action::ReviewMatchesCounted {
                matches: count.matches,
                next: count.next,
                generation,
            }])
        }
        Effect::Search { query, generation } => {
            let results = store
                .search(&query, crate::app::SEARCH_LIMIT)
                .map_err(|e| format!("Could not search: {e}"))?;
            Ok(vec![Action::SearchLoaded {
                query,
                results: Box::new(results),
                generation,
            }])
        }
        Effect::LoadCallDetail(call_id) => {
            match store
                .call_detail(call_id)
                .map_err(|e| format!("Could not load the call: {e}"))?
            {
                Some(detail) => Ok(vec![Action::CallDetailLoaded(Box::new(detail))]),
                None => Ok(Vec::new()),
            }
        }
        Effect::SaveReview {
            call_id,
            road,
            comment,
            lead,
            blind_pick,
        } => {
            let actor = actor(&lead, Role::Lead, clock);
            let call = if blind_pick {
                store.blind_pick(call_id, road, &actor)
            } else {
                store.review_call(call_id, road, &comment, &actor)
            }
            .map_err(|e| format!("Could not save the review: {e}"))?;
            Ok(vec![Action::ReviewSaved(Box::new(call))])
        }
        Effect::AcknowledgeReview { call_id, agent } => {
            let call = store
                .acknowledge_review(call_id, &actor(&agent, Role::Agent, clock))
                .map_err(|e| format!("Could not acknowledge the review: {e}"))?;
            Ok(vec![Action::ReviewSaved(Box::new(call))])
        }
        Effect::LoadCases { after, generation } => {
            let page = store
                .open_cases(after.as_ref(), PAGE_SIZE)
                .map_err(|e| format!("Could not load the open cases: {e}"))?;
            Ok(vec![Action::CasesLoaded { page, generation }])
        }
        Effect::ChangeCase {
            case_id,
            change,
            who,
        } => {
            let actor = actor(&who, Role::Lead, clock);
            let row = match change {
                CaseChange::Due(due) => store.set_case_due(case_id, due, &actor),
                CaseChange::Close(note) => store.close_case(case_id, &note, &actor),
                CaseChange::Reopen => store.reopen_case(case_id, &actor),
            }
            .map_err(|e| format!("Could not change the case: {e}"))?;
            Ok(vec![Action::CaseSaved(Box::new(row))])
        }
        Effect::LoadAgents => {
            let agents = store
                .agents()
                .map_err(|e| format!("Could not list the agents: {e}"))?;
            Ok(vec![Action::AgentsLoaded(agents)])
        }
        Effect::LoadDashboard {
            from,
            to,
            today,
            generation,
        } => {
            let figures = store
                .dashboard(from, to, today)
                .map_err(|e| format!("Could not compute the dashboard: {e}"))?;
            Ok(vec![Action::DashboardLoaded {
                figures: Box::new(figures),
                generation,
            }])
        }
        Effect::ExportSummary {
            from,
            to,
            dir,
            templates,
            blind_lead,
            own_figures,
        } => {
            let fail = |e: String| format!("Could not export the summary: {e}");
            let templates = crate::export::Templates::load(templates.as_deref(), true)
                .map_err(|e| fail(e.to_string()))?;
            let request = crate::export::summary::SummaryRequest {
                from,
                to,
                agent: None,
                road: None,
                calls: false,
                blind_lead,
                own_figures,
            };
            let text = crate::export::summary::summary(store, &templates, &request, clock)
                .map_err(|e| fail(e.to_string()))?;
            // Owner-only, and never over an earlier export (a second gets "-2").
            let path = crate::export::files::write_new_private(
                &dir,
                &format!("summary-{from}-to-{to}"),
                "md",
                text.as_bytes(),
            )
            .map_err(|e| {
                fail(format!(
                    "{}: {}",
                    dir.display(),
                    crate::store::describe_io(&e)
                ))
            })?;
            Ok(vec![Action::Exported {
                path,
                period: crate::domain::period::span_text(from, to),
            }])
        }
        Effect::Quit => {
            store
                .flush()
                .map_err(|e| format!("Could not flush the store: {e}"))?;
            Ok(Vec::new())
        }
    }
}

fn actor(who: &str, role: Role, clock: &Clock) -> Actor {
    Actor {
        who: who.to_string(),
        role,
        reason: String::new(),
        at: clock.now,
    }
}

/// The newest confirmed calls the road model learns from: enough for any team's way of
/// writing, and a bound on the time and memory a build takes on a very large store.
pub const MAX_TRAINING_CALLS: usize = 50_000;

/// Reads the store's confirmed calls (newest first, the lead's road) and trains the road
/// model once every road has enough of them.
pub fn build_road_model(
    store: &dyn Store,
) -> Result<(Option<crate::domain::roads::RoadModel>, [u32; 4]), StoreError> {
    use crate::domain::roads::{Method, RoadModel, still_needed, tokens::distinct_keys};
    let mut docs = Vec::new();
    let mut per_road = [0u32; 4];
    store.confirmed_calls(&mut |_, notes, road| {
        if !notes.trim().is_empty() {
            per_road[usize::from(road.number()) - 1] += 1;
            docs.push((distinct_keys(notes), road));
        }
        docs.len() < MAX_TRAINING_CALLS
    })?;
    if !still_needed(per_road).is_empty() {
        return Ok((None, per_road));
    }
    Ok((
        Some(RoadModel::train_keys(Method::default(), &docs)),
        per_road,
    ))
}

/// Of the reviewed calls of `from`..=`to` that recorded a suggestion at wrap-up, how many
/// the lead put on the suggested road: (agreed, compared). Pages through the period's
/// reviewed calls (off the UI task).
pub fn suggestion_agreement(
    store: &dyn Store,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> Result<(u64, u64), StoreError> {
    let mut query = crate::store::ReviewQuery::period(from, to);
    query.reviewed_only = true;
    let (mut agreed, mut compared) = (0, 0);
    let mut after: Option<PageCursor> = None;
    loop {
        let page = store.review_page(&query, after.as_ref(), 500)?;
        for row in &page.rows {
            if let (Some(suggested), Some(review)) = (row.call.suggested_road, &row.call.review) {
                compared += 1;
                agreed += u64::from(suggested == review.road);
            }
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok((agreed, compared)),
        }
    }
}
