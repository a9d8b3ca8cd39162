//! The time a reducer sees: an instant plus the local time zone, passed in rather than
//! read, so every flow can be replayed with a fixed clock in tests.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

#[derive(Clone, Debug)]
pub struct Clock {
    pub now: Timestamp,
    pub tz: TimeZone,
}

impl Clock {
    pub fn system() -> Clock {
        Clock {
            now: Timestamp::now(),
            tz: TimeZone::system(),
        }
    }

    /// A fixed clock in UTC, for tests and reproducible output.
    pub fn fixed(now: Timestamp) -> Clock {
        Clock {
            now,
            tz: TimeZone::UTC,
        }
    }

    pub fn today(&self) -> Date {
        self.date_of(self.now)
    }

    pub fn date_of(&self, at: Timestamp) -> Date {
        at.to_zoned(self.tz.clone()).date()
    }

    /// `day` at `hour`:`minute` local time.
    pub fn at_local(&self, day: Date, hour: i8, minute: i8) -> Option<Timestamp> {
        day.at(hour, minute, 0, 0)
            .to_zoned(self.tz.clone())
            .ok()
            .map(|z| z.timestamp())
    }

    /// "14:05" in local time.
    pub fn time_of_day(&self, at: Timestamp) -> String {
        at.to_zoned(self.tz.clone()).strftime("%H:%M").to_string()
    }

    /// "2026-11-20 14:05" in local time.
    pub fn date_time(&self, at: Timestamp) -> String {
        at.to_zoned(self.tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }
}

/// `days` working days (Monday to Friday) after `from`.
pub fn add_working_days(from: Date, days: u32) -> Date {
    let mut date = from;
    let mut left = days;
    while left > 0 {
        date = date.checked_add(1.day()).unwrap_or(date);
        if !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    date
}

/// The working day before `from` (Friday for a Monday).
pub fn previous_working_day(from: Date) -> Date {
    let mut date = from;
    loop {
        let before = date.yesterday().unwrap_or(date);
        if before == date {
            return date;
        }
        date = before;
        if !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
            return date;
        }
    }
}

/// A follow-up's due date moved one working day later or earlier, never before `today`
/// (`None` when earlier would be in the past). The road pane and the case list use this
/// one rule, so `]` and `[` mean the same everywhere.
pub fn shift_due(due: Date, later: bool, today: Date) -> Option<Date> {
    if later {
        Some(add_working_days(due.max(today), 1))
    } else {
        let day = previous_working_day(due);
        (day >= today).then_some(day)
    }
}

/// Whole days from `a` to `b` (positive when `b` is later).
pub fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|span| span.get_days() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn due_dates_move_by_working_days_and_never_into_the_past() {
        // Friday 20 November 2026: later is Monday, not Saturday.
        let friday = date(2026, 11, 20);
        assert_eq!(shift_due(friday, true, friday), Some(date(2026, 11, 23)));
        // Monday back to Friday, unless that is before today.
        let monday = date(2026, 11, 23);
        assert_eq!(shift_due(monday, false, date(2026, 11, 18)), Some(friday));
        assert_eq!(shift_due(monday, false, monday), None);
        // An overdue date moves on from today.
        assert_eq!(
            shift_due(date(2026, 11, 2), true, friday),
            Some(date(2026, 11, 23))
        );
    }

    #[test]
    fn working_days_skip_weekends() {
        // 2026-11-20 is a Friday.
        assert_eq!(add_working_days(date(2026, 11, 20), 2), date(2026, 11, 24));
        assert_eq!(add_working_days(date(2026, 11, 18), 2), date(2026, 11, 20));
        assert_eq!(add_working_days(date(2026, 11, 21), 1), date(2026, 11, 23));
    }

    #[test]
    fn days_between_counts_signed_days() {
        assert_eq!(days_between(date(2026, 11, 1), date(2026, 11, 22)), 21);
        assert_eq!(days_between(date(2026, 11, 22), date(2026, 11, 1)), -21);
    }
}
