//! Damaged files never panic the importer: random byte flips in real
//! fixtures (zip, BIFF, ODS, CSV) give a result or a file-level problem.
#![allow(clippy::unwrap_used)]

use mecred::domain::Date;
use mecred::import::parse_bytes;
use proptest::prelude::*;

fn flip(name: &str, flips: &[(usize, u8)]) {
    // As the binary reads them: a damaged .xls can abort calamine.
    mecred::import::read::read_in_child_process(env!("CARGO_BIN_EXE_mecred").into());
    let mut bytes = std::fs::read(format!("fixtures/{name}")).unwrap();
    let len = bytes.len();
    for &(at, v) in flips {
        bytes[at % len] ^= v | 1;
    }
    let _ = parse_bytes(name, bytes, None, Date::constant(2026, 12, 4));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn flipped_bytes_never_panic(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8), which in 0usize..5) {
        let name = [
            "completions-017-fall-2026.xlsx",
            "completions-036-fall-2026.xls",
            "completions-W3B-fall-2026.ods",
            "completions-029-fall-2026.csv",
            "exam-results.xlsx",
        ][which];
        flip(name, &flips);
    }
}

#[test]
fn truncations_never_panic() {
    mecred::import::read::read_in_child_process(env!("CARGO_BIN_EXE_mecred").into());
    for name in [
        "completions-036-fall-2026.xls",
        "completions-W3B-fall-2026.ods",
        "districts.xlsx",
    ] {
        let bytes = std::fs::read(format!("fixtures/{name}")).unwrap();
        for cut in [16, 512, bytes.len() / 3, bytes.len() - 100] {
            let r = parse_bytes(
                name,
                bytes[..cut].to_vec(),
                None,
                Date::constant(2026, 12, 4),
            );
            assert!(r.is_err(), "{name} cut at {cut}");
        }
    }
}
