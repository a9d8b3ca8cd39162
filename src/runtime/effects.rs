//! Carries out the reducer's effects against the store and turns the results into
//! actions. Used by the runtime's worker thread and, inline, by headless tests.

use crate::app::{Action, Effect};
use crate::domain::{Call, Clock};
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
            reason,
            agent,
            at,
        } => {
            let fail = |e: StoreError| format!("Could not start the call: {e}");
            let customer = store
                .customer(customer_id)
                .map_err(fail)?
                .ok_or("That customer no longer exists.")?;
            if let Some(call) = store.open_call_for(customer_id).map_err(fail)? {
                let notes = store.notes(call.id).map_err(fail)?;
                return Ok(vec![Action::CallOpened {
                    call,
                    customer,
                    notes,
                    resumed: true,
                }]);
            }
            let call = Call::new(customer_id, &agent, reason, at);
            store.start_call(&call).map_err(fail)?;
            Ok(vec![Action::CallOpened {
                call,
                customer,
                notes: String::new(),
                resumed: false,
            }])
        }
        Effect::UpdateCall(call) => {
            store
                .update_call(&call, &Actor::agent(&call.agent, clock.now))
                .map_err(|e| format!("Could not save the call: {e}"))?;
            Ok(Vec::new())
        }
        Effect::SaveNotes { call_id, text } => {
            store
                .save_notes(call_id, &text)
                .map_err(|e| format!("Could not save the notes: {e}. Keep this window open."))?;
            Ok(vec![Action::NotesSaved])
        }
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
                result,
            }])
        }
        Effect::SaveCustomer { customer, added } => {
            store
                .put_customer(&customer)
                .map_err(|e| format!("Could not save the customer: {e}"))?;
            Ok(vec![Action::CustomerSaved { customer, added }])
        }
        Effect::LoadDemo => {
            let loaded = demo::load(store, clock)
                .map_err(|e| format!("Could not load the demo data: {e}"))?;
            Ok(vec![Action::DemoLoaded {
                customers: loaded.customers,
                calls: loaded.calls,
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
