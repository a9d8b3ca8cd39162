//! Scale benchmarks (issue 5, SPEC §11) on stores made by `fourroads gen`, each at a
//! small and a large size so growth is visible. Our own small harness, because the
//! budget is stated as p99 and we report median and p99 of every measurement.
//!
//! `cargo bench` runs the full sizes (1k vs 1M calls, 1k vs 100k customers); stores are
//! generated once into `target/bench-stores/` and reused. `FOURROADS_BENCH=quick cargo
//! bench` shrinks the large size to 20k calls and 2k customers for a fast run;
//! `FOURROADS_BENCH_ONLY=open,keys,notes,queries,backup,export` picks groups.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use jiff::ToSpan;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use common::{App, Stats, clock, sample, show, stats};
use fourroads::app::{Action, Effect, State, update};
use fourroads::domain::Road;
use fourroads::domain::call::Role;
use fourroads::export::Templates;
use fourroads::export::summary::{SummaryRequest, summary};
use fourroads::input::Keymap;
use fourroads::runtime::effects::execute;
use fourroads::store::{ReviewQuery, SledStore, Store};
use fourroads::transfer::backup;
use fourroads::transfer::generate::{GenRequest, end, generate};
use fourroads::ui::{Theme, render};

struct Size {
    label: &'static str,
    customers: usize,
    calls: usize,
}

fn sizes() -> [Size; 2] {
    let quick = std::env::var("FOURROADS_BENCH").is_ok_and(|v| v == "quick");
    // FOURROADS_BENCH=100k: a tenth of the full size, for a figure between the two.
    if std::env::var("FOURROADS_BENCH").is_ok_and(|v| v == "100k") {
        return [
            Size {
                label: "1k",
                customers: 1_000,
                calls: 1_000,
            },
            Size {
                label: "100k",
                customers: 10_000,
                calls: 100_000,
            },
        ];
    }
    [
        Size {
            label: "1k",
            customers: 1_000,
            calls: 1_000,
        },
        if quick {
            Size {
                label: "20k",
                customers: 2_000,
                calls: 20_000,
            }
        } else {
            Size {
                label: "1M",
                customers: 100_000,
                calls: 1_000_000,
            }
        },
    ]
}

fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-stores")
}

/// The generated store for `size`, made once and reused.
fn store_path(size: &Size) -> PathBuf {
    let path = bench_dir().join(format!("gen-{}c-{}k-seed1", size.customers, size.calls));
    let done = path.join("generated");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&path);
        eprintln!(
            "generating {} customers and {} calls into {} (once)…",
            size.customers,
            size.calls,
            path.display()
        );
        let started = Instant::now();
        let store = SledStore::open_in_zone(&path, jiff::tz::TimeZone::UTC).unwrap();
        let request = GenRequest {
            customers: size.customers,
            calls: size.calls,
            seed: 1,
            agents: 12,
        };
        generate(&store, &request, &mut |_, _, _| {}).unwrap();
        drop(store);
        std::fs::write(&done, "").unwrap();
        eprintln!("  took {:.1} s", started.elapsed().as_secs_f64());
    }
    path
}

fn open(path: &Path) -> SledStore {
    SledStore::open_in_zone(path, jiff::tz::TimeZone::UTC).unwrap()
}

/// Prints one result line (and keeps it for the ratio lines).
fn report(results: &mut Vec<(String, String, Stats)>, name: &str, size: &str, stats: Stats) {
    println!(
        "{name:<44} {size:>4}  median {:>10}  p99 {:>10}  ({} samples)",
        show(stats.median),
        show(stats.p99),
        stats.samples
    );
    results.push((name.to_string(), size.to_string(), stats));
}

