"""What runs on a Dask worker: the coder, built once per worker, and the partition task.

Why a worker plugin: loading spaCy and the dictionaries takes seconds and hundreds of MB, so
each worker process builds its coder once, when the plugin is registered (or when the worker
joins later, or is restarted by its nanny), and every task on that worker reuses it. The
plugin is named after its coder factory and registered as idempotent, so a second run with the
same factory on a long-lived cluster finds the coder already built.

Why the task writes a shard and returns only its path: see tacitus.scale.shards.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path

from dask.base import tokenize
from distributed import Worker, WorkerPlugin, get_worker

from tacitus.ingest import CoderFactory, CoderLike, _code_batch, coder_version
from tacitus.records import Article
from tacitus.scale.errors import ScaleError
from tacitus.scale.shards import shard_name, write_shard

#: Every Tacitus coder plugin's name starts so (then comes its factory's token).
PLUGIN_PREFIX = "tacitus-coder-"


class CoderPlugin(WorkerPlugin):
    """Builds the coder from `factory` on each worker, once.

    Its lock lets one task at a time use the coder: a worker started with several threads
    (against the advice of docs/scale.md) then codes correctly, if no faster.
    """

    idempotent = True

    def __init__(self, factory: CoderFactory) -> None:
        self.factory = factory
        try:
            self.token = tokenize(factory, ensure_deterministic=True)
        except RuntimeError as error:
            raise ValueError(
                f"cannot name coder factory {factory!r} the same way on every run ({error});"
                " use a module-level function or a functools.partial of one"
            ) from error
        self.name = PLUGIN_PREFIX + self.token
        self.coder: CoderLike | None = None
        self.lock: threading.Lock | None = None

    async def setup(self, worker: Worker) -> None:
        """Build the coder in a thread: the worker's event loop keeps answering meanwhile."""
        self.lock = threading.Lock()
        self.coder = await asyncio.to_thread(self._build)

    def _build(self) -> CoderLike:
        """The coder, with its model loaded: coding an empty batch makes a coder that loads
        spaCy on first use (tacitus.events.coder.Coder does) load it now, not in a task."""
        coder = self.factory()
        list(coder.code_articles([]))
        return coder


@dataclass(frozen=True)
class ShardDone:
    """A coded partition: its shard, the coder's version, and whether this task coded it
    (False when an earlier task or run had already written the shard)."""

    path: str
    coder_version: str
    coded_here: bool


def _coder(plugin_name: str) -> tuple[CoderLike, threading.Lock, str]:
    """This worker's coder, its lock and its plugin's token, or a clear error if it has none."""
    worker = get_worker()
    plugin = worker.plugins.get(plugin_name)
    if not isinstance(plugin, CoderPlugin) or plugin.coder is None or plugin.lock is None:
        raise ScaleError(
            f"worker {worker.address} has no Tacitus coder ({plugin_name}): building it failed"
            " or the plugin was removed; see the worker's log"
        )
    return plugin.coder, plugin.lock, plugin.token


def code_partition(
    articles: list[Article], folder: str, plugin_name: str, language_check: bool
) -> ShardDone:
    """Code `articles` into their shard in `folder`, unless that shard is already there
    (`language_check` as for `tacitus.ingest.ingest`)."""
    coder, lock, token = _coder(plugin_name)
    version = coder_version(coder)
    path = Path(folder) / shard_name(f"{token} {version} {language_check}", articles)
    if path.exists():
        return ShardDone(str(path), version, coded_here=False)
    with lock:
        coded, rejects = _code_batch(coder, articles, language_check)
    write_shard(path, coded, rejects)
    return ShardDone(str(path), version, coded_here=True)
