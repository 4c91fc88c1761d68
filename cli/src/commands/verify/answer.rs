//! What a valid proof says, in the terms a client reads (`zkseal verify`'s text and
//! JSON): the proven values dequantized, the decision (argmax, or a binary
//! classifier's class) and its label or the value, and the head's probabilities,
//! computed here from the proven outputs and marked not proven.

use serde_json::{json, Map, Value};
use zkseal_verifier::{CommitmentRecord, Verified};

/// A probability function on one inference's outputs, and its name.
type Head = (&'static str, fn(&[f64]) -> Vec<f64>);

/// What a valid proof says, in the terms a client reads: the proven values dequantized
/// with the key's scales, each inference's argmax and label or value, and the head's
/// probabilities (computed here from the proven outputs, not proven).
pub(super) struct Answer<'a> {
    v: &'a Verified,
    /// One inference's output count.
    n_out: usize,
    /// The record's labels, when there is one per class.
    labels: Option<&'a [String]>,
    head: Option<Head>,
    /// One logit read by a Sigmoid: class 1 when it is above 0.
    binary: bool,
}

impl<'a> Answer<'a> {
    pub(super) fn new(v: &'a Verified, record: &'a CommitmentRecord) -> Self {
        let n_out = v.output.len() / v.inferences as usize;
        let head = match record.head.as_deref() {
            Some("Softmax" | "LogSoftmax") => Some(("softmax", softmax as fn(&[f64]) -> Vec<f64>)),
            Some("Sigmoid") => Some(("sigmoid", sigmoid as fn(&[f64]) -> Vec<f64>)),
            _ => None,
        };
        let binary = n_out == 1 && record.head.as_deref() == Some("Sigmoid");
        let classes = if binary { 2 } else { n_out };
        let labels = (record.labels.len() == classes).then_some(record.labels.as_slice());
        Answer { v, n_out, labels, head, binary }
    }

    /// What of `record`'s claims this answer leaves out, and why (for stderr, once).
    pub(super) fn warnings(&self, record: &CommitmentRecord) -> Vec<String> {
        let mut out = Vec::new();
        if !record.labels.is_empty() && self.labels.is_none() {
            let classes = if self.binary {
                "binary classifier's 2 classes".to_string()
            } else {
                format!("model's {} outputs", self.n_out)
            };
            out.push(format!(
                "warning: the record has {} labels for the {classes}, so no label is shown; ask the owner to \
                 commit again",
                record.labels.len(),
            ));
        }
        if let (Some(head), None) = (&record.head, self.head) {
            out.push(format!(
                "warning: the record names the head '{head}', which verify does not apply (it applies Softmax, \
                 LogSoftmax and Sigmoid), so no probability is shown"
            ));
        }
        out
    }

    fn outputs(&self) -> std::slice::Chunks<'_, f64> {
        self.v.output_float.chunks(self.n_out.max(1))
    }

    /// Each inference's decided class: a binary classifier's is 1 when its logit's
    /// integer is above 0, else 0; otherwise the argmax, the lowest index of the largest
    /// output integer.
    fn decision(&self) -> Vec<usize> {
        self.v
            .output
            .chunks(self.n_out.max(1))
            .map(|o| match self.binary {
                true => usize::from(o[0] > 0),
                false => (0..o.len()).rev().max_by_key(|&i| o[i]).unwrap_or(0),
            })
            .collect()
    }

    /// What the decision is called: `class` (binary), `argmax` (several outputs), or
    /// none for one value.
    fn decision_name(&self) -> Option<&'static str> {
        match (self.binary, self.n_out) {
            (true, _) => Some("class"),
            (false, 1) => None,
            (false, _) => Some("argmax"),
        }
    }

    /// Each inference's label, when the record's labels apply and there is a decision.
    fn labels(&self, decision: &[usize]) -> Option<Vec<&'a String>> {
        let labels = self.labels.filter(|_| self.decision_name().is_some())?;
        Some(decision.iter().map(|&i| &labels[i]).collect())
    }

    fn input(&self) -> Vec<f64> {
        let unit = 2f64.powi(-self.v.input_scale);
        self.v.input.iter().map(|&q| q as f64 * unit).collect()
    }

    fn probability(&self) -> Option<(&'static str, Vec<f64>)> {
        let (name, f) = self.head?;
        Some((name, self.outputs().flat_map(f).collect()))
    }
}

