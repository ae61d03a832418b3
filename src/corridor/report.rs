//! What one replication of the corridor measured, gathered as events
//! happen: bounded memory, mergeable across replications.

use serde::{Deserialize, Serialize};

use super::ids::{Direction, FlowId, PlaceId, PortId, SectionId};
use super::network::Network;
use crate::stats::{Histogram, OnlineStats, TimeWeighted};
use crate::time::{SimDuration, SimTime};

/// What happened to a train, in a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TraceEvent {
    /// Released at its origin.
    Release,
    /// Found the port's yard full and was held on the line.
    HeldUpstream,
    /// Entered the port's yard.
    EnterPort,
    /// Took a transshipment track.
    OnTrack,
    /// Left its track, transshipped, to wait for the handover.
    Transshipped,
    /// Handed over to the next railway.
    HandedOver,
    /// Coupled onto another train (and so ended as a train of its own).
    Coupled,
    /// Reached its destination.
    Deliver,
}

impl TraceEvent {
    /// The event's name as written in a trace file.
    pub fn name(self) -> &'static str {
        match self {
            TraceEvent::Release => "release",
            TraceEvent::HeldUpstream => "held_upstream",
            TraceEvent::EnterPort => "enter_port",
            TraceEvent::OnTrack => "on_track",
            TraceEvent::Transshipped => "transshipped",
            TraceEvent::HandedOver => "handed_over",
            TraceEvent::Coupled => "coupled",
            TraceEvent::Deliver => "deliver",
        }
    }
}

/// One line of a train trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceRecord {
    /// When \[ms since the start of the run\].
    pub time_ms: u64,
    /// The train's slab index (reused after the train leaves).
    pub train: u32,
    /// What happened.
    pub event: TraceEvent,
    /// Where (scenario id).
    pub place: String,
}

/// One direction of one port.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SideStats {
    /// Trains that reached the port (including those then held upstream).
    pub arrivals: u64,
    /// Formations handed over to the next railway: counted at the border,
    /// after coupling and before any split (the handover cap counts these).
    pub handed_over: u64,
    /// Containers handed over \[FEU\].
    pub containers_out: u64,
    /// Extra trains formed by splitting.
    pub split_added: u64,
    /// Trains coupled onto others (and so no longer counted on their own).
    pub coupled_away: u64,
    /// Wait for a track after inspection \[ms\].
    pub track_wait: Histogram,
    /// Wait for a track after inspection \[h\].
    pub track_wait_hours: OnlineStats,
    /// Time from entering the port to the handover \[ms\] (excludes the
    /// upstream hold).
    pub dwell: Histogram,
    /// The same dwell \[h\].
    pub dwell_hours: OnlineStats,
    /// Wait for the handover after transshipment, per train leaving the
    /// port (handed over or coupled) \[h\].
    pub handover_wait_hours: OnlineStats,
    /// All waiting at the port per train handed over: upstream hold, track
    /// queue, cranes and handover \[ms\]. The congestion measure.
    pub delay: Histogram,
    /// The same delay \[h\].
    pub delay_hours: OnlineStats,
    /// Upstream hold of every train that entered the yard (0 if none) \[h\].
    pub held_upstream_hours: OnlineStats,
    /// Trains in the port: from entering the yard to the handover.
    pub in_port: TimeWeighted,
    /// Sum of all dwells \[ms\], exact.
    pub dwell_ms: u128,
    /// Trains at the port (held upstream or inside) when measurement
    /// started.
    pub present_at_start: u64,
    /// Trains at the port (held upstream or inside) at the horizon.
    pub present_at_end: u64,
    /// Trains queued for a track.
    pub queue: TimeWeighted,
    /// Trains held upstream.
    pub blocked: TimeWeighted,
    /// Busy tracks.
    pub tracks_busy: TimeWeighted,
    /// Busy cranes.
    pub cranes_busy: TimeWeighted,
    /// Tracks of the side.
    pub tracks: u32,
    /// Cranes of the side.
    pub cranes: u32,
}

