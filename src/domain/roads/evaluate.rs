//! Measuring a road model: stratified K-fold cross-validation with a fixed seed, the
//! confusion matrix pooled over the folds, and per-road precision, recall and F1 — for a
//! learned method and for the keyword baseline on the same folds.

use super::keywords::keyword_road;
use super::tokens::{FeatureKey, distinct_keys};
use super::{Method, ROADS, RoadModel, SplitMix, road_index};
use crate::domain::Road;

/// The seed of the fold assignment: the same notes always get the same folds.
pub const FOLD_SEED: u64 = 20_261_123;

/// Rows are the true road, columns the predicted one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Confusion(pub [[u32; ROADS]; ROADS]);

/// Precision, recall and F1 of one road.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoadScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Notes truly on this road.
    pub support: u32,
}

impl Confusion {
    pub fn record(&mut self, truth: Road, predicted: Road) {
        self.0[road_index(truth)][road_index(predicted)] += 1;
    }

    pub fn total(&self) -> u32 {
        self.0.iter().flatten().sum()
    }

    pub fn accuracy(&self) -> f64 {
        let right: u32 = (0..ROADS).map(|r| self.0[r][r]).sum();
        ratio(f64::from(right), f64::from(self.total()))
    }

    pub fn score(&self, road: Road) -> RoadScore {
        let r = road_index(road);
        let hit = f64::from(self.0[r][r]);
        let predicted: u32 = (0..ROADS).map(|t| self.0[t][r]).sum();
        let support: u32 = self.0[r].iter().sum();
        let precision = ratio(hit, f64::from(predicted));
        let recall = ratio(hit, f64::from(support));
        RoadScore {
            precision,
            recall,
            f1: ratio(2.0 * precision * recall, precision + recall),
            support,
        }
    }

    /// The unweighted mean of the four roads' F1.
    pub fn macro_f1(&self) -> f64 {
        Road::ALL.iter().map(|r| self.score(*r).f1).sum::<f64>() / ROADS as f64
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// Why cross-validation cannot run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvaluateError {
    #[error("--folds must be at least 2 (it was {0})")]
    TooFewFolds(usize),
    #[error(
        "road {road} has {have} labelled note(s), fewer than the {folds} folds; label more notes of that road or use fewer --folds"
    )]
    TooFewNotes {
        road: Road,
        have: usize,
        folds: usize,
    },
}

/// The fold of each note: per road, the notes in a seeded order dealt round the folds,
/// so every fold holds each road in proportion.
pub fn stratified_folds(
    roads: &[Road],
    folds: usize,
    seed: u64,
) -> Result<Vec<usize>, EvaluateError> {
    if folds < 2 {
        return Err(EvaluateError::TooFewFolds(folds));
    }
    let mut rng = SplitMix::new(seed);
    let mut fold_of = vec![0; roads.len()];
    let mut next = 0usize;
    for road in Road::ALL {
        let mut members: Vec<usize> = (0..roads.len()).filter(|i| roads[*i] == road).collect();
        if members.len() < folds {
            return Err(EvaluateError::TooFewNotes {
                road,
                have: members.len(),
                folds,
            });
        }
        rng.shuffle(&mut members);
        // Carry on dealing where the last road stopped, so fold sizes stay even.
        for i in members {
            fold_of[i] = next % folds;
            next += 1;
        }
    }
    Ok(fold_of)
}

/// The result of cross-validating a method and the keyword baseline on the same folds.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub method: Method,
    pub model: Confusion,
    pub keywords: Confusion,
    pub notes: usize,
    pub folds: usize,
}

/// Stratified K-fold cross-validation of `method` on labelled notes.
pub fn cross_validate(
    notes: &[(String, Road)],
    folds: usize,
    method: Method,
) -> Result<Evaluation, EvaluateError> {
    let roads: Vec<Road> = notes.iter().map(|(_, r)| *r).collect();
    let fold_of = stratified_folds(&roads, folds, FOLD_SEED)?;
    let keys: Vec<Vec<FeatureKey>> = notes.iter().map(|(t, _)| distinct_keys(t)).collect();
    let mut model_confusion = Confusion::default();
    let mut keyword_confusion = Confusion::default();
    for fold in 0..folds {
        let train: Vec<(Vec<FeatureKey>, Road)> = (0..notes.len())
            .filter(|i| fold_of[*i] != fold)
            .map(|i| (keys[i].clone(), roads[i]))
            .collect();
        let model = RoadModel::train_keys(method, &train);
        let fallback = most_common(train.iter().map(|(_, r)| *r));
        for i in (0..notes.len()).filter(|i| fold_of[*i] == fold) {
            let (text, truth) = &notes[i];
            let predicted = model.suggest(text).map_or(fallback, |s| s.road);
            model_confusion.record(*truth, predicted);
            keyword_confusion.record(*truth, keyword_road(text, fallback));
        }
    }
    Ok(Evaluation {
        method,
        model: model_confusion,
        keywords: keyword_confusion,
        notes: notes.len(),
        folds,
    })
}

