package dev.gatehouse.controlplane.api;

import java.util.List;
import java.util.Objects;
import org.springframework.http.HttpStatus;

/** A refusal the API reports as problem+json: its status, a one-line detail, and the fields at fault. */
public final class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final List<FieldProblem> errors;

    private ApiException(HttpStatus status, String detail, List<FieldProblem> errors) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.status = Objects.requireNonNull(status, "status");
        this.errors = List.copyOf(errors);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, detail, List.of());
    }

    /** 403: refused for this caller, or whoever asks (a way of signing in switched off); {@code detail} says why. */
    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, detail, List.of());
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(HttpStatus.UNAUTHORIZED, detail, List.of());
    }

    /** 429: the caller has failed too often; {@code detail} says for how long to wait. */
    public static ApiException tooManyRequests(String detail) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, detail, List.of());
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, detail, List.of());
    }

    /** 409 naming the field whose value collides with something stored. */
    public static ApiException conflict(String field, String message) {
        return new ApiException(HttpStatus.CONFLICT, field + ": " + message, List.of(new FieldProblem(field, message)));
    }

    /** 400 naming the field at fault. */
    public static ApiException invalid(String field, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, field + ": " + message, List.of(new FieldProblem(field, message)));
    }

    public HttpStatus status() {
        return status;
    }

    public List<FieldProblem> errors() {
        return errors;
    }

    /** One entry of a problem's {@code errors} member. */
    public record FieldProblem(String field, String message) {}
}
