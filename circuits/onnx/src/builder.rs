//! The graph walk: classifies every tensor, lowers each node, strips the head.

use std::collections::{HashMap, HashSet};

use onnx_protobuf::tensor_shape_proto::dimension::Value as Dim;
use onnx_protobuf::type_proto::Value as TypeValue;
use onnx_protobuf::{GraphProto, NodeProto, ValueInfoProto};

use super::tensor::{decode, ConstTensor};
use super::{consts, lower};
use super::{DynamicShapeKind as D, GraphKind as G, ImportErrorKind as E, TooLargeKind, UnsupportedKind as U};
use zkseal_core::model::float::{FloatLayer, FloatModel};
use zkseal_core::model::op::Op;
use zkseal_core::model::shape::{broadcast_map, check_size, numel};

/// Ops that may read the logits and begin a classifier head.
pub(super) const HEAD_OPS: &[&str] = &["Softmax", "LogSoftmax", "ArgMax", "Hardmax", "Sigmoid", "ZipMap"];
/// Ops that may follow a head (reading only head outputs and constants).
const HEAD_TAIL_OPS: &[&str] = &[
    "Softmax",
    "LogSoftmax",
    "ArgMax",
    "Hardmax",
    "Sigmoid",
    "ZipMap",
    "ArrayFeatureExtractor",
    "Cast",
    "Reshape",
    "Identity",
    "Flatten",
    "Squeeze",
    "Unsqueeze",
    "Concat",
    "Sub",
    "Mul",
    "Add",
    "Div",
    "Gather",
];

pub(super) struct Built {
    pub model: FloatModel,
    pub head_ops: Vec<String>,
    pub class_labels: Vec<String>,
}

pub(super) struct Builder {
    consts: HashMap<String, ConstTensor>,
    /// Activation tensors by name, with the id of the activation they hold; only the
    /// current id may be read (a stale one means the graph branches).
    acts: HashMap<String, u64>,
    act_id: u64,
    /// Secondary outputs nothing may read (MaxPool indices, Dropout mask, ...), with
    /// the op that produced each.
    unavailable: HashMap<String, String>,
    head: HashSet<String>,
    head_ops: Vec<String>,
    class_labels: Vec<String>,
    logits_read: bool,
    input_shape: Vec<usize>,
    layers: Vec<FloatLayer>,
    /// Zero padding `[top, left, bottom, right]` of a Pad node, waiting for its Conv.
    pub pending_pad: Option<[u32; 4]>,
}

/// Walks `graph`; errors carry `node 'NAME' (OP): ` when a node is at fault.
pub(super) fn build(graph: &GraphProto) -> Result<Built, (String, E)> {
    let bare = |k: E| (String::new(), k);
    if !graph.sparse_initializer.is_empty() {
        return Err(bare(U::SparseInitializers.into()));
    }
    let mut consts = HashMap::new();
    for t in &graph.initializer {
        let c = decode(t).map_err(|k| (format!("initializer '{}': ", t.name), k))?;
        consts.insert(t.name.clone(), c);
    }
    let inputs: Vec<&ValueInfoProto> = graph.input.iter().filter(|i| !consts.contains_key(&i.name)).collect();
    let [input] = inputs.as_slice() else {
        let names = inputs.iter().map(|i| i.name.clone()).collect();
        return Err(bare(G::Inputs { names }.into()));
    };
    let input_shape = input_shape(input).map_err(bare)?;
    let mut b = Builder {
        consts,
        acts: HashMap::from([(input.name.clone(), 0)]),
        act_id: 0,
        unavailable: HashMap::new(),
        head: HashSet::new(),
        head_ops: Vec::new(),
        class_labels: Vec::new(),
        logits_read: false,
        input_shape,
        layers: Vec::new(),
        pending_pad: None,
    };
    for node in &graph.node {
        b.node(node).map_err(|k| (format!("node '{}' ({}): ", node.name, node.op_type), k))?;
    }
    b.finish(graph).map_err(bare)
}

