//! Fee schedules and fee statements (issue 8, "Fees"). Like confirmations,
//! these are the operator's own records, not the district's data: they are
//! not change sets, and each carries who and when itself. A schedule is
//! never overwritten — a new `fees set` is the year's next schedule, the
//! older ones stay — and a statement keeps its invoice and payment (who,
//! when) on itself, so its history is in the record.

use super::codec::encode;
use super::{Result, SledResult, Store, StoreError, keys};
use crate::domain::fee::{parse_statement_number, statement_number};
use crate::domain::{
    Date, FeeInvoice, FeePayment, FeeSchedule, FeeState, FeeStatement, SchoolYear,
};

/// What [`Store::issue_fee_statement`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementOutcome {
    /// Stored for the first time.
    New,
    /// Already stored with the same counts and rates: left as it was.
    Unchanged,
    /// Stored but not yet invoiced, and a confirmation (fall or spring) or
    /// the schedule changed since: replaced (same number).
    Revised,
    /// Stored and already invoiced or paid, and a confirmation or the
    /// schedule changed since: kept as BRAC has it (the caller says so).
    Kept,
}

/// Whether two statements bill the same thing.
fn same_bill(a: &FeeStatement, b: &FeeStatement) -> bool {
    a.counts == b.counts
        && a.rates == b.rates
        && a.confirmation_seq == b.confirmation_seq
        && a.confirmation_sha256 == b.confirmation_sha256
        && a.schedule_seq == b.schedule_seq
        && a.fall == b.fall
}

impl Store {
    /// Every fee schedule, by year then seq.
    pub fn fee_schedules(&self) -> Result<Vec<FeeSchedule>> {
        self.scan(&[keys::FEE_SCHEDULE])
    }

    /// The school year's schedule: the newest set, if any.
    pub fn fee_schedule(&self, year: SchoolYear) -> Result<Option<FeeSchedule>> {
        Ok(self
            .scan::<FeeSchedule>(&keys::fee_schedule_prefix(year))?
            .pop())
    }

    /// Stores `schedule` as its year's newest; its `seq` is assigned here.
    /// Durable before it returns.
    pub fn set_fee_schedule(&self, mut schedule: FeeSchedule) -> Result<FeeSchedule> {
        let _w = self.writer();
        let last = self
            .scan::<FeeSchedule>(&keys::fee_schedule_prefix(schedule.year))?
            .pop();
        schedule.seq = last.map_or(1, |s| s.seq.saturating_add(1));
        self.tree()
            .insert(
                keys::fee_schedule(schedule.year, schedule.seq),
                encode(&schedule)?,
            )
            .db(self)?;
        self.flush()?;
        Ok(schedule)
    }

    /// Every fee statement, by term then district.
    pub fn fee_statements(&self) -> Result<Vec<FeeStatement>> {
        self.scan(&[keys::FEE_STATEMENT])
    }

    /// The statement with this number (any case), if stored.
    pub fn fee_statement(&self, number: &str) -> Result<Option<FeeStatement>> {
        let Some((term, district)) = parse_statement_number(number) else {
            return Ok(None);
        };
        let k = keys::fee_statement(term, &district);
        match self.tree().get(&k).db(self)? {
            Some(v) => Ok(Some(self.decode(&k, &v)?)),
            None => Ok(None),
        }
    }

