//! Builds the options of each picker from the state (pure; the current value is marked).

use crate::app::state::{AppState, Card, PickOption, PickPurpose, PickValue, Picker};
use crate::workflow::issue::current_quarter_candidates;
use crate::workflow::labels::values_of;
use crate::workflow::{Placement, UserRef};

fn picker(title: String, purpose: PickPurpose, card: &Card, options: Vec<PickOption>) -> Picker {
    // A suggested value (the field is empty) goes first; else the current one.
    let cursor = options
        .iter()
        .position(|o| o.detail.starts_with(SUGGESTED))
        .or_else(|| options.iter().position(|o| o.current))
        .unwrap_or(0);
    Picker {
        title,
        purpose,
        issue_id: card.record.id,
        options,
        query: Default::default(),
        cursor,
    }
}

/// How a suggested option's detail starts.
const SUGGESTED: &str = "suggested";

/// Marks the option holding the value the history suggests for learn field `field`, when the
/// card's field is empty.
fn mark_suggested(
    state: &AppState,
    card: &Card,
    field: usize,
    options: &mut [PickOption],
    value_of: impl Fn(&PickValue) -> Option<&str>,
) {
    let suggestions = state.suggestions_for(card);
    let Some(suggestion) = suggestions.iter().find(|s| s.field == field) else {
        return;
    };
    if let Some(option) = options
        .iter_mut()
        .find(|o| value_of(&o.value) == Some(suggestion.value.as_str()))
    {
        option.detail = format!(
            "{SUGGESTED} {}%",
            crate::learn::shown_percent(suggestion.confidence)
        );
    }
}

/// Every state, the card's own marked.
pub fn states(state: &AppState, card: &Card) -> Picker {
    let options = state
        .workflow
        .states
        .iter()
        .enumerate()
        .map(|(i, s)| PickOption {
            label: s.title(),
            detail: if s.closed {
                "closes the issue".into()
            } else {
                String::new()
            },
            current: card.class.placement == Placement::State(i),
            value: PickValue::State(i),
        })
        .collect();
    picker(
        format!("Move {} to", card.short_ref()),
        PickPurpose::Edit,
        card,
        options,
    )
}

/// The values of scoped field number `field`, plus "clear".
pub fn field(state: &AppState, card: &Card, field: usize) -> Option<Picker> {
    let def = state.workflow.fields.all().get(field).copied()?;
    let held = values_of(&card.record.facts.labels, &def.key);
    let mut options: Vec<PickOption> = def
        .values
        .iter()
        .map(|v| PickOption {
            label: v.clone(),
            detail: def.label(v),
            current: held.contains(&v.as_str()),
            value: PickValue::Field(field, Some(v.clone())),
        })
        .collect();
    options.push(PickOption {
        label: "(clear)".into(),
        detail: format!("remove every {}:: label", def.key),
        current: held.is_empty(),
        value: PickValue::Field(field, None),
    });
    mark_suggested(state, card, field + 1, &mut options, |v| match v {
        PickValue::Field(_, Some(value)) => Some(value.as_str()),
        _ => None,
    });
    Some(picker(
        format!("{} for {}", def.title, card.short_ref()),
        PickPurpose::Edit,
        card,
        options,
    ))
}

/// The look-alikes of a new or triaged request, to close it as a duplicate of one.
pub fn duplicates(state: &AppState, card: &Card) -> Option<Picker> {
    let alikes = state.look_alikes(card);
    if alikes.is_empty() {
        return None;
    }
    let options = alikes
        .iter()
        .map(|a| PickOption {
            label: format!("{} {}", a.reference, a.title),
            detail: format!("{} {:.2}", a.state, a.score),
            current: false,
            value: PickValue::DuplicateOf(a.full_reference.to_string()),
        })
        .collect();
    Some(picker(
        format!("Close {} as a duplicate of", card.short_ref()),
        PickPurpose::Edit,
        card,
        options,
    ))
}

