use serde_json::{Value, json};

use super::{GraphqlApi, run};
use crate::fake_gitlab::model::Model;
use crate::gitlab::discussions::HISTORY_QUERY;

fn model() -> Model {
    let issues = crate::demo::generate::generate(40, 11, crate::demo::generate::default_anchor());
    Model::new(issues, Vec::new())
}

fn ask(model: &Model, query: &str, variables: Value) -> (u16, Value) {
    let body = json!({ "query": query, "variables": variables }).to_string();
    run(model, body.as_bytes(), false)
}

fn messages(answer: &Value) -> Vec<String> {
    answer["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["message"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The first project with issues, and (iid, id) of its issues.
fn project_issues(model: &Model) -> (String, Vec<(i64, i64)>) {
    let project = model.projects[0].clone();
    let issues = model
        .issues
        .iter()
        .filter(|(_, i)| i.facts().project_id == project.id)
        .map(|(id, i)| (i.facts().iid.unwrap(), *id))
        .collect();
    (project.path_with_namespace, issues)
}

fn history_variables(project: &str, iids: &[(i64, i64)]) -> Value {
    json!({
        "project": project,
        "iids": iids.iter().map(|(iid, _)| iid.to_string()).collect::<Vec<_>>(),
        "after": null,
    })
}

#[test]
fn the_clients_history_query_is_valid_and_within_gitlabs_complexity() {
    let model = model();
    let (project, issues) = project_issues(&model);
    let doc = graphql_parser::parse_query::<&str>(HISTORY_QUERY).unwrap();
    let op = super::check::operation(
        &doc,
        None,
        history_variables(&project, &issues)
            .as_object()
            .unwrap()
            .clone(),
    )
    .unwrap();
    let complexity = super::check::check(&op, true).unwrap();
    // The figure the client's docs state; GitLab refuses above 250.
    assert_eq!(complexity, 108);
}

#[test]
fn label_changes_come_back_as_label_notes_in_time_order() {
    let model = model();
    let (project, issues) = project_issues(&model);
    let (status, answer) = ask(&model, HISTORY_QUERY, history_variables(&project, &issues));
    assert_eq!(status, 200);
    assert!(messages(&answer).is_empty(), "{answer}");
    let items = answer["data"]["project"]["workItems"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(items.len(), issues.len());
    let mut label_notes = 0;
    for item in items {
        let iid: i64 = item["iid"].as_str().unwrap().parse().unwrap();
        let id = issues.iter().find(|(i, _)| *i == iid).unwrap().1;
        // Only the notes widget answers the fragment; the others are empty objects.
        let widgets = item["widgets"].as_array().unwrap();
        let notes_widget: Vec<&Value> = widgets
            .iter()
            .filter(|w| w.get("discussions").is_some())
            .collect();
        assert_eq!(notes_widget.len(), 1);
        let discussions = &notes_widget[0]["discussions"];
        let nodes = discussions["nodes"].as_array().unwrap();
        let events = model.events_of(id).count();
        let notes = model.notes_of(id).count();
        assert!(nodes.len() <= notes + events);
        let times: Vec<&str> = nodes
            .iter()
            .map(|d| d["notes"]["nodes"][0]["createdAt"].as_str().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        for d in nodes {
            let note = &d["notes"]["nodes"][0];
            if note["systemNoteMetadata"]["action"] == "label" {
                label_notes += 1;
                assert!(
                    note["id"]
                        .as_str()
                        .unwrap()
                        .starts_with("gid://gitlab/LabelNote/")
                );
                let body = note["body"].as_str().unwrap();
                assert!(
                    body.starts_with("added ~") || body.starts_with("removed ~"),
                    "{body}"
                );
            }
        }
    }
    assert!(label_notes > 20, "{label_notes}");
}

#[test]
fn label_note_text_is_gitlabs() {
    let mut model = model();
    let (_, issues) = project_issues(&model);
    let id = issues[0].1;
    let when = chrono::Utc::now();
    let label_id = |m: &Model, name: &str| m.labels[name]["id"].as_i64().unwrap();
    for (label, add) in [("p::1", true), ("p::2", false), ("Partner Marketing", true)] {
        if !model.labels.contains_key(label) {
            model.labels.insert(
                label.into(),
                json!({"id": 900 + model.labels.len(), "name": label}),
            );
        }
        let event = model.next_id();
        model.push_event(crate::fake_gitlab::model::LabelEvent {
            id: event,
            issue_id: id,
            label: label.into(),
            add,
            user_id: 1,
            created_at: when,
        });
    }
    model.push_event(crate::fake_gitlab::model::LabelEvent {
        id: 6_000_000,
        issue_id: id,
        label: "deleted since".into(),
        add: true,
        user_id: 1,
        created_at: when,
    });
    let mut added = [
        label_id(&model, "p::1"),
        label_id(&model, "Partner Marketing"),
    ]
    .map(|i| format!("~{i}"));
    added.sort();
    let expected = format!(
        "added {} + 1 deleted label and removed ~{} label",
        added.join(" "),
        label_id(&model, "p::2")
    );
    let events: Vec<crate::fake_gitlab::model::LabelEvent> = model
        .events_of(id)
        .filter(|e| e.created_at == when)
        .collect();
    assert_eq!(super::resolve::label_note_body(&model, &events), expected);
}

#[test]
fn pages_of_discussions_follow_the_cursor_to_the_end() {
    let model = model();
    let (project, issues) = project_issues(&model);
    let busiest = issues
        .iter()
        .max_by_key(|(_, id)| model.events_of(*id).count() + model.notes_of(*id).count())
        .unwrap();
    let query = "query($p: ID!, $iids: [String!], $after: String) { project(fullPath: $p) {
        workItems(iids: $iids) { nodes { widgets { ... on WorkItemWidgetNotes {
          discussions(first: 2, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } } } } } } }";
    let mut after = Value::Null;
    let mut seen = Vec::new();
    loop {
        let (_, answer) = ask(
            &model,
            query,
            json!({"p": project, "iids": [busiest.0.to_string()], "after": after}),
        );
        let discussions =
            &answer["data"]["project"]["workItems"]["nodes"][0]["widgets"][0]["discussions"];
        let page = discussions["nodes"].as_array().unwrap();
        assert!(page.len() <= 2);
        seen.extend(page.iter().map(|d| d["id"].as_str().unwrap().to_string()));
        if discussions["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = discussions["pageInfo"]["endCursor"].clone();
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no discussion twice");
    assert!(seen.len() > 2, "several pages: {}", seen.len());
}

#[test]
fn what_graphql_ruby_refuses_the_fake_refuses() {
    let model = model();
    let (project, _) = project_issues(&model);
    let cases = [
        // Unknown field.
        (
            "{ project(fullPath: \"x\") { issuez { nodes { iid } } } }",
            json!({}),
            "Field 'issuez' doesn't exist on type 'Project'",
        ),
        // Variable declared with a type its argument does not take (ID! vs String!).
        (
            "query($p: String!) { project(fullPath: $p) { id } }",
            json!({"p": project}),
            "Type mismatch on variable $p and argument fullPath (String! / ID!)",
        ),
        // iids are strings.
        (
            "query($i: [String!]) { project(fullPath: \"a/b\") { workItems(iids: $i) { nodes { iid } } } }",
            json!({"i": [1, 2]}),
            "Variable $i of type [String!] was provided invalid value",
        ),
        // Missing required argument.
        (
            "{ project { id } }",
            json!({}),
            "Field 'project' is missing required arguments: fullPath",
        ),
        // A leaf with a selection, an object without one.
        (
            "{ project(fullPath: \"a\") { id { x } } }",
            json!({}),
            "Selections can't be made on scalars",
        ),
        (
            "{ project(fullPath: \"a\") { workItems } }",
            json!({}),
            "Field must have selections",
        ),
        // Unknown argument.
        (
            "{ project(fullPath: \"a\", foo: 1) { id } }",
            json!({}),
            "Field 'project' doesn't accept argument 'foo'",
        ),
        // Mutations are not served.
        ("mutation { x }", json!({}), "mutations"),
    ];
    for (query, variables, expected) in cases {
        let (status, answer) = ask(&model, query, variables);
        assert_eq!(status, 200);
        assert!(answer.get("data").is_none(), "{query}: {answer}");
        let all = messages(&answer).join(" | ");
        assert!(all.contains(expected), "{query}: {all}");
    }
}

#[test]
fn too_complex_a_query_is_refused_with_gitlabs_message() {
    let model = model();
    // Five work-item lists without iids, each with discussions: far above 250.
    let one = "workItems(first: 100) { nodes { widgets { ... on WorkItemWidgetNotes { discussions(first: 100) { nodes { notes { nodes { id body system createdAt author { username name id } } } } } } } } }";
    let query = format!(
        "{{ project(fullPath: \"a/b\") {{ {} }} }}",
        (0..5)
            .map(|n| format!("w{n}: {one}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (_, answer) = ask(&model, &query, json!({}));
    let all = messages(&answer).join(" | ");
    assert!(all.contains("which exceeds max complexity of 250"), "{all}");
}

#[test]
fn older_gitlabs_lack_work_items_or_graphql_altogether() {
    let mut model = model();
    let (project, issues) = project_issues(&model);
    model.graphql = GraphqlApi::WithoutWorkItems;
    let (status, answer) = ask(&model, HISTORY_QUERY, history_variables(&project, &issues));
    assert_eq!(status, 200);
    assert!(
        messages(&answer)
            .join(" ")
            .contains("Field 'workItems' doesn't exist on type 'Project'")
    );
    model.graphql = GraphqlApi::Absent;
    let (status, _) = ask(&model, HISTORY_QUERY, history_variables(&project, &issues));
    assert_eq!(status, 404);
}

#[test]
fn without_a_token_no_project_is_visible() {
    let model = model();
    let (project, issues) = project_issues(&model);
    let body = json!({ "query": HISTORY_QUERY, "variables": history_variables(&project, &issues) })
        .to_string();
    let (status, answer) = run(&model, body.as_bytes(), true);
    assert_eq!(status, 200);
    assert_eq!(answer["data"]["project"], Value::Null);
}
