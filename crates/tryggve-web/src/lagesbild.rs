//! The lägesbild view model: the figures of `situation::build` with what a
//! council member reads — the significant changes in words, the narrative,
//! who has reported and who has not, the latest incidents, the indicator
//! series, and the sources used and missing. One view model for the page,
//! the HTML and PDF report, and frozen snapshots.

use crate::error::AppError;
use crate::resource::Lookups;
use crate::situation::{Picture, PictureQuery};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tryggve_core::register::AreaKind;
use tryggve_core::situation::{Incident, SourceKind, sv_number, sv_p_value};
use tryggve_core::{AreaId, Viewer};
use tryggve_db::Db;
use tryggve_db::situation::IncidentFilter;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LagesbildView {
    pub area_id: AreaId,
    pub area_name: String,
    pub council: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// When the view was built (for a snapshot: when it was frozen).
    pub built_on: NaiveDate,
    pub picture: Picture,
    /// Category code → label, for readers of the figures.
    pub category_labels: Vec<(String, String)>,
    /// The significant changes in words ("ökning av klotter i Västberga: 14 mot normalt 5, p = 0,003").
    pub change_sentences: Vec<String>,
    /// Changes on too few incidents to say anything, in words.
    pub small_number_sentences: Vec<String>,
    pub narrative: Option<String>,
    pub reporters: Vec<ReporterRow>,
    pub latest: Vec<LatestIncident>,
    pub indicators: Vec<IndicatorBlock>,
    /// What the picture is built from (Brå asks a lägesbild to state its kartläggning).
    pub sources_used: Vec<String>,
    pub sources_missing: Vec<String>,
    /// Synthetic (generated demo) incidents are part of the figures.
    pub includes_synthetic: bool,
    #[serde(default)]
    pub graphics: Graphics,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReporterRow {
    pub organisation: String,
    pub cadence_days: i64,
    pub expected: i64,
    pub reported_days: i64,
    pub reported: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LatestIncident {
    pub id: i64,
    pub when: String,
    pub category: String,
    pub place: String,
    pub source: String,
    pub reliability: String,
    pub synthetic: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndicatorBlock {
    pub name: String,
    pub source: String,
    pub licence: String,
    pub retrieved_on: Option<NaiveDate>,
    pub unit: String,
    /// (area, dimension, period label, value) rows for this area and the areas above it.
    pub rows: Vec<(String, String, String, String)>,
    /// The values of `rows`, for the chart.
    pub values: Vec<f64>,
}

fn category_label(lk: &Lookups, code: &str) -> String {
    lk.categories.iter().find(|c| c.code == code).map_or_else(|| code.to_owned(), |c| c.label.to_lowercase())
}

/// Builds the lägesbild of an area and period for `viewer`.
pub async fn build(db: &Db, viewer: &Viewer, q: &PictureQuery, today: NaiveDate) -> Result<LagesbildView, AppError> {
    // The area and period first; then the two long reads side by side: the figures, and
    // who has reported (which counts over every incident of the period).
    let checked = crate::situation::check(db, viewer, q, today).await?;
    let (from, to) = (checked.from, checked.to);
    let (picture, reported) = tokio::try_join!(crate::situation::compute(db, viewer, &checked), async {
        Ok::<_, AppError>(db.report_days(viewer, from, to).await?)
    })?;
    let lk = checked.lk;
    let area = lk.areas.iter().find(|a| a.id == picture.area.id).cloned().ok_or(AppError::NotFound)?;

    let mut change_sentences = vec![];
    let mut small_number_sentences = vec![];
    for c in &picture.changes {
        let what = category_label(&lk, &c.category);
        let kind = if c.source_kind == SourceKind::PoliceEvent { " (polisens händelsenotiser)" } else { "" };
        let base = format!(
            "{what} i {}{kind}: {} mot normalt {}",
            c.area_name,
            c.observed,
            sv_number(c.expected, 1).trim_end_matches(",0")
        );
        match c.direction.as_str() {
            "increase" => change_sentences.push(format!("Ökning av {base}, {}", sv_p_value(c.p_increase))),
            "decrease" => change_sentences.push(format!("Minskning av {base}, {}", sv_p_value(c.p_decrease))),
            _ if c.small_numbers && c.observed > 0 && c.area_id.is_some() => small_number_sentences
                .push(format!("{} – för få fall för att säga något om förändring", capitalise(&base))),
            _ => {}
        }
    }
    small_number_sentences.truncate(10);

    let narrative = db.narrative(viewer, area.id, from, to).await?.map(|n| n.body);

    let days = (to - from).num_days() + 1;
    let reporters: Vec<ReporterRow> = db
        .reporting_organisations()
        .await?
        .into_iter()
        .map(|r| {
            let n = reported.iter().find(|(o, _)| *o == r.organisation_id).map_or(0, |x| x.1);
            let expected = r.expected_reports(days);
            ReporterRow {
                organisation: lk.org_name(Some(r.organisation_id)),
                cadence_days: r.cadence_days,
                expected,
                reported_days: n,
                reported: n >= expected,
            }
        })
        .collect();

    let inside = crate::situation::descendants(&lk, area.id);
    let latest_incidents: Vec<Incident> = db
        .incidents(
            viewer,
            &IncidentFilter {
                from: Some(from),
                to: Some(to),
                area_ids: inside,
                limit: Some(10),
                newest_first: true,
                ..Default::default()
            },
        )
        .await?;
    let latest = latest_incidents
        .iter()
        .map(|i| LatestIncident {
            id: i.id.0,
            when: i.occurred_at.format("%Y-%m-%d %H.%M").to_string(),
            category: category_label(&lk, &i.category),
            place: lk.area_name(i.area_id),
            source: i.source_kind.label().to_owned(),
            reliability: i.reliability.label().to_owned(),
            synthetic: i.synthetic,
        })
        .collect();
    // Anything synthetic in the period makes the whole picture "partly synthetic".
    let includes_synthetic = db
        .any_synthetic_incident(
            viewer,
            &IncidentFilter {
                from: Some(from),
                to: Some(to),
                area_ids: crate::situation::descendants(&lk, area.id),
                ..Default::default()
            },
        )
        .await?;

    // Indicators of this area and the areas above it.
    let mut chain = vec![area.id];
    let mut cur = area.parent_id;
    while let Some(p) = cur {
        chain.push(p);
        cur = lk.areas.iter().find(|a| a.id == p).and_then(|a| a.parent_id);
    }
    let names: Vec<String> = chain.iter().map(|id| lk.area_name(Some(*id)).to_lowercase()).collect();
    let indicators: Vec<IndicatorBlock> = db
        .indicators()
        .await?
        .into_iter()
        .filter_map(|s| {
            let rows: Vec<_> = s
                .observations
                .iter()
                .filter(|o| {
                    o.area_id.is_some_and(|a| chain.contains(&a)) || names.contains(&o.area_name.to_lowercase())
                })
                .map(|o| {
                    let period = if o.period_start == o.period_end {
                        o.period_start.to_string()
                    } else {
                        format!("{} – {}", o.period_start, o.period_end)
                    };
                    (
                        o.area_name.clone(),
                        o.dimension.clone(),
                        period,
                        sv_number(o.value, if o.value.fract() == 0.0 { 0 } else { 1 }),
                    )
                })
                .collect();
            let values = s
                .observations
                .iter()
                .filter(|o| {
                    o.area_id.is_some_and(|a| chain.contains(&a)) || names.contains(&o.area_name.to_lowercase())
                })
                .map(|o| o.value)
                .collect();
            (!rows.is_empty()).then(|| IndicatorBlock {
                values,
                name: s.name.clone(),
                source: s.source.clone(),
                licence: s.licence.clone(),
                retrieved_on: s.retrieved_on,
                unit: s.unit.clone(),
                rows,
            })
        })
        .collect();

    let mut sources_used: Vec<String> =
        picture.totals.iter().map(|t| format!("{}: {} händelser", t.label, t.count)).collect();
    sources_used.extend(indicators.iter().map(|i| format!("{} ({})", i.name, i.source)));
    let mut sources_missing: Vec<String> = SourceKind::ALL
        .iter()
        .filter(|k| !picture.totals.iter().any(|t| t.source_kind == **k) && **k != SourceKind::Other)
        .map(|k| format!("{}: inga uppgifter för perioden", k.label()))
        .collect();
    sources_missing.extend(
        reporters
            .iter()
            .filter(|r| !r.reported)
            .map(|r| format!("{} har inte rapporterat som avtalat", r.organisation)),
    );
    if !indicators.iter().any(|i| i.name.to_lowercase().contains("trygghet")) {
        sources_missing.push("Ingen trygghetsmätning för området".to_owned());
    }

    let council = lk
        .councils
        .iter()
        .find(|c| c.area_id.is_some_and(|a| a == area.id || chain.contains(&a)))
        .map_or_else(String::new, |c| c.name.clone());
    let mut view = LagesbildView {
        area_id: area.id,
        area_name: area.name.clone(),
        council,
        from,
        to,
        built_on: today,
        category_labels: lk.categories.iter().map(|c| (c.code.clone(), c.label.clone())).collect(),
        change_sentences,
        small_number_sentences,
        narrative,
        reporters,
        latest,
        indicators,
        sources_used,
        sources_missing,
        includes_synthetic,
        picture,
        graphics: Graphics::default(),
    };
    view.graphics = graphics(db, &view).await?;
    Ok(view)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Areas a lägesbild can be asked for: district areas and districts.
pub fn selectable_areas(lk: &Lookups) -> Vec<(AreaId, String)> {
    lk.areas
        .iter()
        .filter(|a| matches!(a.kind, AreaKind::DistrictArea | AreaKind::District))
        .map(|a| (a.id, a.name.clone()))
        .collect()
}

/// The lägesbild's graphics, drawn once and kept with the view (a frozen
/// lägesbild keeps the pictures it was presented with).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Graphics {
    pub map: String,
    pub series: String,
    pub districts: String,
    /// One chart per indicator series, its source in the title.
    #[serde(default)]
    pub indicators: Vec<String>,
}

/// Projects a GeoJSON polygon or multipolygon to SWEREF 99 TM metres.
fn projected(geometry: &serde_json::Value) -> Vec<Vec<Vec<(f64, f64)>>> {
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let (lon, lat) = (p.get(0)?.as_f64()?, p.get(1)?.as_f64()?);
                tryggve_analysis::sweref::wgs84_to_sweref99tm(lon, lat)
            })
            .collect()
    };
    let polygon =
        |p: &serde_json::Value| -> Vec<Vec<(f64, f64)>> { p.as_array().into_iter().flatten().map(ring).collect() };
    match geometry.get("type").and_then(|t| t.as_str()) {
        Some("Polygon") => geometry.get("coordinates").map(|c| vec![polygon(c)]).unwrap_or_default(),
        Some("MultiPolygon") => geometry
            .get("coordinates")
            .and_then(|c| c.as_array())
            .map(|ps| ps.iter().map(polygon).collect())
            .unwrap_or_default(),
        _ => vec![],
    }
}

