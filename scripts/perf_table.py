#!/usr/bin/env python3
"""Prints the README's performance table from one bench run.

    python3 scripts/perf_table.py            # runs both benches, then valgrind
    python3 scripts/perf_table.py --no-bench # reads the last criterion run

It runs `cargo bench --bench engine` and `cargo bench --bench corridor`
(unless --no-bench), reads the medians criterion wrote under
target/criterion, and counts instructions per event of each workload with
valgrind's callgrind on `examples/perf_probe` (its setup subtracted), built
with the bench profile (fat LTO, one codegen unit) so that the counts are
of the code criterion timed, then prints the table in Markdown. For
M/M/3 and for two threads against one it also times both sides of each
ratio in turns within one process (`perf_probe --interleave`: M/M/3 23
rounds, 16 replications 11, 64 replications 7, the rayon reference 23)
and gives the median of the round-by-round ratios, with their quartiles,
beside criterion's: criterion times one bench after another, so a slow
spell of a shared machine lands on one side of its ratio only. Python 3
standard library and valgrind only.
"""

import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRIT = os.path.join(ROOT, "target", "criterion")


def median_ns(group, bench):
    path = os.path.join(CRIT, group, bench, "new", "estimates.json")
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"]


def instructions(workload, probe):
    def collected(*extra):
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", probe, workload, *extra],
            capture_output=True, text=True, check=True)
        return int(re.search(r"Collected : (\d+)", out.stderr).group(1))
    events = int(subprocess.run([probe, workload], capture_output=True, text=True,
                                check=True).stdout.split()[1])
    return (collected() - collected("--setup-only")) / events


def interleaved(probe, workloads, rounds):
    """Median ratio to the first workload, and its quartiles, of each."""
    run = subprocess.run([probe, "--interleave", str(rounds), *workloads],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"perf_table.py: perf_probe --interleave failed: {run.stderr.strip()}")
    out = run.stdout
    ratios = {}
    for line in out.splitlines():
        m = re.fullmatch(r"(\S+) \S+ ms ratio (\S+) quartiles (\S+) (\S+)", line)
        if m is None:
            sys.exit(f"perf_table.py: unexpected line from perf_probe --interleave: {line!r}")
        ratios[m.group(1)] = tuple(float(x) for x in m.groups()[1:])
    missing = set(workloads) - set(ratios)
    if missing:
        sys.exit(f"perf_table.py: perf_probe --interleave reported nothing for {sorted(missing)}")
    return ratios


def main():
    if "--no-bench" not in sys.argv:
        for bench in ("engine", "corridor"):
            subprocess.run(["cargo", "bench", "--bench", bench], cwd=ROOT, check=True,
                           stdout=sys.stderr)
    # The bench profile writes to target/release, as the release profile does.
    subprocess.run(["cargo", "build", "--profile", "bench", "--example", "perf_probe"],
                   cwd=ROOT, check=True, stdout=sys.stderr)
    probe = os.path.join(ROOT, "target", "release", "examples", "perf_probe")
    ipe = {w: instructions(w, probe) for w in (
        "mm3-kernel", "mm3-reference", "mm3-station", "hold-kernel-16", "hold-reference-16",
        "hold-kernel-1000", "hold-reference-1000", "hold-kernel-100000",
        "hold-reference-100000", "ports-by-hand", "ports-scenario", "corridor-year")}

    # 4k + 3 rounds: the median and both quartiles are each one round's
    # ratio (each half of the sorted ratios, 2k + 1 of them, has a middle
    # one), so that they invert exactly into speed-ups below.
    turns = interleaved(probe, ["mm3-reference", "mm3-kernel", "mm3-station"], 23)
    # Two threads against one: the time ratio of a round inverted is its
    # speed-up; the larger ratio quartile gives the lower speed-up one.
    speedup = {}
    for name, rounds in (("replications-16", 11), ("replications-64", 7),
                         ("by-hand-rayon", 23)):
        one, two = f"{name}-threads-1", f"{name}-threads-2"
        med, q1, q3 = interleaved(probe, [one, two], rounds)[two]
        speedup[name] = (1 / med, 1 / q3, 1 / q1)

    rows = []
    customers = 1e6
    ref = median_ns("mm3_customers", "reference")
    for name, label in (("kernel", "M/M/3, ρ = 0.8, 10⁶ customers: minimal model on the kernel"),
                        ("station", "same, the library's `Station` with full statistics")):
        t = median_ns("mm3_customers", name)
        med, q1, q3 = turns["mm3-" + name]
        rows.append((label, f"{customers / t * 1e3:.1f} M customers/s",
                     f"hand-written `BinaryHeap` loop: {customers / ref * 1e3:.1f} M/s",
                     f"{t / ref:.3f}; in turns {med:.3f} ({q1:.3f}–{q3:.3f})",
                     f"{ipe['mm3-' + name]:,.0f} / {ipe['mm3-reference']:,.0f}"))
    for n in (16, 1000, 100000):
        k = median_ns("hold", f"kernel/{n}")
        r = median_ns("hold", f"reference/{n}")
        rt = median_ns("hold", f"reference_replace_top/{n}")
        rows.append((f"hold model, {n:,} pending events", f"{1e5 / k * 1e3:.1f} M events/s",
                     f"pop-then-push: {1e5 / r * 1e3:.1f} M/s; replace-top: {1e5 / rt * 1e3:.1f} M/s",
                     f"{k / r:.3f} ({k / rt:.3f} vs replace-top)",
                     f"{ipe[f'hold-kernel-{n}']:,.0f} / {ipe[f'hold-reference-{n}']:,.0f}"))
    for per_day in (24, 60):
        s = median_ns("ports_trains", f"scenario/{per_day}_per_day")
        h = median_ns("ports_trains", f"by_hand/{per_day}_per_day")
        extra = (f"{ipe['ports-scenario']:,.0f} / {ipe['ports-by-hand']:,.0f}" if per_day == 24 else "")
        rows.append((f"three-port model, {per_day} trains/day, one year: as a scenario",
                     f"{1e9 / s:.0f} replications/s", f"by hand: {1e9 / h:.0f} replications/s",
                     f"{s / h:.2f}", extra))
    y = median_ns("corridor_year", "events/base")
    rows.append(("reference corridor, one replication of 395 days", f"{y / 1e6:.1f} ms", "", "",
                 f"{ipe['corridor-year']:,.0f}"))
    h1 = median_ns("replications", "by_hand_rayon/1")
    h2 = median_ns("replications", "by_hand_rayon/2")
    hs = speedup["by-hand-rayon"]
    for reps in (16, 64):
        t1 = median_ns("replications", f"threads_{reps}/1")
        t2 = median_ns("replications", f"threads_{reps}/2")
        ts = speedup[f"replications-{reps}"]
        rows.append((f"{reps} replications of one year (`y2025`), 1 → 2 threads",
                     f"{reps * 1e9 / t1:.1f} → {reps * 1e9 / t2:.1f} replications/s (**{t1 / t2:.2f}×**);"
                     f" in turns **{ts[0]:.2f}×** ({ts[1]:.2f}–{ts[2]:.2f})",
                     f"hand-written three-port model, 100 replications over rayon: {h1 / h2:.2f}×;"
                     f" in turns {hs[0]:.2f}× ({hs[1]:.2f}–{hs[2]:.2f})",
                     f"{(h1 / h2) / (t1 / t2):.3f}; in turns {hs[0] / ts[0]:.3f}", ""))

    print("| benchmark | silkrail | reference in the same run | time ratio | instructions per event (silkrail / reference; hold: pop-then-push) |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
