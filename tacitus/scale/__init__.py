"""scale stage: `tacitus ingest` on a Dask cluster (see docs/scale.md).

`dask_client` connects to a running scheduler or starts a local cluster; `ingest_on_dask`
runs the ingest on it, storing what the single-machine `tacitus.ingest.ingest` stores.
"""

from tacitus.scale.errors import ScaleError, ShardError
from tacitus.scale.ingest import (
    ScaleSummary,
    dask_client,
    default_shard_dir,
    ingest_on_dask,
)
from tacitus.scale.partitions import DEFAULT_PARTITION_BYTES, DEFAULT_PARTITION_DOCS

__all__ = [
    "DEFAULT_PARTITION_BYTES",
    "DEFAULT_PARTITION_DOCS",
    "ScaleError",
    "ScaleSummary",
    "ShardError",
    "dask_client",
    "default_shard_dir",
    "ingest_on_dask",
]
