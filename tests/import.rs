//! `fourroads import customers`: parsing and checking (every bad row reported as
//! `FILE:LINE: reason`, then nothing written), odd but valid CSV, idempotent re-import.

mod support;

use fourroads::domain::CustomerStatus;
use fourroads::store::{SledStore, Store};
use fourroads::transfer::import::{ImportSummary, apply, parse, report};
use support::fixed_now;

fn store() -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
    (dir, store)
}

fn import(store: &SledStore, text: &[u8]) -> Result<ImportSummary, Vec<String>> {
    let parsed = parse("customers.csv", text, fixed_now())?;
    Ok(apply(store, &parsed, fixed_now(), &mut |_, _| {}).unwrap())
}

#[test]
fn a_clean_file_imports_every_column() {
    let (_dir, store) = store();
    let text = b"external_id,name,phone,email,segment,status\n\
        C-1,Ann Lee,+44 20 7946 0000,ann@example.com,home,active\n\
        C-2,Bob Okoro,,bob@example.com,small business,at-risk\n\
        ,Cy Young,,,,\n";
    let summary = import(&store, text).unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            added: 3,
            updated: 0,
            unchanged: 0
        }
    );
    let mut customers = store.all_customers().unwrap();
    customers.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(customers[0].name, "Ann Lee");
    assert_eq!(customers[0].external_id.as_deref(), Some("C-1"));
    assert_eq!(customers[0].phone.as_deref(), Some("+44 20 7946 0000"));
    assert_eq!(customers[0].status, CustomerStatus::Active);
    assert_eq!(customers[1].segment.as_deref(), Some("small business"));
    assert_eq!(customers[1].status, CustomerStatus::AtRisk);
    assert_eq!(customers[2].status, CustomerStatus::New);
    assert_eq!(store.counters().unwrap().customers, 3);
    assert!(store.check_consistency().unwrap().is_empty());
}

#[test]
fn every_bad_row_is_reported_and_nothing_is_written() {
    let (_dir, store) = store();
    import(&store, b"name\nAlready Here\n").unwrap();
    let before = store.all_customers().unwrap();
    let text = b"name,status,email,external_id\n\
        Good Row,active,,X1\n\
        ,active,,\n\
        Bad Status,gone,,\n\
        Bad Email,new,not-an-email,\n\
        Bad \xff Bytes,new,,\n\
        Again,new,,X1\n";
    let problems = import(&store, text).unwrap_err();
    assert_eq!(
        problems,
        vec![
            "customers.csv:3: name: a name is required",
            "customers.csv:4: status is one of new, active, at-risk, lost, won-back",
            "customers.csv:5: email: an email looks like name@example.com",
            "customers.csv:6: the name field is not valid UTF-8",
            "customers.csv:7: external_id \"X1\" is already used on line 2",
        ]
    );
    assert_eq!(store.all_customers().unwrap(), before);
    assert_eq!(store.counters().unwrap().customers, 1);
}

#[test]
fn a_missing_name_column_is_one_clear_problem() {
    let problems = parse("people.csv", b"fullname,phone\nAnn,123456\n", fixed_now()).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert!(problems[0].starts_with("people.csv:1: there is no \"name\" column"));
}

#[test]
fn bom_crlf_and_quoted_fields_with_commas_and_newlines() {
    let (_dir, store) = store();
    let text = b"\xEF\xBB\xBFname,segment,email\r\n\
        \"Lee, Ann\",\"home, family\",ann@example.com\r\n\
        \"Multi\r\nLine Ltd\",\"ops\nteam\",ops@multi.example\r\n";
    let summary = import(&store, text).unwrap();
    assert_eq!(summary.added, 2);
    let mut customers = store.all_customers().unwrap();
    customers.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(customers[0].name, "Lee, Ann");
    assert_eq!(customers[0].segment.as_deref(), Some("home, family"));
    assert_eq!(customers[1].name, "Multi Line Ltd");
    assert_eq!(customers[1].segment.as_deref(), Some("ops team"));
}

#[test]
fn re_importing_is_idempotent_and_updates_what_changed() {
    let (_dir, store) = store();
    let text = b"name,phone,email,external_id,status\n\
        Ann Lee,+44 20 7946 0000,,,active\n\
        Bob Okoro,,bob@example.com,,new\n\
        Cy Young,,,CY,new\n";
    assert_eq!(import(&store, text).unwrap().added, 3);
    let again = import(&store, text).unwrap();
    assert_eq!(
        again,
        ImportSummary {
            added: 0,
            updated: 0,
            unchanged: 3
        }
    );
    let changed = b"name,phone,email,external_id,status\n\
        Ann Lee,+44 20 7946 0000,ann@example.com,,at-risk\n\
        Cy Young Jr,,,CY,\n\
        Dee Mara,,,,\n";
    let summary = import(&store, changed).unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            added: 1,
            updated: 2,
            unchanged: 0
        }
    );
    let customers = store.all_customers().unwrap();
    assert_eq!(customers.len(), 4);
    let ann = customers.iter().find(|c| c.name == "Ann Lee").unwrap();
    assert_eq!(ann.status, CustomerStatus::AtRisk);
    assert_eq!(ann.status_history.last().unwrap().by, "import");
    assert!(customers.iter().any(|c| c.name == "Cy Young Jr"));
    assert!(store.check_consistency().unwrap().is_empty());
}

