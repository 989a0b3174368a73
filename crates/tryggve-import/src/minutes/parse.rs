//! Blocks → a [`MinutesDraft`].
//!
//! The minutes are read as a sequence of sections, each opened by a heading
//! (or a bold line, or a label such as "Plats:") the council's minutes use:
//!
//! | opens the section | what follows is read as |
//! |---|---|
//! | a title with a date ("… råd 2021-09-17") | the body and date of the meeting |
//! | "Närvarande" | attendees, one per row: name, tab, title |
//! | "Tidpunkt" / "Plats" | the meeting's date and time / its place |
//! | "Sammanträdet öppnades …" | the opening sentence |
//! | any other heading | an agenda item and its notes (numbered headings are the agenda's parts) |
//! | "Prioriterat område – …" (bold) | a priority and its summary; then "… handlingsplan …", the starting points' table and one method per heading |
//! | "Platssamverkan …" | a place collaboration: its summary (the italic line), narrative, working-document tables and items |
//! | "Kommande möten" | "Plats:", "Tid:", "Kontakt:" of the next meeting |
//!
//! Anything else is listed as unrecognised with its line and the reason.

use super::blocks::{Block, Row, cell_lines};
use super::swedish;
use super::*;
use chrono::Datelike;
use tryggve_core::meeting::AgendaKind;

/// Where the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Start,
    Attendees,
    When,
    Place,
    /// A numbered agenda heading; an item is made if text follows.
    Agenda(usize),
    Item(usize),
    /// After the agenda's "Prioriterade områden …" label, before the first priority.
    PrioritiesIntro,
    Priority(usize),
    /// The action plan: starting points, then methods.
    Plan(usize),
    Method(usize),
    /// Between the priorities and the first place collaboration.
    Collaborations,
    Collaboration(usize),
    WorkDoc(usize, Option<MeasureKind>),
    NextMeeting,
}

/// Text made of paragraphs and lists: paragraphs apart by a blank line, list
/// items on lines of their own ("- …").
#[derive(Debug, Default)]
struct TextBody {
    parts: Vec<String>,
    in_list: bool,
}

/// Words a sentence cannot end with: a paragraph ending in one was broken by
/// a stray line break ("Kontakt har tagits med" / "Fastighetskontoret …").
const DANGLING: &[&str] = &[
    "med", "och", "att", "till", "för", "av", "i", "på", "om", "som", "en", "ett", "den", "det", "vid", "från",
    "mellan",
];

impl TextBody {
    fn from(s: &str) -> TextBody {
        TextBody { parts: if s.is_empty() { vec![] } else { vec![s.to_owned()] }, in_list: false }
    }

    fn paragraph(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        match self.parts.last_mut() {
            Some(last) if !self.in_list && dangles(last) => {
                last.push(' ');
                last.push_str(text);
            }
            _ => self.parts.push(text.to_owned()),
        }
        self.in_list = false;
    }

    fn list_item(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        match self.parts.last_mut() {
            Some(last) if self.in_list => {
                last.push_str("\n- ");
                last.push_str(text);
            }
            _ => self.parts.push(format!("- {text}")),
        }
        self.in_list = true;
    }

    fn finish(&self) -> String {
        self.parts.join("\n\n")
    }
}

fn dangles(s: &str) -> bool {
    let last = s.split_whitespace().next_back().unwrap_or("").to_lowercase();
    !s.ends_with(['.', '!', '?', ':']) && DANGLING.contains(&last.as_str())
}

/// A label without its trailing colon or full stop, in lower case.
fn key(s: &str) -> String {
    s.trim().trim_end_matches([':', '.']).trim().to_lowercase()
}

/// "3. Kommande möten" → "Kommande möten".
fn numbered(s: &str) -> Option<&str> {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    let rest = s.get(digits..)?;
    (digits > 0).then(|| rest.strip_prefix('.')).flatten().map(str::trim).filter(|r| !r.is_empty())
}

fn is_online(place: &str) -> bool {
    let p = place.to_lowercase();
    ["skype", "teams", "zoom", "google meet", "webex", "digitalt", "distans", "videomöte", "telefonmöte", "länk"]
        .iter()
        .any(|w| p.contains(w))
}

fn agenda_kind(heading: &str) -> AgendaKind {
    let h = heading.to_lowercase();
    if h.contains("statistik") {
        AgendaKind::Statistics
    } else if h.contains("lägesbild") {
        AgendaKind::Lagesbild
    } else if h.starts_with("övrigt") {
        AgendaKind::Other
    } else {
        AgendaKind::Free
    }
}

