use proptest::prelude::*;

use super::*;

fn index(names: &[&str]) -> Index {
    Index::new(
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Entry {
                target: Target::Student(StudentId::parse(&format!("{:010}", i + 1)).unwrap()),
                text: (*n).to_string(),
            })
            .collect(),
    )
}

fn texts<'a>(ix: &'a Index, hits: &[Hit]) -> Vec<&'a str> {
    hits.iter()
        .map(|h| ix.get(*h).unwrap().text.as_str())
        .collect()
}

#[test]
fn full_pass_ranks_matches_and_drops_the_rest() {
    let ix = index(&[
        "Landry, Ava",
        "Broussard, Ben",
        "Arceneaux, Cal",
        "Lan, Dee",
    ]);
    let hits = ix.full_pass("lan");
    let t = texts(&ix, &hits);
    assert!(
        t.contains(&"Landry, Ava") && t.contains(&"Lan, Dee"),
        "{t:?}"
    );
    assert!(!t.contains(&"Broussard, Ben"));
    assert_eq!(ix.full_pass("").len(), 4);
    // Case does not matter for what matches.
    assert_eq!(ix.full_pass("LAN").len(), hits.len());
}

#[test]
fn positions_mark_the_matched_characters() {
    assert_eq!(positions("lav", "Landry, Ava").len(), 3);
    assert_eq!(positions("lan", "Landry, Ava"), vec![0, 1, 2]);
    assert!(positions("zz", "Landry").is_empty());
    assert!(positions("", "Landry").is_empty());
}

#[test]
fn narrowing_reuses_levels_on_backspace() {
    let ix = index(&["Landry, Ava", "Broussard, Ben", "Lan, Dee"]);
    let mut n = Narrowing::new(&ix, usize::MAX);
    for q in ["l", "la", "lan"] {
        assert_eq!(n.set_query(&ix, q), Step::Ready);
    }
    assert_eq!(n.depth(), 4);
    assert_eq!(n.set_query(&ix, "la"), Step::Ready);
    assert_eq!(n.depth(), 3, "backspace pops, never re-scores");
    assert_eq!(n.hits(), ix.full_pass("la").as_slice());
    assert_eq!(n.set_query(&ix, "b"), Step::Ready);
    assert_eq!(n.hits(), ix.full_pass("b").as_slice());
}

