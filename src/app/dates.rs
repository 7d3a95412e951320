//! Parsing what people type as a due date, relative to a given `today`.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// `Ok(None)` clears the due date.
pub fn parse_due_date(input: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    let text = input.trim().to_lowercase();
    match text.as_str() {
        "" | "none" | "clear" | "-" => return Ok(None),
        "today" => return Ok(Some(today)),
        "tomorrow" => return Ok(Some(today + Duration::days(1))),
        // The last day of this month.
        "eom" => return Ok(end_of_month(today)),
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
            // Calendar months keep the day, or the month's last when it has fewer days.
            if unit == "m" && n <= 120 {
                return Ok(u32::try_from(n)
                    .ok()
                    .and_then(|n| today.checked_add_months(chrono::Months::new(n))));
            }
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
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    // A weekday is its name or a beginning of it of three letters or more (`fri`, `thurs`):
    // `month` is not Monday.
    if let Some((_, day)) = weekdays
        .iter()
        .find(|(name, _)| text.len() >= 3 && name.starts_with(text.as_str()))
    {
        let ahead = (7 + day.num_days_from_monday() as i64
            - today.weekday().num_days_from_monday() as i64)
            % 7;
        let ahead = if ahead == 0 { 7 } else { ahead };
        return Ok(Some(today + Duration::days(ahead)));
    }
    Err(format!(
        "`{}` is not a date: use 2026-12-01, +3d, +2w, +1m, fri, today, tomorrow, eom or none",
        input.trim()
    ))
}

fn end_of_month(today: NaiveDate) -> Option<NaiveDate> {
    let first = today.with_day(1)?;
    Some(first.checked_add_months(chrono::Months::new(1))? - Duration::days(1))
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
        assert_eq!(parse_due_date("thurs", monday()), Ok(day(11, 26)));
        assert_eq!(parse_due_date("+1m", monday()), Ok(day(12, 23)));
        assert_eq!(parse_due_date("eom", monday()), Ok(day(11, 30)));
        let jan31 = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        assert_eq!(
            parse_due_date("+1m", jan31),
            Ok(NaiveDate::from_ymd_opt(2027, 2, 28)),
            "a shorter month ends the month"
        );
    }

    #[test]
    fn nonsense_is_explained_not_accepted() {
        for bad in [
            "2026-13-01",
            "soon",
            "+3y",
            "fr",
            "+99999d",
            "month",
            "monk",
            "sunny",
        ] {
            let err = parse_due_date(bad, monday()).unwrap_err();
            assert!(err.contains("+3d"), "{bad}: {err}");
        }
    }
}