fn keystrokes(results: &mut Vec<(String, String, Stats)>, size: &Size, store: &SledStore) {
    // Notes editor: typing into an open call.
    let mut app = App::new(Role::Agent);
    app.run(store, vec![Effect::LoadQueue]);
    app.press(store, KeyCode::Enter);
    let typed = "customer says the router drops every evening #wifi ";
    let mut chars = typed.chars().cycle();
    let stats = sample(2_000, || {
        let c = chars.next().unwrap_or('x');
        app.keystroke_to_frame(KeyCode::Char(c), KeyModifiers::NONE);
    });
    report(results, "keystroke→frame: notes editor", size.label, stats);

    // Queue: moving down the list of every customer.
    let mut app = App::new(Role::Agent);
    app.run(store, vec![Effect::LoadQueue]);
    let mut down = true;
    let mut n = 0;
    let stats = sample(2_000, || {
        n += 1;
        if n % 400 == 0 {
            down = !down;
        }
        let code = if down { KeyCode::Down } else { KeyCode::Up };
        app.keystroke_to_frame(code, KeyModifiers::NONE);
    });
    report(results, "keystroke→frame: queue", size.label, stats);

    // Review list: a lead moving through the calls. Pages are fetched first (in the app
    // they arrive from the store worker), so only the UI task's work is timed.
    let mut app = App::new(Role::Lead);
    app.press(store, KeyCode::F(3));
    while app.state.review.calls.rows.len() < 2_100 {
        let Some((after, generation)) = app.state.review.calls.request_more(true) else {
            break;
        };
        let effect = Effect::LoadReviewPage {
            query: app.state.review.filters.query(app.state.clock.today()),
            after,
            generation,
        };
        for action in execute(store, effect, &clock()) {
            let _ = update(&mut app.state, action, end());
        }
    }
    let rows = app.state.review.calls.rows.len().max(2);
    let mut n = 0;
    let stats = sample(2_000, || {
        n += 1;
        let code = if (n / (rows - 1)).is_multiple_of(2) {
            KeyCode::Down
        } else {
            KeyCode::Up
        };
        app.keystroke_to_frame(code, KeyModifiers::NONE);
    });
    report(results, "keystroke→frame: review list", size.label, stats);

    // Dashboard: scrolling the figures.
    let mut app = App::new(Role::Lead);
    app.press(store, KeyCode::F(4));
    let mut n = 0;
    let stats = sample(2_000, || {
        n += 1;
        let code = if n % 20 < 10 {
            KeyCode::Down
        } else {
            KeyCode::Up
        };
        app.keystroke_to_frame(code, KeyModifiers::NONE);
    });
    report(results, "keystroke→frame: dashboard", size.label, stats);

    // Queue filter: one more letter in the `/` filter, over every customer.
    let mut app = App::new(Role::Agent);
    app.run(store, vec![Effect::LoadQueue]);
    app.press(store, KeyCode::Char('/'));
    let letters = ['a', 'n', 'n', ' ', 'l', 'e', 'e'];
    let mut at = 0;
    let stats = sample(700, || {
        if at == letters.len() {
            for _ in 0..letters.len() {
                app.keystroke_to_frame(KeyCode::Backspace, KeyModifiers::NONE);
            }
            at = 0;
        }
        app.keystroke_to_frame(KeyCode::Char(letters[at]), KeyModifiers::NONE);
        at += 1;
    });
    report(
        results,
        "queue filter keystroke (update+frame)",
        size.label,
        stats,
    );
}

/// About 1 MB of notes lines, as a paste brings them (CR line ends).
fn megabyte_of_notes() -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 1024 * 1024 {
        text.push_str(&format!(
            "{i:06} customer says the router drops every evening #wifi\r"
        ));
        i += 1;
    }
    text
}

