//! Range estimation: the magnitude each tensor's scale must hold, from the samples.
//!
//! A plain maximum lets one bad sample (a `1e30`, a `-999` sentinel) set a scale that
//! rounds every real value to 0. The rule here is the maximum over the samples that are
//! not far beyond the bulk of them, per tensor (`specs/quantization.md` §7.2).

use super::QuantError;
use crate::model::float::FloatModel;

/// The rule's name, as recorded in the model file's metadata.
pub const CALIBRATION_RULE: &str = "clipped_max_p90x64";

/// A sample whose magnitude on a tensor exceeds this many times the tensor's reference
/// magnitude (its 90th percentile over the samples) is an outlier for that tensor. A
/// power of two, so the fence is exact; 64 = 6 bits of headroom above the bulk, beyond
/// which keeping the sample would cost a 16-bit activation over a third of its precision.
pub const OUTLIER_FACTOR: f64 = 64.0;

/// The range estimate of the input and of every layer's output, and what was seen.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    /// The estimated largest magnitude of the input (after the declared input range's
    /// clip, when the model has one).
    pub input_max: f64,
    /// The same for each layer's output, in order.
    pub layer_max: Vec<f64>,
    pub samples: usize,
    /// Smallest and largest raw input value over every sample.
    pub input_seen: (f64, f64),
    /// Indices of the samples left out of at least one tensor's estimate, ascending.
    pub outliers: Vec<usize>,
}

/// Runs the float model on every sample and estimates each tensor's range.
pub fn calibrate(model: &FloatModel, samples: &[Vec<f64>]) -> Result<Calibration, QuantError> {
    if samples.is_empty() {
        return Err(QuantError::NoSamples);
    }
    let expected = crate::model::shape::numel(&model.input_shape);
    let max_abs = |v: &[f64]| v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    // magnitudes[t][j]: the largest |value| of tensor t (0 the input, 1 + i layer i) on sample j.
    let mut magnitudes = vec![Vec::with_capacity(samples.len()); model.layers.len() + 1];
    let mut seen = (f64::INFINITY, f64::NEG_INFINITY);
    for (sample, x) in samples.iter().enumerate() {
        if x.len() != expected {
            return Err(QuantError::SampleLength { sample, expected, got: x.len() });
        }
        if let Some(index) = x.iter().position(|v| !v.is_finite()) {
            return Err(QuantError::NotFinite { sample, index });
        }
        seen = x.iter().fold(seen, |(lo, hi), &v| (lo.min(v), hi.max(v)));
        magnitudes[0].push(max_abs(&model.clip_input(x)));
        for (index, y) in model.evaluate_trace(x).iter().enumerate() {
            if y.iter().any(|v| !v.is_finite()) {
                let name = model.layers[index].name.clone();
                return Err(QuantError::NonFiniteActivation { index, name, sample });
            }
            magnitudes[index + 1].push(max_abs(y));
        }
    }
    let mut outlier = vec![false; samples.len()];
    let mut ranges = magnitudes.iter().map(|m| clipped_max(m, &mut outlier));
    let input_max = ranges.next().expect("the input's magnitudes");
    Ok(Calibration {
        input_max,
        layer_max: ranges.collect(),
        samples: samples.len(),
        input_seen: seen,
        outliers: (0..samples.len()).filter(|&j| outlier[j]).collect(),
    })
}

