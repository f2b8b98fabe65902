//! `mecred edit` (issue 5, power users): set or clear module fields of every
//! matched student as ONE `edit` change set, validated like the importer
//! (SPEC §2 items 8–10): no date after today or before 2016-01-01, Y/N as the
//! template takes it, `clear` erases. A malformed `--set` (unknown field, a
//! value of the wrong shape) is a usage error (exit 2); a well-formed value
//! the data rules refuse (a future date…) and unknown students are exit 1.

use std::io::Write as _;

use std::collections::BTreeSet;

use serde_json::json;

use super::args::EditArgs;
use super::context::now;
use super::{Context, Refused, Status, Usage};
use crate::domain::edit::{Change, FieldKind, FieldValue};
use crate::domain::{BatchKind, Date, DistrictCode, Record, RecordKey, Student, Write};
use crate::import::values::EARLIEST;
use crate::store::Store;

pub use crate::domain::edit::EditField;

/// A value as typed, checked for shape only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditValue {
    /// A date.
    Date(Date),
    /// Today's date (`--today`), resolved when applied.
    Today,
    /// Y or N.
    YesNo(bool),
    /// Instrument text.
    Text(String),
    /// Erase the stored value.
    Clear,
}

/// One `--set FIELD=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetArg {
    /// Which field.
    pub field: EditField,
    /// The value as typed.
    pub value: EditValue,
}

/// Parses `FIELD=VALUE` (clap's value parser: errors are exit 2).
pub fn parse_set(s: &str) -> Result<SetArg, String> {
    let names = EditField::ALL.map(EditField::alias).join(", ");
    let Some((name, raw)) = s.split_once('=') else {
        return Err(format!("{s:?} is not FIELD=VALUE (fields: {names})"));
    };
    let field = EditField::parse(name)
        .ok_or_else(|| format!("unknown field {:?}; expected one of: {names}", name.trim()))?;
    let v = raw.trim();
    let lower = v.to_lowercase();
    if lower == "clear" {
        return Ok(SetArg {
            field,
            value: EditValue::Clear,
        });
    }
    let value = match field.kind() {
        FieldKind::Date if lower == "today" => EditValue::Today,
        FieldKind::Date => EditValue::Date(parse_date(v).ok_or_else(|| {
            format!(
                "{}={v:?}: not a date; expected YYYY-MM-DD, today or clear",
                field.alias()
            )
        })?),
        FieldKind::YesNo => match lower.as_str() {
            "y" | "yes" | "x" | "true" | "1" => EditValue::YesNo(true),
            "n" | "no" | "false" | "0" => EditValue::YesNo(false),
            _ => {
                return Err(format!(
                    "{}={v:?}: not yes or no; expected Y or N (Yes/No, X, True/False, 1/0) or clear",
                    field.alias()
                ));
            }
        },
        FieldKind::Text if v.is_empty() => {
            return Err(format!("{}=: expected a text, or clear", field.alias()));
        }
        FieldKind::Text => EditValue::Text(v.to_string()),
    };
    Ok(SetArg { field, value })
}

fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    (b.len() == 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-'))
        .then(|| s.parse::<Date>().ok())
        .flatten()
}

/// Resolves `today` and checks dates like the importer (not after `today`,
/// not before 2016-01-01). A field given twice is a usage error.
pub fn resolve(sets: &[SetArg], today: Date) -> anyhow::Result<Vec<Change>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(sets.len());
    for s in sets {
        if !seen.insert(s.field) {
            return Err(Usage(format!("--set {} is given twice", s.field.alias())).into());
        }
        let value = match &s.value {
            EditValue::Clear => FieldValue::cleared(s.field.kind()),
            EditValue::Today => FieldValue::Date(Some(today)),
            EditValue::Date(d) => FieldValue::Date(Some(check_date(s.field, *d, today)?)),
            EditValue::YesNo(b) => FieldValue::Flag(Some(*b)),
            EditValue::Text(t) => FieldValue::Text(Some(t.clone())),
        };
        out.push(Change {
            field: s.field,
            value,
        });
    }
    Ok(out)
}

fn check_date(field: EditField, d: Date, today: Date) -> anyhow::Result<Date> {
    if d > today {
        return Err(Refused(format!(
            "{}={d} ({}): {d} is after today ({today}); expected a date on or before today",
            field.alias(),
            field.column()
        ))
        .into());
    }
    if d < EARLIEST {
        return Err(Refused(format!(
            "{}={d} ({}): {d} is before {EARLIEST}; expected a date on or after {EARLIEST}",
            field.alias(),
            field.column()
        ))
        .into());
    }
    Ok(d)
}

/// The student with the edits applied.
pub fn apply(s: &Student, edits: &[Change]) -> Student {
    let mut out = s.clone();
    for change in edits {
        change.apply(&mut out);
    }
    out
}

