package dev.tocsin.alert;

import java.io.IOException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import dev.tocsin.auth.RateLimits;
import dev.tocsin.catalog.Catalog;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.BodyLimit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * PagerDuty Events API v2, wire-compatible: existing senders only change the URL. Alert events at
 * {@code /v2/enqueue}, change events at {@code /v2/change/enqueue}; answers and errors in PagerDuty's shape. The
 * legacy v1 API ({@code /generic/2010-04-15/create_event.json}), which older tools and Alertmanager's
 * {@code service_key} configurations still send, is served beside it.
 *
 * <p>A servlet filter ahead of Spring Security and Spring MVC serves these two paths, not a controller. They are the
 * hottest requests Tocsin takes, and they need neither: the routing key in the body is the credential, and there is
 * no session, view or content negotiation. The security filter chain and the MVC dispatch cost more CPU than the
 * rest of the request (docs/performance.md), so going around them is what lets a node take thousands of events a
 * second. What they would add is done here: the body limit ({@link BodyLimit}, the rule every endpoint has), the
 * security headers, a request timer.
 */
class EventsApiEndpoint extends HttpFilter {

    static final String ENQUEUE = "/v2/enqueue";
    static final String CHANGE_ENQUEUE = "/v2/change/enqueue";
    static final String V1_CREATE_EVENT = "/generic/2010-04-15/create_event.json";
    static final int MAX_SUMMARY = 1024;
    private static final String V2 = "events-v2";
    private static final String V1 = "events-v1";
    static final int MAX_DEDUP_KEY = 255;

    private static final Logger log = LoggerFactory.getLogger(EventsApiEndpoint.class);
    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final Set<String> ACTIONS = Set.of("trigger", "acknowledge", "resolve");
    private static final int MAX_FIELD = 1024;
    private static final String ALLOW = "POST, OPTIONS";
    /** A comma list of at most 32 header names (RFC 9110 tokens): safe to echo in a preflight's answer. */
    private static final Pattern HEADER_NAMES = Pattern.compile("TOKEN(\\s*,\\s*TOKEN){0,31}"
            .replace("TOKEN", "[A-Za-z0-9!#$%&'*+.^_`|~-]+"));

    /** An answer: the status, the JSON body, and whether the sender should retry after a second. */
    private record Answer(int status, Map<String, Object> body, boolean retryAfter) {
    }

    private final Supplier<IngestPipeline> pipeline;
    private final Catalog catalog;
    private final RateLimits rateLimits;
    private final JsonMapper json;
    private final int eventsPerSecond;
    private final BodyLimit bodyLimit;
    private final IntakeMeters v2;
    private final IntakeMeters v1;

    /** One API's counters and request timers, under its intake's name. */
    private record IntakeMeters(Map<String, Counter> accepted, Counter invalid, Counter throttled, Map<Integer, Timer> requests) {

        static IntakeMeters of(String intake, List<String> actions, MeterRegistry meters) {
            Map<String, Counter> accepted = new HashMap<>();
            for (String action : actions) {
                accepted.put(action, IngestCounters.accepted(meters, intake, action));
            }
            Map<Integer, Timer> requests = new HashMap<>();
            for (int status : new int[] {200, 202, 204, 400, 403, 405, 413, 429, 500}) {
                requests.put(status, Timer.builder("tocsin.ingest.request")
                        .description("Events API requests, from the first byte read to the answer")
                        .tag("intake", intake).tag("status", Integer.toString(status)).register(meters));
            }
            return new IntakeMeters(accepted, IngestCounters.rejected(meters, intake, "invalid"),
                    IngestCounters.rejected(meters, intake, "throttled"), requests);
        }
    }

