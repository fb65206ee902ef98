# syntax=docker/dockerfile:1
# Forgebus image: one jar, every role (the command chooses: run, gateway, dedup, workers, scheduler).
#   docker build -t forgebus .
#   docker run -v $PWD/examples/docker.yml:/config/forgebus.yml:ro forgebus gateway --config /config/forgebus.yml

# 1. Build: the same Maven build as bin/run-example, tests skipped (they run in CI, not in an image build).
FROM maven:3-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q package -DskipTests

# 2. Run: a JRE only, as a non-root user.
FROM eclipse-temurin:21-jre
RUN groupadd --system --gid 10001 forgebus \
 && useradd --system --uid 10001 --gid forgebus --home-dir /var/lib/forgebus --shell /usr/sbin/nologin forgebus \
 && mkdir -p /app /config /var/lib/forgebus \
 && chown forgebus:forgebus /var/lib/forgebus
COPY --from=build /src/app/target/forgebus.jar /app/forgebus.jar
COPY --chmod=0755 deploy/docker/forgebus /usr/local/bin/forgebus
COPY --chmod=0755 deploy/docker/healthcheck /usr/local/bin/forgebus-healthcheck
COPY LICENSE /app/LICENSE
USER 10001:10001
WORKDIR /var/lib/forgebus
VOLUME ["/var/lib/forgebus"]
# 8080: webhooks (server.port). 9090: /health, /ready, /metrics, /admin (management.port).
EXPOSE 8080 9090
ENV FORGEBUS_MANAGEMENT_PORT=9090
# No curl in the JRE image and a JVM per probe is heavy: bash's /dev/tcp asks GET /health on the
# management port and passes on a 200 status line (deploy/docker/healthcheck).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["forgebus-healthcheck", "/health"]
ENTRYPOINT ["forgebus"]
CMD ["run", "--config", "/config/forgebus.yml", "--data-dir", "/var/lib/forgebus"]