impl SideStats {
    fn new(start: SimTime, tracks: u32, cranes: u32) -> Self {
        SideStats {
            arrivals: 0,
            handed_over: 0,
            containers_out: 0,
            split_added: 0,
            coupled_away: 0,
            track_wait: Histogram::new(),
            track_wait_hours: OnlineStats::new(),
            dwell: Histogram::new(),
            dwell_hours: OnlineStats::new(),
            handover_wait_hours: OnlineStats::new(),
            delay: Histogram::new(),
            delay_hours: OnlineStats::new(),
            held_upstream_hours: OnlineStats::new(),
            in_port: TimeWeighted::new(start, 0),
            dwell_ms: 0,
            present_at_start: 0,
            present_at_end: 0,
            queue: TimeWeighted::new(start, 0),
            blocked: TimeWeighted::new(start, 0),
            tracks_busy: TimeWeighted::new(start, 0),
            cranes_busy: TimeWeighted::new(start, 0),
            tracks,
            cranes,
        }
    }
}

/// One port.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortStats {
    /// Scenario id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Westbound and eastbound, by [`Direction::index`].
    pub sides: [SideStats; 2],
    /// Whether the port is closed (1) or open (0), time-weighted.
    pub closed: TimeWeighted,
}

/// One flow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowStats {
    /// Scenario id.
    pub id: String,
    /// Trains released at the origin.
    pub released: u64,
}

/// One origin–destination pair (all flows that connect them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OdStats {
    /// Origin hub id.
    pub origin: String,
    /// Destination hub id.
    pub destination: String,
    /// Consignments delivered (one per released train unless split or
    /// coupled on the way).
    pub delivered: u64,
    /// Containers delivered \[FEU\].
    pub containers_delivered: u64,
    /// Consignments that waited longer than the delay threshold in total.
    pub delayed: u64,
    /// End-to-end transit \[ms\].
    pub transit: Histogram,
    /// End-to-end transit \[h\].
    pub transit_hours: OnlineStats,
}

/// One line section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionStats {
    /// Scenario id.
    pub id: String,
    /// Holds for a free path, one entry per held train \[h\].
    pub path_hold_hours: OnlineStats,
}

/// Network-wide counts, for conservation checks and the backlog.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkStats {
    /// Trains in the system when measurement started.
    pub initial_trains: u64,
    /// Containers in the system when measurement started \[FEU\].
    pub initial_containers: u64,
    /// Trains released.
    pub released_trains: u64,
    /// Containers released \[FEU\].
    pub released_containers: u64,
    /// Trains that reached their destination.
    pub delivered_trains: u64,
    /// Containers delivered \[FEU\].
    pub delivered_containers: u64,
    /// Trains added by splits.
    pub split_added: u64,
    /// Trains removed by couplings.
    pub coupled_away: u64,
    /// Trains still in the system at the horizon.
    pub backlog_trains: u64,
    /// Containers still in the system at the horizon \[FEU\].
    pub backlog_containers: u64,
    /// Consignments delivered.
    pub delivered_consignments: u64,
    /// Consignments that waited longer than the delay threshold.
    pub delayed_consignments: u64,
    /// When the system first held [`MAX_TRAINS_IN_SYSTEM`](super::MAX_TRAINS_IN_SYSTEM)
    /// trains \[ms since the start of the run\]: from then on no train was
    /// released, and the replication says nothing about the corridor but
    /// that it cannot carry the demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overloaded_at_ms: Option<u64>,
}

/// Everything one replication measured after its warm-up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicationReport {
    /// Start of measurement (end of warm-up).
    pub start: SimTime,
    /// End of measurement (the horizon).
    pub end: SimTime,
    /// Kernel events handled, warm-up included.
    pub events: u64,
    /// Per port.
    pub ports: Vec<PortStats>,
    /// Per flow.
    pub flows: Vec<FlowStats>,
    /// Per origin–destination pair, ordered by (origin id, destination id).
    pub ods: Vec<OdStats>,
    /// Port groups: name and the indices of their member ports.
    pub groups: Vec<(String, Vec<usize>)>,
    /// Per section.
    pub sections: Vec<SectionStats>,
    /// Network counts.
    pub network: NetworkStats,
    /// The train trace, if asked for.
    pub trace: Option<Vec<TraceRecord>>,
}

/// The accumulator a running model writes into.
pub(crate) struct Tally {
    report: ReplicationReport,
    /// For each flow and destination, the index of its OD pair.
    od_index: Vec<Vec<u32>>,
}

