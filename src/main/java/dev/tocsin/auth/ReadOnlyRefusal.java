package dev.tocsin.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import dev.tocsin.config.TocsinConfig;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.util.HtmlUtils;

/**
 * The page an observer gets for a form: a 403 that says who they are signed in as and why nothing happened, rather
 * than a bare "access denied" that reads like a fault. Written here, ahead of the controllers, so it is the same
 * whichever form was sent.
 */
final class ReadOnlyRefusal {

    private ReadOnlyRefusal() {
    }

    static void write(HttpServletResponse response, TocsinConfig.User user, String userId) throws IOException {
        String name = HtmlUtils.htmlEscape(user == null ? userId : user.name());
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>Not allowed · Tocsin</title><link rel=\"stylesheet\" href=\"/css/app.css\"></head><body><main>"
                + "<h1>You can look, not change</h1>"
                + "<p>You are signed in as <strong>" + name + "</strong>, an <strong>observer</strong>: observers see "
                + "every page but do not acknowledge, resolve, declare or change anything. Nothing was changed.</p>"
                + "<p>If you need to act, ask whoever keeps Tocsin's configuration to make you a responder "
                + "(<code>role: responder</code>).</p>"
                + "<p><a href=\"/dashboard\">Back to the dashboard</a></p></main></body></html>";
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }
}
