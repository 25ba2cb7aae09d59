package dev.tocsin.incident;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.Durations;
import dev.tocsin.config.SeverityScale;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.FieldErrors;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.TimelineEvent;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The incident REST API: HTTP in, use case out, nothing else. */
@RestController
@RequestMapping("/api/v1/incidents")
class IncidentController {

    record DeclareRequest(String title, String description, String service, String severity,
                          Incident.Impact impact, Incident.Roles roles, String publicTitle, Boolean published) {
    }

    record PublicTitleRequest(String publicTitle) {
    }

    record PublicationRequest(Boolean published) {
    }

    record StatusRequest(String status, String message) {
    }

    record RoleRequest(String user) {
    }

    record NoteRequest(String text) {
    }

    record UpdateRequest(String message, String status) {
    }

    record ResolveRequest(String resolution) {
    }

    record SnoozeRequest(String duration) {
    }

    record SeverityRequest(String severity) {
    }

    /** Whether the incident was acknowledged within its severity's response target (seed 000's table). */
    record ResponseTarget(String target, long seconds, Instant respondBy, boolean breached) {
    }

    /**
     * {@code published}: whether the public status page shows it; {@code publishedBy}: why, {@code rule}
     * (status_page.publish), {@code person} (someone published or hid it) or {@code service} (its service is not on
     * the page).
     */
    record IncidentView(long id, String title, String description, String service, String severity,
                        IncidentStatus status, String origin, Instant openedAt, Instant acknowledgedAt,
                        Instant resolvedAt, Instant updatedAt, Incident.Roles roles, Incident.Impact impact,
                        String resolution, ResponseTarget responseTarget, Instant snoozedUntil, String publicTitle,
                        String publicTitleShown, boolean published, String publishedBy) {
    }

    record IncidentList(List<IncidentView> incidents, Long nextBefore) {
    }

    private final IncidentService incidents;
    private final PublicTitles publicTitles;
    private final Publication publication;
    private final Snoozes snoozes;
    private final SeverityScale severities;
    private final JsonMapper json;
    private final Clock clock;

    IncidentController(IncidentService incidents, PublicTitles publicTitles, Publication publication, Snoozes snoozes,
                       TocsinConfig config, JsonMapper json, Clock clock) {
        this.incidents = incidents;
        this.publication = publication;
        this.publicTitles = publicTitles;
        this.snoozes = snoozes;
        this.severities = config.severities();
        this.json = json;
        this.clock = clock;
    }