/// The team labels.
pub fn teams(state: &AppState, card: &Card, purpose: PickPurpose, why: &str) -> Picker {
    let mut options: Vec<PickOption> = state
        .workflow
        .teams
        .iter()
        .map(|t| PickOption {
            label: t.clone(),
            detail: String::new(),
            current: crate::workflow::labels::has(&card.record.facts.labels, t),
            value: PickValue::Team(t.clone()),
        })
        .collect();
    mark_suggested(state, card, 0, &mut options, |v| match v {
        PickValue::Team(team) => Some(team.as_str()),
        _ => None,
    });
    picker(
        format!("Team for {}{why}", card.short_ref()),
        purpose,
        card,
        options,
    )
}

/// Members, or for a move only real people (no "unassigned").
pub fn assignees(state: &AppState, card: &Card, purpose: PickPurpose, why: &str) -> Picker {
    let assigned: Vec<&str> = card
        .record
        .facts
        .assignees
        .iter()
        .map(|u| u.username.as_str())
        .collect();
    let mut options: Vec<PickOption> = state
        .members
        .iter()
        .map(|m| PickOption {
            label: format!("@{}", m.username),
            detail: m.name.clone(),
            current: assigned.contains(&m.username.as_str()),
            value: PickValue::Assignee(Some(UserRef {
                id: m.id,
                username: m.username.clone(),
                name: m.name.clone(),
            })),
        })
        .collect();
    if purpose == PickPurpose::Edit {
        options.push(PickOption {
            label: "(unassigned)".into(),
            detail: String::new(),
            current: assigned.is_empty(),
            value: PickValue::Assignee(None),
        });
    }
    picker(
        format!("Assignee for {}{why}", card.short_ref()),
        purpose,
        card,
        options,
    )
}

/// Milestones: active ones (the current quarter's marked in the detail), then "none".
pub fn milestones(state: &AppState, card: &Card) -> Picker {
    let covering: Vec<i64> = current_quarter_candidates(&state.milestones, state.today)
        .iter()
        .map(|m| m.id)
        .collect();
    let held = card.record.facts.milestone.as_ref().map(|m| m.id);
    let mut options: Vec<PickOption> = state
        .milestones
        .iter()
        .filter(|m| m.active || Some(m.id) == held)
        .map(|m| PickOption {
            label: m.title.clone(),
            detail: milestone_detail(m, covering.contains(&m.id)),
            current: Some(m.id) == held,
            value: PickValue::Milestone(Some(m.clone())),
        })
        .collect();
    options.push(PickOption {
        label: "(none)".into(),
        detail: "remove the milestone".into(),
        current: held.is_none(),
        value: PickValue::Milestone(None),
    });
    let mut p = picker(
        format!("Milestone for {}", card.short_ref()),
        PickPurpose::Edit,
        card,
        options,
    );
    if held.is_none()
        && let Some(pos) = p.options.iter().position(
            |o| matches!(&o.value, PickValue::Milestone(Some(m)) if covering.contains(&m.id)),
        )
    {
        p.cursor = pos;
    }
    p
}

/// The candidates a move's milestone question offers.
pub fn move_milestones(
    card: &Card,
    candidates: &[crate::workflow::MilestoneInfo],
    reason: &str,
) -> Picker {
    let mut options: Vec<PickOption> = candidates
        .iter()
        .map(|m| PickOption {
            label: m.title.clone(),
            detail: milestone_detail(m, false),
            current: false,
            value: PickValue::Milestone(Some(m.clone())),
        })
        .collect();
    options.push(PickOption {
        label: "(leave the milestone as it is)".into(),
        detail: String::new(),
        current: false,
        value: PickValue::Milestone(None),
    });
    picker(
        format!("Milestone for {}: {reason}", card.short_ref()),
        PickPurpose::MoveAnswer,
        card,
        options,
    )
}

fn milestone_detail(m: &crate::workflow::MilestoneInfo, current_quarter: bool) -> String {
    let dates = match (m.start_date, m.due_date) {
        (Some(s), Some(d)) => format!("{s} .. {d}"),
        (None, Some(d)) => format!("due {d}"),
        _ => String::new(),
    };
    match (current_quarter, m.active) {
        (true, _) => format!("{dates}  current quarter"),
        (false, false) => format!("{dates}  closed"),
        _ => dates,
    }
}
