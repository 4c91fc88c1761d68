//! Calldata for `verify(uint256[8],int64[])`, encoded by hand so that a case can plant a
//! word no ABI library would produce (an int64 that is not sign-extended).

use revm::primitives::{keccak256, Bytes, I256, U256};

const SIGNATURE: &str = "verify(uint256[8],int64[])";

/// Head of the encoding: the 8 static proof words, then the offset word.
const HEAD_WORDS: usize = 9;

/// The canonical ABI word of an int64: two's complement, sign-extended to 256 bits.
pub fn int64_word(value: i64) -> U256 {
    I256::try_from(value).expect("an i64 fits in 256 bits").into_raw()
}

/// `values` are ABI words rather than integers: see the module comment.
pub fn encode_verify(proof: &[U256; 8], values: &[U256]) -> Bytes {
    let offset = U256::from(HEAD_WORDS * 32);
    let length = U256::from(values.len());
    let words = proof.iter().chain([&offset, &length]).chain(values);

    let mut data = Vec::with_capacity(4 + (HEAD_WORDS + 1 + values.len()) * 32);
    data.extend_from_slice(&keccak256(SIGNATURE)[..4]);
    for word in words {
        data.extend_from_slice(&word.to_be_bytes::<32>());
    }
    data.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int64_words_are_sign_extended() {
        assert_eq!(int64_word(5), U256::from(5));
        assert_eq!(int64_word(-1), U256::MAX);
        assert_eq!(int64_word(i64::MIN), U256::MAX - U256::from(i64::MAX));
    }

    #[test]
    fn layout_matches_the_abi() {
        let proof = std::array::from_fn(|i| U256::from(i + 1));
        let data = encode_verify(&proof, &[int64_word(-2), int64_word(7)]);
        let word = |i: usize| U256::from_be_slice(&data[4 + 32 * i..4 + 32 * (i + 1)]);

        // The selector solc reports for the signature (`evm.methodIdentifiers`).
        assert_eq!(data[..4], [0xdd, 0xdd, 0x47, 0x2c]);
        assert_eq!(data.len(), 4 + 12 * 32);
        assert_eq!(word(0), U256::from(1));
        assert_eq!(word(7), U256::from(8));
        assert_eq!(word(8), U256::from(0x120));
        assert_eq!(word(9), U256::from(2));
        assert_eq!(word(10), U256::MAX - U256::from(1));
        assert_eq!(word(11), U256::from(7));
    }
}
