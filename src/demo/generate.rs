//! Synthetic SM requests in GitLab's issue JSON shape, for scale (`--issues N --seed S`).
//!
//! Deterministic for a given seed (own small PRNG, so the output never changes with a crate
//! upgrade). The group `marketing/strategic-marketing` holds three projects, one of them in the
//! subgroup `field` with a label of that subgroup's own, so group scope is exercised; the
//! workflow's milestones live on the parent group `marketing`, as they do on gitlab.com.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};

/// splitmix64: tiny, fast, and good enough for picking demo values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const HOST: &str = "https://gitlab.example.com";
const GROUP: &str = "marketing/strategic-marketing";
/// The groups, with GitLab ids: the parent holding the milestones, the board's group, and a
/// subgroup with a project of its own.
pub const GROUPS: [(i64, &str); 3] = [
    (70, "marketing"),
    (77, "marketing/strategic-marketing"),
    (78, "marketing/strategic-marketing/field"),
];
const PARENT_GROUP_ID: i64 = 70;
const PROJECTS: [(i64, &str); 3] = [
    (201, "sm-requests"),
    (202, "competitive-intel"),
    (203, "field/field-enablement"),
];
/// A label defined on the `field` subgroup, carried by that subgroup's issues.
pub const SUBGROUP_LABEL: &str = "field::event";
const TEAMS: [&str; 5] = [
    "pmm",
    "tech-pmm",
    "Competitive Intelligence",
    "Partner Marketing",
    "mrci",
];
const USE_CASES: [&str; 8] = [
    "SCM", "CI", "CD", "Agile", "AppSec", "DevOps", "CN", "GitOps",
];
const PEOPLE: [(&str, &str); 10] = [
    ("amoreau", "Alice Moreau"),
    ("bkim", "Ben Kim"),
    ("cnakamura", "Chiho Nakamura"),
    ("dokafor", "Dayo Okafor"),
    ("evargas", "Elena Vargas"),
    ("fschmidt", "Felix Schmidt"),
    ("gpatel", "Gita Patel"),
    ("hlund", "Henrik Lund"),
    ("ijones", "Imani Jones"),
    ("jwu", "Jun Wu"),
];
const DELIVERABLES: [&str; 10] = [
    "Battlecard",
    "Pitch deck refresh",
    "Analyst briefing",
    "Customer reference",
    "Webinar content",
    "Partner launch kit",
    "Solution brief",
    "Demo script",
    "Blog post",
    "Competitive FAQ",
];
const TOPICS: [&str; 10] = [
    "CI at enterprise scale",
    "software supply chain security",
    "GitOps for platform teams",
    "Agile portfolio planning",
    "cloud-native deployments",
    "AI-assisted code review",
    "regulated industries",
    "Jenkins migration",
    "value stream analytics",
    "DORA metrics",
];
/// The deliverables each team mostly asks for.
const TEAM_DELIVERABLES: [(&str, [&str; 3]); 5] = [
    ("pmm", ["Pitch deck refresh", "Solution brief", "Blog post"]),
    (
        "tech-pmm",
        ["Demo script", "Webinar content", "Solution brief"],
    ),
    (
        "Competitive Intelligence",
        ["Battlecard", "Competitive FAQ", "Analyst briefing"],
    ),
    (
        "Partner Marketing",
        [
            "Partner launch kit",
            "Webinar content",
            "Customer reference",
        ],
    ),
    (
        "mrci",
        ["Customer reference", "Analyst briefing", "Blog post"],
    ),
];
/// The topic each use case mostly comes with.
const USE_CASE_TOPICS: [(&str, &str); 8] = [
    ("SCM", "AI-assisted code review"),
    ("CI", "CI at enterprise scale"),
    ("CD", "Jenkins migration"),
    ("Agile", "Agile portfolio planning"),
    ("AppSec", "software supply chain security"),
    ("DevOps", "value stream analytics"),
    ("CN", "cloud-native deployments"),
    ("GitOps", "GitOps for platform teams"),
];
/// State weights per 100 requests, in workflow order; the last slot is "no state label".
const STATE_WEIGHTS: [(&str, u64); 8] = [
    ("new_request", 6),
    ("triage", 6),
    ("backlog", 25),
    ("assigned", 13),
    ("completed", 35),
    ("transfered", 6),
    ("declined", 8),
    ("", 1),
];

