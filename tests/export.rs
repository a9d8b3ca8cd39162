//! Markdown exports, parsed back with a CommonMark parser: headings in order, tables with
//! the right columns and rows, and hostile names and notes that stay literal text.

mod support;

use fourroads::domain::call::Role;
use fourroads::domain::{Call, CallReason, Clock, NewCustomer, Outcome, Road};
use fourroads::export::Templates;
use fourroads::export::summary::{SummaryRequest, call, customer, summary};
use fourroads::store::{Actor, SledStore, Store, demo};
use jiff::SignedDuration;
use jiff::civil::date;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use support::fixed_now;

const HOSTILE_NAME: &str = "Ann | <b>Ops</b> # *1*";
const HOSTILE_NOTES: &str = "# not a heading\n| a | b |\n> she said `rm -rf` <script>x</script>\n- not a list\n1. nor this\nmail ann@example.com, ring +44 20 7946 0000 #billing";

/// The document's structure: headings (level, text) and tables (columns, body rows).
#[derive(Debug, Default)]
struct Outline {
    headings: Vec<(u8, String)>,
    tables: Vec<(usize, usize)>,
    html: usize,
    text: String,
}

fn outline(markdown: &str) -> Outline {
    let mut outline = Outline::default();
    let mut heading: Option<(u8, String)> = None;
    let mut columns = 0;
    let mut rows = 0;
    let mut in_head = false;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    _ => 4,
                };
                heading = Some((level, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => outline.headings.extend(heading.take()),
            Event::Start(Tag::Table(alignments)) => {
                columns = alignments.len();
                rows = 0;
            }
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::End(TagEnd::TableRow) if !in_head => rows += 1,
            Event::End(TagEnd::Table) => outline.tables.push((columns, rows)),
            Event::Html(_) | Event::InlineHtml(_) => outline.html += 1,
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, h)) = &mut heading {
                    h.push_str(&text);
                }
                outline.text.push_str(&text);
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableCell | TagEnd::Item) => {
                outline.text.push('\n');
            }
            _ => {}
        }
    }
    outline
}

fn lead() -> Actor {
    Actor {
        who: "Jordan Reyes".into(),
        role: Role::Lead,
        reason: "it was teaching".into(),
        at: fixed_now(),
    }
}

/// The demo data plus a hostile customer with a hostile call, reviewed with a
/// disagreement whose reason is hostile too.
fn hostile_store() -> (
    tempfile::TempDir,
    SledStore,
    fourroads::domain::Id,
    fourroads::domain::Id,
) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
    demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    let ann = NewCustomer {
        name: HOSTILE_NAME.into(),
        email: "ann@example.com".into(),
        status: "active".into(),
        ..NewCustomer::default()
    }
    .validate(fixed_now() - SignedDuration::from_hours(48), "test")
    .unwrap();
    store.put_customer(&ann).unwrap();
    let started = fixed_now() - SignedDuration::from_hours(2);
    let mut call_record = Call::new(ann.id, "Priya | Shah", CallReason::Inbound, started);
    store.start_call(&call_record).unwrap();
    call_record.ended_at = Some(started + SignedDuration::from_mins(5));
    call_record.road = Some(Road::Learn);
    call_record.outcome = Outcome::FollowUp;
    call_record.follow_up_due = Some(date(2026, 11, 24));
    call_record.tags = vec!["billing".into()];
    store
        .wrap_up_call(
            &call_record,
            HOSTILE_NOTES,
            &Actor::agent("Priya | Shah", started),
        )
        .unwrap();
    store
        .review_call(
            call_record.id,
            Road::Teach,
            "| `pipe` <i>and</i> # hash",
            &lead(),
        )
        .unwrap();
    (dir, store, ann.id, call_record.id)
}

fn request(calls: bool) -> SummaryRequest {
    SummaryRequest {
        from: date(2026, 11, 14),
        to: date(2026, 11, 20),
        agent: None,
        road: None,
        calls,
        blind_lead: None,
        own_figures: None,
    }
}

