//! Pushing the outbox: each edit as label deltas (`add_labels`/`remove_labels`), checked against
//! GitLab's answer, with the conflict rule deciding over edits GitLab changed meanwhile.

use serde_json::{Value, json};

use crate::gitlab::{ApiError, Client};
use crate::store::convert;
use crate::store::{self, OutboxEntry, Store};
use crate::sync::conflict::{conflicts, field_conflicts, force};
use crate::sync::target::{Progress, SyncError, SyncReport, archived_project, parse_issue};
use crate::workflow::edit::{Change, StateEvent};
use crate::workflow::labels::has;
use crate::workflow::{IssueEdit, IssueFacts, Workflow};

/// How long a push waits for another process pushing from the same cache.
pub const PUSH_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

fn issue_path(record: &store::IssueRecord) -> String {
    format!("/projects/{}/issues/{}", record.project_id, record.iid)
}

/// The `PUT` body for an edit: label deltas, never the full label set.
pub fn put_body(edit: &IssueEdit) -> Value {
    let mut body = serde_json::Map::new();
    if !edit.labels.add.is_empty() {
        body.insert("add_labels".into(), json!(edit.labels.add.join(",")));
    }
    if !edit.labels.remove.is_empty() {
        body.insert("remove_labels".into(), json!(edit.labels.remove.join(",")));
    }
    match edit.state_event {
        Some(StateEvent::Close) => {
            body.insert("state_event".into(), json!("close"));
        }
        Some(StateEvent::Reopen) => {
            body.insert("state_event".into(), json!("reopen"));
        }
        None => {}
    }
    match &edit.milestone {
        Some(Change::Set(m)) => {
            body.insert("milestone_id".into(), json!(m.id));
        }
        Some(Change::Clear) => {
            body.insert("milestone_id".into(), json!(0));
        }
        None => {}
    }
    if let Some(assignees) = &edit.assignees {
        let ids: Vec<i64> = if assignees.is_empty() {
            vec![0]
        } else {
            assignees.iter().map(|u| u.id).collect()
        };
        body.insert("assignee_ids".into(), json!(ids));
    }
    match &edit.due_date {
        Some(Change::Set(d)) => {
            body.insert("due_date".into(), json!(d.to_string()));
        }
        Some(Change::Clear) => {
            body.insert("due_date".into(), Value::Null);
        }
        None => {}
    }
    Value::Object(body)
}

/// `sync_state` key: how this GitLab takes label changes (`full_set` once it was seen to ignore
/// `add_labels`/`remove_labels`).
pub const LABELS_API: &str = "labels_api";
const FULL_SET: &str = "full_set";

fn convert_answer(answer: &Value) -> Result<IssueFacts, ApiError> {
    Ok(convert::issue_record(&parse_issue(answer)?).facts)
}

/// The edit asked to remove labels the issue had, and GitLab changed none of its labels: it
/// does not know `add_labels`/`remove_labels` (unknown parameters are ignored).
fn labels_untouched(edit: &IssueEdit, before: &IssueFacts, after: &IssueFacts) -> bool {
    let removes_present = edit.labels.remove.iter().any(|l| has(&before.labels, l));
    removes_present && before.labels == after.labels
}

/// The body with the label deltas replaced by the whole resulting set (`labels`), for a GitLab
/// without `add_labels`: the issue's labels as just read, plus the adds, minus the removes.
fn with_full_label_set(mut body: Value, edit: &IssueEdit, remote: &IssueFacts) -> Value {
    if edit.labels.add.is_empty() && edit.labels.remove.is_empty() {
        return body;
    }
    let mut labels: Vec<&str> = remote
        .labels
        .iter()
        .map(|l| l.as_str())
        .filter(|l| !has(&edit.labels.remove, l))
        .collect();
    for add in &edit.labels.add {
        if !labels.contains(&add.as_str()) {
            labels.push(add);
        }
    }
    if let Some(map) = body.as_object_mut() {
        map.remove("add_labels");
        map.remove("remove_labels");
        map.insert("labels".into(), json!(labels.join(",")));
    }
    body
}

