package dev.tocsin.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.ConflictException;
import dev.tocsin.problem.FieldErrors;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import dev.tocsin.problem.UnprocessableException;
import dev.tocsin.text.Sha256;
import dev.tocsin.text.SqlText;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import dev.tocsin.timeline.TimelineEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The incident use cases. Each is one transaction that takes the timeline lock first, changes the
 * incident, and appends what happened to the timeline.
 */
@Service
public class IncidentService {

    public static final int MAX_TEXT = 10_000;
    /** The most open incidents a page lists: an alert storm may open thousands, the API pages through them. */
    public static final int OPEN_SHOWN = 500;

    /**
     * What a person declares by hand; {@code publicTitle} (null: none yet) is what the status page calls it, and
     * {@code published} whether the page shows it (null: {@code status_page.publish} decides). Each is left out of the
     * declaration's JSON while null, so that an Idempotency-Key stored before it existed still matches its retry.
     */
    public record Declaration(String title, String description, String serviceId, String severity,
                              Incident.Impact impact, Incident.Roles roles,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String publicTitle,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Boolean published) {

        public Declaration(String title, String description, String serviceId, String severity, Incident.Impact impact,
                           Incident.Roles roles) {
            this(title, description, serviceId, severity, impact, roles, null, null);
        }
    }

    /** A declaration's outcome: its incident, and whether an earlier request with its Idempotency-Key made it. */
    record Declared(Incident incident, boolean replayed) {
    }

    private final IncidentRepository repository;
    private final IdempotencyKeyRepository idempotencyKeys;
    private final Timeline timeline;
    private final TocsinConfig config;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final Publication publication;

    IncidentService(IncidentRepository repository, IdempotencyKeyRepository idempotencyKeys, Timeline timeline,
                    TocsinConfig config, Clock clock, MeterRegistry meters, ApplicationEventPublisher events,
                    JsonMapper json, Publication publication) {
        this.repository = repository;
        this.publication = publication;
        this.idempotencyKeys = idempotencyKeys;
        this.json = json;
        this.timeline = timeline;
        this.config = config;
        this.clock = clock;
        this.meters = meters;
        this.events = events;
    }

    @Transactional
    public Incident declare(Declaration d, Actor actor) {
        return declare(d, actor, null).incident();
    }

