//! `commitment.md` §7: the Pallas commitment, by `zkseal_halo2` and by an implementation
//! written from the text of §7.2–§7.4.

use ff::{Field, PrimeField};
use halo2_gadgets::poseidon::primitives::{P128Pow5T3, Spec};
use zkseal_core::commitment::{value_widths, values, Salt};
use zkseal_halo2::{fp_from_hex, fp_hex, Fp};
use zkseal_r1cs::commitment::{header, pack};
use zkseal_tests::digits_model;

use crate::commitment::{vector_361, vector_362, Vector};
use crate::extract::{code_blocks, dec, doc, hexv, Doc};
use crate::{fr_hex, golden, hex_to_dec};

fn fp_be(f: &Fp) -> Vec<u8> {
    f.to_repr().iter().rev().copied().collect()
}

/// §7.2's permutation, written from the text.
fn permute(s: &mut [Fp; 3], rc: &[[Fp; 3]], mds: &[[Fp; 3]; 3], full: impl Fn(usize) -> bool) {
    for (r, row) in rc.iter().enumerate() {
        for i in 0..3 {
            s[i] += row[i];
        }
        if full(r) {
            for x in s.iter_mut() {
                *x = x.pow_vartime([5]);
            }
        } else {
            s[0] = s[0].pow_vartime([5]);
        }
        let t = *s;
        for i in 0..3 {
            s[i] = mds[i][0] * t[0] + mds[i][1] * t[1] + mds[i][2] * t[2];
        }
    }
}

/// §7.2–§7.4 written from the text: the permutation, one call, the chain.
struct PallasFromText {
    rc: Vec<[Fp; 3]>,
    mds: [[Fp; 3]; 3],
    capacity: Fp,
    full: Vec<bool>,
}

impl PallasFromText {
    fn new(d: &Doc) -> Self {
        let s = d.section("7.2");
        assert!(s.contains("rounds 0–3 and 60–63 are **full**, rounds 4–59 are **partial**"));
        assert!(s.contains("`R_F = 8`") && s.contains("`R_P = 56`") && s.contains("`x ↦ x^5`"));
        let full = (0..64).map(|r| !(4..60).contains(&r)).collect();
        let (rc, mds, _) = <P128Pow5T3 as Spec<Fp, 3, 2>>::constants();
        let c = d.section("7.3");
        let capacity = dec(&c, "`12·2^64 =");
        assert_eq!(capacity, (12u128 << 64).to_string());
        PallasFromText { rc, mds, capacity: Fp::from_u128(capacity.parse().unwrap()), full }
    }

    fn permute(&self, s: &mut [Fp; 3]) {
        permute(s, &self.rc, &self.mds, |r| self.full[r]);
    }

    fn call(&self, x: &[Fp; 12]) -> Fp {
        let mut s = [Fp::ZERO, Fp::ZERO, self.capacity];
        for k in 0..6 {
            s[0] += x[2 * k];
            s[1] += x[2 * k + 1];
            self.permute(&mut s);
        }
        s[0]
    }

    fn chain(&self, f: &[Fp]) -> Fp {
        f.chunks(11).fold(Fp::ZERO, |h, c| {
            let mut x = [Fp::ZERO; 12];
            x[0] = h;
            x[1..=c.len()].copy_from_slice(c);
            self.call(&x)
        })
    }
}

fn fp_of_hex(h: &str) -> Fp {
    fp_from_hex(h).unwrap_or_else(|| panic!("not a canonical Fp: {h}"))
}

#[test]
fn pallas_field_and_constants() {
    let d = doc("commitment.md");
    let s = d.section("7.");
    let block = code_blocks(&s, "").into_iter().next().expect("§7's modulus block");
    let p_hex = hexv(&block, "p_P =");
    assert_eq!(format!("0x{p_hex}"), Fp::MODULUS);
    assert_eq!(dec(&block, "    ="), hex_to_dec(&p_hex));
    assert_eq!(fp_hex(&-Fp::ONE), format!("{}00", p_hex.strip_suffix("01").expect("p_P ends in 01")));
    let lock = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock")).unwrap();
    assert!(lock.contains("name = \"halo2_poseidon\"\nversion = \"0.2.0\""), "the constants' crate");
    assert!(lock.contains("name = \"halo2_gadgets\"\nversion = \"0.6.0\""));

    let c = d.section("7.2");
    assert!(c.contains("`halo2_poseidon` 0.2.0, `src/fp.rs`"));
    let (rc, mds, _) = <P128Pow5T3 as Spec<Fp, 3, 2>>::constants();
    assert_eq!(rc.len(), 64);
    let mut bytes = Vec::new();
    for x in rc.iter().flatten().chain(mds.iter().flatten()) {
        bytes.extend(fp_be(x));
    }
    assert!(c.contains(&format!("({} bytes)", bytes.len().to_string().replace("6432", "6,432"))));
    assert!(c.contains(&format!("the {} constants", bytes.len() / 32)));
    let block = code_blocks(&c, "").into_iter().next().expect("§7.2's constants block");
    assert_eq!(blake3::hash(&bytes).to_hex().to_string(), hexv(&block, "constants digest ="));
    for (i, row) in mds.iter().enumerate() {
        for (j, x) in row.iter().enumerate() {
            assert_eq!(fp_hex(x), hexv(&block, &format!("MDS[{i}][{j}] =")), "MDS[{i}][{j}]");
        }
        assert_eq!(fp_hex(&rc[0][i]), hexv(&block, &format!("RC[0][{i}]  =")), "RC[0][{i}]");
    }
}