/// Health and similar matters about few, identifiable people: such a
/// paragraph becomes an internal item of its own.
const SENSITIVE: &[&str] = &["psykisk ohälsa", "självmord", "suicid", "självskad", "diagnos", "sjukdom"];

fn sensitive_topic(text: &str) -> Option<&'static str> {
    let t = text.to_lowercase();
    SENSITIVE.iter().copied().find(|w| t.contains(w))
}

/// Does a paragraph say the same as the agenda's "Prioriterade områden, insatser och uppföljning"?
fn priorities_label(text: &str) -> bool {
    let label = names::norm(AgendaKind::Priorities.label());
    let t = names::norm(text);
    t.split_whitespace().count() <= 8 && strsim::normalized_levenshtein(&t, &label) >= 0.85
}

struct Parser<'a> {
    blocks: &'a [Block],
    d: MinutesDraft,
    section: Section,
    bodies: Vec<TextBody>,
    method_bodies: Vec<(usize, TextBody)>,
    narratives: Vec<TextBody>,
}

/// Reads blocks into a draft. Never fails; what it cannot place is listed.
pub fn parse(blocks: &[Block]) -> MinutesDraft {
    let mut p = Parser {
        blocks,
        d: MinutesDraft::default(),
        section: Section::Start,
        bodies: vec![],
        method_bodies: vec![],
        narratives: vec![],
    };
    for (i, b) in blocks.iter().enumerate() {
        p.block(i, b);
    }
    p.finish()
}