/// The notes editor holding 1 MB (issue 10): the paste itself, typing after it, and
/// the autosave (card masking and the text to save) that typing triggers.
fn big_notes(results: &mut Vec<(String, String, Stats)>, size: &Size, store: &SledStore) {
    let typed = "customer says the router drops every evening #wifi ";
    // The same typing into short notes, measured the same way, side by side.
    let mut small = App::new(Role::Agent);
    small.run(store, vec![Effect::LoadQueue]);
    small.press(store, KeyCode::Enter);
    let mut chars = typed.chars().cycle();
    let stats_small = sample(2_000, || {
        let c = chars.next().unwrap_or('x');
        small.keystroke_to_frame(KeyCode::Char(c), KeyModifiers::NONE);
    });
    report(
        results,
        "keystroke→frame: notes editor, short notes",
        size.label,
        stats_small,
    );
    let mut app = App::new(Role::Agent);
    app.run(store, vec![Effect::LoadQueue]);
    app.press(store, KeyCode::Enter);
    let pasted = megabyte_of_notes();
    let started = Instant::now();
    let _effects = update(&mut app.state, Action::Paste(pasted), end());
    let (state, theme, keymap) = (&app.state, &app.theme, &app.keymap);
    app.terminal
        .draw(|frame| render(frame, state, theme, keymap))
        .unwrap();
    report(
        results,
        "1 MB paste into the notes (update+frame)",
        size.label,
        stats(vec![started.elapsed()]),
    );
    let started = Instant::now();
    let effects = update(&mut app.state, Action::AutosaveDue, end());
    report(
        results,
        "first autosave after it (masks all 1 MB)",
        size.label,
        stats(vec![started.elapsed()]),
    );
    std::hint::black_box(effects);
    let mut chars = typed.chars().cycle();
    let stats_typing = sample(2_000, || {
        let c = chars.next().unwrap_or('x');
        app.keystroke_to_frame(KeyCode::Char(c), KeyModifiers::NONE);
    });
    report(
        results,
        "keystroke→frame: notes editor, 1 MB loaded",
        size.label,
        stats_typing,
    );
    // One line of 1 MB (a paste without line breaks): typing at its end.
    let mut app_line = App::new(Role::Agent);
    app_line.run(store, vec![Effect::LoadQueue]);
    app_line.press(store, KeyCode::Enter);
    let line = megabyte_of_notes().replace('\r', " ");
    let _ = update(&mut app_line.state, Action::Paste(line), end());
    let mut chars = typed.chars().cycle();
    let stats_line = sample(2_000, || {
        let c = chars.next().unwrap_or('x');
        app_line.keystroke_to_frame(KeyCode::Char(c), KeyModifiers::NONE);
    });
    report(
        results,
        "keystroke→frame: notes, one 1 MB line",
        size.label,
        stats_line,
    );
    let stats_save = sample(400, || {
        app.keystroke_to_frame(KeyCode::Char('x'), KeyModifiers::NONE);
        let effects = update(&mut app.state, Action::AutosaveDue, end());
        std::hint::black_box(effects);
    });
    report(
        results,
        "key + autosave (mask, text), 1 MB of notes",
        size.label,
        stats_save,
    );
}

fn queries(results: &mut Vec<(String, String, Stats)>, size: &Size, store: &SledStore) {
    let today = clock().today();
    let month = (today.checked_sub(29.days()).unwrap(), today);
    let year = (today.checked_sub(364.days()).unwrap(), today);
    let agents = store.agents().unwrap();
    let filtered = ReviewQuery {
        agent: agents.first().cloned(),
        agent_road: Some(Road::GoAway),
        ..ReviewQuery::period(month.0, month.1)
    };
    let stats = sample(300, || {
        let page = store.review_page(&filtered, None, 50).unwrap();
        std::hint::black_box(page);
    });
    report(
        results,
        "review page: month + agent + road 4",
        size.label,
        stats,
    );
    let unreviewed = ReviewQuery {
        unreviewed_only: true,
        ..ReviewQuery::period(month.0, month.1)
    };
    let stats = sample(300, || {
        std::hint::black_box(store.review_page(&unreviewed, None, 50).unwrap());
    });
    report(results, "review page: month, unreviewed", size.label, stats);
    for (name, (from, to)) in [("dashboard: a month", month), ("dashboard: a year", year)] {
        let stats = sample(50, || {
            std::hint::black_box(store.dashboard(from, to, today).unwrap());
        });
        report(results, name, size.label, stats);
    }
    match_counts(results, size, store, month, year);
}

