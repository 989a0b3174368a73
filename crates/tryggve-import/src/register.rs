//! The register's names, for resolving what a file writes ("Trekantsparken",
//! "Sth.stads mobila OV", "Klotter") to records: case-insensitive, by name or
//! alias.

use tryggve_core::register::{Area, AreaKind, Organisation};
use tryggve_core::situation::IncidentCategory;
use tryggve_core::{AreaId, OrgId};

/// What importers resolve names against.
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub areas: Vec<Area>,
    pub organisations: Vec<Organisation>,
    pub categories: Vec<IncidentCategory>,
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Common words for the checklist's categories, as other systems write them.
const CATEGORY_SYNONYMS: &[(&str, &str)] = &[
    ("skadegörelse", "skadegorelse"),
    ("nedskräpning", "nedskrapning"),
    ("ordningsstörning", "ungdomar_stor"),
    ("ungdomar som stör", "ungdomar_stor"),
    ("narkotikaförsäljning", "narkotika"),
    ("narkotikabrott", "narkotika"),
    ("langning", "narkotika"),
    ("misshandel", "hot_vald"),
    ("hot", "hot_vald"),
    ("rån", "hot_vald"),
    ("olaga hot", "hot_vald"),
    ("fylleri", "berusade"),
    ("otrygg miljö", "otrygg_miljo"),
    ("belysning", "otrygg_miljo"),
    ("trafikbrott", "trafik"),
    ("buskörning", "trafik"),
    ("bilbrand", "brand"),
    ("explosion", "skottlossning"),
    ("stöld", "stold"),
    ("olovlig bosättning", "olovlig_bosattning"),
    ("övrigt", "ovrigt"),
];

impl Register {
    /// The category code for a code, a label or a common synonym.
    pub fn category(&self, s: &str) -> Option<String> {
        let n = norm(s);
        if let Some(c) = self.categories.iter().find(|c| norm(&c.code) == n || norm(&c.label) == n) {
            return Some(c.code.clone());
        }
        let code = CATEGORY_SYNONYMS.iter().find(|(w, _)| *w == n).map(|(_, c)| *c)?;
        self.categories.iter().any(|c| c.code == code).then(|| code.to_owned())
    }

    pub fn category_list(&self) -> String {
        self.categories.iter().map(|c| c.code.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// The area with this name or alias; places and districts before larger areas.
    pub fn area(&self, s: &str) -> Option<&Area> {
        let n = norm(s);
        let mut found: Vec<&Area> =
            self.areas.iter().filter(|a| norm(&a.name) == n || a.aliases.iter().any(|x| norm(x) == n)).collect();
        found.sort_by_key(|a| a.kind.size_rank());
        found.first().copied()
    }

    pub fn area_id(&self, s: &str) -> Option<AreaId> {
        self.area(s).map(|a| a.id)
    }

    pub fn organisation(&self, s: &str) -> Option<OrgId> {
        let n = norm(s);
        self.organisations.iter().find(|o| norm(&o.name) == n || o.aliases.iter().any(|x| norm(x) == n)).map(|o| o.id)
    }

    /// The most specific register area named in a free text: a place before a
    /// district before a district area, the longest name first. Names match
    /// whole words (a genitive "s" is allowed: "Älvsjös").
    pub fn area_in_text(&self, text: &str) -> Option<&Area> {
        let hay = text.to_lowercase();
        let mut best: Option<(&Area, usize)> = None;
        for a in &self.areas {
            if a.kind == AreaKind::Municipality {
                continue;
            }
            for name in std::iter::once(&a.name).chain(a.aliases.iter()) {
                let needle = name.to_lowercase();
                if needle.chars().count() < 4 || !contains_word(&hay, &needle) {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((b, len)) => {
                        a.kind.size_rank() < b.kind.size_rank() || (a.kind == b.kind && needle.len() > len)
                    }
                };
                if better {
                    best = Some((a, needle.len()));
                }
            }
        }
        best.map(|(a, _)| a)
    }
}

fn contains_word(hay: &str, needle: &str) -> bool {
    let mut start = 0;
    while let Some(i) = hay[start..].find(needle) {
        let at = start + i;
        let end = at + needle.len();
        let before = hay[..at].chars().next_back();
        let mut after = hay[end..].chars();
        let a1 = after.next();
        let ok_before = before.is_none_or(|c| !c.is_alphanumeric());
        let ok_after = match a1 {
            None => true,
            Some('s') => after.next().is_none_or(|c| !c.is_alphanumeric()),
            Some(c) => !c.is_alphanumeric(),
        };
        if ok_before && ok_after {
            return true;
        }
        start = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(id: i64, name: &str, kind: AreaKind) -> Area {
        Area {
            id: AreaId(id),
            parent_id: None,
            kind,
            name: name.into(),
            aliases: vec![],
            population: None,
            geometry: None,
            version: 1,
        }
    }

    #[test]
    fn the_most_specific_whole_word_name_in_a_text_wins() {
        let r = Register {
            areas: vec![
                area(1, "Älvsjö", AreaKind::District),
                area(2, "Älvsjö centrum", AreaKind::Place),
                area(3, "Solberga", AreaKind::District),
                area(4, "Hägersten", AreaKind::District),
            ],
            ..Default::default()
        };
        assert_eq!(r.area_in_text("Rån vid Älvsjö centrum i kväll").unwrap().id, AreaId(2));
        assert_eq!(r.area_in_text("Brand i Älvsjös industriområde").unwrap().id, AreaId(1));
        assert!(r.area_in_text("Bråk i Hägerstensåsen").is_none(), "no match inside a longer word");
        assert!(r.area_in_text("Stockholm").is_none());
    }
}