/// `set company-registration=2026-11-20, checklist=Y on 412 students`.
pub fn describe(edits: &[Change], students: usize) -> String {
    let parts: Vec<String> = edits
        .iter()
        .map(|c| {
            let text = match &c.value {
                FieldValue::Date(Some(d)) => d.to_string(),
                FieldValue::Flag(Some(true)) => "Y".into(),
                FieldValue::Flag(Some(false)) => "N".into(),
                FieldValue::Text(Some(t)) => t.clone(),
                FieldValue::Date(None) | FieldValue::Flag(None) | FieldValue::Text(None) => {
                    "clear".into()
                }
            };
            format!("{}={text}", c.field.alias())
        })
        .collect();
    let noun = if students == 1 { "student" } else { "students" };
    format!("set {} on {students} {noun}", parts.join(", "))
}

/// The students the selection names; refused for unknown ones or none.
fn select(store: &Store, a: &EditArgs) -> anyhow::Result<Vec<Student>> {
    if let Some(c) = &a.school {
        if store.get(&RecordKey::School(c.clone()))?.is_none() {
            return Err(Refused(format!("there is no school {c} in the database")).into());
        }
        let all = store.students_of_school(c)?;
        if all.is_empty() {
            return Err(Refused(format!("school {c} has no students")).into());
        }
        return Ok(all);
    }
    if let Some(d) = &a.district {
        if store.get(&RecordKey::District(d.clone()))?.is_none() {
            return Err(Refused(format!("there is no district {d} in the database")).into());
        }
        let all = store.students_of_district(d)?;
        if all.is_empty() {
            return Err(Refused(format!("district {d} has no students")).into());
        }
        return Ok(all);
    }
    let ids: BTreeSet<_> = a.student.iter().collect();
    let mut found = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match store.get(&RecordKey::Student(id.clone()))? {
            Some(Record::Student(s)) => found.push(s),
            _ => missing.push(id.to_string()),
        }
    }
    if !missing.is_empty() {
        let n = missing.len();
        missing.truncate(10);
        let more = if n > 10 {
            format!(" and {} more", n - 10)
        } else {
            String::new()
        };
        return Err(Refused(format!(
            "no student {}{more} in the database; nothing changed",
            missing.join(", ")
        ))
        .into());
    }
    Ok(found)
}