/// What GitLab did not do of what it was asked (a label silently dropped, ...).
pub fn shortfall(edit: &IssueEdit, answer: &IssueFacts) -> Option<String> {
    let mut missing = Vec::new();
    for label in edit.labels.add.iter().filter(|l| !has(&answer.labels, l)) {
        missing.push(format!(
            "did not add ~{label} (it does not exist and this token may not create labels)"
        ));
    }
    for label in edit.labels.remove.iter().filter(|l| has(&answer.labels, l)) {
        missing.push(format!("did not remove ~{label}"));
    }
    match edit.state_event {
        Some(StateEvent::Close) if answer.open => missing.push("did not close the issue".into()),
        Some(StateEvent::Reopen) if !answer.open => missing.push("did not reopen the issue".into()),
        _ => {}
    }
    if let Some(Change::Set(m)) = &edit.milestone
        && answer.milestone.as_ref().map(|a| a.id) != Some(m.id)
    {
        missing.push(format!("did not set milestone {}", m.title));
    }
    (!missing.is_empty()).then(|| format!("GitLab {}", missing.join("; ")))
}

/// Pushes every pending edit in order. Stops at the first sign of being offline.
pub async fn push(
    client: &Client,
    store: &Store,
    wf: &Workflow,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), SyncError> {
    // One pusher per cache; the entries are read only once the lock is ours, so none is sent
    // twice and none is replayed after a newer one.
    let Some(_lock) = store.push_lock(PUSH_LOCK_WAIT)? else {
        tracing::info!("another process is pushing from this cache");
        report.push_busy = true;
        return Ok(());
    };
    let entries = store::pending_entries(store.conn())?;
    let total = entries.len();
    for (done, entry) in entries.into_iter().enumerate() {
        progress(Progress::Pushing { done, total });
        let pushed = match &entry.comment {
            Some(comment) => push_comment(client, store, &entry, comment, report).await,
            None => push_one(client, store, wf, &entry, report).await,
        };
        match pushed {
            Ok(()) => {}
            Err(SyncError::Api(err)) if err.is_transient() => {
                store::note_attempt(store.conn(), entry.seq, &err.to_string())?;
                report.hold_back(&err);
                return Ok(());
            }
            // Not this edit's fault: stop the pass, keep every edit queued.
            Err(SyncError::Api(
                err @ (ApiError::Unauthorized { .. } | ApiError::Tls { .. } | ApiError::Config(_)),
            )) => return Err(err.into()),
            Err(SyncError::Api(err)) => {
                let record = store::load_issue(store.conn(), entry.issue_id);
                let reference = record
                    .as_ref()
                    .map(|r| r.reference.clone())
                    .unwrap_or_else(|_| format!("issue {}", entry.issue_id));
                // A 403 on an archived project is not a token problem: say which it is.
                let err = match (&err, &record) {
                    (ApiError::Forbidden { .. }, Ok(record)) => {
                        match archived_project(client, record.project_id).await {
                            Some(project) => ApiError::Archived { project },
                            None => err,
                        }
                    }
                    _ => err,
                };
                store::mark_failed(store.conn(), entry.seq, &err.to_string())?;
                report
                    .failed
                    .push(format!("{reference}: {}: {err}", entry.edit.summary));
            }
            Err(other) => return Err(other),
        }
    }
    progress(Progress::Pushing { done: total, total });
    Ok(())
}

/// Posts a queued comment exactly once. The attempt is recorded before the POST; when an
/// earlier attempt exists (its answer may have been lost in a crash or a dropped connection),
/// the issue's notes are searched for the comment's marker first.
async fn push_comment(
    client: &Client,
    store: &Store,
    entry: &OutboxEntry,
    comment: &store::QueuedComment,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let record = store::load_issue(store.conn(), entry.issue_id)?;
    let path = format!("{}/notes", issue_path(&record));
    if entry.attempts > 0 {
        let mut posted = false;
        client
            .each_page(
                &path,
                &[("sort", "desc".into()), ("order_by", "created_at".into())],
                |page| -> Result<(), SyncError> {
                    posted |= page.iter().any(|note| {
                        note["body"]
                            .as_str()
                            .is_some_and(|b| b.contains(&comment.marker))
                    });
                    Ok(())
                },
            )
            .await?;
        if posted {
            store::mark_done(store.conn(), entry.seq)?;
            report.pushed += 1;
            return Ok(());
        }
    }
    store::note_attempt(store.conn(), entry.seq, "posting the comment")?;
    let body = format!("{}\n\n<!-- {} -->", comment.body.trim_end(), comment.marker);
    client.post(&path, &json!({ "body": body })).await?;
    store::mark_done(store.conn(), entry.seq)?;
    report.pushed += 1;
    Ok(())
}

