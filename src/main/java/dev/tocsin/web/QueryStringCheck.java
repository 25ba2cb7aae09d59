package dev.tocsin.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import dev.tocsin.problem.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 400 for a query string that is not percent-encoded UTF-8, before anything reads its parameters. Tomcat
 * decodes the parameters at their first read and throws there, wherever that read is: a controller's
 * {@code @RequestParam}, a security filter, a template's {@code param.error}. Each of those answered 500.
 * A NUL character is refused too: PostgreSQL refuses it in a query's text parameters. Parameters in a form body are
 * decoded by the controller that reads them; {@link ProblemHandler} answers those.
 */
@Component
// After the body limit; the Events API filter, which runs before both, reads no parameters.
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class QueryStringCheck extends OncePerRequestFilter {

    /** A parameter, named as sent, and what is wrong with it. */
    record Malformed(String name, String problem) {
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        Malformed malformed = query == null ? null : firstMalformed(query);
        if (malformed != null) {
            ProblemResponses.write(response, HttpServletResponse.SC_BAD_REQUEST, "Invalid request",
                    "query parameter '" + malformed.name() + "' " + malformed.problem());
            return;
        }
        chain.doFilter(request, response);
    }

    /** The first parameter whose name or value does not decode, or holds a NUL character; null when none does. */
    static Malformed firstMalformed(String query) {
        for (String parameter : query.split("&")) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            String problem = problem(name);
            if (problem == null && equals >= 0) {
                problem = problem(parameter.substring(equals + 1));
            }
            if (problem != null) {
                return new Malformed(name, problem);
            }
        }
        return null;
    }

    private static String problem(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int high = i + 1 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
            int low = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 2), 16) : -1;
            if (high < 0 || low < 0) {
                return "is not valid percent-encoded UTF-8";
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        byte[] decoded = bytes.toByteArray();
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded));
        } catch (CharacterCodingException e) {
            return "is not valid percent-encoded UTF-8";
        }
        for (byte b : decoded) {
            if (b == 0) {
                return "contains a NUL character";
            }
        }
        return null;
    }
}
