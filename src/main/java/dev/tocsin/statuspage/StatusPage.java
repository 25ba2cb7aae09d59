package dev.tocsin.statuspage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.incident.Incident;
import dev.tocsin.incident.IncidentEvent;
import dev.tocsin.incident.IncidentFilter;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.incident.IncidentStatus;
import dev.tocsin.incident.PublicTitles;
import dev.tocsin.incident.Publication;
import dev.tocsin.monitor.MonitorLevelChanged;
import dev.tocsin.monitor.MonitorStatus;
import dev.tocsin.timeline.Timeline;
import dev.tocsin.timeline.TimelineEvent;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Builds the public status page's view and keeps it: rebuilt when an incident changes (every incident event bumps a
 * version) and at most every {@code tocsin.status-page.max-age} otherwise, since monitors and maintenance windows
 * move on their own. Renders cost one build per change, not one per visitor.
 */
@Component
class StatusPage {

    static final int DAYS = 90;
    private static final int HISTORY_LIMIT = 50;
    private static final int PAGE = 500;
    /** The timeline entries whose words the public sees: status updates and the resolution. */
    private static final List<String> PUBLIC_KINDS = List.of("incident.status_update", "incident.resolved");

    private final TocsinConfig config;
    private final IncidentService incidents;
    private final PublicTitles publicTitles;
    private final Publication publication;
    private final Timeline timeline;
    private final MonitorStatus monitors;
    private final Clock clock;
    private final Duration maxAge;
    private final String publicUrl;
    private final AtomicLong version = new AtomicLong();

    private record Cached(long version, long builtAtNanos, StatusView view) {
    }

    private volatile Cached cached;
    private final ReentrantLock building = new ReentrantLock();

