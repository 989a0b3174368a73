//! The XLSX writer: one worksheet per table, for people who sort and filter.
//!
//! The header row is bold, frozen and carries an autofilter; cells wrap and
//! align to the top; group headings are merged across the row; columns get
//! widths from the table's relative widths. Printing is set up as the council
//! prints: A4 landscape, one page wide, header row repeated. Every value is
//! written as a string, so a cell that begins with `=` stays text. The output
//! is deterministic.

use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::RenderError;
use crate::document::{Row, Table, clean};

/// Roughly the width in characters of a landscape page of columns; each
/// column gets its share, within bounds that keep it readable.
const TOTAL_WIDTH_CHARS: f32 = 150.0;
const MIN_COLUMN_CHARS: f32 = 10.0;
const MAX_COLUMN_CHARS: f32 = 80.0;

pub(crate) fn write(sheets: &[(&str, &Table)]) -> Result<Vec<u8>, RenderError> {
    let mut workbook = Workbook::new();
    // The crate has no clock: the creation time is pinned to the zip epoch,
    // which rust_xlsxwriter also gives every part, so equal tables give equal
    // bytes.
    let epoch = ExcelDateTime::from_ymd(1980, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let names = sheet_names(sheets.iter().map(|(name, _)| *name));
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xD9D9D9))
        .set_border(FormatBorder::Thin);
    let body = Format::new().set_text_wrap().set_align(FormatAlign::Top).set_border(FormatBorder::Thin);
    let group = Format::new()
        .set_bold()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border(FormatBorder::Thin);
    for ((_, table), name) in sheets.iter().zip(names) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&name)?;
        write_table(sheet, table, &header, &body, &group)?;
    }
    if sheets.is_empty() {
        workbook.add_worksheet();
    }
    Ok(workbook.save_to_buffer()?)
}

fn write_table(
    sheet: &mut Worksheet,
    table: &Table,
    header: &Format,
    body: &Format,
    group: &Format,
) -> Result<(), RenderError> {
    let last_col = (table.columns() - 1) as u16;
    let widths: Vec<f32> = table
        .fractions()
        .into_iter()
        .map(|fraction| (fraction * TOTAL_WIDTH_CHARS).clamp(MIN_COLUMN_CHARS, MAX_COLUMN_CHARS))
        .collect();
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    let header_texts: Vec<&str> =
        (0..table.columns()).map(|i| table.header.get(i).map_or("", String::as_str)).collect();
    for (col, text) in header_texts.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, clean(text), header)?;
    }
    sheet.set_row_height(0, row_height(&header_texts, &widths))?;
    for (i, row) in table.rows.iter().enumerate() {
        let r = (i + 1) as u32;
        match row {
            Row::Cells(cells) => {
                let cells = table.cells(cells);
                for (col, text) in cells.iter().enumerate() {
                    sheet.write_string_with_format(r, col as u16, clean(text), body)?;
                }
                sheet.set_row_height(r, row_height(&cells, &widths))?;
            }
            Row::Group(heading) if last_col > 0 => {
                sheet.merge_range(r, 0, r, last_col, &clean(heading), group)?;
            }
            Row::Group(heading) => {
                sheet.write_string_with_format(r, 0, clean(heading), group)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, table.rows.len() as u32, last_col)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

/// A row height that shows every wrapped line. Excel would fit wrapped rows
/// itself when it opens the file, but LibreOffice and other readers do not,
/// so the height is estimated: a column `w` characters wide holds about `w`
/// characters of the default font per line, 15 points a line.
fn row_height(cells: &[&str], widths: &[f32]) -> f64 {
    let lines = cells
        .iter()
        .zip(widths)
        .map(|(text, width)| {
            let per_line = (*width * 0.95).max(1.0);
            text.split('\n')
                .map(|line| (line.chars().count() as f32 / per_line).ceil().max(1.0) as usize)
                .sum::<usize>()
        })
        .max()
        .unwrap_or(1);
    15.0 * lines.clamp(1, 409 / 15) as f64
}

/// Names Excel accepts: none of `[]:*?/\`, no apostrophe at either end, at
/// most 31 characters, not empty, not "History", unique without regard to case.
pub(crate) fn sheet_names<'a>(wanted: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    let mut names = Vec::new();
    for (i, name) in wanted.enumerate() {
        let cleaned: String = clean(name)
            .chars()
            .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() { '-' } else { c })
            .collect();
        let trimmed = cleaned.trim().trim_matches('\'').trim();
        let mut base: String = trimmed.chars().take(31).collect();
        if base.is_empty() || base.eq_ignore_ascii_case("history") {
            base = format!("Blad {}", i + 1);
        }
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.iter().any(|t| t.to_lowercase() == candidate.to_lowercase()) {
            let suffix = format!(" ({n})");
            let keep = 31 - suffix.chars().count();
            candidate = format!("{}{suffix}", base.chars().take(keep).collect::<String>().trim_end());
            n += 1;
        }
        taken.push(candidate.clone());
        names.push(candidate);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_short_and_unique() {
        let names = sheet_names(
            [
                "Problem",
                "problem",
                "a/b:c?",
                "",
                "'Citat'",
                "History",
                "Ett mycket långt namn på ett blad som inte får plats",
            ]
            .into_iter(),
        );
        assert_eq!(names[0], "Problem");
        assert_eq!(names[1], "problem (2)");
        assert_eq!(names[2], "a-b-c-");
        assert_eq!(names[3], "Blad 4");
        assert_eq!(names[4], "Citat");
        assert_eq!(names[5], "Blad 6");
        assert_eq!(names[6].chars().count(), 31);
        assert!(names[6].starts_with("Ett mycket långt namn"));
    }
}
