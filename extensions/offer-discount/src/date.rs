//! The shop's local date as a day number, comparable with a Unix time's UTC day.

/// Days from 1970-01-01 to a "YYYY-MM-DD" date; None for anything else.
pub fn days_since_epoch(date: &str) -> Option<i64> {
    let bytes = date.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = digits(&bytes[0..4])?;
    let month = digits(&bytes[5..7])?;
    let day = digits(&bytes[8..10])?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

fn digits(bytes: &[u8]) -> Option<i64> {
    bytes.iter().try_fold(0, |number, &b| {
        b.is_ascii_digit()
            .then(|| number * 10 + i64::from(b - b'0'))
    })
}

/// Howard Hinnant's days_from_civil, for the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::days_since_epoch;

    #[test]
    fn counts_days_from_the_epoch() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("2000-03-01"), Some(11_017));
        assert_eq!(days_since_epoch("2026-07-15"), Some(20_649));
        assert_eq!(days_since_epoch("2026-7-15"), None);
        assert_eq!(days_since_epoch("2026-13-01"), None);
        assert_eq!(days_since_epoch("2026-07-15T00:00"), None);
    }
}
