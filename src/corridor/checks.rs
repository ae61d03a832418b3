//! The checks of a network's parts that [`NetworkBuilder`](super::NetworkBuilder)
//! makes as each is added: the same as a scenario file's, with the same
//! field paths.

use super::ids::GaugeChange;
use super::network::{
    Acceptance, Change, Cut, DatedCut, Handling, Hold, MONTH_DAYS, PortSide, RandomCuts,
    TrafficClass,
};
use crate::error::{FieldPath, InvalidField};

pub(super) fn positive_finite(at: FieldPath, v: f64, max: f64) -> Result<f64, InvalidField> {
    if !(v > 0.0 && v <= max) {
        return Err(InvalidField::new(
            at,
            v,
            format!("a finite number above 0 and at most {max}"),
        ));
    }
    Ok(v)
}

pub(super) fn check_acceptance(at: FieldPath, a: &Acceptance) -> Result<(), InvalidField> {
    if !(a.resume_below <= a.stop_above && a.stop_above > 0) {
        return Err(InvalidField::new(
            at,
            format!(
                "stop above {} and resume below {}",
                a.stop_above, a.resume_below
            ),
            "resume_below_trains ≤ stop_above_trains, stop_above_trains ≥ 1",
        ));
    }
    Ok(())
}

pub(super) fn check_hold(at: FieldPath, h: &Hold) -> Result<(), InvalidField> {
    if !(0.0..=1.0).contains(&h.share) {
        return Err(InvalidField::new(
            at.key("share"),
            h.share,
            "a share from 0 to 1",
        ));
    }
    Ok(())
}

pub(super) fn check_cut(at: &FieldPath, c: &Cut, cranes: bool) -> Result<(), InvalidField> {
    if !(0.0..=1.0).contains(&c.capacity) {
        return Err(InvalidField::new(
            at.clone().key("capacity_factor"),
            c.capacity,
            "a factor from 0 (stopped) to 1 (as usual)",
        ));
    }
    if !(0.0..=1.0).contains(&c.cranes) || (!cranes && c.cranes != 1.0) {
        return Err(InvalidField::new(
            at.clone().key("cranes_factor"),
            c.cranes,
            if cranes {
                "a factor from 0 (stopped) to 1 (as usual)"
            } else {
                "no cranes factor: a section has no cranes"
            },
        ));
    }
    Ok(())
}

/// Changes in order of their days, each after the opening (if any), with
/// factors from 0 to 100.
pub(super) fn check_changes(
    at: FieldPath,
    changes: &[Change],
    cranes: bool,
    opens_day: Option<f64>,
) -> Result<(), InvalidField> {
    let mut last = opens_day.unwrap_or(0.0);
    for (i, c) in changes.iter().enumerate() {
        let ci = at.clone().index(i);
        // The first change may fall on the opening day (it then applies from
        // the opening); later ones come after the one before.
        let too_early = match (i, opens_day) {
            (0, Some(_)) => c.from_day < last,
            (0, None) => false,
            _ => c.from_day <= last,
        };
        if !(c.from_day >= 0.0 && c.from_day <= 36_525.0) || too_early {
            return Err(InvalidField::new(
                ci.key("from_day"),
                c.from_day,
                match (i, opens_day) {
                    (0, Some(_)) => {
                        format!("a day from the port's opening (day {last}) to 36525")
                    }
                    (0, None) => "a day from 0 to 36525".to_string(),
                    _ => {
                        format!("a day after the previous change's (day {last}) and at most 36525")
                    }
                },
            ));
        }
        last = c.from_day;
        for (key, v, applies) in [
            ("capacity_factor", c.cut.capacity, true),
            ("cranes_factor", c.cut.cranes, cranes),
        ] {
            if !(v.is_finite() && (0.0..=100.0).contains(&v)) || (!applies && v != 1.0) {
                return Err(InvalidField::new(
                    ci.clone().key(key),
                    v,
                    if applies {
                        "a factor from 0 (stopped) to 100, relative to the scenario's value"
                    } else {
                        "no cranes factor: a section has no cranes"
                    },
                ));
            }
        }
    }
    Ok(())
}

