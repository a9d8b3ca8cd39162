//! Two real app processes, each in its own pseudo-terminal and on its own store, on one
//! team hub (SPEC §12): an agent wraps up a call and it appears in the lead's Review
//! view; the lead's review comes back to the agent's F3. Both headers say `synced`.
//!
//! How long each change took to show is printed, not asserted: on a loaded machine the
//! waits are generous; the two-second figure is measured in the benchmarks.

#![cfg(unix)]

mod pg;
mod team;
mod terminal;

use std::time::{Duration, Instant};

use pg::TestDb;
use terminal::*;

const F3: &[u8] = b"\x1bOR";
const ALT_2: &[u8] = b"\x1b2";
const UP: &[u8] = b"\x1b[A";
/// How long a change may take to travel from one app to the other before the test fails
/// (generous: two debug builds, PostgreSQL and the test itself share a small CI machine).
const TRAVEL: Duration = Duration::from_secs(20);

/// A hub database of the test's own (the apps LISTEN, and notices are per database), or
/// `None` when no PostgreSQL was asked for.
fn hub_database(test: &str) -> Option<TestDb> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(TestDb::create_database(test))
}

/// Runs `fourroads ARGS` on `sandbox`'s store and fails the test, with its output, unless
/// it succeeds; returns its standard output.
fn succeed(sandbox: &Sandbox, args: &[&str]) -> String {
    let output = sandbox.run_within(Duration::from_secs(120), args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "`fourroads {}` failed: {:?}\nstdout: {stdout}\nstderr: {}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The first screen line holding every one of `parts`.
fn line_with<'a>(screen: &'a str, parts: &[&str]) -> Option<&'a str> {
    screen
        .lines()
        .find(|line| parts.iter().all(|part| line.contains(part)))
}

/// The header (first line) says the team sync is done: `synced Ns ago`.
fn assert_header_synced(who: &str, tui: &Tui) {
    let screen = tui.wait_for(&format!("`synced` in the {who}'s header"), |screen| {
        screen.lines().next().is_some_and(|h| h.contains("synced "))
    });
    let header = screen.lines().next().unwrap_or_default();
    assert!(
        header.contains("ago"),
        "the {who}'s header does not say how long ago: {header:?}"
    );
}

