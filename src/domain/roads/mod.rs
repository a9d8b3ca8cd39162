//! The road suggestion: which road a call's notes read like, learned only from calls whose
//! road a lead confirmed, and always explained by its cue words. Pure: notes and roads in,
//! a suggestion out; the store and the app decide where the examples come from.
//!
//! The method was chosen by measurement (README, "Road suggestion"): see `Method` for the
//! candidates and `evaluate` for the stratified cross-validation that compares them.

pub mod bayes;
pub mod evaluate;
pub mod keywords;
pub mod linear;
pub mod tokens;

use std::ops::Range;

use bayes::BayesCounts;
use linear::{Fit, Linear, softmax};
use tokens::{Feature, FeatureKey, features};

use super::Road;

/// How many roads there are (array sizes).
pub const ROADS: usize = 4;

/// Confirmed calls each road needs before the app shows a suggestion.
pub const MIN_PER_ROAD: u32 = 20;

/// Cue words shown with a suggestion.
pub const MAX_CUES: usize = 3;

pub(crate) fn road_index(road: Road) -> usize {
    usize::from(road.number()) - 1
}

/// A small seeded generator (SplitMix64): fold assignment and SGD order must be the same
/// on every run and machine.
#[derive(Clone, Debug)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// The classifiers compared; `Method::default()` is the one the product uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Method {
    /// Multinomial naive Bayes over feature presence.
    Bayes,
    /// Complement naive Bayes (weights from every other road's counts).
    ComplementBayes,
    /// Multinomial logistic regression on TF-IDF.
    #[default]
    Logistic,
    /// One-vs-rest linear SVM (Pegasos) on TF-IDF.
    Svm,
}

impl Method {
    pub const ALL: [Method; 4] = [
        Method::Bayes,
        Method::ComplementBayes,
        Method::Logistic,
        Method::Svm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Method::Bayes => "naive Bayes",
            Method::ComplementBayes => "complement naive Bayes",
            Method::Logistic => "logistic regression",
            Method::Svm => "linear SVM",
        }
    }
}

/// One cue: a word or word pair of the notes that pushed towards the suggested road.
#[derive(Clone, Debug, PartialEq)]
pub struct Cue {
    /// The words as typed, in lower case.
    pub words: String,
    /// Every place in the notes where they occur (byte ranges), for marking.
    pub spans: Vec<Range<usize>>,
    /// How much it contributed (for ordering).
    pub weight: f64,
}

/// What the notes read like.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub road: Road,
    /// Probability of `road` (0–1).
    pub confidence: f64,
    pub probabilities: [f64; ROADS],
    /// Strongest first, at most `MAX_CUES`.
    pub cues: Vec<Cue>,
}

#[derive(Clone, Debug)]
enum Fitted {
    Bayes { complement: bool },
    Linear(Linear),
}

/// A trained road model.
#[derive(Clone, Debug)]
pub struct RoadModel {
    method: Method,
    counts: BayesCounts,
    fitted: Fitted,
}

