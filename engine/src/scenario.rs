//! Scenarios: a whole run in one serializable value (cluster, topics, producers, groups, the
//! seed, and the script of every user action with its virtual time).
//!
//! Building a scenario applies its setup at virtual time 0 and schedules its script, so that
//! running it to any time replays exactly what was done the first time.

use serde::Serialize;

use crate::call_chain::CallChainSpec;
use crate::group::GroupConfig;
use crate::json_read::{self, Field, Obj};
use crate::producer::ProducerSpec;
use crate::queue::QueueSpec;
use crate::sim::{ClusterConfig, Command, ScriptEntry, Simulation};

/// The scenario format version this engine writes.
pub const SCENARIO_VERSION: u32 = 1;
/// Longest scenario text accepted, in bytes.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;
/// Most script entries a scenario may hold.
pub const MAX_SCRIPT_ENTRIES: usize = 20_000;
/// Latest virtual time a script entry may have: one day.
pub const MAX_SCRIPT_MS: u64 = 24 * 3_600_000;

/// A topic at the start of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopicSpec {
    /// Topic name.
    pub name: String,
    /// Partition count.
    pub partitions: u32,
    /// `retention.ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_ms: Option<u64>,
    /// `retention.bytes` per partition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_bytes: Option<u64>,
}

/// A consumer group at the start of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupSpec {
    /// `group.id`.
    pub id: String,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// Consumer settings (Kafka's defaults where left out).
    pub config: GroupConfig,
    /// How many consumers it starts with.
    pub consumers: u32,
}

fn one() -> u32 {
    1
}

impl TopicSpec {
    /// Reads a topic from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(TopicSpec {
            name: o.req("name")?.string()?,
            partitions: {
                let count = o.req("partitions")?;
                count.u32().map_err(|_| {
                    count.expected(&format!(
                        "a partition count from 1 to {}",
                        crate::topic::MAX_PARTITIONS
                    ))
                })?
            },
            retention_ms: o.maybe("retention_ms", Field::u64)?,
            retention_bytes: o.maybe("retention_bytes", Field::u64)?,
        })
    }
}

impl GroupSpec {
    /// Reads a group from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(GroupSpec {
            id: o.req("id")?.string()?,
            topics: o.req("topics")?.strings()?,
            config: o.or("config", GroupConfig::default(), GroupConfig::read)?,
            consumers: o.or("consumers", one(), Field::u32)?,
        })
    }
}

/// A whole scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// Format version, [`SCENARIO_VERSION`].
    pub version: u32,
    /// A title for people.
    pub name: String,
    /// The seed every random choice follows from.
    pub seed: u64,
    /// Cluster settings.
    pub cluster: ClusterConfig,
    /// Topics at time 0.
    pub topics: Vec<TopicSpec>,
    /// Producers at time 0.
    pub producers: Vec<ProducerSpec>,
    /// Consumer groups at time 0.
    pub groups: Vec<GroupSpec>,
    /// Message queues fed by the producers, beside the cluster, at time 0.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<QueueSpec>,
    /// Synchronous call chains fed by the producers, beside the cluster, at time 0.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub call_chains: Vec<CallChainSpec>,
    /// User actions with their virtual times, in time order.
    pub script: Vec<ScriptEntry>,
    /// The virtual time the page shows when it opens the scenario: the moment a link was
    /// shared at. `None` opens at time 0. At most [`MAX_SCRIPT_MS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_at_ms: Option<u64>,
    /// How far the run had been played when it was shared, when that is later than
    /// `open_at_ms` (the sender had scrubbed back): the page replays this far, so that the
    /// timeline and its marks reach as far as the sender's did, then shows `open_at_ms`.
    /// `None` plays no further than `open_at_ms`. At most [`MAX_SCRIPT_MS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub played_to_ms: Option<u64>,
}

crate::json_read::deserialize_with_reader!(TopicSpec, GroupSpec, Scenario);

/// Why a scenario cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError(pub String);

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    /// The error for text that is not a scenario: not JSON, or JSON the format does not
    /// accept. `detail` says where and why.
    pub fn not_valid(detail: String) -> Self {
        ScenarioError(format!("scenario is not valid: {detail}"))
    }
}

