//! Backup and restore: a restored store is indistinguishable from the original (records,
//! indexes, counters, dashboard), and a damaged or partial file restores nothing.

mod support;

use fourroads::domain::Clock;
use fourroads::store::{SledStore, Store, demo};
use fourroads::transfer::backup::{backup, restore};
use jiff::civil::date;
use support::fixed_now;

fn open(dir: &tempfile::TempDir, name: &str) -> SledStore {
    SledStore::open_in_zone(&dir.path().join(name), jiff::tz::TimeZone::UTC).unwrap()
}

fn lines_after_header(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().skip(1).map(str::to_string).collect();
    lines.pop(); // the checksum covers the header, whose timestamp differs
    lines
}

#[test]
fn backup_restore_backup_gives_the_same_file_and_the_same_figures() {
    let dir = tempfile::tempdir().unwrap();
    let original = open(&dir, "original");
    demo::load(&original, &Clock::fixed(fixed_now())).unwrap();
    let first = dir.path().join("first.jsonl");
    let tally = backup(&original, &first, fixed_now()).unwrap();
    assert_eq!(tally.customers, 44);
    assert_eq!(tally.calls, 170);

    let mut restored = open(&dir, "restored");
    let restored_tally = restore(&mut restored, &first, false).unwrap();
    assert_eq!(restored_tally, tally);
    assert_eq!(restored.check_consistency().unwrap(), Vec::<String>::new());
    assert_eq!(restored.counters().unwrap(), original.counters().unwrap());

    let second = dir.path().join("second.jsonl");
    backup(
        &restored,
        &second,
        fixed_now() + jiff::SignedDuration::from_hours(1),
    )
    .unwrap();
    assert_eq!(lines_after_header(&first), lines_after_header(&second));

    let today = date(2026, 11, 20);
    for (from, to) in [(date(2026, 10, 22), today), (date(1970, 1, 1), today)] {
        assert_eq!(
            restored.dashboard(from, to, today).unwrap(),
            original.dashboard(from, to, today).unwrap()
        );
    }
}

#[test]
fn a_damaged_truncated_or_foreign_file_restores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let original = open(&dir, "original");
    demo::load(&original, &Clock::fixed(fixed_now())).unwrap();
    let good = dir.path().join("good.jsonl");
    backup(&original, &good, fixed_now()).unwrap();
    let text = std::fs::read_to_string(&good).unwrap();

    let edited = dir.path().join("edited.jsonl");
    std::fs::write(&edited, text.replacen("Priya Shah", "Priya Shaw", 1)).unwrap();
    let truncated = dir.path().join("truncated.jsonl");
    let cut: Vec<&str> = text.lines().take(100).collect();
    std::fs::write(&truncated, cut.join("\n") + "\n").unwrap();
    let garbage = dir.path().join("garbage.jsonl");
    std::fs::write(&garbage, "name,phone\nAnn,123\n").unwrap();

    let mut target = open(&dir, "target");
    for (file, expected) in [
        (&edited, "the checksum does not match"),
        (&truncated, "the checksum line is missing"),
        (&garbage, "garbage.jsonl:1: not a backup record"),
    ] {
        let error = restore(&mut target, file, false).unwrap_err().to_string();
        assert!(error.contains(expected), "{error}");
        assert!(
            !target.has_records(),
            "nothing written for {}",
            file.display()
        );
    }
}

#[test]
fn a_store_with_data_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let original = open(&dir, "original");
    demo::load(&original, &Clock::fixed(fixed_now())).unwrap();
    let file = dir.path().join("backup.jsonl");
    backup(&original, &file, fixed_now()).unwrap();

    let mut busy = open(&dir, "busy");
    let stranger = fourroads::domain::NewCustomer {
        name: "Only Here".into(),
        ..Default::default()
    }
    .validate(fixed_now(), "test")
    .unwrap();
    busy.put_customer(&stranger).unwrap();
    let error = restore(&mut busy, &file, false).unwrap_err().to_string();
    assert!(error.contains("--force"), "{error}");
    assert_eq!(busy.counters().unwrap().customers, 1);

    restore(&mut busy, &file, true).unwrap();
    assert_eq!(busy.counters().unwrap(), original.counters().unwrap());
    assert!(busy.customer(stranger.id).unwrap().is_none());
    assert_eq!(busy.check_consistency().unwrap(), Vec::<String>::new());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Arbitrary bytes as a backup never panic and never write anything.
        #[test]
        fn arbitrary_bytes_are_refused_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("fuzz.jsonl");
            std::fs::write(&file, &bytes).unwrap();
            let mut store = open(&dir, "store");
            prop_assert!(restore(&mut store, &file, false).is_err());
            prop_assert!(!store.has_records());
        }
    }
}
