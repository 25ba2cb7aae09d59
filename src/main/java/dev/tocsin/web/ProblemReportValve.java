package dev.tocsin.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tocsin.problem.ProblemResponses;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

/**
 * Answers in problem JSON what Tomcat refuses before any of Tocsin's code sees the request: a path with a NUL
 * character, an encoded slash, percent-encoding that is not valid UTF-8, a header section over the limit. Tomcat's own
 * valve answered those with an HTML page, the one place a client got something other than the API's errors.
 */
final class ProblemReportValve extends ErrorReportValve {

    /** The same checks as Tomcat's own report: an error not yet answered, on a connection that can still be written. */
    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String reason = known == null ? "Error" : known.getReasonPhrase();
        String title = status == 400 ? "Invalid request" : reason;
        String detail = detail(status, response.getMessage(), reason);
        try {
            response.setContentType(ProblemResponses.CONTENT_TYPE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(ProblemResponses.body(status, title, detail));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone, or the response was committed after all: nothing more to tell it.
        }
    }

    /**
     * Tomcat's reason when it gave one ("Invalid URI: [The encoded slash character is not allowed]"). A NUL character,
     * invalid UTF-8 and headers over the limit come with none or a bare "Invalid URI", so the rules are spelt out.
     */
    private static String detail(int status, String message, String reason) {
        boolean specific = message != null && !message.isBlank() && !message.equals(reason) && !message.equals("Invalid URI");
        if (specific) {
            return "the web server refused the request: " + message;
        }
        return status == 400 ? "the web server refused the request: a path must be percent-encoded UTF-8, with no NUL "
                + "character and no encoded slash, and the request line and headers well-formed and within "
                + "the size limit" : reason;
    }
}