    StatusPage(TocsinConfig config, IncidentService incidents, PublicTitles publicTitles, Publication publication,
               Timeline timeline, MonitorStatus monitors, Clock clock,
               @Value("${tocsin.status-page.max-age:10s}") Duration maxAge,
               @Value("${tocsin.public-url}") String publicUrl) {
        this.config = config;
        this.incidents = incidents;
        this.publicTitles = publicTitles;
        this.publication = publication;
        this.timeline = timeline;
        this.monitors = monitors;
        this.clock = clock;
        this.maxAge = maxAge;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /**
     * Any change to any incident makes the next visitor see a fresh page. After the commit, never before: a visitor's
     * build that started in between would read the incident as it was and be kept under the new version.
     */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void incidentChanged(IncidentEvent e) {
        version.incrementAndGet();
    }

    /** A monitor changing level changes a component's status. */
    @EventListener
    void monitorChanged(MonitorLevelChanged e) {
        version.incrementAndGet();
    }

    /** A change the page should show at once (a maintenance window, in tests). */
    void invalidate() {
        version.incrementAndGet();
    }

    long version() {
        return version.get();
    }

    /**
     * The current view. One request rebuilds it at a time: after an incident change the others wait for that build
     * (they must not show the old page); when it has merely aged, they keep showing the old one meanwhile.
     */
    StatusView view() {
        Cached c = cached;
        long v = version.get();
        boolean changed = c == null || c.version() != v;
        boolean aged = c != null && System.nanoTime() - c.builtAtNanos() > maxAge.toNanos();
        if (!changed && !aged) {
            return c.view();
        }
        if (!changed && !building.tryLock()) {
            return c.view();
        }
        if (changed) {
            building.lock();
        }
        try {
            Cached now = cached;
            long current = version.get();
            if (now == null || now.version() != current || System.nanoTime() - now.builtAtNanos() > maxAge.toNanos()) {
                now = new Cached(current, System.nanoTime(), build());
                cached = now;
            }
            return now.view();
        } finally {
            building.unlock();
        }
    }

    private StatusView build() {
        Instant now = clock.instant();
        TocsinConfig.StatusPage settings = config.statusPage();
        List<TocsinConfig.Service> shown = settings.services().isEmpty() ? config.services()
                : settings.services().stream().map(id -> config.service(id).orElseThrow()).toList();
        // Only the published, from here on: a hidden incident colours no component, bar or banner and is in no body.
        List<Incident> open = all((before, size) -> new IncidentFilter(
                EnumSet.complementOf(EnumSet.of(IncidentStatus.RESOLVED)), null, null, null, null, before, size))
                .stream().filter(publication::published).toList();
        // Resolved within the 90 days, however long ago they opened: their days before are on the bars too.
        List<Incident> recent = incidents.resolvedSince(now.minus(Duration.ofDays(DAYS))).stream()
                .filter(publication::published).toList();
        Map<String, MonitorStatus.ServiceLevel> levels = monitors.levelsByService();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = today.minusDays(DAYS - 1);
        Map<String, MonitorStatus.ServiceUptime> uptimes = monitors.uptimeByService(first);
        // The bars need the windows that have ended too (a day of past maintenance stays blue); the rest of the page,
        // those that have not.
        List<MonitorStatus.Window> barWindows = monitors.maintenanceSince(first.atStartOfDay(ZoneOffset.UTC).toInstant());
        List<MonitorStatus.Window> windows = barWindows.stream().filter(w -> w.endsAt().isAfter(now)).toList();

        List<StatusView.Component> components = new ArrayList<>();
        StatusView.Status overall = StatusView.Status.OPERATIONAL;
        for (TocsinConfig.Service s : shown) {
            StatusView.Status status = componentStatus(s.id(), open, levels.get(s.id()), windows);
            overall = overall.worst(status);
            MonitorStatus.ServiceUptime uptime = uptimes.getOrDefault(s.id(), new MonitorStatus.ServiceUptime(Map.of(), null));
            List<Incident> touching = new ArrayList<>(open);
            touching.addAll(recent);
            touching.removeIf(i -> !i.serviceId().equals(s.id()));
            components.add(new StatusView.Component(s.id(), s.name(), s.description(), status,
                    MonitorStatus.percent(uptime.overall()), days(first, today, uptime.byDay(), touching, barWindows, s.id(),
                    now)));
        }
        Set<String> shownIds = new HashSet<>(shownIds(shown));
        List<Incident> activeShown = open.stream().filter(i -> shownIds.contains(i.serviceId())).toList();
        List<Incident> historyShown = recent.stream().filter(i -> shownIds.contains(i.serviceId())).limit(HISTORY_LIMIT)
                .toList();
        // Statuspage's incidents.json: the most recent by when they opened, open or resolved.
        List<Incident> recentShown = new ArrayList<>(activeShown);
        recent.stream().filter(i -> shownIds.contains(i.serviceId())).forEach(recentShown::add);
        recentShown.sort(Comparator.comparing(Incident::openedAt).thenComparing(Incident::id).reversed());
        List<Incident> mostRecent = recentShown.subList(0, Math.min(HISTORY_LIMIT, recentShown.size()));
        // What was said in public about every incident shown, in one read rather than one per incident.
        Set<Long> shownIncidents = new LinkedHashSet<>();
        activeShown.forEach(i -> shownIncidents.add(i.id()));
        historyShown.forEach(i -> shownIncidents.add(i.id()));
        mostRecent.forEach(i -> shownIncidents.add(i.id()));
        Map<Long, List<TimelineEvent>> said = timeline.ofKinds(shownIncidents, PUBLIC_KINDS);
        Map<Long, StatusView.IncidentView> views = new HashMap<>();
        Function<Incident, StatusView.IncidentView> view = i -> views.computeIfAbsent(i.id(),
                k -> incident(i, said.getOrDefault(i.id(), List.of())));
        List<StatusView.IncidentView> active = activeShown.stream().map(view).toList();
        List<StatusView.IncidentView> history = historyShown.stream().map(view).toList();
        List<StatusView.IncidentView> latest = mostRecent.stream().map(view).toList();
        List<StatusView.WindowView> maintenance = windows.stream()
                .filter(w -> shownIds.contains(w.serviceId()))
                .map(this::window)
                .toList();
        List<StatusView.WindowView> completed = barWindows.stream()
                .filter(w -> shownIds.contains(w.serviceId()) && !w.endsAt().isAfter(now))
                .sorted(Comparator.comparing(MonitorStatus.Window::endsAt).reversed())
                .map(this::window)
                .toList();
        return new StatusView(settings.title(), settings.description(), settings.logoUrl(), publicUrl + "/status",
                overall, components, active, maintenance, history, latest, completed, now);
    }

    /**
     * Every incident the filter takes, page by page (it gives the page size and where to start): the day bars must
     * count all of them, however busy the instance, not only the newest few hundred.
     */
    private List<Incident> all(BiFunction<Long, Integer, IncidentFilter> filter) {
        List<Incident> out = new ArrayList<>();
        Long before = null;
        do {
            IncidentService.Page page = incidents.page(filter.apply(before, PAGE));
            out.addAll(page.incidents());
            before = page.nextBefore();
        } while (before != null);
        return out;
    }

    private static List<String> shownIds(List<TocsinConfig.Service> shown) {
        return shown.stream().map(TocsinConfig.Service::id).toList();
    }

    private StatusView.Status componentStatus(String serviceId, List<Incident> open, MonitorStatus.ServiceLevel level,
                                              List<MonitorStatus.Window> windows) {
        StatusView.Status status = StatusView.Status.OPERATIONAL;
        for (MonitorStatus.Window w : windows) {
            if (w.active() && w.serviceId().equals(serviceId)) {
                status = StatusView.Status.UNDER_MAINTENANCE;
            }
        }
        for (Incident i : open) {
            if (i.serviceId().equals(serviceId)) {
                status = status.worst(impactStatus(i.severity()));
            }
        }
        if (level != null && "critical".equals(level.level())) {
            status = status.worst(StatusView.Status.PARTIAL_OUTAGE);
        } else if (level != null && "warning".equals(level.level())) {
            status = status.worst(StatusView.Status.DEGRADED_PERFORMANCE);
        }
        return status;
    }

    /** The page's rule for an open incident, shared with the neutral public title ({@link PublicTitles.Impact}). */
    private StatusView.Status impactStatus(String severity) {
        return StatusView.Status.valueOf(PublicTitles.Impact.of(config.severities().rank(severity)).name());
    }

    private String impact(String severity) {
        int rank = config.severities().rank(severity);
        return rank == 0 ? "critical" : rank == 1 ? "major" : "minor";
    }

    private List<StatusView.Day> days(LocalDate first, LocalDate today, Map<LocalDate, Double> uptime,
                                      List<Incident> incidents, List<MonitorStatus.Window> windows, String serviceId,
                                      Instant now) {
        List<StatusView.Day> days = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
            Instant start = d.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant end = d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            int worst = Integer.MAX_VALUE;
            int count = 0;
            for (Incident i : incidents) {
                Instant until = i.resolvedAt() == null ? now : i.resolvedAt();
                // [opened, resolved) against [start, end): one resolved at midnight is not the next day's too.
                if (i.openedAt().isBefore(end) && (until.isAfter(start) || !i.openedAt().isBefore(start))) {
                    worst = Math.min(worst, config.severities().rank(i.severity()));
                    count++;
                }
            }
            boolean maintained = windows.stream().anyMatch(w -> w.serviceId().equals(serviceId)
                    && w.startsAt().isBefore(end) && w.endsAt().isAfter(start));
            Double up = uptime.get(d);
            String byUptime = up == null ? "ok" : MonitorStatus.uptimeLevel(up);
            String level;
            if (worst == 0 || byUptime.equals("major")) {
                level = "major";
            } else if (count > 0 || byUptime.equals("minor")) {
                level = "minor";
            } else if (maintained) {
                level = "maintenance";
            } else {
                level = "ok";
            }
            StringBuilder note = new StringBuilder(d.toString());
            if (up != null) {
                note.append(": ").append(String.format(Locale.ROOT, "%.2f", up * 100)).append(" % uptime");
            }
            note.append(count == 0 ? ", no incidents" : ", " + count + (count == 1 ? " incident" : " incidents"));
            if (maintained) {
                note.append(", maintenance");
            }
            days.add(new StatusView.Day(d, level, note.toString()));
        }
        return days;
    }

