//! Maps and charts as SVG, drawn by the server from the real polygons and
//! figures: no JavaScript, no tile server. Every graphic carries a title and
//! a description for screen readers (the page shows a table alternative
//! too), and nothing relies on colour alone: map classes have hatch patterns
//! and labels, chart series have markers, dash patterns and direct labels.
//!
//! Coordinates are given already projected (metres, x east, y north), so
//! this module knows nothing of map projections.

use std::fmt::Write;

/// Escapes text for SVG/XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// A sequential palette that prints in greyscale and reads for colour-blind
/// viewers (light to dark blue), one colour per class.
const CLASS_FILL: [&str; 5] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
/// Text colour with enough contrast on each class's fill.
const CLASS_TEXT: [&str; 5] = ["#1b1b1b", "#1b1b1b", "#1b1b1b", "#ffffff", "#ffffff"];

/// An area of a choropleth map.
#[derive(Debug, Clone)]
pub struct MapArea {
    pub name: String,
    /// Polygons, each a list of rings (outer ring first), in projected metres.
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
    pub value: f64,
    /// What to write on the area besides its name (e.g. "14").
    pub label: String,
}

/// A marked place.
#[derive(Debug, Clone)]
pub struct MapPoint {
    pub x: f64,
    pub y: f64,
    pub label: String,
}

/// A hotspot grid cell (south-west corner and size, metres).
#[derive(Debug, Clone, Copy)]
pub struct MapCell {
    pub x: f64,
    pub y: f64,
    pub size: f64,
}

#[derive(Debug, Clone)]
pub struct Map {
    pub title: String,
    pub description: String,
    /// What the values mean, for the legend ("Händelser", "Per 1 000 invånare").
    pub legend_title: String,
    pub areas: Vec<MapArea>,
    pub points: Vec<MapPoint>,
    pub cells: Vec<MapCell>,
}

/// Upper bounds of up to five classes of equal width over the values.
pub fn class_bounds(values: &[f64]) -> Vec<f64> {
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    if max <= 0.0 {
        return vec![0.0];
    }
    let step = (max / 5.0).ceil().max(1.0);
    (1..=5).map(|k| step * k as f64).take_while(|b| *b < max + step).collect()
}

fn class_of(v: f64, bounds: &[f64]) -> usize {
    bounds.iter().position(|b| v <= *b).unwrap_or(bounds.len().saturating_sub(1)).min(4)
}

