//! The slice of GitLab's GraphQL schema the fake serves: the types, fields and arguments a
//! client may ask for, and how GitLab prices each field in a query's complexity.
//!
//! Pricing follows `Types::BaseField` in GitLab's source: a field without a resolver costs one
//! plus its children; a field with a resolver costs its children plus the resolver's own
//! complexity (1, +1 for a `sort` argument, which GitLab always fills with its default, +1 for a
//! resolver that `calls_gitaly!`), and that sum is multiplied by `1 + limit × multiplier` where
//! `limit` is the smaller of `first`/`last` and the page size (100). `BaseResolver` charges 1% an
//! item unless the items are asked for by `iid`/`iids`; `WorkItemDiscussionsResolver` charges
//! 5% (`calculate_ext_conn_complexity`), so a hundred discussions cost six times one.

/// An argument a field takes, with its GraphQL type as written in the schema.
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    pub name: &'static str,
    pub ty: &'static str,
}

/// How a field adds to a query's complexity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cost {
    /// One plus its children.
    Plain,
    /// Its children only (`complexity: 0` in GitLab, e.g. a widget's `type`).
    Free,
    /// A resolver: children plus `own`, times `1 + limit × per_item` (`per_item` is not charged
    /// when the field is asked for by `iid`/`iids` and `by_iid_free` is set).
    Resolver {
        own: u32,
        per_item: f64,
        by_iid_free: bool,
    },
}

/// A field of a type: its arguments, the named type it returns and its price.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// Its own arguments; a connection also takes `PAGING`.
    pub args: &'static [Arg],
    pub paged: bool,
    pub returns: &'static str,
    pub cost: Cost,
}

/// The concrete widget types an abstract `WorkItemWidget` may be.
pub const WIDGET_TYPES: &[&str] = &[
    "WorkItemWidgetNotes",
    "WorkItemWidgetLabels",
    "WorkItemWidgetDescription",
];

/// GitLab's limits for an authenticated request (`GitlabSchema`).
pub const MAX_COMPLEXITY: u32 = 250;
pub const MAX_DEPTH: usize = 20;
/// `default_max_page_size`: `first` above it is cut to it.
pub const MAX_PAGE_SIZE: usize = 100;

const PAGING: &[Arg] = &[
    Arg {
        name: "first",
        ty: "Int",
    },
    Arg {
        name: "after",
        ty: "String",
    },
    Arg {
        name: "last",
        ty: "Int",
    },
    Arg {
        name: "before",
        ty: "String",
    },
];

const WORK_ITEMS_ARGS: &[Arg] = &[
    Arg {
        name: "iid",
        ty: "String",
    },
    Arg {
        name: "iids",
        ty: "[String!]",
    },
    Arg {
        name: "state",
        ty: "IssuableState",
    },
    Arg {
        name: "sort",
        ty: "WorkItemSort",
    },
];

const DISCUSSIONS_ARGS: &[Arg] = &[
    Arg {
        name: "filter",
        ty: "NotesFilterType",
    },
    Arg {
        name: "sort",
        ty: "WorkItemDiscussionsSort",
    },
];

/// Enum types and their values.
pub fn enum_values(ty: &str) -> Option<&'static [&'static str]> {
    Some(match ty {
        "NotesFilterType" => &["ALL_NOTES", "ONLY_COMMENTS", "ONLY_ACTIVITY"],
        "WorkItemDiscussionsSort" => &["CREATED_ASC", "CREATED_DESC"],
        "WorkItemSort" => &["CREATED_ASC", "CREATED_DESC", "UPDATED_ASC", "UPDATED_DESC"],
        "IssuableState" => &["opened", "closed", "locked", "all"],
        "WorkItemWidgetType" => &["NOTES", "LABELS", "DESCRIPTION"],
        _ => return None,
    })
}

/// Scalars, as GraphQL input coercion reads them.
pub fn is_scalar(ty: &str) -> bool {
    matches!(
        ty,
        "String" | "ID" | "Int" | "Boolean" | "Time" | "WorkItemID" | "NoteID" | "UserID"
    )
}

const fn plain(returns: &'static str) -> FieldDef {
    FieldDef {
        args: &[],
        paged: false,
        returns,
        cost: Cost::Plain,
    }
}

impl FieldDef {
    /// The argument `name`, if the field takes it.
    pub fn arg(&self, name: &str) -> Option<&'static Arg> {
        let paging: &'static [Arg] = if self.paged { PAGING } else { &[] };
        self.args.iter().chain(paging).find(|a| a.name == name)
    }
}

