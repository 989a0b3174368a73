//! The situation picture of one area and period, as a view model: counts per
//! period, change against a baseline, districts compared, hotspots and
//! repeat places. Built from the incidents the viewer may see; served by the
//! API now and rendered as the lägesbild later.

use crate::error::AppError;
use crate::resource::Lookups;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use tryggve_analysis::isoweek::Date;
use tryggve_analysis::picture::{self, Granularity, Record};
use tryggve_core::register::AreaKind;
use tryggve_core::situation::{PositionPrecision, Reliability, SourceKind};
use tryggve_core::{AreaId, FieldErrors, Viewer};
use tryggve_db::Db;
use tryggve_db::situation::IncidentFilter;

/// What the caller asks for (query string of `/api/v1/situation`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PictureQuery {
    pub area: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// How many earlier weeks (or months) the last week (month) of the period is
    /// tested against (default: the rest of the period, at least one).
    pub baseline: Option<String>,
    /// `week` (default) or `month`.
    pub granularity: Option<String>,
    /// Comma-separated filters.
    pub category: Option<String>,
    pub source_kind: Option<String>,
    pub reliability: Option<String>,
    /// Hotspot grid cell in metres (default 250).
    pub cell: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Picture {
    pub area: AreaRef,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub granularity: String,
    pub baseline_periods: u32,
    /// The change test looks at `change_from..=to` against the `baseline_periods` periods before.
    pub change_from: NaiveDate,
    /// Always shown beside the figures.
    pub note: String,
    pub totals: Vec<KindCount>,
    pub by_category: Vec<CategoryCount>,
    pub series: Vec<Series>,
    pub districts: Vec<DistrictComparison>,
    pub changes: Vec<ChangeRow>,
    pub hotspots: Vec<HotspotRow>,
    pub repeat_places: Vec<RepeatRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AreaRef {
    pub id: AreaId,
    pub name: String,
    pub kind: AreaKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KindCount {
    pub source_kind: SourceKind,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryCount {
    pub source_kind: SourceKind,
    pub category: String,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Series {
    pub source_kind: SourceKind,
    pub category: String,
    pub points: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DistrictComparison {
    pub source_kind: SourceKind,
    pub rows: Vec<DistrictRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DistrictRow {
    pub area_id: AreaId,
    pub name: String,
    pub population: Option<i64>,
    pub count: u64,
    pub rate_per_1000: Option<f64>,
    pub share_of_incidents: f64,
    pub share_of_population: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeRow {
    pub source_kind: SourceKind,
    pub category: String,
    pub area_id: Option<AreaId>,
    pub area_name: String,
    pub observed: u64,
    pub expected: f64,
    pub p_increase: f64,
    pub p_decrease: f64,
    /// `increase`, `decrease` or `none` (at p < 0.05; never for small numbers).
    pub direction: String,
    pub small_numbers: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HotspotRow {
    pub cell_x: f64,
    pub cell_y: f64,
    pub count: u64,
    pub gi_star_z: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RepeatRow {
    pub area_id: AreaId,
    pub name: String,
    pub count: u64,
    pub previous: u64,
}

/// Filters of the incident list (`/api/v1/incidents`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IncidentQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub area: Option<String>,
    pub category: Option<String>,
    pub source_kind: Option<String>,
    pub reliability: Option<String>,
    pub limit: Option<String>,
}

/// Checks the list's filters; an area includes everything below it.
pub async fn incident_filter(db: &Db, q: &IncidentQuery) -> Result<IncidentFilter, AppError> {
    let lk = Lookups::load(db).await?;
    let mut e = FieldErrors::new();
    let opt_date = |e: &mut FieldErrors, field: &str, s: &Option<String>| match s.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => e.check(field, tryggve_core::text::date(d)),
        _ => None,
    };
    let from = opt_date(&mut e, "from", &q.from);
    let to = opt_date(&mut e, "to", &q.to);
    let area_ids = match q.area.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => match lk.areas.iter().find(|x| x.id.0.to_string() == a || x.name.eq_ignore_ascii_case(a)) {
            Some(area) => descendants(&lk, area.id),
            None => {
                e.add("area", "Okänt område.");
                vec![]
            }
        },
        None => vec![],
    };
    let categories = list(&q.category, "category", &mut e, |c| {
        lk.categories
            .iter()
            .find(|x| x.code == c)
            .map(|x| x.code.clone())
            .ok_or_else(|| format!("Okänd kategori \"{c}\"."))
    });
    let source_kinds = list(&q.source_kind, "source_kind", &mut e, SourceKind::parse);
    let reliability = list(&q.reliability, "reliability", &mut e, Reliability::parse);
    let limit = match q.limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => e.check(
            "limit",
            l.parse::<i64>()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .ok_or_else(|| "Ett heltal 1–100000.".to_string()),
        ),
        None => Some(1000),
    };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    Ok(IncidentFilter { from, to, area_ids, categories, source_kinds, reliability, limit, newest_first: true })
}

/// An area and every area below it.
pub fn descendants(lk: &Lookups, root: AreaId) -> Vec<AreaId> {
    let mut inside = vec![root];
    let mut k = 0;
    while k < inside.len() {
        let parent = inside[k];
        inside.extend(lk.areas.iter().filter(|a| a.parent_id == Some(parent)).map(|a| a.id));
        k += 1;
    }
    inside
}

pub const NOTE: &str = "Polisens händelsenotiser, anmälda brott, iakttagelser och upplevd otrygghet är olika saker: \
    de räknas var för sig och läggs aldrig ihop.";

fn list<T>(s: &Option<String>, field: &str, e: &mut FieldErrors, parse: impl Fn(&str) -> Result<T, String>) -> Vec<T> {
    s.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .filter_map(|x| e.check(field, parse(x)))
        .collect()
}

fn date(d: NaiveDate) -> Date {
    Date::new(d.year(), d.month(), d.day()).expect("a valid calendar date")
}

/// Builds the picture; bad parameters are field errors.
pub async fn build(db: &Db, viewer: &Viewer, q: &PictureQuery, today: NaiveDate) -> Result<Picture, AppError> {
    let checked = check(db, viewer, q, today).await?;
    compute(db, viewer, &checked).await
}

/// A picture's query, checked: its area and period settled, with the
/// register it was checked against.
pub(crate) struct Checked {
    pub lk: Lookups,
    pub area: tryggve_core::register::Area,
    pub from: NaiveDate,
    pub to: NaiveDate,
    baseline: u32,
    granularity: Granularity,
    cell: f64,
    categories: Vec<String>,
    source_kinds: Vec<SourceKind>,
    reliability: Vec<Reliability>,
}

/// Checks a picture's query (bad parameters are field errors) and settles
/// its period, so that other reads of the period can start beside `compute`.
pub(crate) async fn check(db: &Db, viewer: &Viewer, q: &PictureQuery, today: NaiveDate) -> Result<Checked, AppError> {
    let lk = Lookups::load(db).await?;
    let mut e = FieldErrors::new();
    let area = match q.area.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(a) => lk.areas.iter().find(|x| x.id.0.to_string() == a || x.name.eq_ignore_ascii_case(a)).cloned(),
        None => lk.areas.iter().find(|x| x.kind == AreaKind::DistrictArea).cloned(),
    };
    if area.is_none() {
        e.add("area", "Okänt område.");
    }
    let to = match q.to.as_deref() {
        Some(s) if !s.is_empty() => e.check("to", tryggve_core::text::date(s)),
        // By default the period ends with the newest incident (today at the latest), so that a
        // picture whose sources have paused still shows their last twelve weeks.
        _ => match &area {
            Some(a) => {
                let newest = db
                    .incidents(
                        viewer,
                        &IncidentFilter {
                            to: Some(today),
                            area_ids: descendants(&lk, a.id),
                            limit: Some(1),
                            newest_first: true,
                            ..Default::default()
                        },
                    )
                    .await?;
                Some(newest.first().map_or(today, |i| i.local_date().min(today)))
            }
            None => Some(today),
        },
    };
    let from = match q.from.as_deref() {
        Some(s) if !s.is_empty() => e.check("from", tryggve_core::text::date(s)),
        _ => to.map(|t| t - chrono::Duration::days(7 * 12 - 1)),
    };
    if let (Some(f), Some(t)) = (from, to)
        && (t < f || (t - f).num_days() > 3660)
    {
        e.add("to", "Perioden måste sluta efter att den börjar och vara högst tio år.");
    }
    let baseline = match q.baseline.as_deref() {
        Some(s) if !s.is_empty() => e.check(
            "baseline",
            s.parse::<u32>().ok().filter(|b| (1..=52).contains(b)).ok_or_else(|| "Ett heltal 1–52.".to_string()),
        ),
        _ => Some(0),
    };
    let granularity = match q.granularity.as_deref().unwrap_or("week") {
        "week" | "" => Granularity::Week,
        "month" => Granularity::Month,
        other => {
            e.add("granularity", format!("\"{other}\": välj week eller month."));
            Granularity::Week
        }
    };
    let cell = match q.cell.as_deref() {
        Some(s) if !s.is_empty() => e.check(
            "cell",
            s.parse::<f64>()
                .ok()
                .filter(|c| (10.0..=10_000.0).contains(c))
                .ok_or_else(|| "Cellstorlek 10–10000 meter.".to_string()),
        ),
        _ => Some(250.0),
    };
    let categories = list(&q.category, "category", &mut e, |c| {
        lk.categories
            .iter()
            .find(|x| x.code == c)
            .map(|x| x.code.clone())
            .ok_or_else(|| format!("Okänd kategori \"{c}\"."))
    });
    let source_kinds = list(&q.source_kind, "source_kind", &mut e, SourceKind::parse);
    let reliability = list(&q.reliability, "reliability", &mut e, Reliability::parse);
    let (Some(area), Some(from), Some(to), Some(baseline), Some(cell)) = (area, from, to, baseline, cell) else {
        return Err(AppError::Invalid(e));
    };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    Ok(Checked { lk, area, from, to, baseline, granularity, cell, categories, source_kinds, reliability })
}

/// The picture of a checked query.
pub(crate) async fn compute(db: &Db, viewer: &Viewer, c: &Checked) -> Result<Picture, AppError> {
    let (lk, area, from, to, granularity, cell) = (&c.lk, &c.area, c.from, c.to, c.granularity, c.cell);
    let inside = descendants(lk, area.id);
    // Change is tested for the period's last week (or four weeks) against the weeks before it.
    let period_days = (to - from).num_days() + 1;
    let window = match granularity {
        Granularity::Week => 7,
        Granularity::Month => 28,
    }
    .min(period_days);
    let baseline = if c.baseline == 0 { ((period_days / window) - 1).clamp(1, 52) as u32 } else { c.baseline };
    let change_from = to - chrono::Duration::days(window - 1);
    let earliest = from.min(change_from - chrono::Duration::days(window * baseline as i64));
    // Only the columns the picture counts: a district's twelve weeks can hold thousands of incidents.
    let incidents = db
        .incident_facts(
            viewer,
            &IncidentFilter {
                from: Some(earliest),
                to: Some(to),
                area_ids: inside.clone(),
                categories: c.categories.clone(),
                source_kinds: c.source_kinds.clone(),
                reliability: c.reliability.clone(),
                ..Default::default()
            },
        )
        .await?;

    let index_of = |id: AreaId| lk.areas.iter().position(|a| a.id == id);
    // The district an area lies in (itself for a district), for comparing districts.
    let district_of = |id: AreaId| -> Option<usize> {
        let mut cur = lk.areas.iter().find(|a| a.id == id)?;
        loop {
            if cur.kind == AreaKind::District {
                return index_of(cur.id);
            }
            cur = lk.areas.iter().find(|a| Some(a.id) == cur.parent_id)?;
        }
    };
    let cat_index = |c: &str| lk.categories.iter().position(|x| x.code == c).unwrap_or(usize::MAX);
    let kind_index = |k: SourceKind| SourceKind::ALL.iter().position(|x| *x == k).unwrap_or(0);
    let to_record = |i: &tryggve_db::situation::IncidentFact, area: Option<usize>| Record {
        date: date(i.date),
        kind: kind_index(i.source_kind),
        category: cat_index(&i.category),
        area,
        point: match (i.position_precision, i.lon, i.lat) {
            (PositionPrecision::Exact, Some(lon), Some(lat)) => Some((lon, lat)),
            _ => None,
        },
    };
    let by_district: Vec<Record> = incidents.iter().map(|i| to_record(i, i.area_id.and_then(district_of))).collect();
    let by_place: Vec<Record> = incidents.iter().map(|i| to_record(i, i.area_id.and_then(index_of))).collect();
    let (f, t) = (date(from), date(to));

    let cat_code = |c: usize| lk.categories.get(c).map_or_else(String::new, |x| x.code.clone());
    let cat_label = |c: usize| lk.categories.get(c).map_or_else(String::new, |x| x.label.clone());
    let in_period = |r: &&Record| r.date >= f && r.date <= t;
    let mut totals = vec![];
    let mut by_category = vec![];
    for (ki, kind) in SourceKind::ALL.iter().enumerate() {
        let n = by_district.iter().filter(in_period).filter(|r| r.kind == ki).count() as u64;
        if n > 0 {
            totals.push(KindCount { source_kind: *kind, label: kind.label().to_owned(), count: n });
        }
        for c in 0..lk.categories.len() {
            let n = by_district.iter().filter(in_period).filter(|r| r.kind == ki && r.category == c).count() as u64;
            if n > 0 {
                by_category.push(CategoryCount {
                    source_kind: *kind,
                    category: cat_code(c),
                    label: cat_label(c),
                    count: n,
                });
            }
        }
    }
    let series = picture::series(&by_district, f, t, granularity)
        .into_iter()
        .map(|((k, c), points)| Series { source_kind: SourceKind::ALL[k], category: cat_code(c), points })
        .collect();
    let districts_in: Vec<(usize, Option<i64>)> = lk
        .areas
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == AreaKind::District && inside.contains(&a.id))
        .map(|(k, a)| (k, a.population))
        .collect();
    let districts = totals
        .iter()
        .map(|kc| DistrictComparison {
            source_kind: kc.source_kind,
            rows: picture::shares(&by_district, f, t, kind_index(kc.source_kind), &districts_in)
                .into_iter()
                .map(|s| DistrictRow {
                    area_id: lk.areas[s.area].id,
                    name: lk.areas[s.area].name.clone(),
                    population: lk.areas[s.area].population,
                    count: s.count,
                    rate_per_1000: s.rate_per_1000,
                    share_of_incidents: s.share_of_incidents,
                    share_of_population: s.share_of_population,
                })
                .collect(),
        })
        .collect();
    let changes = picture::changes(&by_district, date(change_from), t, baseline)
        .into_iter()
        .take(100)
        .map(|c| ChangeRow {
            source_kind: SourceKind::ALL[c.kind],
            category: cat_code(c.category),
            area_id: c.area.map(|a| lk.areas[a].id),
            area_name: c.area.map_or_else(|| area.name.clone(), |a| lk.areas[a].name.clone()),
            observed: c.observed,
            expected: c.expected,
            p_increase: c.p_increase,
            p_decrease: c.p_decrease,
            direction: match c.direction(0.05) {
                1 => "increase",
                -1 => "decrease",
                _ => "none",
            }
            .to_owned(),
            small_numbers: c.small_numbers,
        })
        .collect();
    let hotspots = picture::hotspots(&by_district, f, t, cell)
        .into_iter()
        .map(|h| HotspotRow { cell_x: h.x, cell_y: h.y, count: h.count, gi_star_z: h.z })
        .collect();
    let repeat_places = picture::repeat_places(&by_place, f, t, 10)
        .into_iter()
        .map(|p| RepeatRow {
            area_id: lk.areas[p.area].id,
            name: lk.areas[p.area].name.clone(),
            count: p.count,
            previous: p.previous,
        })
        .collect();
    Ok(Picture {
        area: AreaRef { id: area.id, name: area.name.clone(), kind: area.kind },
        from,
        to,
        granularity: match granularity {
            Granularity::Week => "week",
            Granularity::Month => "month",
        }
        .to_owned(),
        baseline_periods: baseline,
        change_from,
        note: NOTE.to_owned(),
        totals,
        by_category,
        series,
        districts,
        changes,
        hotspots,
        repeat_places,
    })
}