impl RoadModel {
    /// Trains on notes with their confirmed roads.
    pub fn train<'a>(method: Method, examples: impl IntoIterator<Item = (&'a str, Road)>) -> Self {
        let docs: Vec<(Vec<FeatureKey>, Road)> = examples
            .into_iter()
            .map(|(text, road)| (tokens::distinct_keys(text), road))
            .collect();
        Self::train_keys(method, &docs)
    }

    /// Trains on notes already turned into their distinct feature keys.
    pub fn train_keys(method: Method, docs: &[(Vec<FeatureKey>, Road)]) -> Self {
        let mut counts = BayesCounts::default();
        for (keys, road) in docs {
            counts.add(keys, *road);
        }
        let fitted = match method {
            Method::Bayes => Fitted::Bayes { complement: false },
            Method::ComplementBayes => Fitted::Bayes { complement: true },
            Method::Logistic => {
                Fitted::Linear(Linear::train(docs, epochs_for(docs.len(), Fit::logistic())))
            }
            Method::Svm => Fitted::Linear(Linear::train(docs, epochs_for(docs.len(), Fit::svm()))),
        };
        RoadModel {
            method,
            counts,
            fitted,
        }
    }

    pub fn method(&self) -> Method {
        self.method
    }

    /// Confirmed calls per road the model learned from.
    pub fn examples_per_road(&self) -> [u32; ROADS] {
        self.counts.docs()
    }

    /// Bytes the model holds, roughly.
    pub fn approximate_bytes(&self) -> usize {
        self.counts.approximate_bytes()
            + match &self.fitted {
                Fitted::Bayes { .. } => 0,
                Fitted::Linear(linear) => linear.approximate_bytes(),
            }
    }

    /// What `text` reads like, with its cue words; `None` for notes with no word the model
    /// knows.
    pub fn suggest(&self, text: &str) -> Option<Suggestion> {
        let found = features(text);
        let mut keys: Vec<FeatureKey> = found.iter().map(|f| f.key).collect();
        keys.sort_unstable();
        keys.dedup();
        // Per known feature: its position in `keys` and its per-road contribution.
        let (scores, contributions): ([f64; ROADS], Vec<(usize, [f64; ROADS])>) = match &self.fitted
        {
            Fitted::Bayes { complement } => {
                let weights = self.counts.weights(&keys, *complement);
                let mut scores = if *complement {
                    [0.0; ROADS]
                } else {
                    self.counts.log_prior()
                };
                for (_, w) in &weights {
                    for r in 0..ROADS {
                        scores[r] += w[r];
                    }
                }
                (scores, weights)
            }
            Fitted::Linear(linear) => {
                let vector = linear.vector(&keys);
                let scores = linear.scores(&vector);
                let contributions = vector
                    .iter()
                    .map(|(i, at, x)| {
                        let w = linear.weight(*at);
                        let mut c = [0.0; ROADS];
                        for r in 0..ROADS {
                            c[r] = f64::from(w[r] * x);
                        }
                        (*i, c)
                    })
                    .collect();
                (scores, contributions)
            }
        };
        if contributions.is_empty() {
            return None;
        }
        let probabilities = softmax(scores);
        let best = (0..ROADS)
            .max_by(|a, b| {
                probabilities[*a]
                    .total_cmp(&probabilities[*b])
                    .then(b.cmp(a))
            })
            .unwrap_or(0);
        let cues = cues_for(text, &found, &keys, &contributions, best);
        Some(Suggestion {
            road: Road::ALL[best],
            confidence: probabilities[best],
            probabilities,
            cues,
        })
    }

    /// Learns one more confirmed call (naive Bayes only: the counts change, nothing else
    /// is refitted). Returns false when the method needs a refit instead.
    pub fn learn(&mut self, text: &str, road: Road) -> bool {
        self.counts.add(&tokens::distinct_keys(text), road);
        matches!(self.fitted, Fitted::Bayes { .. })
    }

    /// Forgets a confirmed call learned before (its road changed, its customer was erased).
    pub fn forget(&mut self, text: &str, road: Road) -> bool {
        self.counts.remove(&tokens::distinct_keys(text), road);
        matches!(self.fitted, Fitted::Bayes { .. })
    }
}

/// Fewer passes over many calls: SGD has converged long before 30 passes over tens of
/// thousands of notes, and this keeps training from a large store within seconds.
fn epochs_for(docs: usize, fit: Fit) -> Fit {
    Fit {
        epochs: (200_000 / docs.max(1)).clamp(3, fit.epochs),
        ..fit
    }
}

/// How many more confirmed calls each road needs before a suggestion is shown (roads that
/// have enough are left out).
pub fn still_needed(per_road: [u32; ROADS]) -> Vec<(Road, u32)> {
    Road::ALL
        .into_iter()
        .zip(per_road)
        .filter(|(_, have)| *have < MIN_PER_ROAD)
        .map(|(road, have)| (road, MIN_PER_ROAD - have))
        .collect()
}

