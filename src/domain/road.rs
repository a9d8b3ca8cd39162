//! The four roads of customer service, after Seth Godin.

use serde::{Deserialize, Serialize};

/// The road an interaction took. Always shown with its number and name, never by colour alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum Road {
    Learn = 1,
    Care = 2,
    Teach = 3,
    GoAway = 4,
}

impl Road {
    pub const ALL: [Road; 4] = [Road::Learn, Road::Care, Road::Teach, Road::GoAway];

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(n: u8) -> Option<Road> {
        match n {
            1 => Some(Road::Learn),
            2 => Some(Road::Care),
            3 => Some(Road::Teach),
            4 => Some(Road::GoAway),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Road::Learn => "Learn",
            Road::Care => "Care",
            Road::Teach => "Teach",
            Road::GoAway => "Go away",
        }
    }

    /// One line saying what taking this road means.
    pub fn definition(self) -> &'static str {
        match self {
            Road::Learn => "we listened; the product improves because of what they told us",
            Road::Care => "they matter; empathy and attention strengthen the relationship",
            Road::Teach => "we showed them how to solve it, and things got better",
            Road::GoAway => "handled as a cost: deflected, put on hold, bounced",
        }
    }

    /// "3 Teach": the number and the name together.
    pub fn label(self) -> String {
        self.to_string()
    }
}

impl std::fmt::Display for Road {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.number(), self.name())
    }
}

impl From<Road> for u8 {
    fn from(road: Road) -> u8 {
        road.number()
    }
}

impl TryFrom<u8> for Road {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Road::from_number(n).ok_or_else(|| format!("road must be 1 to 4, got {n}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_reject_others() {
        for road in Road::ALL {
            assert_eq!(Road::from_number(road.number()), Some(road));
        }
        assert_eq!(Road::from_number(0), None);
        assert_eq!(Road::from_number(5), None);
        assert_eq!(Road::GoAway.label(), "4 Go away");
    }
}
