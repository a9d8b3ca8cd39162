//! The made-up content of a generated store: names, tags, note text of a realistic
//! length spread, customers' own words, and each agent's mix of roads.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::domain::Road;

pub(super) const FIRST: [&str; 24] = [
    "Ann", "Bilal", "Chloe", "Dmitri", "Esi", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Luca", "Maya", "Nikhil", "Olga", "Pablo", "Qing", "Rosa", "Sven", "Tara", "Umar", "Vera",
    "Wen", "Yara",
];
pub(super) const LAST: [&str; 24] = [
    "Abbott",
    "Banerjee",
    "Castro",
    "Dlamini",
    "Eriksen",
    "Fischer",
    "Gallo",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Zhou",
];
pub(super) const TAGS: [&str; 32] = [
    "billing",
    "refund",
    "outage",
    "wifi",
    "router",
    "speed",
    "contract",
    "price",
    "cancel",
    "upgrade",
    "install",
    "moving",
    "engineer",
    "phone",
    "voicemail",
    "email",
    "business",
    "discount",
    "loyalty",
    "complaint",
    "praise",
    "setup",
    "mesh",
    "fibre",
    "tv",
    "mobile",
    "roaming",
    "porting",
    "security",
    "parental",
    "invoice",
    "direct-debit",
];
const WORDS: [&str; 40] = [
    "customer",
    "called",
    "about",
    "the",
    "bill",
    "again",
    "router",
    "keeps",
    "dropping",
    "explained",
    "how",
    "to",
    "reset",
    "offered",
    "a",
    "credit",
    "for",
    "last",
    "month",
    "engineer",
    "visit",
    "booked",
    "she",
    "he",
    "wants",
    "written",
    "confirmation",
    "before",
    "renewal",
    "checked",
    "line",
    "stats",
    "all",
    "fine",
    "now",
    "will",
    "call",
    "back",
    "tomorrow",
    "thanks",
];
const STORIES: [&str; 8] = [
    "I only left because nobody called me back",
    "Why does the bill change every single month?",
    "Your engineer was the first person who actually listened",
    "I'd pay more if it just worked",
    "Nobody told me the discount ended",
    "The app says one thing and your website says another",
    "I work from home, a day without internet is a day without pay",
    "Thank you for actually explaining it",
];

fn sentence(rng: &mut ChaCha8Rng, words: usize) -> String {
    let mut text = String::new();
    for i in 0..words {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(WORDS[rng.random_range(0..WORDS.len())]);
    }
    text
}

/// Notes of a realistic spread: most a line or two, some a paragraph, a few KB long.
pub(super) fn notes(rng: &mut ChaCha8Rng, tags: &[String]) -> String {
    let words = match rng.random_range(0..10) {
        0..=5 => rng.random_range(4..30),
        6..=8 => rng.random_range(50..150),
        _ => rng.random_range(300..800),
    };
    let mut text = String::with_capacity(words * 7);
    let mut left = words;
    while left > 0 {
        let line = left.min(rng.random_range(6..20));
        text.push_str(&sentence(rng, line));
        text.push('\n');
        left -= line;
    }
    if rng.random_bool(0.2) {
        text.push_str("> ");
        text.push_str(STORIES[rng.random_range(0..STORIES.len())]);
        text.push('\n');
    }
    for tag in tags {
        text.push('#');
        text.push_str(tag);
        text.push(' ');
    }
    text.trim_end().to_string()
}

pub(super) fn road(rng: &mut ChaCha8Rng, go_away_heavy: bool) -> Road {
    let roll = rng.random_range(0..100);
    let weights = if go_away_heavy {
        [10, 30, 60]
    } else {
        [15, 45, 82]
    };
    match roll {
        r if r < weights[0] => Road::Learn,
        r if r < weights[1] => Road::Care,
        r if r < weights[2] => Road::Teach,
        _ => Road::GoAway,
    }
}