#[test]
fn the_summary_has_its_sections_in_order_and_hostile_text_stays_text() {
    let (_dir, store, _, _) = hostile_store();
    let templates = Templates::load(None, true).unwrap();
    let clock = Clock::fixed(fixed_now());
    let text = summary(&store, &templates, &request(true), &clock).unwrap();
    let doc = outline(&text);
    let headings: Vec<&str> = doc.headings.iter().map(|(_, h)| h.as_str()).collect();
    assert_eq!(
        headings,
        vec![
            "Team summary: 14–20 Nov 2026",
            "Headline",
            "Road mix",
            "Customer math",
            "What we learned",
            "Open cases",
            "Agents",
            "Review disagreements",
            "Appendix: every call",
        ]
    );
    assert_eq!(doc.headings[0].0, 1);
    assert!(doc.headings[1..].iter().all(|(level, _)| *level == 2));
    assert_eq!(doc.html, 0, "no HTML gets through:\n{text}");

    let counters = store.counters().unwrap();
    let week_calls = store
        .dashboard(date(2026, 11, 14), date(2026, 11, 20), date(2026, 11, 20))
        .unwrap()
        .overall
        .calls() as usize;
    let agents = 5; // the four demo agents and "Priya | Shah"
    let disagreements = store
        .review_page(
            &fourroads::store::ReviewQuery {
                disagreements_only: true,
                ..fourroads::store::ReviewQuery::period(date(2026, 11, 14), date(2026, 11, 20))
            },
            None,
            1000,
        )
        .unwrap()
        .rows
        .len();
    assert_eq!(
        doc.tables,
        vec![
            (4, 4),
            (6, 1),
            (5, counters.open_cases as usize),
            (10, agents),
            (5, disagreements),
            (6, week_calls),
        ]
    );
    // The hostile name and reason are there, literally, and redaction worked.
    assert!(doc.text.contains(HOSTILE_NAME), "{text}");
    assert!(doc.text.contains("| `pipe` <i>and</i> # hash"));
    assert!(doc.text.contains("Priya | Shah"));
    assert!(doc.text.contains("she said `rm -rf` <script>x</script>"));
    assert!(!text.contains("ann@example.com"));
}

#[test]
fn call_and_customer_exports_keep_their_structure() {
    let (_dir, store, customer_id, call_id) = hostile_store();
    let clock = Clock::fixed(fixed_now());
    let templates = Templates::load(None, false).unwrap();
    let text = call(&store, &templates, call_id, &clock).unwrap();
    let doc = outline(&text);
    assert_eq!(doc.headings.len(), 3, "{text}");
    assert_eq!(doc.headings[0].0, 1);
    assert!(doc.headings[0].1.contains(HOSTILE_NAME));
    assert_eq!(doc.headings[1].1, "Notes");
    assert_eq!(doc.headings[2].1, "Road changes");
    let audit = store.audit_for(call_id).unwrap().len();
    assert_eq!(doc.tables, vec![(6, 1), (7, audit)]);
    assert_eq!(doc.html, 0);
    for line in HOSTILE_NOTES.lines() {
        let literal = line.trim_start_matches("> ");
        assert!(doc.text.contains(literal), "{literal:?} lost in\n{text}");
    }
    assert!(
        text.contains("ann@example.com"),
        "--no-redact keeps the email"
    );

    let text = customer(&store, &templates, customer_id, &clock).unwrap();
    let doc = outline(&text);
    let headings: Vec<&str> = doc.headings.iter().map(|(_, h)| h.as_str()).collect();
    assert_eq!(headings[0], HOSTILE_NAME);
    assert_eq!(&headings[1..4], ["Status history", "Cases", "Calls"]);
    assert_eq!(doc.headings.len(), 5, "one heading per call");
    assert_eq!(doc.tables, vec![(6, 1), (4, 1), (4, 1)]);
    assert_eq!(doc.html, 0);
}

#[test]
fn a_broken_user_template_is_one_line_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("summary.md.j2"),
        "# Summary\n\nfine so far\n{% for x in %}\n",
    )
    .unwrap();
    let error = Templates::load(Some(dir.path()), true)
        .err()
        .unwrap()
        .to_string();
    let path = dir.path().join("summary.md.j2").display().to_string();
    assert!(error.starts_with(&format!("{path}:4:")), "{error}");
    assert!(!error.contains('\n'));

    std::fs::write(dir.path().join("summary.md.j2"), "# Ours: {{ period }}\n").unwrap();
    let templates = Templates::load(Some(dir.path()), true).unwrap();
    let (_store_dir, store, _, _) = hostile_store();
    let text = summary(
        &store,
        &templates,
        &request(false),
        &Clock::fixed(fixed_now()),
    )
    .unwrap();
    assert_eq!(text, "# Ours: 14–20 Nov 2026\n");
}