impl Tally {
    pub(crate) fn new(net: &Network, start: SimTime) -> Self {
        let id = |p: PlaceId| net.place(p).id.clone();
        let mut pairs = std::collections::BTreeMap::new();
        for f in net.flows() {
            for d in &f.destinations {
                pairs.insert((id(f.origin), id(d.place)), 0u32);
            }
        }
        for (i, v) in pairs.values_mut().enumerate() {
            *v = i as u32;
        }
        let od_index = net
            .flows()
            .iter()
            .map(|f| {
                f.destinations
                    .iter()
                    .map(|d| pairs[&(id(f.origin), id(d.place))])
                    .collect()
            })
            .collect();
        Tally {
            od_index,
            report: ReplicationReport {
                start,
                end: start,
                events: 0,
                ports: net
                    .ports()
                    .iter()
                    .enumerate()
                    .map(|(i, p)| PortStats {
                        id: net.port_id(PortId(i as u32)).to_string(),
                        name: p.name.clone(),
                        sides: [0, 1]
                            .map(|d| SideStats::new(start, p.sides[d].tracks, p.sides[d].cranes)),
                        closed: TimeWeighted::new(start, 0),
                    })
                    .collect(),
                flows: net
                    .flows()
                    .iter()
                    .map(|f| FlowStats {
                        id: f.id.clone(),
                        released: 0,
                    })
                    .collect(),
                ods: pairs
                    .keys()
                    .map(|(o, d)| OdStats {
                        origin: o.clone(),
                        destination: d.clone(),
                        delivered: 0,
                        containers_delivered: 0,
                        delayed: 0,
                        transit: Histogram::new(),
                        transit_hours: OnlineStats::new(),
                    })
                    .collect(),
                groups: net
                    .groups()
                    .iter()
                    .map(|(n, ports)| (n.clone(), ports.iter().map(|p| p.index()).collect()))
                    .collect(),
                sections: (0..net.sections().len())
                    .map(|s| SectionStats {
                        id: net.section_id(SectionId(s as u32)).to_string(),
                        path_hold_hours: OnlineStats::new(),
                    })
                    .collect(),
                network: NetworkStats::default(),
                trace: None,
            },
        }
    }

    #[inline]
    fn side(&mut self, p: PortId, d: Direction) -> &mut SideStats {
        &mut self.report.ports[p.index()].sides[d.index()]
    }

    pub(crate) fn overloaded(&mut self, now: SimTime) {
        self.report
            .network
            .overloaded_at_ms
            .get_or_insert(now.as_millis());
    }

    pub(crate) fn set_initial_backlog(&mut self, trains: u64, containers: u64) {
        self.report.network.initial_trains = trains;
        self.report.network.initial_containers = containers;
    }

    pub(crate) fn released(&mut self, f: FlowId, containers: u32) {
        self.report.flows[f.index()].released += 1;
        self.report.network.released_trains += 1;
        self.report.network.released_containers += u64::from(containers);
    }

    pub(crate) fn path_hold(&mut self, s: SectionId, held: SimDuration) {
        self.report.sections[s.index()]
            .path_hold_hours
            .push(held.as_hours_f64());
    }

    pub(crate) fn od_index(&self, f: FlowId, dest: usize) -> u32 {
        self.od_index[f.index()][dest]
    }

    pub(crate) fn delivered(
        &mut self,
        od: u32,
        containers: u32,
        transit: SimDuration,
        delayed: bool,
    ) {
        let flow = &mut self.report.ods[od as usize];
        flow.delivered += 1;
        flow.containers_delivered += u64::from(containers);
        flow.delayed += u64::from(delayed);
        flow.transit.record(transit.as_millis());
        flow.transit_hours.push(transit.as_hours_f64());
        let n = &mut self.report.network;
        n.delivered_containers += u64::from(containers);
        n.delivered_consignments += 1;
        n.delayed_consignments += u64::from(delayed);
    }

    pub(crate) fn train_delivered(&mut self) {
        self.report.network.delivered_trains += 1;
    }

    pub(crate) fn port_arrival(&mut self, p: PortId, d: Direction, _now: SimTime) {
        self.side(p, d).arrivals += 1;
    }

    pub(crate) fn blocked_len(&mut self, p: PortId, d: Direction, now: SimTime, len: usize) {
        self.side(p, d).blocked.set(now, len as u64);
    }

    pub(crate) fn yard_entry(&mut self, p: PortId, d: Direction, held: SimDuration) {
        self.side(p, d)
            .held_upstream_hours
            .push(held.as_hours_f64());
    }

    pub(crate) fn track_wait(&mut self, p: PortId, d: Direction, waited: SimDuration) {
        let side = self.side(p, d);
        side.track_wait.record(waited.as_millis());
        side.track_wait_hours.push(waited.as_hours_f64());
    }

