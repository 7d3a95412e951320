//! Quick actions in a comment, as GitLab runs them when a note is created: the command lines are
//! taken out of the note and applied to the issue. The fake knows `/duplicate <reference>`:
//! the issue is closed, and each side gets a system note ("marked this issue as a duplicate of
//! #41", "marked #42 as a duplicate of this issue"). A comment made of commands only is not
//! kept as a note: GitLab answers 202 with what the commands did (`Entities::NoteCommands`).

use serde_json::{Value, json};

use crate::fake_gitlab::model::{IssueUpdate, Model};

/// What running a comment's quick actions did.
pub struct Applied {
    /// The comment without its command lines (trimmed).
    pub remaining: String,
    /// GitLab's `summary` lines ("Closed this issue. Marked this issue as a duplicate of #41.").
    pub summary: Vec<String>,
    /// GitLab's `commands_changes`.
    pub changes: Value,
}

/// `#41` within the issue's project, or `group/project#41`: the global id of the issue named.
fn resolve(model: &Model, project_id: i64, reference: &str) -> Option<i64> {
    let (path, iid) = reference.trim().rsplit_once('#')?;
    let iid: i64 = iid.parse().ok()?;
    let project = if path.is_empty() {
        project_id
    } else {
        model.project(path)?.id
    };
    model.issue_id(project, iid)
}

/// The reference of `issue_id` as seen from `from_project` (`#41`, else its full form).
fn reference_from(model: &Model, issue_id: i64, from_project: i64) -> String {
    let issue = model.issues[&issue_id].value();
    if issue["project_id"].as_i64() == Some(from_project) {
        format!("#{}", issue["iid"])
    } else {
        issue["references"]["full"]
            .as_str()
            .map_or_else(|| format!("#{}", issue["iid"]), str::to_string)
    }
}

/// Runs the quick actions of `text`, a comment on `issue_id`.
pub fn apply(model: &mut Model, issue_id: i64, text: &str) -> Applied {
    let project_id = model.issues[&issue_id].facts().project_id;
    let mut remaining = Vec::new();
    let mut summary = Vec::new();
    let mut changes = serde_json::Map::new();
    for line in text.lines() {
        let original = line
            .trim()
            .strip_prefix("/duplicate ")
            .and_then(|reference| resolve(model, project_id, reference))
            .filter(|original| *original != issue_id);
        let Some(original) = original else {
            remaining.push(line);
            continue;
        };
        let close = IssueUpdate {
            state_event: Some("close".into()),
            ..IssueUpdate::default()
        };
        // An already closed issue stays closed; the duplicate mark is made either way.
        let _ = model.update_issue(issue_id, &close);
        let named = reference_from(model, original, project_id);
        let back = reference_from(model, issue_id, model.issues[&original].facts().project_id);
        model.add_note(
            issue_id,
            format!("marked this issue as a duplicate of {named}"),
            true,
        );
        model.add_note(
            original,
            format!("marked {back} as a duplicate of this issue"),
            true,
        );
        summary.push(format!(
            "Closed this issue. Marked this issue as a duplicate of {named}."
        ));
        changes.insert("state_event".into(), json!("close"));
        changes.insert("canonical_issue_id".into(), json!(original));
    }
    Applied {
        remaining: remaining.join("\n").trim().to_string(),
        summary,
        changes: Value::Object(changes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_closes_marks_both_sides_and_leaves_the_rest_of_the_comment() {
        let issues =
            crate::demo::generate::generate(30, 2, crate::demo::generate::default_anchor());
        let mut model = Model::new(issues, Vec::new());
        let open: Vec<(i64, i64)> = model
            .issues
            .iter()
            .map(|(id, i)| (*id, i.value()))
            .filter(|(_, i)| i["state"] == "opened" && i["project_id"] == 201)
            .map(|(id, i)| (id, i["iid"].as_i64().unwrap()))
            .take(2)
            .collect();
        let [(dup, _), (original, original_iid)] = open[..] else {
            panic!("two open issues");
        };
        let applied = apply(
            &mut model,
            dup,
            &format!("Same ask.\n/duplicate #{original_iid}"),
        );
        assert_eq!(applied.remaining, "Same ask.");
        assert_eq!(applied.changes["state_event"], "close");
        assert_eq!(model.issues[&dup].value()["state"], "closed");
        assert_eq!(model.issues[&original].value()["state"], "opened");
        assert!(
            model
                .notes_of(original)
                .any(|n| n.system && n.body.contains("as a duplicate of this issue"))
        );
        // Commands only: nothing left to keep as a note. An unknown reference is plain text.
        assert!(
            apply(&mut model, dup, &format!("/duplicate #{original_iid}"))
                .remaining
                .is_empty()
        );
        let unknown = apply(&mut model, original, "/duplicate #999999");
        assert_eq!(unknown.remaining, "/duplicate #999999");
        assert!(unknown.summary.is_empty());
    }
}
