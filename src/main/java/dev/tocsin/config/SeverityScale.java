package dev.tocsin.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The incident severity levels, most urgent first, each with its response target
 * (seed 000: P0 5 min, P1 15 min, P2 1 h, P3 24 h). Levels are data, not an enum:
 * a team may use SEV1-4 or P1-P4 instead.
 */
public record SeverityScale(List<Level> levels, Map<String, String> eventSeverityMap) {

    public static final List<String> EVENT_SEVERITIES = List.of("critical", "error", "warning", "info");

    /** {@code updateInterval}: how often stakeholders expect an update while open (seed 003: P0 15 min), or null. */
    public record Level(String id, String name, int rank, Duration responseTarget, String description,
                        Duration updateInterval) {

        /** When an incident of this level opened at {@code openedAt} must be acknowledged by. */
        public Instant respondBy(Instant openedAt) {
            return openedAt.plus(responseTarget);
        }
    }

    public Optional<Level> level(String id) {
        return levels.stream().filter(l -> l.id().equals(id)).findFirst();
    }

    public boolean contains(String id) {
        return level(id).isPresent();
    }

    /** When an incident of this severity opened at {@code openedAt} must be acknowledged by; empty if the level is unknown. */
    public Optional<Instant> respondBy(String id, Instant openedAt) {
        return level(id).map(l -> l.respondBy(openedAt));
    }

    /** Rank 0 is the most urgent. */
    public int rank(String id) {
        return level(id).map(Level::rank).orElse(Integer.MAX_VALUE);
    }

    /** The incident severity an event severity maps to (critical → P0 … info → P3 by default). */
    public String forEventSeverity(String eventSeverity) {
        return eventSeverityMap.getOrDefault(eventSeverity, levels.get(levels.size() - 1).id());
    }

    public List<String> ids() {
        return levels.stream().map(Level::id).toList();
    }
}
