# `mapsheet serve` in a container, for Cloud Run or any host that puts HTTPS in front of it.
#   docker build -t mapsheet-serve .
#   docker run -p 8080:8080 -e MAPSHEET_AUDIENCE=... -e MAPSHEET_ALLOW=acme.com mapsheet-serve
# Settings are environment variables (see README, "Google Sheets button"); Cloud Run sets PORT.

FROM python:3.12-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY mapsheet ./mapsheet
COPY templates ./templates
COPY macros ./macros
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MAPSHEET_HOST=0.0.0.0 PORT=8080
COPY --from=wheel /wheels /wheels
RUN pip install "$(ls /wheels/mapsheet-*.whl)[serve]" && rm -rf /wheels \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin mapsheet
USER 10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health', timeout=2)"
CMD ["mapsheet", "serve"]
