package dev.tocsin.statuspage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import tools.jackson.databind.json.JsonMapper;

/**
 * The public status page, without signing in: {@code /status} (HTML), {@code /status/feed.rss},
 * {@code /status/feed.atom}, and {@code /status/summary.json} in the shape of Statuspage's
 * {@code /api/v2/summary.json}. Each representation is rendered once per change of the view and then served from
 * memory, with an ETag so that a reload that changed nothing costs a 304.
 */
@RestController
class StatusPageController {

    private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final CacheControl CACHE = CacheControl.maxAge(10, TimeUnit.SECONDS).cachePublic();

    /** Each representation as the bytes sent, so that serving one is a copy, not a render or an encoding. */
    private record Rendered(StatusView view, byte[] html, byte[] rss, byte[] atom, byte[] json, String etag) {
    }

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
    ResponseEntity<byte[]> summary(WebRequest request) {
        return serve(request, MediaType.APPLICATION_JSON, Rendered::json, "json");
    }

    private ResponseEntity<byte[]> serve(WebRequest request, MediaType type,
                                         java.util.function.Function<Rendered, byte[]> body, String kind) {
        Rendered r = current();
        String etag = "\"" + r.etag() + "-" + kind + "\"";
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
        return new Rendered(view, bytes(html), bytes(rss(view)), bytes(atom(view)), bytes(summaryJson(view)),
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

    /** Statuspage's summary.json: page, status indicator, components, incidents, scheduled maintenances. */
    private String summaryJson(StatusView view) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("page", Map.of("name", view.title(), "url", view.pageUrl(), "updated_at", view.generatedAt().toString()));
        String indicator = switch (view.overall()) {
            case OPERATIONAL -> "none";
            case UNDER_MAINTENANCE -> "maintenance";
            case DEGRADED_PERFORMANCE -> "minor";
            case PARTIAL_OUTAGE -> "major";
            case MAJOR_OUTAGE -> "critical";
        };
        out.put("status", Map.of("indicator", indicator, "description", view.overall().banner()));
        List<Map<String, Object>> components = new ArrayList<>();
        for (StatusView.Component c : view.components()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("name", c.name());
            m.put("status", c.status().wire());
            m.put("description", c.description());
            m.put("uptime_90d", c.uptime());
            components.add(m);
        }
        out.put("components", components);
        out.put("incidents", view.active().stream().map(i -> incident(view, i)).toList());
        out.put("scheduled_maintenances", view.maintenance().stream().map(w -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", w.reason() == null ? "Maintenance" : w.reason());
            m.put("status", w.active() ? "in_progress" : "scheduled");
            m.put("scheduled_for", w.startsAt().toString());
            m.put("scheduled_until", w.endsAt().toString());
            m.put("components", List.of(w.component()));
            return m;
        }).toList());
        return json.writeValueAsString(out);
    }

    private static Map<String, Object> incident(StatusView view, StatusView.IncidentView i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(i.id()));
        m.put("name", i.title());
        m.put("status", i.status());
        m.put("impact", i.impact());
        m.put("created_at", i.startedAt().toString());
        m.put("updated_at", i.updates().isEmpty() ? i.startedAt().toString() : i.updates().get(0).at().toString());
        m.put("resolved_at", i.resolvedAt() == null ? null : i.resolvedAt().toString());
        m.put("shortlink", view.pageUrl() + "#incident-" + i.id());
        m.put("components", i.components());
        m.put("incident_updates", i.updates().stream().map(u -> Map.of("status", u.status(), "body", u.text(),
                "created_at", u.at().toString())).toList());
        return m;
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