/// The review list's "N calls match" (issue 9): from the daily tallies where the filters
/// allow, else a walk of the list's index range a stretch at a time on the worker.
fn match_counts(
    results: &mut Vec<(String, String, Stats)>,
    size: &Size,
    store: &SledStore,
    month: (jiff::civil::Date, jiff::civil::Date),
    year: (jiff::civil::Date, jiff::civil::Date),
) {
    let whole_count = |query: &ReviewQuery| {
        let (mut total, mut after) = (0, None::<fourroads::store::PageCursor>);
        loop {
            let count = store.count_review_matches(query, after.as_ref()).unwrap();
            total += count.matches;
            match count.next {
                Some(next) => after = Some(next),
                None => return total,
            }
        }
    };
    let agents = store.agents().unwrap();
    let tallied = [
        (
            "count matches: month, unreviewed (tallies)",
            ReviewQuery {
                unreviewed_only: true,
                ..ReviewQuery::period(month.0, month.1)
            },
        ),
        (
            "count matches: year + agent + road 4 (tallies)",
            ReviewQuery {
                agent: agents.first().cloned(),
                agent_road: Some(Road::GoAway),
                ..ReviewQuery::period(year.0, year.1)
            },
        ),
    ];
    for (name, query) in tallied {
        let stats = sample(100, || {
            std::hint::black_box(whole_count(&query));
        });
        report(results, name, size.label, stats);
    }
    // A customer filter needs the calls: one stretch is what other work may wait for.
    let walk = ReviewQuery {
        customer: Some("a".into()),
        ..ReviewQuery::period(month.0, month.1)
    };
    let stats = sample(30, || {
        std::hint::black_box(store.count_review_matches(&walk, None).unwrap());
    });
    report(
        results,
        "count matches: month + customer, one stretch",
        size.label,
        stats,
    );
    let stats = sample(3, || {
        std::hint::black_box(whole_count(&walk));
    });
    report(
        results,
        "count matches: month + customer, whole walk",
        size.label,
        stats,
    );
}

fn open_to_first_frame(results: &mut Vec<(String, String, Stats)>, size: &Size, path: &Path) {
    let keymap = Keymap::default_keymap().unwrap();
    let theme = Theme::new(false);
    let first_frame = |with_queue: bool| {
        let store = open(path);
        let mut state = State::new("Bench Agent", Role::Agent, "bench", clock());
        update(
            &mut state,
            Action::Resize {
                width: 200,
                height: 50,
            },
            end(),
        );
        if with_queue {
            for action in execute(&store, Effect::LoadQueue, &clock()) {
                let _ = update(&mut state, action, end());
            }
        }
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
        terminal
            .draw(|frame| render(frame, &state, &theme, &keymap))
            .unwrap();
        drop(store);
    };
    // What the runtime does: open, draw; the queue is loaded by the store worker.
    let stats = sample(10, || first_frame(false));
    report(results, "open store → first frame", size.label, stats);
    let stats = sample(10, || first_frame(true));
    report(
        results,
        "open store → first frame with the queue",
        size.label,
        stats,
    );
}

fn transfer(results: &mut Vec<(String, String, Stats)>, size: &Size, store: &SledStore) {
    let file = bench_dir().join(format!("backup-{}.jsonl", size.label));
    let started = Instant::now();
    backup::backup(store, &file, end()).unwrap();
    report(
        results,
        "backup (write the JSONL file)",
        size.label,
        stats(vec![started.elapsed()]),
    );
    let target = bench_dir().join(format!("restore-{}", size.label));
    let _ = std::fs::remove_dir_all(&target);
    let started = Instant::now();
    {
        let mut fresh = open(&target);
        backup::restore(&mut fresh, &file, false).unwrap();
    }
    report(
        results,
        "restore a backup into a new store",
        size.label,
        stats(vec![started.elapsed()]),
    );
    let _ = std::fs::remove_dir_all(&target);
}

fn export(results: &mut Vec<(String, String, Stats)>, size: &Size, store: &SledStore) {
    let templates = Templates::load(None, true).unwrap();
    let today = clock().today();
    let request = SummaryRequest {
        from: today.checked_sub(364.days()).unwrap(),
        to: today,
        agent: None,
        road: None,
        calls: false,
        blind_lead: None,
        own_figures: None,
    };
    let started = Instant::now();
    let text = summary(store, &templates, &request, &clock()).unwrap();
    report(
        results,
        "export the summary of the whole year",
        size.label,
        stats(vec![started.elapsed()]),
    );
    std::hint::black_box(text);
}

