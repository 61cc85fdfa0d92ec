package dev.gatehouse.controlplane.evidence;

import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.siem.JsonLinesFileSink;
import dev.gatehouse.audit.siem.SiemSink;
import dev.gatehouse.audit.siem.SiemStreamer;
import dev.gatehouse.audit.siem.SyslogTcpSink;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.InvalidSettingException;
import dev.gatehouse.controlplane.config.Siem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@code gatehouse.siem.sink}: the audit library's {@link SiemStreamer} on this node's event store, its cursor in
 * {@code <data-dir>/siem.cursor}; the checkpointer also gives it every signed checkpoint.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(SiemConfiguration.Configured.class)
class SiemConfiguration {

    @Bean(destroyMethod = "close")
    SiemStreamer siemStreamer(GatehouseSettings settings, PostgresAuditStore events) {
        return new SiemStreamer(events, sink(settings.siem()), settings.dataDir().resolve("siem.cursor"));
    }

    private static SiemSink sink(Siem siem) {
        try {
            if (siem.sink() == Siem.Sink.FILE) {
                return new JsonLinesFileSink(siem.file());
            }
            Siem.Syslog syslog = siem.syslog();
            return new SyslogTcpSink(syslog.socketAddress(), syslog.hostname().isBlank() ? localName()
                    : syslog.hostname(), syslog.tls() ? SyslogTcpSink.trusting(syslog.trust()) : null);
        } catch (IOException | GeneralSecurityException e) {
            String setting = siem.sink() == Siem.Sink.FILE ? "gatehouse.siem.file" : "gatehouse.siem.syslog.trust";
            throw new InvalidSettingException(setting, siem.sink() == Siem.Sink.FILE ? "a file the gateway can append"
                    + " to" : "a readable PEM file of CA certificates", "cannot be used: " + e.getMessage());
        }
    }

    private static String localName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "-";
        }
    }

    /** On unless {@code gatehouse.siem.sink} is absent or {@code none}. */
    static final class Configured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String sink = context.getEnvironment().getProperty("gatehouse.siem.sink", "none").strip();
            return !sink.isEmpty() && !"none".equalsIgnoreCase(sink);
        }
    }
}
