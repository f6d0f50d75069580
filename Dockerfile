# The production image: gunicorn serves the site (static files through whitenoise);
# the same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (the PDFs) needs Pango and HarfBuzz's subsetter; Liberation Sans is the PDF
# font, DejaVu the fallback for letters it lacks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected once, at build time. The settings insist on a SECRET_KEY
# outside DEBUG; this throwaway one exists only for this step and is not in the image's
# environment. The real key comes from the environment at run time.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-used-at-run-time-0123456789abcdef \
    python manage.py collectstatic --noinput

# Run as an unprivileged user. var/ holds uploaded evidence (var/media) and the beat
# schedule (var/beat); docker-compose.yml mounts volumes there.
RUN useradd --system --uid 1000 --user-group --home-dir /app --no-create-home esafety \
    && mkdir -p /app/var/media /app/var/beat \
    && chown -R esafety:esafety /app/var
USER esafety

ENV DEBUG=false
EXPOSE 8000

CMD ["gunicorn", "esafety.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