/// The most common road (ties to the lower number); Care when there is none.
pub fn most_common(roads: impl Iterator<Item = Road>) -> Road {
    let mut counts = [0u32; ROADS];
    for road in roads {
        counts[road_index(road)] += 1;
    }
    (0..ROADS)
        .max_by_key(|r| (counts[*r], std::cmp::Reverse(*r)))
        .filter(|r| counts[*r] > 0)
        .map_or(Road::Care, |r| Road::ALL[r])
}

/// The last line of `roads evaluate`, exactly:
/// `roads: accuracy 0.812, macro-F1 0.806; keyword baseline 0.431, 0.413 (320 notes, 5 folds)`.
pub fn summary_line(evaluation: &Evaluation) -> String {
    format!(
        "roads: accuracy {:.3}, macro-F1 {:.3}; keyword baseline {:.3}, {:.3} ({} notes, {} folds)",
        evaluation.model.accuracy(),
        evaluation.model.macro_f1(),
        evaluation.keywords.accuracy(),
        evaluation.keywords.macro_f1(),
        evaluation.notes,
        evaluation.folds
    )
}

/// A readable table: per-road precision/recall/F1 and the confusion matrix.
pub fn report(title: &str, confusion: &Confusion) -> String {
    let mut out = format!("{title}\n  road        precision  recall  F1     notes\n");
    for road in Road::ALL {
        let s = confusion.score(road);
        out.push_str(&format!(
            "  {:<10}  {:>9.3}  {:>6.3}  {:.3}  {:>5}\n",
            road.label(),
            s.precision,
            s.recall,
            s.f1,
            s.support
        ));
    }
    out.push_str(&format!(
        "  accuracy {:.3}, macro-F1 {:.3}\n  confusion (rows: confirmed road, columns: predicted)\n              1     2     3     4\n",
        confusion.accuracy(),
        confusion.macro_f1()
    ));
    for road in Road::ALL {
        let row = confusion.0[road_index(road)];
        out.push_str(&format!(
            "  {:<10}{:>5} {:>5} {:>5} {:>5}\n",
            road.label(),
            row[0],
            row[1],
            row[2],
            row[3]
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_and_seeded() {
        let roads: Vec<Road> = (0..40).map(|i| Road::ALL[i % 4]).collect();
        let a = stratified_folds(&roads, 5, FOLD_SEED).unwrap();
        assert_eq!(a, stratified_folds(&roads, 5, FOLD_SEED).unwrap());
        for fold in 0..5 {
            for road in Road::ALL {
                let n = (0..40)
                    .filter(|i| a[*i] == fold && roads[*i] == road)
                    .count();
                assert_eq!(n, 2, "fold {fold} road {road}");
            }
        }
    }

    #[test]
    fn too_few_notes_of_a_road_is_an_error() {
        let roads = [
            Road::Learn,
            Road::Care,
            Road::Teach,
            Road::GoAway,
            Road::Care,
        ];
        assert!(matches!(
            stratified_folds(&roads, 2, 1),
            Err(EvaluateError::TooFewNotes {
                road: Road::Learn,
                have: 1,
                folds: 2
            })
        ));
        assert_eq!(
            stratified_folds(&roads, 1, 1),
            Err(EvaluateError::TooFewFolds(1))
        );
    }

    #[test]
    fn scores_follow_the_confusion_matrix() {
        let mut c = Confusion::default();
        c.record(Road::Learn, Road::Learn);
        c.record(Road::Learn, Road::Care);
        c.record(Road::Care, Road::Care);
        let learn = c.score(Road::Learn);
        assert_eq!((learn.precision, learn.recall), (1.0, 0.5));
        assert!((c.score(Road::Care).precision - 0.5).abs() < 1e-12);
        assert!((c.accuracy() - 2.0 / 3.0).abs() < 1e-12);
        // Roads with no notes count as F1 0 in the macro mean.
        assert!((c.macro_f1() - (2.0 / 3.0 + 2.0 / 3.0) / 4.0).abs() < 1e-12);
    }
}