    /// Stores a statement unless one with the same number bills the same
    /// thing already; a changed one replaces the stored one only while BRAC
    /// has not invoiced it. Returns the statement as stored and what was
    /// done. Refused when `number` is not the term's and district's, or a
    /// fall part is not the fall of the same school year.
    /// Durable before it returns.
    pub fn issue_fee_statement(
        &self,
        statement: FeeStatement,
    ) -> Result<(FeeStatement, StatementOutcome)> {
        if statement_number(statement.term, &statement.district).as_deref()
            != Some(statement.number.as_str())
        {
            return Err(StoreError::Refused(format!(
                "{} is not the statement number of {} {} (fees are billed for spring terms)",
                statement.number, statement.district, statement.term
            )));
        }
        if let Some(f) = &statement.fall
            && f.term != statement.fall_term()
        {
            return Err(StoreError::Refused(format!(
                "{} bills the school year {}: its fall part must be {}, not {}",
                statement.number,
                statement.term.school_year(),
                statement.fall_term(),
                f.term
            )));
        }
        let _w = self.writer();
        let k = keys::fee_statement(statement.term, &statement.district);
        let stored: Option<FeeStatement> = match self.tree().get(&k).db(self)? {
            Some(v) => Some(self.decode(&k, &v)?),
            None => None,
        };
        let outcome = match &stored {
            None => StatementOutcome::New,
            Some(s) if same_bill(s, &statement) => {
                return Ok((s.clone(), StatementOutcome::Unchanged));
            }
            Some(s) if s.state() != FeeState::Issued => {
                return Ok((s.clone(), StatementOutcome::Kept));
            }
            Some(_) => StatementOutcome::Revised,
        };
        self.tree().insert(k, encode(&statement)?).db(self)?;
        self.flush()?;
        Ok((statement, outcome))
    }

    /// Records BRAC's invoice `reference` of statement `number`. Refused for
    /// an unknown number, a blank reference, or a statement already invoiced.
    pub fn invoice_fee_statement(
        &self,
        number: &str,
        reference: &str,
        by: &str,
        at: &str,
    ) -> Result<FeeStatement> {
        let reference = reference.trim();
        if reference.is_empty() {
            return Err(StoreError::Refused(
                "give BRAC's invoice number: --invoice BRAC-REF".into(),
            ));
        }
        self.update_statement(number, |s| {
            if let Some(i) = &s.invoice {
                return Err(StoreError::Refused(format!(
                    "{} is already invoiced as {} (recorded by {} at {})",
                    s.number, i.reference, i.by, i.at
                )));
            }
            s.invoice = Some(FeeInvoice {
                reference: reference.to_string(),
                by: by.to_string(),
                at: at.to_string(),
            });
            Ok(())
        })
    }

    /// Records the payment of statement `number` on `date`. Refused for an
    /// unknown number, a statement not yet invoiced, or one already paid.
    pub fn pay_fee_statement(
        &self,
        number: &str,
        date: Date,
        by: &str,
        at: &str,
    ) -> Result<FeeStatement> {
        self.update_statement(number, |s| {
            if let Some(p) = &s.payment {
                return Err(StoreError::Refused(format!(
                    "{} is already paid: {} (recorded by {} at {})",
                    s.number, p.date, p.by, p.at
                )));
            }
            if s.invoice.is_none() {
                return Err(StoreError::Refused(format!(
                    "{} has no BRAC invoice yet: record it first with `mecred fees invoiced {} --invoice BRAC-REF`",
                    s.number, s.number
                )));
            }
            s.payment = Some(FeePayment {
                date,
                by: by.to_string(),
                at: at.to_string(),
            });
            Ok(())
        })
    }

