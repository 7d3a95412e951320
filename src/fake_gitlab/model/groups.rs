//! Groups and projects: the group tree built from the seeded projects' paths, where each label
//! is defined, archiving a project and deleting a label.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::fake_gitlab::model::{Group, Model, Owner, Project};
use crate::fake_gitlab::stored::StoredIssue;

impl Model {
    /// Groups from the projects' paths; ids from the milestones that name their group (GitLab's
    /// `group_id` with a `web_url` under `/groups/<path>/`), else made up. The board's group is
    /// the deepest one holding every project. Seeded labels belong to the deepest group holding
    /// every project whose issues carry them, so a label used only in a subgroup is that
    /// subgroup's.
    pub(super) fn build_groups(&mut self) {
        let mut paths: Vec<String> = Vec::new();
        for project in &self.projects {
            let mut path = project.namespace().to_string();
            while !path.is_empty() {
                paths.push(path.clone());
                path = path
                    .rsplit_once('/')
                    .map_or(String::new(), |(up, _)| up.to_string());
            }
        }
        paths.sort();
        paths.dedup();
        let known_ids: BTreeMap<String, i64> = self
            .milestones
            .values()
            .filter_map(|m| {
                let id = m["group_id"].as_i64()?;
                let url = m["web_url"].as_str()?;
                let path = url.split("/groups/").nth(1)?.split("/-/").next()?;
                Some((path.to_string(), id))
            })
            .collect();
        let common = common_namespace(self.projects.iter().map(Project::namespace));
        self.group_path = if common.is_empty() {
            "strategic-marketing".into()
        } else {
            common
        };
        if paths.is_empty() {
            paths.push(self.group_path.clone());
        }
        let mut made_up = 900_000;
        self.groups = paths
            .into_iter()
            .map(|full_path| {
                let id = known_ids.get(&full_path).copied().unwrap_or_else(|| {
                    if full_path == self.group_path {
                        77
                    } else {
                        made_up += 1;
                        made_up
                    }
                });
                Group { id, full_path }
            })
            .collect();
        self.group_id = self.group(&self.group_path).map_or(self.group_id, |g| g.id);
        let board_group = self.group_id;
        // Milestones without a known owner are the board group's.
        let owners: Vec<i64> = self.groups.iter().map(|g| g.id).collect();
        for milestone in self.milestones.values_mut() {
            let owned = milestone["group_id"]
                .as_i64()
                .is_some_and(|g| owners.contains(&g))
                || milestone["project_id"].as_i64().is_some();
            if !owned {
                milestone["group_id"] = json!(board_group);
            }
        }
        // Each label's projects (a set: ten thousand issues name a few projects).
        let mut used_in: BTreeMap<&str, BTreeSet<i64>> = BTreeMap::new();
        for issue in self.issues.values() {
            let facts = issue.facts();
            for name in &facts.labels {
                used_in.entry(name).or_default().insert(facts.project_id);
            }
        }
        let namespace_of = |project: &i64| {
            self.projects
                .iter()
                .find(|p| p.id == *project)
                .map(Project::namespace)
        };
        let mut owners_found = Vec::new();
        for name in self.labels.keys() {
            let namespace = used_in
                .get(name.as_str())
                .map(|projects| common_namespace(projects.iter().filter_map(namespace_of)))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| self.group_path.clone());
            let owner = self.group(&namespace).map_or(board_group, |g| g.id);
            owners_found.push((name.clone(), owner));
        }
        for (name, owner) in owners_found {
            self.label_owners.entry(name).or_insert(Owner::Group(owner));
        }
    }

    /// Deletes a label as GitLab does: it goes from every issue; its events stay, naming no
    /// label (`"label": null`).
    pub fn delete_label(&mut self, name: &str) {
        self.labels.remove(name);
        self.label_owners.remove(name);
        let carrying: Vec<i64> = self
            .issues
            .iter()
            .filter(|(_, issue)| issue.facts().has_label(name))
            .map(|(id, _)| *id)
            .collect();
        for id in carrying {
            let Some(mut issue) = self.issues.get(&id).map(StoredIssue::value) else {
                continue;
            };
            if let Some(labels) = issue["labels"].as_array_mut() {
                labels.retain(|l| l.as_str() != Some(name));
            }
            self.store_issue(id, &issue);
        }
    }

    /// Archives a project (by id or path): read-only, and out of group issue lists.
    pub fn archive_project(&mut self, id_or_path: &str) -> Result<(), String> {
        let id = self
            .project(id_or_path)
            .map(|p| p.id)
            .ok_or_else(|| format!("no project `{id_or_path}`"))?;
        self.archived.insert(id);
        Ok(())
    }

    /// A group by numeric id or full path.
    pub fn group(&self, id_or_path: &str) -> Option<&Group> {
        let id = id_or_path.parse::<i64>().ok();
        self.groups
            .iter()
            .find(|g| Some(g.id) == id || g.full_path == id_or_path)
    }

    /// The group and every group above it, nearest first.
    pub fn group_and_ancestors(&self, group: &Group) -> Vec<i64> {
        self.groups
            .iter()
            .filter(|g| g.contains_path(&group.full_path))
            .map(|g| (g.full_path.len(), g.id))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .rev()
            .map(|(_, id)| id)
            .collect()
    }

    /// The groups below `group` (not itself).
    pub fn descendants(&self, group: &Group) -> Vec<i64> {
        self.groups
            .iter()
            .filter(|g| g.id != group.id && group.contains_path(&g.full_path))
            .map(|g| g.id)
            .collect()
    }

    /// The group a project lives in.
    pub fn project_group(&self, project: &Project) -> Option<&Group> {
        self.groups
            .iter()
            .find(|g| g.full_path == project.namespace())
    }
}

/// The deepest path that every one of `paths` is at or below.
fn common_namespace<'a>(paths: impl Iterator<Item = &'a str>) -> String {
    let mut common: Option<Vec<&str>> = None;
    for path in paths {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        common = Some(match common {
            None => parts,
            Some(so_far) => so_far
                .iter()
                .zip(&parts)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    common.unwrap_or_default().join("/")
}
