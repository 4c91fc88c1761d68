//! `circuit.md`: the mean-gadget costs of §3.

use zkseal_r1cs::pool::mean_cost;

use crate::extract::{after, dec, doc, ints};

#[test]
fn mean_gadget_costs() {
    let s = doc("circuit.md").text;
    let ex = after(&s, "Examples with `B = 16`:").split(".\n").next().unwrap().to_string();
    let pieces: Vec<&str> = ex.split(", ").collect();
    assert_eq!(pieces.len(), 3, "{ex}");
    for piece in pieces {
        let n: usize = dec(piece, "`n =").parse().unwrap();
        let cost = *ints(piece.rsplit('=').next().unwrap()).last().unwrap();
        assert_eq!(mean_cost(n, 16) as i64, cost, "{piece}");
    }
}
