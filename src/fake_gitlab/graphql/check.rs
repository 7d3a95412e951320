//! Validating a query against the served schema before running it, as graphql-ruby does for
//! GitLab: unknown fields and arguments, arguments of the wrong type, variables declared with
//! a type their argument does not take, missing required arguments, selections on leaves,
//! and GitLab's complexity and depth limits. Messages are graphql-ruby's.

use std::collections::HashMap;

use graphql_parser::query::{
    Definition, FragmentDefinition, OperationDefinition, Selection, SelectionSet, Type, Value,
    VariableDefinition,
};
use serde_json::{Map, Value as Json};

use crate::fake_gitlab::graphql::schema::{self, Cost, FieldDef};

pub type Doc<'q> = graphql_parser::query::Document<'q, &'q str>;
pub type Set<'q> = SelectionSet<'q, &'q str>;
pub type Fragments<'q> = HashMap<&'q str, &'q FragmentDefinition<'q, &'q str>>;

/// The operation to run, its variables with their values, and the document's fragments.
pub struct Operation<'q> {
    pub set: &'q Set<'q>,
    pub var_defs: &'q [VariableDefinition<'q, &'q str>],
    pub variables: Map<String, Json>,
    pub fragments: Fragments<'q>,
}

/// Picks the operation to run (`operationName`, or the only one). Mutations are refused: the
/// fake serves none.
pub fn operation<'q>(
    doc: &'q Doc<'q>,
    name: Option<&str>,
    variables: Map<String, Json>,
) -> Result<Operation<'q>, String> {
    let mut fragments = Fragments::new();
    let mut operations = Vec::new();
    for definition in &doc.definitions {
        match definition {
            Definition::Fragment(f) => {
                fragments.insert(f.name, f);
            }
            Definition::Operation(op) => operations.push(op),
        }
    }
    let named = |op: &&OperationDefinition<'q, &'q str>| match op {
        OperationDefinition::Query(q) => q.name,
        OperationDefinition::Mutation(m) => m.name,
        OperationDefinition::Subscription(s) => s.name,
        OperationDefinition::SelectionSet(_) => None,
    };
    let chosen = match name {
        Some(wanted) => operations
            .iter()
            .find(|op| named(op) == Some(wanted))
            .ok_or_else(|| format!("No operation named \"{wanted}\""))?,
        None if operations.len() == 1 => &operations[0],
        None => {
            return Err(
                "An operation name is required when a document holds several operations".into(),
            );
        }
    };
    let (set, var_defs) = match chosen {
        OperationDefinition::Query(q) => (&q.selection_set, q.variable_definitions.as_slice()),
        OperationDefinition::SelectionSet(s) => (s, &[][..]),
        OperationDefinition::Mutation(_) => {
            return Err("Schema is not configured for mutations in this fake".into());
        }
        OperationDefinition::Subscription(_) => {
            return Err("Subscriptions are not served over HTTP".into());
        }
    };
    Ok(Operation {
        set,
        var_defs,
        variables,
        fragments,
    })
}

/// `[String!]!` as written.
pub fn type_string<'a>(ty: &Type<'a, &'a str>) -> String {
    match ty {
        Type::NamedType(name) => (*name).to_string(),
        Type::ListType(inner) => format!("[{}]", type_string(inner)),
        Type::NonNullType(inner) => format!("{}!", type_string(inner)),
    }
}

/// Does a JSON value coerce to the input type written `ty`?
fn coerces(value: &Json, ty: &str) -> bool {
    if let Some(inner) = ty.strip_suffix('!') {
        return !value.is_null() && coerces(value, inner);
    }
    if value.is_null() {
        return true;
    }
    if let Some(item) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return match value {
            Json::Array(items) => items.iter().all(|v| coerces(v, item)),
            // A single value is read as a list of one.
            single => coerces(single, item),
        };
    }
    match ty {
        "String" | "Time" | "WorkItemID" | "NoteID" | "UserID" => value.is_string(),
        "ID" => value.is_string() || value.is_i64(),
        "Int" => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        "Boolean" => value.is_boolean(),
        other => match schema::enum_values(other) {
            Some(values) => value.as_str().is_some_and(|v| values.contains(&v)),
            None => false,
        },
    }
}

/// A literal argument as JSON (variables looked up), for coercion checks and resolvers.
pub fn to_json<'a>(value: &Value<'a, &'a str>, op: &Operation<'_>) -> Json {
    match value {
        Value::Variable(name) => variable(op, name).unwrap_or(Json::Null),
        Value::Int(n) => n.as_i64().map_or(Json::Null, Json::from),
        Value::Float(f) => Json::from(*f),
        Value::String(s) => Json::from(s.clone()),
        Value::Boolean(b) => Json::from(*b),
        Value::Null => Json::Null,
        Value::Enum(e) => Json::from(*e),
        Value::List(items) => Json::Array(items.iter().map(|v| to_json(v, op)).collect()),
        Value::Object(fields) => Json::Object(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_string(), to_json(v, op)))
                .collect(),
        ),
    }
}

