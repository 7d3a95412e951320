//! Full-text lookups of the filter's words, answered off the UI thread: a thread of its own
//! with a read-only connection to the cache takes words and sends back the requests whose
//! description or comments hold them. The board keeps drawing while one runs, and shows the
//! hits when they arrive (`Msg::TextHits`).

use std::collections::HashSet;
use std::path::Path;
use std::sync::mpsc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::store;

/// One answer: the word and the ids of the requests that hold it.
pub type Answer = (String, HashSet<i64>);

/// The lookup thread's two ends, as the event loop holds them.
pub struct TextSearcher {
    words: mpsc::Sender<String>,
    pub answers: UnboundedReceiver<Answer>,
}

impl TextSearcher {
    /// Starts the thread on the cache at `path`. The connection opens on the thread, so the
    /// caller does not wait for it.
    pub fn start(path: &Path) -> std::io::Result<TextSearcher> {
        let (words, inbox) = mpsc::channel::<String>();
        let (reply, answers) = unbounded_channel();
        let path = path.to_path_buf();
        std::thread::Builder::new()
            .name("text-search".into())
            .spawn(move || serve(&path, &inbox, &reply))?;
        Ok(TextSearcher { words, answers })
    }

    /// Asks for `word`; the answer comes on `answers`. A stopped thread answers nothing, and
    /// the filter then matches on the cards' own text alone.
    pub fn ask(&self, word: String) {
        let _ = self.words.send(word);
    }
}

fn serve(path: &Path, inbox: &mpsc::Receiver<String>, reply: &UnboundedSender<Answer>) {
    let conn = match store::open_reader(path) {
        Ok(conn) => conn,
        Err(err) => {
            tracing::warn!(error = %err, "full-text search is off: the cache did not open");
            return;
        }
    };
    while let Ok(word) = inbox.recv() {
        let ids = store::search_text(&conn, &word).unwrap_or_else(|err| {
            tracing::warn!(error = %err, "full-text search failed");
            HashSet::new()
        });
        if reply.send((word, ids)).is_err() {
            return;
        }
    }
}
