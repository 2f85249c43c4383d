//! The built-in lessons in `public/lessons/`: the index lists exactly the lesson files, every
//! lesson validates and replays, its link stays short, and every experiment is achievable
//! and not already done when its step opens.

use std::path::PathBuf;

use kplay_engine::lesson::{IndexEntry, Lesson};
use kplay_engine::link;

/// The goal for a built-in lesson's link, in characters (see `link::MAX_LINK_CHARS`).
const LESSON_LINK_CHARS: usize = 1_500;

fn lessons_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../public/lessons")
}

fn index() -> Vec<IndexEntry> {
    let text = std::fs::read_to_string(lessons_dir().join("index.json")).expect("index.json");
    IndexEntry::list_from_json(&text).expect("index.json is a list of {id, title, summary}")
}

/// Every lesson, in the index's order.
fn lessons() -> Vec<Lesson> {
    index()
        .iter()
        .map(|entry| {
            let path = lessons_dir().join(format!("{}.json", entry.id));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Lesson::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect()
}

#[test]
fn the_index_lists_exactly_the_lesson_files_in_teaching_order() {
    let mut files: Vec<String> = std::fs::read_dir(lessons_dir())
        .expect("public/lessons exists")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "index.json")
        .collect();
    files.sort();
    let index = index();
    let mut listed: Vec<String> = index.iter().map(|e| format!("{}.json", e.id)).collect();
    listed.sort();
    assert_eq!(
        listed, files,
        "index.json against the files in public/lessons"
    );
    let mut unique = listed.clone();
    unique.dedup();
    assert_eq!(unique, listed, "index.json lists a lesson twice");
    for (entry, lesson) in index.iter().zip(lessons()) {
        assert_eq!(lesson.id, entry.id, "{}.json: id", entry.id);
        assert_eq!(lesson.title, entry.title, "{}.json: title", entry.id);
        assert_eq!(lesson.summary, entry.summary, "{}.json: summary", entry.id);
    }
    // Teaching order follows the seed document; pin its ends so a reshuffle is deliberate.
    assert_eq!(index.first().map(|e| e.id.as_str()), Some("post-office"));
    assert_eq!(
        index.last().map(|e| e.id.as_str()),
        Some("partition-pitfall")
    );
}

#[test]
fn every_lesson_builds_and_runs_to_each_step_without_violations() {
    for lesson in lessons() {
        let mut sim = lesson
            .scenario
            .build()
            .unwrap_or_else(|e| panic!("{}: {e}", lesson.id));
        for (i, step) in lesson.steps.iter().enumerate() {
            if let Some(t) = step.run_to_ms {
                sim.run_until(t);
                assert_eq!(sim.now_ms(), t, "{} step {}", lesson.id, i + 1);
            }
            assert!(
                sim.checker().violations().is_empty(),
                "{} step {}: {:?}",
                lesson.id,
                i + 1,
                sim.checker().violations()
            );
        }
        // Every preset command succeeds: a failed one is skipped, so it would not be in the
        // applied script.
        let applied = sim.script().len();
        assert_eq!(
            applied,
            lesson
                .scenario
                .script
                .iter()
                .filter(|e| e.at_ms <= sim.now_ms())
                .count(),
            "{}: a preset command was refused",
            lesson.id
        );
    }
}

#[test]
fn every_lesson_has_a_short_link_that_round_trips() {
    for lesson in lessons() {
        let encoded = link::encode(&lesson.scenario);
        println!("{}: {} characters", lesson.id, encoded.len());
        assert!(
            encoded.len() <= LESSON_LINK_CHARS,
            "{}: link of {} characters, the goal is {LESSON_LINK_CHARS}",
            lesson.id,
            encoded.len()
        );
        assert_eq!(
            link::decode(&encoded).unwrap(),
            lesson.scenario,
            "{}",
            lesson.id
        );
    }
}

#[test]
fn every_lesson_has_an_experiment() {
    for lesson in lessons() {
        assert!(
            lesson.steps.iter().any(|s| s.try_this.is_some()),
            "{}: no step has a try_this",
            lesson.id
        );
        assert!(
            (3..=7).contains(&lesson.steps.len()),
            "{}: {} steps",
            lesson.id,
            lesson.steps.len()
        );
    }
}

/// Each step opens on the preset with the earlier steps' experiments done
/// (`Lesson::scenario_for_step`), as the page opens it.
#[test]
fn every_experiment_is_not_done_yet_when_its_step_opens_and_its_solution_achieves_it() {
    for lesson in lessons() {
        for (i, step) in lesson.steps.iter().enumerate() {
            let Some(try_this) = &step.try_this else {
                continue;
            };
            let opened_at = lesson.opening_ms(i);
            let here = format!(
                "{} step {} ({})",
                lesson.id,
                i + 1,
                try_this.check.describe()
            );
            let mut sim = lesson.scenario_for_step(i).build().unwrap();
            sim.run_until(opened_at);
            assert!(
                !try_this.check.holds(&sim),
                "{here}: holds already at {opened_at} ms, before the user did anything"
            );
            // Continue judges the goal later: the preset alone must not reach it by then, or
            // Continue would skip a solution the next step's text relies on.
            let mut untouched = sim.clone();
            let judged_at = lesson.goal_judged_at_ms(i);
            untouched.run_until(judged_at);
            assert!(
                !try_this.check.holds(&untouched),
                "{here}: the preset alone reaches it by {judged_at} ms"
            );
            try_this
                .apply_solution(&mut sim)
                .unwrap_or_else(|e| panic!("{here}: solution refused: {e}"));
            sim.run_until(try_this.settled_at_ms(opened_at));
            assert!(
                try_this.check.holds(&sim),
                "{here}: does not hold {} ms after the solution",
                try_this.settle_ms
            );
            assert!(
                sim.checker().violations().is_empty(),
                "{here}: {:?}",
                sim.checker().violations()
            );
        }
    }
}

#[test]
fn every_lesson_reads_back_equal_after_writing_it_out() {
    for lesson in lessons() {
        let written = serde_json::to_string(&lesson).unwrap();
        assert_eq!(
            Lesson::from_json(&written),
            Ok(lesson.clone()),
            "{}",
            lesson.id
        );
    }
}

#[test]
fn lesson_files_with_misspelt_or_unknown_parts_are_refused_with_their_place() {
    let lesson = serde_json::to_value(&lessons()[0]).unwrap();
    let mut misspelt = lesson.clone();
    misspelt["steps"][0]["titel"] = "x".into();
    let e = Lesson::from_json(&misspelt.to_string()).unwrap_err();
    assert!(e.contains("steps[0]") && e.contains("titel"), "{e}");
    let mut unknown_check = lesson.clone();
    let step = lessons()[0]
        .steps
        .iter()
        .position(|s| s.try_this.is_some())
        .unwrap();
    unknown_check["steps"][step]["try_this"]["check"]["type"] = "group_is_happy".into();
    let e = Lesson::from_json(&unknown_check.to_string()).unwrap_err();
    assert!(
        e.contains("group_is_happy") && e.contains("group_state"),
        "{e}"
    );
    let mut extra_field = lesson;
    extra_field["steps"][step]["try_this"]["check"]["colour"] = "red".into();
    let e = Lesson::from_json(&extra_field.to_string()).unwrap_err();
    assert!(e.contains("colour"), "{e}");
}

#[test]
fn every_concept_points_at_a_live_entity_from_the_second_step_on() {
    let mut with_concepts = 0;
    for lesson in lessons() {
        if lesson.concepts.is_empty() {
            continue;
        }
        with_concepts += 1;
        let mut sim = lesson.scenario.build().unwrap();
        for step in lesson.steps.iter().skip(1) {
            if let Some(t) = step.run_to_ms {
                sim.run_until(t);
            }
            for c in &lesson.concepts {
                assert!(
                    kplay_engine::inspect::inspect(&sim, &c.entity).is_some(),
                    "{}: concept {} points at {:?}, which does not exist at {} ms",
                    lesson.id,
                    c.term,
                    c.entity,
                    sim.now_ms()
                );
            }
        }
    }
    assert!(
        with_concepts >= 1,
        "the architecture lesson has a concept table"
    );
}
