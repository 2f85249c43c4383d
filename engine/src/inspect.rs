//! The inspector's content: for anything the user can point at (a record, a topic, a partition,
//! a producer, a consumer group, a consumer, the broker), its facts in Kafka's vocabulary and the
//! actions that make sense on it now, as [`Command`]s.
//!
//! It lives in the engine so that it is plain data, tested natively, and so that lessons can
//! name the same entities (a lesson's concept table points at them, see [`crate::lesson`]).

use serde::Serialize;

use crate::assignor::TopicPartition;
use crate::consumer::{ConsumerStatus, MemberPhase};
use crate::group::{GroupRole, GroupState};
use crate::json_read::{Field, Obj};
use crate::lesson::plural;
use crate::producer::Acks;
use crate::sim::{Command, ResetTarget, Simulation};

/// Something in the simulation the user can point at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Entity {
    /// One record of a partition.
    Record {
        /// Topic.
        topic: String,
        /// Partition.
        partition: u32,
        /// Offset.
        offset: u64,
    },
    /// A topic.
    Topic {
        /// Its name.
        name: String,
    },
    /// One partition of a topic.
    Partition {
        /// Topic.
        topic: String,
        /// Partition.
        partition: u32,
    },
    /// A producer of the scenario.
    Producer {
        /// Its name.
        name: String,
    },
    /// A consumer group.
    Group {
        /// `group.id`.
        id: String,
    },
    /// A consumer.
    Consumer {
        /// Its name, e.g. `group-a-1`.
        name: String,
    },
    /// The (single, simulated) broker.
    Broker,
}

impl Entity {
    /// Every `type` an entity can have.
    pub const TYPES: &'static [&'static str] = &[
        "record",
        "topic",
        "partition",
        "producer",
        "group",
        "consumer",
        "broker",
    ];

    /// Reads an entity from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        let text = |name| o.req(name).and_then(|f| f.string());
        Ok(match o.tag("type")? {
            "record" => Entity::Record {
                topic: text("topic")?,
                partition: o.req("partition")?.u32()?,
                offset: o.req("offset")?.u64()?,
            },
            "topic" => Entity::Topic {
                name: text("name")?,
            },
            "partition" => Entity::Partition {
                topic: text("topic")?,
                partition: o.req("partition")?.u32()?,
            },
            "producer" => Entity::Producer {
                name: text("name")?,
            },
            "group" => Entity::Group { id: text("id")? },
            "consumer" => Entity::Consumer {
                name: text("name")?,
            },
            "broker" => Entity::Broker,
            other => return Err(o.unknown_variant("type", other, Self::TYPES)),
        })
    }
}

/// An action offered on an entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// The button's text, naming what it does (and unique among the page's buttons: "Crash
    /// consumer", not "Crash").
    pub label: &'static str,
    /// The command it applies.
    pub command: Command,
}

/// What the inspector shows for an entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Details {
    /// What it is and its name: "Consumer group-a-1".
    pub heading: String,
    /// Facts as (label, value) pairs; a value may span lines.
    pub facts: Vec<(&'static str, String)>,
    /// What the user can do to it now.
    pub actions: Vec<Action>,
}

/// The details of `entity` in `sim` now, or `None` when it does not exist (any more).
pub fn inspect(sim: &Simulation, entity: &Entity) -> Option<Details> {
    match entity {
        Entity::Record {
            topic,
            partition,
            offset,
        } => record(sim, topic, *partition, *offset),
        Entity::Topic { name } => topic(sim, name),
        Entity::Partition { topic, partition } => partition_details(sim, topic, *partition),
        Entity::Producer { name } => producer(sim, name),
        Entity::Group { id } => group(sim, id),
        Entity::Consumer { name } => consumer(sim, name),
        Entity::Broker => Some(broker(sim)),
    }
}

/// Virtual milliseconds as the page's clock shows them: `mm:ss.mmm`.
pub fn format_clock(ms: u64) -> String {
    format!(
        "{:02}:{:02}.{:03}",
        ms / 60_000,
        (ms / 1000) % 60,
        ms % 1000
    )
}

fn tp(topic: &str, partition: u32) -> TopicPartition {
    TopicPartition {
        topic: topic.to_owned(),
        partition,
    }
}

