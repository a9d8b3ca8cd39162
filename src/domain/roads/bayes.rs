//! Naive Bayes over the presence of words and word pairs, in its multinomial and its
//! complement form. The model is nothing but counts, so adding or removing one confirmed
//! call is a few hash-map updates: this is what keeps the live model current as reviews are
//! saved and customers erased.

use std::collections::HashMap;

use super::tokens::FeatureKey;
use super::{ROADS, road_index};
use crate::domain::Road;

/// Counts per road of calls, and per feature of calls holding it.
#[derive(Clone, Debug, Default)]
pub struct BayesCounts {
    docs: [u32; ROADS],
    /// Sum over the road's calls of their distinct features.
    features: [u64; ROADS],
    by_feature: HashMap<FeatureKey, [u32; ROADS]>,
}

/// Additive smoothing: small, because most features are seen in one or two calls.
const ALPHA: f64 = 0.3;

impl BayesCounts {
    pub fn add(&mut self, keys: &[FeatureKey], road: Road) {
        let r = road_index(road);
        self.docs[r] += 1;
        self.features[r] += keys.len() as u64;
        for key in keys {
            self.by_feature.entry(*key).or_default()[r] += 1;
        }
    }

    /// Takes back an `add` of the same keys and road (a review changed, a customer was
    /// erased). Counts never go below zero, whatever the caller passes.
    pub fn remove(&mut self, keys: &[FeatureKey], road: Road) {
        let r = road_index(road);
        self.docs[r] = self.docs[r].saturating_sub(1);
        self.features[r] = self.features[r].saturating_sub(keys.len() as u64);
        for key in keys {
            if let Some(counts) = self.by_feature.get_mut(key) {
                counts[r] = counts[r].saturating_sub(1);
                if counts.iter().all(|c| *c == 0) {
                    self.by_feature.remove(key);
                }
            }
        }
    }

    /// Calls counted per road.
    pub fn docs(&self) -> [u32; ROADS] {
        self.docs
    }

    /// Distinct features known.
    pub fn vocabulary(&self) -> usize {
        self.by_feature.len()
    }

    /// Log P(feature | road) for a feature, under additive smoothing.
    fn log_likelihood(&self, key: FeatureKey) -> Option<[f64; ROADS]> {
        let counts = self.by_feature.get(&key)?;
        let v = self.by_feature.len() as f64;
        let mut out = [0.0; ROADS];
        for r in 0..ROADS {
            out[r] = ((f64::from(counts[r]) + ALPHA) / (self.features[r] as f64 + ALPHA * v)).ln();
        }
        Some(out)
    }

    /// Per-road weights of each known feature of a note: log-likelihoods (multinomial) or
    /// negated complement log-likelihoods, so that higher always means "more this road".
    pub fn weights(&self, keys: &[FeatureKey], complement: bool) -> Vec<(usize, [f64; ROADS])> {
        let v = self.by_feature.len() as f64;
        let total: u64 = self.features.iter().sum();
        keys.iter()
            .enumerate()
            .filter_map(|(i, key)| {
                if !complement {
                    return self.log_likelihood(*key).map(|w| (i, w));
                }
                let counts = self.by_feature.get(key)?;
                let all: u32 = counts.iter().sum();
                let mut w = [0.0; ROADS];
                for r in 0..ROADS {
                    let others = f64::from(all - counts[r]);
                    let others_total = (total - self.features[r]) as f64;
                    w[r] = -((others + ALPHA) / (others_total + ALPHA * v)).ln();
                }
                Some((i, w))
            })
            .collect()
    }

    /// Log prior of each road (the multinomial form uses it; the complement form, made
    /// for uneven classes, does not).
    pub fn log_prior(&self) -> [f64; ROADS] {
        let total: u32 = self.docs.iter().sum();
        std::array::from_fn(|r| {
            ((f64::from(self.docs[r]) + 1.0) / (f64::from(total) + ROADS as f64)).ln()
        })
    }

    /// Bytes the counts take, roughly (hash-map entries and their overhead).
    pub fn approximate_bytes(&self) -> usize {
        self.by_feature.capacity() * (std::mem::size_of::<(FeatureKey, [u32; ROADS])>() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_takes_back_add_exactly() {
        let mut counts = BayesCounts::default();
        counts.add(&[1, 2], Road::Care);
        counts.add(&[2, 3], Road::Teach);
        counts.remove(&[2, 3], Road::Teach);
        assert_eq!(counts.docs(), [0, 1, 0, 0]);
        assert_eq!(counts.vocabulary(), 2);
        // Removing what was never added changes nothing below zero.
        counts.remove(&[9], Road::GoAway);
        assert_eq!(counts.docs(), [0, 1, 0, 0]);
    }
}
