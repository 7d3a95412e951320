//! Cached metadata the pickers need (labels, milestones, members) and sync bookkeeping.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use crate::store::Result;
use crate::wire;
use crate::workflow::MilestoneInfo;

/// A project or group member, for the assignee picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub username: String,
    pub name: String,
}

pub fn upsert_labels(conn: &Connection, labels: &[wire::Label]) -> Result<()> {
    let tx = crate::store::write_tx(conn)?;
    for label in labels {
        tx.prepare_cached(
            "INSERT INTO labels (name, id, color, text_color, description) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET id = excluded.id, \
             color = excluded.color, text_color = excluded.text_color, \
             description = excluded.description",
        )?
        .execute(params![
            label.name,
            label.id,
            label.color,
            label.text_color,
            label.description
        ])?;
    }
    tx.commit()?;
    Ok(())
}

pub fn upsert_milestones(conn: &Connection, milestones: &[wire::Milestone]) -> Result<()> {
    let tx = crate::store::write_tx(conn)?;
    for m in milestones {
        tx.prepare_cached(
            "INSERT INTO milestones (id, iid, title, active, start_date, due_date, web_url) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET \
             iid = excluded.iid, title = excluded.title, active = excluded.active, \
             start_date = excluded.start_date, due_date = excluded.due_date, \
             web_url = excluded.web_url",
        )?
        .execute(params![
            m.id,
            m.iid,
            m.title,
            (m.state.as_deref() != Some("closed")) as i64,
            m.start_date.map(|d| d.to_string()),
            m.due_date.map(|d| d.to_string()),
            m.web_url
        ])?;
    }
    tx.commit()?;
    Ok(())
}

/// Milestones, active first, then by start date and title.
pub fn load_milestones(conn: &Connection) -> Result<Vec<MilestoneInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, active, start_date, due_date FROM milestones \
         ORDER BY active DESC, start_date IS NULL, start_date, title",
    )?;
    let rows = stmt.query_map([], |row| {
        let date = |idx: usize| -> rusqlite::Result<Option<NaiveDate>> {
            Ok(row
                .get::<_, Option<String>>(idx)?
                .and_then(|d| d.parse::<NaiveDate>().ok()))
        };
        Ok(MilestoneInfo {
            id: row.get(0)?,
            title: row.get(1)?,
            active: row.get::<_, i64>(2)? == 1,
            start_date: date(3)?,
            due_date: date(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn upsert_members(conn: &Connection, members: &[wire::User]) -> Result<()> {
    let tx = crate::store::write_tx(conn)?;
    for user in members {
        tx.prepare_cached(
            "INSERT INTO members (id, username, name, state) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (id) DO UPDATE SET username = excluded.username, \
             name = excluded.name, state = excluded.state",
        )?
        .execute(params![user.id, user.username, user.name, user.state])?;
    }
    tx.commit()?;
    Ok(())
}

/// Active members by username.
pub fn load_members(conn: &Connection) -> Result<Vec<Member>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, username, name FROM members WHERE state IS NULL OR state = 'active' \
         ORDER BY username",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(Member {
            id: row.get(0)?,
            username: row.get(1)?,
            name: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn get_state(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM sync_state WHERE key = ?1")?
        .query_row([key], |row| row.get(0))
        .optional()?)
}

pub fn delete_state(conn: &Connection, key: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM sync_state WHERE key = ?1")?
        .execute([key])?;
    Ok(())
}

pub fn set_state(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_state (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}