/// Renders a choropleth map with a legend, place markers and hotspot cells.
pub fn map(m: &Map, width: f64, height: f64) -> String {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for a in &m.areas {
        for ring in a.polygons.iter().flatten() {
            for &(x, y) in ring {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x);
                y1 = y1.max(y);
            }
        }
    }
    let legend_w = 170.0;
    let (pad, map_w) = (10.0, width - legend_w);
    let scale =
        if x1 > x0 && y1 > y0 { ((map_w - 2.0 * pad) / (x1 - x0)).min((height - 2.0 * pad) / (y1 - y0)) } else { 1.0 };
    let px = |x: f64| pad + (x - x0) * scale;
    let py = |y: f64| height - pad - (y - y0) * scale;
    let values: Vec<f64> = m.areas.iter().map(|a| a.value).collect();
    let bounds = class_bounds(&values);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="map-title map-desc" font-family="DejaVu Sans, Arial, sans-serif"><title id="map-title">{}</title><desc id="map-desc">{}</desc>"#,
        esc(&m.title),
        esc(&m.description)
    );
    // One hatch pattern per class: denser lines for higher classes, so the map reads without colour.
    s.push_str("<defs>");
    for k in 0..5 {
        let gap = [0.0, 10.0, 7.0, 5.0, 3.5][k];
        if gap > 0.0 {
            let _ = write!(
                s,
                r#"<pattern id="hatch{k}" patternUnits="userSpaceOnUse" width="{gap}" height="{gap}" patternTransform="rotate(45)"><rect width="{gap}" height="{gap}" fill="{}"/><line x1="0" y1="0" x2="0" y2="{gap}" stroke="{}" stroke-width="1" stroke-opacity="0.55"/></pattern>"#,
                CLASS_FILL[k], CLASS_TEXT[k]
            );
        }
    }
    s.push_str("</defs>");
    let fill = |k: usize| if k == 0 { CLASS_FILL[0].to_owned() } else { format!("url(#hatch{k})") };
    for a in &m.areas {
        let k = class_of(a.value, &bounds);
        let mut d = String::new();
        for ring in a.polygons.iter().flatten() {
            for (i, &(x, y)) in ring.iter().enumerate() {
                let _ = write!(d, "{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, px(x), py(y));
            }
            d.push('Z');
        }
        let _ = write!(
            s,
            r##"<path d="{d}" fill="{}" fill-rule="evenodd" stroke="#444" stroke-width="0.8"><title>{}: {}</title></path>"##,
            fill(k),
            esc(&a.name),
            esc(&a.label)
        );
    }
    for c in &m.cells {
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#b10026" stroke-width="2"/>"##,
            px(c.x),
            py(c.y + c.size),
            c.size * scale,
            c.size * scale
        );
    }
    // Labels last, on a white halo, so they stay readable on any fill.
    for a in &m.areas {
        let (mut cx, mut cy, mut n) = (0.0, 0.0, 0.0);
        if let Some(outer) =
            a.polygons.iter().max_by(|p, q| ring_area(&p[0]).total_cmp(&ring_area(&q[0]))).and_then(|p| p.first())
        {
            for &(x, y) in outer {
                cx += x;
                cy += y;
                n += 1.0;
            }
        }
        if n > 0.0 {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="3" fill="#1b1b1b">{}<tspan x="{:.1}" dy="12" font-weight="bold">{}</tspan></text>"##,
                px(cx / n),
                py(cy / n),
                esc(&a.name),
                px(cx / n),
                esc(&a.label)
            );
        }
    }
    for p in &m.points {
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="#1b1b1b" stroke="#fff" stroke-width="1.5"><title>{}</title></circle>"##,
            px(p.x),
            py(p.y),
            esc(&p.label)
        );
    }
    // The legend: swatch with its pattern, and the range in words.
    let lx = map_w + 10.0;
    let _ = write!(s, r#"<text x="{lx}" y="20" font-size="12" font-weight="bold">{}</text>"#, esc(&m.legend_title));
    let mut lower = 0.0;
    for (k, b) in bounds.iter().enumerate() {
        let y = 32.0 + k as f64 * 22.0;
        let range =
            if k == 0 { format!("0–{}", fmt_num(*b)) } else { format!("{}–{}", fmt_num(lower + 1.0), fmt_num(*b)) };
        let _ = write!(
            s,
            r##"<rect x="{lx}" y="{y}" width="18" height="16" fill="{}" stroke="#444"/><text x="{}" y="{}" font-size="11">{}</text>"##,
            fill(k),
            lx + 24.0,
            y + 12.0,
            esc(&range)
        );
        lower = *b;
    }
    let mut y = 32.0 + bounds.len() as f64 * 22.0 + 8.0;
    if !m.cells.is_empty() {
        let _ = write!(
            s,
            r##"<rect x="{lx}" y="{y}" width="18" height="16" fill="none" stroke="#b10026" stroke-width="2"/><text x="{}" y="{}" font-size="11">Hotspot (Gi*)</text>"##,
            lx + 24.0,
            y + 12.0
        );
        y += 22.0;
    }
    if !m.points.is_empty() {
        let _ = write!(
            s,
            r##"<circle cx="{}" cy="{}" r="3.5" fill="#1b1b1b"/><text x="{}" y="{}" font-size="11">Plats</text>"##,
            lx + 9.0,
            y + 8.0,
            lx + 24.0,
            y + 12.0
        );
    }
    s.push_str("</svg>");
    s
}

fn ring_area(r: &[(f64, f64)]) -> f64 {
    let mut a = 0.0;
    for w in r.windows(2) {
        a += w[0].0 * w[1].1 - w[1].0 * w[0].1;
    }
    a.abs() / 2.0
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}").replace('.', ",") }
}