impl Parser<'_> {
    fn unrecognised(&mut self, line: usize, text: &str, reason: &str) {
        self.d.unrecognised.push(Unrecognised { line, text: text.to_owned(), reason: reason.to_owned() });
    }

    fn block(&mut self, i: usize, b: &Block) {
        match b {
            Block::Heading { text, line, .. } if self.title(text, *line) => {}
            Block::Paragraph { text, line, .. } if self.d.body.is_empty() && self.title(text, *line) => {}
            Block::Heading { level, text, line } => self.heading(i, *level, text, *line),
            Block::Paragraph { text, bold, italic, line } => self.paragraph(text, *bold, *italic, *line),
            Block::ListItem { text, line } => self.list_item(text, *line),
            Block::Table { rows, .. } => self.table(rows),
        }
    }

    /// "Hägersten-Älvsjös lokala brottsförebyggande råd 2021-09-17": the first heading with a date.
    fn title(&mut self, text: &str, line: usize) -> bool {
        if !self.d.body.is_empty() || self.section != Section::Start {
            return false;
        }
        let Some((date, at)) = swedish::iso_date(text) else { return false };
        let body = text.get(..at).unwrap_or("").trim().trim_end_matches([',', '-', '–']).trim();
        if body.is_empty() {
            self.unrecognised(line, text, "rubriken har ett datum men inget namn på rådet");
        }
        self.d.body = body.to_owned();
        self.d.title_date = Some(date);
        true
    }

    fn heading(&mut self, i: usize, level: u8, text: &str, line: usize) {
        let k = key(text);
        let first_line = text.lines().next().unwrap_or("");
        match k.as_str() {
            "närvarande" | "deltagare" | "närvarande ledamöter" => return self.section = Section::Attendees,
            "tidpunkt" | "tid" | "datum" | "datum och tid" => return self.section = Section::When,
            "plats" | "mötesplats" => return self.section = Section::Place,
            "kommande möten" | "kommande möte" | "nästa möte" => return self.section = Section::NextMeeting,
            _ => {}
        }
        if first_line.to_lowercase().starts_with("platssamverkan ") {
            return self.collaboration(first_line.trim(), text, line);
        }
        if let Some(rest) = numbered(text) {
            return self.agenda(rest, line);
        }
        if k.contains("handlingsplan")
            && let Some(p) = self.current_priority()
        {
            self.d.priorities[p].plan_title = text.trim().to_owned();
            return self.section = Section::Plan(p);
        }
        match self.section {
            Section::Plan(p) | Section::Method(p) => self.plan_heading(i, p, level, text),
            Section::Collaboration(c) | Section::WorkDoc(c, _) => self.collaboration_heading(c, text, line),
            Section::Item(item) if matches!(self.d.items.get(item), Some(it) if !it.collaborations.is_empty()) => {
                match self.collaboration_of(item) {
                    Some(c) => self.collaboration_heading(c, text, line),
                    None => self.new_item(text, agenda_kind(text), line),
                }
            }
            _ => self.new_item(text, agenda_kind(text), line),
        }
    }

    fn current_priority(&self) -> Option<usize> {
        match self.section {
            Section::Priority(p) | Section::Plan(p) | Section::Method(p) => Some(p),
            _ => None,
        }
    }

    fn collaboration_of(&self, item: usize) -> Option<usize> {
        let name = self.d.items.get(item)?.collaborations.first()?;
        self.d.collaborations.iter().position(|c| &c.name == name)
    }

    fn agenda(&mut self, heading: &str, line: usize) {
        let k = key(heading);
        self.section = if k.contains("kommande möte") || k.contains("nästa möte") {
            Section::NextMeeting
        } else {
            self.d.items.push(DraftItem {
                heading: heading.trim_end_matches('.').trim().to_owned(),
                body: String::new(),
                kind: agenda_kind(heading),
                internal: false,
                collaborations: vec![],
                line,
            });
            self.bodies.push(TextBody::default());
            Section::Agenda(self.d.items.len() - 1)
        };
    }

    fn new_item(&mut self, heading: &str, kind: AgendaKind, line: usize) {
        self.d.items.push(DraftItem {
            heading: heading.trim().trim_end_matches(':').to_owned(),
            body: String::new(),
            kind,
            internal: false,
            collaborations: vec![],
            line,
        });
        self.bodies.push(TextBody::default());
        self.section = Section::Item(self.d.items.len() - 1);
    }

    fn plan_heading(&mut self, i: usize, p: usize, level: u8, text: &str) {
        if key(text) == "överblick" || key(text) == "prioriterade utgångspunkter" {
            return self.section = Section::Plan(p);
        }
        if self.next_opens_collaboration(i) {
            // "Riktat arbete mot avgränsade platser …": the heading over the collaborations.
            return self.section = Section::Collaborations;
        }
        match (self.section, level) {
            (Section::Method(_), 3..) => self.method_text(text),
            _ => {
                let Some(priority) = self.d.priorities.get_mut(p) else { return };
                priority.methods.push(Method { title: text.trim().to_owned(), body: String::new() });
                self.method_bodies.push((p, TextBody::default()));
                self.section = Section::Method(p);
            }
        }
    }

    fn next_opens_collaboration(&self, i: usize) -> bool {
        self.blocks.get(i + 1).is_some_and(|b| match b {
            Block::Heading { text, .. } | Block::Paragraph { text, bold: true, .. } => {
                text.to_lowercase().starts_with("platssamverkan ")
            }
            _ => false,
        })
    }

    fn method_text(&mut self, text: &str) {
        if let Some((_, body)) = self.method_bodies.last_mut() {
            body.paragraph(text);
        }
    }

    /// A heading inside a collaboration: the working document's parts, or an item about the collaboration.
    fn collaboration_heading(&mut self, c: usize, text: &str, line: usize) {
        if text.to_lowercase().starts_with("arbetsdokument") {
            return self.section = Section::WorkDoc(c, None);
        }
        if let Some(kind) = table_hint(text) {
            return self.section = Section::WorkDoc(c, kind);
        }
        let name = self.d.collaborations.get(c).map(|x| x.name.clone()).unwrap_or_default();
        self.new_item(text, AgendaKind::Collaboration, line);
        if let Some(item) = self.d.items.last_mut() {
            item.collaborations.push(name);
        }
    }

    /// Opens (or returns to) the collaboration named on the first line of `text`.
    fn collaboration(&mut self, name: &str, text: &str, line: usize) {
        let c = match self.d.collaborations.iter().position(|c| names::norm(&c.name) == names::norm(name)) {
            Some(c) => c,
            None => {
                self.d.collaborations.push(DraftCollaboration {
                    name: name.to_owned(),
                    summary: String::new(),
                    narrative: String::new(),
                    rows: vec![],
                    line,
                });
                self.narratives.push(TextBody::default());
                self.d.collaborations.len() - 1
            }
        };
        let hint = text.lines().nth(1).and_then(table_hint);
        self.section = match hint {
            Some(kind) => Section::WorkDoc(c, kind),
            None => Section::Collaboration(c),
        };
    }

    fn paragraph(&mut self, text: &str, bold: bool, italic: bool, line: usize) {
        let lower = text.to_lowercase();
        if self.d.opening.is_empty()
            && (lower.starts_with("sammanträdet") || lower.starts_with("mötet"))
            && lower.contains("öppna")
        {
            self.d.opening = text.to_owned();
            return;
        }
        if bold && lower.starts_with("platssamverkan ") {
            let first = text.lines().next().unwrap_or("").trim();
            return self.collaboration(first, text, line);
        }
        if bold && lower.starts_with("prioriterat område") {
            return self.priority(text, line);
        }
        match self.section {
            Section::Start => self.unrecognised(line, text, "text före mötets första avsnitt"),
            Section::Attendees => {
                self.unrecognised(line, text, "närvarolistan väntar en rad per person: namn, tabb, titel")
            }
            Section::When => self.when(text, line),
            Section::Place if self.d.location.is_empty() => {
                self.d.location = text.to_owned();
                self.d.online = is_online(text);
            }
            Section::Place => self.unrecognised(line, text, "mötet har redan en plats"),
            Section::Agenda(item) | Section::Item(item) => {
                if priorities_label(text) {
                    return self.section = Section::PrioritiesIntro;
                }
                if let Some(b) = self.bodies.get_mut(item) {
                    b.paragraph(text);
                }
                self.section = Section::Item(item);
            }
            Section::PrioritiesIntro => self.unrecognised(
                line,
                text,
                "text under prioriterade områden som inte hör till något prioriterat område",
            ),
            Section::Priority(p) => match key(text).as_str() {
                "prioriterade utgångspunkter" => self.section = Section::Plan(p),
                _ => {
                    if let Some(pr) = self.d.priorities.get_mut(p) {
                        let mut body = TextBody::from(&pr.summary);
                        body.paragraph(text);
                        pr.summary = body.finish();
                    }
                }
            },
            Section::Plan(_) => match key(text).as_str() {
                "prioriterade utgångspunkter" | "överblick" | "relevanta metoder och arbetssätt" => {}
                _ => self.unrecognised(line, text, "text i handlingsplanen utanför utgångspunkter och metoder"),
            },
            Section::Method(_) => self.method_text(text),
            Section::Collaborations => self.unrecognised(line, text, "text före första platssamverkan"),
            Section::Collaboration(c) => self.collaboration_text(c, text, italic, line),
            Section::WorkDoc(c, kind) => match table_hint(text) {
                Some(k) => self.section = Section::WorkDoc(c, k.or(kind)),
                None if lower.starts_with("arbetsdokument") => {}
                None => self.unrecognised(line, text, "text i arbetsdokumentet utanför tabellerna"),
            },
            Section::NextMeeting => self.next_meeting(text, line),
        }
    }

    fn collaboration_text(&mut self, c: usize, text: &str, italic: bool, line: usize) {
        let Some(collab) = self.d.collaborations.get_mut(c) else { return };
        if text.to_lowercase().starts_with("arbetsdokument") {
            return self.section = Section::WorkDoc(c, None);
        }
        if let Some(kind) = table_hint(text) {
            return self.section = Section::WorkDoc(c, kind);
        }
        if italic && collab.summary.is_empty() {
            collab.summary = text.to_owned();
        } else if let Some(n) = self.narratives.get_mut(c) {
            n.paragraph(text);
        } else {
            self.unrecognised(line, text, "platssamverkan utan berättelse");
        }
    }

    fn priority(&mut self, text: &str, line: usize) {
        let rest = text.get("prioriterat område".len()..).unwrap_or("");
        let title = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '-' || c == '–' || c == ':').trim();
        self.d.priorities.push(DraftPriority {
            title: title.to_owned(),
            summary: String::new(),
            plan_title: String::new(),
            starting_points: vec![],
            methods: vec![],
            line,
        });
        self.section = Section::Priority(self.d.priorities.len() - 1);
    }

    fn when(&mut self, text: &str, line: usize) {
        let year = self.d.title_date.map(|d| d.year());
        match swedish::when(text, year) {
            Some(w) => {
                if w.weekday_mismatch {
                    self.unrecognised(line, text, "veckodagen stämmer inte med datumet");
                }
                if self.d.title_date.is_some_and(|d| d != w.date) {
                    self.unrecognised(line, text, "datumet skiljer sig från rubrikens");
                }
                let start = w.start.unwrap_or_default();
                self.d.starts_at = Some(w.date.and_time(start));
                self.d.ends_at = w.end.map(|e| w.date.and_time(e));
            }
            None => self.unrecognised(
                line,
                text,
                "tidpunkten kunde inte tolkas (till exempel \"den 17 september 2021 kl. 09.00-11.00\")",
            ),
        }
    }

    fn next_meeting(&mut self, text: &str, line: usize) {
        let (label, value) = text.split_once(':').unwrap_or(("", text));
        let value = value.trim();
        match key(label).as_str() {
            "plats" => {
                let next = self.next_meeting_entry(line);
                next.location = value.to_owned();
                next.online = is_online(value);
            }
            "tid" | "tidpunkt" | "datum" => {
                let year = self.d.starts_at.map(|d| d.year()).or(self.d.title_date.map(|d| d.year()));
                match swedish::when(value, year) {
                    Some(w) => {
                        let next = self.next_meeting_entry(line);
                        next.starts_at = w.date.and_time(w.start.unwrap_or_default());
                        next.ends_at = w.end.map(|e| w.date.and_time(e));
                    }
                    None => self.unrecognised(line, text, "tidpunkten för nästa möte kunde inte tolkas"),
                }
            }
            "kontakt" | "kontaktperson" => self.d.contact = Some(contact(value, line)),
            _ => self.unrecognised(line, text, "väntade \"Plats:\", \"Tid:\" eller \"Kontakt:\" under kommande möten"),
        }
    }

    fn next_meeting_entry(&mut self, line: usize) -> &mut DraftNextMeeting {
        self.d.next_meeting.get_or_insert_with(|| DraftNextMeeting {
            starts_at: chrono::NaiveDateTime::MIN,
            ends_at: None,
            location: String::new(),
            online: false,
            line,
        })
    }

    fn list_item(&mut self, text: &str, line: usize) {
        if text.trim().is_empty() {
            return; // an empty bullet carries nothing
        }
        match self.section {
            Section::Agenda(item) | Section::Item(item) => {
                if let Some(b) = self.bodies.get_mut(item) {
                    b.list_item(text);
                }
                self.section = Section::Item(item);
            }
            Section::Method(_) => {
                if let Some((_, b)) = self.method_bodies.last_mut() {
                    b.list_item(text);
                }
            }
            Section::Collaboration(c) => {
                if let Some(n) = self.narratives.get_mut(c) {
                    n.list_item(text);
                }
            }
            _ => self.unrecognised(line, text, "punktlista utanför en dagordningspunkt"),
        }
    }

    fn table(&mut self, rows: &[Row]) {
        match self.section {
            Section::Attendees => self.attendees(rows),
            Section::Plan(p) | Section::Priority(p) => self.starting_points(p, rows),
            Section::Collaboration(c) | Section::WorkDoc(c, _) => self.working_document(c, rows),
            _ => {
                for r in rows {
                    self.unrecognised(
                        r.line,
                        &r.cells.join("\t"),
                        "tabell som varken är närvarolista, utgångspunkter eller arbetsdokument",
                    );
                }
            }
        }
    }

    fn attendees(&mut self, rows: &[Row]) {
        for r in rows {
            let cells: Vec<&str> = r.cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
            match cells.as_slice() {
                [name, title] => {
                    self.d.attendees.push(DraftAttendee { name: (*name).into(), title: (*title).into(), line: r.line })
                }
                _ => self.unrecognised(r.line, &r.cells.join("\t"), "närvarolistan väntar två fält: namn och titel"),
            }
        }
    }

    /// The plan's overview: a header row of starting points, then rows whose
    /// cells list each one's points.
    fn starting_points(&mut self, p: usize, rows: &[Row]) {
        self.section = Section::Plan(p);
        let Some((head, rest)) = rows.split_first() else { return };
        let mut points: Vec<StartingPoint> = head
            .cells
            .iter()
            .map(|c| StartingPoint { heading: c.trim().trim_end_matches(':').trim().to_owned(), items: vec![] })
            .collect();
        let mut problems = vec![];
        for r in rest {
            let filled: Vec<&String> = r.cells.iter().filter(|c| !c.trim().is_empty()).collect();
            if let [only] = filled.as_slice()
                && key(only) == "relevanta metoder och arbetssätt"
            {
                continue;
            }
            for (j, cell) in r.cells.iter().enumerate() {
                match points.get_mut(j) {
                    Some(sp) => sp.items.extend(cell_lines(cell)),
                    None if !cell.trim().is_empty() => problems.push((r.line, cell.clone())),
                    None => {}
                }
            }
        }
        for (l, cell) in problems {
            self.unrecognised(l, &cell, "cell utanför utgångspunkternas kolumner");
        }
        points.retain(|sp| !sp.heading.is_empty() || !sp.items.is_empty());
        if let Some(pr) = self.d.priorities.get_mut(p) {
            pr.starting_points.extend(points);
        }
    }

    fn working_document(&mut self, c: usize, rows: &[Row]) {
        let Some((head, rest)) = rows.split_first() else { return };
        let Some(cols) = Columns::of(head) else {
            for r in rows {
                self.unrecognised(
                    r.line,
                    &r.cells.join("\t"),
                    "arbetsdokumentets tabell saknar rubrikrad (Problemområde, Åtgärd/insats …)",
                );
            }
            return;
        };
        self.section = Section::WorkDoc(c, Some(cols.kind));
        for r in rest {
            if r.cells.iter().all(|x| x.trim().is_empty()) {
                continue;
            }
            let extra: Vec<&String> = r
                .cells
                .iter()
                .enumerate()
                .filter(|(j, x)| !cols.known(*j) && !x.trim().is_empty())
                .map(|(_, x)| x)
                .collect();
            if !extra.is_empty() {
                let text = extra.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\t");
                self.unrecognised(r.line, &text, "cell utanför arbetsdokumentets kolumner");
            }
            let row = cols.row(r);
            if let Some(collab) = self.d.collaborations.get_mut(c) {
                collab.rows.push(row);
            }
        }
    }

    fn finish(mut self) -> MinutesDraft {
        for (item, body) in self.d.items.iter_mut().zip(&self.bodies) {
            item.body = body.finish();
        }
        for (c, n) in self.d.collaborations.iter_mut().zip(&self.narratives) {
            c.narrative = n.finish();
        }
        let mut per_priority: Vec<usize> = vec![0; self.d.priorities.len()];
        for (p, body) in &self.method_bodies {
            let Some(n) = per_priority.get_mut(*p) else { continue };
            if let Some(m) = self.d.priorities.get_mut(*p).and_then(|pr| pr.methods.get_mut(*n)) {
                m.body = body.finish();
            }
            *n += 1;
        }
        // Numbered agenda headings without notes are the agenda's frame, not items.
        self.d.items.retain(|i| !(i.body.is_empty() && i.kind != AgendaKind::Collaboration));
        split_sensitive(&mut self.d.items);
        merge_copies(&mut self.d);
        if let Some(n) = &self.d.next_meeting
            && n.starts_at == chrono::NaiveDateTime::MIN
        {
            let (line, location) = (n.line, n.location.clone());
            self.d.next_meeting = None;
            self.unrecognised(line, &location, "nästa möte saknar tidpunkt");
        }
        self.d
    }
}

