//! Choices on the way: trains under way choose again at a place among
//! routes through different ports.
//!
//! - A symmetric pair of crossings chosen on the way splits evenly (a
//!   binomial bound at a named level), and trains are conserved across the
//!   switches.
//! - A stopped crossing whose reopening is known is waited for only as
//!   long as the other is slower: trains go round it, and fewer wait at it
//!   than when they cannot choose.
//! - `[]` keeps the route the train is on; a bias of a year makes the
//!   choice certain either way.
//! - Bad choices are refused with the field named.
//!
//! The seeds are fixed, so the outcome never changes.

use silkrail::corridor::{CorridorModel, Direction, ReplicationReport, RunSettings};
use silkrail::scenario::Scenario;
use silkrail::stats::student_t_quantile;

/// Probability that a statistical check in this file fails for a correct
/// model (there is one).
const ALPHA: f64 = 0.01;

/// East hub → fork → crossing a or b → join → west hub; a flow of
/// `per_day` trains whose own route is the quickest (via a), and `extra`
/// (the choice, cuts) appended.
fn network(per_day: f64, cap: u32, extra: &str) -> Scenario {
    network_cut(per_day, cap, extra, "")
}

/// [`network`] with `a_keys` added to port a (its cuts, say).
fn network_cut(per_day: f64, cap: u32, extra: &str, a_keys: &str) -> Scenario {
    let port = |id: &str| {
        let keys = if id == "a" { a_keys } else { "" };
        format!(
            r#"
[ports.{id}]
name = "{id}"
west_gauge_mm = 1520
east_gauge_mm = 1435
gauge_change = "transshipment"
{keys}

[ports.{id}.westbound]
tracks = 4
cranes = 4
transshipment = {{ lognormal = {{ mean_hours = 2.0, sd_hours = 0.5 }} }}
reference_containers = 50
track_release = {{ deterministic_hours = 0.5 }}
inspection = {{ deterministic_hours = 1.0 }}
handover_cap_trains_per_day = {cap}
yard_capacity_trains = 10

[ports.{id}.eastbound]
tracks = 1
cranes = 1
transshipment = {{ deterministic_hours = 1.0 }}
reference_containers = 50
track_release = {{ deterministic_hours = 0.0 }}
inspection = {{ deterministic_hours = 0.0 }}
yard_capacity_trains = 10

[sections.fork_{id}]
from = "fork"
to = "{id}"
gauge_mm = 1435
running = {{ lognormal = {{ mean_hours = 6.0, sd_hours = 1.0 }} }}

[sections.{id}_join]
from = "{id}"
to = "join"
gauge_mm = 1520
running = {{ lognormal = {{ mean_hours = 6.0, sd_hours = 1.0 }} }}
"#
        )
    };
    let text = format!(
        r#"
name = "Choice on the way"

[experiment]
horizon_days = 120
warmup_days = 20
replications = 4
seed = 17
delay_threshold_hours = 48

[nodes.east]
name = "East"
kind = "hub"
gauge_mm = 1435

[nodes.fork]
name = "Fork"
kind = "junction"
gauge_mm = 1435

[nodes.join]
name = "Join"
kind = "junction"
gauge_mm = 1520

[nodes.west]
name = "West"
kind = "hub"
gauge_mm = 1520

[sections.east_fork]
from = "east"
to = "fork"
gauge_mm = 1435
running = {{ deterministic_hours = 4.0 }}

[sections.join_west]
from = "join"
to = "west"
gauge_mm = 1520
running = {{ deterministic_hours = 4.0 }}
{a}{b}
[flows.trains]
origin = "east"
direction = "westbound"
trains_per_year = {tpy}
containers_per_train = 50
destinations = {{ west = 1.0 }}
via = [["a"]]
{extra}
"#,
        a = port("a"),
        b = port("b"),
        tpy = per_day * 365.0,
    );
    Scenario::from_toml_str(&text, "choice.toml").unwrap()
}

const CHOICE: &str = r#"
[choices.crossing]
at = ["fork"]
direction = "westbound"
destinations = ["west"]
via = [["a"], ["b"]]
routing = { logit = { scale_hours = 4.0 } }
"#;

fn run(s: &Scenario, replication: u64) -> ReplicationReport {
    let r = CorridorModel::run(
        &s.network,
        RunSettings {
            seed: s.experiment.seed,
            replication,
            warmup: s.experiment.warmup,
            horizon: s.experiment.horizon,
            delay_threshold: s.experiment.delay_threshold,
            trace: false,
        },
    );
    assert!(
        r.is_conserved() && r.ports_conserve_trains(),
        "trains, containers or wagons lost across the switches"
    );
    r
}

fn handed(r: &ReplicationReport, port: &str) -> u64 {
    r.port(port).unwrap().sides[Direction::Westbound.index()].handed_over
}

#[test]
fn a_symmetric_choice_on_the_way_splits_evenly() {
    let s = network(16.0, 10, CHOICE);
    let (mut na, mut n) = (0u64, 0u64);
    for rep in 0..4 {
        let r = run(&s, rep);
        na += handed(&r, "a");
        n += handed(&r, "a") + handed(&r, "b");
    }
    // |n_a − n/2| within the binomial bound at ALPHA (two-sided). Choices
    // that balance the load are negatively correlated, so the binomial
    // variance is an upper bound and the check conservative.
    let z = student_t_quantile(1.0 - ALPHA / 2.0, 1e9).unwrap();
    let bound = z * (n as f64 / 4.0).sqrt();
    assert!(n > 1000, "{n} trains handed over");
    assert!(
        (na as f64 - n as f64 / 2.0).abs() <= bound,
        "a took {na} of {n}; an even split allows ±{bound:.1}"
    );
}

