//! Working documents to render in the tests: Platssamverkan Liljeholmen with
//! rows copied verbatim from the council's minutes of 2021-09-17, a long
//! variant that must span pages, and hostile text for every field.

use tryggve_render::workdoc::{WorkdocGroup, WorkdocRow, WorkdocTable, WorkdocView};

/// Markup, XML specials and typesetting syntax that must come out literally.
pub const HOSTILE: &str = r#"<script>alert(1)</script> & #set text(red) \textbf{x} $x$ {{7*7}} "q" 100% ]]>"#;

fn row(problem: &str, action: &str, participants: &str, responsible: &str, status: &str, text: &str) -> WorkdocRow {
    WorkdocRow {
        problem: problem.into(),
        action: action.into(),
        participants: participants.into(),
        responsible: responsible.into(),
        status: status.into(),
        status_text: text.into(),
        next_follow_up: String::new(),
    }
}

pub fn liljeholmen() -> WorkdocView {
    let mut whatsapp = row(
        "Liljeholmen, Trekantsparken: Ordningsstörningar, brottslighet och unga i destruktiva miljöer.",
        "Whats.App grupp",
        "Polis, fältassistenter, ungdomsjouren, Sth.stads mobila OV, gallerians OV.",
        "Polis adm. ansvarig",
        "Pågående",
        "Pågående insatser som följs upp i realtid.",
    );
    whatsapp.next_follow_up = "2021-10-15".into();
    let problems = WorkdocTable {
        heading: "Problem – åtgärder/insatser".into(),
        first_column: "Problemområde".into(),
        groups: vec![
            WorkdocGroup {
                heading: "Liljeholmen, Trekantsparken".into(),
                rows: vec![
                    whatsapp,
                    row(
                        "Liljeholmen, Trekantsparken: Ordningsstörningar",
                        "LOV 3 OV och vaktare",
                        "Stockholms stads mobila OV och vaktare",
                        "SLK/Avam",
                        "Pågående",
                        "Pågående utifrån beviljade LOV3 Trekantsparken (220902) och befintliga LOV2 områden",
                    ),
                    row(
                        "Trekantsparken: Byggnad/Fiskerklubbens hus används som olovlig bosättning",
                        "Förvaltning och polis ser över och avvisar enl. Sth. stads rutin. Se över om det går att förbättra läsan på dörrarna på baksidan.",
                        "Förvaltning, polis, Eu- teamet",
                        "Förvaltning, polis",
                        "Pågående",
                        "Kontakt med Fastighetskontoret är tagen. Info säger att byggnaden ska rivas men ej bekräftat.",
                    ),
                ],
            },
            WorkdocGroup {
                heading: String::new(),
                rows: vec![
                    row(
                        "Katrinebergsbacken: Missbrukare som samlas i backen och skapar otrygghet.",
                        "Se över möjligheterna att söka alkoholförbud på platsen.",
                        "",
                        "Trygg- och säkerhetsstrateg SDF",
                        "Ej påbörjad",
                        "Inga kontakter tagna än.",
                    ),
                    row(
                        "Ordningsstörningar och nedskräpning vid skolavslutning",
                        "Kontakt tas med gymnasieskolorna för att få upplägg och datum för skolavslutning",
                        "",
                        "Trygg- och säkerhetsstrateg SDF",
                        "Planerad",
                        "Följs upp vid mötet den 1/6.",
                    ),
                ],
            },
        ],
    };
    let development = WorkdocTable {
        heading: "Utveckling – åtgärder/insatser".into(),
        first_column: "Utvecklingsområde".into(),
        groups: vec![WorkdocGroup {
            heading: String::new(),
            rows: vec![
                row(
                    "Liljeholmstorget: Utveckla torget, öka trygghet och trivsel",
                    "Utveckla idéer och insatser i samverkan",
                    "Parkinganjör, samhällsplanerare, kommunikatör, T&S strateg SDF, TK, CityCon, resurs H-Å SDF",
                    "Resurs H-Å SDF/Bent Jansson",
                    "Pågående",
                    "Insats om hur torget ska utvecklas på kort sikt pågår. Dialog ska föras så att den kopplas till det planarbetet.",
                ),
                row(
                    "Liljeholmen: Långsiktig utveckling av området",
                    "Programarbete",
                    "Exploateringskontoret, samhällsplanerare, T&S strateg, kommunpolis",
                    "Exploateringskontoret",
                    "Pågående",
                    "Planering av utbyggnad och utformning av Liljeholmen pågår",
                ),
                row(
                    "Tryggt och trivsamt torg",
                    "Sommarjobbare på torget mellan 14/6-8/8",
                    "Program med olika gäster under sommaren",
                    "Social omsorg och kommunikatör Sandra Lind",
                    "Avslutad",
                    "Avslutad 8/8",
                ),
            ],
        }],
    };
    WorkdocView {
        collaboration: "Platssamverkan Liljeholmen".into(),
        council: "Hägersten-Älvsjös lokala brottsförebyggande råd".into(),
        date: "2021-09-17".into(),
        convener: "Clas Cederlid, Trygg- och säkerhetsstrateg".into(),
        classification: "Intern".into(),
        summary: "Centrummiljö och närliggande område. Ungdomar som begår brott och stör ordningen, påverkade personer på offentlig plats, narkotikaförsäljning.".into(),
        tables: vec![problems, development],
    }
}

/// Liljeholmen with its problem table repeated until it needs several pages.
pub fn long() -> WorkdocView {
    let mut view = liljeholmen();
    let rows: Vec<WorkdocRow> = view.tables[0].groups.iter().flat_map(|g| g.rows.clone()).collect();
    for n in 0..12 {
        view.tables[0].groups.push(WorkdocGroup { heading: format!("Grupp {n}"), rows: rows.clone() });
    }
    view
}

/// Every text field of the view holds [`HOSTILE`].
pub fn hostile() -> WorkdocView {
    let mut view = liljeholmen();
    view.collaboration = HOSTILE.into();
    view.summary = HOSTILE.into();
    view.convener = HOSTILE.into();
    let group = &mut view.tables[0].groups[0];
    group.heading = HOSTILE.into();
    let r = &mut group.rows[0];
    r.problem = HOSTILE.into();
    r.action = HOSTILE.into();
    r.participants = HOSTILE.into();
    r.responsible = HOSTILE.into();
    r.status_text = HOSTILE.into();
    view
}

/// Whitespace runs as single spaces, so text wrapped into lines compares
/// with the text as written.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text without any whitespace, for words a narrow column may break.
pub fn bare(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}
