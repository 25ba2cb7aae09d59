package dev.tocsin.alert;

import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Change events (deploys) of a service for other features: the dashboard, the incident page ("what changed?"). */
@Component
public class RecentChanges {

    public record Change(String serviceId, String summary, String source, Instant occurredAt) {
    }

    private final ChangeEventRepository changes;

    RecentChanges(ChangeEventRepository changes) {
        this.changes = changes;
    }

    /** The service's changes that happened at or after {@code since}, newest first. */
    @Transactional(readOnly = true)
    public List<Change> since(String serviceId, Instant since, int limit) {
        return changes.recent(serviceId, since, limit).stream()
                .map(c -> new Change(c.serviceId(), c.summary(), c.source(), c.occurredAt())).toList();
    }
}
