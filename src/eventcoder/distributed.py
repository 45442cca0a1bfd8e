"""Code articles on a Dask cluster: ``eventcoder code --engine dask [--scheduler ADDRESS]``.

How work is split: the driver reads the inputs (cheap), skips articles already in the store,
and sends the rest to the workers in chunks of articles. Each worker builds one
:class:`~eventcoder.pipeline.Pipeline` when it joins (a Dask worker plugin), so the spaCy model,
gazetteer and classifier load once per worker, not once per task. Workers only compute; the
driver is the single writer of the store, saving each article in its own transaction as its
chunk comes back. Coding is deterministic per article and the store's cross-article merge does
not depend on the order articles are saved in, so the result is the same, event for event, as
a single-process run.

With no scheduler address a ``LocalCluster`` is started (processes, one thread each). On a
university cluster, start a scheduler with dask-jobqueue (e.g. ``SLURMCluster``; see README)
and pass its address; the workers must see the same gazetteer path (a shared filesystem).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from eventcoder.errors import ConfigError
from eventcoder.ingest import read_inputs
from eventcoder.models import Article
from eventcoder.pipeline import (
    CodeResult,
    Pipeline,
    ProgressCallback,
    RunRecorder,
    RunReport,
    StageTimes,
    chunked,
)
from eventcoder.settings import Settings
from eventcoder.store import Store

log = logging.getLogger(__name__)

#: Articles per Dask task: big enough to keep nlp.pipe batching, small enough to balance load.
CHUNK_SIZE = 16
_PLUGIN_NAME = "eventcoder-pipeline"

class PipelinePlugin:
    """A Dask worker plugin that gives each worker its own, once-loaded pipeline."""

    name = _PLUGIN_NAME

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pipeline: Pipeline | None = None

    def setup(self, worker: Any) -> None:
        """Build the pipeline and load its models when the worker starts."""
        self.pipeline = Pipeline(self.settings.with_(n_process=1))
        _ = self.pipeline.nlp, self.pipeline.extractor  # load now, not in the first task

    def teardown(self, worker: Any) -> None:
        """Nothing to release: the pipeline holds read-only resources."""


def code_chunk(articles: list[Article]) -> tuple[list[CodeResult], StageTimes]:
    """Code a chunk of articles on the worker that runs this task."""
    from distributed import get_worker

    pipeline = get_worker().plugins[_PLUGIN_NAME].pipeline
    if pipeline is None:  # pragma: no cover - setup always runs first
        raise ConfigError("the eventcoder worker plugin was not set up")
    return pipeline.code_chunk(articles)


def run_on_dask(
    settings: Settings,
    paths: Sequence[str | Path],
    store: Store,
    *,
    published: date | None = None,
    outlet: str | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    chunk_size: int = CHUNK_SIZE,
    progress: ProgressCallback | None = None,
) -> RunReport:
    """Like :meth:`Pipeline.run`, with the coding spread over a Dask cluster.

    Raises:
        ConfigError: Dask is not installed, or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ConfigError("the dask engine needs Dask: pip install 'eventcoder[dask]'") from None

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as error:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    recorder = RunRecorder(store, [str(p) for p in paths], settings, progress)
    try:
        client.register_plugin(PipelinePlugin(settings), name=_PLUGIN_NAME)
        items = read_inputs(paths, published=published, outlet=outlet, max_chars=settings.max_chars)
        chunks = chunked(recorder.fresh(items), chunk_size)
        futures = [client.submit(code_chunk, chunk, pure=False) for chunk in chunks]
        for future in as_completed(futures):
            results, chunk_times = future.result()
            recorder.times.parse += chunk_times.parse
            recorder.times.extract += chunk_times.extract
            for result in results:
                recorder.save(result)
    except BaseException:
        recorder.interrupted()
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return recorder.finish()