    EventsApiEndpoint(Supplier<IngestPipeline> pipeline, Catalog catalog, RateLimits rateLimits, JsonMapper json,
                      TocsinConfig config, MeterRegistry meters) {
        this.pipeline = pipeline;
        this.catalog = catalog;
        this.rateLimits = rateLimits;
        this.json = json;
        this.eventsPerSecond = config.limits().eventsPerSecond();
        this.bodyLimit = new BodyLimit(config.limits().maxBodyBytes());
        this.v2 = IntakeMeters.of(V2, List.of("trigger", "acknowledge", "resolve", "change"), meters);
        this.v1 = IntakeMeters.of(V1, List.of("trigger", "acknowledge", "resolve"), meters);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        long start = System.nanoTime();
        String path = request.getServletPath();
        boolean change = CHANGE_ENQUEUE.equals(path);
        boolean legacy = V1_CREATE_EVENT.equals(path);
        IntakeMeters intake = legacy ? v1 : v2;
        String method = request.getMethod();
        if ("OPTIONS".equals(method)) {
            preflight(request, response);
            record(intake, 204, start);
            return;
        }
        if (request.getHeader("Origin") != null) {
            response.setHeader("Access-Control-Allow-Origin", "*");
        }
        Answer answer;
        if (!"POST".equals(method)) {
            response.setHeader("Allow", ALLOW);
            answer = new Answer(405, Map.of("status", "invalid request",
                    "message", "Send events with POST " + path + "."), false);
        } else {
            // The raw body whatever the Content-Type: senders that forget application/json (curl's default is a
            // form type) must not have their JSON re-encoded as form fields.
            byte[] body;
            try {
                body = bodyLimit.readAll(request);
            } catch (BodyLimit.TooLargeException e) {
                BodyLimit.refuse(response, e);
                record(intake, 413, start);
                return;
            }
            answer = change ? enqueueChange(body) : legacy ? createEventV1(body) : enqueue(body);
        }
        write(response, answer);
        record(intake, answer.status(), start);
    }

    /**
     * CORS, as PagerDuty's own Events API allows it: a page in a browser (PagerDuty's pdjs, a status widget) may send
     * events. Any origin, no credentials: the routing key in the body is the credential, so a page learns nothing it
     * did not send. The headers the page asks for are allowed when they are plain header names.
     */
    private static void preflight(HttpServletRequest request, HttpServletResponse response) {
        String asked = request.getHeader("Access-Control-Request-Headers");
        response.setStatus(204);
        response.setHeader("Allow", ALLOW);
        response.setHeader("Access-Control-Allow-Origin", "*");
        response.setHeader("Access-Control-Allow-Methods", "POST");
        response.setHeader("Access-Control-Allow-Headers",
                asked != null && HEADER_NAMES.matcher(asked).matches() ? asked : "Content-Type");
        response.setHeader("Access-Control-Max-Age", "86400");
    }