#[test]
fn the_demo_summary_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
    demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    let templates = Templates::load(None, true).unwrap();
    let month = SummaryRequest {
        from: date(2026, 10, 22),
        ..request(false)
    };
    let text = summary(&store, &templates, &month, &Clock::fixed(fixed_now())).unwrap();
    insta::assert_snapshot!("demo_summary", text);
}

#[cfg(unix)]
#[test]
fn app_exports_go_beside_the_store_owner_only_and_never_overwrite() {
    use fourroads::app::{Action, Effect};
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("elsewhere").join("store");
    let store = SledStore::open_in_zone(&store_path, jiff::tz::TimeZone::UTC).unwrap();
    demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    let exports = fourroads::export::files::exports_beside(&store_path);
    assert_eq!(exports, dir.path().join("elsewhere").join("exports"));
    let mut written = Vec::new();
    for _ in 0..3 {
        let effect = Effect::ExportSummary {
            from: date(2026, 11, 14),
            to: date(2026, 11, 20),
            dir: exports.clone(),
            templates: None,
            blind_lead: None,
            own_figures: None,
        };
        let actions =
            fourroads::runtime::effects::execute(&store, effect, &Clock::fixed(fixed_now()));
        match actions.as_slice() {
            [Action::Exported { path, .. }] => written.push(path.clone()),
            other => panic!("{other:?}"),
        }
    }
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "summary-2026-11-14-to-2026-11-20.md",
            "summary-2026-11-14-to-2026-11-20-2.md",
            "summary-2026-11-14-to-2026-11-20-3.md"
        ]
    );
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&exports), 0o700);
    for path in &written {
        assert_eq!(path.parent().unwrap(), exports);
        assert_eq!(mode(path), 0o600);
        assert!(std::fs::read_to_string(path).unwrap().starts_with('#'));
    }
}

#[test]
fn a_runaway_template_stops_at_a_named_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("call.md.j2"),
        "{% for a in range(10000) %}{% for b in range(10000) %}{{ \"x\" * 100000 }}{% endfor %}{% endfor %}",
    )
    .unwrap();
    let mut templates = Templates::load(Some(dir.path()), true).unwrap();
    assert_eq!(fourroads::export::MAX_OUTPUT, 256 << 20);
    // The same check at a lower limit, so the test stays quick in a debug build.
    templates.limit_output(4 << 20);
    let error = templates
        .render("call.md.j2", minijinja::Value::UNDEFINED)
        .unwrap_err()
        .to_string();
    assert!(error.contains("call.md.j2"), "{error}");
    assert!(error.contains("limit of 4 MiB"), "{error}");
    assert_eq!(error.lines().count(), 1);
}

/// An agent's summary holds the team's totals and their own per-person figures only:
/// colleagues' rows and the lead's disagreements with them are for leads.
#[test]
fn an_agents_summary_holds_their_own_figures_and_not_their_colleagues() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open_in_zone(&dir.path().join("demo"), jiff::tz::TimeZone::UTC).unwrap();
    fourroads::store::demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    let templates = Templates::load(None, true).unwrap();
    let clock = Clock::fixed(fixed_now());
    let whole = SummaryRequest {
        from: date(2026, 9, 1),
        to: date(2026, 11, 20),
        ..request(false)
    };
    let lead_sees = summary(&store, &templates, &whole, &clock).unwrap();
    for everyone in [
        "Priya Shah",
        "Marco Bellini",
        "Dana Okafor",
        "Sam Lindqvist",
    ] {
        assert!(lead_sees.contains(everyone), "{everyone}");
    }
    let mine = SummaryRequest {
        own_figures: Some("Priya Shah".into()),
        ..whole
    };
    let agent_sees = summary(&store, &templates, &mine, &clock).unwrap();
    assert!(agent_sees.contains("Priya Shah"));
    for colleague in ["Marco Bellini", "Dana Okafor", "Sam Lindqvist"] {
        let rows: Vec<&str> = agent_sees
            .lines()
            .filter(|l| l.starts_with('|') && l.contains(colleague))
            .collect();
        assert!(
            rows.is_empty(),
            "{colleague} in an agent's summary: {rows:?}"
        );
    }
}
