//! Deploys a compiled zkseal Solidity verifier in revm, checks that it accepts an honest
//! proof and refuses tampered ones, and reports gas.

mod abi;

use std::{
    fmt, fs,
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::{anyhow, bail, ensure, Context as _, Result};
use revm::{
    context::{result::ExecutionResult, TxEnv},
    database::InMemoryDB,
    handler::{MainnetContext, MainnetEvm},
    primitives::{address, hardfork::SpecId, hex, uint, Address, Bytes, TxKind, U256},
    state::AccountInfo,
    Context, ExecuteCommitEvm, MainBuilder,
};
use serde::Deserialize;

const USAGE: &str = "usage: zkseal-evm BYTECODE_HEX_FILE CALLDATA_JSON [--gas-report FILE]";

/// BN254 base field modulus.
const P: U256 = uint!(21888242871839275222246405745257275088696311157297823662689037894645226208583_U256);

const CALLER: Address = address!("0x00000000000000000000000000000000000ca11e");
/// A mainnet block's worth: generous, yet a verifier that needs more is unusable on chain.
const GAS_LIMIT: u64 = 30_000_000;
/// Nonzero so that every transaction pays for its gas, as on chain.
const GAS_PRICE: u128 = 1_000_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalldataFile {
    proof: [String; 8],
    values: Vec<i64>,
}

struct Args {
    bytecode: PathBuf,
    calldata: PathBuf,
    gas_report: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let mut positional = Vec::new();
    let mut gas_report = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--gas-report" {
            gas_report = Some(args.next().context("--gas-report needs a FILE")?.into());
        } else if arg.to_string_lossy().starts_with('-') {
            bail!("unknown option {}", arg.to_string_lossy());
        } else {
            positional.push(PathBuf::from(arg));
        }
    }
    let [bytecode, calldata] =
        <[PathBuf; 2]>::try_from(positional).map_err(|_| anyhow!("expected two file arguments"))?;
    Ok(Args { bytecode, calldata, gas_report })
}

/// What a call to `verify` came back with.
enum Outcome {
    True,
    False,
    Revert,
    Halt(String),
    /// Success, but not an ABI-encoded bool.
    Malformed(Bytes),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Outcome::True => f.write_str("true"),
            Outcome::False => f.write_str("false"),
            Outcome::Revert => f.write_str("revert"),
            Outcome::Halt(reason) => write!(f, "halt ({reason})"),
            Outcome::Malformed(output) => write!(f, "malformed output 0x{}", hex::encode(output)),
        }
    }
}

struct Chain {
    evm: MainnetEvm<MainnetContext<InMemoryDB>>,
    nonce: u64,
}

impl Chain {
    fn new() -> Self {
        let mut db = InMemoryDB::default();
        let balance = U256::from(GAS_LIMIT) * U256::from(GAS_PRICE) * U256::from(1000);
        db.insert_account_info(CALLER, AccountInfo::default().with_balance(balance));
        // Prague: the BN254 precompiles at their post-Istanbul (EIP-1108) prices, and no
        // per-transaction gas cap (Osaka's EIP-7825) to blur a verifier's true cost.
        let evm = Context::new(db, SpecId::PRAGUE).build_mainnet();
        Chain { evm, nonce: 0 }
    }

    /// A committed transaction, so that gas is charged as on chain (intrinsic and calldata
    /// costs included), not as in an `eth_call`.
    fn transact(&mut self, kind: TxKind, data: Bytes) -> Result<ExecutionResult> {
        let tx = TxEnv::builder()
            .caller(CALLER)
            .nonce(self.nonce)
            .kind(kind)
            .data(data)
            .gas_limit(GAS_LIMIT)
            .gas_price(GAS_PRICE)
            .build()
            .map_err(|e| anyhow!("building the transaction: {e:?}"))?;
        let result = self.evm.transact_commit(tx).context("the transaction is invalid")?;
        self.nonce += 1;
        Ok(result)
    }

    fn deploy(&mut self, initcode: Bytes) -> Result<(Address, u64)> {
        let result = self.transact(TxKind::Create, initcode)?;
        match result.created_address() {
            Some(address) if result.is_success() => Ok((address, result.tx_gas_used())),
            _ => bail!("deployment failed: {result:?}"),
        }
    }

    fn call(&mut self, to: Address, data: Bytes) -> Result<(Outcome, u64)> {
        let result = self.transact(TxKind::Call(to), data)?;
        let outcome = match &result {
            ExecutionResult::Success { output, .. } => match output.data().as_ref() {
                word if word == U256::from(1).to_be_bytes::<32>() => Outcome::True,
                word if word == [0; 32] => Outcome::False,
                other => Outcome::Malformed(Bytes::copy_from_slice(other)),
            },
            ExecutionResult::Revert { .. } => Outcome::Revert,
            ExecutionResult::Halt { reason, .. } => Outcome::Halt(format!("{reason:?}")),
        };
        Ok((outcome, result.tx_gas_used()))
    }
}

struct Case {
    name: &'static str,
    /// Only the honest case must return true; every other must not.
    honest: bool,
    proof: [U256; 8],
    /// ABI words, not integers: one case plants a word that is no valid int64.
    values: Vec<U256>,
}

