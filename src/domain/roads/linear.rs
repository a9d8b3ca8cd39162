//! Linear models over TF-IDF weighted, length-normalised word and word-pair presence:
//! multinomial logistic regression (softmax, L2, SGD) and a one-vs-rest linear SVM
//! (Pegasos). Training is seeded, so the same calls give the same model.

use std::collections::HashMap;

use super::tokens::FeatureKey;
use super::{ROADS, SplitMix, road_index};
use crate::domain::Road;

/// Which loss the weights were fitted with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    Logistic,
    Hinge,
}

/// Settings for fitting; the defaults are what cross-validation on the development set
/// picked (README, "Road suggestion").
#[derive(Clone, Copy, Debug)]
pub struct Fit {
    pub loss: Loss,
    pub lambda: f64,
    pub epochs: usize,
    pub seed: u64,
}

impl Fit {
    pub fn logistic() -> Fit {
        Fit {
            loss: Loss::Logistic,
            lambda: 1e-4,
            epochs: 30,
            seed: 0x5eed,
        }
    }

    pub fn svm() -> Fit {
        Fit {
            loss: Loss::Hinge,
            lambda: 1e-3,
            epochs: 30,
            seed: 0x5eed,
        }
    }
}

/// A fitted linear model.
#[derive(Clone, Debug, Default)]
pub struct Linear {
    pub(super) index: HashMap<FeatureKey, u32>,
    pub(super) idf: Vec<f32>,
    pub(super) weights: Vec<[f32; ROADS]>,
    pub(super) bias: [f32; ROADS],
}

type Sparse = Vec<(u32, f32)>;

impl Linear {
    /// The note's vector: TF-IDF of each known feature (presence × idf), L2-normalised.
    /// Returns (position in `keys`, feature index, value).
    pub fn vector(&self, keys: &[FeatureKey]) -> Vec<(usize, u32, f32)> {
        let mut out: Vec<(usize, u32, f32)> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, key)| {
                let at = *self.index.get(key)?;
                Some((i, at, self.idf[at as usize]))
            })
            .collect();
        let norm = out.iter().map(|(_, _, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            for entry in &mut out {
                entry.2 /= norm;
            }
        }
        out
    }

    /// Raw scores per road for a vector.
    pub fn scores(&self, vector: &[(usize, u32, f32)]) -> [f64; ROADS] {
        let mut out: [f64; ROADS] = self.bias.map(f64::from);
        for (_, at, value) in vector {
            let w = &self.weights[*at as usize];
            for r in 0..ROADS {
                out[r] += f64::from(w[r] * value);
            }
        }
        out
    }

    /// Weights of one feature.
    pub fn weight(&self, at: u32) -> [f32; ROADS] {
        self.weights[at as usize]
    }

    pub fn approximate_bytes(&self) -> usize {
        self.index.capacity() * (std::mem::size_of::<(FeatureKey, u32)>() + 1)
            + self.idf.capacity() * 4
            + self.weights.capacity() * std::mem::size_of::<[f32; ROADS]>()
    }

    /// Fits a model to notes given as their distinct feature keys.
    pub fn train(docs: &[(Vec<FeatureKey>, Road)], fit: Fit) -> Linear {
        let mut model = Linear::default();
        let mut df: Vec<u32> = Vec::new();
        for (keys, _) in docs {
            for key in keys {
                let next = model.index.len() as u32;
                let at = *model.index.entry(*key).or_insert(next);
                if at as usize == df.len() {
                    df.push(0);
                }
                df[at as usize] += 1;
            }
        }
        let n = docs.len() as f32;
        model.idf = df
            .iter()
            .map(|d| ((1.0 + n) / (1.0 + *d as f32)).ln() + 1.0)
            .collect();
        model.weights = vec![[0.0; ROADS]; df.len()];
        let vectors: Vec<(Sparse, usize)> = docs
            .iter()
            .map(|(keys, road)| {
                let v = model.vector(keys);
                (
                    v.into_iter().map(|(_, at, x)| (at, x)).collect(),
                    road_index(*road),
                )
            })
            .collect();
        match fit.loss {
            Loss::Logistic => fit_logistic(&mut model, &vectors, fit),
            Loss::Hinge => fit_hinge(&mut model, &vectors, fit),
        }
        model
    }
}