/// "Problem åtgärder/insatser" → problem table, "Utveckling … åtgärder/insatser" → development table.
fn table_hint(text: &str) -> Option<Option<MeasureKind>> {
    let k = key(text);
    if !k.contains("åtgärder") {
        return None;
    }
    if k.starts_with("problem") {
        Some(Some(MeasureKind::Problem))
    } else if k.starts_with("utveckling") {
        Some(Some(MeasureKind::Development))
    } else {
        None
    }
}

/// Which cell of a working-document row is which, from the header row.
struct Columns {
    kind: MeasureKind,
    action: Option<usize>,
    participants: Option<usize>,
    responsible: Option<usize>,
    status: Option<usize>,
}

impl Columns {
    fn of(head: &Row) -> Option<Columns> {
        let first = head.cells.first().map(|c| key(c)).unwrap_or_default();
        let kind = if first.starts_with("problem") {
            MeasureKind::Problem
        } else if first.starts_with("utveckling") {
            MeasureKind::Development
        } else {
            return None;
        };
        let find = |words: &[&str]| {
            head.cells.iter().position(|c| {
                let c = c.to_lowercase().replace(' ', "");
                words.iter().any(|w| c.contains(w))
            })
        };
        Some(Columns {
            kind,
            action: find(&["åtgärd", "insats"]),
            participants: find(&["deltagare"]),
            responsible: find(&["ansvarig", "sammankallande", "sammanställande"]),
            status: find(&["status", "uppföljning"]),
        })
    }

