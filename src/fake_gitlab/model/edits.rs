//! Editing an issue as GitLab's `PUT /issues/:iid` does: label deltas (scoped labels exclusive),
//! state events, milestone, assignees, due date, title and description, each label change
//! recorded as an event.

use serde_json::{Value, json};

use crate::fake_gitlab::model::{LabelEvent, Model, Owner, ScopedLabels, api_user, timestamp};
use crate::fake_gitlab::stored::StoredIssue;

impl Model {
    /// Applies an update the way GitLab does and returns the issue. Errors are (status, body).
    pub fn update_issue(
        &mut self,
        issue_id: i64,
        update: &IssueUpdate,
    ) -> Result<Value, (u16, Value)> {
        let Some(before) = self.issues.get(&issue_id).map(StoredIssue::value) else {
            return Err((404, json!({"message": "404 Issue Not Found"})));
        };
        if let Some(m) = update.milestone_id.flatten()
            && !self.milestones.contains_key(&m)
        {
            return Err((404, json!({"message": "404 Milestone Not Found"})));
        }
        let old_labels: Vec<String> = before["labels"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l.as_str().map(str::to_string))
            .collect();
        // Start from the current labels (or `labels`), add, then remove.
        let mut labels = update.labels.clone().unwrap_or_else(|| old_labels.clone());
        for name in &update.add_labels {
            let known = self.labels.contains_key(name);
            if !known && !self.create_unknown_labels {
                continue; // GitLab drops labels it may not create, silently.
            }
            self.ensure_label(name);
            if !known && let Some(project) = before["project_id"].as_i64() {
                // A label GitLab creates on the fly is the project's own.
                self.label_owners
                    .insert(name.clone(), Owner::Project(project));
                if let Some(label) = self.labels.get_mut(name) {
                    label["is_project_label"] = json!(true);
                }
            }
            if self.scoped == ScopedLabels::Exclusive
                && let Some(key) = scoped_key(name)
            {
                labels.retain(|l| l == name || scoped_key(l) != Some(key));
            }
            if !labels.contains(name) {
                labels.push(name.clone());
            }
        }
        labels.retain(|l| !update.remove_labels.contains(l));
        labels.sort();
        labels.dedup();
        let now = self.tick();
        let mut issue = before.clone();
        for added in labels.iter().filter(|l| !old_labels.contains(l)) {
            let id = self.next_id();
            let interned = self.intern(added);
            self.push_event(LabelEvent {
                id,
                issue_id,
                label: interned,
                add: true,
                user_id: 1,
                created_at: now,
            });
        }
        for removed in old_labels.iter().filter(|l| !labels.contains(l)) {
            let id = self.next_id();
            let interned = self.intern(removed);
            self.push_event(LabelEvent {
                id,
                issue_id,
                label: interned,
                add: false,
                user_id: 1,
                created_at: now,
            });
        }
        issue["labels"] = json!(labels);
        match update.state_event.as_deref() {
            Some("close") if issue["state"] == "opened" => {
                issue["state"] = json!("closed");
                issue["closed_at"] = json!(timestamp(now));
                issue["closed_by"] = api_user();
            }
            Some("reopen") if issue["state"] == "closed" => {
                issue["state"] = json!("opened");
                issue["closed_at"] = Value::Null;
                issue["closed_by"] = Value::Null;
            }
            _ => {}
        }
        if let Some(milestone) = update.milestone_id {
            issue["milestone"] = milestone
                .and_then(|m| self.milestones.get(&m).cloned())
                .unwrap_or(Value::Null);
        }
        if let Some(ids) = &update.assignee_ids {
            let users: Vec<Value> = ids
                .iter()
                .filter_map(|id| self.members.get(id).cloned())
                .collect();
            issue["assignee"] = users.first().cloned().unwrap_or(Value::Null);
            issue["assignees"] = json!(users);
        }
        if let Some(due) = &update.due_date {
            issue["due_date"] = due.clone().map_or(Value::Null, Value::String);
        }
        if let Some(title) = &update.title {
            issue["title"] = json!(title);
        }
        if let Some(description) = &update.description {
            issue["description"] = json!(description);
        }
        issue["updated_at"] = json!(timestamp(now));
        self.store_issue(issue_id, &issue);
        Ok(issue)
    }
}

/// An issue edit as GitLab's `PUT /issues/:iid` takes it.
#[derive(Debug, Default, Clone)]
pub struct IssueUpdate {
    pub labels: Option<Vec<String>>,
    pub add_labels: Vec<String>,
    pub remove_labels: Vec<String>,
    pub state_event: Option<String>,
    pub milestone_id: Option<Option<i64>>,
    pub assignee_ids: Option<Vec<i64>>,
    pub due_date: Option<Option<String>>,
    pub title: Option<String>,
    pub description: Option<String>,
}

impl IssueUpdate {
    pub fn is_empty(&self) -> bool {
        self.labels.is_none()
            && self.add_labels.is_empty()
            && self.remove_labels.is_empty()
            && self.state_event.is_none()
            && self.milestone_id.is_none()
            && self.assignee_ids.is_none()
            && self.due_date.is_none()
            && self.title.is_none()
            && self.description.is_none()
    }
}

fn scoped_key(label: &str) -> Option<&str> {
    label
        .rfind("::")
        .map(|at| &label[..at])
        .filter(|k| !k.is_empty())
}
