//! The command line as a user meets it, through the real binary: messages that quote
//! user data show control characters visibly, problems are said for a person, and the
//! files it creates (log, exports) are owner-only.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

/// Runs fourroads with its data and config folders inside `home`.
fn run(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fourroads"))
        .args(args)
        .env_remove("FOURROADS_STORE")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("USER", "tester")
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn messages_never_pass_escape_sequences_to_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let store = home.path().join("store");
    let store = store.to_str().unwrap();
    let csv = home.path().join("people.csv");
    std::fs::write(
        &csv,
        "name,\x1b]52;c;aGk=\x07,external_id\nAnn,x,\x1b[2J\nBob,y,\x1b[2J\n",
    )
    .unwrap();
    let import = run(
        home.path(),
        &[
            "--store",
            store,
            "import",
            "customers",
            csv.to_str().unwrap(),
        ],
    );
    assert!(!import.status.success());
    let text = stderr(&import);
    assert!(text.contains("already used on line 2"), "{text}");
    let erase = run(
        home.path(),
        &[
            "--store",
            store,
            "erase",
            "customer",
            "\x1b[2J\x1b]52;c;aGk=\x07",
            "--yes",
        ],
    );
    assert!(!erase.status.success());
    let erase_text = stderr(&erase);
    assert!(erase_text.contains("no customer has"), "{erase_text}");
    for text in [text, erase_text] {
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
        assert!(
            text.contains('\u{241b}'),
            "shown as a visible symbol: {text:?}"
        );
    }
}

#[test]
fn a_store_path_that_is_a_file_is_said_plainly() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("notes.txt");
    std::fs::write(&file, "not a store").unwrap();
    let output = run(home.path(), &["--store", file.to_str().unwrap(), "demo"]);
    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(text.contains("is a file, not a folder"), "{text}");
    assert!(!text.contains("os error"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn the_log_its_folder_and_exports_are_owner_only() {
    let home = tempfile::tempdir().unwrap();
    let store = home.path().join("store");
    let store = store.to_str().unwrap();
    let demo = run(home.path(), &["--store", store, "demo"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let data = home.path().join("data").join("fourroads");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("fourroads.log")), 0o600);

    let export = home.path().join("summary.md");
    let output = run(
        home.path(),
        &[
            "--store",
            store,
            "export",
            "summary",
            "-o",
            export.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(mode(&export), 0o600);

    // An existing, world-readable file named with -o is replaced and narrowed.
    std::fs::set_permissions(&export, std::fs::Permissions::from_mode(0o644)).unwrap();
    let again = run(
        home.path(),
        &[
            "--store",
            store,
            "export",
            "summary",
            "-o",
            export.to_str().unwrap(),
        ],
    );
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(mode(&export), 0o600);
}

#[test]
fn a_mistake_in_the_snippets_file_stops_the_app_with_one_line() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config").join("fourroads");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("snippets.toml"),
        "[[snippet]]\nname = \"refund\"\ntext = \"Refund issued.\"\ncolour = \"red\"\n",
    )
    .unwrap();
    let store = home.path().join("store");
    let output = run(home.path(), &["--store", store.to_str().unwrap()]);
    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(text.contains("snippets.toml is invalid"), "{text}");
    assert!(text.contains("colour") && text.contains("line 4"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}

/// `fourroads … | head -1`: a reader that goes away ends the command quietly, with no
/// panic's message on the terminal.
#[test]
fn a_closed_pipe_ends_a_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let made = Command::new(env!("CARGO_BIN_EXE_fourroads"))
        .arg("--store")
        .arg(&store)
        .args(["gen", "--customers", "200", "--calls", "2000"])
        .output()
        .unwrap();
    assert!(made.status.success());
    // Far more than a pipe holds, so the command must write into the closed pipe.
    let mut child = Command::new(env!("CARGO_BIN_EXE_fourroads"))
        .arg("--store")
        .arg(&store)
        .args([
            "export",
            "summary",
            "--from",
            "2025-01-01",
            "--calls",
            "--no-redact",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert!(out.status.success(), "{:?} {stderr}", out.status);
}
