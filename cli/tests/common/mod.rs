//! Helpers the CLI test binaries share: run `zkseal`, find the fixtures.

// Each test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data").join(rel)
}

pub fn zkseal(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zkseal")).args(args).output().expect("run zkseal")
}

pub fn p(path: &Path) -> &str {
    path.to_str().expect("utf8 path")
}

/// Runs a command that must succeed; its stdout.
pub fn ok(args: &[&str]) -> String {
    let out = zkseal(args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf8")
}

/// Exit code and stderr.
pub fn code(args: &[&str]) -> (i32, String) {
    let out = zkseal(args);
    (out.status.code().expect("an exit code"), String::from_utf8_lossy(&out.stderr).into_owned())
}