pub(super) fn check_dated_cut(
    at: FieldPath,
    c: &DatedCut,
    cranes: bool,
) -> Result<(), InvalidField> {
    if !(c.start_day >= 0.0 && c.start_day <= 36_525.0) {
        return Err(InvalidField::new(
            at.key("start_day"),
            c.start_day,
            "a day from 0 to 36525",
        ));
    }
    if !(c.days > 0.0 && c.days <= 36_525.0) {
        return Err(InvalidField::new(
            at.key("days"),
            c.days,
            "a number of days above 0 and at most 36525",
        ));
    }
    check_cut(&at, &c.cut, cranes)
}

pub(super) fn check_random_cuts(
    at: FieldPath,
    c: &mut RandomCuts,
    cranes: bool,
) -> Result<(), InvalidField> {
    if !(c.events_per_year > 0.0 && c.events_per_year <= 10_000.0) {
        return Err(InvalidField::new(
            at.key("events_per_year"),
            c.events_per_year,
            "a number of events a year above 0 and at most 10000",
        ));
    }
    let mut weighted = 0.0;
    for (i, (&w, d)) in c.monthly_weights.iter().zip(MONTH_DAYS).enumerate() {
        if !(0.0..=1000.0).contains(&w) {
            return Err(InvalidField::new(
                at.clone().key("monthly_weights").index(i),
                w,
                "a weight from 0 to 1000",
            ));
        }
        weighted += w * f64::from(d) / 365.0;
    }
    if !(weighted > 0.0) {
        return Err(InvalidField::new(
            at.key("monthly_weights"),
            "all zero",
            "at least one month with a positive weight",
        ));
    }
    for w in &mut c.monthly_weights {
        *w /= weighted;
    }
    if !(c.duration.mean_hours() > 0.0) {
        return Err(InvalidField::new(
            at.key("duration"),
            format!("a mean of {} h", c.duration.mean_hours()),
            "events that last some time (a mean above 0 h)",
        ));
    }
    check_cut(&at, &c.cut, cranes)
}

