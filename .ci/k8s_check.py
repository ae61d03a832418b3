"""What can be checked of the Kubernetes manifests without a cluster: they
parse, the shards' Job is an Indexed Job whose pods take their shard with
`--shard auto` and are told the number of shards (SILKRAIL_SHARDS, equal to
`completions`), and the shards and the merge mount one results volume at
the path they write and read."""
import sys

import yaml

ROOT = sys.argv[1] if len(sys.argv) > 1 else "."


def load(name):
    with open(f"{ROOT}/scripts/{name}") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    assert len(docs) == 1, f"{name}: expected one document, found {len(docs)}"
    job = docs[0]
    assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job", f"{name}: not a batch/v1 Job"
    return job


def container(job):
    (c,) = job["spec"]["template"]["spec"]["containers"]
    return c


def volume(job, c, name):
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    vols = {v["name"]: v for v in job["spec"]["template"]["spec"]["volumes"]}
    (vname,) = mounts
    claim = vols[vname]["persistentVolumeClaim"]["claimName"]
    return claim, mounts[vname]


shards = load("k8s-indexed-job.yaml")
merge = load("k8s-merge-job.yaml")
spec = shards["spec"]
assert spec["completionMode"] == "Indexed", "the shards' Job must be an Indexed Job"
sc = container(shards)
cmd = " ".join(sc["command"] + sc.get("args", []))
assert "--shard auto" in cmd, f"the shards must take their shard with --shard auto: {cmd}"
env = {e["name"]: e["value"] for e in sc.get("env", [])}
assert env.get("SILKRAIL_SHARDS") == str(spec["completions"]), (
    f"SILKRAIL_SHARDS ({env.get('SILKRAIL_SHARDS')}) must equal completions ({spec['completions']})"
)
claim_s, path_s = volume(shards, sc, "shards")
mc = container(merge)
claim_m, path_m = volume(merge, mc, "merge")
assert claim_s == claim_m, f"shards write to {claim_s}, the merge reads {claim_m}"
assert path_s == path_m, f"shards mount at {path_s}, the merge at {path_m}"
mcmd = " ".join(mc["command"] + mc.get("args", []))
assert f"{path_m}/part-" in mcmd and f"{path_s}/part-" in cmd, "the merge reads the parts the shards write"
print(f"k8s: {spec['completions']} indexed shards with --shard auto and one volume ({claim_s} at {path_s})")
