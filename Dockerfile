# syntax=docker/dockerfile:1
# One image for every Reel role: a gateway (every plugin) or a transcoder
# worker (REEL_PLUGINS=transcoder), chosen by environment at run time.
#
#   docker build -t reel:dev .                         (from the repository root)
#   docker run -e REEL_DATABASE_URL=... -e REEL_STORAGE=s3 ... -p 8080:8080 reel:dev
#
# Stage 1 builds the host and the plugins with the Swift toolchain (the same
# toolchain must build both: Swift has no ABI stability on Linux). Stage 2 is
# a slim Debian with only the shared libraries they load, the Swift runtime
# copied from stage 1, and a non-root user. Nothing is fetched at run time;
# no secret is baked in (configuration comes from the environment).
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
# The -dev packages of the libraries the host and plugins link (Package.swift's
# systemLibrary targets, the C plugins' Makefiles) and protoc-c. Versions come
# from the base image's Debian release (bookworm), not pinned one by one.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config make gcc \
      libmicrohttpd-dev libprotobuf-c-dev protobuf-c-compiler libpq-dev libjansson-dev \
      libargon2-dev libcurl4-openssl-dev \
      libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a source change does not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY . .
# Release build of everything, then the plugins under their file names
# (tools/dev leaves the sample plugins out), and the Swift runtime's libraries.
RUN swift build -c release \
 && mkdir -p /out/plugins /out/swift \
 && tools/dev plugins release /out/plugins \
 && cp "$(swift build -c release --show-bin-path)/reel" /out/reel \
 && cp /usr/lib/swift/linux/*.so /out/swift/

FROM ${RUNTIME_IMAGE}
# Shared libraries only (no -dev, no ffmpeg CLI): libmicrohttpd, libpq,
# protobuf-c, jansson, argon2, libcurl (S3 SigV4, SMTP), libav 5.1; libstdc++
# and libxml2 for the Swift runtime and Foundation; curl for the healthcheck.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libmicrohttpd12 libpq5 libprotobuf-c1 libjansson4 libargon2-1 libcurl4 \
      libavformat59 libavcodec59 libavutil57 libswscale6 libswresample4 \
      libstdc++6 libgcc-s1 libxml2 zlib1g tzdata ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/swift/ /usr/lib/swift/linux/
RUN echo /usr/lib/swift/linux > /etc/ld.so.conf.d/swift.conf && ldconfig \
 && groupadd --system --gid 10001 reel \
 && useradd --system --uid 10001 --gid reel --home-dir /var/lib/reel --shell /usr/sbin/nologin reel \
 && mkdir -p /var/lib/reel /var/lib/reel-uploads \
 && chown reel:reel /var/lib/reel /var/lib/reel-uploads
COPY --from=build /out/reel /usr/local/bin/reel
COPY --from=build /out/plugins/ /opt/reel/plugins/
COPY Web/ /opt/reel/web/

# Writable state lives under REEL_DATA_DIR only (plugin cache, spool, partial
# uploads, transcode scratch): mount a volume or emptyDir there and the root
# filesystem can be read-only. Plugins are part of the image (no watching).
# Gateways share partial uploads: mount one shared volume at
# /var/lib/reel-uploads and set REEL_VIDEO_UPLOADS_DIR to it.
ENV REEL_HTTP_HOST=0.0.0.0 \
    REEL_HTTP_PORT=8080 \
    REEL_DATA_DIR=/var/lib/reel \
    REEL_PLUGINS_DIR=/opt/reel/plugins \
    REEL_WEB_DIR=/opt/reel/web \
    REEL_PLUGIN_WATCH_SECONDS=0
USER 10001:10001
WORKDIR /var/lib/reel
VOLUME ["/var/lib/reel"]
EXPOSE 8080
# Liveness only: a host whose database is away stays alive (/readyz says not
# ready, and load balancers and Kubernetes use that one).
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["/bin/sh", "-c", "curl -fsS -o /dev/null http://127.0.0.1:${REEL_HTTP_PORT}/livez || exit 1"]
ENTRYPOINT ["/usr/local/bin/reel"]
CMD ["serve"]
