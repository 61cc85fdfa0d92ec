package dev.gatehouse.sshproxy.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxyHeaderParserTest {

    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final String SSH = "SSH-2.0-OpenSSH_9.2\r\n";

    @Test
    void v1Tcp4HeaderGivesTheClientAddressAndItsLength() throws Exception {
        String header = "PROXY TCP4 127.0.0.9 127.0.0.1 51234 2222\r\n";
        ProxyHeader parsed = parse(header + SSH).orElseThrow();
        assertThat(parsed.client()).isEqualTo(new InetSocketAddress("127.0.0.9", 51234));
        assertThat(parsed.length()).isEqualTo(header.length());
    }

    @Test
    void v1Tcp6HeaderGivesTheClientAddress() throws Exception {
        ProxyHeader parsed = parse("PROXY TCP6 2001:db8::7 ::1 40000 22\r\n").orElseThrow();
        assertThat(parsed.client().getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(parsed.client().getPort()).isEqualTo(40000);
    }

    @Test
    void v1UnknownLeavesTheConnectionsOwnPeer() throws Exception {
        assertThat(parse("PROXY UNKNOWN\r\n").orElseThrow().client()).isNull();
        assertThat(parse("PROXY UNKNOWN ffff::1 ::1 1 2\r\n").orElseThrow().length()).isEqualTo(31);
    }

    @Test
    void v1HeaderArrivingInPiecesNeedsMoreUntilItsCrlf() throws Exception {
        String header = "PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n";
        for (int n = 0; n < header.length(); n++) {
            assertThat(parse(header.substring(0, n))).as("first %d bytes", n).isEmpty();
        }
        assertThat(parse(header)).isPresent();
    }

    @Test
    void v1WhenLongerThanTheSpecificationsLimitThenRefused() {
        String header = "PROXY TCP4 " + "1".repeat(200);
        assertRefused(header, "no CRLF within 107 bytes");
    }

    @Test
    void v1WhenFieldsAreWrongThenRefused() {
        assertRefused("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "expected");
        assertRefused("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", "expected");
        assertRefused("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n", "protocol must be");
        assertRefused("PROXY TCP4 256.2.3.4 5.6.7.8 1 2\r\n", "IPv4");
        assertRefused("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n", "IPv4");
        assertRefused("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n", "IPv4");
        assertRefused("PROXY TCP4 ::1 5.6.7.8 1 2\r\n", "IPv4");
        assertRefused("PROXY TCP6 1.2.3.4 ::1 1 2\r\n", "IPv6");
        assertRefused("PROXY TCP6 example.com ::1 1 2\r\n", "IPv6");
        assertRefused("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", "port");
        assertRefused("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n", "port");
        assertRefused("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n", "expected");
        assertRefused("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n", "expected");
    }

    @Test
    void v1WhenItCarriesControlBytesOrABareCrThenRefused() {
        assertRefused("PROXY TCP4 1.2.3.4\u0000 5.6.7.8 1 2\r\n", "printable");
        assertRefused("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "printable");
        assertRefused("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX\n", "CR not followed by LF");
    }

    @Test
    void v2Inet4ProxyGivesTheClientAddressAndSkipsTlvs() throws Exception {
        byte[] header = v2(0x21, 0x11, concat(new byte[] {127, 0, 0, 9, 127, 0, 0, 1, (byte) 0xC8, 0x22, 0x08, (byte) 0xAE},
                new byte[] {0x04, 0x00, 0x02, 'o', 'k'}));
        ProxyHeader parsed = parse(concat(header, SSH.getBytes(StandardCharsets.US_ASCII))).orElseThrow();
        assertThat(parsed.client()).isEqualTo(new InetSocketAddress("127.0.0.9", 0xC822));
        assertThat(parsed.length()).isEqualTo(header.length);
    }

    @Test
    void v2Inet6ProxyGivesTheClientAddress() throws Exception {
        byte[] block = new byte[36];
        block[15] = 1;
        block[31] = 1;
        block[32] = 0x12;
        block[33] = 0x34;
        ProxyHeader parsed = parse(v2(0x21, 0x21, block)).orElseThrow();
        assertThat(parsed.client()).isEqualTo(new InetSocketAddress("::1", 0x1234));
    }

    @Test
    void v2LocalAndUnspecifiedLeaveTheConnectionsOwnPeer() throws Exception {
        assertThat(parse(v2(0x20, 0x00, new byte[0])).orElseThrow().client()).isNull();
        assertThat(parse(v2(0x20, 0x11, new byte[12])).orElseThrow().client()).isNull();
        assertThat(parse(v2(0x21, 0x00, new byte[0])).orElseThrow().client()).isNull();
    }

    @Test
    void v2ArrivingInPiecesNeedsMoreUntilTheWholeBlock() throws Exception {
        byte[] header = v2(0x21, 0x11, new byte[12]);
        for (int n = 0; n < header.length; n++) {
            assertThat(ProxyHeaderParser.parse(header, 0, n)).as("first %d bytes", n).isEmpty();
        }
    }

    @Test
    void v2WhenHostileThenRefused() {
        assertRefused(v2(0x11, 0x11, new byte[12]), "version 1, not 2");
        assertRefused(v2(0x22, 0x11, new byte[12]), "unknown command");
        assertRefused(v2(0x21, 0x41, new byte[12]), "unknown address family");
        assertRefused(v2(0x21, 0x13, new byte[12]), "unknown address family or protocol");
        assertRefused(v2(0x21, 0x12, new byte[12]), "datagram");
        assertRefused(v2(0x21, 0x11, new byte[11]), "too short");
        assertRefused(v2(0x21, 0x21, new byte[35]), "too short");
    }

    @Test
    void v2WhenItAnnouncesAHugeBlockThenRefusedBeforeItArrives() {
        byte[] fixed = Arrays.copyOf(SIGNATURE, 16);
        fixed[12] = 0x21;
        fixed[13] = 0x11;
        fixed[14] = (byte) 0xFF;
        fixed[15] = (byte) 0xFF;
        assertRefused(fixed, "65535 bytes (at most 1024 accepted)");
    }

    @Test
    void noHeaderAtAllIsRefusedAndAPartialSignatureWaits() throws Exception {
        assertRefused(SSH, "no PROXY protocol header");
        assertRefused("GET / HTTP/1.1\r\n", "no PROXY protocol header");
        assertRefused("PROXYTCP4", "no PROXY protocol header");
        assertThat(parse("PRO")).isEmpty();
        assertThat(ProxyHeaderParser.parse(SIGNATURE, 0, 5)).isEmpty();
        assertThat(parse("")).isEmpty();
    }

    @Test
    void randomBytesAreAlwaysRefusedOrWaitedForNeverThrownAnyOtherWay() throws Exception {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] data = new byte[random.nextInt(200)];
            random.nextBytes(data);
            if (random.nextBoolean()) {
                System.arraycopy(SIGNATURE, 0, data, 0, Math.min(data.length, SIGNATURE.length));
            } else if (data.length >= 6) {
                System.arraycopy("PROXY ".getBytes(StandardCharsets.US_ASCII), 0, data, 0, 6);
            }
            try {
                Optional<ProxyHeader> header = ProxyHeaderParser.parse(data, 0, data.length);
                header.ifPresent(h -> assertThat(h.length()).isBetween(1, data.length));
            } catch (MalformedProxyHeaderException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            }
        }
    }

    private static Optional<ProxyHeader> parse(String text) throws MalformedProxyHeaderException {
        return parse(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Optional<ProxyHeader> parse(byte[] data) throws MalformedProxyHeaderException {
        // At an offset, as in MINA's buffer.
        byte[] shifted = concat(new byte[3], data);
        return ProxyHeaderParser.parse(shifted, 3, data.length);
    }

    private static void assertRefused(String text, String reason) {
        assertRefused(text.getBytes(StandardCharsets.ISO_8859_1), reason);
    }

    private static void assertRefused(byte[] data, String reason) {
        assertThatThrownBy(() -> parse(data)).isInstanceOf(MalformedProxyHeaderException.class)
                .hasMessageContaining(reason);
    }

    private static byte[] v2(int versionCommand, int familyProtocol, byte[] block) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.write(versionCommand);
        out.write(familyProtocol);
        out.write(block.length >> 8);
        out.write(block.length & 0xFF);
        out.writeBytes(block);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
