package dev.tocsin.alert;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.alert.AlertRepository.Key;
import dev.tocsin.alert.AlertRepository.OpenAlert;
import dev.tocsin.incident.IncidentService;

/**
 * The open alert of each key a transaction touches, and the open incident of each alert group, read from the
 * database once and kept current in memory as the transaction changes them. Only the intake changes alerts and opens
 * or resolves incidents from them, always holding the timeline lock, so while this transaction holds it nothing else
 * can make the book wrong (a person resolving an incident waits for the lock too); it lives no longer than the
 * transaction. Keeping the groups here also spares an Alertmanager webhook of many alerts a look-up per alert.
 */
final class OpenAlertBook {

    private final AlertRepository alerts;
    private final IncidentService incidents;
    /** Per key: its open alert, or empty when it has none; a key not in here has not been read yet. */
    private final Map<Key, Optional<OpenAlert>> known = new HashMap<>();
    /**
     * Per incident: how many of its alerts are open, once a resolve has asked. An incident of a large Alertmanager
     * group holds thousands of alerts, and counting them again for each resolve made resolving the group quadratic.
     */
    private final Map<Long, Long> openAlertsOfIncident = new HashMap<>();
    /** Per service and group: its open incident, or empty when it has none; likewise read when first asked. */
    private final Map<Group, Optional<Long>> groups = new HashMap<>();

    private record Group(String serviceId, String name) {
    }

    private OpenAlertBook(AlertRepository alerts, IncidentService incidents) {
        this.alerts = alerts;
        this.incidents = incidents;
    }

    /** A book that reads each key when first asked. */
    static OpenAlertBook lazy(AlertRepository alerts, IncidentService incidents) {
        return new OpenAlertBook(alerts, incidents);
    }

    /** A book that has read the keys of a batch's alert events up front, in one statement. */
    static OpenAlertBook of(AlertRepository alerts, IncidentService incidents, List<Intake> batch) {
        OpenAlertBook book = new OpenAlertBook(alerts, incidents);
        List<Key> keys = batch.stream()
                .filter(Intake.AlertEvent.class::isInstance).map(Intake.AlertEvent.class::cast)
                .map(e -> new Key(e.serviceId(), e.dedupKey())).toList();
        if (!keys.isEmpty()) {
            Map<Key, OpenAlert> open = alerts.findOpen(keys);
            for (Key key : keys) {
                book.known.put(key, Optional.ofNullable(open.get(key)));
            }
        }
        return book;
    }

    Optional<OpenAlert> find(String serviceId, String dedupKey) {
        return known.computeIfAbsent(new Key(serviceId, dedupKey), k -> alerts.findOpen(k.serviceId(), k.dedupKey()));
    }

    /** The key's open alert is now {@code alert}: just inserted, or changed by an event. */
    void put(String serviceId, String dedupKey, OpenAlert alert) {
        known.put(new Key(serviceId, dedupKey), Optional.of(alert));
    }

    void resolved(String serviceId, String dedupKey) {
        known.put(new Key(serviceId, dedupKey), Optional.empty());
    }

    /** An alert of the incident was resolved, in the database too: how many of the incident's alerts are still open. */
    long openAlertsAfterResolving(long incidentId) {
        Long counted = openAlertsOfIncident.get(incidentId);
        long open = counted == null ? alerts.countOpenOfIncident(incidentId) : counted - 1;
        openAlertsOfIncident.put(incidentId, open);
        return open;
    }

    /** A new alert of the incident (null: of none) was inserted. */
    void alertOpened(Long incidentId) {
        if (incidentId != null) {
            openAlertsOfIncident.computeIfPresent(incidentId, (id, open) -> open + 1);
        }
    }

    /**
     * The incident the group's first alert opened, while it is open (and within the group's window, if it has one); null
     * when the group has none.
     */
    Long openIncidentOfGroup(String serviceId, Intake.IncidentGroup group) {
        return groups.computeIfAbsent(new Group(serviceId, group.key()),
                k -> incidents.openIncidentOfGroup(serviceId, group.key(), group.window())).orElse(null);
    }

    void groupOpened(String serviceId, String group, long incidentId) {
        groups.put(new Group(serviceId, group), Optional.of(incidentId));
    }

    /** The incident was resolved with its last alert: a later alert of its group opens a new one. */
    void incidentResolved(long incidentId) {
        groups.replaceAll((group, incident) -> incident.equals(Optional.of(incidentId)) ? Optional.empty() : incident);
    }
}
