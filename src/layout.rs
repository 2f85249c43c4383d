//! Layout math for the cluster diagram: where producers, partitions, groups and consumers sit,
//! how wide an offset cell is, and which colour a key gets. Pure functions with native tests;
//! the SVG components only map these results to elements.

use std::fmt;

use kplay_engine::assignor::TopicPartition;

/// A length or coordinate as SVG and CSS text, to a tenth of a pixel and without a trailing
/// `.0`: `12`, `12.5`, `-3.2`. Written with integer arithmetic: with it the page carries no
/// float printer (about 6 kB of its compressed size).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `as` saturates, and makes NaN 0.
        let tenths = (self.0 * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, tenth) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
        if tenth == 0 {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{tenth}")
        }
    }
}

/// [`Num`] as an attribute value.
pub fn num(x: f64) -> String {
    Num(x).to_string()
}

/// Width of the diagram's coordinate space (it scales to the panel).
pub const WIDTH: f64 = 960.0;
/// Left edge and width of the producer column.
pub const PRODUCER_X: f64 = 12.0;
/// Width of a producer box.
pub const PRODUCER_W: f64 = 150.0;
/// Left edge of the cluster frame.
pub const CLUSTER_X: f64 = 200.0;
/// Width of the cluster frame.
pub const CLUSTER_W: f64 = 520.0;
/// Left edge of the consumer-group column.
pub const GROUP_X: f64 = 760.0;
/// Width of a group box.
pub const GROUP_W: f64 = 188.0;
/// Height of one partition row.
pub const ROW_H: f64 = 34.0;
/// Height of a topic's title line.
pub const TOPIC_HEADER_H: f64 = 26.0;
/// Width of one offset cell.
pub const CELL_W: f64 = 30.0;
/// Newest records drawn per partition; older ones are summarised as "+N earlier".
pub const VISIBLE_CELLS: u64 = 11;
/// Height of a consumer box.
pub const CONSUMER_H: f64 = 26.0;
/// Height of a group's header: its name, and under it its state and generation.
pub const GROUP_HEADER_H: f64 = 42.0;

/// Okabe–Ito's eight colour-blind-safe colours, the key palette.
pub const KEY_COLOURS: [&str; 8] = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999",
];

/// Whether a key colour needs white text: black on the dark blue reaches only 4.05:1, below
/// WCAG AA's 4.5:1 for the cells' small text (a test checks every colour both ways).
pub fn needs_light_text(colour: &str) -> bool {
    colour == KEY_COLOURS[4]
}

/// A key's colour: a deterministic hash of its bytes into [`KEY_COLOURS`]; null keys are grey.
pub fn key_colour(key: Option<&str>) -> &'static str {
    let Some(key) = key else {
        return KEY_COLOURS[7];
    };
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    KEY_COLOURS[(h % 7) as usize]
}

/// What of a key fits in a cell: at most three of its characters. Keys like `order-42` or
/// `customer-7` are told apart by their number, so a key ending in digits shows its number
/// (`42`, `7`); any other key shows its first characters. What is cut is marked with `…`, so
/// that `order-1234890` (`…890`) is not taken for `order-890`, nor `alison` (`ali…`) for `ali`.
/// A null key is `∅`, an empty one `""`.
pub fn key_abbrev(key: Option<&str>) -> String {
    let key = match key {
        None => return "∅".into(),
        Some("") => return "\"\"".into(),
        Some(key) => key,
    };
    let digits = key.len() - key.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 3 {
        format!("…{}", &key[key.len() - 3..])
    } else if digits > 0 {
        key[key.len() - digits..].to_owned()
    } else if key.chars().nth(3).is_some() {
        key.chars().take(3).chain(['…']).collect()
    } else {
        key.to_owned()
    }
}