/// Full-text search (F5): the store's part, as the worker runs it, and the UI's part of
/// a keystroke in the query line.
fn search(results: &mut Vec<(String, String, Stats)>, size: &Size, store: &SledStore) {
    // A reference only one call holds, as an agent would look for it.
    let newest = store.search("refund", 1).unwrap();
    if let Some(hit) = newest.calls.first() {
        let notes = store.notes(hit.call.id).unwrap();
        if !notes.contains("RF-20931") {
            store
                .save_notes(hit.call.id, &format!("{notes}\nRefund RF-20931 sent."))
                .unwrap();
        }
    }
    let name = store
        .all_customers()
        .unwrap()
        .into_iter()
        .next()
        .map(|c| c.name)
        .unwrap_or_default();
    let queries = [
        ("search: a word, first 50 (refund)", "refund".to_string()),
        (
            "search: two words (refund engineer)",
            "refund engineer".into(),
        ),
        ("search: a reference, phrase (RF-20931)", "RF-20931".into()),
        (
            "search: a phrase of common words",
            "\"nobody called me back\"".into(),
        ),
        ("search: a customer's full name", name),
    ];
    for (label, query) in queries {
        let stats = sample(200, || {
            std::hint::black_box(store.search(&query, fourroads::app::SEARCH_LIMIT).unwrap());
        });
        report(results, label, size.label, stats);
    }
    let mut app = App::new(Role::Agent);
    app.run(store, vec![Effect::LoadQueue]);
    app.press(store, KeyCode::F(5));
    app.press(store, KeyCode::Char('r'));
    let mut chars = "efund engineer visit ".chars().cycle();
    let stats = sample(2_000, || {
        let c = chars.next().unwrap_or('x');
        app.keystroke_to_frame(KeyCode::Char(c), KeyModifiers::NONE);
    });
    report(
        results,
        "keystroke→frame: search query line",
        size.label,
        stats,
    );
    let (postings, blocks, bytes) = store.search_index_size().unwrap();
    println!(
        "search index: {postings} postings in {blocks} blocks, {:.1} MB of keys and values",
        bytes as f64 / 1e6
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not run this.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    std::fs::create_dir_all(bench_dir()).unwrap();
    let mut results = Vec::new();
    let sizes = sizes();
    // FOURROADS_BENCH_ONLY=open,keys,notes,queries,backup,export,search runs some groups only.
    let only = std::env::var("FOURROADS_BENCH_ONLY").unwrap_or_default();
    let wanted = |group: &str| only.is_empty() || only.split(',').any(|g| g == group);
    for size in &sizes {
        let path = store_path(size);
        println!(
            "\n== {} calls, {} customers ({}) ==",
            size.calls,
            size.customers,
            path.display()
        );
        if wanted("open") {
            open_to_first_frame(&mut results, size, &path);
        }
        let store = open(&path);
        if wanted("keys") {
            keystrokes(&mut results, size, &store);
        }
        if wanted("notes") {
            big_notes(&mut results, size, &store);
        }
        if wanted("queries") {
            queries(&mut results, size, &store);
        }
        if wanted("backup") {
            transfer(&mut results, size, &store);
        }
        if wanted("export") {
            export(&mut results, size, &store);
        }
        if wanted("search") {
            search(&mut results, size, &store);
        }
    }
    println!("\n== large ÷ small (median, p99) ==");
    let (small, large) = (sizes[0].label, sizes[1].label);
    let names: Vec<String> = results
        .iter()
        .filter(|r| r.1 == small)
        .map(|r| r.0.clone())
        .collect();
    for name in names {
        let find = |size: &str| results.iter().find(|r| r.0 == name && r.1 == size);
        if let (Some(a), Some(b)) = (find(small), find(large)) {
            println!(
                "{name:<44} ×{:.2}  ×{:.2}",
                b.2.median.as_secs_f64() / a.2.median.as_secs_f64(),
                b.2.p99.as_secs_f64() / a.2.p99.as_secs_f64()
            );
        }
    }
}
