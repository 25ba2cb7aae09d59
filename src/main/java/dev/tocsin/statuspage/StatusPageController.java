package dev.tocsin.statuspage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import tools.jackson.databind.json.JsonMapper;

/**
 * The public status page, without signing in: {@code /status} (HTML), {@code /status/feed.rss},
 * {@code /status/feed.atom}, and Statuspage's public API v2 under {@code /status/api/v2/} ({@link StatuspageApi};
 * {@code /status/summary.json} is its summary). Each representation is rendered once per change of the view and then
 * served from memory, with an ETag so that a reload that changed nothing costs a 304.
 */
@RestController
class StatusPageController {

    private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final CacheControl CACHE = CacheControl.maxAge(10, TimeUnit.SECONDS).cachePublic();

    /**
     * Each representation as the bytes sent, so that serving one is a copy, not a render or an encoding; {@code api}
     * by its path under {@code /status/api/v2/}.
     */
    private record Rendered(StatusView view, byte[] html, byte[] rss, byte[] atom, Map<String, byte[]> api, String etag) {
    }

    private static final String API = "/status/api/v2/";

    private final StatusPage page;
    private final TemplateEngine templates;
    private final JsonMapper json;
    private volatile Rendered rendered;

    StatusPageController(StatusPage page, TemplateEngine templates, JsonMapper json) {
        this.page = page;
        this.templates = templates;
        this.json = json;
    }

    @GetMapping(value = "/status", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<byte[]> html(WebRequest request) {
        return serve(request, MediaType.parseMediaType("text/html;charset=UTF-8"), Rendered::html, "html");
    }

    @GetMapping(value = "/status/feed.rss", produces = "application/rss+xml")
    ResponseEntity<byte[]> rss(WebRequest request) {
        return serve(request, MediaType.parseMediaType("application/rss+xml;charset=UTF-8"), Rendered::rss, "rss");
    }

    @GetMapping(value = "/status/feed.atom", produces = "application/atom+xml")
    ResponseEntity<byte[]> atom(WebRequest request) {
        return serve(request, MediaType.parseMediaType("application/atom+xml;charset=UTF-8"), Rendered::atom, "atom");
    }

    @GetMapping(value = "/status/summary.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> summary(WebRequest request, HttpServletResponse response) {
        return api(request, response, StatuspageApi.SUMMARY);
    }

    /**
     * Statuspage's public API v2 ({@link StatuspageApi}). Statuspage answers it to any origin (it refuses CORS only for
     * private and trial pages), and its embeddable widget and dashboards fetch it from other sites; so does this.
     */
    @GetMapping(value = {API + "summary.json", API + "status.json", API + "components.json", API + "incidents.json",
            API + "incidents/unresolved.json", API + "scheduled-maintenances.json",
            API + "scheduled-maintenances/upcoming.json", API + "scheduled-maintenances/active.json"},
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> statuspage(WebRequest request, HttpServletRequest http, HttpServletResponse response) {
        return api(request, response, http.getRequestURI().substring(http.getRequestURI().indexOf(API) + API.length()));
    }

    /** Any other path of the API: a JSON 404 as the rest of the API answers, readable from other origins too. */
    @GetMapping(API + "**")
    ResponseEntity<ProblemDetail> unknown(HttpServletRequest http) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no such path: " + http.getRequestURI()
                + "; the API answers " + StatuspageApi.PATHS.stream().map(path -> API + path).toList());
        p.setTitle("Not found");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*").body(p);
    }

    private ResponseEntity<byte[]> api(WebRequest request, HttpServletResponse response, String path) {
        response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*"); // on a 304 too
        return serve(request, MediaType.APPLICATION_JSON, rendered -> rendered.api().get(path), "api-" + path);
    }

    private ResponseEntity<byte[]> serve(WebRequest request, MediaType type,
                                         java.util.function.Function<Rendered, byte[]> body, String kind) {
        Rendered r = current();
        String etag = "\"" + r.etag() + "-" + kind.replace('/', '-') + "\"";
        if (request.checkNotModified(etag)) {
            return null;
        }
        return ResponseEntity.ok().contentType(type).cacheControl(CACHE).eTag(etag).body(body.apply(r));
    }

    private Rendered current() {
        StatusView view = page.view();
        Rendered r = rendered;
        if (r != null && r.view() == view) {
            return r;
        }
        synchronized (this) { // one render per build, however many visitors arrive at once
            r = rendered;
            if (r == null || r.view() != view) {
                r = render(view);
                rendered = r;
            }
            return r;
        }
    }

