//! Triage suggestions and look-alikes for the board, worked out off the UI thread: a thread
//! with a read-only connection to the cache trains the models on what the team decided
//! (`learn::Suggester`) and indexes the requests' words (`learn::similar`), then sends the
//! board what it shows (`Msg::Learned`). It runs at start and again whenever a sync changed
//! the board; the board never waits for it.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::learn::{self, Suggestion, similar};
use crate::workflow::Workflow;

/// The board learns from this many of the most recently opened requests (all of them up to
/// there): recent decisions say most about the next ones, and a 50,000-request cache then
/// costs the board no more memory than a 10,000 one. `sm-board suggest` reads them all.
pub const LEARN_FROM_NEWEST: usize = 10_000;

/// How long after start the first pass begins.
const FIRST_PASS_AFTER: Duration = Duration::from_millis(1500);

/// A learning pass pauses until no key has come for this long: a key, and the redraw after it,
/// then have both cores (on a 2-core machine a pass beside a redraw made it 3-4 times slower).
const QUIET_AFTER_A_KEY: Duration = Duration::from_millis(300);

/// A pass pauses for at most this long in all, so a user who types on and on still gets
/// their suggestions.
const MOST_PAUSED_A_PASS: Duration = Duration::from_secs(5);

/// The pass checks for keys every this many requests (a few milliseconds of work).
const ROWS_BETWEEN_CHECKS: usize = 64;

/// A look-alike as the board shows it. A request is the look-alike of several others, so its
/// names are shared (`Arc<str>`) rather than copied into each list.
#[derive(Debug, Clone, PartialEq)]
pub struct LookAlike {
    pub id: i64,
    /// `#41`, or `project#41` outside the request's own project.
    pub reference: Arc<str>,
    /// `group/project#41`, as quick actions take it.
    pub full_reference: Arc<str>,
    pub title: Arc<str>,
    /// Its state (`backlog`), or `closed`/`open` without one.
    pub state: Arc<str>,
    pub score: f64,
}

/// A confident value, compactly (thousands are kept): positions in `Learned::fields`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guess {
    pub field: u8,
    pub value: u8,
    pub confidence: f32,
}

/// What the board shows beside each request.
#[derive(Debug, Clone, Default)]
pub struct Learned {
    /// The fields the guesses point into (`learn::fields` of the workflow).
    pub fields: Vec<learn::Field>,
    /// Confident values of open requests, whether set or not (the board shows those whose
    /// field is still empty), sorted by request id: one flat list, not a map of small lists.
    pub suggestions: Vec<(i64, Guess)>,
    /// Look-alikes of the requests in the first two states (new and triage).
    pub similar: HashMap<i64, Vec<LookAlike>>,
    /// Requests the models learned from.
    pub requests: usize,
}

impl Learned {
    /// Request `id`'s suggestions for the fields its `labels` leave empty.
    pub fn suggestions_for(&self, id: i64, labels: &[impl AsRef<str>]) -> Vec<Suggestion> {
        let from = self.suggestions.partition_point(|(of, _)| *of < id);
        self.suggestions[from..]
            .iter()
            .take_while(|(of, _)| *of == id)
            .filter_map(|(_, g)| {
                let field = self.fields.get(usize::from(g.field))?;
                let value = field.values.get(usize::from(g.value))?;
                (!field.is_set(labels)).then(|| Suggestion {
                    field: usize::from(g.field),
                    field_name: field.name.clone(),
                    value: value.clone(),
                    label: field.label(value),
                    confidence: f64::from(g.confidence),
                })
            })
            .collect()
    }

    /// Adds a guess for request `id` (what the learner found; tests build their own), after
    /// that request's earlier guesses.
    pub fn guess(&mut self, id: i64, field: &str, value: &str, confidence: f64) {
        let at = self.suggestions.partition_point(|(of, _)| *of <= id);
        if let Some(guess) = self.guess_of(field, value, confidence) {
            self.suggestions.insert(at, (id, guess));
        }
    }

