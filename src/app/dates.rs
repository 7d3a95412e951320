//! Parsing what people type as a due date, relative to a given `today`.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// `Ok(None)` clears the due date.
pub fn parse_due_date(input: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    let text = input.trim().to_lowercase();
    match text.as_str() {
        "" | "none" | "clear" | "-" => return Ok(None),
        "today" => return Ok(Some(today)),
        "tomorrow" => return Ok(Some(today + Duration::days(1))),
        _ => {}
    }
    if let Ok(date) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        return Ok(Some(date));
    }
    if let Some(rest) = text.strip_prefix('+') {
        let (number, unit) = rest.split_at(
            rest.find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len()),
        );
        if let Ok(n) = number.parse::<i64>() {
            let days = match unit {
                "" | "d" => Some(n),
                "w" => Some(n * 7),
                _ => None,
            };
            if let Some(days) = days.filter(|d| *d <= 3650) {
                return Ok(Some(today + Duration::days(days)));
            }
        }
    }
    let weekdays = [
        ("mon", Weekday::Mon),
        ("tue", Weekday::Tue),
        ("wed", Weekday::Wed),
        ("thu", Weekday::Thu),
        ("fri", Weekday::Fri),
        ("sat", Weekday::Sat),
        ("sun", Weekday::Sun),
    ];
    if let Some((_, day)) = weekdays
        .iter()
        .find(|(prefix, _)| text.len() >= 3 && text.starts_with(prefix))
    {
        let ahead = (7 + day.num_days_from_monday() as i64
            - today.weekday().num_days_from_monday() as i64)
            % 7;
        let ahead = if ahead == 0 { 7 } else { ahead };
        return Ok(Some(today + Duration::days(ahead)));
    }
    Err(format!(
        "`{}` is not a date: use 2026-12-01, +3d, +2w, fri, today, tomorrow or none",
        input.trim()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn day(m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2026, m, d)
    }

    #[test]
    fn dates_parse_in_every_documented_form() {
        assert_eq!(parse_due_date("2026-12-01", monday()), Ok(day(12, 1)));
        assert_eq!(parse_due_date("+3d", monday()), Ok(day(11, 26)));
        assert_eq!(parse_due_date("+3", monday()), Ok(day(11, 26)));
        assert_eq!(parse_due_date("+2w", monday()), Ok(day(12, 7)));
        assert_eq!(parse_due_date("fri", monday()), Ok(day(11, 27)));
        assert_eq!(parse_due_date("Monday", monday()), Ok(day(11, 30)));
        assert_eq!(parse_due_date("today", monday()), Ok(day(11, 23)));
        assert_eq!(parse_due_date("tomorrow", monday()), Ok(day(11, 24)));
        assert_eq!(parse_due_date("none", monday()), Ok(None));
        assert_eq!(parse_due_date("", monday()), Ok(None));
    }

    #[test]
    fn nonsense_is_explained_not_accepted() {
        for bad in ["2026-13-01", "soon", "+3y", "fr", "+99999d"] {
            let err = parse_due_date(bad, monday()).unwrap_err();
            assert!(err.contains("+3d"), "{bad}: {err}");
        }
    }
}