/// The milestones generated requests use (also served as the milestone list).
pub fn milestones() -> Value {
    let parent = GROUPS[0].1;
    let milestone = |id: i64, iid: i64, title: &str, state: &str, start: Value, due: Value| {
        json!({"id": id, "iid": iid, "group_id": PARENT_GROUP_ID, "title": title, "state": state,
               "start_date": start, "due_date": due,
               "web_url": format!("{HOST}/groups/{parent}/-/milestones/{iid}")})
    };
    json!([
        milestone(800, 1, "SM_Backlog", "active", Value::Null, Value::Null),
        milestone(
            801,
            2,
            "FY27-Q3",
            "closed",
            json!("2026-08-01"),
            json!("2026-10-31")
        ),
        milestone(
            802,
            3,
            "FY27-Q4",
            "active",
            json!("2026-11-01"),
            json!("2027-01-31")
        ),
        milestone(
            803,
            4,
            "FY28-Q1",
            "active",
            json!("2027-02-01"),
            json!("2027-04-30")
        )
    ])
}

fn user(id: usize) -> Value {
    let (username, name) = PEOPLE[id % PEOPLE.len()];
    json!({
        "id": 3000 + id as i64, "username": username, "name": name, "state": "active",
        "avatar_url": null, "web_url": format!("{HOST}/{username}")
    })
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// `count` requests, reproducible from `seed`, with dates before `anchor`.
pub fn generate(count: usize, seed: u64, anchor: DateTime<Utc>) -> Vec<Value> {
    requests(count, seed, anchor).collect()
}

/// The same requests as [`generate`], made one at a time as they are taken: seeding 50,000 never
/// holds them all as JSON at once.
pub fn requests(
    count: usize,
    seed: u64,
    anchor: DateTime<Utc>,
) -> impl Iterator<Item = Value> + Send + 'static {
    let mut rng = Rng(seed ^ 0x5EED_0000_0000_0000);
    let milestones = milestones();
    let milestone = move |title: &str| -> Value {
        milestones
            .as_array()
            .and_then(|all| all.iter().find(|m| m["title"] == title))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let total_weight: u64 = STATE_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut next_iid = [0i64; PROJECTS.len()];
    (0..count).map(move |n| {
            let project_slot = if rng.chance(70) { 0 } else { 1 + rng.below(2) as usize };
            let (project_id, project) = PROJECTS[project_slot];
            next_iid[project_slot] += 1;
            let iid = next_iid[project_slot];
            let mut roll = rng.below(total_weight);
            let state = STATE_WEIGHTS
                .iter()
                .find(|(_, w)| {
                    let hit = roll < *w;
                    roll = roll.saturating_sub(*w);
                    hit
                })
                .map_or("backlog", |(s, _)| s);
            let team = *rng.pick(&TEAMS);
            let use_case = *rng.pick(&USE_CASES);
            // Each team asks mostly for its own kind of deliverable and each use case comes
            // with its own topics, as on the real board: the signal triage suggestions learn.
            // (The same random draws as picking freely, so seeds keep their other values.)
            let deliverable = rng.below(DELIVERABLES.len() as u64) as usize;
            let deliverable = match TEAM_DELIVERABLES.iter().find(|(t, _)| *t == team) {
                Some((_, own)) if deliverable < 7 => own[deliverable % own.len()],
                _ => DELIVERABLES[deliverable],
            };
            let topic = rng.below(TOPICS.len() as u64) as usize;
            let topic = match USE_CASE_TOPICS.iter().find(|(c, _)| *c == use_case) {
                Some((_, own)) if topic < 6 => own,
                _ => TOPICS[topic],
            };
            let title = format!("{deliverable} for {topic} ({})", n + 1);
            let age_days = rng.below(400) as i64;
            let created = anchor - Duration::days(age_days) - Duration::minutes(rng.below(1440) as i64);
            let updated = created + Duration::days(rng.below(age_days as u64 + 1) as i64);
            let mut labels = vec!["sm_request".to_string()];
            if !state.is_empty() {
                labels.push(format!("sm_req::{state}"));
            }
            if state != "new_request" || rng.chance(30) {
                labels.push(team.to_string());
            }
            if !matches!(state, "new_request" | "triage" | "") {
                labels.push(format!("p::{}", rng.pick(&["1", "2", "2", "3", "3", "?"])));
                if rng.chance(85) {
                    labels.push(format!("dod::{}", rng.pick(&["Y", "Y", "N"])));
                }
                if rng.chance(85) {
                    labels.push(format!("eteam::{}", rng.pick(&["N", "N", "N", "Y"])));
                }
                labels.push(format!("ucase::{use_case}"));
            }
            if project_slot == 2 {
                labels.push(SUBGROUP_LABEL.to_string());
            }
            labels.sort();
            let closed = matches!(state, "completed" | "transfered" | "declined");
            let assignees: Vec<Value> = if matches!(state, "assigned" | "completed") {
                vec![user(rng.below(6) as usize)]
            } else {
                Vec::new()
            };
            let milestone = match state {
                "backlog" => milestone("SM_Backlog"),
                "assigned" => milestone("FY27-Q4"),
                "completed" => milestone("FY27-Q3"),
                _ => Value::Null,
            };
            let due: Option<NaiveDate> = (!closed && rng.chance(40))
                .then(|| anchor.date_naive() + Duration::days(rng.below(60) as i64 - 15));
            json!({
                "id": 100_000 + n as i64,
                "iid": iid,
                "project_id": project_id,
                "title": title,
                "description": format!(
                    "## What is being requested?\n\n{title}.\n\n## Definition of done\n\n- [ ] Draft\n- [ ] Review\n"
                ),
                "state": if closed { "closed" } else { "opened" },
                "created_at": timestamp(created),
                "updated_at": timestamp(updated),
                "closed_at": if closed { Value::String(timestamp(updated)) } else { Value::Null },
                "labels": labels,
                "milestone": milestone,
                "assignees": assignees,
                "author": user(6 + rng.below(4) as usize),
                "due_date": due.map(|d| d.to_string()),
                "web_url": format!("{HOST}/{GROUP}/{project}/-/issues/{iid}"),
                "references": {
                    "short": format!("#{iid}"),
                    "relative": format!("#{iid}"),
                    "full": format!("{GROUP}/{project}#{iid}")
                },
                "user_notes_count": rng.below(10),
                "type": "ISSUE",
                // A few requests are confidential, as on the real board.
                "confidential": n % 23 == 7
            })
    })
}

/// The anchor the generator uses by default: a fixed instant, so `--seed` reproduces data.
pub fn default_anchor() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire;

    #[test]
    fn the_same_seed_gives_the_same_requests() {
        let a = generate(50, 7, default_anchor());
        let b = generate(50, 7, default_anchor());
        let c = generate(50, 8, default_anchor());
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn generated_requests_parse_as_gitlab_issues_with_unique_references() {
        let issues = generate(500, 1, default_anchor());
        let mut refs = std::collections::HashSet::new();
        for value in &issues {
            let issue: wire::Issue = serde_json::from_value(value.clone()).unwrap();
            assert!(refs.insert(issue.references.unwrap().full));
        }
        assert_eq!(refs.len(), 500);
    }
}