/// The input's shape: static, except that a symbolic or unknown leading (batch)
/// dimension of a tensor of rank ≥ 2 is fixed to 1.
fn input_shape(input: &ValueInfoProto) -> Result<Vec<usize>, E> {
    let name = &input.name;
    let Some(TypeValue::TensorType(t)) = input.type_.as_ref().and_then(|t| t.value.as_ref()) else {
        return Err(G::InputNotTensor(name.clone()).into());
    };
    // FLOAT, FLOAT16, DOUBLE
    if ![1, 10, 11].contains(&t.elem_type) {
        return Err(U::InputElementType { input: name.clone(), elem_type: t.elem_type }.into());
    }
    let Some(shape) = t.shape.as_ref() else {
        return Err(D::NoShape(name.clone()).into());
    };
    let rank = shape.dim.len();
    let dims = shape
        .dim
        .iter()
        .enumerate()
        .map(|(i, d)| match &d.value {
            Some(Dim::DimValue(v)) if *v > 0 => {
                usize::try_from(*v).map_err(|_| TooLargeKind::InputDimension(*v).into())
            }
            _ if i == 0 && rank > 1 => Ok(1),
            Some(Dim::DimParam(p)) => Err(D::Symbolic { input: name.clone(), dim: i, param: p.clone() }.into()),
            Some(Dim::DimValue(v)) => Err(D::NotPositive { input: name.clone(), dim: i, value: *v }.into()),
            _ => Err(D::Unknown { input: name.clone(), dim: i }.into()),
        })
        .collect::<Result<Vec<_>, E>>()?;
    check_size(&dims)?;
    Ok(dims)
}

