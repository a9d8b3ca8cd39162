//! The Review view (F3): the filters in words, the list of calls (or open cases) built
//! from visible rows only, and the detail pane (`call_detail`) with read-only notes and
//! the audit trail.
//! In blind review the agent's road, in the list, the detail and the audit trail, reads
//! "hidden" until the lead has chosen a road.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::queue::pad;
use super::{Theme, pane_block, safe};
use crate::app::{MatchCountState, Paged, Pane, ReviewTab, State, scrolled};
use crate::domain::CaseStatus;
use crate::domain::clock::days_between;
use crate::domain::text::plural;
use crate::store::{CaseRow, ReviewRow};

pub(super) fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    // Every active filter stays in view: the line wraps rather than cut one off.
    let described = filter_text(state).chars().count() + " Calls: ".len();
    let filter_rows = described
        .div_ceil(usize::from(area.width.max(1)))
        .clamp(1, 3) as u16;
    let [filters, body] =
        Layout::vertical([Constraint::Length(filter_rows), Constraint::Min(4)]).areas(area);
    render_filters(frame, filters, state, theme);
    let wide = body.width >= 110;
    let [list, detail] = if wide {
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(body)
    } else {
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body)
    };
    match state.review.tab {
        ReviewTab::Calls => {
            render_calls(frame, list, state, theme, wide);
            render_call_detail(frame, detail, state, theme);
        }
        ReviewTab::Cases => {
            render_cases(frame, list, state, theme);
            render_case_detail(frame, detail, state, theme);
        }
    }
}

fn filter_text(state: &State) -> String {
    match state.review.tab {
        ReviewTab::Calls => safe(&state.review.filters.describe(state.clock.today())).into_owned(),
        ReviewTab::Cases => "overdue first, then by due date".into(),
    }
}

fn render_filters(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let heading = match state.review.tab {
        ReviewTab::Calls => " Calls: ",
        ReviewTab::Cases => " Open cases: ",
    };
    let line = Line::from(vec![
        Span::styled(heading, theme.heading),
        Span::raw(filter_text(state)),
    ]);
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
}

/// The rows of a list that fit in `height`, the selection always among them, marked `▶`
/// (not by colour alone) and highlighted; only these rows are built. `build` gets the
/// width left after the marker column.
fn visible_lines<'a, T>(
    list: &'a Paged<T>,
    height: usize,
    width: usize,
    theme: &Theme,
    build: impl Fn(&'a T, usize) -> Line<'a>,
) -> Vec<Line<'a>> {
    let first = scrolled(list.selected, list.offset, height);
    list.rows
        .iter()
        .enumerate()
        .skip(first)
        .take(height.max(1))
        .map(|(i, row)| {
            let selected = i == list.selected;
            let mut line = build(row, width.saturating_sub(1));
            line.spans
                .insert(0, Span::raw(if selected { "▶" } else { " " }));
            if selected {
                line.style(theme.selected)
            } else {
                line
            }
        })
        .collect()
}

fn list_status(loaded: usize, more: bool, loading: bool, noun: (&str, &str)) -> String {
    match (loaded, more, loading) {
        (0, _, true) => "loading…".into(),
        (n, true, _) => format!("{} loaded, more below", plural(n, noun.0, noun.1)),
        (n, false, _) => plural(n, noun.0, noun.1),
    }
}

/// "counting… · 50 loaded", then "1234 calls match · 50 loaded" (or "12 calls match"
/// once every match is loaded).
fn calls_status(list: &Paged<ReviewRow>, count: &MatchCountState) -> String {
    let loaded = list.rows.len();
    match count.total() {
        None if loaded == 0 && list.loading => "loading…".into(),
        None if count.counted > 0 => {
            format!("counting… {} so far · {loaded} loaded", count.counted)
        }
        None => format!("counting… · {loaded} loaded"),
        Some(total) if total == loaded as u64 && list.next.is_none() => {
            plural(total, "call matches", "calls match")
        }
        Some(total) => format!(
            "{} · {loaded} loaded",
            plural(total, "call matches", "calls match")
        ),
    }
}