/// A variable's value: sent, else its default.
fn variable(op: &Operation<'_>, name: &str) -> Option<Json> {
    if let Some(value) = op.variables.get(name) {
        return Some(value.clone());
    }
    let def = op.var_defs.iter().find(|d| d.name == name)?;
    def.default_value.as_ref().map(|v| to_json(v, op))
}

/// A field's arguments by name, variables resolved.
pub fn arguments<'a>(
    field: &graphql_parser::query::Field<'a, &'a str>,
    op: &Operation<'_>,
) -> Map<String, Json> {
    field
        .arguments
        .iter()
        .map(|(name, value)| ((*name).to_string(), to_json(value, op)))
        .collect()
}

/// Can a variable declared `declared` feed an argument of type `wanted`? The same type, or a
/// non-null variable where the argument is nullable.
fn fits(declared: &str, wanted: &str) -> bool {
    declared == wanted || declared.strip_suffix('!') == Some(wanted)
}

struct Checker<'o, 'q> {
    op: &'o Operation<'q>,
    work_items: bool,
    errors: Vec<String>,
    depth: usize,
}

impl<'q> Checker<'_, 'q> {
    /// Every field selected on `ty` (fragments expanded that may apply), with whether it
    /// applies to the concrete type `concrete`.
    fn fields_for<'s>(
        &mut self,
        set: &'s Set<'q>,
        ty: &str,
        concrete: &str,
        out: &mut Vec<&'s graphql_parser::query::Field<'q, &'q str>>,
    ) where
        'q: 's,
    {
        for item in &set.items {
            match item {
                Selection::Field(f) => out.push(f),
                Selection::InlineFragment(inline) => {
                    let applies = match &inline.type_condition {
                        Some(graphql_parser::query::TypeCondition::On(cond)) => {
                            self.condition_ok(cond, ty) && schema::applies(cond, concrete)
                        }
                        None => true,
                    };
                    if applies {
                        self.fields_for(&inline.selection_set, ty, concrete, out);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let Some(fragment) = self.op.fragments.get(spread.fragment_name).copied()
                    else {
                        self.errors.push(format!(
                            "Fragment {} was used, but not defined",
                            spread.fragment_name
                        ));
                        continue;
                    };
                    let graphql_parser::query::TypeCondition::On(cond) = fragment.type_condition;
                    if self.condition_ok(cond, ty) && schema::applies(cond, concrete) {
                        self.fields_for(&fragment.selection_set, ty, concrete, out);
                    }
                }
            }
        }
    }

    fn condition_ok(&mut self, cond: &str, ty: &str) -> bool {
        if !schema::is_type(cond) {
            self.errors.push(format!(
                "No such type {cond}, so it can't be a fragment condition"
            ));
            return false;
        }
        let overlaps = schema::possible_types(ty)
            .iter()
            .any(|concrete| schema::applies(cond, concrete));
        if !overlaps {
            self.errors
                .push(format!("Fragment on {cond} can't be spread inside {ty}"));
        }
        overlaps
    }

    /// Checks a selection on `ty` and returns its complexity (the most expensive of the
    /// concrete types it may be).
    fn selection(&mut self, set: &Set<'q>, ty: &str, depth: usize) -> u32 {
        self.depth = self.depth.max(depth);
        let mut most = 0;
        for concrete in schema::possible_types(ty) {
            let mut fields = Vec::new();
            self.fields_for(set, ty, concrete, &mut fields);
            let mut sum = 0;
            for field in fields {
                // Fields on an abstract type must exist on the interface itself unless asked
                // for inside a fragment; checking against the concrete type is close enough
                // for the fields the fake serves.
                sum += self.field(field, concrete, depth);
            }
            most = most.max(sum);
        }
        most
    }

    fn field(
        &mut self,
        field: &graphql_parser::query::Field<'q, &'q str>,
        ty: &str,
        depth: usize,
    ) -> u32 {
        let Some(def) = schema::field(ty, field.name, self.work_items) else {
            self.errors.push(format!(
                "Field '{}' doesn't exist on type '{ty}'",
                field.name
            ));
            return 0;
        };
        self.arguments(field, &def);
        let leaf = schema::is_scalar(def.returns) || schema::enum_values(def.returns).is_some();
        let has_selection = !field.selection_set.items.is_empty();
        let children = match (leaf, has_selection) {
            (true, true) => {
                self.errors.push(format!(
                    "Selections can't be made on scalars (field '{}' returns {} but has selections)",
                    field.name, def.returns
                ));
                0
            }
            (false, false) => {
                self.errors.push(format!(
                    "Field must have selections (field '{}' returns {} but has no selections. Did you mean '{} {{ ... }}'?)",
                    field.name, def.returns, field.name
                ));
                0
            }
            (true, false) => 0,
            (false, true) => self.selection(&field.selection_set, def.returns, depth + 1),
        };
        self.price(field, &def, children)
    }

    fn price(
        &self,
        field: &graphql_parser::query::Field<'q, &'q str>,
        def: &FieldDef,
        children: u32,
    ) -> u32 {
        match def.cost {
            Cost::Plain => 1 + children,
            Cost::Free => children,
            Cost::Resolver {
                own,
                per_item,
                by_iid_free,
            } => {
                let args = arguments(field, self.op);
                let by_iid = ["iid", "iids"]
                    .iter()
                    .any(|k| args.get(*k).is_some_and(|v| !v.is_null()));
                let per_item = if by_iid && by_iid_free { 0.0 } else { per_item };
                let limit = ["first", "last"]
                    .iter()
                    .filter_map(|k| args.get(*k).and_then(Json::as_u64))
                    .chain([schema::MAX_PAGE_SIZE as u64])
                    .min()
                    .unwrap_or(schema::MAX_PAGE_SIZE as u64);
                let base = f64::from(children + own);
                (base + base * limit as f64 * per_item) as u32
            }
        }
    }

    fn arguments(&mut self, field: &graphql_parser::query::Field<'q, &'q str>, def: &FieldDef) {
        for (name, value) in &field.arguments {
            let Some(arg) = def.arg(name) else {
                self.errors.push(format!(
                    "Field '{}' doesn't accept argument '{name}'",
                    field.name
                ));
                continue;
            };
            if let Value::Variable(var) = value {
                match self.op.var_defs.iter().find(|d| d.name == *var) {
                    None => self.errors.push(format!(
                        "Variable ${var} is used by the operation but not declared"
                    )),
                    Some(declared) => {
                        let declared = type_string(&declared.var_type);
                        if !fits(&declared, arg.ty) {
                            self.errors.push(format!(
                                "Type mismatch on variable ${var} and argument {name} ({declared} / {})",
                                arg.ty
                            ));
                        }
                    }
                }
            } else if !coerces(&to_json(value, self.op), arg.ty) {
                self.errors.push(format!(
                    "Argument '{name}' on Field '{}' has an invalid value ({value}). Expected type '{}'.",
                    field.name, arg.ty
                ));
            }
        }
        let missing: Vec<&str> = def
            .args
            .iter()
            .filter(|a| a.ty.ends_with('!'))
            .filter(|a| !field.arguments.iter().any(|(n, _)| *n == a.name))
            .map(|a| a.name)
            .collect();
        if !missing.is_empty() {
            self.errors.push(format!(
                "Field '{}' is missing required arguments: {}",
                field.name,
                missing.join(", ")
            ));
        }
    }
}