/// About how wide a character of diagram text is, in ems (semi-bold when `bold`). Measured
/// on DejaVu Sans, the widest of the common sans-serif fonts, and rounded up by class: names
/// full of `i`, `l`, `t` and `-` need far less room than their length says.
fn glyph_em(c: char, bold: bool) -> f64 {
    let em = match c {
        'i' | 'j' | 'l' | 'I' | 'J' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.38,
        'f' | 't' | 'r' | '-' | '(' | ')' | '[' | ']' | '/' => 0.5,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 1.1,
        c if c.is_ascii_uppercase() => 0.85,
        c if c.is_ascii() => 0.72,
        // Letters of other scripts, CJK above all, run up to a full em.
        _ => 1.0,
    };
    if bold {
        em
    } else {
        em * 0.9
    }
}

/// About how wide `text` is drawn `size_px` high (semi-bold when `bold`).
pub fn text_width(text: &str, size_px: f64, bold: bool) -> f64 {
    text.chars().map(|c| glyph_em(c, bold)).sum::<f64>() * size_px
}

/// How many digits of diagram text `size_px` high (semi-bold when `bold`) fit in `width_px`:
/// room for counts and partition numbers.
pub fn chars_in(width_px: f64, size_px: f64, bold: bool) -> usize {
    (width_px / (glyph_em('0', bold) * size_px)).max(0.0) as usize
}

/// `text` drawn `size_px` high (semi-bold when `bold`) cut to fit `width_px`, by a "…" in
/// the middle when it does not: names such as `notification-service-group-1` and `-2` differ
/// at their end, so both ends stay (`notificati…group-1`). The diagram gives the whole text
/// as the shape's tooltip and accessible name.
pub fn fit(text: &str, width_px: f64, size_px: f64, bold: bool) -> String {
    if text_width(text, size_px, bold) <= width_px {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut room = width_px - glyph_em('…', bold) * size_px;
    let (mut head, mut tail) = (0, 0);
    // From the front and the back in turn, the front first, while the next one fits.
    while head + tail < chars.len() {
        let front = head <= tail;
        let c = if front {
            chars[head]
        } else {
            chars[chars.len() - 1 - tail]
        };
        room -= glyph_em(c, bold) * size_px;
        if room < 0.0 {
            break;
        }
        if front {
            head += 1;
        } else {
            tail += 1;
        }
    }
    let mut cut: String = chars[..head].iter().collect();
    cut.push('…');
    cut.extend(&chars[chars.len() - tail..]);
    cut
}

/// The partitions a consumer owns as its diagram box says them: `P0,1,2` with runs written
/// `P0–5`, and only their number when they span several topics or do not fit `max_chars`.
pub fn owned_partitions(owned: &[TopicPartition], max_chars: usize) -> String {
    let count = || format!("{} partitions", owned.len());
    if owned.windows(2).any(|w| w[0].topic != w[1].topic) {
        return count();
    }
    // Marks rather than a sort: the page links one sort for the whole engine, and a second
    // one only for this would cost more than the whole function.
    let mut held = Vec::new();
    for tp in owned {
        let p = tp.partition as usize;
        if held.len() <= p {
            held.resize(p + 1, false);
        }
        held[p] = true;
    }
    let mut text = String::from("P");
    let mut p = 0;
    while p < held.len() {
        if !held[p] {
            p += 1;
            continue;
        }
        let mut last = p;
        while held.get(last + 1) == Some(&true) {
            last += 1;
        }
        if text.len() > 1 {
            text.push(',');
        }
        text += &match last - p {
            0 => p.to_string(),
            1 => format!("{p},{last}"),
            _ => format!("{p}–{last}"),
        };
        p = last + 1;
    }
    if text.chars().count() > max_chars {
        count()
    } else {
        text
    }
}

/// Vertical extent of one topic block and its partitions.
#[derive(Clone, Debug, PartialEq)]
pub struct TopicBox {
    /// Top of the block.
    pub y: f64,
    /// Height of the block.
    pub h: f64,
    /// Y of each partition row's centre line.
    pub rows: Vec<f64>,
}

/// Stacks topics vertically inside the cluster frame, starting at `top`.
pub fn topic_boxes(top: f64, partition_counts: &[u32]) -> Vec<TopicBox> {
    let mut y = top;
    partition_counts
        .iter()
        .map(|&n| {
            let rows = (0..n)
                .map(|p| y + TOPIC_HEADER_H + ROW_H * f64::from(p) + ROW_H / 2.0)
                .collect();
            let h = TOPIC_HEADER_H + ROW_H * f64::from(n) + 8.0;
            let b = TopicBox { y, h, rows };
            y += h + 12.0;
            b
        })
        .collect()
}

/// The x of offset cell `slot` (0 = oldest drawn) of a partition strip.
pub fn cell_x(slot: u64) -> f64 {
    CLUSTER_X + 52.0 + CELL_W * slot as f64
}

/// Which offsets of a partition's log the diagram draws: the newest [`VISIBLE_CELLS`]. When a
/// consumer is stuck on a record older than those, that record keeps the first slot, so the
/// record a partition waits behind stays in view as newer ones arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// The older record drawn in the first slot, apart from the run after it.
    pub pinned: Option<u64>,
    /// The first offset of the run of newest offsets.
    pub from: u64,
    /// How many offsets of the log are not drawn.
    pub hidden: u64,
}