    pub(crate) fn queue_len(&mut self, p: PortId, d: Direction, now: SimTime, len: usize) {
        self.side(p, d).queue.set(now, len as u64);
    }

    pub(crate) fn tracks_busy(&mut self, p: PortId, d: Direction, now: SimTime, busy: u32) {
        self.side(p, d).tracks_busy.set(now, u64::from(busy));
    }

    pub(crate) fn cranes_busy(&mut self, p: PortId, d: Direction, now: SimTime, busy: u32) {
        self.side(p, d).cranes_busy.set(now, u64::from(busy));
    }

    pub(crate) fn split(&mut self, p: PortId, d: Direction, added: u64) {
        self.side(p, d).split_added += added;
        self.report.network.split_added += added;
    }

    pub(crate) fn coupled(&mut self, p: PortId, d: Direction, n: u64) {
        self.side(p, d).coupled_away += n;
        self.report.network.coupled_away += n;
    }

    /// A train leaves the port: handed over, or coupled onto another.
    pub(crate) fn left_port(
        &mut self,
        p: PortId,
        d: Direction,
        waited: SimDuration,
        dwell: SimDuration,
        delay: SimDuration,
    ) {
        let side = self.side(p, d);
        side.delay.record(delay.as_millis());
        side.delay_hours.push(delay.as_hours_f64());
        side.handover_wait_hours.push(waited.as_hours_f64());
        side.dwell.record(dwell.as_millis());
        side.dwell_hours.push(dwell.as_hours_f64());
        side.dwell_ms += u128::from(dwell.as_millis());
    }

    /// A formation is handed over (counted once, before any split).
    pub(crate) fn handed_over(&mut self, p: PortId, d: Direction, containers: u32) {
        let side = self.side(p, d);
        side.handed_over += 1;
        side.containers_out += u64::from(containers);
    }

    pub(crate) fn in_port(&mut self, p: PortId, d: Direction, now: SimTime, n: u64) {
        self.side(p, d).in_port.set(now, n);
    }

    pub(crate) fn present(&mut self, p: PortId, d: Direction, at_start: bool, n: u64) {
        let side = self.side(p, d);
        if at_start {
            side.present_at_start = n;
        } else {
            side.present_at_end = n;
        }
    }

    pub(crate) fn closed(&mut self, p: PortId, now: SimTime, closed: bool) {
        self.report.ports[p.index()]
            .closed
            .set(now, u64::from(closed));
    }

    /// The report as it stands (for a network's shape without a run).
    pub(crate) fn into_report(self) -> ReplicationReport {
        self.report
    }

    pub(crate) fn finish(
        mut self,
        end: SimTime,
        events: u64,
        backlog_trains: u64,
        backlog_containers: u64,
        trace: Option<Vec<TraceRecord>>,
    ) -> ReplicationReport {
        self.report.end = end;
        self.report.events = events;
        self.report.network.backlog_trains = backlog_trains;
        self.report.network.backlog_containers = backlog_containers;
        self.report.trace = trace;
        self.report
    }
}

impl ReplicationReport {
    /// Measured span \[days\].
    pub fn measured_days(&self) -> f64 {
        self.end
            .since(self.start)
            .unwrap_or(SimDuration::ZERO)
            .as_days_f64()
    }

    /// The port with scenario id `id`.
    pub fn port(&self, id: &str) -> Option<&PortStats> {
        self.ports.iter().find(|p| p.id == id)
    }

    /// Trains conserved at every port side: present at the start plus
    /// arrivals equal handed over plus coupled away plus present at the end.
    pub fn ports_conserve_trains(&self) -> bool {
        self.ports.iter().all(|p| {
            p.sides.iter().all(|s| {
                s.present_at_start + s.arrivals == s.handed_over + s.coupled_away + s.present_at_end
            })
        })
    }

    /// Trains conserved: trains in the system at the start, plus released
    /// and split-off trains, equal delivered plus coupled-away trains plus
    /// the backlog; and the same for containers.
    pub fn is_conserved(&self) -> bool {
        let n = &self.network;
        n.initial_trains + n.released_trains + n.split_added
            == n.delivered_trains + n.coupled_away + n.backlog_trains
            && n.initial_containers + n.released_containers
                == n.delivered_containers + n.backlog_containers
    }
}

/// Milliseconds (as histograms keep them) to hours.
pub fn ms_to_hours(ms: u64) -> f64 {
    SimDuration::from_millis(ms).as_hours_f64()
}
