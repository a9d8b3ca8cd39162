//! Reporting periods a lead picks in the Review and Dashboard views (today, this week…),
//! as inclusive ranges of local dates.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Today,
    ThisWeek,
    LastWeek,
    ThisMonth,
    Last30Days,
    /// Every call in the store.
    AllTime,
    Custom {
        from: Date,
        to: Date,
    },
}

/// The choices `p` cycles through (a custom range is typed in the filter).
pub const PERIOD_CYCLE: [Period; 6] = [
    Period::Today,
    Period::ThisWeek,
    Period::LastWeek,
    Period::ThisMonth,
    Period::Last30Days,
    Period::AllTime,
];

/// The earliest date any period reaches back to.
pub fn beginning() -> Date {
    jiff::civil::date(1970, 1, 1)
}

fn monday_of(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(back.days()).unwrap_or(day)
}

impl Period {
    /// The first and last day (inclusive) of the period, seen from `today`.
    pub fn range(self, today: Date) -> (Date, Date) {
        let sub = |d: Date, n: i64| d.checked_sub(n.days()).unwrap_or(d);
        match self {
            Period::Today => (today, today),
            Period::ThisWeek => (monday_of(today), today),
            Period::LastWeek => {
                let monday = sub(monday_of(today), 7);
                (monday, sub(monday_of(today), 1))
            }
            Period::ThisMonth => (today.first_of_month(), today),
            Period::Last30Days => (sub(today, 29), today),
            Period::AllTime => (beginning(), today),
            Period::Custom { from, to } => (from.min(to), from.max(to)),
        }
    }

    /// The next choice in the cycle (a custom range goes back to the start).
    pub fn next(self) -> Period {
        let at = PERIOD_CYCLE.iter().position(|p| *p == self);
        match at {
            Some(at) => PERIOD_CYCLE[(at + 1) % PERIOD_CYCLE.len()],
            None => PERIOD_CYCLE[0],
        }
    }

    /// "this week (16–20 Nov 2026)": the choice and its dates, for a line of filters.
    pub fn describe(self, today: Date) -> String {
        let (from, to) = self.range(today);
        let name = match self {
            Period::Today => "today",
            Period::ThisWeek => "this week",
            Period::LastWeek => "last week",
            Period::ThisMonth => "this month",
            Period::Last30Days => "last 30 days",
            Period::AllTime => return "all time".into(),
            Period::Custom { .. } => "from–to",
        };
        format!("{name} ({})", span_text(from, to))
    }

    /// The period of the same length just before this one (for comparisons).
    pub fn previous_range(self, today: Date) -> (Date, Date) {
        let (from, to) = self.range(today);
        let days = (to - from).get_days() as i64 + 1;
        let prev_to = from.checked_sub(1.day()).unwrap_or(from);
        let prev_from = from.checked_sub(days.days()).unwrap_or(from);
        (prev_from, prev_to)
    }
}

/// "16–20 Nov 2026", "28 Oct – 3 Nov 2026", "20 Nov 2026".
pub fn span_text(from: Date, to: Date) -> String {
    let day_month = |d: Date| d.strftime("%-d %b").to_string();
    if from == to {
        return format!("{} {}", day_month(from), from.year());
    }
    if from.year() == to.year() && from.month() == to.month() {
        return format!("{}–{}", from.day(), to.strftime("%-d %b %Y"));
    }
    if from.year() == to.year() {
        return format!("{} – {}", day_month(from), to.strftime("%-d %b %Y"));
    }
    format!(
        "{} – {}",
        from.strftime("%-d %b %Y"),
        to.strftime("%-d %b %Y")
    )
}

/// Weeks (Monday to Sunday) ending with the one that holds `today`, oldest first.
pub fn last_weeks(today: Date, count: usize) -> Vec<(Date, Date)> {
    let this_monday = monday_of(today);
    (0..count)
        .rev()
        .map(|back| {
            let monday = this_monday
                .checked_sub((7 * back as i64).days())
                .unwrap_or(this_monday);
            (monday, monday.checked_add(6.days()).unwrap_or(monday))
        })
        .collect()
}

/// Whether `day` is a Saturday or Sunday.
pub fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn periods_from_a_friday() {
        let friday = date(2026, 11, 20);
        assert_eq!(Period::Today.range(friday), (friday, friday));
        assert_eq!(Period::ThisWeek.range(friday), (date(2026, 11, 16), friday));
        assert_eq!(
            Period::LastWeek.range(friday),
            (date(2026, 11, 9), date(2026, 11, 15))
        );
        assert_eq!(Period::ThisMonth.range(friday), (date(2026, 11, 1), friday));
        assert_eq!(
            Period::Last30Days.range(friday),
            (date(2026, 10, 22), friday)
        );
        assert_eq!(
            Period::ThisWeek.describe(friday),
            "this week (16–20 Nov 2026)"
        );
        assert_eq!(
            Period::LastWeek.previous_range(friday),
            (date(2026, 11, 2), date(2026, 11, 8))
        );
    }

    #[test]
    fn a_monday_week_starts_that_day_and_custom_ranges_are_ordered() {
        let monday = date(2026, 11, 16);
        assert_eq!(Period::ThisWeek.range(monday), (monday, monday));
        let custom = Period::Custom {
            from: date(2026, 11, 10),
            to: date(2026, 11, 1),
        };
        assert_eq!(
            custom.range(monday),
            (date(2026, 11, 1), date(2026, 11, 10))
        );
        let weeks = last_weeks(date(2026, 11, 20), 12);
        assert_eq!(weeks.len(), 12);
        assert_eq!(weeks[11], (monday, date(2026, 11, 22)));
        assert_eq!(weeks[0].0, date(2026, 8, 31));
    }
}
