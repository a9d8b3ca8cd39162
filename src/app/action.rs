//! Every user intent and every result of async work (`Action`), and the work the reducer
//! asks the runtime to do (`Effect`).

use jiff::Timestamp;
use ratatui::crossterm::event::KeyEvent;

use super::{CaseChange, Command};
use crate::domain::{Call, CallReason, Customer, Id, QueueEntry, Road};
use crate::store::{
    CallDetail, CasePage, CaseRow, CustomerContext, Dashboard, PageCursor, ReviewPage, ReviewQuery,
    SearchResults, WrapUpResult,
};

/// Every user intent and every result of async work.
#[derive(Debug)]
pub enum Action {
    Command(Command),
    /// A key for the focused text field (notes, filter, form, palette) or an overlay.
    Key(KeyEvent),
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// Once a second while a call is running, for its timer.
    Tick,
    /// Typing has paused (or gone on long enough): save the notes now.
    AutosaveDue,
    QueueLoaded {
        entries: Vec<QueueEntry>,
        skipped: u64,
    },
    ContextLoaded(Box<CustomerContext>),
    CallOpened {
        call: Call,
        customer: Customer,
        notes: String,
        resumed: bool,
    },
    CallWrappedUp {
        call: Call,
        customer_name: String,
        result: WrapUpResult,
    },
    CustomerSaved {
        customer: Customer,
        added: bool,
    },
    DemoLoaded {
        customers: usize,
        calls: usize,
    },
    ReviewPageLoaded {
        page: ReviewPage,
        generation: u64,
    },
    CallDetailLoaded(Box<CallDetail>),
    ReviewSaved(Box<Call>),
    CasesLoaded {
        page: CasePage,
        generation: u64,
    },
    CaseSaved(Box<CaseRow>),
    AgentsLoaded(Vec<String>),
    DashboardLoaded {
        figures: Box<Dashboard>,
        generation: u64,
    },
    NotesSaved,
    /// The answer to a search; an older generation's is dropped.
    SearchLoaded {
        query: String,
        results: Box<SearchResults>,
        generation: u64,
    },
    Exported {
        path: std::path::PathBuf,
        period: String,
    },
    Failed(String),
}

/// Work for the runtime; results come back as `Action`s.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    LoadQueue,
    LoadContext(Id),
    /// Resume the customer's open call, or start a new one.
    OpenCall {
        customer_id: Id,
        reason: CallReason,
        agent: String,
        at: Timestamp,
    },
    UpdateCall(Call),
    SaveNotes {
        call_id: Id,
        text: String,
    },
    WrapUp {
        call: Call,
        notes: String,
        customer_name: String,
    },
    SaveCustomer {
        customer: Customer,
        added: bool,
    },
    LoadDemo,
    LoadReviewPage {
        query: ReviewQuery,
        after: Option<PageCursor>,
        generation: u64,
    },
    LoadCallDetail(Id),
    /// The lead's road and comment for a call (the comment is the reason when the roads
    /// differ). A `blind_pick` is the lead's first road while the agent's was hidden: it
    /// is saved before anything is revealed, and the reason (if owed) is asked after.
    SaveReview {
        call_id: Id,
        road: Road,
        comment: String,
        lead: String,
        blind_pick: bool,
    },
    AcknowledgeReview {
        call_id: Id,
        agent: String,
    },
    LoadCases {
        after: Option<PageCursor>,
        generation: u64,
    },
    ChangeCase {
        case_id: Id,
        change: CaseChange,
        who: String,
    },
    LoadAgents,
    LoadDashboard {
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        today: jiff::civil::Date,
        generation: u64,
    },
    /// Write the team summary of `from`..=`to` as markdown into `dir`.
    ExportSummary {
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        dir: std::path::PathBuf,
        templates: Option<std::path::PathBuf>,
    },
    /// Search customers and notes (results come back as `SearchLoaded`).
    Search {
        query: String,
        generation: u64,
    },
    /// Flush everything and leave; the runtime restores the terminal.
    Quit,
}
