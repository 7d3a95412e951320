//! Triage that learns from the team's own decisions, offline: which team, use case, priority,
//! GTM phase, DoD and E-team value a request most likely gets (`Suggester`), and which cached
//! requests it most resembles (`similar`).
//!
//! The models are multinomial naive Bayes (`bayes`), one per field, over the words of the
//! title and description, the author and the request's other labels (`features`). Our own
//! small implementation rather than linfa's: linfa's Bayes needs dense `ndarray` matrices of
//! documents × vocabulary (10,000 × ~20,000 here), while a request uses a few dozen words; the
//! sparse counts below train on 10,000 requests in well under a second and answer in
//! microseconds, with no numeric stack to build.
//!
//! Only decided fields teach: a request with exactly one value of a field (and not the
//! "unknown" value, `p::?`) is an example for that field. A suggestion is offered only for a
//! field the request has not decided, and only at or above `THRESHOLD`.

pub mod bayes;
pub mod evaluate;
pub mod features;
pub mod similar;

use crate::store::{self, StoreError};

use chrono::{DateTime, Utc};

use crate::workflow::Workflow;
use bayes::NaiveBayes;

/// Suggestions less likely than this are not shown.
pub const THRESHOLD: f64 = 0.6;

/// A field is suggested only when, trained on its older examples, its model beats always
/// answering the most common value on the newer ones by this much: otherwise "75% sure" would
/// only be the prior talking.
pub const MIN_GAIN: f64 = 0.05;

/// Newer examples a field needs for that check.
const MIN_CHECKED: usize = 20;

/// A request as the models read it: its text, labels and dates.
pub use crate::store::IssueText as Doc;

/// The state a request is in (`backlog` of `sm_req::backlog`), or `open`/`closed` without
/// a state label: how look-alikes are named.
pub fn state_name(doc: &Doc, state_key: &str) -> String {
    state_name_of(&doc.labels, doc.open, state_key)
}

/// `state_name` for a request's labels and whether it is open.
pub fn state_name_of(labels: &[impl AsRef<str>], open: bool, state_key: &str) -> String {
    labels
        .iter()
        .find_map(|l| {
            l.as_ref()
                .strip_prefix(state_key)?
                .strip_prefix("::")
                .map(str::to_string)
        })
        .unwrap_or_else(|| if open { "open".into() } else { "closed".into() })
}

/// What a field's value is held in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// One of the workflow's plain team labels.
    Team,
    /// A scoped label `key::value`.
    Scoped { key: String },
}

/// A field the models predict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// As the grooming pane names it.
    pub name: String,
    pub kind: FieldKind,
    pub values: Vec<String>,
    /// The value that means "not decided" (`?` for priority).
    pub unknown: Option<String>,
}

impl Field {
    /// The value the labels decide, if exactly one is present (and it is not the unknown one).
    pub fn decided(&self, labels: &[impl AsRef<str>]) -> Option<String> {
        let mut found = labels.iter().filter_map(|l| self.value_of(l.as_ref()));
        match (found.next(), found.next()) {
            (Some(one), None) if self.unknown.as_deref() != Some(one) => Some(one.to_string()),
            _ => None,
        }
    }

    /// Whether the labels hold any value of this field (decided or not).
    pub fn is_set(&self, labels: &[impl AsRef<str>]) -> bool {
        labels.iter().any(|l| self.value_of(l.as_ref()).is_some())
    }

    fn value_of<'l>(&self, label: &'l str) -> Option<&'l str> {
        let value = match &self.kind {
            FieldKind::Team => label,
            FieldKind::Scoped { key } => label.strip_prefix(key.as_str())?.strip_prefix("::")?,
        };
        self.values.iter().any(|v| v == value).then_some(value)
    }

    /// The label that sets `value`.
    pub fn label(&self, value: &str) -> String {
        match &self.kind {
            FieldKind::Team => value.to_string(),
            FieldKind::Scoped { key } => format!("{key}::{value}"),
        }
    }
}

/// The fields of a workflow, in grooming-pane order after the team.
pub fn fields(wf: &Workflow) -> Vec<Field> {
    let mut fields = vec![Field {
        name: "team".into(),
        kind: FieldKind::Team,
        values: wf.teams.clone(),
        unknown: None,
    }];
    for scoped in wf.fields.all() {
        fields.push(Field {
            name: scoped.title.clone(),
            kind: FieldKind::Scoped {
                key: scoped.key.clone(),
            },
            values: scoped.values.clone(),
            unknown: scoped.unknown.clone(),
        });
    }
    fields
}

