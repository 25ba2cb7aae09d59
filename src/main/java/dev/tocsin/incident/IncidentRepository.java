package dev.tocsin.incident;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.tocsin.jdbc.DeferredWrites;
import dev.tocsin.jdbc.IdsUnderLock;
import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Incidents are two rows: {@code incident}, what it was opened with (number, title, service, origin, time), indexed by
 * service and time; and {@code incident_state}, everything that changes (status, severity, times, roles, impact, the
 * response due time), keyed by the incident and indexed by status and due time. A change then rewrites the state row
 * and its two indexes, not every index of the incident (V14). The state row repeats the service, never changed, at
 * the end of its status index, so that one service's incidents are read by status without reading others' (V24).
 */
@Repository
class IncidentRepository {

    private static final String SELECT =
            "SELECT i.*, s.* FROM incident i JOIN incident_state s ON s.incident_id = i.id";
    static final String RESOLVED_SINCE = SELECT + " WHERE s.status = :resolved AND s.resolved_at >= :since ORDER BY i.id DESC";
    /** The open statuses as SQL literals: a closed set of enum names, never anything a caller sent. */
    private static final String OPEN_STATUSES = Arrays.stream(IncidentStatus.values()).filter(IncidentStatus::isOpen)
            .map(s -> "'" + s.wire() + "'").collect(Collectors.joining(", "));
    /**
     * The newest open incidents' numbers. Statuses and limit are written into the text, not bound: PostgreSQL plans
     * a statement run often for any values (a generic plan), and not knowing how few incidents are open, it walked
     * every incident ever opened by number, filtering on status, to find them (docs/performance.md, "Reads on a
     * large database"). Knowing, it reads the status index.
     */
    private static final String OPEN_IDS = "SELECT incident_id FROM incident_state WHERE status IN (" + OPEN_STATUSES
            + ") ORDER BY incident_id DESC LIMIT " + IncidentService.OPEN_SHOWN;
    /**
     * Those incidents by number. The numbers bound both tables, so that neither is read beyond them whatever the
     * plan; the status again, as one may have been resolved in between.
     */
    private static final String OPEN_BY_IDS = SELECT + " WHERE i.id IN (:ids) AND s.incident_id IN (:ids)"
            + " AND s.status IN (" + OPEN_STATUSES + ") ORDER BY i.id DESC";
    /**
     * The newest open incidents' numbers of one service: as {@link #OPEN_IDS}, the service last in the status index
     * (V24), so that only the service's open rows are fetched. From incident_state alone: joined to incident, the
     * service there offered PostgreSQL its service index instead, every incident the service ever had.
     */
    private static final String OPEN_IDS_OF_SERVICE = "SELECT incident_id FROM incident_state WHERE status IN ("
            + OPEN_STATUSES + ") AND service_id = :service ORDER BY incident_id DESC LIMIT " + IncidentService.OPEN_SHOWN;
    /**
     * The numbers of one service's incidents resolved since a time: a range of the status index, whose last column
     * keeps the other services' rows unread (V24). Neither ordered nor limited here: with ORDER BY incident_id and a
     * LIMIT, PostgreSQL's generic plan walks incident_state by number from the newest, and for a service with fewer
     * recent resolutions than the limit, that is every incident ever opened.
     */
    private static final String RESOLVED_IDS_OF_SERVICE = "SELECT incident_id FROM incident_state"
            + " WHERE status = '" + IncidentStatus.RESOLVED.wire() + "' AND resolved_at >= :since AND service_id = :service";
    /**
     * Incidents by number, both tables bounded as for {@link #OPEN_BY_IDS}. No status here: given "resolved", a plan
     * for any numbers read every resolved incident through the status index to find the few numbers asked for.
     */
    private static final String BY_IDS = SELECT + " WHERE i.id IN (:ids) AND s.incident_id IN (:ids) ORDER BY i.id DESC";

    private final JdbcClient jdbc;
    private final DeferredWrites deferred;

