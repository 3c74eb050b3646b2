# The mockserver sandbox as an image:
#   docker build -t mockserver .
#   docker run --rm -p 8080:8080 -v "$PWD/scenarios:/scenarios" mockserver
# Each vendor's real host also has a port of its own, answering as that host alone, so a client
# switches by origin alone (`mockserver hosts` lists them): 8081 api.hitl.sh, 8082
# api.outharm.com, 8083 api.hivemoderation.com, 8084 api.thehive.ai; publish the ones you use
# (`-p 8084:8084`). MOCKSERVER_HOST_PORTS="api.thehive.ai=9000,..." chooses others ("": none).
# Every setting is a MOCKSERVER_* environment variable (see `mockserver serve --help`).
# /scenarios is read at start: mount a folder of scenario files there. With nothing mounted (or
# an empty folder) the embedded default scenario is served. The image's command is `mockserver`,
# so `docker run --rm -v "$PWD/scenarios:/scenarios" mockserver validate /scenarios` also works.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Dependencies come from the project's own metadata (pyproject.toml); the source is removed
# once installed. README* is optional (the package description). scenarios/ is packaged as the
# ready-made scenarios (mockserver/data/scenarios links to it).
COPY pyproject.toml README* /tmp/src/
COPY mockserver /tmp/src/mockserver
COPY scenarios /tmp/src/scenarios
RUN pip install --no-cache-dir /tmp/src \
    && rm -rf /tmp/src \
    && useradd --system --no-log-init --uid 10001 --user-group --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin mockserver \
    && mkdir /scenarios \
    && chown 10001:10001 /scenarios

ENV MOCKSERVER_HOST=0.0.0.0 \
    MOCKSERVER_PORT=8080 \
    MOCKSERVER_HOST_PORTS=all \
    MOCKSERVER_SCENARIO=/scenarios

USER 10001:10001
WORKDIR /scenarios
EXPOSE 8080 8081 8082 8083 8084

# `mockserver health` asks /_mockserver/health on MOCKSERVER_PORT (slim images have no curl).
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
    CMD ["mockserver", "health"]

# Exec form: mockserver is PID 1 and gets SIGTERM itself; it stops taking calls, finishes a
# webhook in flight (up to 5 s) and records pending deliveries as abandoned.
ENTRYPOINT ["mockserver"]
CMD ["serve"]
