#!/usr/bin/env bash
# Run one experiment as a Slurm job array: every task runs the replications
# of its shard, and a dependent job merges the parts into exactly the result
# of one unsplit run.
#
#   sbatch scripts/slurm-array.sh            # submits the array and the merge
#
# Settings (override in the environment):
#   SCENARIO      scenario file or `builtin`         (default: builtin)
#   VARIANT       variant compared with the base     (default: baktu)
#   REPLICATIONS  replications per variant           (default: 1000)
#   SHARDS        number of array tasks              (default: 16)
#   RESULTS       directory shared by all nodes      (default: results)
#   SILKRAIL      the silkrail binary                (default: silkrail on PATH)
#   THREADS       threads per task                   (default: the task's CPUs)
#
# Each task finds its shard with `--shard auto/$SHARDS`: its task id is its
# shard. The merge names any shard that is missing; resubmit exactly those
# with `SHARDS=16 sbatch --array=3,7 --export=ALL scripts/slurm-array.sh`
# and merge again.
#SBATCH --job-name=silkrail-shard
#SBATCH --cpus-per-task=2
#SBATCH --time=01:00:00
#SBATCH --output=silkrail-%A_%a.log
set -euo pipefail

SCENARIO=${SCENARIO:-builtin}
VARIANT=${VARIANT:-baktu}
REPLICATIONS=${REPLICATIONS:-1000}
SHARDS=${SHARDS:-16}
RESULTS=${RESULTS:-results}
SILKRAIL=${SILKRAIL:-silkrail}

if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
    # Submitted by hand: submit the array, then the merge after it.
    array=$(sbatch --parsable --array="0-$((SHARDS - 1))" --export=ALL "$0")
    sbatch --dependency="afterok:${array}" --job-name=silkrail-merge --export=ALL \
        --wrap="${SILKRAIL} merge ${RESULTS}/part-* --out ${RESULTS}/merged"
    echo "submitted array ${array} (${SHARDS} shards) and its merge into ${RESULTS}/merged"
    exit 0
fi

"${SILKRAIL}" compare "${SCENARIO}" --variant "${VARIANT}" \
    --replications "${REPLICATIONS}" \
    --threads "${THREADS:-${SLURM_CPUS_PER_TASK:-1}}" \
    --shard "auto/${SHARDS}" \
    --out "${RESULTS}/part-${SLURM_ARRAY_TASK_ID}"
