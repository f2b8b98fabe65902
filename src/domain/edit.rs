//! The student fields an edit sets by hand — `mecred edit --set` and the
//! UI's bulk edit alike — and setting one on a student: one list of fields,
//! one way to apply a value, whichever side asked.

use super::{Date, Student};

/// A student field an edit can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EditField {
    /// Self-Assessment Round 1 (date).
    SaRound1,
    /// Self-Assessment Round 2 (date).
    SaRound2,
    /// Self-Assessment Presentation (date).
    Presentation,
    /// Credit Applications (date).
    CreditApplications,
    /// Company Registration (date).
    CompanyRegistration,
    /// Mentor's Student Completion Checklist on file (Y/N).
    MentorChecklist,
    /// Graduating via the Micro-Enterprise pathway (Y/N).
    Pathway,
    /// The Self-Assessment instrument (text).
    Instrument,
}

/// What kind of value a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A date.
    Date,
    /// Yes or no.
    YesNo,
    /// Free text.
    Text,
}

impl EditField {
    /// Every field, in the template's (and the form's) order.
    pub const ALL: [EditField; 8] = [
        EditField::SaRound1,
        EditField::SaRound2,
        EditField::Presentation,
        EditField::CreditApplications,
        EditField::CompanyRegistration,
        EditField::MentorChecklist,
        EditField::Pathway,
        EditField::Instrument,
    ];

    /// The short name the command line takes (`company-registration`).
    pub fn alias(self) -> &'static str {
        match self {
            EditField::SaRound1 => "sa-round1",
            EditField::SaRound2 => "sa-round2",
            EditField::Presentation => "presentation",
            EditField::CreditApplications => "credit-applications",
            EditField::CompanyRegistration => "company-registration",
            EditField::MentorChecklist => "checklist",
            EditField::Pathway => "pathway",
            EditField::Instrument => "instrument",
        }
    }

    /// The completion template's column (SPEC §2).
    pub fn column(self) -> &'static str {
        match self {
            EditField::SaRound1 => "Self-Assessment Round 1",
            EditField::SaRound2 => "Self-Assessment Round 2",
            EditField::Presentation => "Self-Assessment Presentation",
            EditField::CreditApplications => "Credit Applications",
            EditField::CompanyRegistration => "Company Registration",
            EditField::MentorChecklist => "Mentor Checklist",
            EditField::Pathway => "Micro-Enterprise Pathway",
            EditField::Instrument => "Self-Assessment Instrument",
        }
    }

    /// The name a sentence uses ("set Presentation to 2026-10-05").
    pub fn name(self) -> &'static str {
        match self {
            EditField::Presentation => "Presentation",
            EditField::MentorChecklist => "mentor checklist",
            EditField::Pathway => "pathway",
            EditField::Instrument => "instrument",
            f => f.column(),
        }
    }

    /// The kind of value it takes.
    pub fn kind(self) -> FieldKind {
        match self {
            EditField::MentorChecklist | EditField::Pathway => FieldKind::YesNo,
            EditField::Instrument => FieldKind::Text,
            _ => FieldKind::Date,
        }
    }

    /// A date field (the rest are yes/no or text).
    pub fn is_date(self) -> bool {
        self.kind() == FieldKind::Date
    }

    /// A field by its short name or column name, compared like headers
    /// (SPEC §2 item 2: case, spaces and punctuation ignored).
    pub fn parse(name: &str) -> Option<EditField> {
        let want = squash(name);
        let extra = |f: EditField| match f {
            EditField::MentorChecklist => Some("mentorchecklist"),
            EditField::SaRound1 => Some("round1"),
            EditField::SaRound2 => Some("round2"),
            _ => None,
        };
        EditField::ALL.into_iter().find(|f| {
            squash(f.alias()) == want || squash(f.column()) == want || extra(*f) == Some(&*want)
        })
    }
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A field's new value, checked; `None` clears it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// A date, or cleared.
    Date(Option<Date>),
    /// Yes, no, or not reported.
    Flag(Option<bool>),
    /// Text, or none.
    Text(Option<String>),
}

impl FieldValue {
    /// The cleared value of a field of `kind`.
    pub fn cleared(kind: FieldKind) -> FieldValue {
        match kind {
            FieldKind::Date => FieldValue::Date(None),
            FieldKind::YesNo => FieldValue::Flag(None),
            FieldKind::Text => FieldValue::Text(None),
        }
    }

    /// Whether it clears the field.
    pub fn is_clear(&self) -> bool {
        matches!(
            self,
            FieldValue::Date(None) | FieldValue::Flag(None) | FieldValue::Text(None)
        )
    }
}

/// One field set to one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The field.
    pub field: EditField,
    /// Its new value.
    pub value: FieldValue,
}

impl Change {
    /// Sets the field on `s`; a value of the wrong kind for the field
    /// changes nothing.
    pub fn apply(&self, s: &mut Student) {
        let m = &mut s.modules;
        match (&self.value, self.field) {
            (FieldValue::Date(d), f) => {
                let slot = match f {
                    EditField::SaRound1 => &mut m.sa_round1,
                    EditField::SaRound2 => &mut m.sa_round2,
                    EditField::Presentation => &mut m.presentation,
                    EditField::CreditApplications => &mut m.credit_applications,
                    EditField::CompanyRegistration => &mut m.company_registration,
                    _ => return,
                };
                *slot = *d;
            }
            (FieldValue::Flag(b), EditField::MentorChecklist) => m.mentor_checklist = *b,
            (FieldValue::Flag(b), EditField::Pathway) => s.pathway = *b,
            (FieldValue::Text(t), EditField::Instrument) => m.sa_instrument.clone_from(t),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_parse_by_alias_column_and_short_name() {
        for f in EditField::ALL {
            assert_eq!(EditField::parse(f.alias()), Some(f));
            assert_eq!(EditField::parse(f.column()), Some(f));
        }
        assert_eq!(
            EditField::parse("Mentor Checklist"),
            Some(EditField::MentorChecklist)
        );
        assert_eq!(EditField::parse("round 2"), Some(EditField::SaRound2));
        assert_eq!(EditField::parse("exam"), None);
    }

    #[test]
    fn a_value_of_the_wrong_kind_changes_nothing() {
        let mut s = Student {
            id: crate::domain::StudentId::parse("0000000001").unwrap(),
            last_name: "L".into(),
            first_name: "F".into(),
            school: crate::domain::SchoolCode::parse("017004").unwrap(),
            cohort: 2027,
            pathway: None,
            complementary: vec![],
            modules: crate::domain::Modules::default(),
            notes: None,
        };
        s.modules.presentation = Some(Date::constant(2026, 10, 5));
        let before = s.clone();
        Change {
            field: EditField::Presentation,
            value: FieldValue::Flag(Some(true)),
        }
        .apply(&mut s);
        assert_eq!(s, before);
        Change {
            field: EditField::Pathway,
            value: FieldValue::Flag(Some(true)),
        }
        .apply(&mut s);
        assert_eq!(s.pathway, Some(true));
        Change {
            field: EditField::Presentation,
            value: FieldValue::cleared(EditField::Presentation.kind()),
        }
        .apply(&mut s);
        assert_eq!(s.modules.presentation, None);
    }
}
