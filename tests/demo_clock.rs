//! The demo data never lies in the future: loaded at any time of day, every timestamp in
//! the store (calls, their ends, reviews, status changes, cases, audit entries) is at or
//! before the clock's now.

use fourroads::domain::Clock;
use fourroads::store::{SledStore, demo};
use fourroads::transfer::backup::write_to;
use jiff::Timestamp;

/// Every string in `value` that reads as a timestamp.
fn timestamps(value: &serde_json::Value, out: &mut Vec<Timestamp>) {
    match value {
        serde_json::Value::String(text) => {
            if let Ok(at) = text.parse::<Timestamp>() {
                out.push(at);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| timestamps(v, out)),
        serde_json::Value::Object(fields) => fields.values().for_each(|v| timestamps(v, out)),
        _ => {}
    }
}

#[test]
fn nothing_in_the_demo_is_later_than_now_at_any_time_of_day() {
    for time in ["00:05", "01:13", "12:00", "23:59"] {
        let now: Timestamp = format!("2026-11-23T{time}:00Z").parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store =
            SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
        let loaded = demo::load(&store, &Clock::fixed(now)).unwrap();
        assert_eq!(loaded.calls, 170, "at {time}");
        let mut out = Vec::new();
        write_to(&store, &mut out, now).unwrap();
        let mut all = Vec::new();
        for line in String::from_utf8(out).unwrap().lines() {
            timestamps(&serde_json::from_str(line).unwrap(), &mut all);
        }
        assert!(all.len() > 500, "at {time}: {} timestamps", all.len());
        let late: Vec<_> = all.iter().filter(|at| **at > now).collect();
        assert!(late.is_empty(), "at {time}: later than now: {late:?}");
    }
}
