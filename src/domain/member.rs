//! A person of a team as the hub records them (SPEC §12): the login they connect as, the
//! name their calls carry and their role. In a team this is who you are, whatever a flag
//! or the config file says; the rule of which kinds of change need a lead is here too,
//! the same one the hub's policies enforce.

use serde::{Deserialize, Serialize};

use super::call::Role;
use super::ops::OpKind;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The PostgreSQL login.
    pub login: String,
    /// The name on their calls, reviews and audit entries.
    pub name: String,
    pub role: Role,
}

impl Member {
    /// "Priya Shah (agent)".
    pub fn describe(&self) -> String {
        format!("{} ({})", self.name, self.role.as_str())
    }
}

/// The kinds of change only a lead may make (the hub refuses them from anyone else).
pub fn lead_only(kind: OpKind) -> bool {
    matches!(kind, OpKind::Review | OpKind::Erase)
}

/// What a person's flags or config file ask for that the hub's record overrides, in one
/// line (`None` when they agree or ask for nothing).
pub fn overridden(
    member: &Member,
    asked_name: Option<&str>,
    asked_role: Option<Role>,
) -> Option<String> {
    let name = asked_name
        .map(str::trim)
        .filter(|n| !n.is_empty() && *n != member.name);
    let role = asked_role.filter(|r| *r != member.role);
    if name.is_none() && role.is_none() {
        return None;
    }
    let asked = match (name, role) {
        (Some(n), Some(r)) => format!("{n} ({})", r.as_str()),
        (Some(n), None) => n.to_string(),
        (None, r) => format!("the {} role", r.unwrap_or(member.role).as_str()),
    };
    // Short enough for the message line of an 80-column terminal.
    Some(format!(
        "The hub says you are {}; {asked} is not used.",
        member.describe()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn priya() -> Member {
        Member {
            login: "priya".into(),
            name: "Priya Shah".into(),
            role: Role::Agent,
        }
    }

    #[test]
    fn a_flag_that_disagrees_with_the_hub_gets_one_line() {
        assert_eq!(overridden(&priya(), None, None), None);
        assert_eq!(
            overridden(&priya(), Some("Priya Shah"), Some(Role::Agent)),
            None
        );
        let line = overridden(&priya(), None, Some(Role::Lead)).unwrap();
        assert_eq!(
            line,
            "The hub says you are Priya Shah (agent); the lead role is not used."
        );
        let line = overridden(&priya(), Some("Dana"), Some(Role::Lead)).unwrap();
        assert!(line.ends_with("Dana (lead) is not used."), "{line}");
        assert!(!line.contains('\n'));
    }

    #[test]
    fn reviews_and_erasures_need_a_lead() {
        assert!(lead_only(OpKind::Review) && lead_only(OpKind::Erase));
        assert!(!lead_only(OpKind::CallPut) && !lead_only(OpKind::Acknowledge));
    }
}
