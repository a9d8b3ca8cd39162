//! Fixed-width big-endian keys, so that byte order is time (or due-date) order and
//! range reads and keyset pagination work on every index.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::domain::Id;

/// Milliseconds since the epoch, sign bit flipped so earlier instants sort first.
pub fn time(at: Timestamp) -> [u8; 8] {
    ((at.as_millisecond() as u64) ^ (1 << 63)).to_be_bytes()
}

pub fn time_from(bytes: &[u8]) -> Option<Timestamp> {
    let raw = u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?) ^ (1 << 63);
    Timestamp::from_millisecond(raw as i64).ok()
}

/// A date as YYYYMMDD, which sorts in date order.
pub fn date(day: Date) -> [u8; 4] {
    let packed = (day.year() as i32 * 10_000 + day.month() as i32 * 100 + day.day() as i32) as u32;
    packed.to_be_bytes()
}

pub fn date_from(bytes: &[u8]) -> Option<Date> {
    let packed = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?);
    let year = (packed / 10_000) as i16;
    let month = ((packed / 100) % 100) as i8;
    let day = (packed % 100) as i8;
    Date::new(year, month, day).ok()
}

pub fn id(id: Id) -> [u8; 16] {
    *id.as_bytes()
}

pub fn id_from(bytes: &[u8]) -> Option<Id> {
    Some(Id::from_bytes(bytes.get(..16)?.try_into().ok()?))
}

/// Concatenates key parts.
pub fn join(parts: &[&[u8]]) -> Vec<u8> {
    let mut key = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        key.extend_from_slice(part);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as d;

    #[test]
    fn keys_sort_like_the_values() {
        let early = Timestamp::from_second(-5).unwrap();
        let late = Timestamp::from_second(1_700_000_000).unwrap();
        assert!(time(early) < time(late));
        assert!(date(d(2025, 12, 31)) < date(d(2026, 1, 1)));
        assert_eq!(date_from(&date(d(2026, 2, 28))), Some(d(2026, 2, 28)));
        assert_eq!(time_from(&time(early)), Some(early));
        assert_eq!(time_from(&time(late)), Some(late));
    }
}
