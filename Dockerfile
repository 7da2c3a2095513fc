# ibg-pilot on top of the gnzsnz IB Gateway image: one binary replaces IBC.
# Build: docker build -t ibg-pilot-gateway .   (the builder needs network: deno compile
# downloads Deno's runtime). Pin UPSTREAM_IMAGE by digest for reproducible builds.
ARG UPSTREAM_IMAGE=ghcr.io/gnzsnz/ib-gateway:stable

FROM denoland/deno:2.9.6 AS builder
WORKDIR /src
COPY . .
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk-headless \
    && deno task compile

FROM ${UPSTREAM_IMAGE}
COPY --from=builder /src/dist/ibg-pilot /usr/local/bin/ibg-pilot
ENV CONTROLLER_HEALTH_SERVER_PORT=8080 \
    CONTROLLER_HEALTH_SERVER_HOST=0.0.0.0
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/ibg-pilot"]
CMD ["run"]
