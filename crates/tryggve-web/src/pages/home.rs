//! The start page: the user's councils with their collaborations, measures
//! by status, priorities and meetings.

use super::{Layout, error_page};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tryggve_core::meeting::Meeting;
use tryggve_core::priority::Priority;
use tryggve_core::workdoc::{Collaboration, MeasureStatus};

pub struct CouncilOverview {
    pub name: String,
    pub collaborations: Vec<CollaborationSummary>,
    pub priorities: Vec<Priority>,
    pub last_meeting: Option<Meeting>,
    pub next_meeting: Option<Meeting>,
}

pub struct CollaborationSummary {
    pub collaboration: Collaboration,
    pub problem_rows: usize,
    pub development_rows: usize,
    /// (status label, count) for the statuses present.
    pub by_status: Vec<(&'static str, usize)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    layout: Layout,
    councils: Vec<CouncilOverview>,
}

pub async fn home(State(s): State<AppState>, user: CurrentUser) -> Response {
    let result: Result<Response, AppError> = async {
        let viewer = user.viewer();
        let all = s.db.councils().await?;
        let councils: Vec<_> =
            all.into_iter().filter(|c| viewer.is_admin() || user.user.councils.contains(&c.id)).collect();
        let now = crate::auth::now();
        let mut out = vec![];
        for c in councils {
            let measures = s.db.measures(&viewer, None).await?;
            let collaborations =
                s.db.collaborations(&viewer, Some(c.id))
                    .await?
                    .into_iter()
                    .map(|co| {
                        let rows: Vec<_> = measures.iter().filter(|m| m.collaboration_id == co.id).collect();
                        let by_status = MeasureStatus::ALL
                            .iter()
                            .map(|st| (st.label(), rows.iter().filter(|m| m.status == *st).count()))
                            .filter(|(_, n)| *n > 0)
                            .collect();
                        CollaborationSummary {
                            problem_rows: rows
                                .iter()
                                .filter(|m| m.kind == tryggve_core::workdoc::MeasureKind::Problem)
                                .count(),
                            development_rows: rows
                                .iter()
                                .filter(|m| m.kind == tryggve_core::workdoc::MeasureKind::Development)
                                .count(),
                            by_status,
                            collaboration: co,
                        }
                    })
                    .collect();
            let meetings = s.db.meetings(&viewer, Some(c.id)).await?;
            let last_meeting = meetings.iter().filter(|m| m.starts_at <= now).max_by_key(|m| m.starts_at).cloned();
            let next_meeting = meetings.iter().filter(|m| m.starts_at > now).min_by_key(|m| m.starts_at).cloned();
            out.push(CouncilOverview {
                name: c.name,
                collaborations,
                priorities: s.db.priorities(&viewer, Some(c.id)).await?,
                last_meeting,
                next_meeting,
            });
        }
        Ok(HomePage { layout: Layout::new(&s, Some(&user), "Översikt", "/"), councils: out }.into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}