    private static void record(IntakeMeters intake, int status, long start) {
        Timer timer = intake.requests().get(status);
        if (timer != null) {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private Answer enqueue(byte[] body) {
        JsonFields f = new JsonFields();
        JsonNode event = parse(body, f);
        if (event == null) {
            return invalid(f, v2);
        }
        Envelope envelope = envelope(event, f, "routing_key", "event_action", "dedup_key", "an alert");
        String dedupKey = envelope.dedupKey();
        JsonNode payload = event.get("payload");
        Intake.AlertEvent parsed = null;
        if (envelope.trigger()) {
            if (payload == null || payload.isNull()) {
                f.error("'payload' is missing: a trigger needs payload.summary, payload.source and payload.severity");
            } else if (!payload.isObject()) {
                f.error("'payload' must be an object, got " + JsonFields.kind(payload));
            } else {
                String summary = f.requiredString(payload, "summary", "payload.summary", MAX_SUMMARY);
                String source = f.requiredString(payload, "source", "payload.source", MAX_FIELD);
                String severity = f.requiredString(payload, "severity", "payload.severity", 16);
                if (severity != null && !SEVERITIES.contains(severity)) {
                    f.error("'payload.severity' must be one of critical, error, warning, info; got '" + severity + "'");
                }
                var timestamp = f.optionalTimestamp(payload, "timestamp", "payload.timestamp");
                String component = f.optionalString(payload, "component", "payload.component", MAX_FIELD);
                String group = f.optionalString(payload, "group", "payload.group", MAX_FIELD);
                String eventClass = f.optionalString(payload, "class", "payload.class", MAX_FIELD);
                JsonNode details = payload.get("custom_details");
                String detailsText = f.optionalJson(payload, "custom_details", "payload.custom_details");
                String links = f.optionalObjectArray(event, "links", "links", "href");
                String images = f.optionalObjectArray(event, "images", "images", "src");
                String client = f.optionalString(event, "client", "client", MAX_FIELD);
                String clientUrl = f.optionalString(event, "client_url", "client_url", MAX_FIELD);
                if (f.ok() && clientUrl != null) {
                    links = withClientLink(links, client, clientUrl);
                }
                if (f.ok()) {
                    parsed = new Intake.AlertEvent(Intake.Action.TRIGGER, null, V2,
                            dedupKey != null ? dedupKey : generatedKey(), summary, source, severity, timestamp,
                            component, group, eventClass, labels(details, component, group, eventClass), detailsText,
                            links, images, null);
                }
            }
        }
        Admission admission = admit(f, envelope.integrationKey(), "routing_key", v2);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        v2.accepted().get(envelope.action()).increment();
        IngestResult result;
        try {
            result = submit(envelope, parsed, admission.serviceId(), V2);
        } catch (RuntimeException e) {
            return failure(e, v2);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "success");
        out.put("message", "Event processed");
        out.put("dedup_key", result.dedupKey());
        return new Answer(202, out, false);
    }

    /**
     * Events API v1: {@code service_key}, {@code event_type}, {@code incident_key} (the dedup key), {@code description}
     * (the summary, required to trigger), {@code details}, {@code client}, {@code client_url} and {@code contexts} (links
     * and images). v1 has no severity: a trigger is critical, which routing rules may change. Answers 200 with the
     * incident key, 400 in v2's shape, and 403 when over the rate, which v1 senders retry.
     */
    private Answer createEventV1(byte[] body) {
        JsonFields f = new JsonFields();
        JsonNode event = parse(body, f);
        if (event == null) {
            return invalid(f, v1);
        }
        Envelope envelope = envelope(event, f, "service_key", "event_type", "incident_key", "an incident");
        String incidentKey = envelope.dedupKey();
        Intake.AlertEvent parsed = null;
        if (envelope.trigger()) {
            String description = f.requiredString(event, "description", "description", MAX_SUMMARY);
            JsonNode details = event.get("details");
            String detailsText = f.optionalJson(event, "details", "details");
            String client = f.optionalString(event, "client", "client", MAX_FIELD);
            String clientUrl = f.optionalString(event, "client_url", "client_url", MAX_FIELD);
            ArrayNode links = json.createArrayNode();
            ArrayNode images = json.createArrayNode();
            contexts(event.get("contexts"), links, images, f);
            if (f.ok()) {
                String linkText = links.isEmpty() ? null : json.writeValueAsString(links);
                if (clientUrl != null) {
                    linkText = withClientLink(linkText, client, clientUrl);
                }
                parsed = new Intake.AlertEvent(Intake.Action.TRIGGER, null, V1,
                        incidentKey != null ? incidentKey : generatedKey(), description,
                        client != null ? client : V1, "critical", null, null, null, null,
                        labels(details, null, null, null), detailsText, linkText,
                        images.isEmpty() ? null : json.writeValueAsString(images), null);
            }
        }
        Admission admission = admit(f, envelope.integrationKey(), "service_key", v1);
        if (admission.refusal() != null) {
            return v1Throttle(admission.refusal());
        }
        v1.accepted().get(envelope.action()).increment();
        IngestResult result;
        try {
            result = submit(envelope, parsed, admission.serviceId(), V1);
        } catch (RuntimeException e) {
            return v1Throttle(failure(e, v1));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "success");
        out.put("message", "Event processed");
        out.put("incident_key", result.dedupKey());
        return new Answer(200, out, false);
    }

    /** v1 senders retry on 403, which is what PagerDuty's v1 answered when over the rate; v2 has 429 for it. */
    private static Answer v1Throttle(Answer answer) {
        return answer.status() == 429 ? new Answer(403, answer.body(), true) : answer;
    }

    /** What every alert event names, in v2's words or v1's: whose it is, what to do, and to which alert. */
    private record Envelope(String integrationKey, String action, String dedupKey) {
        boolean trigger() {
            return "trigger".equals(action);
        }
    }

    private static Envelope envelope(JsonNode event, JsonFields f, String keyField, String actionField, String dedupField,
                                     String what) {
        String integrationKey = f.requiredString(event, keyField, keyField, 64);
        String action = f.requiredString(event, actionField, actionField, 32);
        if (action != null && !ACTIONS.contains(action)) {
            f.error("'" + actionField + "' must be one of trigger, acknowledge, resolve; got '" + action + "'");
        }
        String dedupKey = f.optionalString(event, dedupField, dedupField, MAX_DEDUP_KEY);
        if (!"trigger".equals(action) && action != null && dedupKey == null && f.ok()) {
            f.error("'" + dedupField + "' is required to " + action + " " + what);
        }
        return new Envelope(integrationKey, action, dedupKey);
    }

    /** Commits an admitted event, the trigger as parsed or an acknowledge or resolve of the envelope's key. */
    private IngestResult submit(Envelope envelope, Intake.AlertEvent trigger, String serviceId, String intake) {
        Intake.AlertEvent event = trigger != null ? withService(trigger, serviceId)
                : new Intake.AlertEvent(envelope.action().equals("acknowledge") ? Intake.Action.ACKNOWLEDGE
                : Intake.Action.RESOLVE, serviceId, intake, envelope.dedupKey(), null, null, null, null, null, null, null,
                Map.of(), null, null, null, null);
        return pipeline.get().submitAndWait(List.of(event)).get(0);
    }

    /** v1's contexts: {@code {"type":"link","href","text"}} and {@code {"type":"image","src","href","alt"}}. */
    private static void contexts(JsonNode contexts, ArrayNode links, ArrayNode images, JsonFields f) {
        if (contexts == null || contexts.isNull()) {
            return;
        }
        if (!contexts.isArray()) {
            f.error("'contexts' must be an array of objects, got " + JsonFields.kind(contexts));
            return;
        }
        for (int i = 0; i < contexts.size(); i++) {
            JsonNode c = contexts.get(i);
            String path = "contexts[" + i + "]";
            if (!c.isObject()) {
                f.error("'" + path + "' must be an object, got " + JsonFields.kind(c));
                continue;
            }
            String type = f.requiredString(c, "type", path + ".type", 16);
            if ("link".equals(type)) {
                String href = f.requiredString(c, "href", path + ".href", MAX_FIELD);
                String text = f.optionalString(c, "text", path + ".text", MAX_FIELD);
                var link = links.addObject().put("href", href);
                if (text != null) {
                    link.put("text", text);
                }
            } else if ("image".equals(type)) {
                String src = f.requiredString(c, "src", path + ".src", MAX_FIELD);
                String href = f.optionalString(c, "href", path + ".href", MAX_FIELD);
                String alt = f.optionalString(c, "alt", path + ".alt", MAX_FIELD);
                var image = images.addObject().put("src", src);
                if (href != null) {
                    image.put("href", href);
                }
                if (alt != null) {
                    image.put("alt", alt);
                }
            } else if (type != null) {
                f.error("'" + path + ".type' must be link or image, got '" + type + "'");
            }
        }
    }

    private Answer enqueueChange(byte[] body) {
        JsonFields f = new JsonFields();
        JsonNode event = parse(body, f);
        if (event == null) {
            return invalid(f, v2);
        }
        String routingKey = f.requiredString(event, "routing_key", "routing_key", 64);
        JsonNode payload = event.get("payload");
        Intake.ChangeEvent parsed = null;
        if (payload == null || !payload.isObject()) {
            f.error(payload == null ? "'payload' is missing: a change event needs payload.summary"
                    : "'payload' must be an object, got " + JsonFields.kind(payload));
        } else {
            String summary = f.requiredString(payload, "summary", "payload.summary", MAX_SUMMARY);
            String source = f.optionalString(payload, "source", "payload.source", MAX_FIELD);
            var timestamp = f.optionalTimestamp(payload, "timestamp", "payload.timestamp");
            String details = f.optionalJson(payload, "custom_details", "payload.custom_details");
            String links = f.optionalObjectArray(event, "links", "links", "href");
            if (f.ok()) {
                parsed = new Intake.ChangeEvent(null, summary, source, timestamp, details, links);
            }
        }
        Admission admission = admit(f, routingKey, "routing_key", v2);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        v2.accepted().get("change").increment();
        Intake.ChangeEvent change = new Intake.ChangeEvent(admission.serviceId(), parsed.summary(), parsed.source(),
                parsed.occurredAt(), parsed.customDetails(), parsed.links());
        try {
            pipeline.get().submitAndWait(List.of(change));
        } catch (RuntimeException e) {
            return failure(e, v2);
        }
        return new Answer(202, Map.of("status", "success", "message", "Change event processed"), false);
    }

    /** Where a parsed event goes: its service, or the answer refusing it (invalid, unknown routing key, over the rate). */
    private record Admission(String serviceId, Answer refusal) {
    }

    private Admission admit(JsonFields f, String routingKey, String field, IntakeMeters intake) {
        if (!f.ok()) {
            return new Admission(null, invalid(f, intake));
        }
        Optional<TocsinConfig.Service> service = catalog.serviceForIntegrationKey(routingKey);
        if (service.isEmpty()) {
            f.error("'" + field + "' is not an integration key of any service");
            return new Admission(null, invalid(f, intake));
        }
        if (!rateLimits.tryAcquire("integration:" + routingKey, eventsPerSecond)) {
            return new Admission(null, throttled(intake));
        }
        return new Admission(service.get().id(), null);
    }

    private JsonNode parse(byte[] body, JsonFields f) {
        if (body.length == 0) {
            f.error("the request body is empty: expected a JSON event object");
            return null;
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                f.error("the request body must be a JSON object, got " + (node == null ? "nothing" : JsonFields.kind(node)));
                return null;
            }
            return node;
        } catch (JacksonException e) {
            f.error("the request body is not valid JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    /** Flat labels for routing rules: component, group, class and the scalar top-level custom details. */
    private static Map<String, String> labels(JsonNode details, String component, String group, String eventClass) {
        Map<String, String> labels = new HashMap<>();
        if (details != null && details.isObject()) {
            for (Map.Entry<String, JsonNode> e : details.properties()) {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    labels.put(e.getKey(), e.getValue().asString());
                }
            }
        }
        if (component != null) {
            labels.put("component", component);
        }
        if (group != null) {
            labels.put("group", group);
        }
        if (eventClass != null) {
            labels.put("class", eventClass);
        }
        return labels;
    }

    private static Intake.AlertEvent withService(Intake.AlertEvent e, String serviceId) {
        return new Intake.AlertEvent(e.action(), serviceId, e.intake(), e.dedupKey(), e.summary(), e.source(),
                e.severity(), e.timestamp(), e.component(), e.group(), e.eventClass(), e.labels(), e.customDetails(),
                e.links(), e.images(), e.incidentGroup(), e.reason());
    }

    /**
     * The sender's links with the monitoring client's first, as PagerDuty shows it: "View in Grafana", linking to
     * {@code client_url}. {@code links} is JSON text already checked to be an array of objects.
     */
    private String withClientLink(String links, String client, String clientUrl) {
        ArrayNode all = json.createArrayNode();
        all.addObject().put("href", clientUrl)
                .put("text", client == null ? "View in the monitoring client" : "View in " + client);
        if (links != null) {
            all.addAll((ArrayNode) json.readTree(links));
        }
        return json.writeValueAsString(all);
    }

    /** PagerDuty hands out 32 hex characters when a trigger carries no dedup key. */
    private static String generatedKey() {
        UUID u = UUID.randomUUID();
        return HexFormat.of().toHexDigits(u.getMostSignificantBits()) + HexFormat.of().toHexDigits(u.getLeastSignificantBits());
    }

    private static Answer invalid(JsonFields f, IntakeMeters intake) {
        intake.invalid().increment();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "invalid event");
        out.put("message", "Event object is invalid");
        out.put("errors", List.copyOf(f.errors()));
        return new Answer(400, out, false);
    }

    private static Answer throttled(IntakeMeters intake) {
        intake.throttled().increment();
        return new Answer(429, Map.of("status", "throttle event",
                "message", "Requests for this service are arriving too quickly. Please retry later."), true);
    }

    private static Answer failure(RuntimeException error, IntakeMeters intake) {
        if (error instanceof IngestPipeline.OverloadedException) {
            return throttled(intake);
        }
        log.error("event=ingest.failed action=\"the sender will retry; check the database\"", error);
        return new Answer(500, Map.of("status", "error", "message", "The event could not be stored; retry."), false);
    }

    /** The answer, with the headers Spring Security would have added to an API response. */
    private void write(HttpServletResponse response, Answer answer) throws IOException {
        byte[] bytes = json.writeValueAsBytes(answer.body());
        response.setStatus(answer.status());
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (answer.retryAfter()) {
            response.setHeader("Retry-After", Long.toString(RateLimits.retryAfterSeconds()));
        }
        response.getOutputStream().write(bytes);
    }
}