/// Labels that are decisions (a field, the state, the board's scope) say nothing as features:
/// at suggestion time the request does not have them yet.
fn is_decision(scope: &str, state_key: &str, fields: &[Field], label: &str) -> bool {
    label == scope
        || label
            .strip_prefix(state_key)
            .is_some_and(|rest| rest.starts_with("::"))
        || fields.iter().any(|f| f.value_of(label).is_some())
        || fields.iter().any(|f| match &f.kind {
            FieldKind::Scoped { key } => label
                .strip_prefix(key.as_str())
                .is_some_and(|rest| rest.starts_with("::")),
            FieldKind::Team => false,
        })
}

/// A confidence as the board and `suggest` print it: whole percent, rounded down, never 100
/// (a model that learned from a sample is never certain).
pub fn shown_percent(confidence: f64) -> u32 {
    // A hair above the floor: a confidence kept as f32 (0.78 -> 0.77999997) still shows 78.
    ((confidence * 100.0 + 1e-4).floor() as u32).min(99)
}

/// One suggested value.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Position in `fields(wf)`.
    pub field: usize,
    pub field_name: String,
    pub value: String,
    /// The label to add.
    pub label: String,
    pub confidence: f64,
}

/// The trained models of every field.
#[derive(Debug, Clone)]
pub struct Suggester {
    fields: Vec<Field>,
    wf_scope: String,
    wf_state_key: String,
    vocabulary: features::Vocabulary,
    models: Vec<Option<NaiveBayes>>,
    /// How many requests each field learned from.
    pub examples: Vec<usize>,
    /// Whether the history supports suggesting each field (see `MIN_GAIN`).
    pub supported: Vec<bool>,
}

/// Does a model trained on the older 80% of `decided` (oldest first) beat the majority value
/// on the newer 20% by `MIN_GAIN`?
fn beats_majority(decided: &[(&[u32], &str)], vocabulary: usize) -> bool {
    let split = decided.len() * 4 / 5;
    let (older, newer) = decided.split_at(split);
    if newer.len() < MIN_CHECKED {
        return false;
    }
    let Some(model) = NaiveBayes::train(older.iter().copied(), vocabulary) else {
        return false;
    };
    let majority = model.class(model.majority()).to_string();
    let (mut right, mut base) = (0usize, 0usize);
    for (features, truth) in newer {
        let (class, _) = model.predict(features);
        right += usize::from(model.class(class) == *truth);
        base += usize::from(majority == *truth);
    }
    (right as f64 - base as f64) / newer.len() as f64 >= MIN_GAIN
}

/// Learns one request at a time (nothing of a request is kept but its encoded features and
/// decided values), then trains: `Suggester::train` for a slice, this for a stream. What is
/// kept lives in two flat buffers, not two small vectors per request: 10,000 requests' worth
/// of vector headers and allocations cost more than the features themselves.
pub struct SuggesterBuilder {
    fields: Vec<Field>,
    scope: String,
    state_key: String,
    vocabulary: features::Vocabulary,
    seen: Vec<Seen>,
    /// Every request's feature ids, one after another (`Seen::features` points in).
    features: Vec<u32>,
    /// Every request's decided value per field (`NOT_DECIDED` when none), `fields.len()` a
    /// request, in the order they were added.
    decided: Vec<u8>,
}

/// What the builder keeps of a request besides its features and decided values.
struct Seen {
    created_at: DateTime<Utc>,
    id: i64,
    /// Where its features are in `SuggesterBuilder::features`.
    features: std::ops::Range<u32>,
    /// Its place in the order added (its row of `SuggesterBuilder::decided`).
    row: u32,
}

/// A field a request has not decided (value indexes are small: a field has a few values).
const NOT_DECIDED: u8 = u8::MAX;

impl SuggesterBuilder {
    pub fn new(wf: &Workflow) -> SuggesterBuilder {
        SuggesterBuilder {
            fields: fields(wf),
            scope: wf.scope_label.clone(),
            state_key: wf.state_key.clone(),
            vocabulary: features::Vocabulary::default(),
            seen: Vec::new(),
            features: Vec::new(),
            decided: Vec::new(),
        }
    }

    pub fn add(&mut self, doc: &Doc) {
        let start = self.features.len() as u32;
        for feature in raw_features(&self.scope, &self.state_key, &self.fields, doc) {
            let id = features::term_id(&mut self.vocabulary, &feature);
            self.features.push(id);
        }
        let row = self.seen.len() as u32;
        for field in &self.fields {
            let value = field.decided(&doc.labels).and_then(|value| {
                let at = field.values.iter().position(|v| *v == value)?;
                u8::try_from(at).ok().filter(|at| *at != NOT_DECIDED)
            });
            self.decided.push(value.unwrap_or(NOT_DECIDED));
        }
        self.seen.push(Seen {
            created_at: doc.created_at,
            id: doc.id,
            features: start..self.features.len() as u32,
            row,
        });
    }

