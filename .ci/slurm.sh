#!/usr/bin/env bash
# The Slurm job array, end to end on a real scheduler: a one-node cluster
# (munged, slurmctld, slurmd) with its configuration in a temporary folder,
# scripts/slurm-array.sh submitted for a small experiment, and the merged
# result checked byte for byte against an unsplit run with another thread
# count. The daemons are stopped by their pids whatever happens.
#
#   bash .ci/slurm.sh [path/to/silkrail]
#
# Needs root (to install slurm-wlm and munge with apt-get when they are
# missing, and to run the daemons); fails loudly if the cluster does not
# come up within a minute.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "${1:-$ROOT/target/release/silkrail}")
SHARDS=4
REPLICATIONS=8

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    echo "== installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq slurm-wlm munge >/dev/null
fi

T=$(mktemp -d)
PIDS=()
cleanup() {
    for f in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munged.pid"; do
        if [ -s "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; fi
    done
    sleep 1
    for f in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munged.pid"; do
        if [ -s "$f" ]; then kill -9 "$(cat "$f")" 2>/dev/null || true; fi
    done
    rm -rf "$T"
}
trap cleanup EXIT
fail() {
    echo "slurm: $*" >&2
    for log in "$T"/*.log "$T"/work/*.log; do
        [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
    done
    exit 1
}

# munge, with its own key, socket and files.
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/work"
chmod 700 "$T/munge"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge/munge.key"
SOCKET="$T/munge/munge.socket"
munged --force --key-file="$T/munge/munge.key" --socket="$SOCKET" \
    --pid-file="$T/munged.pid" --log-file="$T/munged.log" \
    --seed-file="$T/munge/munge.seed" || fail "munged did not start"

HOST=$(hostname -s)
CPUS=$(nproc)
cat > "$T/slurm.conf" <<EOF
ClusterName=ci
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$HOST CPUs=$CPUS State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$T/slurm.conf"
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start"

echo "== waiting for the node"
up=""
for _ in $(seq 60); do
    state=$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)
    case "$state" in idle*|mix*|alloc*) up=yes; break ;; esac
    sleep 1
done
[ -n "$up" ] || fail "the node did not come up (state '${state:-none}')"

echo "== submitting scripts/slurm-array.sh: $SHARDS shards of $REPLICATIONS replications"
cd "$T/work"
SILKRAIL="$BIN" SCENARIO=builtin VARIANT=baktu REPLICATIONS=$REPLICATIONS \
    SHARDS=$SHARDS RESULTS="$T/work/results" THREADS=1 \
    bash "$ROOT/scripts/slurm-array.sh" | tee submit.txt
grep -q "submitted array" submit.txt || fail "the array was not submitted"

echo "== waiting for the array and the merge"
done_=""
for _ in $(seq 300); do
    if [ -z "$(squeue -h 2>/dev/null)" ]; then done_=yes; break; fi
    sleep 1
done
[ -n "$done_" ] || fail "jobs still queued after 300 s: $(squeue -h)"
[ -s results/merged/summary.json ] || fail "the merge job wrote no results/merged/summary.json"
for i in $(seq 0 $((SHARDS - 1))); do
    [ -s "results/part-$i/partial.json" ] || fail "shard $i wrote no partial.json"
    grep -q "\"shard\": \"$i/$SHARDS\"" "results/part-$i/run.json" || fail "shard $i did not find its shard"
done

echo "== the unsplit run, with 2 threads"
"$BIN" compare builtin --variant baktu --replications $REPLICATIONS --threads 2 \
    --out unsplit --format json >/dev/null
diff -r -x run.json results/merged unsplit || fail "the merged result differs from the unsplit run"
echo "slurm: $SHARDS array tasks and the merge equal the unsplit run, byte for byte"