/// Draws the map, the weekly series and the districts compared.
pub async fn graphics(db: &Db, view: &LagesbildView) -> Result<Graphics, AppError> {
    use tryggve_render::svg;
    let areas = db.areas_with_geometry().await?;
    let lk_areas: Vec<_> = areas.iter().collect();
    // The districts shown: those inside the area (or the area itself).
    let ids: Vec<AreaId> = {
        let mut inside = vec![view.area_id];
        let mut k = 0;
        while k < inside.len() {
            let parent = inside[k];
            inside.extend(lk_areas.iter().filter(|a| a.parent_id == Some(parent)).map(|a| a.id));
            k += 1;
        }
        inside
    };
    // The main source kind of the picture (most incidents) colours the map.
    let main_kind = view.picture.totals.iter().max_by_key(|t| t.count).map(|t| t.source_kind);
    let rows = view
        .picture
        .districts
        .iter()
        .find(|d| Some(d.source_kind) == main_kind)
        .map(|d| d.rows.clone())
        .unwrap_or_default();
    let map_areas: Vec<svg::MapArea> = areas
        .iter()
        .filter(|a| a.kind == AreaKind::District && ids.contains(&a.id))
        .filter_map(|a| {
            let count = rows.iter().find(|r| r.area_id == a.id).map_or(0, |r| r.count);
            let polygons = projected(a.geometry.as_ref()?);
            Some(svg::MapArea { name: a.name.clone(), polygons, value: count as f64, label: count.to_string() })
        })
        .collect();
    let points = areas
        .iter()
        .filter(|a| a.kind == AreaKind::Place && ids.contains(&a.id))
        .filter_map(|a| {
            let c = a.geometry.as_ref()?.get("coordinates")?;
            let (x, y) = tryggve_analysis::sweref::wgs84_to_sweref99tm(c.get(0)?.as_f64()?, c.get(1)?.as_f64()?)?;
            Some(svg::MapPoint { x, y, label: a.name.clone() })
        })
        .collect();
    let cells = view.picture.hotspots.iter().map(|h| svg::MapCell { x: h.cell_x, y: h.cell_y, size: 250.0 }).collect();
    let kind_label = main_kind.map_or("", |k| k.label());
    let top = map_areas
        .iter()
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .map(|a| format!("Flest i {} ({}).", a.name, a.label))
        .unwrap_or_default();
    let map = if map_areas.is_empty() {
        String::new()
    } else {
        svg::map(
            &svg::Map {
                title: format!("Karta: {} per stadsdel, {} – {}", kind_label, view.from, view.to),
                description: format!("{top} Tabellen under kartan visar samma siffror."),
                legend_title: "Antal".into(),
                areas: map_areas,
                points,
                cells,
            },
            760.0,
            520.0,
        )
    };
    // The categories with most incidents of the main kind, per week or month.
    let mut cats: Vec<(&crate::situation::Series, u64)> = view
        .picture
        .series
        .iter()
        .filter(|s| Some(s.source_kind) == main_kind)
        .map(|s| (s, s.points.iter().map(|p| p.1).sum()))
        .collect();
    cats.sort_by_key(|c| std::cmp::Reverse(c.1));
    let periods: Vec<String> = {
        let mut p: Vec<String> = cats.iter().flat_map(|(s, _)| s.points.iter().map(|x| x.0.clone())).collect();
        p.sort();
        p.dedup();
        p
    };
    let label = |code: &str| {
        view.category_labels.iter().find(|(c, _)| c == code).map_or_else(|| code.to_owned(), |x| x.1.clone())
    };
    let lines: Vec<svg::Line> = cats
        .iter()
        .take(5)
        .map(|(s, _)| {
            let values: Vec<f64> =
                periods.iter().map(|p| s.points.iter().find(|x| &x.0 == p).map_or(0.0, |x| x.1 as f64)).collect();
            let baseline = view
                .picture
                .changes
                .iter()
                .find(|c| c.area_id.is_none() && c.category == s.category && c.source_kind == s.source_kind)
                .map(|c| c.expected / (periods.len().max(1) as f64));
            svg::Line { label: label(&s.category), values, baseline }
        })
        .collect();
    let series = if lines.is_empty() {
        String::new()
    } else {
        svg::line_chart(
            &svg::LineChart {
                title: format!(
                    "{} per {} och kategori",
                    kind_label,
                    if view.picture.granularity == "month" { "månad" } else { "vecka" }
                ),
                description: "De vanligaste kategorierna. Streckad linje: normalnivån för perioderna innan.".into(),
                x_labels: periods,
                y_label: "Antal".into(),
                lines,
            },
            760.0,
            300.0,
        )
    };
    let districts = if rows.is_empty() {
        String::new()
    } else {
        svg::bar_chart(
            &svg::BarChart {
                title: "Stadsdelarnas andel av händelserna och av befolkningen".into(),
                description: "Andel av områdets händelser per stadsdel, bredvid stadsdelens andel av invånarna där folkmängden är känd.".into(),
                first_label: "Andel av händelserna".into(),
                second_label: "Andel av befolkningen".into(),
                percent: true,
                rows: rows.iter().map(|r| svg::BarRow { label: r.name.clone(), first: r.share_of_incidents, second: r.share_of_population }).collect(),
            },
            760.0,
        )
    };
    let indicators = view
        .indicators
        .iter()
        .map(|i| {
            svg::bar_chart(
                &svg::BarChart {
                    title: format!("{} (källa: {})", i.name, i.source),
                    description: format!(
                        "Värden i {} per område, vad och period; samma siffror finns i tabellen.",
                        i.unit
                    ),
                    first_label: format!("{} ({})", i.name, i.unit),
                    second_label: String::new(),
                    percent: false,
                    rows: i
                        .rows
                        .iter()
                        .zip(&i.values)
                        .take(20)
                        .map(|((a, d, p, _), v)| svg::BarRow {
                            label: format!("{a}, {d}, {p}"),
                            first: *v,
                            second: None,
                        })
                        .collect(),
                },
                760.0,
            )
        })
        .collect();
    Ok(Graphics { map, series, districts, indicators })
}

