package dev.tocsin.statuspage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The page in the shapes of Atlassian Statuspage's public API v2, so that what already reads a Statuspage (status
 * aggregators, chat and dashboard widgets, scripts, its embeddable widget) reads this one: each body by its path under
 * {@code /status/api/v2/}. Only what the page shows is in them.
 */
final class StatuspageApi {

    static final String SUMMARY = "summary.json";
    static final List<String> PATHS = List.of(SUMMARY, "status.json", "components.json", "incidents.json",
            "incidents/unresolved.json", "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json",
            "scheduled-maintenances/active.json");

    /** As Statuspage writes them: UTC, to the millisecond, always the same length. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);
    private static final int LIMIT = 50;

    private final StatusView view;
    private final String pageId;
    private final Map<String, Object> page;
    private final Map<String, Map<String, Object>> components = new LinkedHashMap<>();

    StatuspageApi(StatusView view) {
        this.view = view;
        this.pageId = pageId(view.pageUrl());
        this.page = new LinkedHashMap<>();
        page.put("id", pageId);
        page.put("name", view.title());
        page.put("url", view.pageUrl());
        page.put("time_zone", "Etc/UTC");
        page.put("updated_at", time(view.generatedAt()));
        int position = 1;
        for (StatusView.Component c : view.components()) {
            components.put(c.id(), component(c, position++));
        }
    }

    /** Every body, by its path under {@code /status/api/v2/}. */
    Map<String, Object> bodies() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> unresolved = view.active().stream().map(this::incident).toList();
        List<Map<String, Object>> upcoming = view.maintenance().stream().filter(w -> !w.active())
                .map(this::maintenance).toList();
        List<Map<String, Object>> active = view.maintenance().stream().filter(StatusView.WindowView::active)
                .map(this::maintenance).toList();
        List<StatusView.WindowView> every = new ArrayList<>(view.maintenance());
        every.addAll(view.completed());
        every.sort(Comparator.comparing(StatusView.WindowView::startsAt).reversed());

