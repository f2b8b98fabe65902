//! The rules about one district (SPEC §3): agreements, uploads and
//! confirmations. Each reads a [`DistrictCtx`] — which carries what the
//! district's students add up to — and pushes its findings;
//! [`DISTRICT_RULES`] lists them.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::{
    Agreement, AgreementType, Date, District, DistrictCode, Finding, FindingSeverity, Item, RuleId,
    SchoolYear, Term,
};

use super::snapshot::Confirmation;

/// What the district rules read about one district.
pub struct DistrictCtx<'a> {
    /// The district code.
    pub code: &'a DistrictCode,
    /// Its record, if stored.
    pub district: Option<&'a District>,
    /// Its agreements by school year.
    pub agreements: Option<&'a BTreeMap<SchoolYear, Agreement>>,
    /// School years in which its students have module data (module dates
    /// and exam attempts).
    pub module_years: BTreeSet<SchoolYear>,
    /// Its students qualifying in the current term.
    pub qualifying: usize,
    /// Whether it has a committed completions upload in the current term.
    pub has_upload: bool,
    /// Its confirmations.
    pub confirmations: Vec<&'a Confirmation>,
    /// Today.
    pub today: Date,
}

impl DistrictCtx<'_> {
    fn finding(
        &self,
        rule: RuleId,
        severity: FindingSeverity,
        item: Item,
        message: String,
    ) -> Finding {
        Finding::new(rule, severity, self.code, None, None, None, item, message)
    }

    fn has_agreement(&self, year: SchoolYear) -> bool {
        self.agreements.is_some_and(|a| a.contains_key(&year))
    }
}

/// A district rule.
pub type DistrictRule = fn(&DistrictCtx, &mut Vec<Finding>);

/// Every district rule, in SPEC §3 table order.
pub const DISTRICT_RULES: &[DistrictRule] = &[
    agreement_missing,
    agreement_type,
    upload_missing,
    confirm_pending,
    confirm_stale,
];

/// Days from `a` to `b` (negative when `b` is earlier).
fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// Procedures, tracking: a signed agreement for every school year with
/// module data (any type counts here; AGREEMENT-TYPE judges the type).
fn agreement_missing(c: &DistrictCtx, out: &mut Vec<Finding>) {
    for year in &c.module_years {
        if !c.has_agreement(*year) {
            out.push(c.finding(
                RuleId::AgreementMissing,
                FindingSeverity::Error,
                Item::Year(*year),
                format!("module data dated in {year} and no signed agreement for {year}"),
            ));
        }
    }
}

/// Procedures, footnote *: only an existing client's contract covers
/// confidentiality; a non-client signs a confidentiality agreement.
fn agreement_type(c: &DistrictCtx, out: &mut Vec<Finding>) {
    let (Some(d), Some(agreements)) = (c.district, c.agreements) else {
        return;
    };
    if d.client {
        return;
    }
    for a in agreements.values() {
        if a.agreement_type == AgreementType::ClientContract {
            out.push(c.finding(
                RuleId::AgreementType,
                FindingSeverity::Error,
                Item::Year(a.year),
                format!(
                    "non-client district's {} agreement (signed {}) is a client-contract",
                    a.year, a.signed
                ),
            ));
        }
    }
}

/// Procedures, Fall and Spring: an upload each term, once 60 days of it
/// have passed, from every district with an agreement for the year.
fn upload_missing(c: &DistrictCtx, out: &mut Vec<Finding>) {
    let term = Term::of(c.today);
    let year = term.school_year();
    let days = days_between(term.first_day(), c.today);
    if c.has_agreement(year) && !c.has_upload && days >= 60 {
        out.push(c.finding(
            RuleId::UploadMissing,
            FindingSeverity::Warn,
            Item::Term(term),
            format!(
                "agreement for {year} but no committed upload for {term}, {days} days into the term"
            ),
        ));
    }
}

/// Procedures, Spring: in the last 31 days of the current term, a district
/// with qualifying students confirms the term's report.
fn confirm_pending(c: &DistrictCtx, out: &mut Vec<Finding>) {
    let term = Term::of(c.today);
    let last = term.last_day();
    let left = days_between(c.today, last);
    let confirmed = c.confirmations.iter().any(|x| x.term == term);
    if (0..=30).contains(&left) && c.qualifying > 0 && !confirmed {
        out.push(c.finding(
            RuleId::ConfirmPending,
            FindingSeverity::Warn,
            Item::Term(term),
            format!(
                "{} qualifying student(s) for {term} and the report is not confirmed (term ends {last})",
                c.qualifying
            ),
        ));
    }
}

/// Procedures: a confirmed report must still be the report.
fn confirm_stale(c: &DistrictCtx, out: &mut Vec<Finding>) {
    for x in &c.confirmations {
        if x.sha256 != x.current_sha256 {
            let short = |h: &str| h.chars().take(12).collect::<String>();
            out.push(c.finding(
                RuleId::ConfirmStale,
                FindingSeverity::Warn,
                Item::Term(x.term),
                format!(
                    "the {} report was confirmed with hash {}, the report now hashes to {}",
                    x.term,
                    short(&x.sha256),
                    short(&x.current_sha256)
                ),
            ));
        }
    }
}