fn lines(items: impl Iterator<Item = String>) -> String {
    let text = items.collect::<Vec<_>>().join("\n");
    if text.is_empty() {
        "none".to_owned()
    } else {
        text
    }
}

fn record(sim: &Simulation, topic: &str, partition: u32, offset: u64) -> Option<Details> {
    let log = sim.topic(topic)?.partition(partition)?;
    let r = log.get(offset)?;
    let at = tp(topic, partition);
    let groups = sim
        .groups()
        .iter()
        .enumerate()
        .filter(|(_, g)| g.topics.iter().any(|t| t == topic))
        .map(|(gi, g)| {
            let state = match g.committed.get(&at) {
                Some(&c) if c > offset => format!("committed past it (group offset {c})"),
                // It may have been delivered, even dead-lettered, without a commit yet.
                Some(&c) => format!("not committed past yet (group offset {c})"),
                None => "no committed offset".to_owned(),
            };
            // The consumer of this group that cannot get past this very record (J1, E1).
            let stuck = sim
                .consumers()
                .iter()
                .filter(|c| c.group == gi && c.status == ConsumerStatus::Running)
                .find_map(|c| {
                    let b = c.blocked_on(&at, sim.now_ms())?;
                    (b.partition == at && b.offset == offset).then(|| {
                        let how = if b.poll_fails {
                            "every poll fails at it"
                        } else {
                            "backing off on it"
                        };
                        format!("; {} is stuck: {how}", c.name)
                    })
                })
                .unwrap_or_default();
            format!("{}: {state}{stuck}", g.id)
        });
    Some(Details {
        heading: format!("Record {at} @ {offset}"),
        facts: vec![
            ("Partition", at.to_string()),
            ("Offset", offset.to_string()),
            // A transaction marker's key and value are its own control data, not a record's.
            (
                "Key",
                match r.control {
                    Some(_) => "none: a transaction marker".to_owned(),
                    None => r.key_text().unwrap_or_else(|| "null".into()),
                },
            ),
            (
                "Timestamp",
                format!(
                    "{} (CreateTime {} ms)",
                    format_clock(r.timestamp_ms),
                    r.timestamp_ms
                ),
            ),
            (
                "Value",
                match r.control {
                    Some(_) => "none: a transaction marker".to_owned(),
                    None => r.value.clone().unwrap_or_else(|| "null".into()),
                },
            ),
            (
                "Transaction",
                log.transaction_state(r).map_or("none".to_owned(), |t| {
                    let pid = r.producer_id.unwrap_or_default();
                    format!("{} (producer id {pid})", t.describe())
                }),
            ),
            (
                "Headers",
                lines(r.headers.iter().map(|h| {
                    format!(
                        "{} = {}",
                        h.key,
                        crate::dead_letter::header_value_text(&h.key, &h.value)
                    )
                })),
            ),
            ("Groups", lines(groups)),
        ],
        actions: Vec::new(),
    })
}

fn topic(sim: &Simulation, name: &str) -> Option<Details> {
    let t = sim.topic(name)?;
    let records: u64 = t.partitions().iter().map(|p| p.len()).sum();
    let readers = sim
        .groups()
        .iter()
        .filter(|g| g.topics.iter().any(|x| x == name))
        .map(|g| g.id.clone());
    let count = t.partition_count();
    let mut actions = Vec::new();
    if count < crate::topic::MAX_PARTITIONS {
        actions.push(Action {
            label: "Add a partition",
            command: Command::AddPartitions {
                topic: name.to_owned(),
                partitions: count + 1,
            },
        });
    }
    Some(Details {
        heading: format!("Topic {name}"),
        facts: vec![
            ("Partitions", count.to_string()),
            ("Records kept", records.to_string()),
            ("Read by groups", lines(readers)),
        ],
        actions,
    })
}