/// Who a report is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The council's organisations: every figure.
    Internal,
    /// Anyone (built for an anonymous viewer, so public records only): counts
    /// under `min_count` read "färre än N", and what could be worked back to
    /// them (rates, shares, the map and charts) is left out.
    Public { min_count: u64 },
}

/// The lägesbild report as a document (PDF, HTML): the same view model as the page.
pub fn report(v: &LagesbildView, audience: Audience) -> tryggve_render::Document {
    use tryggve_core::secrecy::{is_suppressed, public_count};
    use tryggve_render::{Block, Table};
    let min = match audience {
        Audience::Internal => 0,
        Audience::Public { min_count } => min_count,
    };
    let public = audience != Audience::Internal;
    let count = |n: u64| public_count(n, min);
    let mut blocks = vec![];
    if public {
        blocks.push(Block::Note(format!(
            "Offentlig version: bygger bara på offentliga uppgifter. Antal under {min} visas som \"färre än {min}\", \
             och andelar, karta och diagram som skulle kunna avslöja dem är utelämnade."
        )));
    }
    if v.includes_synthetic {
        blocks.push(Block::Note("Syntetiska data: en del av händelserna i perioden är genererade för demonstrationen och märkta som syntetiska.".into()));
    }
    blocks.push(Block::Heading { level: 2, text: "Läget i korthet".into() });
    blocks.push(Block::Note(v.picture.note.clone()));
    if v.picture.totals.is_empty() {
        blocks.push(Block::Paragraph("Inga händelser i perioden.".into()));
    } else {
        blocks.push(Block::Bullets(
            v.picture.totals.iter().map(|t| format!("{}: {}", t.label, count(t.count))).collect(),
        ));
    }
    blocks.push(Block::Heading { level: 2, text: "Förändringar som betyder något".into() });
    if v.change_sentences.is_empty() {
        blocks.push(Block::Paragraph("Inga säkerställda förändringar mot perioderna innan (p < 0,05).".into()));
    } else {
        blocks.push(Block::Bullets(v.change_sentences.clone()));
    }
    if !v.small_number_sentences.is_empty() && !public {
        blocks.push(Block::Note(format!("Små tal: {}", v.small_number_sentences.join("; "))));
    }
    if !v.graphics.map.is_empty() && !public {
        blocks.push(Block::Heading { level: 2, text: "Karta".into() });
        blocks.push(Block::Svg {
            svg: v.graphics.map.clone(),
            alt: "Karta över stadsdelarna med antal händelser per stadsdel; samma siffror finns i tabellen.".into(),
            width_mm: 170.0,
        });
    }
    for d in &v.picture.districts {
        let mut t = Table::new(
            format!("{} per stadsdel", d.source_kind.label()),
            &["Stadsdel", "Antal", "Per 1 000 invånare", "Andel av händelserna", "Andel av befolkningen"],
            &[3.0, 1.0, 1.5, 1.5, 1.5],
        );
        for r in &d.rows {
            let hidden = is_suppressed(r.count, min);
            t.push_row(vec![
                r.name.clone(),
                count(r.count),
                r.rate_per_1000.filter(|_| !hidden).map_or_else(|| "–".into(), |x| sv_number(x, 1)),
                if hidden { "–".into() } else { format!("{} %", sv_number(r.share_of_incidents * 100.0, 0)) },
                r.share_of_population.map_or_else(|| "okänd".into(), |x| format!("{} %", sv_number(x * 100.0, 0))),
            ]);
        }
        blocks.push(Block::Table(t));
    }
    if !v.graphics.series.is_empty() && !public {
        blocks.push(Block::Heading { level: 2, text: "Utveckling över tid".into() });
        blocks.push(Block::Svg {
            svg: v.graphics.series.clone(),
            alt: "Linjediagram över de vanligaste kategorierna per period, med normalnivån streckad.".into(),
            width_mm: 170.0,
        });
    }
    if !v.graphics.districts.is_empty() && !public {
        blocks.push(Block::Heading { level: 2, text: "Stadsdelarna jämförda".into() });
        blocks.push(Block::Svg {
            svg: v.graphics.districts.clone(),
            alt: "Stadsdelarnas andel av händelserna bredvid andelen av befolkningen.".into(),
            width_mm: 170.0,
        });
    }
    // A place is named in public only when its count is not small.
    let places: Vec<_> = v.picture.repeat_places.iter().filter(|p| !is_suppressed(p.count, min)).collect();
    if !places.is_empty() {
        blocks.push(Block::Heading { level: 2, text: "Återkommande platser".into() });
        let mut t = Table::new("", &["Plats", "Perioden", "Perioden innan"], &[3.0, 1.0, 1.0]);
        for p in places {
            t.push_row(vec![p.name.clone(), count(p.count), count(p.previous)]);
        }
        blocks.push(Block::Table(t));
    }
    blocks.push(Block::Heading { level: 2, text: "Övrig lägesbild".into() });
    match &v.narrative {
        Some(n) => blocks
            .extend(n.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| Block::Paragraph(p.trim().to_owned()))),
        None => blocks.push(Block::Paragraph("Ingen text skriven för perioden.".into())),
    }
    for (k, i) in v.indicators.iter().enumerate() {
        blocks.push(Block::Heading { level: 2, text: i.name.clone() });
        if let Some(g) = v.graphics.indicators.get(k) {
            blocks.push(Block::Svg {
                svg: g.clone(),
                alt: format!("Diagram över {}, källa {}.", i.name, i.source),
                width_mm: 170.0,
            });
        }
        let mut note = format!("Källa: {}", i.source);
        if !i.licence.is_empty() {
            note.push_str(&format!(" · {}", i.licence));
        }
        if let Some(d) = i.retrieved_on {
            note.push_str(&format!(" · hämtad {d}"));
        }
        blocks.push(Block::Note(note));
        let mut t = Table::new("", &["Område", "Vad", "Period", "Värde"], &[2.0, 4.0, 2.0, 1.0]);
        for (a, d, p, val) in &i.rows {
            t.push_row(vec![a.clone(), d.clone(), p.clone(), val.clone()]);
        }
        blocks.push(Block::Table(t));
    }
    blocks.push(Block::Heading { level: 2, text: "Vilka har rapporterat?".into() });
    if public {
        blocks.push(Block::Paragraph("Redovisas i den interna versionen.".into()));
    } else if v.reporters.is_empty() {
        blocks.push(Block::Paragraph("Inga rapporterande organisationer är angivna.".into()));
    } else {
        let mut t = Table::new(
            "",
            &["Organisation", "Rapporterar", "Dagar med rapporter", "Förväntat", "Status"],
            &[3.0, 1.5, 1.0, 1.0, 1.5],
        );
        for r in &v.reporters {
            t.push_row(vec![
                r.organisation.clone(),
                format!("var {}:e dag", r.cadence_days),
                r.reported_days.to_string(),
                r.expected.to_string(),
                if r.reported { "Har rapporterat".into() } else { "Saknas".into() },
            ]);
        }
        blocks.push(Block::Table(t));
    }
    blocks.push(Block::Heading { level: 2, text: "Underlag (kartläggning)".into() });
    blocks.push(Block::Paragraph("Använt:".into()));
    if public {
        // The same lists, with the counts hidden as above and without who has not reported.
        let mut used: Vec<String> =
            v.picture.totals.iter().map(|t| format!("{}: {} händelser", t.label, count(t.count))).collect();
        used.extend(v.indicators.iter().map(|i| format!("{} ({})", i.name, i.source)));
        let reporters: Vec<String> =
            v.reporters.iter().map(|r| format!("{} har inte rapporterat som avtalat", r.organisation)).collect();
        blocks.push(Block::Bullets(used));
        blocks.push(Block::Paragraph("Saknas:".into()));
        blocks.push(Block::Bullets(v.sources_missing.iter().filter(|m| !reporters.contains(m)).cloned().collect()));
    } else {
        blocks.push(Block::Bullets(v.sources_used.clone()));
        blocks.push(Block::Paragraph("Saknas:".into()));
        blocks.push(Block::Bullets(v.sources_missing.clone()));
    }
    tryggve_render::Document {
        title: format!("Lägesbild {}", v.area_name),
        subtitle: vec![
            format!("Period: {} – {}", v.from, v.to),
            if v.council.is_empty() { String::new() } else { v.council.clone() },
            format!("Sammanställd {}", v.built_on),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect(),
        blocks,
        landscape: false,
        footer: format!(
            "Lägesbild {} {} – {} · {}",
            v.area_name,
            v.from,
            v.to,
            if public { "offentlig" } else { "intern" }
        ),
    }
}

