//! The Monte Carlo layer: bit-identical results whatever the threads or
//! the order of work, exact zero differences for identical variants,
//! interval coverage, the stopping rule, and monotone demand sweeps.

use rand_distr::Exp;
use silkrail::montecarlo::{
    Runner, StoppingRule, VariantResult, compare, run_until_precise, shard_indices,
};
use silkrail::queueing::{Station, erlang_c};
use silkrail::scenario::Scenario;
use silkrail::stats::{OnlineStats, binomial_cdf, student_t_quantile};
use silkrail::time::SimDuration;

/// Probability that any statistical check in this file fails for a correct
/// model, split over its 5 checks (coverage, correlation, 3 sweep steps) by
/// Bonferroni. Each check uses a fixed seed, so its outcome never changes.
const FAMILY_ALPHA: f64 = 0.005;
const ALPHA: f64 = FAMILY_ALPHA / 5.0;

fn short(s: &Scenario) -> Runner {
    Runner {
        warmup: SimDuration::from_days(15),
        horizon: SimDuration::from_days(45),
        ..Runner::new(&s.experiment)
    }
}

fn bits(v: &VariantResult) -> Vec<(u64, Vec<(String, u64)>)> {
    v.records
        .iter()
        .map(|r| {
            let mut named: Vec<(String, u64)> = v
                .names
                .iter()
                .filter_map(|n| Some((n.clone(), v.value(r, n)?.to_bits())))
                .collect();
            named.sort();
            (r.index, named)
        })
        .collect()
}

#[test]
fn threads_and_order_never_change_a_result() {
    let s = Scenario::builtin();
    let mut runner = short(&s);
    let mut results = Vec::new();
    for threads in [1, 2, 8] {
        runner.threads = Some(threads);
        results.push(runner.run(&s.network, 12).unwrap());
    }
    runner.threads = Some(2);
    results.push(runner.run(&s.network, 12).unwrap());
    // The same replications requested in reverse order, in uneven parts.
    let mut reversed = VariantResult::default();
    let indices: Vec<u64> = (0..12).rev().collect();
    runner
        .run_into(&s.network, &indices[..5], &mut reversed, &|_| {})
        .unwrap();
    runner
        .run_into(&s.network, &indices[5..], &mut reversed, &|_| {})
        .unwrap();
    results.push(reversed);
    for r in &results[1..] {
        assert_eq!(bits(r), bits(&results[0]));
        assert_eq!(r.pooled, results[0].pooled);
    }
}

#[test]
fn shards_merge_into_the_unsplit_result() {
    let s = Scenario::builtin();
    let runner = short(&s);
    let whole = runner.run(&s.network, 9).unwrap();
    for n in [2, 3, 4] {
        let mut merged = VariantResult::default();
        for i in (0..n).rev() {
            let mut part = VariantResult::default();
            runner
                .run_into(&s.network, &shard_indices(9, i, n), &mut part, &|_| {})
                .unwrap();
            merged.merge(part).unwrap();
        }
        assert_eq!(bits(&merged), bits(&whole), "{n} shards");
        assert_eq!(merged.pooled, whole.pooled);
    }
    let mut twice = whole.clone();
    assert!(
        twice.merge(whole.clone()).is_err(),
        "a replication present twice is refused"
    );
}

#[test]
fn identical_variants_differ_by_exactly_zero() {
    let s = Scenario::builtin();
    // The same network under another name: a variant that changes nothing.
    let same = Scenario::from_spec(s.spec.clone()).unwrap();
    let runner = short(&s);
    let a = runner.run(&s.network, 6).unwrap();
    let b = runner.run(&same.network, 6).unwrap();
    for m in a.metric_names() {
        let d = compare(&a, &b, &m, 0.95).unwrap();
        assert_eq!(d.difference.mean, 0.0, "{m}");
        // No interval with a single pairing; otherwise one of width zero.
        assert!(d.difference.half_width.is_none_or(|h| h == 0.0), "{m}");
    }
}

#[test]
fn baktu_leaves_other_trains_where_they_were() {
    // Common random numbers: flows that never see the CN–KZ crossings (the
    // northern corridor) release the same trains on the same days whether
    // or not Baktu opens.
    let base = Scenario::builtin();
    let baktu = base.with_variant("baktu").unwrap();
    let runner = short(&base);
    let a = runner.run(&base.network, 4).unwrap();
    let b = runner.run(&baktu.network, 4).unwrap();
    for m in [
        "port.manzhouli_zabaikalsk.westbound.dwell_mean_h",
        "port.erenhot_zamynuud.eastbound.delay_mean_h",
    ] {
        assert_eq!(a.values(m), b.values(m), "{m}");
    }
    // And the two variants' CN–KZ waits move together replication by
    // replication: their Pearson correlation is positive by a one-sided
    // t-test at level ALPHA (t = r √(n−2) / √(1−r²), n − 2 degrees of
    // freedom). Two independent runs would have none.
    let metric = "group.cn_kz.westbound.delay_mean_h";
    let more_a = runner.run(&base.network, 12).unwrap().values(metric);
    let more_b = runner.run(&baktu.network, 12).unwrap().values(metric);
    let n = more_a.len() as f64;
    let mean = |v: &[(u64, f64)]| v.iter().map(|p| p.1).sum::<f64>() / n;
    let (ma, mb) = (mean(&more_a), mean(&more_b));
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in more_a.iter().zip(&more_b) {
        sab += (x.1 - ma) * (y.1 - mb);
        saa += (x.1 - ma).powi(2);
        sbb += (y.1 - mb).powi(2);
    }
    let r = sab / (saa * sbb).sqrt();
    let t = r * (n - 2.0).sqrt() / (1.0 - r * r).sqrt();
    let critical = student_t_quantile(1.0 - ALPHA, n - 2.0).unwrap();
    assert!(
        t > critical,
        "correlation {r:.3} (t = {t:.2}, critical {critical:.2})"
    );
}

