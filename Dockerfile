# trinity-db on Debian 12, built with the project's own scripts (the same packages as a developer
# machine). `docker compose up` runs it on SQLite; see docs/deployment.md.
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps scripts/install-deps
RUN apt-get update && scripts/install-deps && rm -rf /var/lib/apt/lists/*
COPY . .
RUN rm -rf build && cmake --preset release && cmake --build --preset release --target trinity-db

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 libpq5 libssl3 tzdata \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/release/apps/trinity-db/trinity-db /usr/local/bin/trinity-db
WORKDIR /app
VOLUME ["/app/data"]
# Default database: sqlite:///data/trinity.db, i.e. /app/data/trinity.db on the volume.
CMD ["sh", "-c", "trinity-db migrate && trinity-db status"]