pub(super) fn check_side(
    at: FieldPath,
    s: &PortSide,
    change: GaugeChange,
    classes: &[TrafficClass],
) -> Result<(), InvalidField> {
    if s.tracks == 0 && change != GaugeChange::None {
        return Err(InvalidField::new(
            at.key("tracks"),
            0,
            "at least 1 track where the gauge changes",
        ));
    }
    if change == GaugeChange::Transshipment {
        if s.cranes == 0 {
            return Err(InvalidField::new(
                at.key("cranes"),
                0,
                "at least 1 crane for a transshipment",
            ));
        }
        if s.cranes_per_train == 0 || s.cranes_per_train > s.cranes {
            return Err(InvalidField::new(
                at.key("cranes_per_train"),
                s.cranes_per_train,
                format!("from 1 to the side's {} cranes", s.cranes),
            ));
        }
    }
    if s.yard_capacity == 0 {
        return Err(InvalidField::new(
            at.key("yard_capacity_trains"),
            0,
            "at least 1 waiting place (a train that finds none is held upstream)",
        ));
    }
    if s.reference_containers == 0 {
        return Err(InvalidField::new(
            at.key("reference_containers"),
            0,
            "at least 1 container",
        ));
    }
    if s.handover_cap_per_day == Some(0) {
        return Err(InvalidField::new(
            at.key("handover_cap_trains_per_day"),
            0,
            "at least 1 train per day, or no key for no cap",
        ));
    }
    if s.max_containers_out == Some(0) {
        return Err(InvalidField::new(
            at.key("max_containers_out"),
            0,
            "at least 1 container, or no key for no limit",
        ));
    }
    if s.consolidate_max_wait.is_some() && s.max_containers_out.is_none() {
        return Err(InvalidField::new(
            at.key("consolidate_max_wait_hours"),
            "a wait",
            "max_containers_out to be set, since consolidation fills trains up to it",
        ));
    }
    if s.inspection_teams == Some(0) {
        return Err(InvalidField::new(
            at.key("inspection_teams"),
            0,
            "at least 1 team, or no key for as many as there are trains",
        ));
    }
    if let Some(h) = s.inspection_hours {
        let ok = |x: f64| (0.0..=24.0).contains(&x);
        if !(ok(h.from_hour) && ok(h.to_hour) && h.from_hour != h.to_hour) {
            return Err(InvalidField::new(
                at.key("inspection_hours"),
                format!("from {} to {}", h.from_hour, h.to_hour),
                "hours of the day from 0 to 24, from_hour ≠ to_hour",
            ));
        }
    }
    if let Some(h) = &s.deep_inspection {
        check_hold(at.clone().key("deep_inspection"), h)?;
    }
    if s.handover_siding == Some(0) {
        return Err(InvalidField::new(
            at.key("handover_siding_trains"),
            0,
            "at least 1 train (the handover takes trains from the siding), or no key for no limit",
        ));
    }
    if s.departure_tracks == Some(0) {
        return Err(InvalidField::new(
            at.key("departure_tracks"),
            0,
            "at least 1 track (a finished train must be able to leave its own), or no key for no limit",
        ));
    }
    if let Some(pool) = &s.locomotive_pool
        && pool.locomotives == 0
    {
        return Err(InvalidField::new(
            at.key("locomotive_pool").key("locomotives"),
            0,
            "at least 1 locomotive, or no pool",
        ));
    }
    if let Some(pool) = &s.wagon_pool
        && pool.wagons == 0
    {
        return Err(InvalidField::new(
            at.key("wagon_pool").key("wagons"),
            0,
            "at least 1 wagon, or no pool",
        ));
    }
    let mut reserved = 0u64;
    for (c, class) in &s.classes {
        let Some(tc) = classes.get(c.index()) else {
            return Err(InvalidField::new(
                at.key("classes"),
                c.index(),
                "a class of the network",
            ));
        };
        let cp = at.clone().key("classes").key(tc.id.clone());
        match &class.handling {
            Handling::Transload {
                tracks,
                reference_units,
                ..
            } => {
                if *tracks == 0 {
                    return Err(InvalidField::new(cp.key("tracks"), 0, "at least 1 track"));
                }
                if *reference_units == 0 {
                    return Err(InvalidField::new(
                        cp.key("reference_wagons"),
                        0,
                        "at least 1 wagon",
                    ));
                }
            }
            Handling::Transship | Handling::Pass => {}
        }
        if let Some(h) = &class.hold {
            check_hold(cp.clone().key("hold"), h)?;
        }
        if let Some(a) = &class.acceptance {
            check_acceptance(cp.clone().key("acceptance"), a)?;
        }
        reserved += u64::from(class.reserved_slots_per_day);
        if class.reserved_slots_per_day > 0 && s.handover_cap_per_day.is_none() {
            return Err(InvalidField::new(
                cp.key("reserved_slots_per_day"),
                class.reserved_slots_per_day,
                "no reserved slots without a handover_cap_trains_per_day",
            ));
        }
    }
    if let Some(cap) = s.handover_cap_per_day
        && reserved > u64::from(cap)
    {
        return Err(InvalidField::new(
            at.key("classes"),
            format!("{reserved} reserved slots a day"),
            format!("at most the cap of {cap} trains a day"),
        ));
    }
    Ok(())
}

/// The most years a run may span (36,525 days).
pub(super) const MAX_YEARS: usize = 100;

/// Checks a flow's route shares: one per candidate, each in [0, 1],
/// summing to 1. Policies that ignore shares may omit them.
pub(super) fn check_shares(
    at: FieldPath,
    shares: &[f64],
    candidates: usize,
    uses_shares: bool,
) -> Result<Vec<f64>, InvalidField> {
    if shares.is_empty() && (candidates == 1 || !uses_shares) {
        return Ok(vec![1.0 / candidates as f64; candidates]);
    }
    if shares.len() != candidates {
        return Err(InvalidField::new(
            at,
            format!("{} shares", shares.len()),
            format!("one share per entry of `via` ({candidates})"),
        ));
    }
    let mut sum = 0.0;
    for (i, &s) in shares.iter().enumerate() {
        if !(0.0..=1.0).contains(&s) {
            return Err(InvalidField::new(at.index(i), s, "a share from 0 to 1"));
        }
        sum += s;
    }
    if (sum - 1.0).abs() > 1e-6 {
        return Err(InvalidField::new(
            at,
            format!("shares summing to {sum}"),
            "shares summing to 1",
        ));
    }
    Ok(shares.to_vec())
}