/// Words never shown as a cue on their own (a pair holding one may be).
const LITTLE_WORDS: [&str; 40] = [
    "a", "an", "the", "and", "or", "but", "to", "of", "in", "on", "at", "for", "with", "by",
    "from", "up", "it", "is", "was", "be", "will", "would", "can", "could", "he", "she", "they",
    "them", "him", "her", "his", "i", "we", "us", "our", "you", "that", "this", "as", "so",
];

/// The features that pushed most towards road `best` over the mean of the others,
/// without two cues covering the same words.
fn cues_for(
    text: &str,
    found: &[Feature],
    keys: &[FeatureKey],
    contributions: &[(usize, [f64; ROADS])],
    best: usize,
) -> Vec<Cue> {
    let mut ranked: Vec<(usize, f64)> = contributions
        .iter()
        .map(|(i, c)| {
            let others =
                (0..ROADS).filter(|r| *r != best).map(|r| c[r]).sum::<f64>() / (ROADS - 1) as f64;
            (*i, c[best] - others)
        })
        .filter(|(_, lift)| *lift > 0.0)
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    // Little words carry weight in the model but explain nothing to a person.
    let little: Vec<FeatureKey> = LITTLE_WORDS
        .iter()
        .map(|w| tokens::word_key(&tokens::stem(w)))
        .collect();
    ranked.retain(|(i, _)| !little.contains(&keys[*i]));
    let mut cues: Vec<Cue> = Vec::new();
    let mut covered: Vec<Range<usize>> = Vec::new();
    for (i, weight) in ranked {
        let key = keys[i];
        let spans: Vec<Range<usize>> = found
            .iter()
            .filter(|f| f.key == key)
            .map(|f| f.span.clone())
            .collect();
        let Some(first) = spans.first() else { continue };
        if covered
            .iter()
            .any(|c| c.start < first.end && first.start < c.end)
        {
            continue;
        }
        covered.push(first.clone());
        let words = text[first.clone()]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        cues.push(Cue {
            words,
            spans,
            weight,
        });
        if cues.len() == MAX_CUES {
            break;
        }
    }
    cues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Vec<(&'static str, Road)> {
        vec![
            (
                "customer suggested a new feature, passed to product",
                Road::Learn,
            ),
            ("logged her idea for the product team", Road::Learn),
            ("apologised and waived the fee", Road::Care),
            ("so sorry, waived the charge, will follow up", Road::Care),
            ("walked him through resetting the router", Road::Teach),
            ("showed her how to reset the password", Road::Teach),
            ("put on hold then transferred to billing", Road::GoAway),
            ("explained the policy, nothing we can do", Road::GoAway),
        ]
    }

    #[test]
    fn every_method_reads_obvious_notes_and_explains_itself() {
        for method in Method::ALL {
            let model = RoadModel::train(method, toy());
            let text = "Waived the fee and apologised";
            let suggestion = model.suggest(text).expect("known words");
            assert_eq!(suggestion.road, Road::Care, "{method:?}");
            assert!(!suggestion.cues.is_empty(), "{method:?}");
            for cue in &suggestion.cues {
                for span in &cue.spans {
                    assert!(text.get(span.clone()).is_some());
                }
            }
            let sum: f64 = suggestion.probabilities.iter().sum();
            assert!((sum - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn unknown_words_give_no_suggestion() {
        let model = RoadModel::train(Method::default(), toy());
        assert_eq!(model.suggest("zzz qqq"), None);
        assert_eq!(model.suggest(""), None);
    }

    #[test]
    fn training_twice_gives_the_same_model() {
        let a = RoadModel::train(Method::default(), toy());
        let b = RoadModel::train(Method::default(), toy());
        let text = "transferred to billing, sorry";
        assert_eq!(a.suggest(text), b.suggest(text));
    }
}