    /**
     * Declares an incident, once per {@code key} (null: every time). A key used within the last day answers the
     * incident it made; with another declaration it is refused. The key is looked up under the timeline lock and
     * stored in the incident's transaction, so two requests with one key, on any nodes, make one incident.
     *
     * @throws UnprocessableException the key was used for a different declaration
     */
    @Transactional
    Declared declare(Declaration d, Actor actor, IdempotencyKey key) {
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        requireText(errors, "title", d.title(), 1024);
        optionalText(errors, "description", d.description(), MAX_TEXT);
        if (d.serviceId() == null || config.service(d.serviceId()).isEmpty()) {
            errors.add(new InvalidInputException.FieldError("service", d.serviceId() == null ? "required"
                    : "unknown service '" + d.serviceId() + "'"));
        }
        String severity = d.severity() == null ? config.severities().levels().get(0).id() : d.severity();
        if (!config.severities().contains(severity)) {
            errors.add(new InvalidInputException.FieldError("severity", "unknown severity '" + severity
                    + "', expected one of " + config.severities().ids()));
        }
        Incident.Roles roles = d.roles() == null ? Incident.Roles.NONE : d.roles();
        for (IncidentRole role : IncidentRole.values()) {
            checkUser(errors, "roles." + role.wire(), roles.get(role));
        }
        Incident.Impact impact = d.impact() == null ? Incident.Impact.UNKNOWN : d.impact();
        checkImpact(errors, "impact.", impact);
        if (d.publicTitle() != null) {
            checkPublicTitle(errors, d.publicTitle());
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        timeline.lock();
        Instant now = clock.instant();
        String requestSha256 = key == null ? null : Sha256.hex(json.writeValueAsString(d));
        if (key != null) {
            Optional<IdempotencyKeyRepository.Used> used = idempotencyKeys.usedSince(key, now.minus(IdempotencyKey.KEPT_FOR));
            if (used.isPresent()) {
                if (!used.get().requestSha256().equals(requestSha256)) {
                    throw new UnprocessableException(IdempotencyKey.HEADER, "'" + key.value() + "' was used within the "
                            + "last 24 hours to declare incident " + used.get().incidentId() + " with a different body; "
                            + "use a new key for a new declaration");
                }
                return new Declared(load(used.get().incidentId()), true);
            }
        }
        long id = repository.insert(d.title().strip(), d.description(), d.serviceId(), severity, IncidentStatus.TRIGGERED,
                "declared", now, responseDue(now, severity), roles, impact,
                d.publicTitle() == null ? null : d.publicTitle().strip(), d.published());
        if (key != null) {
            idempotencyKeys.insert(key, requestSha256, id, now);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", d.title().strip());
        data.put("severity", severity);
        data.put("status", IncidentStatus.TRIGGERED.wire());
        data.put("origin", "declared");
        if (d.publicTitle() != null) {
            data.put("public_title", d.publicTitle().strip());
        }
        if (d.published() != null) {
            data.put("published", d.published());
        }
        timeline.append(new NewEvent("incident.declared", actor, id, null, d.serviceId(), data));
        for (IncidentRole role : IncidentRole.values()) {
            if (roles.get(role) != null) {
                timeline.append(new NewEvent("incident.role_assigned", actor, id, null, d.serviceId(),
                        Map.of("role", role.wire(), "user", roles.get(role))));
            }
        }
        countOpened(severity, "declared");
        events.publishEvent(new IncidentEvent.Opened(id, d.serviceId(), severity, d.title().strip(), now));
        return new Declared(load(id), false);
    }

    /**
     * Opens an incident for a new alert, inside the alert's transaction; the alert's dedup key is recorded with it. An
     * alert that came in a group ({@code group}: Alertmanager's group key, or the service's alert grouping; null for none)
     * opens the group's incident,
     * which the group's later alerts join while it is open ({@link #openIncidentOfGroup}).
     */
    @Transactional
    public long openFromAlert(String serviceId, String title, String severity, String dedupKey, String group, Actor actor) {
        timeline.lock();
        Instant now = clock.instant();
        long id = repository.insert(SqlText.truncate(title, 1024), null, serviceId, severity, IncidentStatus.TRIGGERED,
                "alert", now, responseDue(now, severity), Incident.Roles.NONE, Incident.Impact.UNKNOWN, null, null);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", SqlText.truncate(title, 1024));
        data.put("severity", severity);
        data.put("status", IncidentStatus.TRIGGERED.wire());
        data.put("origin", "alert");
        data.put("dedup_key", dedupKey);
        if (group != null) {
            repository.recordGroup(serviceId, groupKey(group), id);
            data.put("alert_group", SqlText.abbreviate(group, 1024));
        }
        timeline.append(new NewEvent("incident.opened", actor, id, null, serviceId, data));
        countOpened(severity, "alert");
        events.publishEvent(new IncidentEvent.Opened(id, serviceId, severity, SqlText.truncate(title, 1024), now));
        return id;
    }

    @Transactional
    public Incident acknowledge(long id, Actor actor) {
        return changeStatus(id, IncidentStatus.ACKNOWLEDGED, null, actor);
    }

    @Transactional
    public Incident changeStatus(long id, IncidentStatus next, String message, Actor actor) {
        checkOptionalText("message", message);
        timeline.lock();
        Incident incident = load(id);
        if (!incident.status().canMoveTo(next)) {
            throw new ConflictException("incident " + id + " is " + incident.status().wire() + " and cannot move to "
                    + next.wire() + (incident.status() == next ? " (it already is)" : ""));
        }
        if (next == IncidentStatus.RESOLVED) {
            return resolveLoaded(incident, message, actor);
        }
        apply(incident, next, message, actor);
        return load(id);
    }

    @Transactional
    public Incident resolve(long id, String resolution, Actor actor) {
        checkOptionalText("resolution", resolution);
        timeline.lock();
        Incident incident = load(id);
        if (incident.status() == IncidentStatus.RESOLVED) {
            throw new ConflictException("incident " + id + " is already resolved");
        }
        return resolveLoaded(incident, resolution, actor);
    }

    /** An alert acknowledged at its source acknowledges a triggered incident; anything further along is left alone. */
    @Transactional
    public void acknowledgeFromAlert(long id, long alertId, Actor actor) {
        timeline.lock();
        Incident incident = load(id);
        if (incident.status() == IncidentStatus.TRIGGERED) {
            apply(incident, IncidentStatus.ACKNOWLEDGED, "acknowledged at the source", actor, alertId);
        }
    }

    /** The last open alert of an incident resolved at its source: the incident resolves with it. */
    @Transactional
    public void resolveFromAlert(long id, long alertId, Actor actor) {
        timeline.lock();
        Incident incident = load(id);
        if (incident.status() != IncidentStatus.RESOLVED) {
            Instant now = clock.instant();
            repository.updateStatus(id, IncidentStatus.RESOLVED, now, ackedAt(incident, now), now, "all alerts resolved");
            timeline.append(new NewEvent("incident.resolved", actor, id, alertId, incident.serviceId(),
                    Map.of("from", incident.status().wire(), "resolution", "all alerts resolved")));
            recordResolved(incident, now);
            events.publishEvent(new IncidentEvent.StatusChanged(id, incident.serviceId(), incident.severity(),
                    incident.status(), IncidentStatus.RESOLVED, actor));
        }
    }

    /**
     * The open incident that the first alert of {@code group} in the service opened, if it is still open and, with a
     * {@code window}, opened no longer than that ago.
     */
    @Transactional(readOnly = true)
    public Optional<Long> openIncidentOfGroup(String serviceId, String group, Duration window) {
        return repository.findOpenOfGroup(serviceId, groupKey(group), window == null ? null : clock.instant().minus(window));
    }

    /**
     * A group key of any length as 64 hex characters: Alertmanager's keys spell out the route's matchers and each
     * grouping label.
     */
    private static String groupKey(String group) {
        return Sha256.hex(group);
    }

    /** A repeat of an alert at a more urgent severity raises the incident's severity; it is never lowered automatically. */
    @Transactional
    public void raiseSeverityFromAlert(long id, String severity, long alertId, Actor actor) {
        timeline.lock();
        // Most calls raise nothing (the incident is already as urgent), so the wide incident row is read only to raise.
        IncidentRepository.Standing standing = repository.findStanding(id)
                .orElseThrow(() -> noSuchIncident(id));
        if (standing.status().isOpen()
                && config.severities().rank(severity) < config.severities().rank(standing.severity())) {
            Incident incident = load(id);
            repository.updateSeverity(id, severity, clock.instant(), responseDue(incident, severity));
            timeline.append(new NewEvent("incident.severity_changed", actor, id, alertId, incident.serviceId(),
                    Map.of("from", incident.severity(), "to", severity)));
            events.publishEvent(new IncidentEvent.SeverityChanged(id, incident.serviceId(), incident.severity(), severity,
                    incident.openedAt()));
        }
    }

    @Transactional
    public Incident changeSeverity(long id, String severity, Actor actor) {
        if (severity == null || !config.severities().contains(severity)) {
            throw new InvalidInputException("severity", (severity == null ? "required" : "unknown severity '" + severity + "'")
                    + ", expected one of " + config.severities().ids());
        }
        timeline.lock();
        Incident incident = load(id);
        if (incident.severity().equals(severity)) {
            throw new ConflictException("incident " + id + " already has severity " + severity);
        }
        repository.updateSeverity(id, severity, clock.instant(), responseDue(incident, severity));
        timeline.append(new NewEvent("incident.severity_changed", actor, id, null, incident.serviceId(),
                Map.of("from", incident.severity(), "to", severity)));
        events.publishEvent(new IncidentEvent.SeverityChanged(id, incident.serviceId(), incident.severity(), severity,
                incident.openedAt()));
        return load(id);
    }

    @Transactional
    public Incident assignRole(long id, IncidentRole role, String userId, Actor actor) {
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        checkUser(errors, "user", userId);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        timeline.lock();
        Incident incident = load(id);
        if (Objects.equals(incident.roles().get(role), userId)) {
            // Two people naming the same responder at once, or a retried request: the role already is as asked.
            return incident;
        }
        repository.updateRole(id, role, userId, clock.instant());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("role", role.wire());
        data.put("user", userId);
        data.put("previous", incident.roles().get(role));
        timeline.append(new NewEvent(userId == null ? "incident.role_cleared" : "incident.role_assigned", actor, id, null,
                incident.serviceId(), data));
        return load(id);
    }

    @Transactional
    public Incident updateImpact(long id, Incident.Impact impact, Actor actor) {
        return changeImpact(id, impact, Incident.Impact.Field.ALL, actor);
    }

    /**
     * Sets the impact's {@code fields} to their values in {@code given} and keeps the others. The incident is read
     * under the timeline's lock, so two people changing different fields at the same moment both keep theirs.
     */
    @Transactional
    public Incident changeImpact(long id, Incident.Impact given, Set<Incident.Impact.Field> fields, Actor actor) {
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        checkImpact(errors, "", given);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        timeline.lock();
        Incident incident = load(id);
        Incident.Impact before = incident.impact();
        Incident.Impact impact = before.with(given, fields);
        Map<String, Object> now = impactFields(impact);
        Map<String, Object> previous = impactFields(before);
        previous.entrySet().removeIf(field -> Objects.equals(field.getValue(), now.get(field.getKey())));
        if (previous.isEmpty()) {
            return incident; // a retry, or two people recording the same figures: nothing changed, nothing to record
        }
        repository.updateImpact(id, impact, clock.instant());
        Map<String, Object> data = new LinkedHashMap<>(now);
        // The fields this change changed, as they were: the entry says "from → to", as every other change does.
        data.put("previous", previous);
        timeline.append(new NewEvent("incident.impact_updated", actor, id, null, incident.serviceId(), data));
        return load(id);
    }

    private static Map<String, Object> impactFields(Incident.Impact impact) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("users_affected", impact.usersAffected());
        fields.put("services_affected", impact.servicesAffected());
        fields.put("data_loss", impact.dataLoss());
        fields.put("financial_impact", impact.financialImpact());
        return fields;
    }

    /**
     * Sets what the public status page calls the incident (the communications lead's words, not an alert's summary).
     * Naming the title it already has (a retry, two people at once) changes nothing and adds no timeline entry. The
     * page is rebuilt once this commits ({@link IncidentEvent.PublicTitleChanged}).
     */
    @Transactional
    public Incident changePublicTitle(long id, String publicTitle, Actor actor) {
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        checkPublicTitle(errors, publicTitle);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return setPublicTitle(id, publicTitle.strip(), actor);
    }

    /** The status page goes back to the title it makes itself ({@link PublicTitles}); nothing happens if none was set. */
    @Transactional
    public Incident clearPublicTitle(long id, Actor actor) {
        return setPublicTitle(id, null, actor);
    }

    private Incident setPublicTitle(long id, String publicTitle, Actor actor) {
        timeline.lock();
        Incident incident = load(id);
        if (Objects.equals(incident.publicTitle(), publicTitle)) {
            return incident;
        }
        repository.updatePublicTitle(id, publicTitle, clock.instant());
        Map<String, Object> data = new LinkedHashMap<>();
        if (publicTitle != null) {
            data.put("public_title", publicTitle);
        }
        data.put("previous", incident.publicTitle());
        timeline.append(new NewEvent(publicTitle == null ? "incident.public_title_cleared" : "incident.public_title_set",
                actor, id, null, incident.serviceId(), data));
        events.publishEvent(new IncidentEvent.PublicTitleChanged(id, incident.serviceId(), publicTitle, actor));
        return load(id);
    }

    /**
     * A person's choice for the status page, over {@code status_page.publish}: publish it (true), hide it (false), or
     * let the rule decide again (null). A resolved incident's choice changes too: a false alarm is hidden after the
     * fact. Choosing what it already has changes nothing and adds no timeline entry. The page is rebuilt once this
     * commits ({@link IncidentEvent.PublicationChanged}).
     */
    @Transactional
    public Incident choosePublication(long id, Boolean published, Actor actor) {
        timeline.lock();
        Incident incident = load(id);
        if (Objects.equals(incident.published(), published)) {
            return incident;
        }
        repository.updatePublished(id, published, clock.instant());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("published", published);
        data.put("previous", incident.published());
        Incident after = load(id);
        // What the page does now: "back to the rule" alone would not say whether the rule shows it.
        data.put("on_page", publication.published(after));
        timeline.append(new NewEvent(published == null ? "incident.publication_cleared"
                : published ? "incident.published" : "incident.unpublished", actor, id, null, incident.serviceId(), data));
        events.publishEvent(new IncidentEvent.PublicationChanged(id, incident.serviceId(), published, actor));
        return after;
    }

    /** An internal note: for responders, never shown on the public status page. Returns its timeline entry's seq. */
    @Transactional
    public long addNote(long id, String text, Actor actor) {
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        requireText(errors, "text", text, MAX_TEXT);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        timeline.lock();
        Incident incident = load(id);
        repository.touch(id, clock.instant());
        return timeline.append(new NewEvent("incident.note_added", actor, id, null, incident.serviceId(),
                Map.of("text", text)));
    }

    /** A stakeholder update (seed 003's "Status / Impact / Next update"), optionally moving the status with it. */
    @Transactional
    public Incident postStatusUpdate(long id, String message, IncidentStatus status, Actor actor) {
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        requireText(errors, "message", message, MAX_TEXT);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        timeline.lock();
        Incident incident = load(id);
        if (status != null && status != incident.status()) {
            if (!incident.status().canMoveTo(status)) {
                throw new ConflictException("incident " + id + " is " + incident.status().wire()
                        + " and cannot move to " + status.wire());
            }
            if (status == IncidentStatus.RESOLVED) {
                // The update's words are the resolution: the resolution message carries them to stakeholders.
                resolveLoaded(incident, message, actor);
            } else {
                apply(incident, status, null, actor);
            }
        } else {
            repository.touch(id, clock.instant());
        }
        IncidentStatus after = status == null ? incident.status() : status;
        timeline.append(new NewEvent("incident.status_update", actor, id, null, incident.serviceId(),
                Map.of("message", message, "status", after.wire())));
        events.publishEvent(new IncidentEvent.StatusUpdatePosted(id, incident.serviceId(), message, after, actor));
        return load(id);
    }

    @Transactional(readOnly = true)
    public Incident get(long id) {
        return load(id);
    }

    @Transactional(readOnly = true)
    public List<Incident> list(IncidentFilter filter) {
        return repository.list(filter);
    }

    /**
     * The open incidents, newest first, at most {@link #OPEN_SHOWN}: for the pages that show or count every open
     * incident. Read through the status index whatever the database, so that the read costs what is open, not what
     * was ever opened.
     */
    @Transactional(readOnly = true)
    public List<Incident> open() {
        return repository.open();
    }

    /**
     * A service's open incidents, newest first, at most {@link #OPEN_SHOWN}: read by status and service, so that the
     * read costs what is open on the service, not what it or any other service ever had.
     */
    @Transactional(readOnly = true)
    public List<Incident> openOfService(String serviceId) {
        return repository.openOfService(serviceId);
    }

    /**
     * At most {@code newest} of a service's incidents resolved since {@code since}, whenever they opened, newest
     * first: read by status, resolution time and service, so that the read costs the service's resolutions since then
     * only.
     */
    @Transactional(readOnly = true)
    public List<Incident> resolvedOfServiceSince(String serviceId, Instant since, int newest) {
        return repository.resolvedOfServiceSince(serviceId, since, newest);
    }

    /**
     * Every incident resolved since {@code since}, whenever it opened, newest first: for a view that counts them all
     * (the status page's 90 days of bars), which a page at a time would read many times over.
     */
    @Transactional(readOnly = true)
    public List<Incident> resolvedSince(Instant since) {
        return repository.resolvedSince(since);
    }

    /** Incidents newest first, and the {@code before} of the page after them: null when none follows. */
    public record Page(List<Incident> incidents, Long nextBefore) {
    }

    /**
     * A page of what the filter takes. A service or severity that names nothing in the configuration is refused,
     * naming the field, rather than answered with an empty page to puzzle over.
     */
    public Page page(IncidentFilter filter) {
        List<InvalidInputException.FieldError> problems = filterProblems(filter.serviceId(), filter.severity());
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        // One more than asked: a full page is the last one when nothing follows it.
        List<Incident> found = repository.list(filter.withLimit(filter.limit() + 1));
        if (found.size() <= filter.limit()) {
            return new Page(found, null);
        }
        List<Incident> page = found.subList(0, filter.limit());
        return new Page(List.copyOf(page), page.get(page.size() - 1).id());
    }

    /** What is wrong with a list's service and severity filters (null: any), for a form to show beside its fields. */
    public List<InvalidInputException.FieldError> filterProblems(String serviceId, String severity) {
        List<InvalidInputException.FieldError> problems = new ArrayList<>();
        if (serviceId != null && config.service(serviceId).isEmpty()) {
            problems.add(new InvalidInputException.FieldError("service", "no service has the id '" + serviceId + "'"));
        }
        if (severity != null && !config.severities().contains(severity)) {
            problems.add(new InvalidInputException.FieldError("severity",
                    "expected one of " + config.severities().ids() + ", got '" + severity + "'"));
        }
        return problems;
    }

    public List<TimelineEvent> timeline(long id, long afterSeq, int limit) {
        load(id);
        return timeline.forIncident(id, afterSeq, limit);
    }

    /** The incident's newest {@code limit} timeline entries, oldest first. */
    public List<TimelineEvent> latestTimeline(long id, int limit) {
        load(id);
        return timeline.latestForIncident(id, limit);
    }

    public boolean timelineHas(long id, String kind) {
        return timeline.hasKind(id, kind);
    }

    private void apply(Incident incident, IncidentStatus next, String message, Actor actor) {
        apply(incident, next, message, actor, null);
    }

    private void apply(Incident incident, IncidentStatus next, String message, Actor actor, Long alertId) {
        Instant now = clock.instant();
        boolean reopening = incident.status() == IncidentStatus.RESOLVED;
        Instant ackedAt = next == IncidentStatus.TRIGGERED ? null : ackedAt(incident, now);
        repository.updateStatus(incident.id(), next, now, ackedAt, null, reopening ? null : incident.resolution());
        if (next == IncidentStatus.TRIGGERED) {
            // Reopened or un-acknowledged: somebody must respond again, within the severity's target from now.
            repository.awaitResponse(incident.id(), now, responseDue(now, incident.severity()));
        }
        String kind = reopening ? "incident.reopened"
                : next == IncidentStatus.ACKNOWLEDGED ? "incident.acknowledged"
                : next == IncidentStatus.TRIGGERED ? "incident.unacknowledged"
                : "incident.status_changed";
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", incident.status().wire());
        data.put("to", next.wire());
        if (message != null) {
            data.put("message", message);
        }
        timeline.append(new NewEvent(kind, actor, incident.id(), alertId, incident.serviceId(), data));
        if (incident.acknowledgedAt() == null && ackedAt != null) {
            Timer.builder("tocsin.incidents.time_to_acknowledge")
                    .description("Time from an incident opening to its first acknowledgement")
                    .tag("severity", incident.severity()).register(meters)
                    .record(java.time.Duration.between(incident.openedAt(), now));
        }
        events.publishEvent(new IncidentEvent.StatusChanged(incident.id(), incident.serviceId(), incident.severity(),
                incident.status(), next, actor));
    }

    private Incident resolveLoaded(Incident incident, String resolution, Actor actor) {
        Instant now = clock.instant();
        repository.updateStatus(incident.id(), IncidentStatus.RESOLVED, now, ackedAt(incident, now), now, resolution);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", incident.status().wire());
        if (resolution != null) {
            data.put("resolution", resolution);
        }
        timeline.append(new NewEvent("incident.resolved", actor, incident.id(), null, incident.serviceId(), data));
        recordResolved(incident, now);
        events.publishEvent(new IncidentEvent.StatusChanged(incident.id(), incident.serviceId(), incident.severity(),
                incident.status(), IncidentStatus.RESOLVED, actor));
        events.publishEvent(new IncidentEvent.ResolvedByHand(incident.id(), actor));
        return load(incident.id());
    }

    private void recordResolved(Incident incident, Instant now) {
        Timer.builder("tocsin.incidents.time_to_resolve").description("Time from an incident opening to its resolution")
                .tag("severity", incident.severity()).register(meters)
                .record(java.time.Duration.between(incident.openedAt(), now));
    }

    private void countOpened(String severity, String origin) {
        Counter.builder("tocsin.incidents.opened").description("Incidents opened, from an alert or declared by hand")
                .tag("severity", severity).tag("origin", origin).register(meters).increment();
    }

    /** Resolving or moving past "triggered" counts as acknowledgement if nobody had acknowledged yet. */
    private static Instant ackedAt(Incident incident, Instant now) {
        return incident.acknowledgedAt() != null ? incident.acknowledgedAt() : now;
    }

    private Incident load(long id) {
        return repository.find(id).orElseThrow(() -> noSuchIncident(id));
    }

    private static NotFoundException noSuchIncident(long id) {
        return new NotFoundException("incident " + id + " does not exist");
    }

    private void checkUser(List<InvalidInputException.FieldError> errors, String field, String userId) {
        if (userId != null && config.user(userId).isEmpty()) {
            errors.add(new InvalidInputException.FieldError(field, "unknown user '" + userId + "'"));
        } else if (userId != null && config.user(userId).get().isObserver()) {
            // A role is a responder's job (the communications lead is reminded to post updates); observers only watch.
            errors.add(new InvalidInputException.FieldError(field, "'" + userId + "' is an observer, and observers "
                    + "hold no incident role: name a responder"));
        }
    }

    /**
     * {@code prefix} is where the impact sits in the request: {@code impact.} inside a declaration, nothing in a
     * request whose body is the impact, so that each error names the field as the caller wrote it.
     */
    private void checkImpact(List<InvalidInputException.FieldError> errors, String prefix, Incident.Impact impact) {
        if (impact.usersAffected() != null && impact.usersAffected() < 0) {
            errors.add(new InvalidInputException.FieldError(prefix + "users_affected", "must be zero or more"));
        }
        for (int i = 0; i < impact.servicesAffected().size(); i++) {
            String s = impact.servicesAffected().get(i);
            if (s == null || config.service(s).isEmpty()) {
                errors.add(new InvalidInputException.FieldError(prefix + "services_affected[" + i + "]",
                        "unknown service '" + s + "'"));
            }
        }
        optionalText(errors, prefix + "financial_impact", impact.financialImpact(), 500);
    }

    private static void checkPublicTitle(List<InvalidInputException.FieldError> errors, String publicTitle) {
        if (publicTitle == null || publicTitle.isBlank()) {
            errors.add(new InvalidInputException.FieldError("public_title", publicTitle == null
                    ? "required (clear it to show the status page's own title)" : "must not be blank"));
        } else {
            optionalText(errors, "public_title", publicTitle.strip(), PublicTitles.MAX);
        }
    }

    private static void requireText(List<InvalidInputException.FieldError> errors, String field, String value, int max) {
        if (value == null || value.isBlank()) {
            errors.add(new InvalidInputException.FieldError(field, "required"));
        } else {
            optionalText(errors, field, value, max);
        }
    }

    private static void optionalText(List<InvalidInputException.FieldError> errors, String field, String value, int max) {
        String problem = FieldErrors.textProblem(value, max);
        if (problem != null) {
            errors.add(new InvalidInputException.FieldError(field, problem));
        }
    }

    private static void checkOptionalText(String field, String value) {
        String problem = FieldErrors.textProblem(value, MAX_TEXT);
        if (problem != null) {
            throw new InvalidInputException(field, problem);
        }
    }

    /** When an incident awaiting a response since {@code since}, with this severity, must be acknowledged ({@link ResponseTargets}). */
    private Instant responseDue(Instant since, String severity) {
        return config.severities().respondBy(severity, since).orElse(null);
    }

    /**
     * The due time after a severity change, while a response is still awaited: the new target counts from when the
     * wait began (the opening, a reopening or an un-acknowledgement). None once the wait has been handled (acknowledged,
     * or already breached), which is when the due time is gone.
     */
    private Instant responseDue(Incident incident, String severity) {
        boolean awaited = incident.status() == IncidentStatus.TRIGGERED && incident.acknowledgedAt() == null
                && incident.responseDueAt() != null;
        return awaited ? responseDue(incident.awaitingResponseSince(), severity) : null;
    }
}