impl Window {
    /// The window of a log from `log_start` to `log_end` (exclusive) when a consumer is stuck
    /// on `blocking`.
    pub fn new(log_start: u64, log_end: u64, blocking: Option<u64>) -> Self {
        let from = log_end.saturating_sub(VISIBLE_CELLS).max(log_start);
        match blocking {
            Some(b) if b >= log_start && b < from => Window {
                pinned: Some(b),
                from: from + 1,
                hidden: from - log_start,
            },
            _ => Window {
                pinned: None,
                from,
                hidden: from - log_start,
            },
        }
    }

    /// The slot the record at `offset` is drawn in, if it is drawn.
    pub fn slot(&self, offset: u64) -> Option<u64> {
        match self.pinned {
            Some(p) if p == offset => Some(0),
            _ if offset >= self.from => Some(offset - self.from + u64::from(self.pinned.is_some())),
            _ => None,
        }
    }

    /// The x of a marker at `offset` (a committed offset, the next offset). A marker at an
    /// offset not drawn sits at the edge of the drawn records it falls between: the strip's
    /// left edge, or the seam after a pinned record.
    pub fn x(&self, offset: u64) -> f64 {
        match (self.slot(offset), self.pinned) {
            (Some(slot), _) => cell_x(slot),
            (None, Some(p)) if offset > p => cell_x(1),
            (None, _) => cell_x(0),
        }
    }
}

/// Vertical extent of a group block and its consumers.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupBox {
    /// Top of the block.
    pub y: f64,
    /// Height of the block.
    pub h: f64,
    /// Y of each consumer box's top.
    pub consumers: Vec<f64>,
}

/// Stacks groups vertically in the right column, starting at `top`.
pub fn group_boxes(top: f64, consumer_counts: &[usize]) -> Vec<GroupBox> {
    let mut y = top;
    consumer_counts
        .iter()
        .map(|&n| {
            let consumers = (0..n)
                .map(|i| y + GROUP_HEADER_H + (CONSUMER_H + 6.0) * i as f64)
                .collect();
            let h = GROUP_HEADER_H + 6.0 + (CONSUMER_H + 6.0) * n.max(1) as f64;
            let b = GroupBox { y, h, consumers };
            y += h + 12.0;
            b
        })
        .collect()
}

/// Vertical position of producer `i`.
pub fn producer_y(top: f64, i: usize) -> f64 {
    top + 46.0 * i as f64
}

