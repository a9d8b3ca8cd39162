//! Real-terminal tests: the `fourroads` binary runs in a pseudo-terminal, its output is
//! fed to a vt100 parser on a background thread, and the tests poll that screen.
//!
//! Every test runs under a hard deadline ([`with_deadline`]) and every wait has its own
//! timeout, so a hang fails with the screen in the message instead of blocking CI.

#![cfg(unix)]

mod terminal;

use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use portable_pty::PtySize;
use terminal::*;

/// The first queue row's text: the first line after the "Queue (…)" title.
fn first_queue_row(screen: &str) -> String {
    let mut lines = screen.lines().skip_while(|line| !line.contains("Queue ("));
    lines.next();
    lines.next().unwrap_or_default().to_string()
}

/// How many `x` the notes editor shows after `anchor`: the run of x that follows it,
/// wrapped over as many rows as it takes, within the editor's columns only.
fn xs_after(parser: &Mutex<vt100::Parser>, anchor: &str) -> usize {
    let parser = parser.lock().unwrap();
    let screen = parser.screen();
    let (rows, cols) = screen.size();
    let cell = |row: u16, col: u16| {
        screen
            .cell(row, col)
            .map(|c| c.contents())
            .unwrap_or_default()
    };
    let row_text = |row: u16| (0..cols).map(|col| cell(row, col)).collect::<Vec<_>>();
    // The anchor's row and first column.
    let anchor: Vec<String> = anchor.chars().map(String::from).collect();
    let (start_row, start_col) = (0..rows)
        .find_map(|row| {
            let text = row_text(row);
            (0..=text.len().saturating_sub(anchor.len()))
                .find(|&col| text[col..col + anchor.len()] == anchor[..])
                .map(|col| (row, col as u16))
        })
        .unwrap_or_else(|| panic!("{anchor:?} is not on the screen:\n{}", screen.contents()));
    // The editor spans from the anchor's column to the next border on its right.
    let right = (start_col..cols)
        .find(|&col| cell(start_row, col) == "│")
        .unwrap_or(cols);
    let mut count = 0;
    let mut col = start_col + anchor.len() as u16;
    for row in start_row..rows {
        let mut seen = false;
        while col < right {
            match cell(row, col).as_str() {
                "x" => {
                    count += 1;
                    seen = true;
                }
                "" | " " => {}
                _ => return count,
            }
            col += 1;
        }
        if !seen && row > start_row {
            break;
        }
        col = start_col;
    }
    count
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[test]
fn take_a_call_quit_and_find_it_again() {
    with_deadline(TEST_LIMIT, |sandbox| {
        let (mut tui, name) = sandbox.call_first_demo_customer();

        tui.type_text("Router keeps dropping #wifi");
        tui.wait_for_text("Router keeps dropping #wifi");
        tui.send(ALT_3);
        tui.wait_for_text("▶3 Teach");
        tui.send(CTRL_E);
        let screen = tui.wait_for_text("wrapped up");
        assert!(
            screen.contains(&format!("Call with {name} wrapped up: road 3 Teach")),
            "unexpected wrap-up message; the screen was:\n{screen}"
        );
        tui.send(CTRL_Q);
        assert_eq!(tui.wait_exit(), ExitCode(0), "Ctrl-Q exits with status 0");
        tui.drain();

        // The terminal is given back: the alternate screen is left after the last draw,
        // and cooked mode (line editing, echo) is back.
        let output = tui.output();
        let entered = find_last(&output, ENTER_ALTERNATE_SCREEN)
            .expect("the app entered the alternate screen");
        let left = find_last(&output, LEAVE_ALTERNATE_SCREEN)
            .expect("the app left the alternate screen on exit");
        assert!(
            entered < left,
            "the alternate screen was entered again after leaving it"
        );
        let tail = &output[left..];
        assert!(
            !moves_cursor(tail),
            "the app drew after leaving the alternate screen: {:?}",
            String::from_utf8_lossy(tail)
        );
        assert!(
            !tui.alternate_screen(),
            "the terminal is still on the alternate screen"
        );
        let termios = tui.master.get_termios().expect("the pty's settings");
        let local = format!("{:?}", termios.local_flags);
        assert!(
            local.contains("ICANON") && local.contains("ECHO"),
            "raw mode is still on after exit: {local}"
        );
        drop(tui);

        // Reopen: find the customer and see the call in their history.
        let mut tui = sandbox.open_tui(120, 40);
        tui.wait_for_text("Queue (44)");
        tui.send(b"/");
        tui.type_text(&name);
        let screen = tui.wait_for(
            &format!("{name}'s call history with the new call"),
            |screen| screen.contains("Call history") && screen.contains("Router keeps dropping"),
        );
        assert!(
            screen.contains(&name),
            "the customer pane does not show {name}:\n{screen}"
        );
        let history = screen
            .lines()
            .skip_while(|line| !line.contains("Call history"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            history.contains("Router keeps dropping"),
            "the new call is not in the Call history pane:\n{screen}"
        );
        // Ctrl-Q quits even while the filter is being typed. (A lone Esc right before it
        // would arrive as Alt-Ctrl-Q.)
        tui.send(CTRL_Q);
        assert_eq!(tui.wait_exit(), ExitCode(0));
    });
}

#[test]
fn kill_9_while_typing_loses_at_most_the_debounce_window() {
    with_deadline(TEST_LIMIT, |sandbox| {
        let (mut tui, name) = sandbox.call_first_demo_customer();

        tui.type_text("first words survive ");
        let typed = Instant::now();
        tui.wait_for("the first words to be shown and saved", |screen| {
            screen.contains("first words survive") && screen.contains("notes saved")
        });
        // Well past the 150 ms debounce.
        if let Some(rest) = Duration::from_millis(600).checked_sub(typed.elapsed()) {
            std::thread::sleep(rest);
        }

        // Type one x every ~10 ms for about a second, then kill without warning. Note
        // when each x was sent and, by polling the screen, when the app had shown it
        // (it had read and applied the key by then).
        let mut sent_at = Vec::new();
        let mut shown_at: Vec<(Instant, usize)> = Vec::new();
        let typing = Instant::now();
        while typing.elapsed() < Duration::from_secs(1) {
            tui.send(b"x");
            sent_at.push(Instant::now());
            std::thread::sleep(Duration::from_millis(10));
            let shown = xs_after(&tui.parser, "first words survive");
            if shown_at.last().is_none_or(|&(_, before)| shown > before) {
                shown_at.push((Instant::now(), shown));
            }
        }
        let killed_at = Instant::now();
        tui.kill_9();
        // An x had the whole debounce window (and a little more) to reach the disk when
        // it was typed more than 300 ms before the kill, and the app had read it by then,
        // shown by its being on the screen (on a loaded machine the app can lag behind the
        // typing; keys it has not read yet cannot have been saved).
        let window = Duration::from_millis(300);
        let typed_early = sent_at
            .iter()
            .filter(|&&at| killed_at.duration_since(at) > window)
            .count();
        let shown_early = shown_at
            .iter()
            .filter(|&&(at, _)| killed_at.duration_since(at) > window)
            .map(|&(_, shown)| shown)
            .max()
            .unwrap_or(0);
        let must_survive = typed_early.min(shown_early);
        assert!(
            must_survive > 0,
            "no x was typed and shown more than 300 ms before the kill"
        );
        drop(tui);

        let mut tui = sandbox.open_tui(120, 40);
        let screen = tui.wait_for_text("Queue (44)");
        let first = first_queue_row(&screen);
        assert!(
            first.contains("call open"),
            "the first queue row does not show the open call: {first:?}\nscreen:\n{screen}"
        );
        tui.send(ENTER);
        let screen = tui.wait_for_text("Resumed the open call");
        assert!(
            screen.contains(&format!("Resumed the open call with {name}")),
            "resumed a call with someone else than {name}:\n{screen}"
        );
        let screen = tui.wait_for_text("first words survive");
        let saved = xs_after(&tui.parser, "first words survive");
        let report = format!(
            "{} x typed; more than 300 ms before the kill {typed_early} were typed and {shown_early} shown; {saved} saved",
            sent_at.len()
        );
        eprintln!("kill -9: {report}");
        assert!(
            saved >= must_survive,
            "notes typed more than 300 ms before a kill -9 were lost: {report}; the screen was:\n{screen}"
        );
        assert!(
            saved <= sent_at.len(),
            "more x were saved ({saved}) than typed ({})",
            sent_at.len()
        );
        tui.send(CTRL_Q);
        assert_eq!(tui.wait_exit(), ExitCode(0));
    });
}

#[test]
fn second_instance_gets_the_lock_message() {
    with_deadline(TEST_LIMIT, |sandbox| {
        sandbox.load_demo();

        let mut tui = sandbox.open_tui(120, 40);
        tui.wait_for_text("Queue (44)");

        let second = sandbox.run(&[]);
        let stderr = String::from_utf8_lossy(&second.stderr);
        assert_eq!(
            second.status.code(),
            Some(2),
            "the second instance's exit status; stderr: {stderr}"
        );
        assert_eq!(
            stderr.trim_end(),
            format!(
                "fourroads: the store at {} is open in another fourroads window; close it there first",
                sandbox.store().display()
            )
        );
        assert!(
            second.stdout.is_empty(),
            "the second instance wrote to stdout (it must not touch the terminal): {:?}",
            String::from_utf8_lossy(&second.stdout)
        );

        // The first window is unaffected and quits normally.
        tui.wait_for_text("Queue (44)");
        tui.send(CTRL_Q);
        assert_eq!(tui.wait_exit(), ExitCode(0));
    });
}

/// Asserts the terminal was given back: the alternate screen left after the last draw,
/// and cooked mode (line editing, echo) back on.
fn assert_terminal_restored(tui: &Tui) {
    let output = tui.output();
    let entered =
        find_last(&output, ENTER_ALTERNATE_SCREEN).expect("the app entered the alternate screen");
    let left = find_last(&output, LEAVE_ALTERNATE_SCREEN)
        .expect("the app left the alternate screen on exit");
    assert!(
        entered < left,
        "the alternate screen was entered again after leaving it"
    );
    assert!(
        !moves_cursor(&output[left..]),
        "the app drew after leaving the alternate screen"
    );
    assert!(
        !tui.alternate_screen(),
        "the terminal is still on the alternate screen"
    );
    let termios = tui.master.get_termios().expect("the pty's settings");
    let local = format!("{:?}", termios.local_flags);
    assert!(
        local.contains("ICANON") && local.contains("ECHO"),
        "raw mode is still on after exit: {local}"
    );
}

fn send_signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill {signal} {pid} failed");
}

#[test]
fn an_unterminated_paste_does_not_swallow_ctrl_q() {
    with_deadline(TEST_LIMIT, |sandbox| {
        sandbox.load_demo();
        let mut tui = sandbox.open_tui(120, 40);
        tui.wait_for_text("Queue (44)");
        // A paste start with no end, then Ctrl-Q a moment later.
        tui.send(b"\x1b[200~hello");
        std::thread::sleep(Duration::from_millis(100));
        tui.send(CTRL_Q);
        assert_eq!(
            tui.wait_exit(),
            ExitCode(0),
            "Ctrl-Q still quits, with status 0"
        );
        tui.drain();
        assert_terminal_restored(&tui);
    });
}

#[test]
fn a_four_kilobyte_burst_arrives_whole_without_another_key() {
    with_deadline(TEST_LIMIT, |sandbox| {
        let (mut tui, _) = sandbox.call_first_demo_customer();
        let tail = " TAILMARK";
        let mut burst = "lorem ipsum dolor sit amet ".repeat(160);
        burst.truncate(4096 - tail.len());
        burst.push_str(tail);
        assert_eq!(burst.len(), 4096);
        // One write, then nothing: every byte must be read without a further key.
        tui.send(burst.as_bytes());
        // Generous: the notes editor still re-wraps all its text on every key, which a
        // debug build on a busy machine feels. Without the fix the tail never comes.
        tui.wait_for_within(Duration::from_secs(90), "the burst's last word", |screen| {
            screen.contains("TAILMARK")
        });
        tui.send(CTRL_Q);
        assert_eq!(tui.wait_exit(), ExitCode(0));
    });
}

#[test]
fn sigterm_during_a_runaway_export_saves_the_notes_typed_meanwhile_and_exits() {
    with_deadline(TEST_LIMIT, |sandbox| {
        // A user template that runs (practically) forever.
        let templates = sandbox.root.path().join("config/fourroads/templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(
            templates.join("summary.md.j2"),
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        )
        .unwrap();
        let (mut tui, name) = sandbox.call_first_demo_customer();
        tui.type_text("before the export");
        tui.wait_for("the first notes saved", |s| {
            s.contains("before the export") && s.contains("notes saved")
        });

        // F4, export (the runaway template), back to F2 and into the notes.
        tui.send(b"\x1bOS");
        tui.wait_for_text("Dashboard");
        tui.send(b"e");
        tui.wait_for_text("Writing the summary");
        tui.send(b"\x1bOQ");
        tui.wait_for_text("ON CALL");
        tui.send(b"e");
        tui.type_text(" and after it");
        tui.wait_for("the notes typed during the export saved", |s| {
            s.contains("and after it") && s.contains("notes saved")
        });

        send_signal(tui.pid, "-TERM");
        // 0, or 1 with a line naming the export when it had run long enough to count
        // as stuck.
        let status = tui.wait_exit();
        assert!(
            status == ExitCode(0) || status == ExitCode(1),
            "SIGTERM ends the app: {status:?}"
        );
        tui.drain();
        assert_terminal_restored(&tui);
        drop(tui);

        // The notes typed while the export ran are in the store.
        std::fs::remove_file(templates.join("summary.md.j2")).unwrap();
        let mut tui = sandbox.open_tui(120, 40);
        tui.wait_for_text("Queue (44)");
        tui.send(ENTER);
        tui.wait_for_text(&format!("Resumed the open call with {name}"));
        tui.wait_for_text("before the export and after it");
        tui.send(CTRL_Q);
        assert_eq!(tui.wait_exit(), ExitCode(0));
    });
}

/// About 1 MB of notes lines ending in CR, as a terminal sends a paste, then a last line.
fn megabyte_with_cr() -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 1024 * 1024 {
        text.push_str(&format!("{i:06} pasted from the ticket #wifi\r"));
        i += 1;
    }
    text.push_str("END OF PASTE");
    text
}

