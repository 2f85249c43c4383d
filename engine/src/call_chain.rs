//! A chain of synchronous service calls beside the Kafka cluster, for the lesson on
//! synchronous versus asynchronous communication: every record a producer sends to its topic
//! also starts one request through the chain, so the same workload runs as REST calls and as
//! events side by side.
//!
//! A request enters the first service; each service works for its `latency_ms`, then calls the
//! next one and waits for its answer, holding a thread all the while (blocking calls, as
//! `RestTemplate` makes them). So:
//! * response times add up: with every service up, a request takes the sum of the latencies;
//! * a dead service answers nothing: the service calling it gives up after `timeout_ms` and
//!   fails, and so does every caller before it, back to the client (a cascading failure);
//! * a slow or dead service keeps threads busy all along the chain, so requests pile up; the
//!   client holds at most `max_in_flight` requests (its thread pool) and refuses the rest at once.
//!
//! A service is judged up or down when a request reaches it. Time is virtual and nothing is
//! random, so the chain is as deterministic as the simulation that feeds it.

use serde::Serialize;

use crate::json_read::{Field, Obj};
use crate::queue::check_name;
use crate::timers::Timers;

/// Most services in a chain.
pub const MAX_SERVICES: usize = 8;
/// Most call chains a scenario may have.
pub const MAX_CHAINS: usize = 4;
/// Longest `latency_ms` of a service: one minute.
pub const MAX_LATENCY_MS: u64 = 60_000;
/// Longest `timeout_ms`: two minutes.
pub const MAX_TIMEOUT_MS: u64 = 120_000;
/// Highest `max_in_flight`.
pub const MAX_IN_FLIGHT: u32 = 10_000;

/// A service of a chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceSpec {
    /// Its name, unique in the chain.
    pub name: String,
    /// Its own work per request, virtual ms (0–[`MAX_LATENCY_MS`]).
    pub latency_ms: u64,
}

/// A chain of services called one after the other, fed by one of the scenario's producers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallChainSpec {
    /// The chain's name.
    pub name: String,
    /// The producer each of whose records starts one request, by name.
    pub producer: String,
    /// How long a caller waits for an answer before it gives up (1–[`MAX_TIMEOUT_MS`]).
    pub timeout_ms: u64,
    /// Requests the client can wait on at once (1–[`MAX_IN_FLIGHT`]).
    pub max_in_flight: u32,
    /// The services, in call order (1–[`MAX_SERVICES`]).
    pub services: Vec<ServiceSpec>,
}

impl ServiceSpec {
    /// Reads a service from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(ServiceSpec {
            name: o.req("name")?.string()?,
            latency_ms: o.req("latency_ms")?.u64()?,
        })
    }
}

pub(crate) fn check_latency(service: &str, latency_ms: u64) -> Result<(), String> {
    if latency_ms > MAX_LATENCY_MS {
        return Err(format!(
            "service {service}: latency_ms must be at most {MAX_LATENCY_MS}, got {latency_ms}"
        ));
    }
    Ok(())
}

impl CallChainSpec {
    /// Reads a chain from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(CallChainSpec {
            name: o.req("name")?.string()?,
            producer: o.req("producer")?.string()?,
            timeout_ms: o.or("timeout_ms", 5_000, Field::u64)?,
            max_in_flight: o.or("max_in_flight", 200, Field::u32)?,
            services: o.req("services")?.list(ServiceSpec::read)?,
        })
    }

    /// Checks names and limits (not that the producer exists: the simulation checks that).
    pub fn validate(&self) -> Result<(), String> {
        check_name("call chain", &self.name)?;
        let name = &self.name;
        if !(1..=MAX_TIMEOUT_MS).contains(&self.timeout_ms) {
            return Err(format!(
                "call chain {name}: timeout_ms must be 1–{MAX_TIMEOUT_MS}, got {}",
                self.timeout_ms
            ));
        }
        if !(1..=MAX_IN_FLIGHT).contains(&self.max_in_flight) {
            return Err(format!(
                "call chain {name}: max_in_flight must be 1–{MAX_IN_FLIGHT}, got {}",
                self.max_in_flight
            ));
        }
        if !(1..=MAX_SERVICES).contains(&self.services.len()) {
            return Err(format!(
                "call chain {name}: 1–{MAX_SERVICES} services, got {}",
                self.services.len()
            ));
        }
        for (i, s) in self.services.iter().enumerate() {
            check_name("service", &s.name)?;
            check_latency(&s.name, s.latency_ms)?;
            if self.services[..i].iter().any(|o| o.name == s.name) {
                return Err(format!("call chain {name}: service {} given twice", s.name));
            }
        }
        Ok(())
    }
}

