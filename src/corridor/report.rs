//! What one replication of the corridor measured, gathered as events
//! happen: bounded memory, mergeable across replications.

use serde::{Deserialize, Serialize};

use super::network::{Handling, PortSide};
use super::years::YearStats;
use crate::stats::{Histogram, OnlineStats, TimeWeighted};
use crate::time::{SimDuration, SimTime};

/// What happened to a train, in a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TraceEvent {
    /// Released at its origin.
    Release,
    /// Refused at its origin by a ban; it waits there.
    Refused,
    /// Refused at its origin by a ban, and cancelled.
    Cancelled,
    /// Reached a border and waits for the handover (in the siding, or on
    /// the line when the siding is full).
    HeldUpstream,
    /// Handed over into the receiving port's yard.
    HandedOver,
    /// Took a track of its facility.
    OnTrack,
    /// Its track work is done (transshipped or transloaded).
    Transshipped,
    /// Left the port side's facility for a departure track.
    Departed,
    /// Pooled with other trains for re-forming (and so ended as a train
    /// of its own).
    Coupled,
    /// Reached its destination.
    Deliver,
}

impl TraceEvent {
    /// The event's name as written in a trace file.
    pub fn name(self) -> &'static str {
        match self {
            TraceEvent::Release => "release",
            TraceEvent::Refused => "refused",
            TraceEvent::Cancelled => "cancelled",
            TraceEvent::HeldUpstream => "held_upstream",
            TraceEvent::HandedOver => "handed_over",
            TraceEvent::OnTrack => "on_track",
            TraceEvent::Transshipped => "transshipped",
            TraceEvent::Departed => "departed",
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

/// What one port side handled of one class.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassFlowStats {
    /// Whether the side handles the class.
    pub handled: bool,
    /// Trains of the class handed over at the border into the side.
    pub handed_over: u64,
    /// Trains of the class that left the side's facility.
    pub departed: u64,
    /// Their units \[FEU or wagons\].
    pub units_out: u64,
    /// Wait at the border for the handover, per train of the class handed
    /// over \[h\].
    pub border_wait_hours: OnlineStats,
    /// Dwell from the handover to the departure, per train of the class
    /// leaving \[h\].
    pub dwell_hours: OnlineStats,
}

/// One direction of one port.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SideStats {
    /// Trains that reached the border (including those then held there).
    pub arrivals: u64,
    /// Trains handed over at the border into the side (the handover cap
    /// counts these).
    pub handed_over: u64,
    /// Formations that left the side's facility for a departure track,
    /// counted once before any re-forming: the port's throughput.
    pub departed: u64,
    /// Units that left \[FEU or wagons\].
    pub containers_out: u64,
    /// Per class, by [`ClassId`](super::ClassId) index.
    pub classes: Vec<ClassFlowStats>,
    /// Trains formed by re-forming beyond the formations that arrived
    /// (splits, and trains formed from consolidation pools).
    pub split_added: u64,
    /// Formations pooled for consolidation (and so no longer trains of
    /// their own).
    pub coupled_away: u64,
    /// Wait for a track after inspection \[ms\].
    pub track_wait: Histogram,
    /// Wait for a track after inspection \[h\].
    pub track_wait_hours: OnlineStats,
    /// Time from the handover into the side to the departure from its
    /// facility \[ms\] (excludes the wait at the border).
    pub dwell: Histogram,
    /// The same dwell \[h\].
    pub dwell_hours: OnlineStats,
    /// Wait for a departure track after the track work, per train leaving
    /// \[h\].
    pub departure_wait_hours: OnlineStats,
    /// All waiting at the port per train leaving: at the border, for
    /// inspection, a track, wagons, cranes and a departure track \[ms\].
    /// The congestion measure.
    pub delay: Histogram,
    /// The same delay \[h\].
    pub delay_hours: OnlineStats,
    /// Wait at the border for the handover, of every train handed over (0
    /// if none) \[h\].
    pub held_upstream_hours: OnlineStats,
    /// Wait for an inspection team or the working day, per inspected train
    /// \[h\].
    pub inspection_wait_hours: OnlineStats,
    /// Longer holds (deep inspection, a class's checks), one entry per
    /// held train \[h\].
    pub hold_hours: OnlineStats,
    /// Wait for empty wagons on a transshipment track \[h\], per train
    /// that took wagons from the pool.
    pub wagon_wait_hours: OnlineStats,
    /// Trains in the side: from the handover to the departure.
    pub in_port: TimeWeighted,
    /// Sum of all dwells \[ms\], exact.
    pub dwell_ms: u128,
    /// Sum of all waits at the border \[ms\], exact (Little's law with
    /// `blocked`).
    pub border_ms: u128,
    /// Trains in the yard: from the handover until a track of their
    /// facility takes them (at most the yard's capacity).
    pub yard: TimeWeighted,
    /// Sum of all yard stays \[ms\], exact (Little's law with `yard`).
    pub yard_ms: u128,
    /// Trains in the handover siding (at most its places).
    pub in_siding: TimeWeighted,
    /// Departure tracks in use (at most their number).
    pub departing: TimeWeighted,
    /// The longest train that left after re-forming \[FEU or wagons\].
    pub longest_out: u32,
    /// Trains at the port (at the border or inside) when measurement
    /// started.
    pub present_at_start: u64,
    /// Trains at the port (at the border or inside) at the horizon.
    pub present_at_end: u64,
    /// Trains queued for a transshipment track.
    pub queue: TimeWeighted,
    /// Trains waiting at the border for the handover (siding and line).
    pub blocked: TimeWeighted,
    /// Of those, trains held on the approach line for want of a siding
    /// place.
    pub held_on_line: TimeWeighted,
    /// Finished trains holding their track for want of a departure track.
    pub blocked_tracks: TimeWeighted,
    /// Busy transshipment tracks.
    pub tracks_busy: TimeWeighted,
    /// Busy cranes.
    pub cranes_busy: TimeWeighted,
    /// Busy tracks of each class's transloading facility, by class index.
    pub transload_busy: Vec<TimeWeighted>,
    /// Tracks of each class's transloading facility (0: not transloaded).
    pub transload_tracks: Vec<u32>,
    /// Wagons of the pool out (on trains or coming back empty).
    pub wagons_out: TimeWeighted,
    /// Wagons out when measurement started.
    pub wagons_out_at_start: u64,
    /// Wagons out at the horizon, from the pool's own count.
    pub wagons_out_at_end: u64,
    /// Wagons taken from the pool after measurement started.
    pub wagons_taken: u64,
    /// Wagons back in the pool after measurement started.
    pub wagons_returned: u64,
    /// Wagons of the pool (0: no pool).
    pub wagon_pool: u32,
    /// Locomotives of the pool out (0: no pool).
    pub locomotives_out: TimeWeighted,
    /// Locomotives out when measurement started.
    pub locomotives_out_at_start: u64,
    /// Locomotives out at the horizon, from the pool's own count.
    pub locomotives_out_at_end: u64,
    /// Locomotives coupled to trains after measurement started.
    pub locomotives_taken: u64,
    /// Locomotives back after measurement started.
    pub locomotives_returned: u64,
    /// Locomotives of the pool (0: no pool).
    pub locomotive_pool: u32,
    /// Wait for a locomotive on a departure track, per train leaving \[h\].
    pub locomotive_wait_hours: OnlineStats,
    /// Refusals at origins by this side's bans.
    pub refused: u64,
    /// Trains refused by this side, waiting at their origins.
    pub refused_waiting: TimeWeighted,
    /// Whether some class is refused (1) or not (0).
    pub banned: TimeWeighted,
    /// Transshipment tracks of the side.
    pub tracks: u32,
    /// Cranes of the side.
    pub cranes: u32,
    /// Whether inspection has limited teams or working hours.
    pub inspection_limited: bool,
    /// Whether a share of trains has longer holds.
    pub holds: bool,
    /// Places in the handover siding (0: unlimited).
    pub siding: u32,
    /// Departure tracks (0: unlimited).
    pub departure_tracks: u32,
    /// Whether some class has an acceptance policy.
    pub acceptance: bool,
    /// Whether trains are re-formed (a longest outgoing train is set).
    pub reforms: bool,
    /// The daily handover cap as the scenario gives it (0: none).
    #[serde(default)]
    pub handover_cap: u32,
    /// The cap in force over time (trains a day: 0 while closed, before
    /// opening, or cut to nothing), for capped sides.
    pub cap_in_force: TimeWeighted,
}

