package dev.tocsin.web;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tocsin.jdbc.SqlTime;
import dev.tocsin.problem.BodyLimit;
import dev.tocsin.problem.ConflictException;
import dev.tocsin.problem.FieldErrors;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import dev.tocsin.problem.ServiceUnavailableException;
import dev.tocsin.problem.TooManyRequestsException;
import dev.tocsin.problem.UnprocessableException;
import dev.tocsin.text.SqlText;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DatabindException;

/**
 * Maps every domain failure to one RFC 9457 problem response, naming the field where there is one.
 * Nothing a client sends may produce a 5xx: unexpected errors are logged and answered without internals.
 */
@RestControllerAdvice
class ProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    /** How Tomcat names the parameter it could not decode: "… Parameter [summary] with value [%ZZ] …". */
    private static final Pattern TOMCAT_PARAMETER = Pattern.compile("Parameter \\[([^\\]]*)\\]");

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidInputException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage());
        p.setProperty("errors", e.errors());
        return respond(p);
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
        return respond(problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage()));
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<ProblemDetail> conflict(ConflictException e) {
        ProblemDetail p = problem(HttpStatus.CONFLICT, "Conflict", e.getMessage());
        e.properties().forEach(p::setProperty);
        return respond(p);
    }

    @ExceptionHandler(UnprocessableException.class)
    ResponseEntity<ProblemDetail> unprocessable(UnprocessableException e) {
        ProblemDetail p = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Unprocessable request", e.getMessage());
        p.setProperty("errors", List.of(e.error()));
        return respond(p);
    }

    @ExceptionHandler(TooManyRequestsException.class)
    ResponseEntity<ProblemDetail> tooMany(TooManyRequestsException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header("Retry-After", Long.toString(e.retryAfterSeconds()))
                .body(problem(HttpStatus.TOO_MANY_REQUESTS, "Too many requests", e.getMessage()));
    }

    @ExceptionHandler(ServiceUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(ServiceUnavailableException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", Long.toString(e.retryAfterSeconds()))
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable", e.getMessage()));
    }

    /** A lock or statement that waited too long: the database is busy or stalled, not the request wrong. */
    @ExceptionHandler({PessimisticLockingFailureException.class, QueryTimeoutException.class})
    ResponseEntity<ProblemDetail> busy(DataAccessException e) {
        log.warn("event=request.database_busy error=\"{}\" action=\"answered 503; if it persists, check the database\"",
                e.getMostSpecificCause().toString());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", "1")
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable",
                        "The database did not answer in time (a lock or a statement timed out); nothing was changed. Retry."));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        if (BodyLimit.isTooLarge(e)) {
            return respond(problem(HttpStatus.CONTENT_TOO_LARGE, "Payload too large", BodyLimit.message(e)));
        }
        Throwable cause = e.getMostSpecificCause();
        // A number too large for its field (99999999999999999999 for a long) is found by the parser, not the binder,
        // but it is that field's value that is wrong, and Jackson says where it was: it was refused as "not valid JSON".
        if (cause instanceof JacksonException j && (j instanceof DatabindException || j instanceof InputCoercionException)
                && !j.getPath().isEmpty()) {
            InvalidInputException.FieldError error = FieldErrors.of(j);
            ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", error.field() + ": " + error.message());
            p.setProperty("errors", List.of(error));
            return respond(p);
        }
        String detail = cause instanceof JacksonException j ? "the body is not valid JSON: " + j.getOriginalMessage()
                : "the body is missing or not valid JSON";
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", detail);
        p.setProperty("errors", List.of(new InvalidInputException.FieldError("body", detail)));
        return respond(p);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "another type" : switch (e.getRequiredType().getSimpleName()) {
            case "long", "Long", "int", "Integer" -> "a whole number";
            case "Instant" -> "an ISO 8601 instant such as 2026-01-31T12:00:00Z, " + SqlTime.RANGE;
            default -> e.getRequiredType().getSimpleName();
        };
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getName() + ": expected " + expected
                + ", got '" + e.getValue() + "'");
        p.setProperty("errors", List.of(new InvalidInputException.FieldError(e.getName(), "expected " + expected)));
        return respond(p);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getParameterName() + ": required");
        p.setProperty("errors", List.of(new InvalidInputException.FieldError(e.getParameterName(), "required")));
        return respond(p);
    }

    /** A form body that is not percent-encoded UTF-8 (a query string never gets this far: {@link QueryStringCheck}). */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodableParameter(InvalidParameterException e) {
        Matcher named = TOMCAT_PARAMETER.matcher(String.valueOf(e.getMessage()));
        String field = named.find() ? named.group(1) : "body";
        String message = "not valid percent-encoded UTF-8";
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", field + ": " + message);
        p.setProperty("errors", List.of(new InvalidInputException.FieldError(field, message)));
        return respond(p);
    }

    /**
     * Spring Security's firewall checks a form field when the field is first read, which is in a controller: a NUL, a
     * line break or another control character in a field's name or value is refused there, as it is in a path.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(RequestRejectedException e) {
        String message = SqlText.abbreviate(String.valueOf(e.getMessage()), 300);
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", message);
        p.setProperty("errors", List.of(new InvalidInputException.FieldError("body", message)));
        return respond(p);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
        return respond(problem(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed", e.getMessage()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return respond(problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                "send the body as application/json"));
    }

    /**
     * An Accept header that names nothing this endpoint writes (or cannot be parsed) is the client's to fix: it was a 500
     * with a stack trace in the log, which anybody could repeat against the public status page. The problem document
     * is written as application/problem+json whatever was asked, as RFC 9457 allows.
     */
    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        String message = "names no type this endpoint answers with"
                + (e.getSupportedMediaTypes().isEmpty() ? "" : "; it answers with " + e.getSupportedMediaTypes());
        ProblemDetail p = problem(HttpStatus.NOT_ACCEPTABLE, "Not acceptable", "Accept: " + message);
        p.setProperty("errors", List.of(new InvalidInputException.FieldError("Accept", message)));
        // Its type set here: otherwise it would be chosen by the same Accept header again, and an unparsable one would
        // leave the 406 without a body.
        return ResponseEntity.status(HttpStatus.NOT_ACCEPTABLE).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e) {
        return respond(problem(HttpStatus.NOT_FOUND, "Not found", "no such path: /" + e.getResourcePath()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (BodyLimit.isTooLarge(e)) {
            return respond(problem(HttpStatus.CONTENT_TOO_LARGE, "Payload too large", BodyLimit.message(e)));
        }
        log.error("event=request.failed action=\"report this with the log line above\"", e);
        return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "The request could not be completed; the error was logged."));
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        return p;
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail p) {
        return ResponseEntity.status(p.getStatus()).body(p);
    }
}
