//! Road suggestion benchmarks (issue 13): prediction latency per keystroke burst (p99),
//! the naive Bayes count update per review, training time and model memory for growing
//! numbers of confirmed calls, and the app's build from a generated store.
//!
//! `cargo bench --bench roads` uses a 1M-call store (generated once into
//! `target/bench-stores/`, shared with the scale benchmarks); `FOURROADS_BENCH=quick`
//! uses 20k calls, `FOURROADS_BENCH=100k` 100k. `FOURROADS_BENCH_ONLY=predict,train,store`
//! picks groups.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fourroads::domain::Road;
use fourroads::domain::roads::tokens::distinct_keys;
use fourroads::domain::roads::{Method, RoadModel, SplitMix};
use fourroads::runtime::effects::build_road_model;
use fourroads::store::SledStore;
use fourroads::transfer::generate::{GenRequest, generate};
use fourroads::transfer::roads::parse_labelled;

fn labelled(name: &str) -> Vec<(String, Road)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    parse_labelled(name, &std::fs::read(path).unwrap()).unwrap()
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99), *times.last().unwrap())
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Prediction as the app runs it: after each keystroke burst, the whole note so far.
fn predict() {
    let dev = labelled("roads_dev.csv");
    let holdout = labelled("roads_holdout.csv");
    let model = RoadModel::train(Method::default(), dev.iter().map(|(t, r)| (t.as_str(), *r)));
    let mut times = Vec::new();
    for (note, _) in &holdout {
        // Every prefix at a word boundary: the note as it grows while the agent types.
        for (at, _) in note
            .match_indices(' ')
            .chain(std::iter::once((note.len(), "")))
        {
            let text = &note[..at];
            let started = Instant::now();
            std::hint::black_box(model.suggest(text));
            times.push(started.elapsed());
        }
    }
    let (median, p99, max) = percentiles(times.clone());
    println!(
        "predict  typing a held-out note ({} bursts): median {}, p99 {}, max {}",
        times.len(),
        micros(median),
        micros(p99),
        micros(max)
    );
    // A long note (2 KB) and the most the app reads (16 KB).
    for size in [2 * 1024, 16 * 1024] {
        let mut text = String::new();
        let mut i = 0;
        while text.len() < size {
            text.push_str(&holdout[i % holdout.len()].0);
            text.push('\n');
            i += 1;
        }
        text.truncate(size);
        while !text.is_char_boundary(text.len()) {
            text.pop();
        }
        let runs: Vec<Duration> = (0..200)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(model.suggest(&text));
                started.elapsed()
            })
            .collect();
        let (median, p99, _) = percentiles(runs);
        println!(
            "predict  a {} KB note: median {}, p99 {}",
            size / 1024,
            micros(median),
            micros(p99)
        );
    }
    // Naive Bayes counts: one review learned (the incremental update the method allows).
    let mut bayes = RoadModel::train(Method::Bayes, dev.iter().map(|(t, r)| (t.as_str(), *r)));
    let runs: Vec<Duration> = holdout
        .iter()
        .cycle()
        .take(2_000)
        .map(|(text, road)| {
            let started = Instant::now();
            bayes.learn(text, *road);
            started.elapsed()
        })
        .collect();
    let (median, p99, _) = percentiles(runs);
    println!(
        "learn    one review into naive Bayes counts: median {}, p99 {}",
        micros(median),
        micros(p99)
    );
}

/// Notes in the team's style at any count: each a labelled note with a few of its words
/// swapped for words of other notes, so the vocabulary grows as a real store's does.
fn synthetic(n: usize, seed: u64) -> Vec<(String, Road)> {
    let dev = labelled("roads_dev.csv");
    let words: Vec<&str> = dev.iter().flat_map(|(t, _)| t.split_whitespace()).collect();
    let mut rng = SplitMix::new(seed);
    (0..n)
        .map(|i| {
            let (text, road) = &dev[i % dev.len()];
            let mut out: Vec<String> = text.split_whitespace().map(str::to_string).collect();
            for _ in 0..3 {
                let at = (rng.next_u64() % out.len().max(1) as u64) as usize;
                let word = words[(rng.next_u64() % words.len() as u64) as usize];
                if let Some(slot) = out.get_mut(at) {
                    *slot = format!("{word}{}", rng.next_u64() % 50);
                }
            }
            (out.join(" "), *road)
        })
        .collect()
}

fn train() {
    for n in [1_000, 10_000, 50_000] {
        let notes = synthetic(n, 7);
        let started = Instant::now();
        let docs: Vec<_> = notes.iter().map(|(t, r)| (distinct_keys(t), *r)).collect();
        let features = started.elapsed();
        let started = Instant::now();
        let model = RoadModel::train_keys(Method::default(), &docs);
        let fitted = started.elapsed();
        println!(
            "train    {n} confirmed calls: features {:.2} s, fit {:.2} s, model {}",
            features.as_secs_f64(),
            fitted.as_secs_f64(),
            mib(model.approximate_bytes())
        );
    }
}

/// The app's start-up build: read the confirmed calls of a generated store and fit.
fn store() {
    let mode = std::env::var("FOURROADS_BENCH").unwrap_or_default();
    let (customers, calls) = match mode.as_str() {
        "quick" => (2_000, 20_000),
        "100k" => (10_000, 100_000),
        _ => (100_000, 1_000_000),
    };
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-stores")
        .join(format!("gen-{customers}c-{calls}k-seed1"));
    if !path.join("generated").exists() {
        let _ = std::fs::remove_dir_all(&path);
        eprintln!("generating {customers} customers and {calls} calls (once)…");
        let store = SledStore::open_in_zone(&path, jiff::tz::TimeZone::UTC).unwrap();
        let request = GenRequest {
            customers,
            calls,
            seed: 1,
            agents: 12,
        };
        generate(&store, &request, &mut |_, _, _| {}).unwrap();
        drop(store);
        std::fs::write(path.join("generated"), "").unwrap();
    }
    let store = SledStore::open_in_zone(&path, jiff::tz::TimeZone::UTC).unwrap();
    let started = Instant::now();
    let (model, per_road) = build_road_model(&store).unwrap();
    let took = started.elapsed();
    println!(
        "store    build from a {calls}-call store: {:.2} s, {} confirmed calls read, model {}",
        took.as_secs_f64(),
        per_road.iter().sum::<u32>(),
        model.map_or("none".to_string(), |m| mib(m.approximate_bytes()))
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let only = std::env::var("FOURROADS_BENCH_ONLY").unwrap_or_default();
    let wanted = |group: &str| only.is_empty() || only.split(',').any(|g| g == group);
    if wanted("predict") {
        predict();
    }
    if wanted("train") {
        train();
    }
    if wanted("store") {
        store();
    }
}
