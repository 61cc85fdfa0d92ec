package dev.gatehouse.controlplane.api;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Turns every failure into RFC 9457 problem+json naming the field; no stack trace ever reaches a client. */
@RestControllerAdvice
final class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> refused(ApiException e) {
        return ResponseEntity.status(e.status()).body(ProblemResponses.problem(e.status(), e.getMessage(), e.errors()));
    }

    /** A unique constraint hit by a concurrent request that passed our own checks. */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ProblemDetail> collided(DataIntegrityViolationException e) {
        log.info("Refused a change that collides with stored data: {}", e.getMostSpecificCause().getMessage());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(ProblemResponses.problem(HttpStatus.CONFLICT,
                "the change collides with data stored meanwhile; read it again and retry", List.of()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> failed(Exception e) {
        log.error("Request failed", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(ProblemResponses.problem(
                HttpStatus.INTERNAL_SERVER_ERROR, "internal error; the server log has the details", List.of()));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<ApiException.FieldProblem> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> new ApiException.FieldProblem(f.getField(), f.getDefaultMessage()))
                .sorted(java.util.Comparator.comparing(ApiException.FieldProblem::field))
                .toList();
        String detail = errors.stream().map(f -> f.field() + ": " + f.message())
                .reduce((a, b) -> a + "; " + b).orElse("invalid request");
        return ResponseEntity.badRequest().body(ProblemResponses.problem(HttpStatus.BAD_REQUEST, detail, errors));
    }

    /** A path or query parameter of the wrong type, e.g. {@code limit=ten} or an id that is not a UUID. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String field = e.getPropertyName() == null ? "parameter" : e.getPropertyName();
        ApiException.FieldProblem problem = new ApiException.FieldProblem(field,
                "wrong type: expected " + describe(e.getRequiredType()));
        return ResponseEntity.badRequest().body(ProblemResponses.problem(HttpStatus.BAD_REQUEST,
                problem.field() + ": " + problem.message(), List.of(problem)));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = e.getMostSpecificCause();
        ApiException.FieldProblem problem = switch (cause) {
            case UnrecognizedPropertyException u ->
                    new ApiException.FieldProblem(path(u), "unknown field; accepted: " + u.getKnownPropertyIds());
            case InvalidNullException n -> new ApiException.FieldProblem(path(n), "must not be null");
            case MismatchedInputException m when !m.getPath().isEmpty() ->
                    new ApiException.FieldProblem(path(m), "wrong type: expected " + describe(m.getTargetType()));
            case StreamReadException s when s.getOriginalMessage().startsWith("Duplicate") -> new ApiException.FieldProblem(
                    "body", "a field appears twice: " + s.getOriginalMessage().replaceAll("[\\r\\n].*", ""));
            case StreamReadException s -> new ApiException.FieldProblem("body", "malformed JSON at line "
                    + s.getLocation().getLineNr() + ", column " + s.getLocation().getColumnNr());
            case JacksonException j when !j.getPath().isEmpty() -> new ApiException.FieldProblem(path(j), "invalid value");
            default -> new ApiException.FieldProblem("body", "missing or unreadable JSON body");
        };
        return ResponseEntity.badRequest().body(ProblemResponses.problem(HttpStatus.BAD_REQUEST,
                problem.field() + ": " + problem.message(), List.of(problem)));
    }

    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }
}