#[test]
fn a_megabyte_bracketed_paste_with_cr_is_saved_with_line_breaks() {
    with_deadline(TEST_LIMIT, |sandbox| {
        let (mut tui, name) = sandbox.call_first_demo_customer();
        let pasted = megabyte_with_cr();
        tui.send(b"\x1b[200~");
        for chunk in pasted.as_bytes().chunks(64 * 1024) {
            tui.send(chunk);
        }
        tui.send(b"\x1b[201~");
        tui.wait_for("the end of the paste on screen", |screen| {
            screen.contains("END OF PASTE")
        });
        // Typing after the paste is taken and shown.
        tui.type_text(" typed after");
        let screen = tui.wait_for_text("END OF PASTE typed after");
        assert!(
            !screen.contains('\u{240D}'),
            "CR shown as a symbol:\n{screen}"
        );
        // Quit once the header says the notes are saved, as a user would: saving a
        // megabyte takes about a second in a debug build on a loaded machine, and a quit
        // waits at most `QUIT_WAIT` before it rescues the notes to a file instead.
        tui.wait_for_text("notes saved");
        tui.send(CTRL_Q);
        let code = tui.wait_exit();
        let said = {
            let raw = tui.raw.lock().unwrap();
            String::from_utf8_lossy(&raw[raw.len().saturating_sub(400)..]).into_owned()
        };
        assert_eq!(
            code,
            ExitCode(0),
            "Ctrl-Q exits after the paste; it said: {said}"
        );
        drop(tui);

        let store = fourroads::store::SledStore::open(&sandbox.store()).expect("the store opens");
        use fourroads::store::Store;
        let (entries, _) = store.queue_entries().unwrap();
        let customer = entries
            .iter()
            .find(|entry| entry.name == name)
            .expect("the customer of the call");
        let call = store
            .open_call_for(customer.customer_id)
            .unwrap()
            .expect("the call is left open, to resume");
        let saved = store.notes(call.id).unwrap();
        let expected = format!("{} typed after", pasted.replace('\r', "\n"));
        assert_eq!(saved.len(), expected.len(), "the saved notes' size");
        assert!(saved == expected, "the saved notes differ from the paste");
    });
}