/// A service as the chain runs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// Its name.
    pub name: String,
    /// Its own work per request, virtual ms.
    pub latency_ms: u64,
    /// Whether it answers.
    pub up: bool,
    /// Requests that reached it while it was up.
    pub calls: u64,
    /// Requests that reached it while it was down (each one timed out at its caller).
    pub missed: u64,
    /// Requests it holds a thread for now: working, or waiting on the services after it.
    pub in_flight: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Hop {
    /// The request reaches service `service`.
    Arrive { service: usize, started_ms: u64 },
    /// The answer (or the failure) reaches the client; services `0..held` held a thread.
    Answer {
        held: usize,
        ok: bool,
        started_ms: u64,
    },
}

/// A call chain and what it did.
#[derive(Clone, Debug)]
pub struct CallChain {
    /// The chain's name.
    pub name: String,
    /// The producer feeding it.
    pub producer: String,
    /// How long a caller waits for an answer.
    pub timeout_ms: u64,
    /// Requests the client can wait on at once.
    pub max_in_flight: u32,
    /// The services, in call order.
    pub services: Vec<Service>,
    /// Requests the client started.
    pub started: u64,
    /// Requests answered successfully.
    pub succeeded: u64,
    /// Requests that failed because a service in the chain did not answer in time.
    pub failed: u64,
    /// Requests refused at once because the client already waited on `max_in_flight`.
    pub refused: u64,
    /// Requests the client waits on now.
    pub in_flight: u32,
    /// The last answered request's response time, virtual ms.
    pub last_response_ms: Option<u64>,
    /// Longest response time so far.
    pub max_response_ms: u64,
    /// Sum of the response times of answered requests (for the mean).
    pub total_response_ms: u64,
    timers: Timers<Hop>,
}

impl CallChain {
    /// A chain as `spec` describes it, every service up.
    pub fn new(spec: &CallChainSpec) -> Self {
        CallChain {
            name: spec.name.clone(),
            producer: spec.producer.clone(),
            timeout_ms: spec.timeout_ms,
            max_in_flight: spec.max_in_flight,
            services: spec
                .services
                .iter()
                .map(|s| Service {
                    name: s.name.clone(),
                    latency_ms: s.latency_ms,
                    up: true,
                    calls: 0,
                    missed: 0,
                    in_flight: 0,
                })
                .collect(),
            started: 0,
            succeeded: 0,
            failed: 0,
            refused: 0,
            in_flight: 0,
            last_response_ms: None,
            max_response_ms: 0,
            total_response_ms: 0,
            timers: Timers::default(),
        }
    }

    /// Mean response time of answered requests, virtual ms.
    pub fn mean_response_ms(&self) -> Option<u64> {
        let answered = self.succeeded + self.failed;
        (answered > 0).then(|| self.total_response_ms / answered)
    }

    /// The sum of the services' latencies: the response time when all are up and nothing waits.
    pub fn sum_of_latencies_ms(&self) -> u64 {
        self.services.iter().map(|s| s.latency_ms).sum()
    }

    /// Runs every hop due at or before `t_ms`.
    pub fn advance_to(&mut self, t_ms: u64) {
        while let Some((at, hop)) = self.timers.pop_due(t_ms) {
            match hop {
                Hop::Arrive {
                    service,
                    started_ms,
                } => self.arrive(service, started_ms, at),
                Hop::Answer {
                    held,
                    ok,
                    started_ms,
                } => self.answer(held, ok, started_ms, at),
            }
        }
    }

    /// The client starts a request at `now_ms` (after [`CallChain::advance_to`] `now_ms`).
    pub fn request(&mut self, now_ms: u64) {
        if self.in_flight >= self.max_in_flight {
            self.refused += 1;
            return;
        }
        self.started += 1;
        self.in_flight += 1;
        self.arrive(0, now_ms, now_ms);
    }

    /// Changes a service's latency and whether it answers, for requests that reach it from now.
    pub fn set_service(
        &mut self,
        name: &str,
        latency_ms: Option<u64>,
        up: Option<bool>,
    ) -> Result<(), String> {
        let chain = &self.name;
        let service = self
            .services
            .iter_mut()
            .find(|s| s.name == name)
            .ok_or_else(|| format!("call chain {chain} has no service {name}"))?;
        if let Some(latency) = latency_ms {
            check_latency(name, latency)?;
            service.latency_ms = latency;
        }
        if let Some(up) = up {
            service.up = up;
        }
        Ok(())
    }

    fn arrive(&mut self, index: usize, started_ms: u64, now_ms: u64) {
        let service = &mut self.services[index];
        if !service.up {
            service.missed += 1;
            // The caller waits out its timeout, then every caller before it fails too.
            self.timers.push(
                now_ms.saturating_add(self.timeout_ms),
                Hop::Answer {
                    held: index,
                    ok: false,
                    started_ms,
                },
            );
            return;
        }
        service.calls += 1;
        service.in_flight += 1;
        let done = now_ms.saturating_add(service.latency_ms);
        let hop = if index + 1 < self.services.len() {
            Hop::Arrive {
                service: index + 1,
                started_ms,
            }
        } else {
            Hop::Answer {
                held: index + 1,
                ok: true,
                started_ms,
            }
        };
        self.timers.push(done, hop);
    }

