"""Distributed work: the job board, the stages as tasks, Celery workers and the watcher's
dispatcher. Without a broker (``broker_url`` empty) none of this runs: the pipeline works
in-process."""
