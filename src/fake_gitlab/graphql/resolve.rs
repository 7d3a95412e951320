//! Running a validated query against the model. Work items are the model's issues; their
//! notes widget's `discussions` are what `Issuable::DiscussionsListService` gives on GitLab:
//! each note its own discussion, and label events merged in as synthetic `LabelNote`s (the
//! events one user made at one instant form one note, "added ~12 ~14 labels and removed ~9
//! label", labels referenced by id, a deleted one counted as "+ 1 deleted"), oldest first,
//! paged by discussion.

use std::collections::BTreeMap;

use graphql_parser::query::{Field, Selection, TypeCondition};
use serde_json::{Map, Value as Json, json};

use crate::fake_gitlab::graphql::check::{Operation, Set, arguments};
use crate::fake_gitlab::graphql::schema;
use crate::fake_gitlab::model::{LabelEvent, Model, Note, Project, timestamp};

/// One discussion of a work item.
#[derive(Clone)]
enum Entry {
    Note(Note),
    /// Label events made by one user at one instant, and the discussion's 40-hex id.
    Labels {
        events: Vec<LabelEvent>,
        key: String,
    },
}

impl Entry {
    fn created_ms(&self) -> i64 {
        match self {
            Entry::Note(n) => n.created_at.timestamp_millis(),
            Entry::Labels { events, .. } => events
                .first()
                .map_or(0, |e| e.created_at.timestamp_millis()),
        }
    }
}

/// A value being resolved: which object of which type.
#[derive(Clone)]
enum Node<'m> {
    Query,
    Project(&'m Project),
    WorkItems(Page<i64>),
    WorkItem(i64),
    Widget(&'static str, i64),
    Discussions(Page<Entry>),
    Discussion(Entry),
    Notes(Entry),
    Note(Entry),
    User(i64),
    Meta(&'static str),
    PageInfo { has_next: bool, end: Option<String> },
}

impl Node<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            Node::Query => "Query",
            Node::Project(_) => "Project",
            Node::WorkItems(_) => "WorkItemConnection",
            Node::WorkItem(_) => "WorkItem",
            Node::Widget(kind, _) => kind,
            Node::Discussions(_) => "DiscussionConnection",
            Node::Discussion(_) => "Discussion",
            Node::Notes(_) => "NoteConnection",
            Node::Note(_) => "Note",
            Node::User(_) => "UserCore",
            Node::Meta(_) => "SystemNoteMetadata",
            Node::PageInfo { .. } => "PageInfo",
        }
    }
}

/// One page of a connection.
#[derive(Clone)]
struct Page<T> {
    items: Vec<T>,
    total: usize,
    has_next: bool,
    end: Option<String>,
}

