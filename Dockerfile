# The union-ledger image: built in one stage, run from a slim one without build tools.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY union_ledger ./union_ledger
COPY domain ./domain
COPY projections ./projections
COPY api ./api
COPY bench ./bench
RUN python -m venv /opt/ledger && /opt/ledger/bin/pip install .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/ledger/bin:$PATH
RUN useradd --create-home --uid 10001 ledger && mkdir -p /app/var && chown ledger:ledger /app/var
COPY --from=build /opt/ledger /opt/ledger
WORKDIR /app
USER ledger
EXPOSE 8000
CMD ["union-ledger", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
