package dev.tocsin.alert;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.text.Sha256;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simplest intake, for scripts and tools that speak neither PagerDuty nor Alertmanager (GoAlert's
 * generic API): JSON, form fields or query parameters {@code summary}, {@code details}, {@code dedup},
 * {@code action} ({@code close} resolves). Answers 204 once committed.
 */
@RestController
class GenericIntakeController {

    private static final int MAX_DETAILS = 10_000;
    private static final List<String> FIELDS = List.of("summary", "details", "dedup", "action");

    private final IntegrationIntake intake;
    private final JsonMapper json;

    GenericIntakeController(IntegrationIntake intake, JsonMapper json) {
        this.intake = intake;
        this.json = json;
    }

    @PostMapping("/api/v1/integrations/generic/{integrationKey}")
    ResponseEntity<Void> receive(@PathVariable String integrationKey, HttpServletRequest request)
            throws IOException {
        TocsinConfig.Service service = intake.admit(integrationKey, "generic");
        Map<String, String> fields = fields(request);
        JsonFields f = new JsonFields();
        String summary = f.checkString(fields.get("summary"), "summary", EventsApiEndpoint.MAX_SUMMARY);
        String details = f.checkString(fields.get("details"), "details", MAX_DETAILS);
        String dedup = f.checkString(fields.get("dedup"), "dedup", EventsApiEndpoint.MAX_DEDUP_KEY);
        String action = fields.get("action");
        if (action != null && !action.isBlank() && !action.equals("close") && !action.equals("trigger")) {
            f.error("'action' must be close (to resolve) or left out (to trigger), got '" + action + "'");
        }
        boolean close = "close".equals(action);
        if (summary == null && !close && f.errors().stream().noneMatch(e -> e.startsWith("'summary'"))) {
            f.error("'summary' is missing or blank");
        }
        if (close && dedup == null && summary == null) {
            f.error("'dedup' (or the summary it was triggered with) is required to close an alert");
        }
        if (!f.ok()) {
            throw new InvalidInputException(f.errors().stream()
                    .map(e -> new InvalidInputException.FieldError(e.substring(1, e.indexOf('\'', 1)), e)).toList());
        }
        String key = dedup != null ? dedup : derivedKey(summary, details);
        Intake.AlertEvent event = new Intake.AlertEvent(close ? Intake.Action.RESOLVE : Intake.Action.TRIGGER,
                service.id(), "generic", key, summary, "generic", "critical", null, null, null, null, Map.of(),
                details == null ? null : json.writeValueAsString(Map.of("details", details)), null, null, null);
        intake.submitAll(List.of(event), "generic");
        return ResponseEntity.noContent().build();
    }

    /** Query parameters and form fields first, then the fields of a JSON body, which win. */
    private Map<String, String> fields(HttpServletRequest request) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (String name : FIELDS) {
            String v = request.getParameter(name);
            if (v != null) {
                out.put(name, v);
            }
        }
        String contentType = request.getContentType();
        MediaType type;
        try {
            type = contentType == null ? null : MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            throw new InvalidInputException("Content-Type", "not a media type: " + e.getMessage());
        }
        if (type == null || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            return out;
        }
        byte[] body = request.getInputStream().readAllBytes();
        if (body.length == 0) {
            return out;
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidInputException("body", "not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInputException("body", "expected a JSON object with summary, details, dedup, action");
        }
        for (String name : FIELDS) {
            JsonNode v = node.get(name);
            if (v != null && !v.isNull()) {
                if (!v.isValueNode()) {
                    throw new InvalidInputException(name, "must be a string");
                }
                out.put(name, v.asString());
            }
        }
        return out;
    }

    /** Without a dedup key, the same summary and details are the same alert (as in GoAlert). */
    private static String derivedKey(String summary, String details) {
        return "generic:" + Sha256.hex(summary + "\u0000" + (details == null ? "" : details)).substring(0, 32);
    }
}
