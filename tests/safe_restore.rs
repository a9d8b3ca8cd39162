//! A restore never leaves the store emptier than it found it: the file is read once (a
//! pipe works), into a fresh store that replaces the old one only when complete; a file
//! that changes while it is read, is damaged or never ends leaves the old store whole.

#![cfg(unix)]

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};

use fourroads::domain::Clock;
use fourroads::store::{SledStore, Store, demo};
use fourroads::transfer::backup::{backup, restore};
use support::fixed_now;

fn open(path: &Path) -> SledStore {
    SledStore::open_in_zone(path, jiff::tz::TimeZone::UTC).unwrap()
}

/// A store with one customer, "Only Here", that no backup holds.
fn busy_store(path: &Path) -> SledStore {
    let store = open(path);
    let stranger = fourroads::domain::NewCustomer {
        name: "Only Here".into(),
        ..Default::default()
    }
    .validate(fixed_now(), "test")
    .unwrap();
    store.put_customer(&stranger).unwrap();
    store
}

/// The demo data as a backup file's text.
fn demo_backup(dir: &Path) -> String {
    let source = open(&dir.join("source"));
    demo::load(&source, &Clock::fixed(fixed_now())).unwrap();
    let file = dir.join("demo.jsonl");
    backup(&source, &file, fixed_now()).unwrap();
    std::fs::read_to_string(&file).unwrap()
}

/// A named pipe whose writer serves `contents` to each reader in turn, one per open.
fn fifo(dir: &Path, contents: Vec<String>) -> PathBuf {
    let path = dir.join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    let writer_path = path.clone();
    std::thread::spawn(move || {
        for content in contents {
            // Blocks until a reader opens the pipe; a restore that reads once never
            // opens it a second time, and this thread ends with the test process.
            let Ok(mut pipe) = std::fs::OpenOptions::new().write(true).open(&writer_path) else {
                return;
            };
            let _ = pipe.write_all(content.as_bytes());
        }
    });
    path
}

fn names(store: &SledStore) -> Vec<String> {
    let mut names: Vec<String> = store
        .all_customers()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    names.sort();
    names
}

#[test]
fn a_pipe_that_changes_between_reads_restores_what_was_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let good = demo_backup(dir.path());
    // A second reader gets nothing (an empty file): before the fix the check passed on
    // the first read, the store was cleared, and the second read restored nothing. The
    // empty writers that meet the first reader add nothing to what it reads.
    let mut contents = vec![good];
    contents.extend(std::iter::repeat_n(String::new(), 50));
    let pipe = fifo(dir.path(), contents);
    let mut store = busy_store(&dir.path().join("store"));
    let tally = restore(&mut store, &pipe, true).unwrap();
    assert_eq!(tally.customers, 44);
    assert_eq!(store.counters().unwrap().customers, 44);
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
    assert!(!names(&store).contains(&"Only Here".to_string()));
}

#[test]
fn a_damaged_pipe_or_a_file_replaced_by_a_damaged_one_leaves_the_old_store_whole() {
    let dir = tempfile::tempdir().unwrap();
    let good = demo_backup(dir.path());
    let path = dir.path().join("store");
    let mut store = busy_store(&path);
    let before = names(&store);

    let truncated: String = good.lines().take(120).collect::<Vec<_>>().join("\n") + "\n";
    let edited = good.replacen("Priya Shah", "Priya Shaw", 1);
    let pipe = fifo(dir.path(), vec![truncated.clone()]);
    let error = restore(&mut store, &pipe, true).unwrap_err().to_string();
    assert!(error.contains("checksum line is missing"), "{error}");
    assert!(error.contains("the store is as it was"), "{error}");
    assert_eq!(names(&store), before);

    // A file moved over the backup's name before the restore reads it.
    let file = dir.path().join("backup.jsonl");
    std::fs::write(&file, &good).unwrap();
    let replacement = dir.path().join("replacement.jsonl");
    std::fs::write(&replacement, &edited).unwrap();
    std::fs::rename(&replacement, &file).unwrap();
    let error = restore(&mut store, &file, true).unwrap_err().to_string();
    assert!(error.contains("checksum does not match"), "{error}");
    assert_eq!(names(&store), before);
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());

    // Nothing is left beside the store, and it reopens with its records.
    drop(store);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".store"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(names(&open(&path)), before);
}

