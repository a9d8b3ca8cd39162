//! Customers, their status and its recorded history, and the rules for a new customer.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Id;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CustomerStatus {
    New,
    Active,
    AtRisk,
    Lost,
    WonBack,
}

impl CustomerStatus {
    pub const ALL: [CustomerStatus; 5] = [
        CustomerStatus::New,
        CustomerStatus::Active,
        CustomerStatus::AtRisk,
        CustomerStatus::Lost,
        CustomerStatus::WonBack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::New => "new",
            CustomerStatus::Active => "active",
            CustomerStatus::AtRisk => "at-risk",
            CustomerStatus::Lost => "lost",
            CustomerStatus::WonBack => "won-back",
        }
    }

    pub fn parse(text: &str) -> Option<CustomerStatus> {
        let wanted = text.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        CustomerStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == wanted)
    }

    /// The next status in the fixed cycle, for one-key changes.
    pub fn next(self) -> CustomerStatus {
        let at = CustomerStatus::ALL
            .iter()
            .position(|s| *s == self)
            .unwrap_or(0);
        CustomerStatus::ALL[(at + 1) % CustomerStatus::ALL.len()]
    }

    /// A fixed small number, used in index keys and counters.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// One recorded change of a customer's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub at: Timestamp,
    /// `None` when the customer first became a customer.
    pub from: Option<CustomerStatus>,
    pub to: CustomerStatus,
    pub by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub segment: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    pub status: CustomerStatus,
    #[serde(default)]
    pub do_not_contact: bool,
    pub created_at: Timestamp,
    #[serde(default)]
    pub status_history: Vec<StatusChange>,
    /// When we last spoke (start of the latest call), for the queue's ordering.
    #[serde(default)]
    pub last_contact: Option<Timestamp>,
    /// Why the customer asked not to be contacted, since when and who noted it (absent
    /// for a flag set before reasons were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub do_not_contact_note: Option<DoNotContactNote>,
    /// Duplicates merged into this customer, oldest merge first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<MergedCustomer>,
}

/// Why a customer is not to be contacted, since when, and who recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoNotContactNote {
    pub reason: String,
    pub since: Timestamp,
    pub by: String,
}

/// A duplicate record merged into a customer: who it was and its own status history
/// (kept apart so the kept customer's history, and the customer math built on it, stay
/// one person's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedCustomer {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub status_history: Vec<StatusChange>,
    pub merged_at: Timestamp,
    pub merged_by: String,
}

impl Customer {
    /// Changes the status and records the change; no-op when it is unchanged.
    pub fn change_status(&mut self, to: CustomerStatus, at: Timestamp, by: &str) -> bool {
        if self.status == to {
            return false;
        }
        self.status_history.push(StatusChange {
            at,
            from: Some(self.status),
            to,
            by: by.to_string(),
        });
        self.status = to;
        true
    }
}

/// What the add-customer form (and import) supplies, before validation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewCustomer {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub segment: String,
    pub status: String,
}

/// A validation problem, naming the field it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// Whether two customers are the same person as far as adding one goes: the same name
/// (ignoring case and spacing) and the same phone (digits only) or the same email
/// (ignoring case).
pub fn same_person(
    name: &str,
    phone: Option<&str>,
    email: Option<&str>,
    other_name: &str,
    other_phone: Option<&str>,
    other_email: Option<&str>,
) -> bool {
    let words = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    if words(name) != words(other_name) {
        return false;
    }
    let same_phone = matches!((phone, other_phone), (Some(a), Some(b)) if !digits(a).is_empty() && digits(a) == digits(b));
    let same_email = matches!((email, other_email), (Some(a), Some(b)) if a.trim().eq_ignore_ascii_case(b.trim()));
    same_phone || same_email
}