    @GetMapping
    IncidentList list(@RequestParam(required = false) String status, @RequestParam(required = false) String service,
                      @RequestParam(required = false) String severity, @RequestParam(required = false) Instant since,
                      @RequestParam(required = false) Instant until, @RequestParam(required = false) Long before,
                      @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 500) {
            throw new InvalidInputException("limit", "between 1 and 500");
        }
        IncidentService.Page page = incidents.page(new IncidentFilter(statuses(status), service, severity, since, until,
                before, limit));
        return new IncidentList(page.incidents().stream().map(this::view).toList(), page.nextBefore());
    }

    /**
     * With an {@code Idempotency-Key}, a retry (after a timeout, say) answers as the first request did, with the
     * incident it made, and says so in {@code Idempotent-Replayed}.
     */
    @PostMapping
    ResponseEntity<IncidentView> declare(@RequestBody DeclareRequest body, @RequestHeader HttpHeaders headers) {
        Actor actor = CurrentActor.get();
        IdempotencyKey key = IdempotencyKey.of(CurrentActor.apiKeyName().orElse(actor.value()),
                headers.get(IdempotencyKey.HEADER));
        IncidentService.Declared declared = incidents.declare(new IncidentService.Declaration(body.title(),
                body.description(), body.service(), body.severity(), body.impact(), body.roles(), body.publicTitle(),
                body.published()), actor,
                key);
        Incident incident = declared.incident();
        ResponseEntity.BodyBuilder answer = ResponseEntity.created(URI.create("/api/v1/incidents/" + incident.id()));
        if (declared.replayed()) {
            answer.header("Idempotent-Replayed", "true");
        }
        return answer.body(view(incident));
    }

    @GetMapping("/{id}")
    IncidentView get(@PathVariable long id) {
        return view(incidents.get(id));
    }

    @PostMapping("/{id}/acknowledge")
    IncidentView acknowledge(@PathVariable long id) {
        return view(incidents.acknowledge(id, CurrentActor.get()));
    }

    @PostMapping("/{id}/status")
    IncidentView changeStatus(@PathVariable long id, @RequestBody StatusRequest body) {
        return view(incidents.changeStatus(id, status("status", body.status(), true), body.message(), CurrentActor.get()));
    }

    @PostMapping("/{id}/snooze")
    IncidentView snooze(@PathVariable long id, @RequestBody(required = false) SnoozeRequest body) {
        return view(snoozes.snooze(id, body == null ? null : body.duration(), CurrentActor.get()));
    }

    @PostMapping("/{id}/resolve")
    IncidentView resolve(@PathVariable long id, @RequestBody(required = false) ResolveRequest body) {
        return view(incidents.resolve(id, body == null ? null : body.resolution(), CurrentActor.get()));
    }

    @PutMapping("/{id}/roles/{role}")
    IncidentView assignRole(@PathVariable long id, @PathVariable String role, @RequestBody RoleRequest body) {
        if (body.user() == null || body.user().isBlank()) {
            throw new InvalidInputException("user", "required (DELETE the role to clear it)");
        }
        return view(incidents.assignRole(id, role(role), body.user(), CurrentActor.get()));
    }

    @DeleteMapping("/{id}/roles/{role}")
    IncidentView clearRole(@PathVariable long id, @PathVariable String role) {
        return view(incidents.assignRole(id, role(role), null, CurrentActor.get()));
    }

    @PutMapping("/{id}/impact")
    IncidentView updateImpact(@PathVariable long id, @RequestBody Incident.Impact body) {
        return view(incidents.updateImpact(id, body, CurrentActor.get()));
    }

    /**
     * A JSON merge patch (RFC 7396) of the impact: the fields named change (null makes one not known again), the
     * others keep what the incident has at that moment. What the CLI sends, so that two people recording different
     * fields do not overwrite each other's.
     */
    @PatchMapping(path = "/{id}/impact", consumes = {"application/merge-patch+json", "application/json"})
    IncidentView patchImpact(@PathVariable long id, @RequestBody JsonNode body) {
        if (!body.isObject() || body.isEmpty()) {
            throw new InvalidInputException("body", "a JSON object with one or more of "
                    + Incident.Impact.Field.ALL.stream().map(Incident.Impact.Field::wire).toList());
        }
        Set<Incident.Impact.Field> fields = EnumSet.noneOf(Incident.Impact.Field.class);
        for (String name : body.propertyNames()) {
            fields.add(Incident.Impact.Field.fromWire(name).orElseThrow(() -> new InvalidInputException(name,
                    "unknown field")));
        }
        Incident.Impact given;
        try {
            given = json.treeToValue(body, Incident.Impact.class);
        } catch (JacksonException e) {
            // Not only DatabindException: a number out of range of its field (1e400, 30 digits) is a coercion error.
            throw new InvalidInputException(List.of(FieldErrors.of(e)));
        }
        return view(incidents.changeImpact(id, given, fields, CurrentActor.get()));
    }

    /** What the public status page calls the incident, instead of its title (docs/statuspage.md). */
    @PutMapping("/{id}/public-title")
    IncidentView changePublicTitle(@PathVariable long id, @RequestBody PublicTitleRequest body) {
        return view(incidents.changePublicTitle(id, body.publicTitle(), CurrentActor.get()));
    }

    @DeleteMapping("/{id}/public-title")
    IncidentView clearPublicTitle(@PathVariable long id) {
        return view(incidents.clearPublicTitle(id, CurrentActor.get()));
    }

    /** A person's choice over status_page.publish: publish the incident on the status page, or hide it. */
    @PutMapping("/{id}/status-page")
    IncidentView choosePublication(@PathVariable long id, @RequestBody PublicationRequest body) {
        if (body.published() == null) {
            throw new InvalidInputException("published", "required: true to publish, false to hide (DELETE "
                    + "/api/v1/incidents/" + id + "/status-page to let status_page.publish decide)");
        }
        return view(incidents.choosePublication(id, body.published(), CurrentActor.get()));
    }

    /** Back to status_page.publish. */
    @DeleteMapping("/{id}/status-page")
    IncidentView clearPublication(@PathVariable long id) {
        return view(incidents.choosePublication(id, null, CurrentActor.get()));
    }

    @PutMapping("/{id}/severity")
    IncidentView changeSeverity(@PathVariable long id, @RequestBody SeverityRequest body) {
        return view(incidents.changeSeverity(id, body.severity(), CurrentActor.get()));
    }

    /**
     * Answers with the note's timeline entry, as PagerDuty answers a new note with the note; Location reads that entry
     * back from the incident's timeline.
     */
    @PostMapping("/{id}/notes")
    ResponseEntity<TimelineEvent> addNote(@PathVariable long id, @RequestBody NoteRequest body) {
        long seq = incidents.addNote(id, body.text(), CurrentActor.get());
        return ResponseEntity.created(URI.create("/api/v1/incidents/" + id + "/timeline?after=" + (seq - 1) + "&limit=1"))
                .body(incidents.timeline(id, seq - 1, 1).get(0));
    }

    @PostMapping("/{id}/updates")
    IncidentView postUpdate(@PathVariable long id, @RequestBody UpdateRequest body) {
        return view(incidents.postStatusUpdate(id, body.message(), status("status", body.status(), false),
                CurrentActor.get()));
    }

    @GetMapping("/{id}/timeline")
    List<TimelineEvent> timeline(@PathVariable long id, @RequestParam(defaultValue = "0") long after,
                                 @RequestParam(defaultValue = "500") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidInputException("limit", "between 1 and 1000");
        }
        return incidents.timeline(id, after, limit);
    }

    private static IncidentRole role(String wire) {
        return IncidentRole.fromWire(wire).orElseThrow(() -> new InvalidInputException("role",
                "expected incident_commander, technical_lead or communications_lead"));
    }

    private static IncidentStatus status(String field, String wire, boolean required) {
        if (wire == null) {
            if (required) {
                throw new InvalidInputException(field, "required, one of " + IncidentStatus.allowed());
            }
            return null;
        }
        return IncidentStatus.fromWire(wire).orElseThrow(() -> new InvalidInputException(field,
                "expected one of " + IncidentStatus.allowed() + ", got '" + wire + "'"));
    }

    /** "open" is every status but resolved; otherwise a comma-separated list. */
    private static Set<IncidentStatus> statuses(String param) {
        if (param == null || param.isBlank()) {
            return Set.of();
        }
        Set<IncidentStatus> out = EnumSet.noneOf(IncidentStatus.class);
        for (String part : param.split(",")) {
            String p = part.trim();
            if (p.equals("open")) {
                out.addAll(EnumSet.complementOf(EnumSet.of(IncidentStatus.RESOLVED)));
            } else {
                out.add(status("status", p, true));
            }
        }
        return out;
    }

    private IncidentView view(Incident i) {
        Publication.Decision onPage = publication.of(i);
        ResponseTarget target = severities.level(i.severity()).map(level -> {
            Duration d = level.responseTarget();
            Instant respondBy = level.respondBy(i.awaitingResponseSince());
            Instant answered = i.acknowledgedAt() != null ? i.acknowledgedAt() : clock.instant();
            return new ResponseTarget(Durations.format(d), d.getSeconds(), respondBy, answered.isAfter(respondBy));
        }).orElse(null);
        return new IncidentView(i.id(), i.title(), i.description(), i.serviceId(), i.severity(), i.status(), i.origin(),
                i.openedAt(), i.acknowledgedAt(), i.resolvedAt(), i.updatedAt(), i.roles(), i.impact(), i.resolution(),
                target, i.snoozedUntil(), i.publicTitle(), publicTitles.shown(i), onPage.published(), onPage.by().wire());
    }
}