fn partition_details(sim: &Simulation, topic: &str, partition: u32) -> Option<Details> {
    let log = sim.topic(topic)?.partition(partition)?;
    let at = tp(topic, partition);
    let groups = sim
        .groups()
        .iter()
        .filter(|g| g.topics.iter().any(|t| t == topic))
        .map(|g| {
            // The owner is the coordinator's, as kafka-consumer-groups shows it: a stuck or
            // crashed consumer keeps its partitions until it leaves the group.
            let owner = g
                .owner_of(&at)
                .and_then(|m| sim.consumers().get(m.consumer))
                .map_or("no consumer".to_owned(), |c| match c.status {
                    ConsumerStatus::Running => c.name.clone(),
                    status => format!("{} ({})", c.name, status.name()),
                });
            let offset = g
                .committed
                .get(&at)
                .map_or("no group offset".to_owned(), |c| {
                    format!("group offset {c}")
                });
            let lag = sim
                .lag(g, &at)
                .map_or(String::new(), |l| format!(", lag {l}"));
            format!("{}: {owner}, {offset}{lag}", g.id)
        });
    let dead_letter = topic.ends_with(".DLT") || topic.ends_with("-dlt");
    let mut actions = Vec::new();
    if dead_letter && !log.is_empty() {
        actions.push(Action {
            label: "Redrive its records",
            command: Command::Redrive {
                topic: topic.to_owned(),
                partition,
                from_offset: log.log_start_offset(),
                count: log.len().min(10_000) as u32,
            },
        });
    }
    let mut facts = vec![
        ("Low Water Mark", log.log_start_offset().to_string()),
        ("High Water Mark", log.high_watermark().to_string()),
        ("Log End Offset", log.log_end_offset().to_string()),
        ("Records", log.len().to_string()),
        ("Groups", lines(groups)),
    ];
    if log.has_control_records() || log.open_transactions().next().is_some() {
        // Where read_committed consumers stop (T8): below the High Water Mark while a
        // transaction is open.
        let lso = log.last_stable_offset();
        let open = log.open_transactions().count();
        let why = match open {
            0 => "no open transaction".to_owned(),
            n => format!(
                "{n} open {}",
                plural(n as u64, "transaction", "transactions")
            ),
        };
        facts.insert(2, ("Last Stable Offset", format!("{lso} ({why})")));
    }
    Some(Details {
        heading: format!("Partition {at}"),
        facts,
        actions,
    })
}

fn producer(sim: &Simulation, name: &str) -> Option<Details> {
    let p = sim
        .producers()
        .iter()
        .find(|p| p.spec.name == name && !p.removed)?;
    let s = &p.spec;
    let producer = || name.to_owned();
    let mut actions = vec![Action {
        label: "Send one record",
        command: Command::ProducerSend {
            producer: producer(),
            count: 1,
        },
    }];
    // The faults and transaction calls the exactly-once lesson asks for, where they apply.
    if s.acks != Acks::Zero {
        actions.push(Action {
            label: "Lose its next acknowledgement",
            command: Command::LoseAcks {
                producer: producer(),
                count: 1,
            },
        });
    }
    let mut facts = Vec::new();
    if let Some(n) = p.sender.as_ref().map(|s| s.lose_acks).filter(|&n| n > 0) {
        let which = match n {
            1 => "the next answer".to_owned(),
            n => format!("the next {n} answers"),
        };
        facts.push((
            "Answers to lose",
            format!("{which} from the broker (the fault waits for a send)"),
        ));
    }
    // Once an answer was lost, sends wait for acknowledgements: say what is waiting and why.
    if let Some(sender) = p.sender.as_ref().filter(|s| !s.in_flight.is_empty()) {
        let (flying, queued) = (sender.in_flight.len() as u64, sender.queued.len() as u64);
        let stuck = if sender.connection_stuck {
            format!(
                "; an answer was lost, so nothing more is acknowledged until request.timeout.ms ({} ms) ends the connection and the batches are sent again",
                s.request_timeout_ms
            )
        } else {
            String::new()
        };
        facts.push((
            "In flight",
            format!(
                "{flying} {} awaiting acknowledgement, {queued} waiting for a slot{stuck}",
                plural(flying, "batch", "batches")
            ),
        ));
    }
    if let Some(id) = &s.transactional_id {
        facts.push(("transactional.id", id.clone()));
        if p.pending_end.is_some() {
            facts.push((
                "Transaction",
                "ending, once its batches in flight are acknowledged".to_owned(),
            ));
        } else if p.in_transaction {
            facts.push((
                "Transaction",
                format!(
                    "open, {} {}",
                    p.transaction_records,
                    plural(p.transaction_records.into(), "record", "records")
                ),
            ));
            actions.push(Action {
                label: "Commit transaction",
                command: Command::CommitTransaction {
                    producer: producer(),
                },
            });
            actions.push(Action {
                label: "Abort transaction",
                command: Command::AbortTransaction {
                    producer: producer(),
                },
            });
        } else {
            facts.push(("Transaction", "none open".to_owned()));
            actions.push(Action {
                label: "Begin transaction",
                command: Command::BeginTransaction {
                    producer: producer(),
                },
            });
        }
    }
    actions.push(Action {
        label: "Remove producer",
        command: Command::RemoveProducer { name: producer() },
    });
    Some(Details {
        heading: format!("Producer {name}"),
        facts: vec![
            ("Topic", s.topic.clone()),
            (
                "Rate",
                format!("{} records/s", crate::decimal::text(s.rate_per_sec)),
            ),
            (
                "acks",
                match s.acks {
                    Acks::All => "all",
                    Acks::One => "1",
                    Acks::Zero => "0",
                }
                .to_owned(),
            ),
            ("Idempotent", s.enable_idempotence.to_string()),
            ("Records sent", p.sent.to_string()),
            ("Send errors", p.errors.to_string()),
        ]
        .into_iter()
        .chain(facts)
        .collect(),
        actions,
    })
}