    fn answer(&mut self, held: usize, ok: bool, started_ms: u64, now_ms: u64) {
        for service in &mut self.services[..held] {
            service.in_flight -= 1;
        }
        self.in_flight -= 1;
        if ok {
            self.succeeded += 1;
        } else {
            self.failed += 1;
        }
        let response = now_ms - started_ms;
        self.last_response_ms = Some(response);
        self.max_response_ms = self.max_response_ms.max(response);
        self.total_response_ms = self.total_response_ms.saturating_add(response);
    }
}

crate::json_read::deserialize_with_reader!(ServiceSpec, CallChainSpec);

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(latencies: &[u64], timeout_ms: u64, max_in_flight: u32) -> CallChain {
        CallChain::new(&CallChainSpec {
            name: "checkout".into(),
            producer: "order-service".into(),
            timeout_ms,
            max_in_flight,
            services: latencies
                .iter()
                .enumerate()
                .map(|(i, &latency_ms)| ServiceSpec {
                    name: format!("s{i}"),
                    latency_ms,
                })
                .collect(),
        })
    }

    fn request_at(c: &mut CallChain, t: u64) {
        c.advance_to(t);
        c.request(t);
    }

    #[test]
    fn latencies_add_up_along_the_chain() {
        let mut c = chain(&[30, 50, 120], 1_000, 10);
        request_at(&mut c, 0);
        c.advance_to(199);
        assert_eq!((c.succeeded, c.in_flight), (0, 1));
        assert_eq!(
            c.services.iter().map(|s| s.in_flight).collect::<Vec<_>>(),
            [1, 1, 1]
        );
        c.advance_to(200);
        assert_eq!((c.succeeded, c.in_flight), (1, 0));
        assert_eq!(c.last_response_ms, Some(200));
        assert_eq!(c.sum_of_latencies_ms(), 200);
        assert!(c.services.iter().all(|s| s.in_flight == 0 && s.calls == 1));
    }

    #[test]
    fn a_dead_service_fails_every_caller_after_the_timeout() {
        let mut c = chain(&[30, 50, 120], 2_000, 10);
        c.set_service("s2", None, Some(false)).unwrap();
        request_at(&mut c, 0);
        c.advance_to(1_000);
        // The first two services still hold a thread, waiting on the dead one.
        assert_eq!(
            c.services.iter().map(|s| s.in_flight).collect::<Vec<_>>(),
            [1, 1, 0]
        );
        c.advance_to(10_000);
        assert_eq!((c.succeeded, c.failed), (0, 1));
        assert_eq!(c.last_response_ms, Some(30 + 50 + 2_000));
        assert_eq!(c.services[2].missed, 1);
        c.set_service("s2", None, Some(true)).unwrap();
        request_at(&mut c, 10_000);
        c.advance_to(20_000);
        assert_eq!((c.succeeded, c.failed), (1, 1));
    }

    #[test]
    fn a_slow_service_piles_requests_up_until_the_client_refuses_them() {
        let mut c = chain(&[10, 10], 5_000, 20);
        c.set_service("s1", Some(1_000), None).unwrap();
        // 50 requests a second against one second per request: 20 fit, the rest are refused.
        for i in 0..50 {
            request_at(&mut c, i * 20);
        }
        assert_eq!(c.in_flight, 20);
        assert_eq!(c.refused, 30);
        assert_eq!(c.services[0].in_flight, 20);
        c.advance_to(60_000);
        assert_eq!((c.succeeded, c.in_flight), (20, 0));
        assert_eq!(c.max_response_ms, 1_010);
    }

    #[test]
    fn specs_are_validated_with_clear_messages() {
        let spec = |services: Vec<ServiceSpec>, timeout_ms| CallChainSpec {
            name: "checkout".into(),
            producer: "p".into(),
            timeout_ms,
            max_in_flight: 10,
            services,
        };
        let s = |name: &str, latency_ms| ServiceSpec {
            name: name.into(),
            latency_ms,
        };
        assert!(spec(vec![s("a", 1)], 100).validate().is_ok());
        assert_eq!(
            spec(vec![], 100).validate().unwrap_err(),
            "call chain checkout: 1–8 services, got 0"
        );
        assert_eq!(
            spec(vec![s("a", 1)], 0).validate().unwrap_err(),
            "call chain checkout: timeout_ms must be 1–120000, got 0"
        );
        assert_eq!(
            spec(vec![s("a", 1), s("a", 2)], 10).validate().unwrap_err(),
            "call chain checkout: service a given twice"
        );
        assert_eq!(
            spec(vec![s("a", 60_001)], 10).validate().unwrap_err(),
            "service a: latency_ms must be at most 60000, got 60001"
        );
        let mut c = chain(&[1], 10, 1);
        assert_eq!(
            c.set_service("nope", None, Some(false)).unwrap_err(),
            "call chain checkout has no service nope"
        );
    }
}
