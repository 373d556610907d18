# Multi-stage build of the controller image. Build from the repository root:
#   docker build -t vpsie-autoscaler:0.1.0 .          (or: podman build -t vpsie-autoscaler:0.1.0 .)
# The chart's default image is vpsie-autoscaler:<appVersion>; push the image to a registry your nodes
# can pull from and set image.repository (and image.tag) to it.
#
# Both base images are build arguments, so a machine without access to these registry images can use
# its own: the build stage needs a JDK 17 and Maven (mvn on PATH), the runtime stage a JRE 17 (java on
# PATH) and groupadd/useradd. scripts/build-image.sh makes both from Debian's archive and builds with them.
ARG BUILD_BASE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_BASE=eclipse-temurin:17-jre

# ---- build: the shaded jar, tests skipped (they run in `make test`, not in the image build) ----
FROM ${BUILD_BASE} AS build
WORKDIR /src
# The dependencies first, in their own layer, so a source change does not download them again.
COPY pom.xml .
RUN mvn -B -ntp -q -Dmaven.test.skip=true dependency:go-offline
COPY src ./src
RUN mvn -B -ntp -q -Dmaven.test.skip=true package

# ---- run: a JRE and the jar, as a non-root user ----
FROM ${RUNTIME_BASE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="vpsie-autoscaler" \
      org.opencontainers.image.version="${VERSION}"
# A fixed numeric user, so Kubernetes can verify runAsNonRoot; the chart runs as the same uid.
RUN groupadd --system --gid 65532 autoscaler \
    && useradd --system --uid 65532 --gid 65532 --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin autoscaler
COPY --from=build /src/target/vpsie-autoscaler.jar /app/vpsie-autoscaler.jar
USER 65532:65532
EXPOSE 8080
# Sized for a small controller (figures and how to measure them: docs/performance.md): the serial collector
# (no concurrent GC threads or remembered sets) with the heap at most 30% of the memory limit (154 MiB in the
# chart's 512Mi, 115 MiB in 384Mi; the live heap is estimated at 50 to 70 MiB at 30,000 pods, and a larger cap
# only lets garbage pile up and stay resident), and unused
# malloc memory handed back to the system every 10 s (glibc keeps what startup freed; the flag needs a
# JRE 17.0.9 or later). Exit on OutOfMemoryError so Kubernetes restarts the pod instead of keeping a broken
# JVM; no hsperfdata files, since the root filesystem is read-only.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=30", "-XX:TrimNativeHeapInterval=10000", \
            "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "-jar", "/app/vpsie-autoscaler.jar"]
CMD ["run"]
