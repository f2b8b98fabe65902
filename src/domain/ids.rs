//! Identifiers: the 10-digit state student ID, the 3-character LEA (district)
//! code and the 6-character site (school) code. Their constructors check the
//! stored form only; how a spreadsheet cell becomes one (padding numbers,
//! upper-casing letters) is the importer's job (SPEC §2 item 6).

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident, $len:expr, $digits_only:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The stored length in characters.
            pub const LEN: usize = $len;

            /// Accepts exactly the stored form: the right length, ASCII digits
            /// (and, for codes, upper-case letters).
            pub fn parse(s: &str) -> Option<Self> {
                let ok = s.len() == $len
                    && s.bytes().all(|b| {
                        b.is_ascii_digit() || (!$digits_only && b.is_ascii_uppercase())
                    });
                ok.then(|| $name(s.to_string()))
            }

            /// The stored form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                $name::parse(&s).ok_or_else(|| format!("invalid {}: {s:?}", stringify!($name)))
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

code_type!(
    /// A state student ID: exactly 10 digits.
    StudentId, 10, true
);
code_type!(
    /// An LEA code: 3 digits or upper-case letters (`017`, `W3B`).
    DistrictCode, 3, false
);
code_type!(
    /// A site code: 6 digits or upper-case letters; begins with its
    /// district's code (`017004`, `W3B001`).
    SchoolCode, 6, false
);

impl SchoolCode {
    /// The district code a school code begins with.
    pub fn district(&self) -> DistrictCode {
        DistrictCode(self.0[..3].to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms() {
        assert!(StudentId::parse("0089592595").is_some());
        assert!(StudentId::parse("89592595").is_none());
        assert!(StudentId::parse("008959259A").is_none());
        assert!(DistrictCode::parse("W3B").is_some());
        assert!(DistrictCode::parse("w3b").is_none());
        assert!(DistrictCode::parse("17").is_none());
        let s = SchoolCode::parse("W3B001").unwrap();
        assert_eq!(s.district().as_str(), "W3B");
        assert!(serde_json::from_str::<StudentId>("\"123\"").is_err());
        let id: StudentId = serde_json::from_str("\"0000000001\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"0000000001\"");
    }
}