fn optional(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// The longest name or segment a customer may have: what a form, an import and a sync
/// all take (a name is a name, not a document).
pub const MAX_FIELD_CHARS: usize = 200;

impl NewCustomer {
    /// Checks every field and returns the customer, or every problem found.
    pub fn validate(&self, at: Timestamp, by: &str) -> Result<Customer, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(FieldError {
                field: "name",
                message: "a name is required".into(),
            });
        } else if name.chars().any(char::is_control) {
            errors.push(FieldError {
                field: "name",
                message: "the name contains control characters".into(),
            });
        } else if name.chars().count() > MAX_FIELD_CHARS {
            errors.push(FieldError {
                field: "name",
                message: format!("a name is at most {MAX_FIELD_CHARS} characters"),
            });
        }
        if self.segment.trim().chars().count() > MAX_FIELD_CHARS
            || self.segment.chars().any(char::is_control)
        {
            errors.push(FieldError {
                field: "segment",
                message: format!(
                    "a segment is at most {MAX_FIELD_CHARS} characters, with no control characters"
                ),
            });
        }
        let phone = optional(&self.phone);
        if let Some(phone) = &phone {
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            let allowed = phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c));
            if !allowed || !(5..=15).contains(&digits) {
                errors.push(FieldError {
                    field: "phone",
                    message: "use digits, spaces, + - ( ) only (5 to 15 digits)".into(),
                });
            }
        }
        let email = optional(&self.email);
        if let Some(email) = &email {
            let looks_right = email
                .split_once('@')
                .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
                && !email.contains(char::is_whitespace);
            if !looks_right {
                errors.push(FieldError {
                    field: "email",
                    message: "an email looks like name@example.com".into(),
                });
            }
        }
        let status = match optional(&self.status) {
            None => CustomerStatus::New,
            Some(text) => match CustomerStatus::parse(&text) {
                Some(status) => status,
                None => {
                    errors.push(FieldError {
                        field: "status",
                        message: "status is one of new, active, at-risk, lost, won-back".into(),
                    });
                    CustomerStatus::New
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Customer {
            id: super::new_id(),
            name: name.to_string(),
            phone,
            email,
            segment: optional(&self.segment),
            external_id: None,
            status,
            do_not_contact: false,
            created_at: at,
            status_history: vec![StatusChange {
                at,
                from: None,
                to: status,
                by: by.to_string(),
            }],
            last_contact: None,
            do_not_contact_note: None,
            merged: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_person_is_the_same_name_and_phone_or_email() {
        let same = |n: &str, p: Option<&str>, e: Option<&str>| {
            same_person(
                n,
                p,
                e,
                "Ann Lee",
                Some("+44 20 7946 0000"),
                Some("ann@example.com"),
            )
        };
        assert!(same(" ann  lee", Some("+44 (20) 7946-0000"), None));
        assert!(same("Ann Lee", None, Some("ANN@example.com ")));
        assert!(!same("Ann Lee", None, None), "a name alone is not enough");
        assert!(!same("Ann Leigh", Some("+44 20 7946 0000"), None));
        assert!(!same(
            "Ann Lee",
            Some("+44 20 7946 0001"),
            Some("ann.lee@example.com")
        ));
    }

    fn form(name: &str, phone: &str, email: &str, status: &str) -> NewCustomer {
        NewCustomer {
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
            segment: String::new(),
            status: status.into(),
        }
    }

    #[test]
    fn a_valid_form_makes_a_customer_with_its_first_status_recorded() {
        let at = Timestamp::from_second(1_700_000_000).unwrap();
        let customer = form(" Ann Lee ", "+44 20 7946 0000", "ann@example.com", "")
            .validate(at, "priya")
            .unwrap();
        assert_eq!(customer.name, "Ann Lee");
        assert_eq!(customer.status, CustomerStatus::New);
        assert_eq!(customer.status_history.len(), 1);
        assert_eq!(customer.status_history[0].from, None);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = form("", "call me", "nope", "gone")
            .validate(Timestamp::UNIX_EPOCH, "x")
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "phone", "email", "status"]);
    }

    #[test]
    fn status_change_is_recorded_once() {
        let mut customer = form("Bo", "", "", "lost")
            .validate(Timestamp::UNIX_EPOCH, "x")
            .unwrap();
        assert!(customer.change_status(CustomerStatus::WonBack, Timestamp::UNIX_EPOCH, "x"));
        assert!(!customer.change_status(CustomerStatus::WonBack, Timestamp::UNIX_EPOCH, "x"));
        assert_eq!(customer.status_history.len(), 2);
        assert_eq!(customer.status_history[1].from, Some(CustomerStatus::Lost));
    }

    #[test]
    fn status_parses_loosely() {
        assert_eq!(
            CustomerStatus::parse("At Risk"),
            Some(CustomerStatus::AtRisk)
        );
        assert_eq!(
            CustomerStatus::parse("won_back"),
            Some(CustomerStatus::WonBack)
        );
        assert_eq!(CustomerStatus::parse("gone"), None);
    }
}