impl Builder {
    fn node(&mut self, node: &NodeProto) -> Result<(), E> {
        if !["", "ai.onnx", "ai.onnx.ml"].contains(&node.domain.as_str()) {
            return Err(U::OpDomain(node.domain.clone()).into());
        }
        let op = node.op_type.as_str();
        let mut act_inputs = Vec::new();
        let mut reads_head = false;
        for (pos, name) in node.input.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
            if self.head.contains(name) {
                reads_head = true;
            } else if let Some(&id) = self.acts.get(name) {
                act_inputs.push((pos, id));
            } else if let Some(op) = self.unavailable.get(name) {
                return Err(U::SecondaryOutput { input: name.clone(), op: op.clone() }.into());
            } else if !self.consts.contains_key(name) {
                return Err(G::UnknownInput(name.clone()).into());
            }
        }
        if reads_head || (HEAD_OPS.contains(&op) && !act_inputs.is_empty()) {
            return self.head_node(node, &act_inputs);
        }
        if act_inputs.is_empty() {
            return consts::fold(self, node);
        }
        if self.logits_read {
            return Err(G::AfterHead.into());
        }
        let [(pos, id)] = act_inputs.as_slice() else {
            return Err(U::TwoActivations.into());
        };
        self.check_current(*id)?;
        lower::lower(self, node, *pos)
    }

    fn check_current(&self, id: u64) -> Result<(), E> {
        if id != self.act_id {
            return Err(U::Branching.into());
        }
        Ok(())
    }

    fn head_node(&mut self, node: &NodeProto, act_inputs: &[(usize, u64)]) -> Result<(), E> {
        let op = node.op_type.as_str();
        if !HEAD_TAIL_OPS.contains(&op) {
            return Err(U::ReadsHead(op.to_string()).into());
        }
        for &(_, id) in act_inputs {
            self.check_current(id)?;
            self.logits_read = true;
        }
        if !self.head_ops.iter().any(|o| o == op) {
            self.head_ops.push(op.to_string());
        }
        let attrs = super::attrs::Attrs(node);
        let labels = match op {
            "ArrayFeatureExtractor" => node.input.first().and_then(|n| self.consts.get(n)).map(ConstTensor::as_labels),
            "ZipMap" => match attrs.strings("classlabels_strings")? {
                Some(s) => Some(s),
                None => attrs.ints("classlabels_int64s")?.map(|v| v.iter().map(i64::to_string).collect()),
            },
            _ => None,
        };
        if let Some(labels) = labels.filter(|l| !l.is_empty()) {
            self.class_labels = labels;
        }
        self.head.extend(node.output.iter().filter(|o| !o.is_empty()).cloned());
        Ok(())
    }

    fn finish(mut self, graph: &GraphProto) -> Result<Built, E> {
        if graph.output.is_empty() {
            return Err(G::NoOutputs.into());
        }
        if self.pending_pad.is_some() {
            return Err(U::PadWithoutConv.into());
        }
        for out in &graph.output {
            let name = &out.name;
            if self.head.contains(name) {
                continue;
            }
            match self.acts.get(name) {
                Some(&id) if id == self.act_id => {}
                Some(_) => return Err(G::IntermediateOutput(name.clone()).into()),
                None => return Err(G::OutputNotFromInput(name.clone()).into()),
            }
        }
        if self.layers.is_empty() {
            return Err(G::Empty.into());
        }
        let logits = numel(&self.layers.last().expect("non-empty").output_shape);
        if self.class_labels.len() != logits {
            self.class_labels.clear();
        }
        Ok(Built {
            model: FloatModel {
                input_shape: std::mem::take(&mut self.input_shape),
                input_range: None,
                layers: self.layers,
            },
            head_ops: self.head_ops,
            class_labels: self.class_labels,
        })
    }

    /// Shape of the current activation.
    pub fn shape(&self) -> &[usize] {
        self.layers.last().map_or(&self.input_shape, |l| &l.output_shape)
    }

    pub fn constant(&self, name: &str) -> Result<&ConstTensor, E> {
        self.consts.get(name).ok_or_else(|| U::NotConstant(name.to_string()).into())
    }

    /// A const input by position, or `None` when absent.
    pub fn const_input(&self, node: &NodeProto, pos: usize) -> Result<Option<&ConstTensor>, E> {
        match node.input.get(pos).filter(|n| !n.is_empty()) {
            None => Ok(None),
            Some(name) => self.constant(name).map(Some),
        }
    }

    pub fn set_const(&mut self, name: &str, c: ConstTensor) -> Result<(), E> {
        check_size(&c.dims).or_else(|e| if c.dims.contains(&0) { Ok(()) } else { Err(e) })?;
        self.consts.insert(name.to_string(), c);
        Ok(())
    }

    /// Names the node's first output as the current activation; later outputs become
    /// unreadable.
    pub fn bind_outputs(&mut self, node: &NodeProto) {
        let mut outs = node.output.iter().filter(|o| !o.is_empty());
        if let Some(first) = outs.next() {
            self.acts.insert(first.clone(), self.act_id);
        }
        for extra in outs {
            self.unavailable.insert(extra.clone(), node.op_type.clone());
        }
    }

    /// Appends a layer after the current activation.
    pub fn push(
        &mut self,
        name: &str,
        op: Op,
        params: Option<(Vec<f64>, Vec<f64>)>,
        declared: &[usize],
    ) -> Result<(), E> {
        let output_shape = op.output_shape(self.shape(), declared)?;
        check_size(&output_shape)?;
        self.layers.push(FloatLayer { name: name.to_string(), op, output_shape, params });
        self.act_id += 1;
        Ok(())
    }

    /// A reshape to `shape` (nothing when the shape is unchanged).
    pub fn push_reshape(&mut self, name: &str, shape: Vec<usize>) -> Result<(), E> {
        if shape != self.shape() {
            self.push(name, Op::Reshape, None, &shape)?;
        }
        Ok(())
    }

    /// `y = x ⊙ m + c` with `m`, `c` given for every element of the activation; folded
    /// into the preceding Dense / Conv2d / Affine layer when the shapes allow.
    pub fn elementwise(&mut self, name: &str, m: Vec<f64>, c: Vec<f64>) -> Result<(), E> {
        let shape = self.shape().to_vec();
        let (pshape, mut params) = compress(&shape, vec![m, c]);
        let (cv, mv) = (params.pop().expect("c"), params.pop().expect("m"));
        let only_axis = |axis: usize| pshape.iter().enumerate().all(|(a, &d)| d == 1 || a == axis);
        if let Some(last) = self.layers.last_mut() {
            match (&mut last.op, &mut last.params) {
                (Op::Dense { in_features, .. }, Some((w, b))) if only_axis(shape.len() - 1) => {
                    let rows = b.len();
                    scale_rows(w, b, *in_features as usize, &per_row(&mv, rows), &per_row(&cv, rows));
                    self.act_id += 1;
                    return Ok(());
                }
                (Op::Conv2d { .. }, Some((w, b))) if only_axis(1) => {
                    let (rows, per) = (b.len(), w.len() / b.len());
                    scale_rows(w, b, per, &per_row(&mv, rows), &per_row(&cv, rows));
                    self.act_id += 1;
                    return Ok(());
                }
                (Op::Affine { param_shape }, Some((m0, c0))) => {
                    let old: Vec<usize> = param_shape.iter().map(|&d| d as usize).collect();
                    let full_m = broadcast_map(&pshape, &shape);
                    let full_old = broadcast_map(&old, &shape);
                    let m: Vec<f64> = full_old.iter().zip(&full_m).map(|(&o, &i)| m0[o] * mv[i]).collect();
                    let c: Vec<f64> = full_old.iter().zip(&full_m).map(|(&o, &i)| c0[o] * mv[i] + cv[i]).collect();
                    let (ps, mut p) = compress(&shape, vec![m, c]);
                    *param_shape = ps.iter().map(|&d| d as u32).collect();
                    *c0 = p.pop().expect("c");
                    *m0 = p.pop().expect("m");
                    self.act_id += 1;
                    return Ok(());
                }
                _ => {}
            }
        }
        let op = Op::Affine { param_shape: pshape.iter().map(|&d| d as u32).collect() };
        self.push(name, op, Some((mv, cv)), &[])
    }
}

