# The union-ledger API image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

RUN useradd --create-home --uid 10001 ledger
WORKDIR /app

COPY pyproject.toml README.md ./
COPY union_ledger ./union_ledger
COPY domain ./domain
COPY projections ./projections
COPY api ./api
RUN pip install . && mkdir -p /app/var && chown ledger:ledger /app/var

USER ledger
EXPOSE 8000
CMD ["union-ledger", "serve", "--host", "0.0.0.0", "--port", "8000"]