/// One line of a line chart.
#[derive(Debug, Clone)]
pub struct Line {
    pub label: String,
    pub values: Vec<f64>,
    /// Drawn dashed across the chart: the baseline the period is compared with.
    pub baseline: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct LineChart {
    pub title: String,
    pub description: String,
    pub x_labels: Vec<String>,
    pub y_label: String,
    pub lines: Vec<Line>,
}

const SERIES_COLOUR: [&str; 6] = ["#08519c", "#b10026", "#006d2c", "#7a5c00", "#54278f", "#333333"];
const SERIES_DASH: [&str; 6] = ["", "6 3", "2 2", "8 3 2 3", "1 3", "10 4"];

fn marker(k: usize, x: f64, y: f64, colour: &str) -> String {
    match k % 4 {
        0 => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{colour}"/>"#),
        1 => format!(r#"<rect x="{:.1}" y="{:.1}" width="6" height="6" fill="{colour}"/>"#, x - 3.0, y - 3.0),
        2 => format!(
            r#"<path d="M{x:.1},{:.1}L{:.1},{:.1}L{:.1},{:.1}Z" fill="{colour}"/>"#,
            y - 4.0,
            x + 4.0,
            y + 3.0,
            x - 4.0,
            y + 3.0
        ),
        _ => format!(
            r#"<path d="M{x:.1},{:.1}L{:.1},{y:.1}L{x:.1},{:.1}L{:.1},{y:.1}Z" fill="{colour}"/>"#,
            y - 4.0,
            x + 4.0,
            y + 4.0,
            x - 4.0
        ),
    }
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|c| *c >= v).unwrap_or(10.0 * mag)
}

/// A line chart with a dashed baseline per line, markers and direct labels.
pub fn line_chart(c: &LineChart, width: f64, height: f64) -> String {
    let (left, right, top, bottom) = (44.0, 150.0, 16.0, 46.0);
    let n = c.x_labels.len().max(1);
    let max = nice_max(c.lines.iter().flat_map(|l| l.values.iter().copied().chain(l.baseline)).fold(0.0, f64::max));
    let (w, h) = (width - left - right, height - top - bottom);
    let x = |i: usize| left + if n == 1 { w / 2.0 } else { w * i as f64 / (n - 1) as f64 };
    let y = |v: f64| top + h - h * v / max;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="lc-title lc-desc" font-family="DejaVu Sans, Arial, sans-serif"><title id="lc-title">{}</title><desc id="lc-desc">{}</desc>"#,
        esc(&c.title),
        esc(&c.description)
    );
    for k in 0..=4 {
        let v = max * k as f64 / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{}</text>"##,
            left + w,
            y(v),
            y(v),
            left - 4.0,
            y(v) + 3.0,
            fmt_num(v)
        );
    }
    let every = (n / 8).max(1);
    for (i, l) in c.x_labels.iter().enumerate() {
        if i % every == 0 || i == n - 1 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="9" text-anchor="end" transform="rotate(-35 {:.1} {:.1})">{}</text>"#,
                x(i),
                top + h + 14.0,
                x(i),
                top + h + 14.0,
                esc(l)
            );
        }
    }
    let _ = write!(
        s,
        r#"<text x="4" y="{:.1}" font-size="10" transform="rotate(-90 10 {:.1})">{}</text>"#,
        top + h / 2.0,
        top + h / 2.0,
        esc(&c.y_label)
    );
    for (k, line) in c.lines.iter().enumerate() {
        let colour = SERIES_COLOUR[k % 6];
        let dash = SERIES_DASH[k % 6];
        let pts: Vec<String> =
            line.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect();
        let _ = write!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{}/>"#,
            pts.join(" "),
            if dash.is_empty() { String::new() } else { format!(r#" stroke-dasharray="{dash}""#) }
        );
        for (i, v) in line.values.iter().enumerate() {
            s.push_str(&marker(k, x(i), y(*v), colour));
        }
        if let Some(b) = line.baseline {
            let _ = write!(
                s,
                r#"<line x1="{left}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="1" stroke-dasharray="2 4"><title>Normalnivå {}: {}</title></line>"#,
                left + w,
                y(b),
                y(b),
                esc(&line.label),
                fmt_num(b)
            );
        }
        if let Some(last) = line.values.last() {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="10" fill="{colour}">{} ({})</text>"#,
                x(n - 1) + 8.0,
                y(*last) + 3.0 + k as f64 * 0.0,
                esc(&line.label),
                fmt_num(*last)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// A pair of bars per row: e.g. a district's share of incidents beside its share of population.
#[derive(Debug, Clone)]
pub struct BarRow {
    pub label: String,
    pub first: f64,
    pub second: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct BarChart {
    pub title: String,
    pub description: String,
    pub first_label: String,
    pub second_label: String,
    /// Show values as percentages.
    pub percent: bool,
    pub rows: Vec<BarRow>,
}

/// Horizontal paired bars: the first solid, the second hatched, both labelled with their value.
pub fn bar_chart(c: &BarChart, width: f64) -> String {
    let (left, right, top) = (130.0, 60.0, 30.0);
    let row_h = 26.0;
    let height = top + c.rows.len() as f64 * row_h + 10.0;
    let max = c.rows.iter().flat_map(|r| std::iter::once(r.first).chain(r.second)).fold(0.0, f64::max).max(1e-9);
    let w = width - left - right;
    let fmt = |v: f64| if c.percent { format!("{} %", fmt_num((v * 1000.0).round() / 10.0)) } else { fmt_num(v) };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="bc-title bc-desc" font-family="DejaVu Sans, Arial, sans-serif"><title id="bc-title">{}</title><desc id="bc-desc">{}</desc>"#,
        esc(&c.title),
        esc(&c.description)
    );
    s.push_str(r##"<defs><pattern id="bars-hatch" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff"/><line x1="0" y1="0" x2="0" y2="5" stroke="#7a5c00" stroke-width="2"/></pattern></defs>"##);
    let _ = write!(
        s,
        r##"<rect x="{left}" y="6" width="12" height="10" fill="#08519c"/><text x="{}" y="15" font-size="10">{}</text>"##,
        left + 16.0,
        esc(&c.first_label)
    );
    if c.rows.iter().any(|r| r.second.is_some()) {
        let _ = write!(
            s,
            r##"<rect x="{}" y="6" width="12" height="10" fill="url(#bars-hatch)" stroke="#7a5c00"/><text x="{}" y="15" font-size="10">{}</text>"##,
            left + 170.0,
            left + 186.0,
            esc(&c.second_label)
        );
    }
    for (i, r) in c.rows.iter().enumerate() {
        let y0 = top + i as f64 * row_h;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{}</text>"#,
            left - 6.0,
            y0 + 14.0,
            esc(&r.label)
        );
        let w1 = w * r.first / max;
        let _ = write!(
            s,
            r##"<rect x="{left}" y="{y0:.1}" width="{w1:.1}" height="10" fill="#08519c"/><text x="{:.1}" y="{:.1}" font-size="9">{}</text>"##,
            left + w1 + 4.0,
            y0 + 9.0,
            fmt(r.first)
        );
        if let Some(v) = r.second {
            let w2 = w * v / max;
            let _ = write!(
                s,
                r##"<rect x="{left}" y="{:.1}" width="{w2:.1}" height="10" fill="url(#bars-hatch)" stroke="#7a5c00" stroke-width="0.5"/><text x="{:.1}" y="{:.1}" font-size="9">{}</text>"##,
                y0 + 12.0,
                left + w2 + 4.0,
                y0 + 21.0,
                fmt(v)
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Balanced elements and no script: a small check instead of an XML parser.
    fn well_formed(svg: &str) {
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        for t in ["svg", "title", "desc", "defs", "pattern", "text", "tspan"] {
            let opened = svg.matches(&format!("<{t} ")).count() + svg.matches(&format!("<{t}>")).count();
            assert_eq!(opened, svg.matches(&format!("</{t}>")).count(), "<{t}> balanced");
        }
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn a_map_has_classes_with_patterns_labels_and_a_legend() {
        let square = |x: f64| vec![vec![(x, 0.0), (x + 10.0, 0.0), (x + 10.0, 10.0), (x, 10.0), (x, 0.0)]];
        let m = Map {
            title: "Händelser per stadsdel".into(),
            description: "Västberga flest".into(),
            legend_title: "Händelser".into(),
            areas: vec![
                MapArea { name: "Västberga".into(), polygons: vec![square(0.0)], value: 14.0, label: "14".into() },
                MapArea { name: "Älvsjö <&>".into(), polygons: vec![square(10.0)], value: 2.0, label: "2".into() },
            ],
            points: vec![MapPoint { x: 5.0, y: 5.0, label: "Trekantsparken".into() }],
            cells: vec![MapCell { x: 0.0, y: 0.0, size: 2.5 }],
        };
        let svg = map(&m, 600.0, 400.0);
        well_formed(&svg);
        assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"map-title\">Händelser per stadsdel</title>"));
        assert!(svg.contains("url(#hatch4)"), "the highest class is hatched, not just coloured");
        assert!(svg.contains("Älvsjö &lt;&amp;&gt;"), "names are escaped");
        assert!(svg.contains("Hotspot (Gi*)") && svg.contains(">Plats<"));
    }

    #[test]
    fn charts_mark_series_without_colour_alone() {
        let c = LineChart {
            title: "Klotter per vecka".into(),
            description: "".into(),
            x_labels: (1..=12).map(|w| format!("2026-W{w:02}")).collect(),
            y_label: "Antal".into(),
            lines: vec![
                Line { label: "Klotter".into(), values: vec![5.0; 12], baseline: Some(5.0) },
                Line { label: "Stöld".into(), values: vec![1.0; 12], baseline: None },
            ],
        };
        let svg = line_chart(&c, 700.0, 260.0);
        well_formed(&svg);
        assert!(svg.contains("stroke-dasharray=\"6 3\""), "the second series is dashed");
        assert!(svg.contains("Klotter (5)") && svg.contains("Normalnivå Klotter"));
        let b = bar_chart(
            &BarChart {
                title: "Andel".into(),
                description: "".into(),
                first_label: "Andel av händelserna".into(),
                second_label: "Andel av befolkningen".into(),
                percent: true,
                rows: vec![BarRow { label: "Västberga".into(), first: 0.25, second: Some(0.05) }],
            },
            600.0,
        );
        well_formed(&b);
        assert!(b.contains("25 %") && b.contains("5 %") && b.contains("url(#bars-hatch)"));
    }

    #[test]
    fn classes_cover_the_values() {
        assert_eq!(class_bounds(&[0.0, 0.0]), vec![0.0]);
        let b = class_bounds(&[1.0, 14.0]);
        assert!(b.last().unwrap() >= &14.0 && b.len() <= 5);
        assert_eq!(class_of(14.0, &b), b.len() - 1);
    }
}
