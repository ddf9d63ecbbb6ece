//! `cargo fuzz run cite`: see `fuzz/harness.rs` and docs/hardening.md.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::cite(data));
