package dev.gatehouse.audit.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written canonical JSON is Jackson's, byte for byte: stored events were hashed over Jackson's text, so any
 * difference would make verify report intact events as rewritten.
 */
class EventJsonTest {

    @Test
    void everyCharacterIsEscapedAsJacksonEscapesIt() {
        StringBuilder all = new StringBuilder();
        for (char c = 1; c < 0xD800; c++) {
            all.append(c);
        }
        all.append("\uD83D\uDE00 a\"b\\c/d\u2028\u2029\uFFFD\uFFFF");
        for (int from = 0; from < all.length(); from += 97) {
            String s = all.substring(from, Math.min(all.length(), from + 97));
            assertSameAsJackson(Map.of("k" + s, s));
        }
    }

    @Test
    void randomDetailsAreWrittenAsJacksonWritesThem() {
        Random random = new Random(20261204);
        for (int i = 0; i < 5000; i++) {
            assertSameAsJackson(map(random, 0));
        }
    }

    @Test
    void eventArrayMatchesJacksonsForNullAndEscapedFields() {
        AuditEvent e = AuditEvent.builder("sftp.write").actor("al\"ice\n").target(null).sessionId("s\\1")
                .sourceAddress("\u0001\u001f").time(Instant.parse("2026-12-04T14:00:00.123456Z"))
                .detail("bytes", 1L << 40).detail("path", "/srv/\u00e9t\u00e9").build();
        String head = CanonicalJson.write(Arrays.asList("gatehouse.audit.v1", e.type(), "2026-12-04T14:00:00.123456Z",
                e.actor(), e.sourceAddress(), e.target(), e.outcome(), e.sessionId()));
        String jackson = head.substring(0, head.length() - 1) + "," + CanonicalJson.write(e.details()) + "]";
        assertThat(new String(CanonicalJson.event(e), StandardCharsets.UTF_8)).isEqualTo(jackson);
    }

    @Test
    void timesAreWrittenAsIsoInstantWritesThem() {
        Random random = new Random(4);
        java.util.List<Instant> times = new ArrayList<>(List.of(Instant.EPOCH, Instant.parse("9999-12-31T23:59:59.999999Z"),
                Instant.parse("1000-01-01T00:00:00Z"), Instant.parse("0999-12-31T23:59:59.5Z"),
                Instant.parse("+10000-01-01T00:00:00.000001Z"), Instant.parse("2026-12-04T14:00:00.120Z")));
        for (int i = 0; i < 100_000; i++) {
            long seconds = random.nextLong(-70_000_000_000L, 300_000_000_000L);
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            times.add(Instant.ofEpochSecond(seconds, nanos));
        }
        for (Instant t : times) {
            assertThat(EventJson.instant(t)).as("%s", t).isEqualTo(java.time.format.DateTimeFormatter.ISO_INSTANT.format(t));
        }
    }

    private static void assertSameAsJackson(Map<String, ?> details) {
        Map<String, Object> normalised = CanonicalJson.normalise(details);
        assertThat(EventJson.write(normalised)).isEqualTo(CanonicalJson.write(normalised));
    }

    private static Map<String, Object> map(Random random, int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = random.nextInt(6); i > 0; i--) {
            m.put(text(random), value(random, depth));
        }
        return m;
    }

    private static Object value(Random random, int depth) {
        return switch (random.nextInt(depth < 3 ? 14 : 12)) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextInt();
            case 3 -> random.nextLong();
            case 4 -> BigInteger.valueOf(random.nextLong()).multiply(BigInteger.valueOf(random.nextLong()));
            case 5 -> random.nextDouble() * Math.pow(10, random.nextInt(60) - 30);
            case 6 -> new BigDecimal(BigInteger.valueOf(random.nextLong()), random.nextInt(40) - 20);
            case 7 -> (float) random.nextGaussian();
            case 8 -> (short) random.nextInt();
            case 9 -> Instant.ofEpochSecond(random.nextInt(), random.nextInt(1_000_000_000));
            case 10, 11 -> text(random);
            case 12 -> map(random, depth + 1);
            default -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(value(random, depth + 1));
                }
                yield list;
            }
        };
    }

    private static String text(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            int kind = random.nextInt(4);
            s.appendCodePoint(kind == 0 ? random.nextInt(0x20) : kind == 1 ? 0x20 + random.nextInt(0x60)
                    : kind == 2 ? 0x80 + random.nextInt(0xD000) : 0x10000 + random.nextInt(0x10000));
        }
        return s.toString();
    }
}