/// A cubic edge from `(x1, y1)` to `(x2, y2)` that leaves and arrives horizontally.
pub fn edge_path(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    let mid = (x1 + x2) / 2.0;
    let (x1, y1, x2, y2, mid) = (Num(x1), Num(y1), Num(x2), Num(y2), Num(mid));
    format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}")
}

/// The point at `t` (0 to 1) along [`edge_path`]`(x1, y1, x2, y2)`: where a record flying along
/// that edge is at that fraction of its flight.
pub fn edge_point(x1: f64, y1: f64, x2: f64, y2: f64, t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let mid = (x1 + x2) / 2.0;
    let x = x1 * u * u * u + mid * 3.0 * u * t + x2 * t * t * t;
    let y = y1 * (u * u * u + 3.0 * u * u * t) + y2 * (3.0 * u * t * t + t * t * t);
    (x, y)
}

/// Height the diagram needs for all its columns.
pub fn diagram_height(topics: &[TopicBox], groups: &[GroupBox], producers: usize, top: f64) -> f64 {
    let t = topics.last().map_or(top, |b| b.y + b.h);
    let g = groups.last().map_or(top, |b| b.y + b.h);
    let p = producer_y(top, producers);
    t.max(g).max(p) + 16.0
}

#[cfg(test)]
mod tests {
    #[test]
    fn edge_points_follow_the_edge_from_end_to_end() {
        let p = |t| super::edge_point(10.0, 20.0, 110.0, 220.0, t);
        assert_eq!(p(0.0), (10.0, 20.0));
        assert_eq!(p(1.0), (110.0, 220.0));
        // Half way the S-curve crosses the straight line's midpoint; a quarter of the way it
        // has moved right more than down (it leaves horizontally).
        assert_eq!(p(0.5), (60.0, 120.0));
        let (x, y) = super::edge_point(0.0, 0.0, 100.0, 100.0, 0.25);
        assert!(x > y && y > 0.0, "{x} {y}");
    }

    use super::*;

    #[test]
    fn topics_stack_without_overlapping_and_rows_are_evenly_spaced() {
        let boxes = topic_boxes(40.0, &[3, 1]);
        assert_eq!(boxes[0].rows.len(), 3);
        assert_eq!(boxes[0].rows[1] - boxes[0].rows[0], ROW_H);
        assert!(boxes[1].y >= boxes[0].y + boxes[0].h);
        assert!(boxes[0]
            .rows
            .iter()
            .all(|&r| r > boxes[0].y && r < boxes[0].y + boxes[0].h));
    }

    #[test]
    fn the_window_shows_the_newest_offsets_and_counts_the_rest() {
        let window = |start, end| {
            let w = Window::new(start, end, None);
            (w.from, w.hidden)
        };
        assert_eq!(window(0, 5), (0, 0));
        assert_eq!(window(0, 100), (100 - VISIBLE_CELLS, 100 - VISIBLE_CELLS));
        // Retention moved the start: nothing below it is counted as hidden.
        assert_eq!(window(95, 100), (95, 0));
        let w = Window::new(0, 20, None);
        assert_eq!(w.x(3), cell_x(0));
        assert_eq!(w.x(11), cell_x(2));
        assert_eq!(w.x(20), cell_x(VISIBLE_CELLS));
    }

    #[test]
    fn a_blocking_record_older_than_the_newest_keeps_the_first_slot() {
        let w = Window::new(0, 100, Some(40));
        assert_eq!(w.pinned, Some(40));
        // The first slot, then the newest ten: still eleven records drawn.
        assert_eq!(w.slot(40), Some(0));
        assert_eq!(w.slot(90), Some(1));
        assert_eq!(w.slot(99), Some(VISIBLE_CELLS - 1));
        assert_eq!((w.slot(39), w.slot(41), w.slot(89)), (None, None, None));
        assert_eq!(w.hidden, 100 - VISIBLE_CELLS);
        // The next offset follows the newest record; a group committed at the blocking
        // record points at it; offsets between the two runs sit at the seam.
        assert_eq!(w.x(100), cell_x(VISIBLE_CELLS));
        assert_eq!(w.x(40), cell_x(0));
        assert_eq!(w.x(60), cell_x(1));
        assert_eq!(w.x(12), cell_x(0));
        // A blocking record already among the newest, or gone from the log, pins nothing.
        for blocking in [95, 99, 3] {
            assert_eq!(
                Window::new(10, 100, Some(blocking)),
                Window::new(10, 100, None)
            );
        }
    }