#[test]
fn an_agents_wrapped_up_call_reaches_the_leads_review_and_the_review_comes_back() {
    let Some(hub) = hub_database("team_pty") else {
        return;
    };
    // The hub owner's address.
    let url = hub.url.clone();
    let prefix = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(team::login_prefix(&url));
    with_deadline(Duration::from_secs(240), move |agent_ws| {
        let lead_ws = agent_ws.another();
        let (agent_login, lead_login) = (format!("{prefix}_tess"), format!("{prefix}_lena"));

        // The hub, and its owner adds the two people, each with their own login.
        succeed(agent_ws, &["team", "init", &url]);
        let tess = team::add_args(&agent_login, "agent", "Tess Tester", &url);
        let agent_url = team::join_url_in(&succeed(agent_ws, &tess));
        let lena = team::add_args(&lead_login, "lead", "Lena Lead", &url);
        let lead_url = team::join_url_in(&succeed(&lead_ws, &lena));
        // The agent's workstation had the demo data before the team existed: other
        // people's calls and a lead's reviews, which the agent's own login may not send.
        // The owner brings it in as it is (joining uploads it) and hands the workstation
        // to the agent, who joins with their own login.
        agent_ws.load_demo();
        let joined = succeed(agent_ws, &["team", "join", &url]);
        assert!(joined.starts_with("Joined the team hub"), "{joined}");
        let workstation = team::workstation_in(&succeed(agent_ws, &["team", "status"]));
        succeed(
            agent_ws,
            &[&tess[..], &["--workstation", &workstation]].concat(),
        );
        let joined = succeed(agent_ws, &["team", "join", &agent_url]);
        assert!(
            joined.starts_with("Joined the team hub") && joined.contains("as Tess Tester (agent"),
            "{joined}"
        );
        // The lead's workstation joins empty, with the lead's own login.
        let joined = succeed(&lead_ws, &["team", "join", &lead_url]);
        assert!(
            joined.starts_with("Joined the team hub") && !joined.contains("received 0"),
            "the lead's empty store received nothing: {joined}"
        );

        // The lead waits in the Review view.
        let mut lead = lead_ws.open_tui_as(120, 40, &["--agent", "Lena Lead", "--role", "lead"]);
        lead.wait_for_text("Queue (44)");
        lead.send(F3);
        lead.wait_for_text("Calls, newest first");

        // The agent takes the first call in the queue, notes it, puts it on road 2 and
        // wraps it up.
        let mut agent = agent_ws.open_tui_as(120, 40, &["--agent", "Tess Tester"]);
        agent.wait_for_text("Queue (44)");
        agent.send(ENTER);
        let name = on_call_name(&agent.wait_for_text("ON CALL"));
        // The review list cuts long names short: look for the start of this one.
        let short: String = name.chars().take(12).collect();
        agent.type_text("Router reset twice, still drops #wifi");
        agent.wait_for_text("Router reset twice, still drops #wifi");
        agent.send(ALT_2);
        agent.wait_for_text("▶2 Care");
        agent.send(CTRL_E);
        let wrapped = agent.wait_for_text("wrapped up");
        let wrapped_at = Instant::now();
        assert!(
            wrapped.contains(&format!("Call with {name} wrapped up: road 2 Care")),
            "{wrapped}"
        );

        // The call shows in the lead's list, unasked.
        let screen = lead.wait_for_within(TRAVEL, "the agent's call in the lead's list", |s| {
            line_with(s, &["Tess Tester", &short]).is_some()
        });
        let to_lead = wrapped_at.elapsed();
        eprintln!("team_pty: the wrapped-up call showed in the lead's Review after {to_lead:?}");
        let row = line_with(&screen, &["Tess Tester", &short]).unwrap_or_default();
        assert!(
            row.contains("hidden"),
            "blind review: the agent's road is hidden in the lead's row: {row:?}"
        );

        // The agent looks at their own reviews meanwhile: the call, not reviewed yet.
        agent.send(F3);
        agent.wait_for("the agent's own call in their F3, not reviewed yet", |s| {
            line_with(s, &["Tess Tester", &short]).is_some()
                && s.contains("Lead's road: not reviewed yet")
        });

        // The lead selects the new call (a reload keeps the selection where it was, so
        // it may be above), sees the notes, and chooses road 3 with a reason.
        let mut selected = false;
        for _ in 0..5 {
            let screen = lead.screen();
            if line_with(&screen, &["▶", "Tess Tester", &short]).is_some() {
                selected = true;
                break;
            }
            lead.send(UP);
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(
            selected,
            "the lead could not select the new call:\n{}",
            lead.screen()
        );
        lead.wait_for_text("Router reset twice, still drops");
        lead.send(b"3");
        lead.wait_for_text("A reason is required");
        lead.type_text("Showed her the reset button");
        lead.wait_for_text("Showed her the reset button");
        lead.send(ENTER);
        lead.wait_for(
            "the lead's review saved with its reason, in the detail",
            |s| {
                s.contains("reason recorded")
                    && !s.contains("A reason is required")
                    && s.contains("Lead's road: 3 Teach")
                    && s.contains("Agent's road: 2 Care")
                    && s.contains("Showed her the reset button")
            },
        );
        let reviewed_at = Instant::now();

        // The review reaches the agent's F3, open all along: the road first (the lead's
        // blind pick is saved, and travels, before the reason), then the reason.
        let screen = agent.wait_for_within(TRAVEL, "the lead's review in the agent's F3", |s| {
            s.contains("Lead's road: 3 Teach") && s.contains("Showed her the reset button")
        });
        let to_agent = reviewed_at.elapsed();
        eprintln!("team_pty: the lead's review showed in the agent's F3 after {to_agent:?}");
        assert!(
            screen.contains("by Lena Lead"),
            "the review names the lead:\n{screen}"
        );
        assert!(
            screen.contains("Not yet acknowledged by Tess Tester"),
            "the review is new to the agent:\n{screen}"
        );

        assert_header_synced("lead", &lead);
        assert_header_synced("agent", &agent);

        agent.send(CTRL_Q);
        lead.send(CTRL_Q);
        assert_eq!(agent.wait_exit(), ExitCode(0));
        assert_eq!(lead.wait_exit(), ExitCode(0));
    });
    drop(hub);
}