    fn update_statement(
        &self,
        number: &str,
        change: impl FnOnce(&mut FeeStatement) -> Result<()>,
    ) -> Result<FeeStatement> {
        let unknown = || {
            StoreError::NotFound(format!(
                "there is no fee statement {number:?} (see `mecred fees list`)"
            ))
        };
        let (term, district) = parse_statement_number(number).ok_or_else(unknown)?;
        let _w = self.writer();
        let k = keys::fee_statement(term, &district);
        let v = self.tree().get(&k).db(self)?.ok_or_else(unknown)?;
        let mut s: FeeStatement = self.decode(&k, &v)?;
        change(&mut s)?;
        self.tree().insert(k, encode(&s)?).db(self)?;
        self.flush()?;
        Ok(s)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::{Cents, DistrictCode, FeeCounts, FeeRates};

    fn schedule(year: &str, core: u64) -> FeeSchedule {
        FeeSchedule {
            year: year.parse().unwrap(),
            seq: 0,
            rates: FeeRates {
                regional_core: Cents(core),
                basic_statewide: Cents(1500),
                advanced_statewide: Cents(2000),
                base: Cents(0),
            },
            by: "op".into(),
            at: "2027-05-01T10:00:00Z".into(),
        }
    }

    pub(crate) fn statement(d: &str, core: u64) -> FeeStatement {
        FeeStatement {
            number: format!("FEE-2027S-{d}"),
            district: DistrictCode::parse(d).unwrap(),
            district_name: "Caddo".into(),
            term: "spring-2027".parse().unwrap(),
            confirmation_seq: 1,
            confirmation_sha256: "ab".repeat(32),
            counts: FeeCounts {
                regional_core: core,
                basic_statewide: 1,
                advanced_statewide: 0,
            },
            fall: None,
            schedule_seq: 1,
            rates: schedule("2026-27", 1000).rates,
            issued: Date::constant(2027, 6, 1),
            by: "op".into(),
            at: "2027-06-01T10:00:00Z".into(),
            invoice: None,
            payment: None,
        }
    }

    fn export(s: &Store) -> Vec<u8> {
        let mut out = Vec::new();
        s.export(&mut out).unwrap();
        out
    }

    #[test]
    fn schedules_are_numbered_per_year_and_the_newest_counts() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let y: SchoolYear = "2026-27".parse().unwrap();
        assert_eq!(s.fee_schedule(y).unwrap(), None);
        assert_eq!(
            s.set_fee_schedule(schedule("2026-27", 1000)).unwrap().seq,
            1
        );
        assert_eq!(s.set_fee_schedule(schedule("2025-26", 500)).unwrap().seq, 1);
        assert_eq!(
            s.set_fee_schedule(schedule("2026-27", 1200)).unwrap().seq,
            2
        );
        let now = s.fee_schedule(y).unwrap().unwrap();
        assert_eq!((now.seq, now.rates.regional_core), (2, Cents(1200)));
        let all: Vec<String> = s
            .fee_schedules()
            .unwrap()
            .iter()
            .map(|x| format!("{} {}", x.year, x.seq))
            .collect();
        assert_eq!(all, ["2025-26 1", "2026-27 1", "2026-27 2"]);
    }

