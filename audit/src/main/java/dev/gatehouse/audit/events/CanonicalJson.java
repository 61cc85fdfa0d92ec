package dev.gatehouse.audit.events;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON form of an event that is hashed and stored: fixed field order, map keys sorted, no whitespace.
 *
 * <p>Details are stored as this exact text, and the hash is taken over it verbatim, so verification never depends on
 * how a JSON library re-serialises numbers.
 */
public final class CanonicalJson {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final TypeReference<java.util.List<Object>> LIST = new TypeReference<>() {
    };

    private CanonicalJson() {
    }

    /** The JSON text of any plain value (used for details and for exports). */
    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /**
     * Appends {@code text} as the inside of a JSON string (no quotes), escaped exactly as {@link #write} escapes it,
     * for writers that build JSON lines themselves (asciicast output: megabytes a second).
     */
    public static StringBuilder appendEscaped(StringBuilder out, String text) {
        return EventJson.escaped(out, text);
    }

    /** Parses a JSON object. */
    public static Map<String, Object> readObject(String json) {
        return MAPPER.readValue(json, MAP);
    }

    /** Parses a JSON array (an asciicast event line). */
    public static java.util.List<Object> readList(String json) {
        return MAPPER.readValue(json, LIST);
    }

    /** The canonical text of the details map of an event. */
    public static String details(AuditEvent event) {
        return EventJson.write(event.details());
    }

    /** The canonical bytes of an event whose details are already in their stored text form. */
    public static byte[] event(String type, String time, String actor, String sourceAddress, String target,
            String outcome, String sessionId, String detailsJson) {
        return EventJson.event(new String[] {"gatehouse.audit.v1", type, time, actor, sourceAddress, target, outcome,
                sessionId}, detailsJson).getBytes(StandardCharsets.UTF_8);
    }

    /** The canonical bytes of an event. */
    public static byte[] event(AuditEvent e) {
        return event(e.type(), EventJson.instant(e.time()), e.actor(), e.sourceAddress(),
                e.target(), e.outcome(), e.sessionId(), details(e));
    }

    /** Reduces a details map to plain JSON values, sorted, unmodifiable; rejects what JSON cannot say. */
    static Map<String, Object> normalise(Map<String, ?> details) {
        Map<String, Object> out = new TreeMap<>();
        details.forEach((k, v) -> out.put(Text.clean(String.valueOf(k)), value(v)));
        return Collections.unmodifiableMap(out);
    }

    private static Object value(Object v) {
        if (v == null || v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof BigInteger || v instanceof BigDecimal) {
            return v;
        }
        if (v instanceof Short || v instanceof Byte) {
            return ((Number) v).intValue();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("detail value " + d + " is not a JSON number");
            }
            return BigDecimal.valueOf(d);
        }
        if (v instanceof CharSequence || v instanceof Character || v instanceof Enum<?>) {
            return Text.clean(v.toString());
        }
        if (v instanceof TemporalAccessor t) {
            return v instanceof java.time.Instant i ? DateTimeFormatter.ISO_INSTANT.format(i) : t.toString();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> copy = new TreeMap<>();
            m.forEach((k, x) -> copy.put(Text.clean(String.valueOf(k)), value(x)));
            return Collections.unmodifiableMap(copy);
        }
        if (v instanceof Iterable<?> it) {
            List<Object> copy = new ArrayList<>();
            it.forEach(x -> copy.add(value(x)));
            return Collections.unmodifiableList(copy);
        }
        if (v instanceof Object[] array) {
            return value(Arrays.asList(array));
        }
        if (v instanceof Record r) {
            Map<String, Object> copy = new TreeMap<>();
            for (var c : r.getClass().getRecordComponents()) {
                try {
                    var accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    copy.put(c.getName(), value(accessor.invoke(r)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalArgumentException("cannot read " + c.getName() + " of " + r.getClass(), e);
                }
            }
            return Collections.unmodifiableMap(copy);
        }
        if (v instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        return Text.clean(v.toString());
    }
}
