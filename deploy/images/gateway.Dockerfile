# The Gatehouse gateway image: one distribution, every role (all-in-one, control-plane, bastion) chosen by GATEHOUSE_ROLE.
# It packages the jar the Maven build made and tested; build it first, then, from the repository root:
#   ./gatehouse build
#   docker build -f deploy/images/gateway.Dockerfile -t gatehouse/gatehouse:0.1.0 .
# Checked (not built: no engine here) by the deploy module's DockerfilesTest.
FROM eclipse-temurin:25-jre-noble

ARG GATEHOUSE_VERSION=0.1.0
LABEL org.opencontainers.image.title="gatehouse" \
      org.opencontainers.image.description="Gatehouse secure access gateway (SSH bastion, tunnels, recordings, API)" \
      org.opencontainers.image.version="${GATEHOUSE_VERSION}"

# A fixed, unprivileged uid (not 1000, which the base image gives to "ubuntu"), so volumes and Kubernetes'
# runAsUser/fsGroup can name it. The data directory is the user's own and closed to everyone else.
RUN groupadd --system --gid 10001 gatehouse \
 && useradd --system --uid 10001 --gid gatehouse --home-dir /var/lib/gatehouse --no-create-home \
        --shell /usr/sbin/nologin gatehouse \
 && install -d -m 0700 -o gatehouse -g gatehouse /var/lib/gatehouse

COPY --chown=root:root --chmod=0644 control-plane/target/gatehouse-exec.jar /opt/gatehouse/gatehouse-exec.jar

# HTTPS with a certificate from the gateway's own CA: plain HTTP would listen on the container's loopback only.
# Set GATEHOUSE_HTTP_TLS_NAMES to the names clients use.
ENV GATEHOUSE_DATA_DIR=/var/lib/gatehouse \
    GATEHOUSE_ROLE=all-in-one \
    GATEHOUSE_HTTP_TLS_CERTIFICATE=auto \
    GATEHOUSE_JAVA_OPTS="-XX:+UseZGC -XX:MaxRAMPercentage=75"
VOLUME ["/var/lib/gatehouse"]
WORKDIR /var/lib/gatehouse
USER 10001:10001
# SSH (bastion), tunnels (agents), API and console.
EXPOSE 2222 4443 8080

# umask 077: nothing the gateway writes (keys, spool, logs) is readable by another user; exec: java is PID 1 and gets
# SIGTERM itself. GATEHOUSE_JAVA_OPTS is split on spaces on purpose (several JVM options in one variable).
ENTRYPOINT ["/bin/sh", "-c", "umask 077 && exec java $GATEHOUSE_JAVA_OPTS -jar /opt/gatehouse/gatehouse-exec.jar \"$@\"", "gatehouse"]
