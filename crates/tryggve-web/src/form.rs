//! The form model: input fields as the generic form template renders them,
//! and lenient deserializers so that one input struct reads both an HTML
//! form (strings, repeated fields) and an API JSON body (numbers, lists).

use serde::{Deserialize, Deserializer, Serialize};
use tryggve_core::FieldErrors;

/// One input of a form, ready for `templates/form_fields.html`.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `textarea`, `select`, `checkboxes`, `date`, `time`, `number`, `checkbox`.
    pub kind: &'static str,
    pub value: String,
    pub values: Vec<String>,
    pub options: Vec<(String, String)>,
    pub error: Option<String>,
    pub hint: &'static str,
    pub required: bool,
}

impl Field {
    pub fn new(name: &'static str, label: &'static str, kind: &'static str, value: &str) -> Field {
        Field {
            name,
            label,
            kind,
            value: value.to_owned(),
            values: vec![],
            options: vec![],
            error: None,
            hint: "",
            required: false,
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }

    pub fn options(mut self, options: Vec<(String, String)>) -> Self {
        self.options = options;
        self
    }

    pub fn values(mut self, values: &[String]) -> Self {
        self.values = values.to_vec();
        self
    }

    pub fn is_selected(&self, key: &str) -> bool {
        self.value == key || self.values.iter().any(|v| v == key)
    }

    pub fn is_checked(&self) -> bool {
        matches!(self.value.as_str(), "on" | "true" | "1")
    }
}

/// Attaches each error to its field; errors for fields not shown are returned.
pub fn attach_errors(fields: &mut [Field], errors: &FieldErrors) -> Vec<String> {
    let mut rest = vec![];
    for e in &errors.0 {
        match fields.iter_mut().find(|f| f.name == e.field) {
            Some(f) => f.error = Some(e.message.clone()),
            None => rest.push(format!("{}: {}", e.field, e.message)),
        }
    }
    rest
}

/// Accepts a string, a number, a boolean or null as a string ("" for null).
pub fn flex_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        S(String),
        I(i64),
        F(f64),
        B(bool),
        N(()),
    }
    Ok(match Option::<V>::deserialize(d)? {
        Some(V::S(s)) => s,
        Some(V::I(i)) => i.to_string(),
        Some(V::F(f)) => f.to_string(),
        Some(V::B(b)) => {
            if b {
                "on".into()
            } else {
                String::new()
            }
        }
        Some(V::N(())) | None => String::new(),
    })
}

/// A yes/no value: a JSON boolean or a form's `true`/`false`, as the string
/// `"true"` or `"false"`; empty when it was left out.
pub fn flex_flag<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        B(bool),
        S(String),
    }
    Ok(match Option::<V>::deserialize(d)? {
        Some(V::B(b)) => b.to_string(),
        Some(V::S(s)) => s,
        None => String::new(),
    })
}

/// Accepts a list (of strings or numbers), a single value, or a text with one
/// value per line (a textarea).
pub fn flex_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Item {
        S(String),
        I(i64),
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        List(Vec<Item>),
        One(Item),
        N(()),
    }
    let items = match Option::<V>::deserialize(d)? {
        Some(V::List(l)) => l,
        Some(V::One(i)) => vec![i],
        Some(V::N(())) | None => vec![],
    };
    Ok(items
        .into_iter()
        .flat_map(|i| match i {
            Item::S(s) => s.lines().map(|l| l.trim().to_owned()).collect::<Vec<_>>(),
            Item::I(n) => vec![n.to_string()],
        })
        .filter(|s| !s.is_empty())
        .collect())
}

/// Parses an optional id written as a string ("" = none).
pub fn opt_id(s: &str) -> Result<Option<i64>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i64>().map(Some).map_err(|_| format!("\"{t}\" är inget giltigt val."))
}

/// The version an edit is based on; required when editing.
pub fn version(s: &str) -> Result<i64, String> {
    s.trim().parse::<i64>().map_err(|_| "Versionen saknas: ladda om sidan och försök igen.".to_owned())
}

/// Refuses free text that holds personal data: shared records describe
/// places and situations, not people. `names` are the register's people who
/// are not staff (see `Person::staff`), from [`Lookups::private_names`] or
/// `Db::private_names`. The message says what was found and where, so the
/// user can rewrite it; the text itself is kept in the form.
///
/// [`Lookups::private_names`]: crate::resource::Lookups::private_names
pub fn check_personal_data(errors: &mut FieldErrors, field: &str, text: &str, names: &[String]) {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let found = tryggve_core::privacy::scan(text, &names);
    if found.is_empty() {
        return;
    }
    let what: Vec<String> =
        found.iter().map(|f| format!("{} (tecken {}–{})", f.kind.label(), f.start + 1, f.end)).collect();
    errors.add(
        field,
        format!(
            "Texten innehåller personuppgifter: {}. Skriv om den så att den beskriver platsen och situationen, inte personen.",
            what.join(", ")
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "flex_list")]
        ids: Vec<String>,
        #[serde(default, deserialize_with = "flex_string")]
        v: String,
    }

    #[test]
    fn one_input_struct_reads_forms_and_json() {
        let f: T = serde_html_form::from_str("ids=1&ids=2&v=3").unwrap();
        assert_eq!((f.ids, f.v), (vec!["1".to_string(), "2".to_string()], "3".to_string()));
        let j: T = serde_json::from_str(r#"{"ids": [1, "2"], "v": 3}"#).unwrap();
        assert_eq!((j.ids, j.v), (vec!["1".to_string(), "2".to_string()], "3".to_string()));
        let t: T = serde_html_form::from_str("ids=a%0D%0Ab%0D%0A%0D%0A").unwrap();
        assert_eq!(t.ids, vec!["a", "b"]);
        let n: T = serde_json::from_str(r#"{"ids": null, "v": null}"#).unwrap();
        assert!(n.ids.is_empty() && n.v.is_empty());
    }
}
