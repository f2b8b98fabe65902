//! Unique 10-digit student IDs: a keyed Feistel permutation of the student's
//! global index over 34 bits, cycle-walked into 0..10^10, so IDs are unique by
//! construction (no set of 250,000 IDs to keep) and look random. About one in
//! ten starts with a zero, which exercises the importer's zero padding.

const DOMAIN: u64 = 10_000_000_000;
const HALF_BITS: u32 = 17;
const HALF_MASK: u64 = (1 << HALF_BITS) - 1;

fn mix(mut z: u64) -> u64 {
    // splitmix64 finaliser.
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn feistel(x: u64, key: u64) -> u64 {
    let (mut l, mut r) = (x >> HALF_BITS, x & HALF_MASK);
    for round in 0..4u64 {
        let f = mix(r ^ key.rotate_left(round as u32 * 16) ^ round) & HALF_MASK;
        (l, r) = (r, l ^ f);
    }
    (l << HALF_BITS) | r
}

/// The 10-digit ID of the student with this global index (< 10^10).
pub fn student_id(index: u64, key: u64) -> String {
    let mut x = index % DOMAIN;
    loop {
        x = feistel(x, key);
        if x < DOMAIN {
            return format!("{x:010}");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_unique_ten_digits_and_keyed() {
        let ids: Vec<String> = (0..50_000).map(|i| student_id(i, 42)).collect();
        assert!(
            ids.iter()
                .all(|s| s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit()))
        );
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
        assert!(ids.iter().any(|s| s.starts_with('0')));
        assert_ne!(student_id(5, 42), student_id(5, 43));
    }
}