#[test]
fn intervals_cover_the_truth_at_the_nominal_rate() {
    // 200 independent 90 % intervals for Wq of an M/M/2 at ρ = 0.5, each
    // from 10 replications. Under the null hypothesis the number that
    // cover Erlang C's Wq is Binomial(200, 0.9); the test accepts the
    // central region of probability 1 − ALPHA.
    const EXPERIMENTS: u64 = 200;
    const LEVEL: f64 = 0.9;
    let (lambda, mu) = (1.0, 1.0);
    let truth = erlang_c(2, lambda, mu).unwrap().wq;
    let mut covered = 0;
    for e in 0..EXPERIMENTS {
        let mut s = OnlineStats::new();
        for rep in 0..10 {
            let station = Station::new(
                2,
                Exp::new(lambda).unwrap(),
                Exp::new(mu).unwrap(),
                2_000,
                20_000,
                77 + e,
                rep,
            );
            let mut sim = station.into_simulation();
            sim.run();
            s.push(sim.model().stats().wait_hours.mean().unwrap());
        }
        covered += u64::from(s.confidence_interval(LEVEL).unwrap().contains(truth));
    }
    let lower = (0..=EXPERIMENTS)
        .find(|&k| binomial_cdf(k, EXPERIMENTS, LEVEL).unwrap() > ALPHA / 2.0)
        .unwrap();
    let upper = (0..=EXPERIMENTS)
        .find(|&k| binomial_cdf(k, EXPERIMENTS, LEVEL).unwrap() >= 1.0 - ALPHA / 2.0)
        .unwrap();
    assert!(
        (lower..=upper).contains(&covered),
        "{covered} of {EXPERIMENTS} intervals covered; accepted {lower}..={upper}"
    );
}

#[test]
fn the_stopping_rule_stops() {
    let base = Scenario::builtin();
    let baktu = base.with_variant("baktu").unwrap();
    let runner = short(&base);
    let rule = StoppingRule {
        metric: "group.cn_kz.delay_mean_h".into(),
        relative_half_width: 0.5,
        level: 0.95,
        min: 4,
        max: 40,
        batch: 4,
    };
    let done = std::cell::Cell::new(0);
    let out = run_until_precise(&runner, &[&base.network, &baktu.network], &rule, &|n| {
        done.set(n)
    })
    .unwrap();
    let n = out[0].records.len() as u64;
    assert_eq!(n, done.get());
    assert!((rule.min..=rule.max).contains(&n));
    // Either it met the target or it hit the ceiling.
    let d = compare(&out[0], &out[1], &rule.metric, rule.level).unwrap();
    let precise = |d: &silkrail::montecarlo::Difference| {
        d.difference.half_width.unwrap() <= rule.relative_half_width * d.difference.mean.abs()
    };
    assert!(precise(&d) || n == rule.max);
    // And it did not run on past the point where it was met: one batch
    // earlier, the rule was not yet satisfied.
    if n > rule.min {
        let earlier = |v: &VariantResult| VariantResult {
            records: v
                .records
                .iter()
                .filter(|r| r.index < n - rule.batch)
                .cloned()
                .collect(),
            ..v.clone()
        };
        let d = compare(
            &earlier(&out[0]),
            &earlier(&out[1]),
            &rule.metric,
            rule.level,
        )
        .unwrap();
        assert!(
            !precise(&d),
            "already met at {} replications",
            n - rule.batch
        );
    }

    // One variant: a loose target is met at the minimum.
    let loose = StoppingRule {
        relative_half_width: 10.0,
        ..rule
    };
    let out = run_until_precise(&runner, &[&base.network], &loose, &|_| {}).unwrap();
    assert_eq!(out[0].records.len() as u64, loose.min);
}

#[test]
fn more_demand_never_means_less_waiting() {
    // Paired over the same seeds, the mean CN–KZ delay at the next demand
    // level minus the one before must not be significantly negative: its
    // upper confidence bound at level 1 − ALPHA is at least zero.
    let base = Scenario::builtin();
    let runner = short(&base);
    let metric = "group.cn_kz.delay_mean_h";
    let mut previous: Option<VariantResult> = None;
    for m in [0.8, 1.2, 1.6, 2.0] {
        let s = base.with_demand_multiplier(m).unwrap();
        let r = runner.run(&s.network, 8).unwrap();
        if let Some(p) = &previous {
            let d = compare(p, &r, metric, 1.0 - 2.0 * ALPHA).unwrap();
            let upper = d.difference.mean + d.difference.half_width.unwrap();
            assert!(upper >= 0.0, "at {m}×: {}", d.difference.display(3));
        }
        previous = Some(r);
    }
}