impl Scenario {
    /// Every field of the format; a scenario with any other field is refused, so that a
    /// misspelt setting is not silently left at its default.
    pub const FIELDS: &'static [&'static str] = &[
        "version",
        "name",
        "seed",
        "cluster",
        "topics",
        "producers",
        "groups",
        "queues",
        "call_chains",
        "script",
        "open_at_ms",
        "played_to_ms",
    ];

    /// Reads a scenario from parsed JSON (see [`crate::json_read`]), without validating it.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        o.deny_unknown(Self::FIELDS)?;
        Ok(Scenario {
            version: o.req("version")?.u32()?,
            name: o.or("name", String::new(), Field::string)?,
            seed: o.or("seed", 0, Field::u64)?,
            cluster: o.or("cluster", ClusterConfig::default(), ClusterConfig::read)?,
            topics: o.or("topics", Vec::new(), |f| f.list(TopicSpec::read))?,
            producers: o.or("producers", Vec::new(), |f| f.list(ProducerSpec::read))?,
            groups: o.or("groups", Vec::new(), |f| f.list(GroupSpec::read))?,
            queues: o.or("queues", Vec::new(), |f| f.list(QueueSpec::read))?,
            call_chains: o.or("call_chains", Vec::new(), |f| f.list(CallChainSpec::read))?,
            script: o.or("script", Vec::new(), |f| f.list(ScriptEntry::read))?,
            open_at_ms: o.maybe("open_at_ms", Field::u64)?,
            played_to_ms: o.maybe("played_to_ms", Field::u64)?,
        })
    }

    /// Parses a scenario from JSON, with a clear message for every way it can be wrong.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(ScenarioError(format!(
                "scenario is {} bytes; the limit is {MAX_SCENARIO_BYTES}",
                text.len()
            )));
        }
        let value = json_read::parse(text).map_err(ScenarioError::not_valid)?;
        let scenario = Scenario::read(&Field::root(&value)).map_err(ScenarioError::not_valid)?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Serializes the scenario as compact JSON, as share links carry it.
    pub fn to_compact_json(&self) -> String {
        crate::json_write::to_string(self)
    }

    /// Serializes the scenario as indented JSON, as the editor and exported files show it.
    pub fn to_json(&self) -> String {
        crate::json_pretty::pretty(&self.to_compact_json())
    }

    /// Checks the version, the script's order and size, and (by building it) every setting.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.version != SCENARIO_VERSION {
            return Err(ScenarioError(format!(
                "scenario version {} is not supported: this playground reads version {SCENARIO_VERSION}",
                self.version
            )));
        }
        if self.script.len() > MAX_SCRIPT_ENTRIES {
            return Err(ScenarioError(format!(
                "script has {} entries; the limit is {MAX_SCRIPT_ENTRIES}",
                self.script.len()
            )));
        }
        let mut previous = 0;
        for (i, entry) in self.script.iter().enumerate() {
            if entry.at_ms < previous {
                return Err(ScenarioError(format!(
                    "script entry {i}: at_ms {} is earlier than the entry before it ({previous})",
                    entry.at_ms
                )));
            }
            if entry.at_ms > MAX_SCRIPT_MS {
                return Err(ScenarioError(format!(
                    "script entry {i}: at_ms {} is past the limit of {MAX_SCRIPT_MS} ms",
                    entry.at_ms
                )));
            }
            previous = entry.at_ms;
        }
        self.cluster.validate().map_err(ScenarioError)?;
        for (name, at) in [
            ("open_at_ms", self.open_at_ms),
            ("played_to_ms", self.played_to_ms),
        ] {
            if let Some(at) = at.filter(|&at| at > MAX_SCRIPT_MS) {
                return Err(ScenarioError(format!(
                    "{name} {at} is past the limit of {MAX_SCRIPT_MS} ms"
                )));
            }
        }
        self.setup().map(|_| ())
    }

    /// The simulation at time 0: setup applied, script not yet scheduled.
    fn setup(&self) -> Result<Simulation, ScenarioError> {
        let mut sim = Simulation::with_config(self.seed, self.cluster.clone());
        for topic in &self.topics {
            sim.apply(Command::CreateTopic {
                name: topic.name.clone(),
                partitions: topic.partitions,
                retention_ms: topic.retention_ms,
                retention_bytes: topic.retention_bytes,
            })
            .map_err(|e| ScenarioError(e.to_string()))?;
        }
        // A topic's message names the topic; the others say where in the scenario they are
        // (`groups[0]: topic nope does not exist`).
        let at = |list: &str, i: usize| {
            let list = list.to_owned();
            move |e: crate::sim::CommandError| ScenarioError(format!("{list}[{i}]: {e}"))
        };
        for (i, producer) in self.producers.iter().enumerate() {
            sim.apply(Command::AddProducer(producer.clone()))
                .map_err(at("producers", i))?;
        }
        for (i, group) in self.groups.iter().enumerate() {
            sim.apply(Command::AddGroup {
                group: group.id.clone(),
                topics: group.topics.clone(),
                config: group.config.clone(),
                consumers: group.consumers,
            })
            .map_err(at("groups", i))?;
        }
        for (i, queue) in self.queues.iter().enumerate() {
            sim.apply(Command::AddQueue(queue.clone()))
                .map_err(at("queues", i))?;
        }
        for (i, chain) in self.call_chains.iter().enumerate() {
            sim.apply(Command::AddCallChain(chain.clone()))
                .map_err(at("call_chains", i))?;
        }
        sim.clear_script();
        Ok(sim)
    }

    /// The simulation at time 0 with the script scheduled: run it to replay the scenario.
    pub fn build(&self) -> Result<Simulation, ScenarioError> {
        self.validate()?;
        let mut sim = self.setup()?;
        sim.load_script(self.script.clone());
        Ok(sim)
    }

    /// This scenario with `sim`'s script (every action taken so far) as its script.
    pub fn with_script_of(&self, sim: &Simulation) -> Scenario {
        Scenario {
            script: sim.script().to_vec(),
            ..self.clone()
        }
    }
}