#[test]
fn a_resized_terminal_is_redrawn_at_its_new_size() {
    with_deadline(TEST_LIMIT, |sandbox| {
        sandbox.load_demo();
        let mut tui = sandbox.open_tui(120, 40);
        tui.wait_for_text("Queue (44)");
        let size = PtySize {
            rows: 30,
            cols: 90,
            pixel_width: 0,
            pixel_height: 0,
        };
        tui.parser.lock().unwrap().set_size(30, 90);
        tui.master.resize(size).expect("resizing the pty");
        // The rightmost pane's corner lands on the new last column.
        tui.wait_for("a frame drawn 90 columns wide", |screen| {
            screen
                .lines()
                .any(|line| line.chars().count() == 90 && line.ends_with('┐'))
        });
        tui.send(CTRL_Q);
        assert_eq!(tui.wait_exit(), ExitCode(0));
    });
}

#[test]
fn search_a_generated_store_and_open_a_call() {
    const F5: &[u8] = b"\x1b[15~";
    const ESC: &[u8] = b"\x1b";
    with_deadline(TEST_LIMIT, |sandbox| {
        let output = sandbox.run(&["gen", "--customers", "100", "--calls", "800", "--seed", "7"]);
        assert!(
            output.status.success(),
            "`fourroads gen` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut tui = sandbox.open_tui(100, 30);
        tui.wait_for_text("Queue (100)");
        tui.send(F5);
        tui.wait_for_text("Search customers and notes");
        // `q` and digits are commands elsewhere; here they are typed.
        tui.type_text("q");
        tui.wait_for_text("› q");
        tui.send(b"\x7f");
        tui.type_text("refund");
        let screen = tui.wait_for("a call with its match marked", |s| {
            s.contains("Calls (") && s.contains("»") && s.contains("«")
        });
        assert!(screen.contains("› refund"), "{screen}");
        tui.send(ENTER);
        tui.wait_for("the call opened with its notes", |s| {
            s.contains("Call (read-only)") && s.contains("Sentiment") && s.contains("Notes")
        });
        tui.send(ESC);
        tui.wait_for_text("Calls (");
        tui.send(CTRL_Q);
        assert_eq!(tui.wait_exit(), ExitCode(0));
    });
}

#[test]
fn without_colour_the_cursor_shows_at_the_end_of_a_line() {
    with_deadline(TEST_LIMIT, |sandbox| {
        sandbox.load_demo();
        let mut tui = Tui::spawn_with(sandbox, 120, 40, &[("NO_COLOR", "1")]);
        tui.wait_for_text("Queue (44)");
        tui.send(ENTER);
        tui.wait_for_text("ON CALL");
        tui.type_text("no colour here");
        tui.wait_for_text("no colour here");
        let parser = tui.parser.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let (row, col) = (0..rows)
            .find_map(|row| {
                let text = screen.contents_between(row, 0, row, cols);
                text.find("no colour here")
                    .map(|at| (row, text[..at].chars().count() as u16))
            })
            .expect("the typed text on screen");
        let after = screen.cell(row, col + 14).expect("the cell after the text");
        assert!(
            after.inverse(),
            "no reversed cursor cell after the typed text (NO_COLOR)"
        );
        drop(parser);
        tui.send(CTRL_Q);
        assert_eq!(tui.wait_exit(), ExitCode(0));
    });
}

#[test]
fn sigterm_during_a_flood_of_keys_is_not_kept_waiting() {
    with_deadline(TEST_LIMIT, |sandbox| {
        let (mut tui, _) = sandbox.call_first_demo_customer();
        // 24 KB of typing arrives at once: far more than the editor applies in a moment.
        for _ in 0..24 {
            tui.send("many words typed fast ".repeat(47).as_bytes());
        }
        send_signal(tui.pid, "-TERM");
        assert_eq!(tui.wait_exit(), ExitCode(0), "SIGTERM ends the app");
        tui.drain();
        assert_terminal_restored(&tui);
    });
}
