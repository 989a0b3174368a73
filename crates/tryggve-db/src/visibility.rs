//! The read rule of `tryggve_core::access::can_read`, as SQL.
//!
//! Every query that can return classified rows binds the viewer first
//! (`$1` is-admin, `$2` is-logged-in, `$3` organisation id or -1; see
//! `viewer_params`) and adds `visible!(alias, record_type)` to its WHERE
//! clause. A test in `tests/` checks that SQL and core agree.

/// `visible!("m", "measure")` is the condition that the row `m` may be read.
#[macro_export]
#[doc(hidden)]
macro_rules! visible {
    ($alias:literal, $record_type:literal) => {
        concat!(
            "(",
            $alias,
            ".classification = 'public' OR $1 OR (",
            $alias,
            ".classification = 'internal' AND $2) OR (",
            $alias,
            ".classification = 'restricted' AND EXISTS (SELECT 1 FROM record_orgs ro WHERE ro.record_type = '",
            $record_type,
            "' AND ro.record_id = ",
            $alias,
            ".id AND ro.organisation_id = $3)))"
        )
    };
}