    #[test]
    fn cells_of_a_full_window_stay_inside_the_cluster_frame() {
        let last = cell_x(VISIBLE_CELLS) + CELL_W;
        assert!(last <= CLUSTER_X + CLUSTER_W, "{last}");
        // The LWM and LEO lines end 20 px before the frame's edge and are at most
        // "LEO 99999999" wide (10 px monospace): they clear the next-offset slot.
        let label = 12.0 * 10.0 * 0.62;
        assert!(
            last + label <= CLUSTER_X + CLUSTER_W - 20.0,
            "{last} + {label}"
        );
    }

    #[test]
    fn key_colours_are_stable_and_null_keys_are_grey() {
        assert_eq!(key_colour(Some("order-42")), key_colour(Some("order-42")));
        assert_eq!(key_colour(None), "#999999");
        let distinct: std::collections::BTreeSet<_> = (0..50)
            .map(|i| key_colour(Some(&format!("order-{i}"))))
            .collect();
        assert!(
            distinct.len() >= 5,
            "keys spread over the palette: {distinct:?}"
        );
        assert_eq!(key_abbrev(Some("order-42")), "42");
        assert_eq!(key_abbrev(Some("customer-7")), "7");
        assert_eq!(key_abbrev(Some("order-890")), "890");
        assert_eq!(key_abbrev(Some("order-1234890")), "…890");
        assert_eq!(key_abbrev(Some("1234")), "…234");
        assert_eq!(key_abbrev(Some("alice")), "ali…");
        assert_eq!(key_abbrev(Some("ali")), "ali");
        assert_eq!(key_abbrev(Some("ab")), "ab");
        assert_eq!(key_abbrev(Some("ünï")), "ünï");
        assert_eq!(key_abbrev(Some("")), "\"\"");
        assert_eq!(key_abbrev(None), "∅");
    }

    /// WCAG 2 contrast ratio of `#rrggbb` against black or white.
    fn contrast(colour: &str, against_white: bool) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&colour[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
        if against_white {
            1.05 / (l + 0.05)
        } else {
            (l + 0.05) / 0.05
        }
    }