    /// `field` = `value` as a `Guess`, when the fields know both.
    fn guess_of(&self, field: &str, value: &str, confidence: f64) -> Option<Guess> {
        let f = self.fields.iter().position(|f| f.name == field)?;
        let v = self.fields[f].values.iter().position(|x| x == value)?;
        Some(Guess {
            field: u8::try_from(f).ok()?,
            value: u8::try_from(v).ok()?,
            confidence: confidence as f32,
        })
    }
}

/// When the user last pressed a key, shared by the event loop (which notes each key) and the
/// learner (which gives way while keys come).
#[derive(Debug)]
pub struct Typing {
    started: Instant,
    /// Microseconds from `started` to the last key, plus one (0: no key yet).
    last_key: AtomicU64,
}

impl Default for Typing {
    fn default() -> Typing {
        Typing {
            started: Instant::now(),
            last_key: AtomicU64::new(0),
        }
    }
}

impl Typing {
    /// Notes a key pressed now.
    pub fn key_pressed(&self) {
        let micros = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.last_key
            .store(micros.saturating_add(1), Ordering::Relaxed);
    }

    /// How long ago the last key came, if one did.
    fn since_last_key(&self) -> Option<Duration> {
        let stored = self.last_key.load(Ordering::Relaxed);
        let at = Duration::from_micros(stored.checked_sub(1)?);
        Some(self.started.elapsed().saturating_sub(at))
    }

    /// Sleeps while the user types (see `pause_for`), adding the time slept to `paused`.
    fn give_way(&self, paused: &mut Duration) {
        while let Some(pause) = pause_for(self.since_last_key(), *paused) {
            std::thread::sleep(pause);
            *paused += pause;
        }
    }
}

/// How long a pass that has already paused for `paused` pauses now, the last key having come
/// `since_last_key` ago: until the keys have been quiet for `QUIET_AFTER_A_KEY`, within
/// `MOST_PAUSED_A_PASS` in all.
fn pause_for(since_last_key: Option<Duration>, paused: Duration) -> Option<Duration> {
    let quiet_in = QUIET_AFTER_A_KEY.checked_sub(since_last_key?)?;
    let left = MOST_PAUSED_A_PASS.checked_sub(paused)?;
    let pause = quiet_in.min(left);
    (!pause.is_zero()).then_some(pause)
}

/// The learner's two ends, as the event loop holds them.
pub struct Learner {
    ask: mpsc::Sender<()>,
    typing: Arc<Typing>,
    pub answers: UnboundedReceiver<Learned>,
}

impl Learner {
    pub fn start(path: &Path, wf: Workflow) -> std::io::Result<Learner> {
        let (ask, inbox) = mpsc::channel::<()>();
        let (reply, answers) = unbounded_channel();
        let path = path.to_path_buf();
        let typing = Arc::new(Typing::default());
        let keys = Arc::clone(&typing);
        std::thread::Builder::new()
            .name("learner".into())
            .spawn(move || serve(&path, &wf, &keys, &inbox, &reply))?;
        Ok(Learner {
            ask,
            typing,
            answers,
        })
    }

    /// Asks for a fresh answer (requests asked for while one runs are merged into one).
    pub fn relearn(&self) {
        let _ = self.ask.send(());
    }

    /// Tells the learner a key came: a pass under way pauses until the keys are quiet.
    pub fn key_pressed(&self) {
        self.typing.key_pressed();
    }
}

/// Lowers this thread's scheduling priority (Linux threads have their own nice value), so a
/// learning pass never slows a key the board is handling on a 2-core machine.
fn yield_to_the_board() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: gettid and setpriority take plain integers and only change this thread's
    // scheduling priority; a failure is ignored (the pass then runs at normal priority).
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 10);
    }
}