    pub fn finish(mut self) -> Suggester {
        // (time, id) is unique: no stable sort (and its buffer) needed.
        self.seen
            .sort_unstable_by_key(|seen| (seen.created_at, seen.id));
        let vocabulary = self.vocabulary.len();
        let per_request = self.fields.len();
        let mut models = Vec::new();
        let mut examples = Vec::new();
        let mut supported = Vec::new();
        for (at, field) in self.fields.iter().enumerate() {
            // Oldest first.
            let decided: Vec<(&[u32], &str)> = self
                .seen
                .iter()
                .filter_map(|seen| {
                    let value = self.decided[seen.row as usize * per_request + at];
                    if value == NOT_DECIDED {
                        return None;
                    }
                    let value = field.values.get(usize::from(value))?;
                    let features =
                        &self.features[seen.features.start as usize..seen.features.end as usize];
                    Some((features, value.as_str()))
                })
                .collect();
            examples.push(decided.len());
            supported.push(beats_majority(&decided, vocabulary));
            models.push(NaiveBayes::train(decided.iter().copied(), vocabulary));
        }
        Suggester {
            fields: self.fields,
            wf_scope: self.scope,
            wf_state_key: self.state_key,
            vocabulary: self.vocabulary,
            models,
            examples,
            supported,
        }
    }
}

impl Suggester {
    /// Learns from `docs` (any order).
    pub fn train<I>(wf: &Workflow, docs: I) -> Suggester
    where
        I: IntoIterator,
        I::Item: std::borrow::Borrow<Doc>,
    {
        let mut builder = SuggesterBuilder::new(wf);
        for doc in docs {
            builder.add(std::borrow::Borrow::borrow(&doc));
        }
        builder.finish()
    }

    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    fn encode(&self, doc: &Doc) -> Vec<u32> {
        raw_features(&self.wf_scope, &self.wf_state_key, &self.fields, doc)
            .iter()
            .filter_map(|f| self.vocabulary.get(&features::term_key(f)).copied())
            .collect()
    }

    /// The most likely value of every field that has a model, with its confidence, whatever
    /// the request holds already (for evaluation).
    pub fn predict_all(&self, doc: &Doc) -> Vec<Option<(String, f64)>> {
        let features = self.encode(doc);
        self.models
            .iter()
            .map(|model| {
                model.as_ref().map(|m| {
                    let (class, p) = m.predict(&features);
                    (m.class(class).to_string(), p)
                })
            })
            .collect()
    }

    /// The values the models are confident of (supported fields, at or above `THRESHOLD`),
    /// whether or not the request has the field set: the board decides at each draw.
    pub fn confident(&self, doc: &Doc) -> Vec<Suggestion> {
        self.predict_all(doc)
            .into_iter()
            .enumerate()
            .filter_map(|(at, predicted)| {
                let (value, confidence) = predicted?;
                let field = &self.fields[at];
                (self.supported[at] && confidence >= THRESHOLD).then(|| Suggestion {
                    field: at,
                    field_name: field.name.clone(),
                    label: field.label(&value),
                    value,
                    confidence,
                })
            })
            .collect()
    }

    /// Suggestions for the fields `doc` has not set.
    pub fn suggest(&self, doc: &Doc) -> Vec<Suggestion> {
        self.confident(doc)
            .into_iter()
            .filter(|s| !self.fields[s.field].is_set(&doc.labels))
            .collect()
    }
}

/// Every cached request as the models read it, newest first.
pub fn load_docs(conn: &rusqlite::Connection) -> Result<Vec<Doc>, StoreError> {
    let mut docs = Vec::new();
    store::each_issue_text(
        conn,
        false,
        usize::MAX,
        features::DESCRIPTION_BYTES,
        |doc| docs.push(doc),
    )?;
    Ok(docs)
}

fn raw_features(scope: &str, state_key: &str, fields: &[Field], doc: &Doc) -> Vec<String> {
    features::features(
        &doc.title,
        &doc.description,
        doc.author.as_deref(),
        doc.labels
            .iter()
            .filter(|l| !is_decision(scope, state_key, fields, l)),
    )
}

#[cfg(test)]
pub(crate) mod tests;