fn softmax(x: &[f64]) -> Vec<f64> {
    let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = x.iter().map(|&v| (v - max).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|&v| v / sum).collect()
}

fn sigmoid(x: &[f64]) -> Vec<f64> {
    x.iter().map(|&v| 1.0 / (1.0 + (-v).exp())).collect()
}

/// The client fields of `verify --json`'s `result` and of each valid `--batch --json` line.
pub(super) fn client_json(a: &Answer<'_>) -> Map<String, Value> {
    let v = a.v;
    let mut out = Map::new();
    out.insert("output".into(), json!(v.output_float));
    out.insert("output_int".into(), json!(v.output));
    out.insert("input".into(), json!(a.input()));
    out.insert("input_int".into(), json!(v.input));
    out.insert("input_scale".into(), json!(v.input_scale));
    let decision = a.decision();
    if a.n_out == 1 {
        out.insert("value".into(), json!(v.output_float));
    }
    if let Some(key) = a.decision_name() {
        out.insert(key.into(), json!(decision));
    }
    if let Some(labels) = a.labels(&decision) {
        out.insert("label".into(), json!(labels));
    }
    if let Some((function, values)) = a.probability() {
        out.insert("probability".into(), json!({ "function": function, "values": values, "proven": false }));
    }
    out
}

