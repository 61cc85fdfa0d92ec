# The Gatehouse tunnel agent image: runs inside a private network and dials out to the gateway nodes.
# Build the agent jar first, then, from the repository root:
#   ./mvnw -B -pl tunnel-agent -am -DskipTests package
#   docker build -f deploy/images/agent.Dockerfile -t gatehouse/gatehouse-agent:0.1.0 .
# Join once (the token on standard input), then run; the state volume keeps the agent's key and certificate:
#   docker run -i --rm -v gatehouse-agent:/var/lib/gatehouse-agent -v "$PWD/gateway-ca.pem:/etc/gatehouse-agent/gateway-ca.pem:ro" \
#     gatehouse/gatehouse-agent:0.1.0 join --gateway gw.example.com:4443 --network lab --name edge-1 --token-file - \
#     --gateway-ca /etc/gatehouse-agent/gateway-ca.pem --state-dir /var/lib/gatehouse-agent < token
#   docker run -d --restart unless-stopped -v gatehouse-agent:/var/lib/gatehouse-agent \
#     -v "$PWD/agent.conf:/etc/gatehouse-agent/agent.conf:ro" gatehouse/gatehouse-agent:0.1.0
# Checked (not built: no engine here) by the deploy module's DockerfilesTest.
FROM eclipse-temurin:25-jre-noble

ARG GATEHOUSE_VERSION=0.1.0
LABEL org.opencontainers.image.title="gatehouse-agent" \
      org.opencontainers.image.description="Gatehouse tunnel agent" \
      org.opencontainers.image.version="${GATEHOUSE_VERSION}"

RUN groupadd --system --gid 10002 gatehouse-agent \
 && useradd --system --uid 10002 --gid gatehouse-agent --home-dir /var/lib/gatehouse-agent --no-create-home \
        --shell /usr/sbin/nologin gatehouse-agent \
 && install -d -m 0700 -o gatehouse-agent -g gatehouse-agent /var/lib/gatehouse-agent

COPY --chown=root:root --chmod=0644 tunnel-agent/target/gatehouse-agent.jar /opt/gatehouse-agent/gatehouse-agent.jar

# A small heap, as the systemd unit gives it: an idle agent needs little.
ENV GATEHOUSE_AGENT_JAVA_OPTS="-Xmx128m -XX:+UseSerialGC"
VOLUME ["/var/lib/gatehouse-agent"]
WORKDIR /var/lib/gatehouse-agent
USER 10002:10002

ENTRYPOINT ["/bin/sh", "-c", "umask 077 && exec java $GATEHOUSE_AGENT_JAVA_OPTS -jar /opt/gatehouse-agent/gatehouse-agent.jar \"$@\"", "gatehouse-agent"]
CMD ["run", "--config", "/etc/gatehouse-agent/agent.conf"]