        Map<String, Object> summary = withPage();
        summary.put("status", status());
        summary.put("components", List.copyOf(components.values()));
        summary.put("incidents", unresolved);
        summary.put("scheduled_maintenances", view.maintenance().stream().map(this::maintenance).toList());
        out.put(SUMMARY, summary);
        out.put("status.json", withPage("status", status()));
        out.put("components.json", withPage("components", List.copyOf(components.values())));
        out.put("incidents.json", withPage("incidents", view.recent().stream().map(this::incident).toList()));
        out.put("incidents/unresolved.json", withPage("incidents", unresolved));
        out.put("scheduled-maintenances.json", withPage("scheduled_maintenances",
                every.stream().limit(LIMIT).map(this::maintenance).toList()));
        out.put("scheduled-maintenances/upcoming.json", withPage("scheduled_maintenances", upcoming));
        out.put("scheduled-maintenances/active.json", withPage("scheduled_maintenances", active));
        return out;
    }

    private Map<String, Object> withPage() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("page", page);
        return m;
    }

    private Map<String, Object> withPage(String key, Object value) {
        Map<String, Object> m = withPage();
        m.put(key, value);
        return m;
    }

    /** Statuspage's indicator for the page's worst component, with Statuspage's words for it. */
    private Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (view.overall()) {
            case OPERATIONAL -> {
                m.put("indicator", "none");
                m.put("description", "All Systems Operational");
            }
            case UNDER_MAINTENANCE -> {
                m.put("indicator", "maintenance");
                m.put("description", "Service Under Maintenance");
            }
            case DEGRADED_PERFORMANCE -> {
                m.put("indicator", "minor");
                m.put("description", "Minor Service Outage");
            }
            case PARTIAL_OUTAGE -> {
                m.put("indicator", "major");
                m.put("description", "Partial System Outage");
            }
            case MAJOR_OUTAGE -> {
                m.put("indicator", "critical");
                m.put("description", "Major System Outage");
            }
        }
        return m;
    }

    /**
     * A component as Statuspage has it. Tocsin keeps no time of a component's creation or of its last change of
     * status: {@code created_at} is null and {@code updated_at} is when the page was last built.
     */
    private Map<String, Object> component(StatusView.Component c, int position) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("name", c.name());
        m.put("status", c.status().wire());
        m.put("created_at", null);
        m.put("updated_at", time(view.generatedAt()));
        m.put("position", position);
        m.put("description", c.description());
        m.put("showcase", true);
        m.put("start_date", null);
        m.put("group_id", null);
        m.put("page_id", pageId);
        m.put("group", false);
        m.put("only_show_if_degraded", false);
        m.put("uptime_90d", c.uptime());
        return m;
    }

    private Map<String, Object> incident(StatusView.IncidentView i) {
        String during = impactStatus(i.impact());
        List<StatusView.Update> updates = i.updates(); // newest first
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(i.id()));
        m.put("name", i.title());
        m.put("status", i.status());
        m.put("created_at", time(i.startedAt()));
        m.put("updated_at", time(updates.isEmpty() ? i.startedAt() : updates.get(0).at()));
        m.put("monitoring_at", updates.stream().filter(u -> "monitoring".equals(u.status())).findFirst()
                .map(u -> time(u.at())).orElse(null));
        m.put("resolved_at", time(i.resolvedAt()));
        m.put("impact", i.impact());
        m.put("shortlink", view.pageUrl() + "#incident-" + i.id());
        m.put("started_at", time(i.startedAt()));
        m.put("page_id", pageId);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int n = 0; n < updates.size(); n++) {
            StatusView.Update u = updates.get(n);
            boolean first = n == updates.size() - 1;
            // What the update did to the components: the first puts them in the incident's impact, the resolution
            // back to operational; the others leave them as they were.
            String before = first ? "operational" : during;
            String after = "resolved".equals(u.status()) ? "operational" : during;
            out.add(update(u, Long.toString(i.id()), i.componentIds(), before, after));
        }
        m.put("incident_updates", out);
        m.put("components", i.componentIds().stream().map(components::get).filter(java.util.Objects::nonNull).toList());
        return m;
    }

    /**
     * A maintenance window as a scheduled maintenance. Tocsin does not keep when a window was planned: its
     * {@code created_at} and its "scheduled" update carry {@code scheduled_for}, and the windows of the file and of the
     * API alike get an id from their component and start.
     */
    private Map<String, Object> maintenance(StatusView.WindowView w) {
        Instant now = view.generatedAt();
        boolean completed = !w.endsAt().isAfter(now);
        String status = completed ? "completed" : w.active() ? "in_progress" : "scheduled";
        String id = w.componentId() + "-" + w.startsAt().getEpochSecond();
        List<String> ids = List.of(w.componentId());
        List<Map<String, Object>> updates = new ArrayList<>();
        if (completed) {
            updates.add(update(new StatusView.Update(id + "-2", w.endsAt(), "completed",
                    "The scheduled maintenance has been completed."), id, ids, "under_maintenance", "operational"));
        }
        if (completed || w.active()) {
            updates.add(update(new StatusView.Update(id + "-1", w.startsAt(), "in_progress",
                    "Scheduled maintenance is in progress."), id, ids, "operational", "under_maintenance"));
        }
        updates.add(update(new StatusView.Update(id + "-0", w.startsAt(), "scheduled",
                w.reason() == null ? "Maintenance is scheduled." : w.reason()), id, ids, "operational", "operational"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", w.reason() == null ? "Maintenance" : w.reason());
        m.put("status", status);
        m.put("created_at", time(w.startsAt()));
        m.put("updated_at", time(completed ? w.endsAt() : w.startsAt()));
        m.put("monitoring_at", null);
        m.put("resolved_at", completed ? time(w.endsAt()) : null);
        m.put("impact", "maintenance");
        m.put("shortlink", view.pageUrl());
        m.put("started_at", time(w.startsAt()));
        m.put("page_id", pageId);
        m.put("incident_updates", updates);
        m.put("components", components.containsKey(w.componentId()) ? List.of(components.get(w.componentId())) : List.of());
        m.put("scheduled_for", time(w.startsAt()));
        m.put("scheduled_until", time(w.endsAt()));
        return m;
    }

    private Map<String, Object> update(StatusView.Update u, String incidentId, List<String> componentIds, String before,
                                       String after) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.id());
        m.put("status", u.status());
        m.put("body", u.text());
        m.put("incident_id", incidentId);
        m.put("created_at", time(u.at()));
        m.put("updated_at", time(u.at()));
        m.put("display_at", time(u.at()));
        List<Map<String, Object>> affected = new ArrayList<>();
        for (String id : componentIds) {
            Map<String, Object> c = components.get(id);
            if (c == null) {
                continue;
            }
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("code", id);
            a.put("name", c.get("name"));
            a.put("old_status", before);
            a.put("new_status", after);
            affected.add(a);
        }
        m.put("affected_components", affected);
        m.put("deliver_notifications", true);
        m.put("custom_tweet", null);
        m.put("tweet_id", null);
        return m;
    }

    /** The component status the page gives an incident's impact (docs/statuspage.md). */
    private static String impactStatus(String impact) {
        return switch (impact) {
            case "critical" -> StatusView.Status.MAJOR_OUTAGE.wire();
            case "major" -> StatusView.Status.PARTIAL_OUTAGE.wire();
            default -> StatusView.Status.DEGRADED_PERFORMANCE.wire();
        };
    }

    private static String time(Instant at) {
        return at == null ? null : TIME.format(at);
    }

    /**
     * Statuspage names a page by a short id that widgets and aggregators key on; this page's is drawn from its address,
     * so it stays the same across restarts and nodes and differs between installations.
     */
    private static String pageId(String pageUrl) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(pageUrl.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