    fn known(&self, j: usize) -> bool {
        j == 0 || [self.action, self.participants, self.responsible, self.status].contains(&Some(j))
    }

    fn row(&self, r: &Row) -> DraftRow {
        let cell = |j: Option<usize>| j.and_then(|j| r.cells.get(j)).map(|c| c.trim().to_owned()).unwrap_or_default();
        DraftRow {
            kind: self.kind,
            problem: cell(Some(0)),
            action: cell(self.action),
            participants: cell(self.participants),
            responsible: cell(self.responsible),
            status: cell(self.status),
            line: r.line,
        }
    }
}

/// "Clas Cederlid 08 508 23 326\nclas.cederlid@stockholm.se".
fn contact(text: &str, line: usize) -> DraftContact {
    let email = text
        .split_whitespace()
        .find(|w| w.contains('@'))
        .map(|w| w.trim_start_matches("mailto:").trim_matches(|c: char| c == '<' || c == '>' || c == ',').to_owned())
        .unwrap_or_default();
    let first_line = text.lines().next().unwrap_or("");
    let name_end = first_line.find(|c: char| c.is_ascii_digit() || c == '@' || c == '+').unwrap_or(first_line.len());
    let name = first_line.get(..name_end).unwrap_or("").trim().trim_end_matches(',').trim();
    let phone: String = first_line.get(name_end..).unwrap_or("").split('@').next().unwrap_or("").trim().to_owned();
    let phone = if phone.chars().any(|c| c.is_ascii_digit()) && !phone.contains('.') { phone } else { String::new() };
    DraftContact { name: name.to_owned(), phone, email, line }
}