    private Rendered render(StatusView view) {
        Context context = new Context(Locale.ENGLISH);
        context.setVariable("page", view);
        context.setVariable("fmt", new Formats());
        String html = templates.process("status", context);
        Map<String, byte[]> api = new java.util.HashMap<>();
        new StatuspageApi(view).bodies().forEach((path, body) -> api.put(path, bytes(json.writeValueAsString(body))));
        return new Rendered(view, bytes(html), bytes(rss(view)), bytes(atom(view)), Map.copyOf(api),
                Integer.toHexString(html.hashCode()) + Long.toHexString(view.generatedAt().toEpochMilli()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Helpers the template calls: dates people read. */
    static final class Formats {
        public String human(Instant at) {
            return at == null ? "" : HUMAN.format(at);
        }

        public String iso(Instant at) {
            return at == null ? "" : at.toString();
        }
    }

    private static List<Map.Entry<StatusView.IncidentView, StatusView.Update>> entries(StatusView view) {
        List<Map.Entry<StatusView.IncidentView, StatusView.Update>> out = new ArrayList<>();
        for (StatusView.IncidentView i : view.active()) {
            i.updates().forEach(u -> out.add(Map.entry(i, u)));
        }
        for (StatusView.IncidentView i : view.history()) {
            i.updates().forEach(u -> out.add(Map.entry(i, u)));
        }
        out.sort((a, b) -> b.getValue().at().compareTo(a.getValue().at()));
        return out.size() > 50 ? out.subList(0, 50) : out;
    }

    private static String rss(StatusView view) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<rss version=\"2.0\"><channel>")
                .append("<title>").append(xml(view.title())).append("</title>")
                .append("<link>").append(xml(view.pageUrl())).append("</link>")
                .append("<description>").append(xml(view.description() == null ? view.title() + ": incidents and updates"
                        : view.description())).append("</description>")
                .append("<lastBuildDate>").append(RFC_1123.format(view.generatedAt())).append("</lastBuildDate>");
        for (Map.Entry<StatusView.IncidentView, StatusView.Update> e : entries(view)) {
            StatusView.IncidentView i = e.getKey();
            StatusView.Update u = e.getValue();
            x.append("<item><title>").append(xml(i.title() + ": " + u.status())).append("</title>")
                    .append("<link>").append(xml(view.pageUrl() + "#incident-" + i.id())).append("</link>")
                    .append("<guid isPermaLink=\"false\">incident-").append(i.id()).append('-').append(u.at().toEpochMilli())
                    .append("</guid><pubDate>").append(RFC_1123.format(u.at())).append("</pubDate>")
                    .append("<description>").append(xml(u.text())).append("</description></item>");
        }
        return x.append("</channel></rss>\n").toString();
    }

    private static String atom(StatusView view) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<feed xmlns=\"http://www.w3.org/2005/Atom\">")
                .append("<title>").append(xml(view.title())).append("</title>")
                .append("<id>").append(xml(view.pageUrl())).append("</id>")
                .append("<link href=\"").append(xml(view.pageUrl())).append("\"/>")
                .append("<link rel=\"self\" href=\"").append(xml(view.pageUrl() + "/feed.atom")).append("\"/>")
                .append("<updated>").append(view.generatedAt()).append("</updated>");
        for (Map.Entry<StatusView.IncidentView, StatusView.Update> e : entries(view)) {
            StatusView.IncidentView i = e.getKey();
            StatusView.Update u = e.getValue();
            x.append("<entry><title>").append(xml(i.title() + ": " + u.status())).append("</title>")
                    .append("<id>").append(xml(view.pageUrl() + "#incident-" + i.id() + "-" + u.at().toEpochMilli()))
                    .append("</id><link href=\"").append(xml(view.pageUrl() + "#incident-" + i.id())).append("\"/>")
                    .append("<updated>").append(u.at()).append("</updated>")
                    .append("<author><name>").append(xml(view.title())).append("</name></author>")
                    .append("<content type=\"text\">").append(xml(u.text())).append("</content></entry>");
        }
        return x.append("</feed>\n").toString();
    }

    private static String xml(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    // Characters XML 1.0 forbids are dropped rather than breaking the whole feed.
                    if ((c >= 0x20 && c != '\uFFFE' && c != '\uFFFF') || c == '\t' || c == '\n' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