fn group(sim: &Simulation, id: &str) -> Option<Details> {
    let g = sim.group(id)?;
    // The coordinator's members, as `kafka-consumer-groups --describe --members` lists them: a
    // crashed consumer stays one until its session times out, also after it was restarted
    // under a new member id.
    let mut members: Vec<(&str, bool, String)> = g
        .members
        .values()
        .map(|m| {
            let c = &sim.consumers()[m.consumer];
            let current = c.member_id.as_deref() == Some(m.member_id.as_str());
            let owned = if current {
                &c.assignment
            } else {
                &m.assignment
            };
            let owns = owned
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let owns = if owns.is_empty() {
                "no partition".to_owned()
            } else {
                owns
            };
            let text = if current {
                format!("{} ({}): {owns}", c.name, c.status.name())
            } else {
                format!(
                    "{} (old member, until its session times out): {owns}",
                    c.name
                )
            };
            (c.name.as_str(), !current, text)
        })
        .collect();
    crate::order::sort(&mut members);
    let members = members.into_iter().map(|(_, _, text)| text);
    let lag: u64 = g.committed.keys().filter_map(|at| sim.lag(g, at)).sum();
    // Kafka's LAG leaves out the partitions without a committed offset; the lag chart counts
    // them from their log start, so the two figures here add up to the chart's.
    let (mut waiting, mut uncommitted) = (0u64, 0u64);
    for t in g.topics.iter().filter_map(|name| sim.topic(name)) {
        for p in 0..t.partition_count() {
            let at = TopicPartition::new(t.name(), p);
            if g.committed.get(&at).is_none() {
                uncommitted += 1;
                waiting += sim.backlog(g, &at).unwrap_or(0);
            }
        }
    }
    let mut actions = Vec::new();
    if g.role == GroupRole::Main {
        actions.push(Action {
            label: "Add a consumer",
            command: Command::AddConsumer {
                group: id.to_owned(),
            },
        });
    }
    if g.state == GroupState::Empty {
        for (label, to) in [
            ("Reset offsets to earliest", ResetTarget::Earliest),
            ("Reset offsets to latest", ResetTarget::Latest),
        ] {
            actions.push(Action {
                label,
                command: Command::ResetOffsets {
                    group: id.to_owned(),
                    to,
                },
            });
        }
    }
    Some(Details {
        heading: format!("Consumer group {id}"),
        facts: vec![
            ("State", g.state.name().to_owned()),
            ("Generation", g.generation.to_string()),
            (
                "Assignor",
                crate::spring::assignor_class(g.config.assignor)
                    .rsplit('.')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            ),
            ("Topics", g.topics.join(", ")),
            ("Members", lines(members)),
            ("Lag (committed partitions)", lag.to_string()),
            (
                "Not committed yet",
                if uncommitted == 0 {
                    "no partition".to_owned()
                } else {
                    format!(
                        "{waiting} {} on {uncommitted} {}",
                        plural(waiting, "record", "records"),
                        plural(uncommitted, "partition", "partitions")
                    )
                },
            ),
        ],
        actions,
    })
}

