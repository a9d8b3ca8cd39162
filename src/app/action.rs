//! Every user intent and every result of async work (`Action`), and the work the reducer
//! asks the runtime to do (`Effect`).

use jiff::Timestamp;
use ratatui::crossterm::event::KeyEvent;

use super::{CaseChange, Command, CustomerChange, PaletteItem};
use crate::domain::call::Role;
use crate::domain::{Call, CallReason, Case, Customer, Direction, Id, QueueEntry, Road};
use crate::store::{
    CallDetail, CasePage, CaseRow, CustomerContext, Dashboard, MergePreview, MergeResult,
    PageCursor, ReviewPage, ReviewQuery, SearchResults, WrapUpResult,
};

/// Every user intent and every result of async work.
#[derive(Debug)]
pub enum Action {
    Command(Command),
    /// Open the command palette with what can be done here (the input layer words the
    /// rows from the keymap).
    OpenPalette(Vec<PaletteItem>),
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
        call: Box<Call>,
        customer: Box<Customer>,
        notes: String,
        resumed: bool,
        /// The customer's open cases, for linking the call to one and closing it.
        open_cases: Vec<Case>,
        /// `notes` are newer than the store's (a save of them failed earlier in this
        /// session): save them again.
        unsaved: bool,
    },
    CallWrappedUp {
        call: Call,
        customer_name: String,
        result: Box<WrapUpResult>,
    },
    CustomerSaved {
        customer: Customer,
        added: bool,
    },
    DemoLoaded {
        customers: usize,
        calls: usize,
    },
    /// What a merge would move, for its confirmation.
    MergePreviewed(Box<MergePreview>),
    /// `duplicate_name` was merged into `keep`.
    CustomersMerged {
        keep: Id,
        duplicate_name: String,
        result: MergeResult,
    },
    ReviewPageLoaded {
        page: ReviewPage,
        generation: u64,
    },
    /// Matches of the review list's filters counted by `Effect::CountReviewMatches`;
    /// `next` says where the count carries on.
    ReviewMatchesCounted {
        matches: u64,
        next: Option<PageCursor>,
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
    /// The notes of `call_id` as they were at edit `revision` are on disk.
    NotesSaved {
        call_id: Id,
        revision: u64,
    },
    /// Saving the notes of `call_id` at edit `revision` failed; the app retries.
    NotesNotSaved {
        call_id: Id,
        revision: u64,
        reason: String,
    },
    /// How many changes from the hub this store holds set aside (not taken in).
    SetAside(u64),
    /// The hub's record of who this workstation's person is changed.
    Identity(crate::domain::member::Member),
    /// The background team sync's state; `changed`: other workstations' changes arrived.
    TeamSync {
        sync: super::team_sync::TeamSync,
        changed: bool,
    },
    /// The store has not answered a piece of work for a while (the watchdog).
    StoreSlow {
        /// What is waiting, as the message line says it ("Saving the notes").
        what: String,
        seconds: u64,
        /// Whether it is the lane that saves notes and other small writes.
        writes: bool,
    },
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
    /// The road model built from the store's confirmed calls (`None` until every road
    /// has enough of them), with how many each road has.
    RoadModelBuilt {
        model: Option<Box<crate::domain::roads::RoadModel>>,
        per_road: [u32; 4],
        generation: u64,
    },
    /// Of the period's reviewed calls with a suggestion, how many the lead agreed with.
    SuggestionAgreementCounted {
        agreed: u64,
        compared: u64,
        generation: u64,
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
        direction: Direction,
        reason: CallReason,
        /// The case the call is about (Enter on a case in the case list).
        case_id: Option<Id>,
        agent: String,
        at: Timestamp,
    },
    UpdateCall(Call),
    SaveNotes {
        call_id: Id,
        text: String,
        /// The editor's edit count when `text` was taken; `NotesSaved` echoes it.
        revision: u64,
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
    /// A change to an existing customer, made by `who` in `role` (audited).
    ChangeCustomer {
        change: CustomerChange,
        who: String,
        role: Role,
    },
    /// Count what merging `duplicate` into `keep` would move (`MergePreviewed`).
    PreviewMerge {
        duplicate: Id,
        keep: Id,
    },
    /// Make `owner` the owner of the case (audited; an agent may only take it).
    ReassignCase {
        case_id: Id,
        owner: String,
        who: String,
        role: Role,
    },
    LoadDemo,
    LoadReviewPage {
        query: ReviewQuery,
        after: Option<PageCursor>,
        generation: u64,
    },
    /// Count the calls matching `query` (from `after` on), for the review list's title.
    CountReviewMatches {
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
        /// The lead whose blind review limits what the summary quotes by road.
        blind_lead: Option<String>,
        /// An agent exporting: only their own per-person figures.
        own_figures: Option<String>,
    },
    /// Search customers and notes (results come back as `SearchLoaded`).
    Search {
        query: String,
        generation: u64,
    },
    /// Build the road model from the store's confirmed calls (answered by
    /// `RoadModelBuilt`; an older generation's answer is dropped).
    BuildRoadModel {
        generation: u64,
    },
    /// Count how often the suggestion recorded at wrap-up matched the lead's road over
    /// `from`..=`to` (answered by `SuggestionAgreementCounted`).
    CountSuggestionAgreement {
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        generation: u64,
    },
    /// Flush everything and leave; the runtime restores the terminal (within a deadline,
    /// rescuing notes it could not save).
    Quit,
}