fn render_calls(frame: &mut Frame, area: Rect, state: &State, theme: &Theme, wide: bool) {
    let list = &state.review.calls;
    let order = if state.road_hint.disagree_first {
        "notes disagreeing first"
    } else {
        "newest first"
    };
    let title = format!(
        "Calls, {order} ({})",
        calls_status(list, &state.review.count)
    );
    let block = pane_block(&title, state, Pane::List, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if list.rows.is_empty() {
        let text = if list.loading || !list.loaded {
            "Loading…".to_string()
        } else if state.review.filters.unreviewed_only {
            "No unreviewed calls match. u shows reviewed calls too; p changes the period.".into()
        } else {
            "No calls match these filters. p changes the period; / edits the filter.".into()
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.dim)).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let width = usize::from(inner.width);
    let (agent_w, customer_w) = column_widths(wide);
    let header = format!(
        " {} {} {} {} {} {}",
        pad("When", 12),
        pad("Agent", agent_w),
        pad("Customer", customer_w),
        pad("Agent's", 9),
        pad("Lead's", 11),
        "First line of the notes"
    );
    let rows_height = usize::from(inner.height).saturating_sub(1);
    let mut lines = vec![Line::styled(pad(&header, width), theme.dim)];
    lines.extend(visible_lines(
        list,
        rows_height,
        width,
        theme,
        |row, width| call_row(row, state, theme, width, wide),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn column_widths(wide: bool) -> (usize, usize) {
    if wide { (13, 17) } else { (12, 14) }
}

fn call_row<'a>(
    row: &'a ReviewRow,
    state: &State,
    theme: &Theme,
    width: usize,
    wide: bool,
) -> Line<'a> {
    let call = &row.call;
    let when = call
        .started_at
        .to_zoned(state.clock.tz.clone())
        .strftime("%d %b %H:%M")
        .to_string();
    let hidden = state
        .viewer()
        .hides_agent_road_among(call, row.leads.iter().map(String::as_str));
    let agent_road = match (hidden, call.road) {
        (true, _) => "hidden".to_string(),
        (false, Some(road)) => road.label(),
        (false, None) => "—".into(),
    };
    let lead = match &call.review {
        // Another lead's road beside the agent's hidden one would give it away.
        Some(_) if hidden => "—".into(),
        Some(review) if Some(review.road) == call.road => format!("✓ {}", review.road),
        Some(review) => format!("≠ {}", review.road),
        None => "—".into(),
    };
    let (agent_w, customer_w) = column_widths(wide);
    let spans = vec![
        Span::raw(format!("{when} ")),
        Span::raw(pad(&call.agent, agent_w)),
        Span::raw(" "),
        Span::raw(pad(&safe(&row.customer), customer_w)),
        Span::raw(" "),
        Span::styled(
            pad(&agent_road, 9),
            match (hidden, call.road) {
                (false, Some(road)) => theme.road(road),
                _ => theme.dim,
            },
        ),
        Span::raw(" "),
        Span::raw(pad(&lead, 11)),
    ];
    // A call whose notes read like another road says so before its first line.
    match crate::app::road_hint::row_disagrees(state, call) {
        Some(read) => {
            let tail = format!("reads {} · {}", read.number(), row.first_line);
            with_tail(spans, &tail, width, theme)
        }
        None => with_tail(spans, &row.first_line, width, theme),
    }
}

/// The row's fixed columns, then as much of `tail` (user text, dimmed) as fits.
fn with_tail<'a>(mut spans: Vec<Span<'a>>, tail: &str, width: usize, theme: &Theme) -> Line<'a> {
    let used: usize = spans.iter().map(|s| s.width()).sum();
    if width > used + 2 {
        spans.push(Span::styled(
            format!(" {}", pad(&safe(tail), width - used - 1)),
            theme.dim,
        ));
    }
    Line::from(spans)
}