#[test]
fn an_endless_line_is_refused_at_the_limit_not_by_running_out_of_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut store = busy_store(&path);
    let before = names(&store);
    let error = restore(&mut store, Path::new("/dev/zero"), true)
        .unwrap_err()
        .to_string();
    assert!(error.contains("/dev/zero:1:"), "{error}");
    assert!(error.contains("64 MiB"), "{error}");
    assert_eq!(error.lines().count(), 1, "{error}");
    assert_eq!(names(&store), before);
}

#[test]
fn a_backup_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("store"));
    demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    let file = dir.path().join("backup.jsonl");
    backup(&store, &file, fixed_now()).unwrap();
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
}

/// An edit of a backup's lines.
type Edit = Box<dyn Fn(Vec<String>) -> Vec<String>>;

/// `text`'s records with `edit` applied to them, and the checksum made again to match, as
/// someone who knows the format could.
fn edited(text: &str, edit: impl Fn(Vec<String>) -> Vec<String>) -> String {
    use sha2::Digest;
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.pop(); // the checksum
    let lines = edit(lines);
    let mut hasher = sha2::Sha256::new();
    for line in &lines {
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
    }
    let mut out = lines.join("\n");
    out.push_str(&format!(
        "\n{{\"type\":\"checksum\",\"sha256\":\"{:x}\",\"lines\":{}}}\n",
        hasher.finalize(),
        lines.len()
    ));
    out
}

/// A checksum can be made again by anyone who edits the file: a restore also checks that
/// the records hold together, and restores nothing when they do not.
#[test]
fn records_that_do_not_hold_together_restore_nothing_even_with_a_good_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let text = demo_backup(dir.path());
    let first_customer = |lines: &Vec<String>| {
        lines
            .iter()
            .position(|l| l.starts_with("{\"type\":\"customer\""))
            .unwrap()
    };
    let first_call = |lines: &Vec<String>| {
        lines
            .iter()
            .position(|l| l.starts_with("{\"type\":\"call\""))
            .unwrap()
    };
    // Unchanged but for the checksum made again: it restores (the edit helper is fair).
    let same = edited(&text, |lines| lines);
    let file = dir.path().join("same.jsonl");
    std::fs::write(&file, same).unwrap();
    let mut fine = open(&dir.path().join("fine"));
    restore(&mut fine, &file, false).expect("an honest file restores");

    let cases: Vec<(&str, Edit)> = vec![
        (
            "appears twice",
            Box::new(move |mut lines: Vec<String>| {
                let at = first_customer(&lines);
                lines.insert(at, lines[at].clone());
                lines
            }),
        ),
        (
            "whom the file does not hold",
            Box::new(move |mut lines: Vec<String>| {
                let at = first_call(&lines);
                let customer =
                    lines[at].split("\"customer_id\":\"").nth(1).unwrap()[..36].to_string();
                lines[at] = lines[at].replace(&customer, "01a252f5-0000-7000-8000-000000000000");
                lines
            }),
        ),
        (
            "no name a form would take",
            Box::new(move |mut lines: Vec<String>| {
                let at = first_customer(&lines);
                let name = lines[at].split("\"name\":\"").nth(1).unwrap();
                let name = name[..name.find('"').unwrap()].to_string();
                lines[at] =
                    lines[at].replace(&format!("\"name\":\"{name}\""), "\"name\":\"\\u0000\"");
                lines
            }),
        ),
    ];
    for (why, edit) in cases {
        let file = dir.path().join("edited.jsonl");
        std::fs::write(&file, edited(&text, edit)).unwrap();
        let mut store = busy_store(&dir.path().join(format!("store {why}")));
        let error = restore(&mut store, &file, true).unwrap_err().to_string();
        assert!(error.contains(why), "{why}: {error}");
        assert!(error.contains("Nothing was restored"), "{error}");
        let names: Vec<String> = store
            .all_customers()
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(
            names,
            vec!["Only Here".to_string()],
            "the old store is as it was"
        );
    }
}
