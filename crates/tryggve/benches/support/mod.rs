//! What the benchmarks share: where their database lives, and a seeded
//! random number generator.
#![allow(dead_code)]

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use tryggve_db::Db;

/// Where the benchmark's database lives, removed again afterwards.
pub enum Store {
    Sqlite { url: String, dir: Option<PathBuf> },
    Postgres { url: String, admin: String, name: String },
}

impl Store {
    /// From `TRYGGVE_BENCH_DATABASE_URL`; on PostgreSQL the database `pg_database` is created (and dropped again).
    pub async fn open(pg_database: &str) -> Result<Store> {
        let given = std::env::var("TRYGGVE_BENCH_DATABASE_URL").unwrap_or_default();
        let given = given.trim();
        if given.starts_with("postgres://") || given.starts_with("postgresql://") {
            let admin_db = Db::connect_admin(given).await.context("connect to the PostgreSQL server")?;
            admin_db.drop_database(pg_database).await?;
            admin_db.create_database(pg_database).await?;
            admin_db.close().await;
            // The server's URL with the benchmark's database as its path.
            let host_start = given.find("://").map_or(0, |i| i + 3);
            let base = match given[host_start..].find('/') {
                Some(i) => &given[..host_start + i],
                None => given,
            };
            Ok(Store::Postgres {
                url: format!("{base}/{pg_database}"),
                admin: given.to_owned(),
                name: pg_database.to_owned(),
            })
        } else if given.starts_with("sqlite:") {
            Ok(Store::Sqlite { url: given.to_owned(), dir: None })
        } else if given.is_empty() {
            let dir = std::env::temp_dir().join(format!("tryggve-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            Ok(Store::Sqlite { url: format!("sqlite:{}", dir.join("bench.db").display()), dir: Some(dir) })
        } else {
            bail!("TRYGGVE_BENCH_DATABASE_URL: expected sqlite:FILE or postgres://SERVER/")
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Store::Sqlite { url, .. } | Store::Postgres { url, .. } => url,
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite { .. } => "SQLite",
            Store::Postgres { .. } => "PostgreSQL",
        }
    }

    pub async fn remove(&self) {
        match self {
            Store::Sqlite { dir: Some(dir), .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Store::Sqlite { dir: None, .. } => {}
            Store::Postgres { admin, name, .. } => {
                if let Ok(db) = Db::connect_admin(admin).await {
                    let _ = db.drop_database(name).await;
                    db.close().await;
                }
            }
        }
    }
}

/// SplitMix64: small, seeded, the same numbers on every machine.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn weighted<'a, T>(&mut self, table: &'a [(T, u32)]) -> &'a T {
        let total: u32 = table.iter().map(|x| x.1).sum();
        let mut r = (self.next() % u64::from(total)) as u32;
        for (v, w) in table {
            if r < *w {
                return v;
            }
            r -= w;
        }
        &table[table.len() - 1].0
    }
}
