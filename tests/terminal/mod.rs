//! The pseudo-terminal harness shared by the real-terminal tests: the `fourroads` binary
//! runs in a pseudo-terminal, its output is fed to a vt100 parser on a background thread,
//! and the tests poll that screen. Each [`Sandbox`] is one workstation: its own HOME,
//! config and data directories and store.
//!
//! Every test runs under a hard deadline ([`with_deadline`]) and every wait has its own
//! timeout, so a hang fails with the screen in the message instead of blocking CI.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const BIN: &str = env!("CARGO_BIN_EXE_fourroads");
/// How long any single wait may take (generous: CI machines can be slow).
pub const WAIT: Duration = Duration::from_secs(20);
/// How long a whole test may take.
pub const TEST_LIMIT: Duration = Duration::from_secs(150);
/// How often the screen is polled.
pub const POLL: Duration = Duration::from_millis(15);

pub const ENTER: &[u8] = b"\r";
pub const ALT_3: &[u8] = b"\x1b3";
pub const CTRL_E: &[u8] = b"\x05";
pub const CTRL_Q: &[u8] = b"\x11";
pub const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
pub const ENTER_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049h";

// ---------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------

/// Process ids this test started, so the watchdog can kill them if the test hangs.
pub type Pids = Arc<Mutex<Vec<u32>>>;

/// Runs `body` on its own thread and fails the test if it takes longer than `limit`,
/// SIGKILLing every process the body started first. A panic in the body is re-raised
/// with its original message.
pub fn with_deadline(limit: Duration, body: impl FnOnce(&Sandbox) + Send + 'static) {
    let pids: Pids = Arc::default();
    let sandbox = Sandbox::new(pids.clone());
    let (done_tx, done_rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&sandbox)));
        drop(sandbox);
        let _ = done_tx.send(());
        outcome
    });
    match done_rx.recv_timeout(limit) {
        Ok(()) => {
            if let Err(panic) = worker.join().expect("the test thread ends") {
                std::panic::resume_unwind(panic);
            }
        }
        Err(_) => {
            for pid in pids.lock().unwrap().iter() {
                kill_9(*pid);
            }
            panic!("the test did not finish within {limit:?}: something hung");
        }
    }
}