/// Row `o` of `w` (rows of `per` values) times `m[o]`, and `b[o]·m[o] + c[o]`.
fn scale_rows(w: &mut [f64], b: &mut [f64], per: usize, m: &[f64], c: &[f64]) {
    for (o, row) in w.chunks_exact_mut(per).enumerate() {
        row.iter_mut().for_each(|v| *v *= m[o]);
        b[o] = b[o] * m[o] + c[o];
    }
}

/// A parameter compressed to one axis (or to a scalar) as one value per row.
fn per_row(v: &[f64], rows: usize) -> Vec<f64> {
    if v.len() == 1 {
        vec![v[0]; rows]
    } else {
        v.to_vec()
    }
}

/// Smallest parameter shape along which every tensor in `full` (each of `shape`)
/// varies, and the tensors restricted to it.
fn compress(shape: &[usize], full: Vec<Vec<f64>>) -> (Vec<usize>, Vec<Vec<f64>>) {
    let strides = zkseal_core::model::shape::strides(shape);
    let varies = |axis: usize| {
        full.iter().any(|t| {
            (0..t.len()).any(|i| {
                let coord = i / strides[axis] % shape[axis];
                t[i] != t[i - coord * strides[axis]]
            })
        })
    };
    let pshape: Vec<usize> = (0..shape.len()).map(|a| if varies(a) { shape[a] } else { 1 }).collect();
    // Element i of the compressed tensor sits at the full index with the same
    // coordinates on varying axes and 0 elsewhere.
    let pstrides = zkseal_core::model::shape::strides(&pshape);
    let picks: Vec<usize> = (0..numel(&pshape))
        .map(|i| (0..shape.len()).map(|a| (i / pstrides[a] % pshape[a]) * strides[a]).sum())
        .collect();
    let out = full.iter().map(|t| picks.iter().map(|&i| t[i]).collect()).collect();
    (pshape, out)
}