/// The largest of `m` (one magnitude per sample) within `OUTLIER_FACTOR` times the
/// reference, the nearest-rank 90th percentile; marks the samples beyond it. With a
/// reference of 0 (a tensor zero on at least 90 % of the samples) nothing is left out.
fn clipped_max(m: &[f64], outlier: &mut [bool]) -> f64 {
    let mut sorted = m.to_vec();
    sorted.sort_by(f64::total_cmp);
    let reference = sorted[(9 * m.len()).div_ceil(10) - 1];
    let fence = if reference > 0.0 { reference * OUTLIER_FACTOR } else { f64::INFINITY };
    let mut range = 0.0f64;
    for (j, &v) in m.iter().enumerate() {
        if v > fence {
            outlier[j] = true;
        } else {
            range = range.max(v);
        }
    }
    range
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::float::FloatLayer;
    use crate::model::op::Op;

    /// y = 2·x0 − x1 on inputs of shape [1, 2].
    fn dense() -> FloatModel {
        FloatModel {
            input_shape: vec![1, 2],
            input_range: None,
            layers: vec![FloatLayer {
                name: "fc".into(),
                op: Op::Dense { in_features: 2, out_features: 1 },
                output_shape: vec![1, 1],
                params: Some((vec![2.0, -1.0], vec![0.0])),
            }],
        }
    }

    fn ramp(n: usize) -> Vec<Vec<f64>> {
        (0..n).map(|j| vec![j as f64 / n as f64, -0.5]).collect()
    }

    #[test]
    fn clean_samples_give_the_plain_maximum() {
        let cal = calibrate(&dense(), &ramp(50)).unwrap();
        assert_eq!(cal.input_max, 0.98);
        assert_eq!(cal.layer_max, [2.0 * 0.98 + 0.5]);
        assert_eq!((cal.samples, cal.input_seen, cal.outliers.len()), (50, (-0.5, 0.98), 0));
    }

    #[test]
    fn an_absurd_sample_is_left_out_of_every_range_it_would_blow_up() {
        let mut samples = ramp(50);
        samples[17][0] = 1e30;
        let cal = calibrate(&dense(), &samples).unwrap();
        assert_eq!(cal.outliers, [17]);
        assert_eq!(cal.input_max, 0.98, "the input's range ignores it");
        assert_eq!(cal.layer_max, [2.0 * 0.98 + 0.5]);
        assert_eq!(cal.input_seen, (-0.5, 1e30), "but the range seen reports it");
    }

    #[test]
    fn the_fence_is_64_times_the_90th_percentile() {
        // 20 samples: the reference is the 18th smallest magnitude (0.5 here).
        let mut samples: Vec<Vec<f64>> = (0..20).map(|_| vec![0.5, 0.0]).collect();
        samples[3][0] = 32.0; // exactly at the fence: kept
        samples[4][0] = 32.5; // beyond it: left out
        let cal = calibrate(&dense(), &samples).unwrap();
        assert_eq!(cal.input_max, 32.0);
        assert_eq!(cal.outliers, [4]);
        // Three large samples of 20 reach the 90th percentile: none is an outlier.
        let mut samples: Vec<Vec<f64>> = (0..20).map(|_| vec![0.5, 0.0]).collect();
        (5..8).for_each(|j| samples[j][0] = 1e6);
        let cal = calibrate(&dense(), &samples).unwrap();
        assert_eq!((cal.input_max, cal.outliers.len()), (1e6, 0));
    }

    #[test]
    fn few_samples_or_a_mostly_zero_tensor_keep_the_maximum() {
        let mut samples = ramp(9);
        samples[8][0] = 1e30;
        assert_eq!(calibrate(&dense(), &samples).unwrap().input_max, 1e30, "below 10 samples the p90 is the max");
        let mut zeros = vec![vec![0.0, 0.0]; 30];
        zeros[2][1] = 5.0;
        let cal = calibrate(&dense(), &zeros).unwrap();
        assert_eq!((cal.input_max, cal.outliers.len()), (5.0, 0));
    }

    #[test]
    fn the_declared_input_range_clips_before_measuring() {
        let mut model = dense();
        model.input_range = Some((-1.0, 1.0));
        let mut samples = ramp(20);
        samples[0][0] = 1e30;
        let cal = calibrate(&model, &samples).unwrap();
        assert_eq!((cal.input_max, cal.outliers.len()), (1.0, 0));
        assert_eq!(cal.input_seen.1, 1e30);
    }

    #[test]
    fn bad_samples_are_refused() {
        assert_eq!(calibrate(&dense(), &[]), Err(QuantError::NoSamples));
        let err = calibrate(&dense(), &[vec![1.0]]).unwrap_err();
        assert_eq!(err, QuantError::SampleLength { sample: 0, expected: 2, got: 1 });
        let err = calibrate(&dense(), &[vec![1.0, f64::NAN]]).unwrap_err();
        assert_eq!(err, QuantError::NotFinite { sample: 0, index: 1 });
        let err = calibrate(&dense(), &[vec![1e308, -1e308]]).unwrap_err();
        assert!(matches!(err, QuantError::NonFiniteActivation { index: 0, sample: 0, .. }), "{err}");
    }
}