/// Moves sensitive paragraphs into an internal item of their own, right after their item.
fn split_sensitive(items: &mut Vec<DraftItem>) {
    let mut out = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        let (open, closed): (Vec<&str>, Vec<&str>) =
            item.body.split("\n\n").partition(|p| sensitive_topic(p).is_none());
        if closed.is_empty() || item.internal {
            out.push(item);
            continue;
        }
        let topic = closed.first().and_then(|p| sensitive_topic(p)).unwrap_or("");
        let internal = DraftItem {
            heading: format!("{} – {topic}", item.heading),
            body: closed.join("\n\n"),
            internal: true,
            ..item.clone()
        };
        if !open.is_empty() {
            out.push(DraftItem { body: open.join("\n\n"), ..item });
        }
        out.push(internal);
    }
    *items = out;
}

/// The same item copied under two collaborations ("Tryggt och trivsamt torg
/// 2021", 46 and 48 young people): one item about both, with the later text.
fn merge_copies(d: &mut MinutesDraft) {
    let mut i = 0;
    while i < d.items.len() {
        let later = (i + 1..d.items.len()).find(|&j| match (d.items.get(i), d.items.get(j)) {
            (Some(a), Some(b)) => {
                names::norm(&a.heading) == names::norm(&b.heading)
                    && strsim::normalized_levenshtein(&a.body, &b.body) >= 0.9
            }
            _ => false,
        });
        match later {
            Some(j) => {
                let earlier = d.items.remove(i);
                if let Some(kept) = d.items.get_mut(j - 1) {
                    let mut collabs = earlier.collaborations.clone();
                    collabs.extend(kept.collaborations.drain(..).filter(|c| !earlier.collaborations.contains(c)));
                    kept.collaborations = collabs;
                    d.duplicates
                        .push(DuplicateText { heading: kept.heading.clone(), lines: vec![earlier.line, kept.line] });
                }
            }
            None => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::blocks::text_blocks;
    use super::*;
    use chrono::NaiveDate;

    fn draft(text: &str) -> MinutesDraft {
        parse(&text_blocks(text))
    }

    #[test]
    fn title_time_place_attendees_and_opening() {
        let d = draft(
            "## Rådet i Byn 2022-03-04\n\n### Närvarande:\n\nAnna Berg\tOrdförande\nBo Ek\tPolis\n\n### Tidpunkt:\n\n\
             Fredagen den 4 mars 2022 kl. 13.00-15.00\n\n### Plats:\n\nTeams\n\n**Sammanträdet öppnades av Anna Berg.**\n",
        );
        assert_eq!(d.body, "Rådet i Byn");
        assert_eq!(d.title_date, NaiveDate::from_ymd_opt(2022, 3, 4));
        assert_eq!(d.attendees.len(), 2);
        assert_eq!((d.attendees[1].name.as_str(), d.attendees[1].title.as_str()), ("Bo Ek", "Polis"));
        assert_eq!(d.starts_at.unwrap().to_string(), "2022-03-04 13:00:00");
        assert_eq!(d.ends_at.unwrap().to_string(), "2022-03-04 15:00:00");
        assert!(d.online && d.location == "Teams");
        assert_eq!(d.opening, "Sammanträdet öppnades av Anna Berg.");
        assert!(d.unrecognised.is_empty(), "{:?}", d.unrecognised);
    }

    #[test]
    fn a_working_document_table_with_html_in_cells() {
        let d = draft(
            "## R 2022-01-01\n\n### Platssamverkan Torget\n\n*Kort om torget.*\n\nBerättelse om\n\nläget.\n\n\
             ### Utveckling åtgärder/insatser\n\nUtvecklingsområde\tÅtgärd/insats\tDeltagare\tAnsvarig\tStatus/uppföljning\n\
             <b>Torget:</b> trygghet\tBelysning\tSDF, polis\tSDF\tPågår\textra\n",
        );
        let c = &d.collaborations[0];
        assert_eq!((c.name.as_str(), c.summary.as_str()), ("Platssamverkan Torget", "Kort om torget."));
        assert_eq!(c.narrative, "Berättelse om läget.");
        assert_eq!(c.rows.len(), 1);
        assert_eq!(c.rows[0].kind, MeasureKind::Development);
        assert_eq!(c.rows[0].problem, "Torget: trygghet");
        assert_eq!(c.rows[0].status, "Pågår");
        assert_eq!(d.unrecognised.len(), 1, "the sixth cell is listed, not dropped");
        assert_eq!(d.unrecognised[0].text, "extra");
    }

    #[test]
    fn starting_points_are_read_from_html_lists() {
        let d = draft(
            "## R 2022-01-01\n\n**Prioriterat område - Unga**\n\nSammanfattning.\n\n## Lokal handlingsplan\n\n\
             A:\tB:\n<ul><li>▫ ett</li><li>▫ två</li></ul>\t<ul><li>▫ tre</li></ul>\nRelevanta metoder och arbetssätt\t\n\n\
             ## Metod ett\n\nText.\n\n- punkt\n",
        );
        let p = &d.priorities[0];
        assert_eq!(
            (p.title.as_str(), p.summary.as_str(), p.plan_title.as_str()),
            ("Unga", "Sammanfattning.", "Lokal handlingsplan")
        );
        assert_eq!(p.starting_points[0].items, ["ett", "två"]);
        assert_eq!(p.starting_points[1].heading, "B");
        assert_eq!(p.methods[0].body, "Text.\n\n- punkt");
        assert!(d.unrecognised.is_empty(), "{:?}", d.unrecognised);
    }

    #[test]
    fn what_is_not_recognised_is_listed_with_its_line() {
        let d = draft(
            "Lös text först.\n\n## R 2022-01-01\n\n### Närvarande:\n\nAnna Berg, ordförande\n\nA\tB\tC\n\n### Tidpunkt:\n\nnågon gång\n",
        );
        let lines: Vec<usize> = d.unrecognised.iter().map(|u| u.line).collect();
        assert_eq!(lines, [1, 7, 9, 13], "{:?}", d.unrecognised);
        assert!(d.unrecognised.iter().all(|u| !u.reason.is_empty()));
    }

    #[test]
    fn the_next_meeting_and_the_contact() {
        let d = draft(
            "## R 2021-09-17\n\n### 3. Kommande möten\n\nPlats: Telefonvägen 30.\n\nTid: Fredagen den 25 mars 2022 kl. 09.00-11.00.\n\n\
             Kontakt: Clas Cederlid 08 508 23 326  \n[clas.cederlid@stockholm.se](mailto:clas.cederlid@stockholm.se)\n",
        );
        let n = d.next_meeting.unwrap();
        assert_eq!(
            (n.starts_at.to_string().as_str(), n.location.as_str()),
            ("2022-03-25 09:00:00", "Telefonvägen 30.")
        );
        let c = d.contact.unwrap();
        assert_eq!(
            (c.name.as_str(), c.phone.as_str(), c.email.as_str()),
            ("Clas Cederlid", "08 508 23 326", "clas.cederlid@stockholm.se")
        );
    }

    #[test]
    fn a_sensitive_paragraph_becomes_an_internal_item_and_copies_merge() {
        let d = draft(
            "## R 2021-09-17\n\n### Övrig lägesbild\n\nLugnt i parken.\n\nFrågor om psykisk ohälsa efter ett självmord.\n\n\
             ### Platssamverkan A\n\n### Torg\n\n- 46 ungdomar jobbade i sommar\n\n### Platssamverkan B\n\n### Torg\n\n- 48 ungdomar jobbade i sommar\n",
        );
        let heads: Vec<(&str, bool)> = d.items.iter().map(|i| (i.heading.as_str(), i.internal)).collect();
        assert_eq!(heads, [("Övrig lägesbild", false), ("Övrig lägesbild – psykisk ohälsa", true), ("Torg", false)]);
        let torg = &d.items[2];
        assert_eq!(torg.collaborations, ["Platssamverkan A", "Platssamverkan B"]);
        assert!(torg.body.contains("48"));
        assert_eq!(d.duplicates.len(), 1);
    }

    #[test]
    fn hostile_input_never_panics() {
        for text in [
            "",
            "\t",
            "#",
            "####### x",
            "**",
            "*",
            "## 2021-09-17\n",
            "### 1.\n\n### Närvarande:\n\n\t\t\t\n",
            "**Prioriterat område**\n\n## handlingsplan\n\n\t\n",
            "### Platssamverkan \n\nProblemområde\n",
            "### 3. Kommande möten\n\nTid:\n\nKontakt:\n\nPlats:\n",
            "[[[](((",
            "<ul><li>\t<li></li>",
            "\u{feff}## Å 9999-99-99\n",
        ] {
            let _ = draft(text);
        }
        let long = "a\t".repeat(10_000);
        let _ = draft(&long);
    }
}
