//! The one place where GitLab's wire types become the cache's records.

use crate::store::IssueRecord;
use crate::wire;
use crate::workflow::{IssueFacts, MilestoneInfo, MilestoneRef, UserRef};

/// The full reference `group/project#iid`, from `references` or, for older servers, the URL.
pub fn full_reference(issue: &wire::Issue) -> String {
    if let Some(refs) = &issue.references {
        return refs.full.clone();
    }
    let path = issue
        .web_url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(_, path)| path)
        .and_then(|path| path.split_once("/-/issues/"))
        .map(|(project, _)| project.to_string())
        .unwrap_or_default();
    format!("{path}#{}", issue.iid)
}

pub fn user_ref(user: &wire::User) -> UserRef {
    UserRef {
        id: user.id,
        username: user.username.clone(),
        name: user.name.clone(),
    }
}

pub fn milestone_info(m: &wire::Milestone) -> MilestoneInfo {
    MilestoneInfo {
        id: m.id,
        title: m.title.clone(),
        active: m.state.as_deref() != Some("closed"),
        start_date: m.start_date,
        due_date: m.due_date,
    }
}

/// The cached row for an issue (the raw JSON and description are stored beside it).
pub fn issue_record(issue: &wire::Issue) -> IssueRecord {
    let mut labels: Vec<crate::workflow::Label> =
        issue.labels.iter().map(|l| l.name().into()).collect();
    labels.sort();
    IssueRecord {
        id: issue.id,
        iid: issue.iid,
        project_id: issue.project_id,
        reference: full_reference(issue),
        title: issue.title.clone(),
        facts: IssueFacts {
            labels: labels.into(),
            open: issue.state != "closed",
            milestone: issue.milestone.as_ref().map(|m| MilestoneRef {
                id: m.id,
                title: m.title.clone(),
            }),
            assignees: issue.assignees.iter().map(user_ref).collect(),
            due_date: issue.due_date,
        },
        author: issue.author.as_ref().map(|a| a.username.as_str().into()),
        created_at: issue.created_at,
        updated_at: issue.updated_at,
        closed_at: issue.closed_at,
        web_url: issue.web_url.as_str().into(),
        state_since: None,
        confidential: issue.confidential,
    }
}