impl SideStats {
    pub(super) fn new(start: SimTime, side: &PortSide, classes: usize) -> Self {
        let tw = || TimeWeighted::new(start, 0);
        let mut transload_tracks = vec![0; classes];
        let mut holds = side.deep_inspection.is_some();
        let mut flows = vec![ClassFlowStats::default(); classes];
        for (c, at) in &side.classes {
            if let Handling::Transload { tracks, .. } = at.handling {
                transload_tracks[c.index()] = tracks;
            }
            holds |= at.hold.is_some();
            flows[c.index()].handled = true;
        }
        SideStats {
            arrivals: 0,
            handed_over: 0,
            departed: 0,
            containers_out: 0,
            classes: flows,
            split_added: 0,
            coupled_away: 0,
            track_wait: Histogram::new(),
            track_wait_hours: OnlineStats::new(),
            dwell: Histogram::new(),
            dwell_hours: OnlineStats::new(),
            departure_wait_hours: OnlineStats::new(),
            delay: Histogram::new(),
            delay_hours: OnlineStats::new(),
            held_upstream_hours: OnlineStats::new(),
            inspection_wait_hours: OnlineStats::new(),
            hold_hours: OnlineStats::new(),
            wagon_wait_hours: OnlineStats::new(),
            in_port: tw(),
            dwell_ms: 0,
            border_ms: 0,
            yard: tw(),
            yard_ms: 0,
            in_siding: tw(),
            departing: tw(),
            longest_out: 0,
            present_at_start: 0,
            present_at_end: 0,
            queue: tw(),
            blocked: tw(),
            held_on_line: tw(),
            blocked_tracks: tw(),
            tracks_busy: tw(),
            cranes_busy: tw(),
            transload_busy: (0..classes).map(|_| tw()).collect(),
            transload_tracks,
            wagons_out: tw(),
            wagons_out_at_start: 0,
            wagons_out_at_end: 0,
            wagons_taken: 0,
            wagons_returned: 0,
            wagon_pool: side.wagon_pool.as_ref().map_or(0, |p| p.wagons),
            locomotives_out: tw(),
            locomotives_out_at_start: 0,
            locomotives_out_at_end: 0,
            locomotives_taken: 0,
            locomotives_returned: 0,
            locomotive_pool: side.locomotive_pool.as_ref().map_or(0, |p| p.locomotives),
            locomotive_wait_hours: OnlineStats::new(),
            refused: 0,
            refused_waiting: tw(),
            banned: tw(),
            tracks: side.tracks,
            cranes: side.cranes,
            inspection_limited: side.inspection_teams.is_some() || side.inspection_hours.is_some(),
            holds,
            siding: side.handover_siding.unwrap_or(0),
            departure_tracks: side.departure_tracks.unwrap_or(0),
            acceptance: side.classes.iter().any(|(_, c)| c.acceptance.is_some()),
            reforms: side.max_containers_out.is_some(),
            handover_cap: side.handover_cap_per_day.unwrap_or(0),
            cap_in_force: TimeWeighted::new(
                start,
                u64::from(side.handover_cap_per_day.unwrap_or(0)),
            ),
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
    /// Westbound and eastbound, by [`Direction::index`](super::Direction::index).
    pub sides: [SideStats; 2],
    /// Whether the port is closed (1) or open (0), time-weighted.
    pub closed: TimeWeighted,
    /// Whether some reduction of capacity is in force (1) or not (0).
    pub reduced: TimeWeighted,
    /// Whether the port has reductions of capacity, dated or random.
    pub has_cuts: bool,
}

/// A traffic class, for reporting freight in tonnes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassInfo {
    /// Scenario id.
    pub id: String,
    /// Tonnes a unit carries \[t\].
    pub tonnes_per_unit: f64,
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

/// One direction of a line section (`from` → `to` first, then back).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineStats {
    /// Trains that entered.
    pub entered: u64,
    /// Trains on the line (running, or held at its far end): at most its
    /// capacity.
    pub on: TimeWeighted,
    /// Sum of the times trains spent on it, from entry until they left
    /// at the far end \[ms\], exact (Little's law with `on`).
    pub on_ms: u128,
    /// Trains waiting at the near end for a place on it.
    pub waiting: TimeWeighted,
    /// Refusals at origins by the railway's ban on this direction.
    pub refused: u64,
    /// Trains the ban holds at their origins.
    pub refused_waiting: TimeWeighted,
    /// Whether the ban is in force (1) or not (0).
    pub banned: TimeWeighted,
}

/// One line section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionStats {
    /// Scenario id.
    pub id: String,
    /// Holds for a free path, one entry per held train \[h\].
    pub path_hold_hours: OnlineStats,
    /// Waits for a place on a full line, one entry per train that waited
    /// \[h\].
    pub line_wait_hours: OnlineStats,
    /// Both directions: `from` → `to`, then `to` → `from`.
    pub lines: [LineStats; 2],
    /// The most trains on the line at once per direction (0: no limit).
    pub capacity_trains: u32,
    /// Whether some reduction of its paths is in force (1) or not (0).
    pub reduced: TimeWeighted,
    /// Whether its paths a day are limited.
    pub paths_limited: bool,
    /// Its paths a day (each direction; both together on a single track),
    /// 0 for unlimited.
    #[serde(default)]
    pub paths_per_day: f64,
    /// Whether its paths serve both directions together.
    #[serde(default)]
    pub single_track: bool,
    /// Whether it has reductions of its paths, dated or random.
    pub has_cuts: bool,
    /// Whether the railway may refuse trains for it.
    pub acceptance: bool,
    /// The place at each end: `from`, then `to` (scenario ids).
    pub ends: [String; 2],
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
    /// Refusals at origins by bans.
    #[serde(default)]
    pub refused_trains: u64,
    /// Trains cancelled at their origins by bans.
    #[serde(default)]
    pub cancelled_trains: u64,
    /// Units cancelled \[FEU or wagons\].
    #[serde(default)]
    pub cancelled_containers: u64,
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
    /// Traffic classes, by [`ClassId`](super::ClassId) index.
    pub classes: Vec<ClassInfo>,
    /// Network counts.
    pub network: NetworkStats,
    /// The train trace, if asked for.
    pub trace: Option<Vec<TraceRecord>>,
    /// Per calendar year of the measured span, when the network has a
    /// start year (see [`Network::start_year`](super::Network::start_year)); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<YearStats>,
    /// Per port (by index) and side (by direction): congestion day by day
    /// from time zero, warm-up included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub daily: Vec<[super::daily::DailySide; 2]>,
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
    /// arrivals equal departures plus present at the end; and wagons and
    /// locomotives conserved in every pool: out at the start plus taken,
    /// less returned, equal out at the end by the pool's own count, never
    /// more than the pool.
    pub fn ports_conserve_trains(&self) -> bool {
        self.ports.iter().all(|p| {
            p.sides.iter().all(|s| {
                s.present_at_start + s.arrivals == s.departed + s.present_at_end
                    && s.wagons_out_at_start + s.wagons_taken
                        == s.wagons_returned + s.wagons_out_at_end
                    && s.wagons_out_at_end <= u64::from(s.wagon_pool)
                    && s.locomotives_out_at_start + s.locomotives_taken
                        == s.locomotives_returned + s.locomotives_out_at_end
                    && s.locomotives_out_at_end <= u64::from(s.locomotive_pool)
            })
        })
    }

    /// Trains conserved: trains in the system at the start, plus released
    /// and re-formed trains, equal delivered, coupled-away and cancelled
    /// trains plus the backlog; and the same for containers.
    pub fn is_conserved(&self) -> bool {
        let n = &self.network;
        n.initial_trains + n.released_trains + n.split_added
            == n.delivered_trains + n.coupled_away + n.cancelled_trains + n.backlog_trains
            && n.initial_containers + n.released_containers
                == n.delivered_containers + n.cancelled_containers + n.backlog_containers
    }
}

/// Milliseconds (as histograms keep them) to hours.
pub fn ms_to_hours(ms: u64) -> f64 {
    SimDuration::from_millis(ms).as_hours_f64()
}