pub fn kill_9(pid: u32) {
    let _ = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Temporary HOME, config and data directories and a store directory, all private to
/// one test.
pub struct Sandbox {
    pub root: tempfile::TempDir,
    pub pids: Pids,
}

impl Sandbox {
    pub fn new(pids: Pids) -> Sandbox {
        let root = tempfile::tempdir().expect("a temporary directory");
        for dir in ["home", "config", "data"] {
            std::fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        Sandbox { root, pids }
    }

    pub fn store(&self) -> PathBuf {
        self.root.path().join("store")
    }

    pub fn env(&self) -> Vec<(String, String)> {
        let dir = |name: &str| self.root.path().join(name).display().to_string();
        vec![
            ("TERM".into(), "xterm-256color".into()),
            ("HOME".into(), dir("home")),
            ("XDG_CONFIG_HOME".into(), dir("config")),
            ("XDG_DATA_HOME".into(), dir("data")),
            ("LANG".into(), "C.UTF-8".into()),
            ("USER".into(), "tester".into()),
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ]
    }

    /// The binary as a plain child process (no terminal), with this sandbox's
    /// environment and `--store`.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .env_clear()
            .envs(self.env())
            .current_dir(self.root.path())
            .arg("--store")
            .arg(self.store())
            .args(args);
        command
    }

    /// Runs the binary to completion without a terminal (stdin null), within [`WAIT`].
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.run_within(WAIT, args)
    }

    /// As [`Sandbox::run`], for a command that may take up to `limit`.
    pub fn run_within(&self, limit: Duration, args: &[&str]) -> std::process::Output {
        let mut command = self.command(args);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = command.spawn().expect("the binary starts");
        let pid = child.id();
        self.pids.lock().unwrap().push(pid);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        match rx.recv_timeout(limit) {
            Ok(output) => output.expect("the binary runs"),
            Err(_) => {
                kill_9(pid);
                panic!(
                    "`fourroads {}` did not finish within {limit:?}",
                    args.join(" ")
                );
            }
        }
    }

    /// Fills the store with the demo data through the non-interactive `demo` command.
    pub fn load_demo(&self) {
        let output = self.run(&["demo"]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.starts_with("Loaded 44 customers and "),
            "`fourroads demo` failed: {:?}\nstdout: {stdout}\nstderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Another workstation for the same test: its own directories and store, killed by
    /// the same watchdog.
    pub fn another(&self) -> Sandbox {
        Sandbox::new(self.pids.clone())
    }

    /// Opens the TUI on this sandbox's store as someone given by `args` (`--agent NAME`,
    /// `--role lead`).
    pub fn open_tui_as(&self, cols: u16, rows: u16, args: &[&str]) -> Tui {
        Tui::launch(self, cols, rows, &[], args)
    }

    /// Opens the TUI on this sandbox's store in a fresh `cols`×`rows` pseudo-terminal.
    pub fn open_tui(&self, cols: u16, rows: u16) -> Tui {
        Tui::spawn(self, cols, rows)
    }

    /// Loads the demo, opens the TUI at 120×40 and starts a call with the first customer
    /// in the queue; returns the running app and that customer's name.
    pub fn call_first_demo_customer(&self) -> (Tui, String) {
        self.load_demo();
        let mut tui = self.open_tui(120, 40);
        tui.wait_for_text("Queue (44)");
        tui.send(ENTER);
        let screen = tui.wait_for_text("ON CALL");
        let name = on_call_name(&screen);
        (tui, name)
    }
}

/// The app running in a pseudo-terminal.
pub struct Tui {
    pub parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the app wrote, in order.
    pub raw: Arc<Mutex<Vec<u8>>>,
    /// Set by the reader thread once the terminal reports end of output.
    pub closed: Arc<AtomicBool>,
    pub reader: Option<JoinHandle<()>>,
    pub writer: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    pub master: Box<dyn MasterPty + Send>,
    pub pid: u32,
    /// Whether the child has been reaped.
    pub exited: bool,
}

/// The app's exit status as a plain number, easy to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExitCode(pub u32);

impl Tui {
    pub fn spawn(sandbox: &Sandbox, cols: u16, rows: u16) -> Tui {
        Tui::spawn_with(sandbox, cols, rows, &[])
    }

    /// As [`Tui::spawn`], with extra environment variables.
    pub fn spawn_with(sandbox: &Sandbox, cols: u16, rows: u16, env: &[(&str, &str)]) -> Tui {
        Tui::launch(sandbox, cols, rows, env, &["--agent", "Tess Tester"])
    }

    /// The app on `sandbox`'s store with extra environment variables and arguments
    /// (such as `--agent NAME --role lead`).
    pub fn launch(
        sandbox: &Sandbox,
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut builder = CommandBuilder::new(BIN);
        builder.env_clear();
        for (key, value) in sandbox.env() {
            builder.env(key, value);
        }
        for (key, value) in env {
            builder.env(key, value);
        }
        builder.cwd(sandbox.root.path());
        builder.arg("--store");
        builder.arg(sandbox.store());
        builder.args(args);
        let child = pair.slave.spawn_command(builder).expect("the app starts");
        // Only the child may hold the terminal side open, so the reader sees the end of
        // output when the child is gone.
        drop(pair.slave);
        let pid = child.process_id().expect("the child has a process id");
        sandbox.pids.lock().unwrap().push(pid);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let closed = Arc::new(AtomicBool::new(false));
        let mut source = pair.master.try_clone_reader().expect("a pty reader");
        let reader = {
            let (parser, raw, closed) = (parser.clone(), raw.clone(), closed.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match source.read(&mut buf) {
                        // Linux reports EIO once the terminal side is closed.
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            raw.lock().unwrap().extend_from_slice(&buf[..n]);
                            parser.lock().unwrap().process(&buf[..n]);
                        }
                    }
                }
                closed.store(true, Ordering::SeqCst);
            })
        };
        let writer = pair.master.take_writer().expect("a pty writer");
        Tui {
            parser,
            raw,
            closed,
            reader: Some(reader),
            writer,
            child,
            master: pair.master,
            pid,
            exited: false,
        }
    }

    /// Sends bytes to the app as if typed.
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("writing to the pty");
        self.writer.flush().expect("flushing the pty");
    }

    pub fn type_text(&mut self, text: &str) {
        self.send(text.as_bytes());
    }

    /// The screen as text, one line a row.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Polls the screen until `done` holds; returns that screen. On timeout, fails with
    /// `what` and the last screen.
    pub fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        self.wait_for_within(WAIT, what, done)
    }

    /// As [`Tui::wait_for`], with its own time limit.
    pub fn wait_for_within(
        &self,
        limit: Duration,
        what: &str,
        done: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if start.elapsed() > limit {
                panic!("timed out after {limit:?} waiting for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(POLL);
        }
    }

    pub fn wait_for_text(&self, needle: &str) -> String {
        self.wait_for(&format!("{needle:?} on screen"), |screen| {
            screen.contains(needle)
        })
    }

    /// Waits for the app to exit by itself; fails (after killing it) if it does not.
    pub fn wait_exit(&mut self) -> ExitCode {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("polling the child") {
                self.exited = true;
                return ExitCode(status.exit_code());
            }
            if start.elapsed() > WAIT {
                let screen = self.screen();
                kill_9(self.pid);
                panic!("the app did not exit within {WAIT:?}; the screen was:\n{screen}");
            }
            std::thread::sleep(POLL);
        }
    }

    /// SIGKILLs the app (no chance to save or restore anything) and reaps it.
    /// `portable_pty`'s own `kill` sends SIGHUP on unix, which the app handles by
    /// saving, so it is not used here.
    pub fn kill_9(&mut self) {
        kill_9(self.pid);
        let start = Instant::now();
        while self.child.try_wait().expect("polling the child").is_none() {
            assert!(start.elapsed() < WAIT, "SIGKILL did not end the app");
            std::thread::sleep(POLL);
        }
        self.exited = true;
    }

    /// After exit: waits until the reader has seen the end of the output, so `output`
    /// holds every byte the app wrote.
    pub fn drain(&mut self) {
        let start = Instant::now();
        while !self.closed.load(Ordering::SeqCst) {
            assert!(
                start.elapsed() < WAIT,
                "the terminal output did not end after the app exited"
            );
            std::thread::sleep(POLL);
        }
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader thread ends");
        }
    }

    pub fn output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if !self.exited && matches!(self.child.try_wait(), Ok(None)) {
            kill_9(self.pid);
            let _ = self.child.wait();
        }
    }
}

pub fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window == needle)
}

/// Whether `bytes` contain a cursor-positioning escape (CSI … H), i.e. drawing.
pub fn moves_cursor(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(start) = bytes[i..].windows(2).position(|w| w == b"\x1b[") {
        let mut j = i + start + 2;
        while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b';') {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'H' {
            return true;
        }
        i = j;
    }
    false
}

/// The customer's name from the call header " ● ON CALL <name>  <status>  ⏱ …".
pub fn on_call_name(screen: &str) -> String {
    let line = screen
        .lines()
        .find(|line| line.contains("ON CALL "))
        .unwrap_or_else(|| panic!("no ON CALL header on the screen:\n{screen}"));
    let after = line.split_once("ON CALL ").unwrap().1;
    let name = after.split("  ").next().unwrap().trim().to_string();
    assert!(
        !name.is_empty(),
        "no customer name in the call header {line:?}"
    );
    name
}
