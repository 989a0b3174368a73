//! The one integration test binary: every test drives a real server over
//! HTTP (or the real binary) against a fresh database, on SQLite and — when
//! `TRYGGVE_TEST_POSTGRES_URL` is set — on PostgreSQL.

mod helpers;

mod confidentiality;
mod minutes;

mod accessibility;
mod api;
mod auth;
mod backup;
mod browser;
mod cli;
mod demo;
mod documents;
mod durability;
mod import_minutes;
mod import_review;
mod oidc;
mod operations;
mod pages;
mod privacy;
mod robustness;
mod schema;
mod situation;
mod workdoc;