/// Freezes the lägesbild of an area and period as a council member sees it.
pub async fn freeze(
    db: &Db,
    actor: &tryggve_db::Actor,
    q: &PictureQuery,
    meeting: Option<tryggve_core::MeetingId>,
    today: NaiveDate,
) -> Result<tryggve_core::situation::Snapshot, AppError> {
    use sha2::{Digest, Sha256};
    let v = build(db, &crate::pages::member_viewer(), q, today).await?;
    let content = serde_json::to_string(&v).map_err(|e| AppError::Internal(e.to_string()))?;
    let hash: String = Sha256::digest(content.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let snap = tryggve_core::situation::Snapshot {
        id: tryggve_core::SnapshotId(0),
        area_id: v.area_id,
        period_from: v.from,
        period_to: v.to,
        version: 0,
        meeting_id: meeting,
        created_at: actor.at,
        created_by: actor.username.clone(),
        content,
        content_hash: hash,
    };
    Ok(db.create_snapshot(actor, &snap).await?)
}

/// A frozen lägesbild, its view as presented, and its totals beside today's.
pub async fn thaw(
    db: &Db,
    id: tryggve_core::SnapshotId,
) -> Result<(tryggve_core::situation::Snapshot, LagesbildView, Vec<(String, u64, u64)>), AppError> {
    let snap = db.snapshot(id).await?;
    let v: LagesbildView = serde_json::from_str(&snap.content)
        .map_err(|e| AppError::Internal(format!("snapshot {id} unreadable: {e}")))?;
    let q = PictureQuery {
        area: Some(v.area_id.0.to_string()),
        from: Some(v.from.to_string()),
        to: Some(v.to.to_string()),
        ..Default::default()
    };
    let now = crate::situation::build(db, &crate::pages::member_viewer(), &q, chrono::Utc::now().date_naive()).await?;
    let mut labels: Vec<(SourceKind, String)> =
        v.picture.totals.iter().map(|t| (t.source_kind, t.label.clone())).collect();
    for t in &now.totals {
        if !labels.iter().any(|(k, _)| *k == t.source_kind) {
            labels.push((t.source_kind, t.label.clone()));
        }
    }
    let comparison = labels
        .into_iter()
        .map(|(k, label)| {
            let then = v.picture.totals.iter().find(|t| t.source_kind == k).map_or(0, |t| t.count);
            let now = now.totals.iter().find(|t| t.source_kind == k).map_or(0, |t| t.count);
            (label, then, now)
        })
        .collect();
    Ok((snap, v, comparison))
}