/// The honest case first, then every tampering that must be refused.
fn cases(proof: [U256; 8], values: &[i64]) -> Vec<Case> {
    let words = |values: &[i64]| values.iter().copied().map(abi::int64_word).collect();
    let with_proof = |name, edit: &dyn Fn(&mut [U256; 8])| {
        let mut proof = proof;
        edit(&mut proof);
        Case { name, honest: false, proof, values: words(values) }
    };
    let with_values = |name, edit: &dyn Fn(&mut Vec<i64>)| {
        let mut values = values.to_vec();
        edit(&mut values);
        Case { name, honest: false, proof, values: words(&values) }
    };
    let last = values.len() - 1;

    let mut cases = vec![
        Case { name: "honest", honest: true, proof, values: words(values) },
        with_values("input changed", &|v| v[0] = v[0].wrapping_add(1)),
        with_values("output changed", &|v| v[last] = v[last].wrapping_add(1)),
    ];
    // Swapping equal values changes nothing; the last value unlike the first does.
    match values.iter().rposition(|&v| v != values[0]) {
        Some(other) => cases.push(with_values("values swapped", &|v| v.swap(0, other))),
        None => println!("note: all values are equal, skipping \"values swapped\""),
    }
    cases.extend([
        with_proof("A and C swapped", &|p| {
            p.swap(0, 6);
            p.swap(1, 7);
        }),
        with_proof("A negated", &|p| p[1] = (P - p[1]) % P),
        // B's x with its halves exchanged: off the twist, refused by the pairing precompile.
        with_proof("B's x halves swapped", &|p| p.swap(2, 3)),
        with_proof("coordinate not reduced", &|p| p[0] += P),
        with_proof("point off the curve", &|p| p[1] = (p[1] + U256::from(1)) % P),
        with_values("one value too few", &|v| v.truncate(v.len() - 1)),
        with_values("one value too many", &|v| v.push(0)),
    ]);
    let mut out_of_range = with_values("value out of int64 range", &|_| ());
    out_of_range.values[0] = U256::from(1) << 63;
    cases.push(out_of_range);
    cases
}

fn read_inputs(args: &Args) -> Result<(Bytes, [U256; 8], Vec<i64>)> {
    let text = fs::read_to_string(&args.bytecode).with_context(|| format!("reading {}", args.bytecode.display()))?;
    let initcode =
        hex::decode(text.trim()).with_context(|| format!("{} is not hex bytecode", args.bytecode.display()))?;
    ensure!(!initcode.is_empty(), "{} holds no bytecode", args.bytecode.display());

    let json = fs::read_to_string(&args.calldata).with_context(|| format!("reading {}", args.calldata.display()))?;
    let calldata: CalldataFile =
        serde_json::from_str(&json).with_context(|| format!("parsing {}", args.calldata.display()))?;
    let mut proof = [U256::ZERO; 8];
    for (word, text) in proof.iter_mut().zip(&calldata.proof) {
        *word = parse_uint256(text)?;
    }
    ensure!(!calldata.values.is_empty(), "values is empty: a proof has inputs and outputs");
    Ok((initcode.into(), proof, calldata.values))
}

/// Decimal digits only: `from_str_radix` alone reads "" as zero.
fn parse_uint256(text: &str) -> Result<U256> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    ensure!(digits, "proof entry {text:?} is not a decimal integer");
    U256::from_str_radix(text, 10).map_err(|e| anyhow!("proof entry {text} is not a uint256: {e}"))
}

fn write_gas_report(path: &Path, deploy_gas: u64, verify_gas_honest: u64) -> Result<()> {
    let report = serde_json::json!({
        "deploy_gas": deploy_gas,
        "verify_gas_honest": verify_gas_honest,
    });
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    fs::write(&tmp, format!("{report:#}\n")).with_context(|| format!("writing {tmp:?}"))?;
    fs::rename(&tmp, path).with_context(|| format!("renaming {tmp:?} to {}", path.display()))
}

fn run(args: &Args) -> Result<bool> {
    let (initcode, proof, values) = read_inputs(args)?;
    let mut chain = Chain::new();
    let (verifier, deploy_gas) = chain.deploy(initcode)?;
    println!("deployed at {verifier}, gas {deploy_gas}");

    let mut failed = Vec::new();
    let mut honest_gas = 0;
    for case in cases(proof, &values) {
        let (outcome, gas) = chain.call(verifier, abi::encode_verify(&case.proof, &case.values))?;
        println!("{:<26} {:<10} gas {gas}", case.name, outcome.to_string());
        if case.honest {
            honest_gas = gas;
        }
        if matches!(outcome, Outcome::True) != case.honest {
            failed.push(case.name);
        }
    }

    if !failed.is_empty() {
        println!("FAILED: {}", failed.join(", "));
        return Ok(false);
    }
    println!("all cases behaved");
    // Only now: the gas of a verifier that misbehaves is no figure to record.
    if let Some(path) = &args.gas_report {
        write_gas_report(path, deploy_gas, honest_gas)?;
    }
    Ok(true)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