#[test]
fn pallas_permutation_and_call_vectors() {
    let d = doc("commitment.md");
    let p = PallasFromText::new(&d);
    let block = code_blocks(&d.section("7.5.1"), "").into_iter().next().expect("§7.5.1's block");
    let mut s = [Fp::ZERO, Fp::ONE, Fp::from(2)];
    p.permute(&mut s);
    for (i, x) in s.iter().enumerate() {
        assert_eq!(fp_hex(x), hexv(&block, &format!("permute(0, 1, 2)[{i}] =")), "permute(0, 1, 2)[{i}]");
    }
    let x: [Fp; 12] = std::array::from_fn(|i| Fp::from(i as u64 + 1));
    let expected = hexv(&block, "H(1, 2, …, 12)");
    assert_eq!(fp_hex(&p.call(&x)), expected, "§7.3 from the text");
    let lib = halo2_gadgets::poseidon::primitives::Hash::<
        _,
        P128Pow5T3,
        halo2_gadgets::poseidon::primitives::ConstantLength<12>,
        3,
        2,
    >::init()
    .hash(x);
    assert_eq!(fp_hex(&lib), expected, "halo2_gadgets");
    assert_eq!(fp_hex(&zkseal_halo2::commitment::chain_hash(&x[1..])), {
        // A chain over 11 elements is one call with x_1 = h_0 = 0.
        let mut y = x;
        y[0] = Fp::ZERO;
        fp_hex(&p.call(&y))
    });
}

/// The Pallas commitment of a §3.6 vector, by the crate and from the text; the sequence
/// `f` it hashes.
fn pallas_of(v: &Vector, p: &PallasFromText) -> (String, Vec<Fp>) {
    let packed = zkseal_halo2::commitment::pack(&values(&v.weights), &value_widths(&v.arch));
    let h = zkseal_halo2::commitment::PublicHeader::new(&v.digest, packed.len());
    let [s_hi, s_lo] = zkseal_halo2::commitment::bytes32_fields(&v.salt.0);
    let mut f: Vec<Fp> = h.before_salt().to_vec();
    f.extend([s_hi, s_lo, h.count]);
    f.extend(packed);
    // §7.1: the same integers as over BN254.
    let mut bn = header(&v.digest, &v.salt, f.len() - 7);
    bn.extend(pack(&values(&v.weights), &value_widths(&v.arch)));
    assert_eq!(f.iter().map(fp_hex).collect::<Vec<_>>(), bn.iter().map(fr_hex).collect::<Vec<_>>());
    let c = fp_hex(&zkseal_halo2::commitment::commit(&v.arch, &v.digest, &v.weights, &v.salt));
    assert_eq!(fp_hex(&p.chain(&f)), c, "§7.4 from the text");
    assert_eq!(fp_hex(&zkseal_halo2::commitment::chain_hash(&f)), c);
    (c, f)
}

#[test]
fn pallas_one_call_vector() {
    let d = doc("commitment.md");
    let p = PallasFromText::new(&d);
    let s = d.section("7.5.2");
    assert!(s.contains("§3.6.1"));
    let (c, f) = pallas_of(&vector_361(&d), &p);
    let blocks = code_blocks(&s, "");
    assert_eq!(blocks.len(), 2);
    assert_eq!(f.len().to_string(), dec(&s, "`L ="));
    for (k, x) in f.iter().enumerate() {
        assert_eq!(fp_hex(x), hexv(&blocks[0], &format!("f_{k} =")), "f_{k}");
    }
    assert_eq!(blocks[0].lines().count(), f.len());
    assert_eq!(c, hexv(&blocks[1], "commitment_pallas ="));
}

#[test]
fn pallas_two_call_vector() {
    let d = doc("commitment.md");
    let p = PallasFromText::new(&d);
    let s = d.section("7.5.3");
    let (c, f) = pallas_of(&vector_362(&d), &p);
    assert_eq!(f.len().to_string(), dec(&s, "`L ="));
    assert_eq!((f.len() - 7).to_string(), dec(&s, "`P ="));
    let block = code_blocks(&s, "").into_iter().next().expect("§7.5.3's block");
    assert_eq!(fp_hex(&p.chain(&f[..11])), hexv(&block, "h_1 ="));
    assert_eq!(fp_hex(&zkseal_halo2::commitment::chain_hash(&f[..11])), hexv(&block, "h_1 ="));
    assert_eq!(c, hexv(&block, "commitment_pallas = h_2 ="));
    assert_eq!(fp_of_hex(&c), zkseal_halo2::commitment::chain_hash(&f));
}

#[test]
fn pallas_bundled_model_vector() {
    let d = doc("commitment.md");
    let p = PallasFromText::new(&d);
    let s = d.section("7.5.4");
    let (_, m) = digits_model("torch_mlp");
    let v = Vector {
        arch: m.arch.clone(),
        weights: m.weights.clone(),
        digest: m.architecture_digest(),
        salt: Salt([0x5a; 32]),
    };
    let (c, _) = pallas_of(&v, &p);
    assert_eq!(c, hexv(&s, "For `torch_mlp` it is"));
    assert_eq!(c, golden("torch_mlp", "commitment_pallas_salt_5a"));
}
