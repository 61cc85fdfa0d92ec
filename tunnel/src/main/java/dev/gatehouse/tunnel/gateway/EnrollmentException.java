package dev.gatehouse.tunnel.gateway;

/** Enrollment refused; the message is shown to the agent's operator, so it names the reason but no secret. */
public final class EnrollmentException extends Exception {

    public EnrollmentException(String message) {
        super(message);
    }
}