async fn push_one(
    client: &Client,
    store: &Store,
    wf: &Workflow,
    entry: &OutboxEntry,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let record = store::load_issue(store.conn(), entry.issue_id)?;
    let path = issue_path(&record);
    // Read the issue as it is now: the conflict check needs GitLab's current labels.
    let current = client.get(&path, &[]).await?;
    let remote = parse_issue(&current)?;
    let remote_facts = convert::issue_record(&remote).facts;
    let edit = if entry.force {
        force(wf, &entry.edit, &remote_facts)
    } else {
        let mut found = conflicts(wf, &entry.edit, &remote_facts);
        if let Some(base) = &entry.base {
            found.extend(field_conflicts(&entry.edit, base, &remote_facts));
        }
        if !found.is_empty() {
            let why = found
                .iter()
                .map(|c| c.describe())
                .collect::<Vec<_>>()
                .join("; ");
            store::mark_conflict(
                store.conn(),
                entry.seq,
                &why,
                &remote,
                &current.to_string(),
                &wf.state_key,
            )?;
            report
                .conflicts
                .push(format!("{}: {why}", record.reference));
            return Ok(());
        }
        entry.edit.clone()
    };
    let full_set = store::get_state(store.conn(), LABELS_API)?.as_deref() == Some(FULL_SET);
    let body = if full_set {
        with_full_label_set(put_body(&edit), &edit, &remote_facts)
    } else {
        put_body(&edit)
    };
    let (answer, raw) = if body.as_object().is_some_and(|b| b.is_empty()) {
        (remote, current.to_string())
    } else {
        let sent = client.put(&path, &body).await;
        let deltas_ignored = match &sent {
            // Only unknown fields sent: GitLab says none of the ones it knows was given.
            Err(ApiError::Rejected {
                status: 400,
                message,
            }) => message.contains("at least one parameter") && !message.contains("add_labels"),
            Ok(answer) => {
                !full_set && labels_untouched(&edit, &remote_facts, &convert_answer(answer)?)
            }
            Err(_) => false,
        };
        let answer = if deltas_ignored && !full_set {
            // A GitLab older than add_labels/remove_labels: from now on send the whole set,
            // computed from the issue as just read (the conflict rule has run on it).
            tracing::warn!("GitLab ignores add_labels/remove_labels: sending full label sets");
            store::set_state(store.conn(), LABELS_API, FULL_SET)?;
            client
                .put(
                    &path,
                    &with_full_label_set(put_body(&edit), &edit, &remote_facts),
                )
                .await?
        } else {
            sent?
        };
        (parse_issue(&answer)?, answer.to_string())
    };
    let missing = shortfall(&edit, &convert::issue_record(&answer).facts);
    if let Some(why) = &missing {
        report
            .failed
            .push(format!("{}: {}: {why}", record.reference, edit.summary));
    } else {
        report.pushed += 1;
    }
    store::apply_push_result(
        store.conn(),
        entry.seq,
        &answer,
        &raw,
        missing.as_deref(),
        &wf.state_key,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::edit::{set_assignees, set_due_date, set_field, set_milestone};
    use crate::workflow::{MilestoneRef, UserRef};

    fn facts(labels: &[&str]) -> IssueFacts {
        IssueFacts {
            labels: labels
                .iter()
                .map(|s| crate::workflow::Label::from(*s))
                .collect(),
            open: true,
            ..IssueFacts::default()
        }
    }

    #[test]
    fn a_label_edit_is_sent_as_deltas_only() {
        let edit = set_field(
            &facts(&["p::3", "x"]),
            &Workflow::default().fields.priority,
            "1",
        );
        assert_eq!(
            put_body(&edit),
            json!({"add_labels": "p::1", "remove_labels": "p::3"})
        );
    }

    #[test]
    fn clearing_fields_uses_gitlab_s_unset_values() {
        assert_eq!(put_body(&set_milestone(None)), json!({"milestone_id": 0}));
        assert_eq!(
            put_body(&set_assignees(vec![])),
            json!({"assignee_ids": [0]})
        );
        assert_eq!(put_body(&set_due_date(None)), json!({"due_date": null}));
        let m = MilestoneRef {
            id: 7,
            title: "Q".into(),
        };
        assert_eq!(
            put_body(&set_milestone(Some(m))),
            json!({"milestone_id": 7})
        );
        let u = UserRef {
            id: 3,
            username: "a".into(),
            name: String::new(),
        };
        assert_eq!(
            put_body(&set_assignees(vec![u])),
            json!({"assignee_ids": [3]})
        );
    }

    #[test]
    fn a_dropped_label_is_a_shortfall() {
        let edit = set_field(&facts(&["p::3"]), &Workflow::default().fields.priority, "1");
        assert_eq!(shortfall(&edit, &facts(&["p::1"])), None);
        let why = shortfall(&edit, &facts(&[])).unwrap();
        assert!(why.contains("did not add ~p::1"), "{why}");
    }
}
