package dev.tocsin.statuspage;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What the public status page shows, computed once per change and cached: every field is public information
 * (titles, public status updates, resolutions), never internal notes or who did what. {@code recent} (the 50 most
 * recent incidents, open or resolved) and {@code completed} (maintenance that ended in the 90 days) are for the
 * Statuspage-compatible API.
 */
record StatusView(String title, String description, String logoUrl, String pageUrl, Status overall,
                  List<Component> components, List<IncidentView> active, List<WindowView> maintenance,
                  List<IncidentView> history, List<IncidentView> recent, List<WindowView> completed,
                  Instant generatedAt) {

    /** Statuspage's component vocabulary, worst last. */
    enum Status {
        OPERATIONAL("operational", "Operational", "All systems operational"),
        UNDER_MAINTENANCE("under_maintenance", "Under maintenance", "Maintenance in progress"),
        DEGRADED_PERFORMANCE("degraded_performance", "Degraded performance", "Degraded performance"),
        PARTIAL_OUTAGE("partial_outage", "Partial outage", "Partial outage"),
        MAJOR_OUTAGE("major_outage", "Major outage", "Major outage");

        final String wire;
        final String label;
        final String banner;

        Status(String wire, String label, String banner) {
            this.wire = wire;
            this.label = label;
            this.banner = banner;
        }

        public String wire() {
            return wire;
        }

        public String label() {
            return label;
        }

        public String banner() {
            return banner;
        }

        Status worst(Status other) {
            return other.ordinal() > ordinal() ? other : this;
        }
    }

    /** One service. {@code uptime} over the 90 days, in percent, null without monitors. */
    record Component(String id, String name, String description, Status status, Double uptime, List<Day> days) {
    }

    /** One day's bar: {@code level} none (nothing known), ok, minor, major, maintenance; {@code note} its tooltip. */
    record Day(LocalDate date, String level, String note) {
    }

    /** {@code components} are the names of the affected components, {@code componentIds} their ids, in that order. */
    record IncidentView(long id, String title, String impact, String status, Instant startedAt, Instant resolvedAt,
                        List<String> components, List<String> componentIds, List<Update> updates) {
    }

    /** A public update: what was said, under which status, when; {@code id} stays the same from build to build. */
    record Update(String id, Instant at, String status, String text) {
    }

    record WindowView(String componentId, String component, Instant startsAt, Instant endsAt, String reason,
                      boolean active) {
    }
}