fn shuffled(n: usize, rng: &mut SplitMix) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    order
}

/// Softmax regression by SGD with a decaying step, each road weighted by the inverse of
/// its share; the L2 penalty is applied through a shared scale factor so each step
/// touches only the note's own features.
fn fit_logistic(model: &mut Linear, data: &[(Sparse, usize)], fit: Fit) {
    let mut rng = SplitMix::new(fit.seed);
    let mut scale = 1.0f64;
    let mut t = 0usize;
    let eta0 = 0.5;
    // Each road weighs the same in the loss however many calls it has: a team's rare
    // road-1 calls would otherwise be drowned by the common ones (measured: README).
    let mut per_road = [0f64; ROADS];
    for (_, y) in data {
        per_road[*y] += 1.0;
    }
    let balance: [f64; ROADS] = std::array::from_fn(|r| {
        if per_road[r] > 0.0 {
            data.len() as f64 / (ROADS as f64 * per_road[r])
        } else {
            1.0
        }
    });
    for _ in 0..fit.epochs {
        for &i in &shuffled(data.len(), &mut rng) {
            let (x, y) = &data[i];
            let eta = eta0 / (1.0 + eta0 * fit.lambda * t as f64);
            t += 1;
            let mut z: [f64; ROADS] = model.bias.map(f64::from);
            for (at, value) in x {
                let w = &model.weights[*at as usize];
                for r in 0..ROADS {
                    z[r] += scale * f64::from(w[r] * value);
                }
            }
            let p = softmax(z);
            scale *= 1.0 - eta * fit.lambda;
            for (r, p_r) in p.iter().enumerate() {
                let g = balance[*y] * (p_r - if r == *y { 1.0 } else { 0.0 });
                model.bias[r] -= (eta * g * 0.1) as f32;
                for (at, value) in x {
                    model.weights[*at as usize][r] -= (eta * g * f64::from(*value) / scale) as f32;
                }
            }
            if scale < 1e-6 {
                rescale(model, &mut scale);
            }
        }
    }
    rescale(model, &mut scale);
}

/// One-vs-rest Pegasos: step 1/(λt), hinge loss, the same shared-scale trick.
fn fit_hinge(model: &mut Linear, data: &[(Sparse, usize)], fit: Fit) {
    let mut rng = SplitMix::new(fit.seed);
    let mut scale = [1.0f64; ROADS];
    let mut t = 1usize;
    for _ in 0..fit.epochs {
        for &i in &shuffled(data.len(), &mut rng) {
            let (x, y) = &data[i];
            let eta = 1.0 / (fit.lambda * t as f64);
            t += 1;
            for r in 0..ROADS {
                let label = if r == *y { 1.0 } else { -1.0 };
                let mut margin = f64::from(model.bias[r]);
                for (at, value) in x {
                    margin += scale[r] * f64::from(model.weights[*at as usize][r] * value);
                }
                scale[r] *= 1.0 - eta * fit.lambda;
                if scale[r] < 1e-9 {
                    for w in &mut model.weights {
                        w[r] = (f64::from(w[r]) * scale[r]) as f32;
                    }
                    scale[r] = 1.0;
                }
                if label * margin < 1.0 {
                    for (at, value) in x {
                        model.weights[*at as usize][r] +=
                            (eta * label * f64::from(*value) / scale[r]) as f32;
                    }
                    model.bias[r] += (eta * label * 0.01) as f32;
                }
            }
        }
    }
    for w in &mut model.weights {
        for r in 0..ROADS {
            w[r] = (f64::from(w[r]) * scale[r]) as f32;
        }
    }
}

fn rescale(model: &mut Linear, scale: &mut f64) {
    for w in &mut model.weights {
        for v in w.iter_mut() {
            *v = (f64::from(*v) * *scale) as f32;
        }
    }
    *scale = 1.0;
}

/// Scores to probabilities.
pub fn softmax(z: [f64; ROADS]) -> [f64; ROADS] {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut out = [0.0; ROADS];
    let mut sum = 0.0;
    for r in 0..ROADS {
        out[r] = (z[r] - max).exp();
        sum += out[r];
    }
    for v in &mut out {
        *v /= sum;
    }
    out
}