fn serve(
    path: &Path,
    wf: &Workflow,
    typing: &Typing,
    inbox: &mpsc::Receiver<()>,
    reply: &UnboundedSender<Learned>,
) {
    yield_to_the_board();
    let conn = match crate::store::open_reader(path) {
        Ok(conn) => conn,
        Err(err) => {
            tracing::warn!(error = %err, "triage suggestions are off: the cache did not open");
            return;
        }
    };
    // The first pass waits for the board's start-up to settle: its load and the filter's
    // texts are freed by then, so the two peaks of memory do not add up.
    std::thread::sleep(FIRST_PASS_AFTER);
    while inbox.recv().is_ok() {
        while inbox.try_recv().is_ok() {}
        let started = Instant::now();
        let mut paused = Duration::ZERO;
        let learned = learn_giving_way(&conn, wf, Utc::now(), &mut || typing.give_way(&mut paused));
        give_back_memory();
        match learned {
            Ok(learned) => {
                tracing::debug!(
                    requests = learned.requests,
                    micros = started.elapsed().as_micros() as u64,
                    paused_micros = paused.as_micros() as u64,
                    "suggestions learned"
                );
                if reply.send(learned).is_err() {
                    return;
                }
            }
            Err(err) => tracing::warn!(error = %err, "learning from the cache failed"),
        }
    }
}

/// Returns the memory a learning pass freed to the system: glibc keeps a thread's freed
/// blocks in that thread's arena, so the board would otherwise stay as large as the pass was.
pub(crate) fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory at the top of the heaps; it has no
    // preconditions and may run while other threads allocate.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// `#41` within the same project, else the project's last path segment and the iid.
fn short_reference(of: &str, from: &str) -> String {
    let project = |r: &str| r.rsplit_once('#').map(|(p, _)| p.to_string());
    match (project(of), of.rsplit_once('#')) {
        (Some(p), Some((_, iid))) if Some(p.clone()) == project(from) => format!("#{iid}"),
        (Some(p), Some((_, iid))) => format!("{}#{iid}", p.rsplit('/').next().unwrap_or(&p)),
        _ => of.to_string(),
    }
}

/// What is kept of every request to name it as a look-alike.
struct Named {
    reference: Arc<str>,
    title: Arc<str>,
    state: Arc<str>,
}

/// Trains and indexes from the cache as it is now (`now` decides which closed requests are
/// recent enough to be look-alikes). The requests are read one at a time, three times (all of
/// them to train, the open ones to guess, all of them again to index): what stays in memory is
/// one pass's models or word index, never every description at once.
pub fn learn_from(
    conn: &rusqlite::Connection,
    wf: &Workflow,
    now: chrono::DateTime<Utc>,
) -> Result<Learned, crate::store::StoreError> {
    learn_giving_way(conn, wf, now, &mut || {})
}

/// Counts rows and calls its `give_way` every `ROWS_BETWEEN_CHECKS` of them.
struct Checkpoints<'a> {
    rows: usize,
    give_way: &'a mut dyn FnMut(),
}

impl Checkpoints<'_> {
    fn row(&mut self) {
        self.rows += 1;
        if self.rows.is_multiple_of(ROWS_BETWEEN_CHECKS) {
            (self.give_way)();
        }
    }
}

/// `learn_from`, calling `give_way` every few dozen requests of every stage (the learner's
/// thread sleeps there while the user types).
pub fn learn_giving_way(
    conn: &rusqlite::Connection,
    wf: &Workflow,
    now: chrono::DateTime<Utc>,
    give_way: &mut dyn FnMut(),
) -> Result<Learned, crate::store::StoreError> {
    let mut checks = Checkpoints { rows: 0, give_way };
    // Three passes over the cache, each keeping only what it needs: the models' training
    // data, the open requests' guesses, and the look-alike index never share the memory.
    let chars = learn::features::DESCRIPTION_BYTES;
    let mut training = learn::SuggesterBuilder::new(wf);
    let mut requests = 0;
    crate::store::each_issue_text(conn, false, LEARN_FROM_NEWEST, chars, |doc| {
        checks.row();
        requests += 1;
        training.add(&doc);
    })?;
    let suggester = training.finish();
    let mut learned = Learned {
        fields: suggester.fields().to_vec(),
        suggestions: Vec::new(),
        similar: HashMap::new(),
        requests,
    };
    let mut guesses = Vec::new();
    crate::store::each_issue_text(conn, true, usize::MAX, chars, |doc| {
        checks.row();
        for s in suggester.confident(&doc) {
            if let Some(guess) = learned.guess_of(&s.field_name, &s.value, s.confidence) {
                guesses.push((doc.id, guess));
            }
        }
    })?;
    // Stable: a request's guesses keep the fields' order.
    guesses.sort_by_key(|(id, _)| *id);
    guesses.shrink_to_fit();
    learned.suggestions = guesses;
    drop(suggester);
    learned.similar = look_alikes(conn, wf, now, &mut checks)?;
    Ok(learned)
}