    #[test]
    fn text_on_every_key_colour_meets_wcag_aa() {
        for colour in KEY_COLOURS {
            let light = needs_light_text(colour);
            let ratio = contrast(colour, light);
            assert!(
                ratio >= 4.5,
                "{colour}: {ratio:.2}:1 with {} text",
                if light { "white" } else { "black" }
            );
            assert!(
                ratio >= contrast(colour, !light),
                "{colour}: the other ink reads better"
            );
        }
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_to_what_fits() {
        let fit12 = |text, width| fit(text, width, 12.0, true);
        assert_eq!(fit12("group-a", 80.0), "group-a");
        assert_eq!(fit12("payments-consumer-group", 80.0), "paym…oup");
        // Narrow letters leave room for more of a name than its length suggests.
        assert_eq!(
            fit12("notification-service-group-1", 130.0),
            "notifica…-group-1"
        );
        assert_ne!(
            fit12("notification-service-group-1", 130.0),
            fit12("notification-service-group-2", 130.0)
        );
        for (text, width) in [
            ("notification-service-group-1", 130.0),
            ("WWWWWWWWWWWWWWWWWWWW", 100.0),
            ("注文サービスのグループ", 90.0),
            ("ééééééééééééé", 50.0),
        ] {
            let cut = fit12(text, width);
            assert!(cut.contains('…'), "{cut}");
            assert!(text_width(&cut, 12.0, true) <= width, "{cut}");
        }
        assert_eq!(fit12("x", 0.0), "…", "nothing fits but the ellipsis");
        assert_eq!(chars_in(158.4, 12.0, true), 18);
        assert_eq!(chars_in(-5.0, 12.0, true), 0);
    }

    #[test]
    fn widths_cover_the_widest_common_sans_serif_font() {
        // Semi-bold 12 px DejaVu Sans in Chromium (getComputedTextLength): the estimate
        // never falls short of it.
        for (text, drawn) in [
            ("notification-service-group-1", 188.7),
            ("analytics-service-group", 158.8),
            ("order-service", 90.1),
            ("ledger-reader-1", 106.5),
        ] {
            let estimate = text_width(text, 12.0, true);
            assert!(
                estimate >= drawn && estimate < drawn * 1.15,
                "{text}: {estimate}"
            );
        }
        for (text, drawn) in [
            ("notification-service-group-1", 151.9),
            ("analytics-service-group", 128.2),
        ] {
            let estimate = text_width(text, 11.0, false);
            assert!(
                estimate >= drawn && estimate < drawn * 1.15,
                "{text}: {estimate}"
            );
        }
    }

    #[test]
    fn owned_partitions_are_written_as_runs_and_counted_when_they_do_not_fit() {
        let tps = |topic: &str, ps: &[u32]| -> Vec<TopicPartition> {
            ps.iter()
                .map(|&partition| TopicPartition {
                    topic: topic.into(),
                    partition,
                })
                .collect()
        };
        assert_eq!(owned_partitions(&tps("orders", &[2, 0, 1]), 20), "P0–2");
        assert_eq!(owned_partitions(&tps("orders", &[0, 1]), 20), "P0,1");
        assert_eq!(
            owned_partitions(&tps("orders", &[4, 0, 2, 3]), 20),
            "P0,2–4"
        );
        assert_eq!(owned_partitions(&tps("orders", &[7]), 20), "P7");
        assert_eq!(
            owned_partitions(&tps("orders", &[0, 2, 4, 6, 8, 10]), 10),
            "6 partitions"
        );
        let mut two_topics = tps("orders", &[0]);
        two_topics.extend(tps("orders-dlt", &[0]));
        assert_eq!(
            owned_partitions(&two_topics, 20),
            "2 partitions",
            "partition numbers alone would be ambiguous across topics"
        );
    }

    #[test]
    fn groups_leave_room_for_every_consumer() {
        let boxes = group_boxes(40.0, &[2, 0, 4]);
        assert_eq!(boxes[0].consumers.len(), 2);
        assert!(boxes[0].consumers[1] + CONSUMER_H <= boxes[0].y + boxes[0].h);
        assert!(boxes[1].h > 0.0, "an empty group still has a box");
        assert!(boxes[2].y >= boxes[1].y + boxes[1].h);
        assert_eq!(edge_path(0.0, 0.0, 10.0, 5.0), "M0,0 C5,0 5,5 10,5");
        assert_eq!(
            edge_path(1.25, 2.0, 4.0, -3.36),
            "M1.3,2 C2.6,2 2.6,-3.4 4,-3.4"
        );
    }

    #[test]
    fn coordinates_are_written_to_a_tenth_without_a_float_printer() {
        let text = |x: f64| Num(x).to_string();
        assert_eq!(text(230.0), "230");
        assert_eq!(text(12.5), "12.5");
        assert_eq!(text(12.04), "12");
        assert_eq!(text(12.96), "13");
        assert_eq!(text(-3.2), "-3.2");
        assert_eq!(text(-0.04), "0");
        assert_eq!(text(-0.05), "-0.1");
        assert_eq!(text(f64::NAN), "0");
        assert_eq!(num(0.3 + 0.6), "0.9");
    }
}