#[test]
fn unknown_columns_are_named_in_a_warning_and_ignored() {
    let parsed = parse(
        "crm.csv",
        b"name,Notes,favourite colour\nAnn,likes tea,green\n",
        fixed_now(),
    )
    .unwrap();
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(
        parsed.warnings,
        vec![
            "crm.csv: ignoring unknown column(s): notes, favourite colour (known: name, phone, email, segment, status, external_id)"
        ]
    );
}

#[test]
fn long_lists_of_problems_are_cut_with_a_count() {
    let mut text = b"name,status\n".to_vec();
    for _ in 0..60 {
        text.extend_from_slice(b"X,nope\n");
    }
    let problems = parse("big.csv", &text, fixed_now()).unwrap_err();
    assert_eq!(problems.len(), 60);
    let shown = report(&problems);
    assert_eq!(shown.len(), 51);
    assert_eq!(shown.last().unwrap(), "… and 10 more");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Arbitrary bytes never panic: they are an error, or rows that import cleanly.
        #[test]
        fn arbitrary_bytes_are_an_error_or_a_clean_import(
            body in proptest::collection::vec(any::<u8>(), 0..400),
            header in prop_oneof![Just(b"name,status,email\n".to_vec()), Just(Vec::new())],
        ) {
            let mut text = header;
            text.extend(body);
            match parse("fuzz.csv", &text, fixed_now()) {
                Ok(parsed) => {
                    let (_dir, store) = store();
                    let summary = apply(&store, &parsed, fixed_now(), &mut |_, _| {}).unwrap();
                    prop_assert_eq!(summary.added + summary.updated + summary.unchanged, parsed.rows.len());
                    prop_assert!(store.check_consistency().unwrap().is_empty());
                }
                Err(problems) => {
                    // An error names where: every reported line is FILE:LINE or the count
                    // of the rest, and there is at least one.
                    prop_assert!(!problems.is_empty());
                    for line in report(&problems) {
                        prop_assert!(
                            line.starts_with("fuzz.csv:") || line.starts_with("… and "),
                            "{}", line
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn an_unterminated_quote_is_reported_at_its_line_and_nothing_is_imported() {
    let (_dir, store) = store();
    let text = b"name,phone\nAnn Lee,+44 7700 900001\n\"Bob Stone,+44 7700 900002\n\
        Cara Diaz,+44 7700 900003\nDev Patel,+44 7700 900004\n";
    let problems = import(&store, text).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("customers.csv:3: a quote"),
        "{problems:?}"
    );
    assert!(problems[0].contains("never closed"), "{problems:?}");
    assert_eq!(store.counters().unwrap().customers, 0);

    // Quotes that are closed, doubled inside, or inside an unquoted field are fine.
    let fine = b"name,segment\n\"Ann \"\"Nan\"\" Lee\",\"two\nlines\"\nBo \"B\" Stone,x\n";
    assert_eq!(import(&store, fine).unwrap().added, 2);
}

#[test]
fn control_characters_in_column_names_and_values_are_made_visible() {
    let text = b"name,\x1b]52;c;aGk=\x07,external_id\nAnn,x,\x1b[2J\nBob,y,\x1b[2J\n";
    let problems = parse("people\x1b[31m.csv", text, fixed_now()).unwrap_err();
    assert!(!problems.is_empty());
    for line in &problems {
        assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
    }
    assert!(
        problems.iter().any(|p| p.contains("\u{241b}[2J")),
        "{problems:?}"
    );
    let text = b"name,\x1b]52;c;aGk=\x07\nAnn,x\n";
    let parsed = parse("people.csv", text, fixed_now()).unwrap();
    assert_eq!(parsed.warnings.len(), 1);
    assert!(
        !parsed.warnings[0].chars().any(|c| c.is_control()),
        "{:?}",
        parsed.warnings
    );
}

/// A large import moves the search index's postings once per block, not once per
/// customer (which made an import quadratic); the index it leaves is the same as
/// customer-by-customer writes would, and search finds every imported customer.
#[test]
fn a_large_import_leaves_a_whole_search_index() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.csv");
    let mut text = String::from("name,phone,email,status\n");
    for n in 0..5_000 {
        text.push_str(&format!(
            "Customer {n} Quartz,+44 20 {n:08},c{n}@example.com,active\n"
        ));
    }
    std::fs::write(&file, text).unwrap();
    let store_path = dir.path().join("store");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fourroads"))
        .arg("--store")
        .arg(&store_path)
        .args(["import", "customers"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = SledStore::open(&store_path).unwrap();
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
    assert_eq!(store.all_customers().unwrap().len(), 5_000);
    let found = store.search("customer 4321", 10).unwrap();
    assert!(
        found
            .customers
            .iter()
            .any(|hit| hit.customer.name == "Customer 4321 Quartz"),
        "{:?}",
        found.customers.len()
    );
    for n in [0, 17, 2_500, 4_999] {
        let wanted = format!("Customer {n} Quartz");
        let found = store.search(&format!("customer {n} quartz"), 5).unwrap();
        assert!(
            found
                .customers
                .iter()
                .any(|hit| hit.customer.name == wanted),
            "{wanted} not found"
        );
    }
}