fn consumer(sim: &Simulation, name: &str) -> Option<Details> {
    let c = sim.consumer(name)?;
    let group = sim.groups().get(c.group)?;
    let phase = match c.phase {
        MemberPhase::Unjoined => "not a member",
        MemberPhase::Joining => "joining",
        // The coordinator answered that its member or generation is gone: it still holds its
        // last assignment, as far as it knows, and joins again at its next poll.
        MemberPhase::Active if c.generation == crate::consumer::NO_GENERATION => {
            "out of the group, rejoins at its next poll"
        }
        MemberPhase::Active => "member",
    };
    let positions = c
        .positions
        .iter()
        .map(|(at, p)| format!("{at}: next offset {p}"));
    let action = |label, command| Action { label, command };
    let consumer = || name.to_owned();
    let actions = match c.status {
        ConsumerStatus::Running | ConsumerStatus::Paused => {
            let paused = c.status == ConsumerStatus::Paused;
            vec![
                action(
                    "Crash consumer",
                    Command::CrashConsumer {
                        consumer: consumer(),
                    },
                ),
                action(
                    if paused {
                        "Resume consumer"
                    } else {
                        "Pause consumer"
                    },
                    Command::PauseConsumer {
                        consumer: consumer(),
                        paused: !paused,
                    },
                ),
                action(
                    "Remove consumer",
                    Command::RemoveConsumer {
                        consumer: consumer(),
                    },
                ),
            ]
        }
        _ => vec![action(
            "Restart consumer",
            Command::RestartConsumer {
                consumer: consumer(),
            },
        )],
    };
    Some(Details {
        heading: format!("Consumer {name}"),
        facts: vec![
            ("Group", group.id.clone()),
            (
                "Status",
                match c.backing_off_until {
                    // As the diagram's consumer box says it: the thread sleeps in a back-off.
                    Some(due) if due > sim.now_ms() && c.status == ConsumerStatus::Running => {
                        format!("running, in back-off until {}", format_clock(due))
                    }
                    _ => c.status.name().to_owned(),
                } + &stuck_on(c, sim.now_ms()),
            ),
            (
                "Membership",
                format!("{phase}, generation {}", c.generation),
            ),
            (
                "Member id",
                c.member_id.clone().unwrap_or_else(|| "none".into()),
            ),
            (
                "group.instance.id",
                c.instance_id
                    .clone()
                    .unwrap_or_else(|| "none (a dynamic member)".into()),
            ),
            (
                "Assigned",
                lines(c.assignment.iter().map(|t| t.to_string())),
            ),
            ("Positions", lines(positions)),
            ("Records processed", c.processed.to_string()),
        ],
        actions,
    })
}

/// What a running consumer cannot get past, as its status adds it: every poll failing at a
/// record (J1), or a failed record it retries (E1).
fn stuck_on(c: &crate::consumer::Consumer, now_ms: u64) -> String {
    if c.status != ConsumerStatus::Running {
        return String::new();
    }
    c.assignment
        .iter()
        .find_map(|tp| c.blocked_on(tp, now_ms))
        .map_or(String::new(), |b| {
            let how = if b.poll_fails {
                "every poll fails at"
            } else {
                "retrying"
            };
            format!("; stuck: {how} {} @ {}", b.partition, b.offset)
        })
}

fn broker(sim: &Simulation) -> Details {
    let topics = sim.topics().count();
    let partitions: u32 = sim.topics().map(|t| t.partition_count()).sum();
    Details {
        heading: "Broker".to_owned(),
        facts: vec![
            (
                "Brokers",
                "1 (the playground simulates one broker, which leads every partition)".to_owned(),
            ),
            ("Topics", topics.to_string()),
            ("Partitions", partitions.to_string()),
            ("Groups coordinated", sim.groups().len().to_string()),
            (
                "Network latency",
                format!("{} ms each way", sim.cluster_config().network_latency_ms),
            ),
        ],
        actions: Vec::new(),
    }
}

crate::json_read::deserialize_with_reader!(Entity);