/// The field `name` of `ty`, if the schema has it. `work_items` false: a GitLab from before
/// work items, whose `Project` has no `workItems`.
pub fn field(ty: &str, name: &str, work_items: bool) -> Option<FieldDef> {
    if name == "__typename" {
        return Some(plain("String"));
    }
    let def = match (ty, name) {
        ("Query", "project") => FieldDef {
            args: &[Arg {
                name: "fullPath",
                ty: "ID!",
            }],
            paged: false,
            returns: "Project",
            cost: Cost::Resolver {
                own: 1,
                per_item: 0.0,
                by_iid_free: false,
            },
        },
        ("Query", "currentUser") => FieldDef {
            args: &[],
            paged: false,
            returns: "UserCore",
            cost: Cost::Resolver {
                own: 1,
                per_item: 0.0,
                by_iid_free: false,
            },
        },
        ("Project", "id" | "fullPath") => plain("ID"),
        ("Project", "name") => plain("String"),
        ("Project", "workItems") if work_items => FieldDef {
            args: WORK_ITEMS_ARGS,
            paged: true,
            returns: "WorkItemConnection",
            // Resolver 1, plus 1 for the `sort` GitLab defaults.
            cost: Cost::Resolver {
                own: 2,
                per_item: 0.01,
                by_iid_free: true,
            },
        },
        ("WorkItemConnection", "nodes") => plain("WorkItem"),
        ("WorkItemConnection" | "NoteConnection", "count") => plain("Int"),
        ("WorkItemConnection" | "DiscussionConnection" | "NoteConnection", "pageInfo") => {
            plain("PageInfo")
        }
        ("PageInfo", "hasNextPage" | "hasPreviousPage") => plain("Boolean"),
        ("PageInfo", "startCursor" | "endCursor") => plain("String"),
        ("WorkItem", "id") => plain("WorkItemID"),
        ("WorkItem", "iid" | "title" | "state") => plain("String"),
        ("WorkItem", "createdAt" | "updatedAt") => plain("Time"),
        ("WorkItem", "widgets") => FieldDef {
            args: &[Arg {
                name: "onlyTypes",
                ty: "[WorkItemWidgetType!]",
            }],
            paged: false,
            returns: "WorkItemWidget",
            cost: Cost::Plain,
        },
        (w, "type") if w == "WorkItemWidget" || WIDGET_TYPES.contains(&w) => FieldDef {
            args: &[],
            paged: false,
            returns: "WorkItemWidgetType",
            cost: Cost::Free,
        },
        ("WorkItemWidgetNotes", "discussionLocked") => plain("Boolean"),
        ("WorkItemWidgetNotes", "discussions") => FieldDef {
            args: DISCUSSIONS_ARGS,
            paged: true,
            returns: "DiscussionConnection",
            // Resolver 1, the defaulted `sort` 1, `calls_gitaly!` 1; 5% an item.
            cost: Cost::Resolver {
                own: 3,
                per_item: 0.05,
                by_iid_free: false,
            },
        },
        ("WorkItemWidgetLabels", "allowsScopedLabels") => plain("Boolean"),
        ("WorkItemWidgetDescription", "description") => plain("String"),
        ("DiscussionConnection", "nodes") => plain("Discussion"),
        ("Discussion", "id") => plain("ID"),
        ("Discussion", "createdAt") => plain("Time"),
        ("Discussion", "notes") => FieldDef {
            args: &[],
            paged: true,
            returns: "NoteConnection",
            cost: Cost::Plain,
        },
        ("NoteConnection", "nodes") => plain("Note"),
        ("Note", "id") => plain("NoteID"),
        ("Note", "body") => plain("String"),
        ("Note", "system" | "internal") => plain("Boolean"),
        ("Note", "createdAt" | "updatedAt") => plain("Time"),
        ("Note", "author") => plain("UserCore"),
        ("Note", "systemNoteMetadata") => plain("SystemNoteMetadata"),
        ("UserCore", "id") => plain("UserID"),
        ("UserCore", "username" | "name") => plain("String"),
        ("SystemNoteMetadata", "id") => plain("ID"),
        ("SystemNoteMetadata", "action") => plain("String"),
        _ => return None,
    };
    Some(def)
}

/// The concrete types a value of `ty` may have (itself, unless it is abstract).
pub fn possible_types(ty: &str) -> Vec<&str> {
    if ty == "WorkItemWidget" {
        WIDGET_TYPES.to_vec()
    } else {
        vec![ty]
    }
}

/// Does a fragment on `condition` apply to a value of the concrete type `concrete`?
pub fn applies(condition: &str, concrete: &str) -> bool {
    condition == concrete || (condition == "WorkItemWidget" && WIDGET_TYPES.contains(&concrete))
}

/// Is `name` a type the schema knows (fragments may only name these)?
pub fn is_type(name: &str) -> bool {
    matches!(
        name,
        "Query"
            | "Project"
            | "WorkItemConnection"
            | "WorkItem"
            | "WorkItemWidget"
            | "DiscussionConnection"
            | "Discussion"
            | "NoteConnection"
            | "Note"
            | "UserCore"
            | "SystemNoteMetadata"
            | "PageInfo"
    ) || WIDGET_TYPES.contains(&name)
}