/// Runs `mecred edit`.
pub fn run(ctx: &Context, a: EditArgs) -> anyhow::Result<Status> {
    ctx.check_writable("editing")?;
    let edits = resolve(&a.sets, ctx.today)?;
    let store = ctx.open_store()?;
    let students = select(&store, &a)?;
    let description = describe(&edits, students.len());
    let districts: BTreeSet<DistrictCode> = students.iter().map(Student::district).collect();
    let district = match districts.len() {
        1 => districts.into_iter().next(),
        _ => None,
    };
    let writes: Vec<Write> = students
        .iter()
        .filter_map(|s| {
            let after = apply(s, &edits);
            (&after != s).then(|| Write {
                key: RecordKey::Student(s.id.clone()),
                before: Some(Record::Student(s.clone())),
                after: Some(Record::Student(after)),
            })
        })
        .collect();
    let changed = writes.len();
    let batch = if writes.is_empty() {
        None
    } else {
        let (id, _) = store.apply_change_set(
            BatchKind::Edit,
            &description,
            district,
            writes,
            &ctx.actor,
            &now(),
        )?;
        Some(id)
    };
    tracing::info!(batch = ?batch, changed, "edit applied");
    if ctx.json {
        let v = json!({
            "batch": batch,
            "kind": "edit",
            "description": description,
            "students": students.len(),
            "changed": changed,
        });
        writeln!(ctx.out(), "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        match batch {
            Some(id) => writeln!(
                ctx.out(),
                "batch {id}: {description} ({changed} changed); undo with `mecred uploads revert {id}`"
            )?,
            None => writeln!(
                ctx.out(),
                "nothing to change: {description} (all already so); no batch"
            )?,
        }
    }
    Ok(Status::Ok)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::calendar::ymd;
    use crate::domain::{Modules, SchoolCode, StudentId};

    fn today() -> Date {
        ymd(2026, 12, 4).unwrap()
    }

    fn student() -> Student {
        Student {
            id: StudentId::parse("0062700980").unwrap(),
            last_name: "Doe".into(),
            first_name: "Pat".into(),
            school: SchoolCode::parse("029005").unwrap(),
            cohort: 2027,
            pathway: None,
            complementary: vec![],
            modules: Modules {
                sa_round1: Some(ymd(2026, 9, 1).unwrap()),
                ..Modules::default()
            },
            notes: None,
        }
    }

    #[test]
    fn fields_parse_by_alias_or_template_column() {
        assert_eq!(
            EditField::parse("company-registration"),
            Some(EditField::CompanyRegistration)
        );
        assert_eq!(
            EditField::parse("Company Registration"),
            Some(EditField::CompanyRegistration)
        );
        assert_eq!(EditField::parse("SA_ROUND1"), Some(EditField::SaRound1));
        assert_eq!(
            EditField::parse("Self-Assessment Round 2"),
            Some(EditField::SaRound2)
        );
        assert_eq!(
            EditField::parse("Mentor Checklist"),
            Some(EditField::MentorChecklist)
        );
        assert_eq!(
            EditField::parse("Micro-Enterprise Pathway"),
            Some(EditField::Pathway)
        );
        assert_eq!(EditField::parse("grade"), None);
        for f in EditField::ALL {
            assert_eq!(EditField::parse(f.alias()), Some(f));
            assert_eq!(EditField::parse(f.column()), Some(f));
        }
    }

    #[test]
    fn set_values_are_checked_for_shape() {
        let d = parse_set("company-registration=2026-11-20").unwrap();
        assert_eq!(d.value, EditValue::Date(ymd(2026, 11, 20).unwrap()));
        assert_eq!(
            parse_set("presentation=TODAY").unwrap().value,
            EditValue::Today
        );
        assert_eq!(
            parse_set("sa-round2=Clear").unwrap().value,
            EditValue::Clear
        );
        assert_eq!(
            parse_set("checklist=yes").unwrap().value,
            EditValue::YesNo(true)
        );
        assert_eq!(
            parse_set("pathway=N").unwrap().value,
            EditValue::YesNo(false)
        );
        assert_eq!(
            parse_set("instrument=Kuder").unwrap().value,
            EditValue::Text("Kuder".into())
        );
        let e = parse_set("company-registration=11/20/2026").unwrap_err();
        assert!(e.contains("not a date"), "{e}");
        assert!(
            parse_set("checklist=maybe")
                .unwrap_err()
                .contains("not yes or no")
        );
        assert!(
            parse_set("grade=11")
                .unwrap_err()
                .contains("unknown field \"grade\"")
        );
        assert!(
            parse_set("presentation")
                .unwrap_err()
                .contains("FIELD=VALUE")
        );
        assert!(parse_set("instrument=").is_err());
        assert!(parse_set("pathway=today").is_err());
    }

    #[test]
    fn dates_are_bounded_like_the_importer_and_fields_given_once() {
        let sets = |s: &[&str]| s.iter().map(|x| parse_set(x).unwrap()).collect::<Vec<_>>();
        let r = resolve(&sets(&["presentation=today", "checklist=clear"]), today()).unwrap();
        assert_eq!(
            r[0],
            Change {
                field: EditField::Presentation,
                value: FieldValue::Date(Some(today()))
            }
        );
        assert_eq!(
            r[1],
            Change {
                field: EditField::MentorChecklist,
                value: FieldValue::Flag(None)
            }
        );
        // Today itself and 2016-01-01 are fine (bounds inclusive).
        assert!(
            resolve(
                &sets(&["sa-round1=2026-12-04", "sa-round2=2016-01-01"]),
                today()
            )
            .is_ok()
        );
        let e = resolve(&sets(&["company-registration=2026-12-05"]), today()).unwrap_err();
        assert!(
            e.to_string().contains("company-registration=2026-12-05"),
            "{e}"
        );
        assert!(e.to_string().contains("after today (2026-12-04)"), "{e}");
        assert_eq!(crate::cli::exit_code(&e), std::process::ExitCode::from(1));
        let e = resolve(&sets(&["sa-round1=2015-12-31"]), today()).unwrap_err();
        assert!(e.to_string().contains("before 2016-01-01"), "{e}");
        let e = resolve(&sets(&["pathway=Y", "pathway=N"]), today()).unwrap_err();
        assert_eq!(crate::cli::exit_code(&e), std::process::ExitCode::from(2));
    }

    #[test]
    fn apply_sets_and_clears_and_describe_names_the_values() {
        let sets: Vec<SetArg> = [
            "company-registration=2026-11-20",
            "sa-round1=clear",
            "checklist=Y",
            "pathway=N",
            "instrument=Kuder",
        ]
        .iter()
        .map(|x| parse_set(x).unwrap())
        .collect();
        let r = resolve(&sets, today()).unwrap();
        let s = apply(&student(), &r);
        assert_eq!(
            s.modules.company_registration,
            Some(ymd(2026, 11, 20).unwrap())
        );
        assert_eq!(s.modules.sa_round1, None);
        assert_eq!(s.modules.mentor_checklist, Some(true));
        assert_eq!(s.pathway, Some(false));
        assert_eq!(s.modules.sa_instrument.as_deref(), Some("Kuder"));
        // Nothing else moves.
        assert_eq!(
            (s.id.clone(), s.school.clone(), s.cohort),
            (student().id, student().school, 2027)
        );
        assert_eq!(
            describe(&r, 412),
            "set company-registration=2026-11-20, sa-round1=clear, checklist=Y, pathway=N, instrument=Kuder on 412 students"
        );
        assert_eq!(
            describe(&r[..1], 1),
            "set company-registration=2026-11-20 on 1 student"
        );
        // Applying twice is applying once.
        assert_eq!(apply(&s, &r), s);
    }
}
