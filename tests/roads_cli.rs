//! `fourroads roads evaluate` through the real binary: the exact last line, FILE:LINE
//! errors for bad labelled files, quoted notes with line breaks, the same output twice,
//! the store's confirmed calls; and the labelled set scored on its held-out part.

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Output};

use fourroads::domain::Road;
use fourroads::domain::roads::evaluate::Confusion;
use fourroads::domain::roads::keywords::keyword_road;
use fourroads::domain::roads::{Method, RoadModel};
use fourroads::transfer::roads::parse_labelled;

const DEV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/roads_dev.csv");
const HOLDOUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/roads_holdout.csv");

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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn evaluate(home: &Path, args: &[&str]) -> Output {
    let store = home.join("store");
    let mut all = vec!["--store", store.to_str().unwrap(), "roads", "evaluate"];
    all.extend_from_slice(args);
    run(home, &all)
}

/// `roads: accuracy 0.812, macro-F1 0.806; keyword baseline 0.431, 0.413 (320 notes, 5 folds)`
fn assert_summary_line(line: &str, notes: usize, folds: usize) {
    let rest = line.strip_prefix("roads: accuracy ").expect(line);
    let (numbers, tail) = rest.split_once(" (").expect(line);
    assert_eq!(tail, format!("{notes} notes, {folds} folds)"), "{line}");
    let parts: Vec<&str> = numbers.split([',', ';']).map(str::trim).collect();
    assert_eq!(parts.len(), 4, "{line}");
    assert!(parts[1].starts_with("macro-F1 "), "{line}");
    assert!(parts[2].starts_with("keyword baseline "), "{line}");
    for (part, prefix) in parts.iter().zip(["", "macro-F1 ", "keyword baseline ", ""]) {
        let number = part.strip_prefix(prefix).expect(line);
        assert_eq!(number.len(), 5, "three decimals: {line}");
        let value: f64 = number.parse().expect(line);
        assert!((0.0..=1.0).contains(&value), "{line}");
    }
}

#[test]
fn the_last_line_has_the_exact_form_and_the_report_is_deterministic() {
    let home = tempfile::tempdir().unwrap();
    let first = evaluate(home.path(), &["--labelled", DEV]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    let last = out.lines().last().unwrap();
    assert_summary_line(last, 239, 5);
    assert!(out.ends_with(&format!("{last}\n")));
    assert_eq!(out.lines().filter(|l| l.starts_with("roads:")).count(), 1);
    for needed in [
        "precision",
        "recall",
        "F1",
        "confusion",
        "Keyword baseline",
        "4 Go away",
    ] {
        assert!(out.contains(needed), "{needed} in {out}");
    }
    let second = evaluate(home.path(), &["--labelled", DEV]);
    assert_eq!(
        first.stdout, second.stdout,
        "same notes, same seed, same report"
    );
    let three = evaluate(home.path(), &["--labelled", DEV, "--folds", "3"]);
    assert_summary_line(text(&three.stdout).lines().last().unwrap(), 239, 3);
}

#[test]
fn quoted_notes_with_line_breaks_and_other_columns_are_read() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("notes.csv");
    let mut csv = String::from("agent,road,notes,extra\r\n");
    let samples = [
        (1, "customer suggested a feature,\r\npassed to product"),
        (2, "apologised, \"waived\" the fee\nwill call back Friday"),
        (3, "walked them through resetting the router"),
        (4, "explained the policy, nothing we can do"),
    ];
    for i in 0..3 {
        for (road, notes) in samples {
            let notes = format!("{notes} {i}").replace('"', "\"\"");
            csv.push_str(&format!("Ann,{road},\"{notes}\",x\r\n"));
        }
    }
    std::fs::write(&file, csv).unwrap();
    let out = evaluate(
        home.path(),
        &["--labelled", file.to_str().unwrap(), "--folds", "3"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_summary_line(text(&out.stdout).lines().last().unwrap(), 12, 3);
}

#[test]
fn bad_rows_are_reported_as_file_line_and_nothing_is_evaluated() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("bad.csv");
    std::fs::write(
        &file,
        "notes,road\n\"two\nlines\",1\nfine,7\nok,2\nbad,two\n",
    )
    .unwrap();
    let out = evaluate(home.path(), &["--labelled", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    let label = file.display().to_string();
    assert!(
        err.contains(&format!("{label}:4: the road must be 1, 2, 3 or 4")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{label}:6: the road must be 1, 2, 3 or 4 (it is \"two\")"
        )),
        "{err}"
    );
    let missing = home.path().join("missing.csv");
    std::fs::write(&missing, "text,label\nx,1\n").unwrap();
    let out = evaluate(home.path(), &["--labelled", missing.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains(&format!("{}:1: ", missing.display())));
}

#[test]
fn too_few_notes_of_a_road_for_the_folds_is_one_clear_line() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("few.csv");
    std::fs::write(&file, "notes,road\na,1\nb,1\nc,2\nd,2\ne,3\nf,3\ng,4\n").unwrap();
    let out = evaluate(
        home.path(),
        &["--labelled", file.to_str().unwrap(), "--folds", "2"],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("road 4 Go away has 1 labelled note(s), fewer than the 2 folds"),
        "{err}"
    );
}

#[test]
fn the_store_is_evaluated_on_its_confirmed_calls() {
    let home = tempfile::tempdir().unwrap();
    let store = home.path().join("store");
    let store = store.to_str().unwrap();
    let generated = run(
        home.path(),
        &[
            "--store",
            store,
            "gen",
            "--customers",
            "40",
            "--calls",
            "400",
            "--seed",
            "3",
        ],
    );
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    let out = evaluate(home.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().unwrap();
    let notes: usize = last
        .rsplit_once(" (")
        .and_then(|(_, t)| t.split_once(' '))
        .and_then(|(n, _)| n.parse().ok())
        .expect(last);
    assert!(
        notes > 20 && notes < 400,
        "only reviewed calls count: {last}"
    );
    assert_summary_line(last, notes, 5);
}

/// The figures the README reports: trained on the development file, scored once on the
/// held-out file. The floor is the keyword baseline, not a tuned number.
#[test]
fn the_held_out_notes_read_better_than_keywords() {
    let dev = parse_labelled("dev", &std::fs::read(DEV).unwrap()).unwrap();
    let holdout = parse_labelled("holdout", &std::fs::read(HOLDOUT).unwrap()).unwrap();
    assert_eq!((dev.len(), holdout.len()), (239, 80));
    let model = RoadModel::train(Method::default(), dev.iter().map(|(t, r)| (t.as_str(), *r)));
    let mut learned = Confusion::default();
    let mut keywords = Confusion::default();
    for (notes, truth) in &holdout {
        learned.record(*truth, model.suggest(notes).map_or(Road::Care, |s| s.road));
        keywords.record(*truth, keyword_road(notes, Road::Care));
    }
    println!(
        "held out: accuracy {:.3}, macro-F1 {:.3}; keywords {:.3}, {:.3}",
        learned.accuracy(),
        learned.macro_f1(),
        keywords.accuracy(),
        keywords.macro_f1()
    );
    assert!(learned.macro_f1() > keywords.macro_f1());
}
