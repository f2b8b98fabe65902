//! Who may use a database and what they may do (issue 7): a user is an OS
//! login name with a role; a district user is tied to one district.

use serde::{Deserialize, Serialize};

use super::DistrictCode;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Everything, including managing users.
    Admin,
    /// Everything except managing users.
    Operator,
    /// Reads everything, attaches notes, acknowledges warn findings.
    Auditor,
    /// Sees only its district; stages its uploads, views their triage and
    /// confirms its own semester report.
    District,
}

impl Role {
    /// Every role, in order of power.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Operator, Role::Auditor, Role::District];

    /// `admin`, `operator`, `auditor` or `district`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Auditor => "auditor",
            Role::District => "district",
        }
    }

    /// The role named `s`.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One user of the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The OS login name (what peer credentials resolve to).
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// Their district (district users only).
    pub district: Option<DistrictCode>,
    /// Who added them.
    pub added_by: String,
    /// When (RFC 3339).
    pub added_at: String,
}

/// A write that was refused, kept for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// Its number (append only).
    pub seq: u64,
    /// Who asked.
    pub user: String,
    /// What they asked for (the request's kind, no student data).
    pub request: String,
    /// Why it was refused.
    pub reason: String,
    /// When (RFC 3339).
    pub at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_by_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