    private StatusView.WindowView window(MonitorStatus.Window w) {
        return new StatusView.WindowView(w.serviceId(), serviceName(w.serviceId()), w.startsAt(), w.endsAt(), w.reason(),
                w.active());
    }

    private StatusView.IncidentView incident(Incident i, List<TimelineEvent> said) {
        List<StatusView.Update> updates = new ArrayList<>();
        for (TimelineEvent e : said) {
            // Only what was said for the public: status updates and the resolution. Notes and who did what stay inside.
            switch (e.kind()) {
                case "incident.status_update" -> {
                    String status = e.data().path("status").asString("investigating");
                    if (!"resolved".equals(status)) { // the resolution entry carries a resolving update's words
                        updates.add(new StatusView.Update(updateId(i, updates), e.occurredAt(), publicStatus(status),
                                e.data().path("message").asString("")));
                    }
                }
                case "incident.resolved" -> {
                    String resolution = e.data().path("resolution").asString("");
                    updates.add(new StatusView.Update(updateId(i, updates), e.occurredAt(), "resolved",
                            resolution.isBlank() || "all alerts resolved".equals(resolution)
                                    ? "This incident has been resolved." : resolution));
                }
                default -> {
                    // not public
                }
            }
        }
        if (updates.isEmpty() || i.status() != IncidentStatus.RESOLVED && updates.stream()
                .noneMatch(u -> !"resolved".equals(u.status()))) {
            updates.add(0, new StatusView.Update(i.id() + "-0", i.openedAt(), "investigating",
                    "We are investigating this issue."));
        }
        Collections.reverse(updates); // newest first, as status pages read
        // Never the incident's own title as such: an alert's summary may name hosts, pods or a response body.
        return new StatusView.IncidentView(i.id(), publicTitles.shown(i), impact(i.severity()), i.status().isOpen()
                ? publicStatus(i.status()) : "resolved", i.openedAt(), i.resolvedAt(), List.of(serviceName(i.serviceId())),
                List.of(i.serviceId()), updates);
    }

    /**
     * A public update's id: the incident's and the update's place among its public updates, which are only ever
     * appended, so the same from build to build (the timeline's sequence number would tell the public how busy the
     * ledger is). The first words nobody wrote are {@code <incident>-0}.
     */
    private static String updateId(Incident i, List<StatusView.Update> before) {
        return i.id() + "-" + (before.size() + 1);
    }

    /** Statuspage's incident statuses: investigating, identified, monitoring, resolved. */
    private static String publicStatus(IncidentStatus s) {
        return publicStatus(s.wire());
    }

    private static String publicStatus(String wire) {
        return switch (wire) {
            case "identified", "monitoring", "resolved" -> wire;
            default -> "investigating";
        };
    }

    private String serviceName(String id) {
        return config.service(id).map(TocsinConfig.Service::name).orElse(id);
    }
}
