"""Code articles on a Dask cluster: ``eventcoder code --engine dask [--scheduler ADDRESS]``.

How work is split: the driver reads the inputs (cheap), skips articles already in the store,
and sends the rest to the workers in chunks of articles. Each worker builds one
:class:`~eventcoder.pipeline.Pipeline` when it joins (a Dask worker plugin), so the spaCy model,
gazetteer and classifier load once per worker, not once per task. Workers only compute; the
driver is the single writer of the store, saving each article in its own transaction as its
chunk comes back. Coding is deterministic per article and the store's cross-article merge does
not depend on the order articles are saved in, so the result is the same, event for event, as
a single-process run.

The input streams: only a few chunks per worker thread are in flight at any time (the next
chunk is read when one comes back), so a JSONL file of millions of articles is coded in bounded
memory on the driver and the scheduler.

Failures stay local. A chunk whose task raises (a worker bug, an article spaCy refuses) is
retried one article per task, so only the article at fault is recorded as failed; a chunk
whose worker died (out of memory, killed by the batch system) is recorded as failed article by
article. Either way the run goes on, and the next run retries what failed. Ctrl-C marks the run
interrupted, cancels the pending tasks and closes the cluster this run started.

With no scheduler address a ``LocalCluster`` is started (processes, one thread each).

Running on a university cluster (SLURM) with dask-jobqueue, which eventcoder does not install
(``pip install dask-jobqueue`` in the same environment)::

    # start_cluster.py: run it on the login node and leave it running
    from dask_jobqueue import SLURMCluster

    cluster = SLURMCluster(
        cores=8, processes=8,      # 8 single-threaded workers per job (one pipeline each)
        memory="16GB",             # a worker uses about 1 GB; 2 GB each leaves headroom
        walltime="02:00:00",
        # queue="normal", account="my-project",   # as your site requires
        job_script_prologue=["source /shared/venvs/eventcoder/bin/activate"],
    )
    cluster.scale(jobs=4)          # 32 workers
    print(cluster.scheduler_address, flush=True)
    input("coding; press Enter to stop the cluster")

and in a second shell on the login node::

    eventcoder code --engine dask --scheduler tcp://10.0.0.5:8786 \\
        --gazetteer /shared/eventcoder/gazetteer.sqlite --db ~/events.sqlite articles.jsonl

The workers must run the same Python environment as the driver (same eventcoder, spaCy model
and Dask versions) and open the gazetteer at the same path, so put it on a shared filesystem.
The database is written by the driver only; it need not be shared and should be on a local
disk if possible (SQLite over NFS is slow and its locking unreliable). Keep one thread per worker
(``processes`` equal to ``cores``): each worker holds one pipeline and codes one chunk at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

from eventcoder.errors import ConfigError, EventcoderError
from eventcoder.ingest import read_inputs
from eventcoder.models import Article, Failure
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

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - without the [dask] extra, run_on_dask says what to install
    WorkerPlugin = object  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

#: Articles per Dask task: big enough to keep nlp.pipe batching, small enough to balance load.
CHUNK_SIZE = 16
#: Chunks in flight per worker thread: one running, the others queued so no worker waits for
#: the driver to save and read, yet the driver never holds more than a few chunks of articles.
CHUNKS_PER_WORKER = 3
#: Seconds to wait for a scheduler given by address before reporting it unreachable.
CONNECT_TIMEOUT = 30.0
_PLUGIN_NAME = "eventcoder-pipeline"


class PipelinePlugin(WorkerPlugin):
    """A Dask worker plugin that gives each worker its own, once-loaded pipeline."""

    name = _PLUGIN_NAME

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pipeline: Pipeline | None = None

    def setup(self, worker: Any) -> None:
        """Build the pipeline and load its models when the worker starts, not in its first task."""
        self.pipeline = Pipeline(self.settings.with_(n_process=1))
        _ = self.pipeline.nlp, self.pipeline.extractor

    def teardown(self, worker: Any) -> None:
        """Nothing to release: the pipeline holds read-only resources."""


def code_chunk(articles: list[Article]) -> tuple[list[CodeResult], StageTimes]:
    """Code a chunk of articles with the pipeline of the worker that runs this task."""
    from distributed.worker import get_worker

    plugin = get_worker().plugins.get(_PLUGIN_NAME)
    if not isinstance(plugin, PipelinePlugin) or plugin.pipeline is None:
        raise ConfigError(
            "this Dask worker has no eventcoder pipeline (its plugin setup failed); "
            "check the worker's log for the model or gazetteer error"
        )
    return plugin.pipeline.code_chunk(articles)


def run_on_dask(
    settings: Settings,
    paths: Sequence[str | Path],
    store: Store,
    *,
    published: date | None = None,
    outlet: str | None = None,
    country: str | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    chunk_size: int = CHUNK_SIZE,
    connect_timeout: float = CONNECT_TIMEOUT,
    progress: ProgressCallback | None = None,
) -> RunReport:
    """Like :meth:`Pipeline.run`, with the coding spread over a Dask cluster.

    Args:
        scheduler: address of a running scheduler (``tcp://host:8786``); None starts a
            ``LocalCluster`` of ``workers`` processes, closed when the run ends.
        workers: worker processes of the LocalCluster (ignored with ``scheduler``).
        chunk_size: articles per task.
        connect_timeout: seconds to wait for ``scheduler`` before giving up.

    Raises:
        ConfigError: Dask is not installed, the scheduler cannot be reached, or the workers
            cannot load the pipeline (model or gazetteer missing on them).
    """
    try:
        from distributed.client import Client
        from distributed.deploy.local import LocalCluster
    except ImportError:
        raise ConfigError("the dask engine needs Dask: pip install 'eventcoder[dask]'") from None
    if workers < 1 or chunk_size < 1:
        raise ConfigError(
            f"--workers ({workers}) and the chunk size ({chunk_size}) must be at least 1"
        )

    client: Any = None
    cluster: Any = None
    recorder: RunRecorder | None = None
    try:
        if scheduler:
            client = _connect(Client, scheduler, connect_timeout)
        else:
            # ":0": any free port, so a second cluster on the machine is no clash (and no warning).
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
            client = Client(cluster)  # type: ignore[no-untyped-call]
            log.info(
                "started a Dask LocalCluster of %d workers; dashboard: %s",
                workers,
                cluster.dashboard_link,
            )
        _start_pipelines(client, settings)
        recorder = RunRecorder(store, [str(p) for p in paths], settings, progress)
        items = read_inputs(paths, published=published, outlet=outlet, country=country, max_chars=settings.max_chars)
        with closing(_code_on_cluster(client, recorder.fresh(items), chunk_size)) as coded:
            for results, chunk_times in coded:
                recorder.times.parse += chunk_times.parse
                recorder.times.extract += chunk_times.extract
                for result in results:
                    recorder.save(result)
    except BaseException:
        if recorder is not None:
            recorder.interrupted()
        raise
    finally:
        _close(client, cluster)
    return recorder.finish()


def _connect(client_class: Any, scheduler: str, timeout: float) -> Any:
    """A client of the scheduler at ``scheduler``, or a one-line ConfigError saying why not."""
    try:
        return client_class(scheduler, timeout=f"{timeout}s")
    except (OSError, ValueError, TypeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ConfigError(
            f"cannot reach the Dask scheduler at {scheduler} ({reason}); check the address "
            "printed by the cluster (e.g. cluster.scheduler_address) and that it is still running"
        ) from None


def _start_pipelines(client: Any, settings: Settings) -> None:
    """Register the worker plugin: every worker, present and future, loads its pipeline now."""
    try:
        client.register_plugin(PipelinePlugin(settings), name=_PLUGIN_NAME)
    except (EventcoderError, ImportError) as error:
        raise ConfigError(
            f"a Dask worker cannot load the eventcoder pipeline: {error} (workers need the same "
            "Python environment as the driver and the gazetteer at the same path, e.g. on a "
            "shared filesystem)"
        ) from None


def _code_on_cluster(
    client: Any, articles: Iterator[Article], chunk_size: int
) -> Generator[tuple[list[CodeResult], StageTimes], None, None]:
    """Code ``articles`` on the cluster, yielding each chunk's results as soon as they are back.

    A new chunk is read and submitted only when one comes back, so at most
    ``CHUNKS_PER_WORKER`` chunks per worker thread are in flight, however large the input.
    """
    from distributed.client import as_completed
    from distributed.scheduler import KilledWorker

    chunks = chunked(articles, chunk_size)
    pending: dict[Any, list[Article]] = {}
    finished = as_completed()  # type: ignore[no-untyped-call]

    def submit(chunk: list[Article]) -> None:
        future = client.submit(code_chunk, chunk, pure=False)
        pending[future] = chunk
        finished.add(future)  # type: ignore[no-untyped-call]

    def fill() -> None:
        window = CHUNKS_PER_WORKER * max(1, sum(client.nthreads().values()))
        while len(pending) < window:
            chunk = next(chunks, None)
            if chunk is None:
                return
            submit(chunk)

    try:
        fill()
        for future in finished:
            chunk = pending.pop(future)
            try:
                outcome = future.result()
            except KilledWorker:
                reason = (
                    "the Dask worker coding it died (out of memory, or stopped by the batch system)"
                )
                outcome = _failed(chunk, reason), StageTimes()
            except Exception as error:  # noqa: BLE001 - a failed task must not stop the run
                if len(chunk) > 1:
                    for article in chunk:  # retry alone, so only the article at fault fails
                        submit([article])
                    continue
                message = str(error).splitlines()[0] if str(error) else ""
                outcome = (
                    _failed(
                        chunk, f"a Dask worker failed on it ({type(error).__name__}: {message})"
                    ),
                    StageTimes(),
                )
            yield outcome
            fill()
    finally:
        if pending:  # interrupted: the tasks still queued would only waste the cluster's time
            try:
                client.cancel(list(pending))
            except Exception as error:  # noqa: BLE001 - best effort; the interrupt matters more
                log.warning("could not cancel %d pending Dask tasks: %s", len(pending), error)


def _failed(chunk: list[Article], reason: str) -> list[CodeResult]:
    """One failure per article of a chunk whose task did not come back."""
    return [
        Failure(
            article.origin or article.id,
            f"{article.origin or article.id}: {reason}; run the same command again to retry it",
            article.id,
        )
        for article in chunk
    ]


def _close(client: Any, cluster: Any) -> None:
    """Close the client and the cluster this run started, never masking the run's own error."""
    for closable in (client, cluster):
        if closable is None:
            continue
        try:
            closable.close()
        except Exception as error:  # noqa: BLE001 - closing is best effort
            log.warning("could not close the Dask %s cleanly: %s", type(closable).__name__, error)