/// The look-alikes of the open requests in the workflow's first two states.
fn look_alikes(
    conn: &rusqlite::Connection,
    wf: &Workflow,
    now: chrono::DateTime<Utc>,
    checks: &mut Checkpoints<'_>,
) -> Result<HashMap<i64, Vec<LookAlike>>, crate::store::StoreError> {
    let first_states: Vec<String> = wf
        .states
        .iter()
        .take(2)
        .map(|s| format!("{}::{}", wf.state_key, s.name))
        .collect();
    let mut indexing = similar::IndexBuilder::new(now);
    // Only the ids of the requests that may be shown as look-alikes are kept while indexing;
    // the few that are shown are named from the cache after.
    let mut nameable: HashSet<i64> = HashSet::new();
    let mut targets: Vec<(i64, String)> = Vec::new();
    let chars = learn::features::DESCRIPTION_BYTES;
    let recent = now - chrono::Duration::days(similar::RECENT_DAYS);
    crate::store::each_issue_text(conn, false, LEARN_FROM_NEWEST, chars, |doc| {
        checks.row();
        let target = doc.open && doc.labels.iter().any(|l| first_states.contains(l));
        indexing.add_asked(&doc, target);
        if target {
            targets.push((doc.id, doc.reference.clone()));
        }
        if doc.open || doc.closed_at.is_some_and(|t| t >= recent) {
            nameable.insert(doc.id);
        }
    })?;
    let index = indexing.finish();
    let found: Vec<(i64, String, Vec<similar::Similar>)> = targets
        .into_iter()
        .map(|(id, reference)| {
            checks.row();
            let mut alikes = index.similar_to(id);
            alikes.retain(|s| nameable.contains(&s.id));
            (id, reference, alikes)
        })
        .collect();
    drop(index);
    drop(nameable);
    let mut named: HashMap<i64, Named> = HashMap::new();
    // A handful of distinct state names, shared by every look-alike.
    let mut states: HashMap<String, Arc<str>> = HashMap::new();
    for (_, _, alikes) in &found {
        for alike in alikes {
            if named.contains_key(&alike.id) {
                continue;
            }
            checks.row();
            match crate::store::load_issue(conn, alike.id) {
                Ok(record) => {
                    let state = learn::state_name_of(
                        &record.facts.labels,
                        record.facts.open,
                        &wf.state_key,
                    );
                    let state = states
                        .entry(state)
                        .or_insert_with_key(|name| Arc::from(name.as_str()))
                        .clone();
                    named.insert(
                        alike.id,
                        Named {
                            reference: record.reference.into(),
                            title: record.title.into(),
                            state,
                        },
                    );
                }
                // Gone from the cache since it was read (a sync between): not shown.
                Err(crate::store::StoreError::NoSuchIssue(_)) => {}
                Err(err) => return Err(err),
            }
        }
    }
    Ok(found
        .into_iter()
        .map(|(id, reference, alikes)| {
            let alikes = alikes
                .into_iter()
                .filter_map(|s| {
                    let other = named.get(&s.id)?;
                    Some(LookAlike {
                        id: s.id,
                        reference: short_reference(&other.reference, &reference).into(),
                        full_reference: other.reference.clone(),
                        title: other.title.clone(),
                        state: other.state.clone(),
                        score: s.score,
                    })
                })
                .collect();
            (id, alikes)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_are_named_as_the_cache_names_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("cache.sqlite3")).unwrap();
        let issues =
            crate::demo::generate::generate(600, 3, crate::demo::generate::default_anchor());
        crate::demo::seed_store(&store, &issues).unwrap();
        let wf = Workflow::default();
        let now = Utc::now();
        let learned = learn_from(store.conn(), &wf, now).unwrap();
        let shown: Vec<&LookAlike> = learned.similar.values().flatten().collect();
        assert!(shown.len() > 50, "{} look-alikes", shown.len());
        for alike in shown {
            let record = crate::store::load_issue(store.conn(), alike.id).unwrap();
            assert_eq!(&*alike.full_reference, record.reference);
            assert_eq!(&*alike.title, record.title);
            assert_eq!(
                &*alike.state,
                learn::state_name_of(&record.facts.labels, record.facts.open, &wf.state_key)
            );
            assert!(alike.score > 0.0);
        }
        assert!(learned.similar.values().all(|l| l.len() <= similar::SHOWN));
    }

    #[test]
    fn a_pass_gives_way_throughout_and_learns_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("cache.sqlite3")).unwrap();
        let issues =
            crate::demo::generate::generate(600, 5, crate::demo::generate::default_anchor());
        crate::demo::seed_store(&store, &issues).unwrap();
        let wf = Workflow::default();
        let now = Utc::now();
        let mut calls = 0;
        let paced = learn_giving_way(store.conn(), &wf, now, &mut || calls += 1).unwrap();
        // Two passes read every request (training, the look-alike index), one the open ones.
        assert!(
            calls >= 2 * 600 / ROWS_BETWEEN_CHECKS,
            "gave way {calls} times"
        );
        let plain = learn_from(store.conn(), &wf, now).unwrap();
        assert_eq!(paced.suggestions, plain.suggestions);
        assert_eq!(paced.similar, plain.similar);
        assert_eq!(paced.requests, 600);
    }

    #[test]
    fn a_pass_pauses_until_the_keys_are_quiet_and_not_for_ever() {
        let ms = Duration::from_millis;
        assert_eq!(pause_for(None, Duration::ZERO), None, "no key yet");
        assert_eq!(pause_for(Some(ms(10)), Duration::ZERO), Some(ms(290)));
        assert_eq!(pause_for(Some(QUIET_AFTER_A_KEY), Duration::ZERO), None);
        assert_eq!(pause_for(Some(ms(5000)), Duration::ZERO), None);
        // Near the most it may pause, it pauses only what is left, then not at all.
        assert_eq!(
            pause_for(Some(ms(0)), MOST_PAUSED_A_PASS - ms(100)),
            Some(ms(100))
        );
        assert_eq!(pause_for(Some(ms(0)), MOST_PAUSED_A_PASS), None);
    }

    #[test]
    fn typing_tells_how_long_ago_the_last_key_came() {
        let typing = Typing::default();
        assert_eq!(typing.since_last_key(), None);
        typing.key_pressed();
        let since = typing.since_last_key().unwrap();
        assert!(since < QUIET_AFTER_A_KEY, "{since:?}");
        // A pass that has paused its most does not sleep again.
        let mut paused = MOST_PAUSED_A_PASS;
        typing.give_way(&mut paused);
        assert_eq!(paused, MOST_PAUSED_A_PASS);
    }

    #[test]
    fn guesses_are_found_by_request_in_the_order_given() {
        let mut learned = Learned {
            fields: learn::fields(&Workflow::default()),
            ..Learned::default()
        };
        learned.guess(4, "team", "pmm", 0.9);
        learned.guess(1, "priority", "2", 0.7);
        learned.guess(4, "use case", "CN", 0.65);
        learned.guess(2, "team", "no such team", 0.9);
        learned.guess(3, "team", "pmm", 0.8);
        let found = |id| -> Vec<String> {
            learned
                .suggestions_for(id, &["sm_request"])
                .into_iter()
                .map(|s| s.label)
                .collect()
        };
        assert_eq!(found(4), ["pmm", "ucase::CN"]);
        assert_eq!(found(1), ["p::2"]);
        assert_eq!(found(3), ["pmm"]);
        assert!(found(2).is_empty() && found(5).is_empty());
        // A field the request has set is not suggested.
        assert!(
            learned
                .suggestions_for(4, &["pmm"])
                .iter()
                .all(|s| s.field_name != "team")
        );
    }

    #[test]
    fn references_are_short_within_a_project() {
        assert_eq!(short_reference("g/p#41", "g/p#7"), "#41");
        assert_eq!(short_reference("g/q#41", "g/p#7"), "q#41");
    }
}