/// What a field resolves to.
enum Out<'m> {
    Leaf(Json),
    One(Node<'m>),
    Many(Vec<Node<'m>>),
}

/// Cursors are opaque to clients; the fake's are an offset, checked when read back.
fn cursor(offset: usize) -> String {
    format!("ofs{offset:08x}")
}

fn read_cursor(text: &str) -> Option<usize> {
    usize::from_str_radix(text.strip_prefix("ofs")?, 16).ok()
}

/// `first`/`after` paging over `items` (`last`/`before` are not served).
fn page<T>(items: Vec<T>, args: &Map<String, Json>) -> Result<Page<T>, String> {
    if ["last", "before"].iter().any(|k| args.contains_key(*k)) {
        return Err("this fake pages forward only (first/after)".into());
    }
    let start = match args.get("after").and_then(Json::as_str) {
        Some(text) => read_cursor(text).ok_or("Please provide a valid cursor")?,
        None => 0,
    };
    let size = args
        .get("first")
        .and_then(Json::as_u64)
        .map_or(schema::MAX_PAGE_SIZE, |n| {
            usize::try_from(n).unwrap_or(usize::MAX)
        })
        .min(schema::MAX_PAGE_SIZE);
    let total = items.len();
    let end = start.saturating_add(size).min(total);
    let items: Vec<T> = items.into_iter().skip(start).take(size).collect();
    Ok(Page {
        has_next: end < total,
        end: (!items.is_empty()).then(|| cursor(end)),
        items,
        total,
    })
}

/// `~12` for a label that exists, `""` for one deleted since.
fn reference(model: &Model, label: &str) -> String {
    model
        .labels
        .get(label)
        .and_then(|l| l["id"].as_i64())
        .map_or(String::new(), |id| format!("~{id}"))
}

/// GitLab's `LabelNote` text for events of one discussion.
pub(super) fn label_note_body(model: &Model, events: &[LabelEvent]) -> String {
    let refs = |add: bool| {
        let mut refs: Vec<String> = Vec::new();
        for e in events.iter().filter(|e| e.add == add) {
            let r = reference(model, &e.label);
            if r.is_empty() || !refs.contains(&r) {
                refs.push(r);
            }
        }
        refs
    };
    let phrase = |prefix: &str, refs: Vec<String>| -> Option<String> {
        let mut existing: Vec<&String> = refs.iter().filter(|r| !r.is_empty()).collect();
        existing.sort();
        let deleted = refs.len() - existing.len();
        if existing.is_empty() && deleted == 0 {
            return None;
        }
        let mut list: Vec<String> = Vec::new();
        if !existing.is_empty() {
            list.push(
                existing
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        if deleted > 0 {
            list.push(format!("{deleted} deleted"));
        }
        let counted = if deleted > 0 { deleted } else { existing.len() };
        let noun = if counted == 1 { "label" } else { "labels" };
        Some(format!("{prefix} {} {noun}", list.join(" + ")))
    };
    [phrase("added", refs(true)), phrase("removed", refs(false))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" and ")
}

/// A well-spread 64-bit hash of a label discussion's key (splitmix64's finaliser).
fn mix(ms: i64, user: i64, issue: i64) -> u64 {
    let mut z = (ms as u64) ^ (user as u64).rotate_left(40) ^ (issue as u64).rotate_left(20);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A work item's discussions, oldest first, as `filter` selects them.
fn discussions(model: &Model, issue_id: i64, filter: &str) -> Vec<Entry> {
    let mut entries: Vec<Entry> = model
        .notes_of(issue_id)
        .filter(|n| match filter {
            "ONLY_COMMENTS" => !n.system,
            "ONLY_ACTIVITY" => n.system,
            _ => true,
        })
        .map(Entry::Note)
        .collect();
    if filter != "ONLY_COMMENTS" {
        let mut groups: BTreeMap<(i64, i64), Vec<LabelEvent>> = BTreeMap::new();
        for e in model.events_of(issue_id) {
            groups
                .entry((e.created_at.timestamp_millis(), e.user_id))
                .or_default()
                .push(e);
        }
        for ((ms, user), events) in groups {
            // GitLab's discussion ids are SHA-1 hashes: different for every discussion from
            // the first digit on.
            let key = format!(
                "{:016x}{:016x}{:08x}",
                mix(ms, user, issue_id),
                ms as u64,
                issue_id as u32
            );
            entries.push(Entry::Labels { events, key });
        }
    }
    entries.sort_by_key(Entry::created_ms);
    entries
}

pub struct Resolver<'m, 'o, 'q> {
    pub model: &'m Model,
    pub op: &'o Operation<'q>,
    /// No token: every project is private, so none is visible.
    pub anonymous: bool,
    pub errors: Vec<String>,
}

impl<'m> Resolver<'m, '_, '_> {
    /// The selection `set` on `node` as a JSON object.
    fn select(&mut self, node: &Node<'m>, set: &Set<'_>) -> Json {
        let mut out = Map::new();
        self.select_into(node, set, &mut out);
        Json::Object(out)
    }

    pub fn root(&mut self, set: &Set<'_>) -> Json {
        self.select(&Node::Query, set)
    }

    fn select_into(&mut self, node: &Node<'m>, set: &Set<'_>, out: &mut Map<String, Json>) {
        for item in &set.items {
            match item {
                Selection::Field(field) => {
                    let key = field.alias.unwrap_or(field.name).to_string();
                    let value = match self.resolve(node, field) {
                        Ok(Out::Leaf(value)) => value,
                        Ok(Out::One(child)) => self.select(&child, &field.selection_set),
                        Ok(Out::Many(children)) => Json::Array(
                            children
                                .iter()
                                .map(|c| self.select(c, &field.selection_set))
                                .collect(),
                        ),
                        Err(message) => {
                            self.errors.push(message);
                            Json::Null
                        }
                    };
                    out.insert(key, value);
                }
                Selection::InlineFragment(inline) => {
                    let applies = match &inline.type_condition {
                        Some(TypeCondition::On(cond)) => schema::applies(cond, node.type_name()),
                        None => true,
                    };
                    if applies {
                        self.select_into(node, &inline.selection_set, out);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = self.op.fragments.get(spread.fragment_name) {
                        let TypeCondition::On(cond) = fragment.type_condition;
                        if schema::applies(cond, node.type_name()) {
                            self.select_into(node, &fragment.selection_set, out);
                        }
                    }
                }
            }
        }
    }

    fn resolve<'a>(
        &mut self,
        node: &Node<'m>,
        field: &Field<'a, &'a str>,
    ) -> Result<Out<'m>, String> {
        let model = self.model;
        let args = arguments(field, self.op);
        let leaf = |v: Json| Ok(Out::Leaf(v));
        let one = |n: Node<'m>| Ok(Out::One(n));
        if field.name == "__typename" {
            return leaf(json!(node.type_name()));
        }
        match (node, field.name) {
            (Node::Query, "project") => {
                let path = args.get("fullPath").and_then(Json::as_str).unwrap_or("");
                match model
                    .projects
                    .iter()
                    .find(|p| p.path_with_namespace == path)
                {
                    Some(project) if !self.anonymous => one(Node::Project(project)),
                    _ => leaf(Json::Null),
                }
            }
            (Node::Query, "currentUser") if self.anonymous => leaf(Json::Null),
            (Node::Query, "currentUser") => one(Node::User(1)),
            (Node::Project(p), "id") => leaf(json!(format!("gid://gitlab/Project/{}", p.id))),
            (Node::Project(p), "fullPath") => leaf(json!(p.path_with_namespace)),
            (Node::Project(p), "name") => leaf(json!(p.path_with_namespace.rsplit('/').next())),
            (Node::Project(p), "workItems") => one(Node::WorkItems(self.work_items(p, &args)?)),
            (Node::WorkItems(page), "nodes") => Ok(Out::Many(
                page.items.iter().map(|&id| Node::WorkItem(id)).collect(),
            )),
            (Node::WorkItems(page), "count") => leaf(json!(page.total)),
            (Node::WorkItems(Page { has_next, end, .. }), "pageInfo")
            | (Node::Discussions(Page { has_next, end, .. }), "pageInfo") => one(Node::PageInfo {
                has_next: *has_next,
                end: end.clone(),
            }),
            (Node::PageInfo { has_next, .. }, "hasNextPage") => leaf(json!(has_next)),
            (Node::PageInfo { .. }, "hasPreviousPage") => leaf(json!(false)),
            (Node::PageInfo { end, .. }, "endCursor") => leaf(json!(end)),
            (Node::PageInfo { .. }, "startCursor") => leaf(Json::Null),
            (Node::WorkItem(id), name) => self.work_item(*id, name, &args),
            (Node::Widget(_, _), "type") => {
                let kind = node
                    .type_name()
                    .trim_start_matches("WorkItemWidget")
                    .to_uppercase();
                leaf(json!(kind))
            }
            (Node::Widget(_, _), "discussionLocked") => leaf(json!(false)),
            (Node::Widget(_, _), "allowsScopedLabels") => leaf(json!(true)),
            (Node::Widget(_, id), "description") => leaf(
                model
                    .issues
                    .get(id)
                    .map_or(Json::Null, |i| i.value()["description"].take()),
            ),
            (Node::Widget(_, id), "discussions") => {
                let filter = args
                    .get("filter")
                    .and_then(Json::as_str)
                    .unwrap_or("ALL_NOTES");
                if args.get("sort").and_then(Json::as_str) == Some("CREATED_DESC") {
                    return Err("this fake lists discussions oldest first only".into());
                }
                let entries = discussions(model, *id, filter);
                one(Node::Discussions(page(entries, &args)?))
            }
            (Node::Discussions(page), "nodes") => Ok(Out::Many(
                page.items.iter().cloned().map(Node::Discussion).collect(),
            )),
            (Node::Discussion(entry), "id") => leaf(json!(match entry {
                Entry::Note(n) => format!("gid://gitlab/Discussion/{:040x}", n.id),
                Entry::Labels { key, .. } => format!("gid://gitlab/Discussion/{key}"),
            })),
            (Node::Discussion(entry), "createdAt") => leaf(json!(timestamp_ms(entry.created_ms()))),
            (Node::Discussion(entry), "notes") => {
                page(vec![entry.clone()], &args)?;
                one(Node::Notes(entry.clone()))
            }
            (Node::Notes(entry), "nodes") => Ok(Out::Many(vec![Node::Note(entry.clone())])),
            (Node::Notes(_), "count") => leaf(json!(1)),
            (Node::Notes(_), "pageInfo") => one(Node::PageInfo {
                has_next: false,
                end: Some(cursor(1)),
            }),
            (Node::Note(entry), name) => self.note(entry, name),
            (Node::User(id), "id") => leaf(json!(format!("gid://gitlab/User/{id}"))),
            (Node::User(id), "username" | "name") => leaf(model.user(*id)[field.name].clone()),
            (Node::Meta(action), "action") => leaf(json!(action)),
            (Node::Meta(action), "id") => {
                leaf(json!(format!("gid://gitlab/SystemNoteMetadata/{action}")))
            }
            (node, name) => Err(format!(
                "Field '{name}' doesn't exist on type '{}'",
                node.type_name()
            )),
        }
    }

    fn work_items(&self, project: &Project, args: &Map<String, Json>) -> Result<Page<i64>, String> {
        let wanted: Option<Vec<i64>> = args
            .get("iids")
            .filter(|v| !v.is_null())
            .map(|v| match v {
                Json::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str()?.parse().ok())
                    .collect(),
                one => one
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .into_iter()
                    .collect(),
            })
            .or_else(|| {
                args.get("iid")
                    .and_then(Json::as_str)
                    .map(|s| s.parse().ok().into_iter().collect())
            });
        let state = args.get("state").and_then(Json::as_str).unwrap_or("all");
        let mut found: Vec<(i64, i64)> = self
            .model
            .issues_with_keys()
            .filter(|(keys, _)| keys.project_id == project.id)
            .filter(|(_, issue)| {
                wanted
                    .as_ref()
                    .is_none_or(|iids| issue.facts().iid.is_some_and(|iid| iids.contains(&iid)))
            })
            .filter(|(_, issue)| state == "all" || &*issue.facts().state == state)
            .map(|(keys, _)| (keys.created_ms, keys.id))
            .collect();
        // GitLab's default order: newest first.
        found.sort_unstable_by(|a, b| b.cmp(a));
        page(found.into_iter().map(|(_, id)| id).collect(), args)
    }

    fn work_item(&self, id: i64, name: &str, args: &Map<String, Json>) -> Result<Out<'m>, String> {
        let stored = self.model.issues.get(&id).ok_or("work item vanished")?;
        let issue = || stored.value();
        Ok(Out::Leaf(match name {
            "id" => json!(format!("gid://gitlab/WorkItem/{id}")),
            "iid" => json!(stored.facts().iid.map(|i| i.to_string())),
            "title" => issue()["title"].take(),
            "state" => json!(if &*stored.facts().state == "closed" {
                "CLOSED"
            } else {
                "OPEN"
            }),
            "createdAt" => issue()["created_at"].take(),
            "updatedAt" => issue()["updated_at"].take(),
            "widgets" => {
                let only: Option<Vec<String>> = args.get("onlyTypes").and_then(|v| {
                    v.as_array().map(|a| {
                        a.iter()
                            .filter_map(|t| t.as_str().map(str::to_string))
                            .collect()
                    })
                });
                let widgets = schema::WIDGET_TYPES
                    .iter()
                    .filter(|kind| {
                        let short = kind.trim_start_matches("WorkItemWidget").to_uppercase();
                        only.as_ref().is_none_or(|o| o.contains(&short))
                    })
                    .map(|kind| Node::Widget(kind, id))
                    .collect();
                return Ok(Out::Many(widgets));
            }
            other => return Err(format!("Field '{other}' doesn't exist on type 'WorkItem'")),
        }))
    }

    fn note(&self, entry: &Entry, name: &str) -> Result<Out<'m>, String> {
        let model = self.model;
        Ok(match (entry, name) {
            (Entry::Note(n), "id") => Out::Leaf(json!(format!("gid://gitlab/Note/{}", n.id))),
            (Entry::Labels { key, .. }, "id") => {
                Out::Leaf(json!(format!("gid://gitlab/LabelNote/{key}")))
            }
            (Entry::Note(n), "body") => Out::Leaf(json!(n.body)),
            (Entry::Labels { events, .. }, "body") => {
                Out::Leaf(json!(label_note_body(model, events)))
            }
            (Entry::Note(n), "system") => Out::Leaf(json!(n.system)),
            (Entry::Labels { .. }, "system") => Out::Leaf(json!(true)),
            (_, "internal") => Out::Leaf(json!(false)),
            (_, "createdAt" | "updatedAt") => Out::Leaf(json!(timestamp_ms(entry.created_ms()))),
            (Entry::Note(n), "author") => Out::One(Node::User(n.author_id)),
            (Entry::Labels { events, .. }, "author") => {
                Out::One(Node::User(events.first().map_or(1, |e| e.user_id)))
            }
            (Entry::Note(n), "systemNoteMetadata") if !n.system => Out::Leaf(Json::Null),
            (Entry::Note(n), "systemNoteMetadata") => Out::One(Node::Meta(system_action(&n.body))),
            (Entry::Labels { .. }, "systemNoteMetadata") => Out::One(Node::Meta("label")),
            (_, other) => return Err(format!("Field '{other}' doesn't exist on type 'Note'")),
        })
    }
}

/// The `SystemNoteMetadata.action` of a stored system note, from its text.
fn system_action(body: &str) -> &'static str {
    if body.starts_with("closed") {
        "closed"
    } else if body.starts_with("reopened") {
        "opened"
    } else if body.contains("milestone") {
        "milestone"
    } else {
        "note"
    }
}

fn timestamp_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(String::new, timestamp)
}
