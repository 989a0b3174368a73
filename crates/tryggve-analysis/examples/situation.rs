//! Throwaway driver for timing the two tasks without the rest of the
//! workspace; takes the same arguments as `tryggve situation …`:
//!
//! ```text
//! situation [situation] aggregate --areas A.geojson --incidents I.csv --out aggregate.csv
//! situation [situation] hotspots --incidents I.csv --cell 250 --out hotspots.csv
//! ```
//!
//! Prints the phase timings as one JSON line on stderr.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("situation") {
        args.remove(0);
    }
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|k| args.get(k + 1)).cloned();
    let path = |name: &str| flag(name).map(PathBuf::from);
    let result = match (args.first().map(String::as_str), path("--incidents"), path("--out")) {
        (Some("aggregate"), Some(incidents), Some(out)) => match path("--areas") {
            Some(areas) => tryggve_analysis::run_aggregate(&areas, &incidents, &out),
            None => return usage(),
        },
        (Some("hotspots"), Some(incidents), Some(out)) => {
            let cell = flag("--cell").map_or(Ok(250.0), |c| c.parse::<f64>());
            match cell {
                Ok(cell) => tryggve_analysis::run_hotspots(&incidents, cell, &out),
                Err(_) => return usage(),
            }
        }
        _ => return usage(),
    };
    match result {
        Ok(phases) => {
            eprintln!("{}", phases.to_json());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: situation aggregate --areas A --incidents I --out O\n       situation hotspots --incidents I --cell 250 --out O"
    );
    ExitCode::from(2)
}
