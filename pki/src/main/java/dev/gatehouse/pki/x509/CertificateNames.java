package dev.gatehouse.pki.x509;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/** Checks the names that go into certificates; IP literals become IP address SANs, the rest DNS names. */
final class CertificateNames {

    /** RFC 5280's upper bound for a common name. */
    static final int MAX_COMMON_NAME_CHARS = 64;
    static final int MAX_SANS = 100;

    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private CertificateNames() {
    }

    static String commonName(String value) {
        Objects.requireNonNull(value, "commonName");
        if (value.isBlank() || value.length() > MAX_COMMON_NAME_CHARS) {
            throw new IllegalArgumentException("a common name must be 1 to " + MAX_COMMON_NAME_CHARS
                    + " characters, got " + value.length());
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the common name contains a control character");
        }
        return value;
    }

    static List<String> subjectAlternativeNames(List<String> values) {
        Objects.requireNonNull(values, "subject alternative names");
        if (values.size() > MAX_SANS) {
            throw new IllegalArgumentException("at most " + MAX_SANS + " subject alternative names are allowed");
        }
        for (String value : values) {
            Objects.requireNonNull(value, "subject alternative name");
            if (isIpLiteral(value)) {
                try {
                    new GeneralName(GeneralName.iPAddress, value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + printable(value) + "' is not a valid IP address", e);
                }
            } else if (value.length() > 253 || !DNS_NAME.matcher(value).matches()) {
                throw new IllegalArgumentException("'" + printable(value) + "' is neither a DNS name nor an IP address");
            }
        }
        return List.copyOf(values);
    }

    static GeneralNames generalNames(List<String> values) {
        return new GeneralNames(values.stream()
                .map(v -> new GeneralName(isIpLiteral(v) ? GeneralName.iPAddress : GeneralName.dNSName, v))
                .toArray(GeneralName[]::new));
    }

    static boolean isIpLiteral(String value) {
        var ipv4 = IPV4.matcher(value);
        if (ipv4.matches()) {
            for (int group = 1; group <= 4; group++) {
                if (Integer.parseInt(ipv4.group(group)) > 255) {
                    return false;
                }
            }
            return true;
        }
        return value.length() <= 45 && IPV6.matcher(value).matches();
    }

    private static String printable(String value) {
        String cut = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
