//! The personal-data detector against a labelled set of Swedish sentences
//! (`privacy_corpus.tsv`): precision and recall per kind and overall.
//!
//! Counting is per sentence × kind: a kind found in a sentence that expects
//! it is a true positive, a kind found that the sentence does not expect is
//! a false positive, and an expected kind not found is a false negative.
//! Run with `--nocapture` to see the table and every miss.

use std::collections::BTreeSet;
use tryggve_core::privacy::{FindingKind, scan};

const CORPUS: &str = include_str!("privacy_corpus.tsv");
const NAMES: [&str; 6] = ["Kalle Nilsson", "Sara Lind", "Ahmed Yusuf", "Elin Björk", "Åsa Öberg", "Jonas Ek"];

struct Row<'a> {
    label: &'a str,
    expected: BTreeSet<usize>,
    sentence: &'a str,
}

/// Index of a kind in [`FindingKind::ALL`], by its serialized name.
fn kind_index(name: &str) -> usize {
    FindingKind::ALL
        .iter()
        .position(|k| serde_json::to_value(k).unwrap() == name)
        .unwrap_or_else(|| panic!("unknown kind {name:?} in the corpus"))
}

fn rows() -> Vec<Row<'static>> {
    CORPUS
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("label\t"))
        .map(|l| {
            let mut cols = l.splitn(3, '\t');
            let (label, kinds, sentence) = (cols.next().unwrap(), cols.next().unwrap(), cols.next().unwrap());
            let expected = kinds.split(',').filter(|k| !k.is_empty()).map(kind_index).collect();
            Row { label, expected, sentence }
        })
        .collect()
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[test]
fn the_detector_meets_its_precision_and_recall_on_the_labelled_sentences() {
    let rows = rows();
    assert!(rows.len() >= 200, "the corpus has {} sentences", rows.len());
    let mut per_kind = [Counts::default(); FindingKind::ALL.len()];
    let mut misses = Vec::new();
    for row in &rows {
        let found: BTreeSet<usize> = scan(row.sentence, &NAMES)
            .iter()
            .map(|f| FindingKind::ALL.iter().position(|k| *k == f.kind).unwrap())
            .collect();
        for (k, counts) in per_kind.iter_mut().enumerate() {
            match (row.expected.contains(&k), found.contains(&k)) {
                (true, true) => counts.tp += 1,
                (false, true) => counts.fp += 1,
                (true, false) => counts.fn_ += 1,
                (false, false) => {}
            }
        }
        if row.expected != found {
            let names = |s: &BTreeSet<usize>| s.iter().map(|&k| FindingKind::ALL[k].label()).collect::<Vec<_>>();
            misses.push(format!(
                "{}: expected {:?}, found {:?}: {}",
                row.label,
                names(&row.expected),
                names(&found),
                row.sentence
            ));
        }
    }
    let overall =
        per_kind.iter().fold(Counts::default(), |a, c| Counts { tp: a.tp + c.tp, fp: a.fp + c.fp, fn_: a.fn_ + c.fn_ });

    println!(
        "{} sentences, {} without personal data",
        rows.len(),
        rows.iter().filter(|r| r.expected.is_empty()).count()
    );
    println!("| kind | expected | found correctly | false positives | missed | precision | recall |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let line = |name: &str, c: Counts| {
        println!(
            "| {name} | {} | {} | {} | {} | {:.3} | {:.3} |",
            c.tp + c.fn_,
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
    };
    for (k, c) in per_kind.iter().enumerate() {
        line(FindingKind::ALL[k].label(), *c);
    }
    line("**all**", overall);
    for m in &misses {
        println!("miss: {m}");
    }

    assert!(overall.precision() >= 0.95, "overall precision {:.3}", overall.precision());
    assert!(overall.recall() >= 0.95, "overall recall {:.3}", overall.recall());
    for (k, c) in per_kind.iter().enumerate() {
        assert!(c.recall() >= 0.9, "recall for {} is {:.3}", FindingKind::ALL[k].label(), c.recall());
    }
}

#[test]
fn every_kind_is_represented_in_the_corpus() {
    let rows = rows();
    for (k, kind) in FindingKind::ALL.iter().enumerate() {
        let n = rows.iter().filter(|r| r.expected.contains(&k)).count();
        assert!(n >= 10, "only {n} sentences with {}", kind.label());
    }
    let labels: BTreeSet<&str> = rows.iter().map(|r| r.label).collect();
    assert_eq!(labels.len(), rows.len(), "labels are unique");
}