/// Validates the operation; on success, its complexity.
pub fn check(op: &Operation<'_>, work_items: bool) -> Result<u32, Vec<String>> {
    let mut errors = Vec::new();
    for def in op.var_defs {
        let ty = type_string(&def.var_type);
        if let Some(value) = variable(op, def.name)
            && !coerces(&value, &ty)
        {
            errors.push(format!(
                "Variable ${} of type {ty} was provided invalid value",
                def.name
            ));
        } else if ty.ends_with('!') && variable(op, def.name).is_none() {
            errors.push(format!(
                "Variable ${} of type {ty} was provided invalid value",
                def.name
            ));
        }
    }
    let mut checker = Checker {
        op,
        work_items,
        errors,
        depth: 0,
    };
    let complexity = checker.selection(op.set, "Query", 1);
    let mut errors = checker.errors;
    if errors.is_empty() {
        if checker.depth > schema::MAX_DEPTH {
            errors.push(format!(
                "Query has depth of {}, which exceeds max depth of {}",
                checker.depth,
                schema::MAX_DEPTH
            ));
        }
        if complexity > schema::MAX_COMPLEXITY {
            errors.push(format!(
                "Query has complexity of {complexity}, which exceeds max complexity of {}",
                schema::MAX_COMPLEXITY
            ));
        }
    }
    if errors.is_empty() {
        Ok(complexity)
    } else {
        errors.dedup();
        Err(errors)
    }
}