#[test]
fn big_steps_become_jobs_and_stale_answers_are_dropped() {
    let ix = index(&["Landry, Ava", "Broussard, Ben", "Lan, Dee"]);
    let mut n = Narrowing::new(&ix, 2);
    let Step::Pending(job) = n.set_query(&ix, "l") else {
        panic!("three candidates > limit 2 must be a job")
    };
    assert!(!n.is_current());
    // The user typed on while the job ran; the answer still helps.
    let step = n.set_query(&ix, "la");
    assert!(matches!(step, Step::Pending(_)));
    assert_eq!(n.supply(&ix, &job.query, job.run(&ix)), Step::Ready);
    assert!(n.is_current());
    assert_eq!(n.hits(), ix.full_pass("la").as_slice());
    // An answer for a query no longer typed is dropped.
    n.set_query(&ix, "");
    assert_eq!(n.supply(&ix, "x", Vec::new()), Step::Ready);
    assert_eq!(n.hits().len(), 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Typing a query one character at a time (with backspaces) gives the
    /// same hits, in the same order, as one full pass.
    #[test]
    fn incremental_narrowing_equals_a_full_pass(
        names in proptest::collection::vec("[A-Za-z ,]{0,14}", 0..60),
        typed in proptest::collection::vec(prop_oneof![3 => "[a-z ,]", 1 => Just("\u{8}".to_string())], 0..10),
        limit in 0usize..40,
    ) {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let ix = index(&refs);
        let mut n = Narrowing::new(&ix, limit);
        let mut q = String::new();
        for t in typed {
            if t == "\u{8}" { q.pop(); } else { q.push_str(&t); }
            let mut step = n.set_query(&ix, &q);
            while let Step::Pending(job) = step {
                let hits = job.run(&ix);
                step = n.supply(&ix, &job.query, hits);
            }
            prop_assert!(n.is_current());
            let full = ix.full_pass(&q);
            prop_assert_eq!(n.hits(), full.as_slice());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The cheap pre-test never rules out what the scorer matches (mixed
    /// case, accents, punctuation).
    #[test]
    fn the_subsequence_pre_test_keeps_every_match(
        text in "[A-Za-zÉéÀàß ,'0-9]{0,20}",
        query in "[A-Za-zÉéÀàß ,'0-9]{1,4}",
    ) {
        if super::matcher().fuzzy_match(&text, &query).is_some() {
            prop_assert!(super::subsequence(&text, &query), "{text:?} {query:?}");
        }
    }
}

#[test]
fn a_big_pass_on_two_threads_equals_one_thread() {
    let names: Vec<String> = (0..super::PARALLEL_FROM + 501)
        .map(|i| {
            format!(
                "{}{}, {} {i:010}",
                ["Landry", "Hebert", "Guidry"][i % 3],
                i % 97,
                ["Ava", "Ben"][i % 2]
            )
        })
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let ix = index(&refs);
    for q in ["l", "lan", "heb9", "ben 00"] {
        let two = ix.full_pass(q);
        let mut one: Vec<Hit> = ix
            .all()
            .iter()
            .filter_map(|h| {
                let text = &ix.get(*h)?.text;
                let score = super::score(text, q)?;
                Some(Hit {
                    entry: h.entry,
                    score,
                })
            })
            .collect();
        super::sort_hits(&mut one);
        assert!(!two.is_empty());
        assert!(two == one, "{q}: two threads and one differ");
    }
}

#[test]
fn one_character_ranks_text_start_then_word_start_then_the_rest() {
    let ix = index(&["Abel, Ann", "Hebert, Lola", "Landry, Ava", "Smith, Bo"]);
    let hits = ix.full_pass("l");
    assert_eq!(
        texts(&ix, &hits),
        ["Landry, Ava", "Hebert, Lola", "Abel, Ann"]
    );
    assert_eq!(positions("l", "Hebert, Lola"), vec![8]);
    assert_eq!(positions("L", "Abel, Ann"), vec![3]);
    // Typed in the same case as the text breaks a tie.
    let ix = index(&["ann lee", "Ann Lee"]);
    assert_eq!(texts(&ix, &ix.full_pass("A")), ["Ann Lee", "ann lee"]);
    assert!(ix.full_pass("z").is_empty());
}

#[test]
fn two_characters_prefer_adjacent_matches_at_word_starts() {
    let ix = index(&["Calvin, Ray", "Hebert, Lola", "Landry, Ava", "Smith, Bo"]);
    assert_eq!(
        texts(&ix, &ix.full_pass("la")),
        ["Landry, Ava", "Hebert, Lola", "Calvin, Ray"]
    );
    assert_eq!(positions("la", "Landry, Ava"), vec![0, 1]);
    assert_eq!(positions("la", "Hebert, Lola"), vec![10, 11]);
    assert_eq!(positions("bo", "Smith, Bo"), vec![7, 8]);
    assert_eq!(positions("lan", "Landry, Ava"), vec![0, 1, 2]);
    assert_eq!(positions("hll", "Hebert, Lola"), vec![0, 8, 10]);
    assert!(ix.full_pass("zq").is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A short query matches exactly when its characters occur in order,
    /// and its highlighted positions are such an occurrence.
    #[test]
    fn short_queries_match_exactly_the_subsequences(
        text in "[A-Za-z ,'0-9]{0,20}",
        query in "[A-Za-z ,'0-9]{1,3}",
    ) {
        let q: Vec<char> = query.chars().collect();
        let found = super::best_short(&text, &q);
        prop_assert_eq!(found.is_some(), super::subsequence(&text, &query));
        if let Some((_, at)) = found {
            prop_assert_eq!(at.len(), q.len());
            let chars: Vec<char> = text.chars().collect();
            for (p, c) in at.iter().zip(&q) {
                prop_assert!(chars[*p].eq_ignore_ascii_case(c));
            }
            prop_assert!(at.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
