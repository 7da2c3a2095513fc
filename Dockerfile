# ibg-pilot on top of the gnzsnz IB Gateway image: one binary takes over from IBC, run.sh, socat
# and the Xvfb start-up (docs/deploy.md, docs/container.md).
#
#   docker build -t ibg-pilot-gateway .
#   docker buildx build --platform linux/amd64,linux/arm64 -t ibg-pilot-gateway .
#
# Reproducible builds: pin the upstream image by digest, e.g.
#   --build-arg UPSTREAM_IMAGE=ghcr.io/gnzsnz/ib-gateway:10.45.1j@sha256:<digest>
# (`docker buildx imagetools inspect ghcr.io/gnzsnz/ib-gateway:stable` prints the digest).
# The builder stage needs network: `deno compile` downloads Deno's runtime for the target
# architecture, and npm packages come from the npm registry.
ARG UPSTREAM_IMAGE=ghcr.io/gnzsnz/ib-gateway:stable

# The builder runs on the build machine's own architecture and cross-compiles for the target, so a
# multi-arch build needs no emulation for this stage.
FROM --platform=$BUILDPLATFORM denoland/deno:2.9.6 AS builder
ARG TARGETARCH=amd64
# javac builds the agent jar that the binary embeds (javac --release 17 works on any JDK >= 17).
RUN mkdir -p /usr/share/man/man1 \
    && apt-get update \
    && apt-get install -y --no-install-recommends default-jdk-headless \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The permission set `controller` from deno.json is compiled into the binary (tools/compile.ts).
RUN deno task compile --target "$TARGETARCH" --output /out/ibg-pilot

FROM ${UPSTREAM_IMAGE}
# The programs the permission set lets ibg-pilot run: setsid (util-linux, always there) and kill
# (procps, for signalling Gateway's process group; installed when the upstream image lacks it), and
# x11vnc for VNC_SERVER_PASSWORD and the browser console (gnzsnz ships it; installed if missing).
# With WITH_ATSPI=true also the packages of the AT-SPI UI channel (UI_DRIVER=atspi); the default
# agent channel needs none.
ARG WITH_ATSPI=false
USER root
# /home/ibgateway/state: where to mount the one volume (settings, autorestart token); created here
# so that a named volume mounted on it belongs to the image's user, not to root.
RUN mkdir -p /home/ibgateway/state \
    && chown 1000:1000 /home/ibgateway/state \
    && packages="" \
    && if [ ! -x /usr/bin/kill ] && [ ! -x /bin/kill ]; then packages="procps"; fi \
    && if ! command -v x11vnc >/dev/null; then packages="$packages x11vnc"; fi \
    && if [ "$WITH_ATSPI" = "true" ]; then \
      packages="$packages dbus at-spi2-core libatk-wrapper-java libatk-wrapper-java-jni"; \
    fi \
    && if [ -n "$packages" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends $packages \
      && rm -rf /var/lib/apt/lists/*; \
    fi
COPY --from=builder /out/ibg-pilot /usr/local/bin/ibg-pilot
# The gnzsnz image's user (uid 1000, home /home/ibgateway); ibg-pilot never needs root.
USER 1000:1000
# /health, /ready and /metrics on 8080; API ports 4003 (live) and 4004 (paper) are forwarded to
# Gateway's 4001/4002 only while the session is READY (docs/container.md).
ENV CONTROLLER_HEALTH_SERVER_PORT=8080 \
    CONTROLLER_HEALTH_SERVER_HOST=0.0.0.0
EXPOSE 4003 4004 8080
# SIGTERM runs the stop ladder: Gateway's own logout (PILOT_CLEAN_LOGOUT_TIMEOUT, 20 s), then
# SIGTERM (15 s), then SIGKILL. Docker's default 10 s is too short: give the container 90 s
# (docker run --stop-timeout 90, compose stop_grace_period: 90s).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=10s --start-period=300s --retries=3 \
    CMD ["/usr/local/bin/ibg-pilot", "health"]
ENTRYPOINT ["/usr/local/bin/ibg-pilot"]
CMD ["run"]