fn render_call_detail(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let block = pane_block("Call", state, Pane::Detail, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(selected) = state.review.selected_call() else {
        return;
    };
    let Some(detail) = state
        .review
        .detail
        .as_ref()
        .filter(|d| d.call.id == selected.id)
    else {
        frame.render_widget(Paragraph::new(Line::styled("Loading…", theme.dim)), inner);
        return;
    };
    // The row holds the latest review (saved since the detail was read).
    let lines = super::call_detail::call_detail_lines(selected, detail, state, theme);
    render_scrolled(frame, inner, lines, state.review.detail_scroll);
}

fn render_cases(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let list = &state.review.cases;
    let title = format!(
        "Open cases ({})",
        list_status(
            list.rows.len(),
            list.next.is_some(),
            list.loading,
            ("case", "cases")
        )
    );
    let block = pane_block(&title, state, Pane::List, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if list.rows.is_empty() {
        let text = if list.loaded {
            "No open cases."
        } else {
            "Loading…"
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim)), inner);
        return;
    }
    let today = state.clock.today();
    let width = usize::from(inner.width);
    let lines = visible_lines(list, inner.height.into(), width, theme, |row, width| {
        case_row(row, today, state, theme, width)
    });
    frame.render_widget(Paragraph::new(lines), inner);
}

fn case_row<'a>(
    row: &CaseRow,
    today: jiff::civil::Date,
    state: &State,
    theme: &Theme,
    width: usize,
) -> Line<'a> {
    let case = &row.case;
    let (badge, style) = if case.status == CaseStatus::Closed {
        ("closed".to_string(), theme.dim)
    } else if case.is_overdue(today) {
        (
            format!("OVERDUE {}d", days_between(case.due, today)),
            theme.urgent,
        )
    } else if case.due == today {
        ("due today".to_string(), theme.attention)
    } else {
        (format!("in {}d", days_between(today, case.due)), theme.base)
    };
    let age = days_between(state.clock.date_of(case.opened_at), today);
    let spans = vec![
        Span::styled(pad(&badge, 11), style),
        Span::raw(format!(" due {} age {:>3}d ", case.due, age)),
        Span::raw(pad(&safe(&row.customer), 16)),
    ];
    with_tail(spans, &case.summary, width, theme)
}

fn render_case_detail(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let block = pane_block("Case", state, Pane::Detail, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(row) = state.review.cases.selected_row() else {
        return;
    };
    let case = &row.case;
    let today = state.clock.today();
    let clock = &state.clock;
    let mut lines = vec![
        Line::styled(safe(&row.customer).into_owned(), theme.heading),
        Line::raw(safe(&case.summary).into_owned()),
        Line::raw(format!(
            "Opened {} ({} days ago) · due {}{}",
            clock.date_time(case.opened_at),
            days_between(clock.date_of(case.opened_at), today),
            case.due,
            if case.is_overdue(today) {
                " · OVERDUE"
            } else {
                ""
            }
        )),
        Line::raw(format!(
            "Owner: {} · {} since it opened{}",
            if case.owner.is_empty() {
                "not set".to_string()
            } else {
                safe(&case.owner).into_owned()
            },
            crate::domain::text::plural(case.calls.len(), "call", "calls"),
            case.callback_at
                .map(|at| format!(" · callback {}", clock.date_time(at)))
                .unwrap_or_default()
        )),
        Line::raw(match case.status {
            CaseStatus::Open => "Open".to_string(),
            CaseStatus::Closed => format!(
                "Closed{}",
                case.closed_at
                    .map(|at| format!(" on {}", clock.date_time(at)))
                    .unwrap_or_default()
            ),
        }),
    ];
    if let Some(note) = &case.close_note {
        lines.push(Line::raw(format!("Closing note: “{}”", safe(note))));
    }
    lines.push(Line::styled("Changes", theme.heading));
    lines.extend(super::call_detail::audit_lines(
        &row.audit, false, state, theme,
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Wrapped lines scrolled down by `scroll` rows (never past the last line).
pub(super) fn render_scrolled(frame: &mut Frame, area: Rect, lines: Vec<Line<'_>>, scroll: usize) {
    let scroll = scroll.min(lines.len().saturating_sub(1)) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}
