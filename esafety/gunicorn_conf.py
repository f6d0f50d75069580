"""gunicorn settings read with `--config python:esafety.gunicorn_conf` (docker-compose)."""


def post_worker_init(worker):
    """Render a tiny PDF in each new worker, so the first real download is not the one
    that loads fonts and WeasyPrint (~200 ms)."""
    from esafety.pdf import warm_up

    worker.notify()  # a busy host may take a while: don't let the arbiter think we hung
    try:
        warm_up()
    except Exception:  # a missing font must not stop the site from starting
        worker.log.exception("PDF warm-up failed")