#[test]
fn trains_go_round_a_stopped_crossing_whose_reopening_is_known() {
    // a stopped for 20 days from day 50: trains reaching the fork then
    // compare the wait for its reopening with b's queue.
    let cut = "cuts = [{ start_day = 50, days = 20, capacity_factor = 0.0 }]";
    let fixed = network_cut(8.0, 10, "", cut);
    let choosing = network_cut(8.0, 10, CHOICE, cut);
    let peak = |s: &Scenario| -> f64 {
        (0..2)
            .map(|rep| run(s, rep).port("a").unwrap().sides[0].blocked.peak() as f64)
            .fold(0.0, f64::max)
    };
    let (without, with) = (peak(&fixed), peak(&choosing));
    // Without a choice every train of the 20 days waits (≈ 160); with one,
    // b takes them while its queue is shorter than a's closure.
    assert!(without > 100.0, "{without} trains held without a choice");
    assert!(
        with < without / 4.0,
        "{with} held at a with the choice, {without} without"
    );
    // And b carried the trains a could not.
    let r = run(&choosing, 0);
    assert!(handed(&r, "b") > 100, "b handed over {}", handed(&r, "b"));
}

#[test]
fn staying_keeps_the_route_and_a_bias_decides() {
    let choice = |bias: f64| {
        format!(
            "\n[choices.crossing]\nat = [\"fork\"]\ndirection = \"westbound\"\ndestinations = [\"west\"]\nvia = [[], [\"b\"]]\nrouting = {{ logit = {{ scale_hours = 4.0 }} }}\nroute_bias_hours = [0.0, {bias}]\n"
        )
    };
    let stay = run(&network(6.0, 10, &choice(8760.0)), 0);
    assert_eq!(
        handed(&stay, "b"),
        0,
        "a year's bias against b: all stay via a"
    );
    assert!(handed(&stay, "a") > 500);
    let leave = run(&network(6.0, 10, &choice(-8760.0)), 0);
    assert_eq!(handed(&leave, "a"), 0, "a year's bias for b: none stays");
    assert!(handed(&leave, "b") > 500);
}

#[test]
fn bad_choices_name_the_field() {
    let cases: [(&str, &str); 8] = [
        (
            "[choices.c]\nat = [\"fork\"]\ndirection = \"eastbound\"\ndestinations = [\"west\"]\nflows = [\"trains\"]\nvia = [[\"a\"], [\"b\"]]\n",
            "choices.c.flows[0]: found 'trains' (westbound, class container), expected a flow of the choice's direction (eastbound) and classes",
        ),
        (
            "[choices.c]\nat = [\"nowhere\"]\ndirection = \"westbound\"\ndestinations = [\"west\"]\nvia = [[\"a\"], [\"b\"]]\n",
            "choices.c.at[0]",
        ),
        (
            "[choices.c]\nat = [\"fork\"]\ndirection = \"westbound\"\ndestinations = [\"west\"]\nvia = [[\"a\"]]\n",
            "choices.c.via: found 1 candidates, expected at least two candidates",
        ),
        (
            "[choices.c]\nat = [\"fork\"]\ndirection = \"westbound\"\ndestinations = [\"fork\"]\nvia = [[\"a\"], [\"b\"]]\n",
            "choices.c.destinations[0]",
        ),
        (
            "[choices.c]\nat = [\"join\"]\ndirection = \"westbound\"\ndestinations = [\"west\"]\nvia = [[\"a\"], [\"b\"]]\nrouting = \"shortest_expected_delay\"\n",
            "choices.c.via[0]",
        ),
        (
            "[choices.c]\nat = [\"fork\"]\ndirection = \"westbound\"\ndestinations = [\"west\"]\nvia = [[\"a\"], [\"b\"]]\nroute_bias_hours = [1.0]\n",
            "choices.c.route_bias_hours: found 1 values, expected one per entry of `via` (2)",
        ),
        (
            "[choices.c]\nat = [\"fork\"]\ndirection = \"westbound\"\ndestinations = [\"west\"]\nflows = [\"nope\"]\nvia = [[\"a\"], [\"b\"]]\n",
            "choices.c.flows[0]",
        ),
        (
            "[choices.c]\nat = [\"fork\"]\ndirection = \"westbound\"\ndestinations = [\"west\"]\nvia = [[], []]\n",
            "at most one candidate that stays",
        ),
    ];
    for (choice, wanted) in cases {
        let text = network_text(choice);
        let err = Scenario::from_toml_str(&text, "bad.toml")
            .err()
            .unwrap_or_else(|| panic!("accepted:\n{choice}"))
            .to_string();
        assert!(err.contains(wanted), "{err}\n does not say {wanted}");
    }
}

/// The scenario text of [`network`] with `extra`, unparsed.
fn network_text(extra: &str) -> String {
    let s = network(1.0, 10, "");
    let mut t = toml::to_string(&s.spec).unwrap();
    t.push('\n');
    t.push_str(extra);
    t
}