    IncidentRepository(JdbcClient jdbc, DeferredWrites deferred) {
        this.jdbc = jdbc;
        this.deferred = deferred;
    }

    /**
     * Inserts an incident under the next number. The caller holds the timeline lock (every use case that opens an
     * incident takes it first), which serialises openers on all nodes, so "highest number + 1" cannot be taken twice;
     * the highest is read once per transaction ({@link IdsUnderLock}).
     */
    long insert(String title, String description, String serviceId, String severity, IncidentStatus status,
                String origin, Instant at, Instant responseDueAt, Incident.Roles roles, Incident.Impact impact,
                String publicTitle, Boolean published) {
        long id = IdsUnderLock.next("incident",
                () -> jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM incident").query(Long.class).single());
        Map<String, Object> incident = new HashMap<>();
        incident.put("id", id);
        incident.put("title", title);
        incident.put("description", description);
        incident.put("service", serviceId);
        incident.put("origin", origin);
        incident.put("at", SqlTime.param(at));
        // Sent with the transaction's next statement, together with the incidents opened meanwhile (DeferredWrites).
        deferred.write(DeferredWrites.Kind.INSERT_INCIDENT, """
                INSERT INTO incident (id, title, description, service_id, origin, opened_at)
                VALUES (:id, :title, :description, :service, :origin, :at)""", incident);
        Map<String, Object> state = new HashMap<>();
        state.put("id", id);
        state.put("service", serviceId);
        state.put("severity", severity);
        state.put("status", status.wire());
        state.put("at", SqlTime.param(at));
        state.put("due", SqlTime.param(responseDueAt));
        state.put("commander", roles.incidentCommander());
        state.put("techLead", roles.technicalLead());
        state.put("commsLead", roles.communicationsLead());
        state.put("users", impact.usersAffected());
        state.put("services", joinServices(impact.servicesAffected()));
        state.put("dataLoss", impact.dataLoss());
        state.put("financial", impact.financialImpact());
        state.put("publicTitle", publicTitle);
        state.put("published", published);
        deferred.write(DeferredWrites.Kind.INSERT_INCIDENT_STATE, """
                INSERT INTO incident_state (incident_id, service_id, severity, status, updated_at,
                    awaiting_response_since, response_due_at, commander, technical_lead, communications_lead,
                    users_affected, services_affected, data_loss, financial_impact, public_title, published)
                VALUES (:id, :service, :severity, :status, :at, :at, :due, :commander, :techLead, :commsLead, :users,
                    :services, :dataLoss, :financial, :publicTitle, :published)""", state);
        return id;
    }

    /** Marks the incident as having breached its response target; the first breach is the one kept. */
    void markResponseTargetBreached(long id, Instant at) {
        jdbc.sql("""
                UPDATE incident_state SET response_target_breached_at = :at
                WHERE incident_id = :id AND response_target_breached_at IS NULL""")
                .param("at", SqlTime.param(at)).param("id", id).update();
    }

    /** Where an incident stands, from its state row alone: a repeat asks this far more often than it raises. */
    record Standing(IncidentStatus status, String severity) {
    }

    Optional<Standing> findStanding(long id) {
        return jdbc.sql("SELECT status, severity FROM incident_state WHERE incident_id = :id").param("id", id)
                .query((rs, n) -> new Standing(IncidentStatus.fromWire(rs.getString("status")).orElseThrow(),
                        rs.getString("severity")))
                .optional();
    }

    /** The open incident a group of alerts opened in the service, if it is still open. */
    /** The group's newest incident while it is open, and only if it opened at {@code openedSince} or later (null: ever). */
    Optional<Long> findOpenOfGroup(String serviceId, String groupKey, Instant openedSince) {
        String sql = """
                SELECT g.incident_id FROM incident_group g JOIN incident_state s ON s.incident_id = g.incident_id
                WHERE g.service_id = :service AND g.group_key = :group AND s.status <> :resolved""";
        if (openedSince == null) {
            return jdbc.sql(sql).param("service", serviceId).param("group", groupKey)
                    .param("resolved", IncidentStatus.RESOLVED.wire()).query(Long.class).optional();
        }
        return jdbc.sql(sql + " AND EXISTS (SELECT 1 FROM incident i WHERE i.id = g.incident_id AND i.opened_at >= :since)")
                .param("service", serviceId).param("group", groupKey).param("resolved", IncidentStatus.RESOLVED.wire())
                .param("since", SqlTime.param(openedSince)).query(Long.class).optional();
    }

    /** The group's newest incident is now {@code incidentId}; callers hold the timeline lock, so no node races them. */
    void recordGroup(String serviceId, String groupKey, long incidentId) {
        int updated = jdbc.sql("""
                UPDATE incident_group SET incident_id = :incident WHERE service_id = :service AND group_key = :group""")
                .param("incident", incidentId).param("service", serviceId).param("group", groupKey).update();
        if (updated == 0) {
            jdbc.sql("""
                    INSERT INTO incident_group (service_id, group_key, incident_id) VALUES (:service, :group, :incident)""")
                    .param("service", serviceId).param("group", groupKey).param("incident", incidentId).update();
        }
    }

    Optional<Incident> find(long id) {
        return jdbc.sql(SELECT + " WHERE i.id = :id").param("id", id).query(IncidentRepository::map).optional();
    }

    void updateStatus(long id, IncidentStatus status, Instant at, Instant acknowledgedAt, Instant resolvedAt, String resolution) {
        jdbc.sql("""
                UPDATE incident_state SET status = :status, updated_at = :at, acknowledged_at = :ack,
                    resolved_at = :resolved, resolution = :resolution, snoozed_until = NULL WHERE incident_id = :id""")
                .param("status", status.wire()).param("at", SqlTime.param(at)).param("ack", SqlTime.param(acknowledgedAt))
                .param("resolved", SqlTime.param(resolvedAt)).param("resolution", resolution).param("id", id).update();
    }

    void updateRole(long id, IncidentRole role, String userId, Instant at) {
        // The column name comes from the enum, never from input.
        jdbc.sql("UPDATE incident_state SET " + role.column() + " = :user, updated_at = :at WHERE incident_id = :id")
                .param("user", userId).param("at", SqlTime.param(at)).param("id", id).update();
    }

    void updateImpact(long id, Incident.Impact impact, Instant at) {
        jdbc.sql("""
                UPDATE incident_state SET users_affected = :users, services_affected = :services, data_loss = :dataLoss,
                    financial_impact = :financial, updated_at = :at WHERE incident_id = :id""")
                .param("users", impact.usersAffected()).param("services", joinServices(impact.servicesAffected()))
                .param("dataLoss", impact.dataLoss()).param("financial", impact.financialImpact())
                .param("at", SqlTime.param(at)).param("id", id).update();
    }

    /** The public title, or null for none: the status page then shows what {@link PublicTitles} makes. */
    /** {@code published} null: back to the page's rule. */
    void updatePublished(long id, Boolean published, Instant at) {
        jdbc.sql("UPDATE incident_state SET published = :published, updated_at = :at WHERE incident_id = :id")
                .param("published", published).param("at", SqlTime.param(at)).param("id", id).update();
    }

    void updatePublicTitle(long id, String publicTitle, Instant at) {
        jdbc.sql("UPDATE incident_state SET public_title = :title, updated_at = :at WHERE incident_id = :id")
                .param("title", publicTitle).param("at", SqlTime.param(at)).param("id", id).update();
    }

    /** A new severity, and the response due time that goes with it (null once nobody waits for a response). */
    void updateSeverity(long id, String severity, Instant at, Instant responseDueAt) {
        jdbc.sql("""
                UPDATE incident_state SET severity = :severity, updated_at = :at, response_due_at = :due
                WHERE incident_id = :id""")
                .param("severity", severity).param("at", SqlTime.param(at)).param("due", SqlTime.param(responseDueAt))
                .param("id", id).update();
    }

    /**
     * Whether any incident's response is due: a look every second. In due-time order, so that PostgreSQL reads it off
     * the due-time index whatever {@code now} is. It plans a statement run that often once, for any value (a generic
     * plan, once the driver prepares it on its fifth run); without the order, expecting a third of the incidents to
     * be due, it read incident_state from the start for the first, and so read all of it whenever none was
     * (docs/performance.md, "The response-target look on PostgreSQL").
     */
    boolean anyResponseDue(Instant now) {
        return !jdbc.sql("SELECT incident_id FROM incident_state WHERE response_due_at <= :now"
                        + " ORDER BY response_due_at LIMIT 1")
                .param("now", SqlTime.param(now)).query(Long.class).list().isEmpty();
    }

    /**
     * Claims the incidents whose response target has come; rows another node holds are skipped, not waited for. The
     * due-time order keeps its generic plan on the index too, as for {@link #anyResponseDue}.
     */
    List<Incident> claimResponseDue(Instant now, int limit) {
        return jdbc.sql(SELECT + " WHERE s.response_due_at <= :now"
                        + " ORDER BY s.response_due_at LIMIT :limit FOR UPDATE SKIP LOCKED")
                .param("now", SqlTime.param(now)).param("limit", limit).query(IncidentRepository::map).list();
    }

    /** Incidents still waiting for a response that have no due time: those opened before version 7 (V7). */
    List<Incident> awaitingResponseWithoutDueTime() {
        return jdbc.sql(SELECT + " WHERE s.status = 'triggered' AND s.acknowledged_at IS NULL"
                        + " AND s.response_target_breached_at IS NULL AND s.response_due_at IS NULL")
                .query(IncidentRepository::map).list();
    }

    /** A new wait for a response (a reopening, an un-acknowledgement), due at {@code due}. */
    void awaitResponse(long id, Instant since, Instant due) {
        jdbc.sql("""
                UPDATE incident_state SET awaiting_response_since = :since, response_due_at = :due
                WHERE incident_id = :id""")
                .param("since", SqlTime.param(since)).param("due", SqlTime.param(due)).param("id", id).update();
    }

    void snooze(long id, Instant until, Instant at) {
        jdbc.sql("UPDATE incident_state SET snoozed_until = :until, updated_at = :at WHERE incident_id = :id")
                .param("until", SqlTime.param(until)).param("at", SqlTime.param(at)).param("id", id).update();
    }

    void setResponseDue(long id, Instant due) {
        jdbc.sql("UPDATE incident_state SET response_due_at = :due WHERE incident_id = :id")
                .param("due", SqlTime.param(due)).param("id", id).update();
    }

    void clearResponseDue(long id) {
        jdbc.sql("UPDATE incident_state SET response_due_at = NULL WHERE incident_id = :id").param("id", id).update();
    }

    void touch(long id, Instant at) {
        jdbc.sql("UPDATE incident_state SET updated_at = :at WHERE incident_id = :id")
                .param("at", SqlTime.param(at)).param("id", id).update();
    }

    List<Incident> list(IncidentFilter filter) {
        StringBuilder sql = new StringBuilder(SELECT + " WHERE 1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if (filter.statuses() != null && !filter.statuses().isEmpty()) {
            sql.append(" AND s.status IN (:statuses)");
            params.put("statuses", filter.statuses().stream().map(IncidentStatus::wire).toList());
        }
        if (filter.serviceId() != null) {
            sql.append(" AND i.service_id = :service");
            params.put("service", filter.serviceId());
        }
        if (filter.severity() != null) {
            sql.append(" AND s.severity = :severity");
            params.put("severity", filter.severity());
        }
        if (filter.openedSince() != null) {
            sql.append(" AND i.opened_at >= :since");
            params.put("since", SqlTime.param(filter.openedSince()));
        }
        if (filter.openedUntil() != null) {
            sql.append(" AND i.opened_at < :until");
            params.put("until", SqlTime.param(filter.openedUntil()));
        }
        if (filter.beforeId() != null) {
            sql.append(" AND i.id < :before");
            params.put("before", filter.beforeId());
        }
        sql.append(" ORDER BY i.id DESC LIMIT :limit");
        params.put("limit", filter.limit());
        return jdbc.sql(sql.toString()).params(params).query(IncidentRepository::map).list();
    }

    /** The newest open incidents, at most {@link IncidentService#OPEN_SHOWN}, newest first: two statements. */
    List<Incident> open() {
        List<Long> ids = jdbc.sql(OPEN_IDS).query(Long.class).list();
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(OPEN_BY_IDS).param("ids", ids).query(IncidentRepository::map).list();
    }

    /** One service's newest open incidents, at most {@link IncidentService#OPEN_SHOWN}, newest first: two statements. */
    List<Incident> openOfService(String serviceId) {
        List<Long> ids = jdbc.sql(OPEN_IDS_OF_SERVICE).param("service", serviceId).query(Long.class).list();
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(OPEN_BY_IDS).param("ids", ids).query(IncidentRepository::map).list();
    }

    /**
     * At most {@code newest} of one service's incidents resolved since {@code since}, whenever they opened, newest
     * first: the numbers of all its resolutions since then, then the rows of the newest of them.
     */
    List<Incident> resolvedOfServiceSince(String serviceId, Instant since, int newest) {
        List<Long> ids = jdbc.sql(RESOLVED_IDS_OF_SERVICE).param("since", SqlTime.param(since))
                .param("service", serviceId).query(Long.class).list().stream()
                .sorted(Comparator.reverseOrder()).limit(newest).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        // Resolved still: one may have been reopened in between.
        return jdbc.sql(BY_IDS).param("ids", ids).query(IncidentRepository::map).list().stream()
                .filter(i -> i.status() == IncidentStatus.RESOLVED).toList();
    }

    /**
     * Every incident resolved since {@code since}, newest first, in one statement: a range of incident_state_status
     * (status, resolved_at, then the service), V18 and V24. Read page by page instead, each page walked the whole range again to sort it.
     */
    List<Incident> resolvedSince(Instant since) {
        return jdbc.sql(RESOLVED_SINCE)
                .param("resolved", IncidentStatus.RESOLVED.wire()).param("since", SqlTime.param(since))
                .query(IncidentRepository::map).list();
    }

    private static String joinServices(List<String> services) {
        return services == null || services.isEmpty() ? null : String.join(",", services);
    }

    private static Incident map(ResultSet rs, int row) throws SQLException {
        String services = rs.getString("services_affected");
        return new Incident(rs.getLong("id"), rs.getString("title"), rs.getString("description"),
                rs.getString("service_id"), rs.getString("severity"),
                IncidentStatus.fromWire(rs.getString("status")).orElseThrow(), rs.getString("origin"),
                SqlTime.read(rs, "opened_at"), SqlTime.read(rs, "acknowledged_at"), SqlTime.read(rs, "resolved_at"),
                SqlTime.read(rs, "updated_at"),
                new Incident.Roles(rs.getString("commander"), rs.getString("technical_lead"), rs.getString("communications_lead")),
                new Incident.Impact(rs.getObject("users_affected", Long.class),
                        services == null ? List.of() : new ArrayList<>(Arrays.asList(services.split(","))),
                        rs.getObject("data_loss", Boolean.class), rs.getString("financial_impact")),
                rs.getString("resolution"), SqlTime.read(rs, "awaiting_response_since"), SqlTime.read(rs, "response_due_at"),
                SqlTime.read(rs, "snoozed_until"), rs.getString("public_title"),
                rs.getObject("published", Boolean.class));
    }
}
