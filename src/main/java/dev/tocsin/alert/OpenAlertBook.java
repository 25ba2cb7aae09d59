package dev.tocsin.alert;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.alert.AlertRepository.Key;
import dev.tocsin.alert.AlertRepository.OpenAlert;

/**
 * The open alert of each key a transaction touches, read from the database once and kept current in memory as the
 * transaction changes them. Only the intake changes alerts, always holding the timeline lock, so while this
 * transaction holds it nothing else can make the book wrong; it lives no longer than the transaction.
 */
final class OpenAlertBook {

    private final AlertRepository alerts;
    /** Per key: its open alert, or empty when it has none; a key not in here has not been read yet. */
    private final Map<Key, Optional<OpenAlert>> known = new HashMap<>();

    private OpenAlertBook(AlertRepository alerts) {
        this.alerts = alerts;
    }

    /** A book that reads each key when first asked. */
    static OpenAlertBook lazy(AlertRepository alerts) {
        return new OpenAlertBook(alerts);
    }

    /** A book that has read the keys of a batch's alert events up front, in one statement. */
    static OpenAlertBook of(AlertRepository alerts, List<Intake> batch) {
        OpenAlertBook book = new OpenAlertBook(alerts);
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
}