/// The lines `verify` prints after `valid:` and `opened:`; with several inferences per
/// proof, each line is prefixed `inference K: `.
pub(super) fn client_text(a: &Answer<'_>) -> Vec<String> {
    let v = a.v;
    let b = v.inferences as usize;
    let n_in = v.input.len() / b;
    let (input, decision, probability) = (a.input(), a.decision(), a.probability());
    let mut lines = Vec::new();
    for (k, output) in a.outputs().enumerate() {
        let at = if b > 1 { format!("inference {k}: ") } else { String::new() };
        lines.push(format!("{at}input: {}", json!(input[k * n_in..(k + 1) * n_in])));
        let i = decision[k];
        let label = a.labels.map_or(String::new(), |l| format!(" (label {})", json!(l[i])));
        if a.n_out == 1 {
            lines.push(format!("{at}value: {}", output[0]));
        }
        if let Some(name) = a.decision_name() {
            let why = if a.binary { " (the logit's sign)" } else { "" };
            lines.push(format!("{at}{name}: {i}{label}{why}"));
        }
        if let Some((function, p)) = &probability {
            let p = &p[k * a.n_out..(k + 1) * a.n_out];
            let shown = match (*function, a.n_out) {
                (_, 1) => format!("{:.4} ({function} of the output", p[0]),
                ("softmax", _) => format!("{:.4} ({function} of the outputs, at the argmax", p[i]),
                _ => format!(
                    "[{}] ({function} of each output",
                    p.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>().join(", ")
                ),
            };
            lines.push(format!("{at}probability: {shown}; computed here from the proven outputs, not proven)"));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use zkseal_verifier::Opened;

    fn verified(inferences: u32, output: Vec<i64>, output_scale: i32) -> Verified {
        let output_float = output.iter().map(|&q| q as f64 * 2f64.powi(-output_scale)).collect();
        Verified {
            model_id: "m".into(),
            opened: Opened::Commitment("1".into()),
            inferences,
            input: (0..2 * inferences as i64).collect(),
            input_scale: 2,
            output,
            output_float,
        }
    }

    fn record(labels: &[&str], head: Option<&str>) -> CommitmentRecord {
        CommitmentRecord {
            format_version: 3,
            scheme: "poseidon-bn254-circom-v1".into(),
            model_id: "m".into(),
            architecture_digest: "a".into(),
            commitment: "1".into(),
            commitment_point: None,
            vk_digest: None,
            commitment_pallas: None,
            labels: labels.iter().map(|l| l.to_string()).collect(),
            head: head.map(str::to_string),
        }
    }

    #[test]
    fn a_classifier_shows_argmax_label_and_softmax_per_inference() {
        // Two inferences of three outputs; the first has a tie (lowest index wins).
        let v = verified(2, vec![4, 4, 0, -1, 0, 8], 2);
        let r = record(&["cat", "dog", "eel"], Some("Softmax"));
        let a = Answer::new(&v, &r);
        assert!(a.warnings(&r).is_empty());
        let j = Value::Object(client_json(&a));
        assert_eq!(j["argmax"], json!([0, 2]));
        assert_eq!(j["label"], json!(["cat", "eel"]));
        assert_eq!(j["input"], json!([0.0, 0.25, 0.5, 0.75]));
        assert_eq!(j["input_int"], json!([0, 1, 2, 3]));
        assert_eq!(j["probability"]["function"], "softmax");
        assert_eq!(j["probability"]["proven"], false);
        let p: Vec<f64> = serde_json::from_value(j["probability"]["values"].clone()).unwrap();
        assert_eq!(p.len(), 6);
        assert!((p[..3].iter().sum::<f64>() - 1.0).abs() < 1e-12 && (p[3..].iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((p[0] - p[1]).abs() < 1e-15 && p[0] > p[2]);
        assert!(j.get("value").is_none());
        let t = client_text(&a);
        assert_eq!(t[0], "inference 0: input: [0.0,0.25]");
        assert_eq!(t[1], "inference 0: argmax: 0 (label \"cat\")");
        assert!(
            t[2].starts_with("inference 0: probability: 0.4223 (softmax of the outputs, at the argmax;"),
            "{}",
            t[2]
        );
        assert!(t[2].ends_with("not proven)"), "{}", t[2]);
        assert_eq!(t[4], "inference 1: argmax: 2 (label \"eel\")");
    }

    #[test]
    fn one_output_shows_its_value_and_sigmoid() {
        let v = verified(1, vec![-4], 2);
        let r = record(&[], Some("Sigmoid"));
        let a = Answer::new(&v, &r);
        let j = Value::Object(client_json(&a));
        assert_eq!(j["value"], json!([-1.0]));
        assert_eq!(j["class"], json!([0]));
        assert!(j.get("argmax").is_none() && j.get("label").is_none());
        assert_eq!(j["probability"]["values"], json!([1.0 / (1.0 + 1f64.exp())]));
        assert_eq!(
            client_text(&a),
            [
                "input: [0.0,0.25]",
                "value: -1",
                "class: 0 (the logit's sign)",
                "probability: 0.2689 (sigmoid of the output; computed here from the proven outputs, not proven)"
            ]
        );
        // A regression (no Sigmoid head) has a value and no class.
        let r = record(&[], None);
        let j = Value::Object(client_json(&Answer::new(&v, &r)));
        assert!(j.get("class").is_none() && j.get("probability").is_none(), "{j}");
    }

    #[test]
    fn a_binary_classifier_names_its_class_per_inference() {
        // A logit of exactly 0 is class 0, as in `infer` and `evaluate`.
        let v = verified(3, vec![3, 0, -2], 1);
        let r = record(&["stay", "churn"], Some("Sigmoid"));
        let a = Answer::new(&v, &r);
        assert!(a.warnings(&r).is_empty());
        let j = Value::Object(client_json(&a));
        assert_eq!((&j["class"], &j["label"]), (&json!([1, 0, 0]), &json!(["churn", "stay", "stay"])));
        let t = client_text(&a);
        assert_eq!(t[2], "inference 0: class: 1 (label \"churn\") (the logit's sign)");
        assert_eq!(t[6], "inference 1: class: 0 (label \"stay\") (the logit's sign)");
        let one = record(&["churn"], Some("Sigmoid"));
        let w = Answer::new(&v, &one).warnings(&one);
        assert!(w.len() == 1 && w[0].contains("1 labels for the binary classifier's 2 classes"), "{w:?}");
    }

    #[test]
    fn claims_that_cannot_be_shown_are_left_out_with_a_warning() {
        let v = verified(1, vec![1, 2], 0);
        for (r, warning) in [
            (record(&["only one"], None), "1 labels for the model's 2 outputs"),
            (record(&[], Some("Hardmax")), "the head 'Hardmax'"),
        ] {
            let a = Answer::new(&v, &r);
            let w = a.warnings(&r);
            assert!(w.len() == 1 && w[0].contains(warning), "{w:?}");
            let j = Value::Object(client_json(&a));
            assert!(j.get("label").is_none() && j.get("probability").is_none(), "{j}");
            assert_eq!(j["argmax"], json!([1]));
        }
        let plain = record(&[], None);
        let a = Answer::new(&v, &plain);
        assert!(a.warnings(&plain).is_empty());
        assert_eq!(client_text(&a), ["input: [0.0,0.25]", "argmax: 1"]);
    }
}