    #[test]
    fn statements_issue_once_revise_until_invoiced_then_stay() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let (_, o) = s.issue_fee_statement(statement("017", 3)).unwrap();
        assert_eq!(o, StatementOutcome::New);
        let mut later = statement("017", 3);
        later.issued = Date::constant(2027, 6, 9);
        let (kept, o) = s.issue_fee_statement(later).unwrap();
        assert_eq!(o, StatementOutcome::Unchanged);
        assert_eq!(kept.issued, Date::constant(2027, 6, 1));
        let (_, o) = s.issue_fee_statement(statement("017", 4)).unwrap();
        assert_eq!(o, StatementOutcome::Revised);
        // A fall confirmation billed since (or a new one) revises it too.
        let with_fall = |seq: u32| {
            let mut x = statement("017", 4);
            x.fall = Some(crate::domain::FeePart {
                term: "fall-2026".parse().unwrap(),
                confirmation_seq: seq,
                confirmation_sha256: "cd".repeat(32),
                counts: FeeCounts {
                    regional_core: 2,
                    ..FeeCounts::default()
                },
            });
            x
        };
        let (_, o) = s.issue_fee_statement(with_fall(1)).unwrap();
        assert_eq!(o, StatementOutcome::Revised);
        let (_, o) = s.issue_fee_statement(with_fall(1)).unwrap();
        assert_eq!(o, StatementOutcome::Unchanged);
        let (stored, o) = s.issue_fee_statement(with_fall(2)).unwrap();
        assert_eq!(o, StatementOutcome::Revised);
        assert_eq!(stored.fall.unwrap().confirmation_seq, 2);
        let (_, o) = s.issue_fee_statement(statement("017", 4)).unwrap();
        assert_eq!(o, StatementOutcome::Revised);
        let mut wrong = with_fall(3);
        if let Some(f) = wrong.fall.as_mut() {
            f.term = "fall-2025".parse().unwrap();
        }
        let e = s.issue_fee_statement(wrong).unwrap_err();
        assert!(
            e.to_string().contains("must be fall-2026, not fall-2025"),
            "{e}"
        );
        s.invoice_fee_statement("fee-2027s-017", " BRAC-9 ", "op", "t")
            .unwrap();
        let (stored, o) = s.issue_fee_statement(statement("017", 5)).unwrap();
        assert_eq!(o, StatementOutcome::Kept);
        assert_eq!(stored.counts.regional_core, 4);
        assert_eq!(stored.invoice.unwrap().reference, "BRAC-9");
        // A fall term or a mismatched number is refused.
        let mut bad = statement("036", 1);
        bad.number = "FEE-2027S-017".into();
        assert!(matches!(
            s.issue_fee_statement(bad),
            Err(StoreError::Refused(_))
        ));
        assert_eq!(s.fee_statements().unwrap().len(), 1);
    }

    #[test]
    fn invoice_then_pay_once_each_with_clear_refusals() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        s.issue_fee_statement(statement("017", 3)).unwrap();
        let e = s
            .pay_fee_statement("FEE-2027S-017", Date::constant(2027, 7, 1), "op", "t")
            .unwrap_err();
        assert!(e.to_string().contains("no BRAC invoice yet"), "{e}");
        let e = s
            .invoice_fee_statement("FEE-2027S-036", "B", "op", "t")
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{e}");
        assert!(e.to_string().contains("FEE-2027S-036"), "{e}");
        assert!(s.invoice_fee_statement("nonsense", "B", "op", "t").is_err());
        assert!(
            s.invoice_fee_statement("FEE-2027S-017", " ", "op", "t")
                .is_err()
        );
        s.invoice_fee_statement("FEE-2027S-017", "BRAC-1", "op", "t")
            .unwrap();
        let e = s
            .invoice_fee_statement("FEE-2027S-017", "BRAC-2", "op", "t")
            .unwrap_err();
        assert!(e.to_string().contains("already invoiced as BRAC-1"), "{e}");
        let paid = s
            .pay_fee_statement("FEE-2027S-017", Date::constant(2027, 7, 1), "op", "t")
            .unwrap();
        assert_eq!(paid.state(), FeeState::Paid);
        let e = s
            .pay_fee_statement("FEE-2027S-017", Date::constant(2027, 7, 2), "op", "t")
            .unwrap_err();
        assert!(e.to_string().contains("already paid: 2027-07-01"), "{e}");
        assert_eq!(s.fee_statement("FEE-2027S-017").unwrap().unwrap(), paid);
    }

    #[test]
    fn fees_export_as_their_kinds_and_round_trip_byte_identical() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let s = Store::open(a.path()).unwrap();
        s.set_fee_schedule(schedule("2026-27", 1000)).unwrap();
        s.set_fee_schedule(schedule("2026-27", 1100)).unwrap();
        s.issue_fee_statement(statement("017", 3)).unwrap();
        s.issue_fee_statement(statement("036", 2)).unwrap();
        s.invoice_fee_statement("FEE-2027S-017", "BRAC-1", "op", "t")
            .unwrap();
        s.pay_fee_statement("FEE-2027S-017", Date::constant(2027, 7, 1), "op", "t")
            .unwrap();
        let first = export(&s);
        let text = String::from_utf8(first.clone()).unwrap();
        assert!(
            text.contains("{\"kind\":\"fee-schedule\",\"year\":\"2026-27\""),
            "{text}"
        );
        assert!(
            text.contains("{\"kind\":\"fee-statement\",\"number\":\"FEE-2027S-017\""),
            "{text}"
        );
        let t = Store::open(b.path()).unwrap();
        t.restore(&mut first.as_slice()).unwrap();
        assert_eq!(export(&t), first);
        assert_eq!(t.fee_statements().unwrap(), s.fee_statements().unwrap());
        assert_eq!(t.fee_schedules().unwrap(), s.fee_schedules().unwrap());
        // A dump written before statements billed the fall restores: no fall.
        let old = text.replace(",\"fall\":null", "");
        assert_ne!(old, text);
        let d = tempfile::tempdir().unwrap();
        let v = Store::open(d.path()).unwrap();
        v.restore(&mut old.as_bytes()).unwrap();
        assert_eq!(v.fee_statements().unwrap(), s.fee_statements().unwrap());
        // The same statement twice in a dump is refused.
        let c = tempfile::tempdir().unwrap();
        let u = Store::open(c.path()).unwrap();
        let line = text.lines().last().unwrap();
        let twice = format!("{text}{line}\n");
        let e = u.restore(&mut twice.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("appears twice"), "{e}");
    }
}
