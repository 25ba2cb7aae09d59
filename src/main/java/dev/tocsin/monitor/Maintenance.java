package dev.tocsin.monitor;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.tocsin.alert.Silences;
import dev.tocsin.config.ConfigException;
import dev.tocsin.config.MaintenanceSpec;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.jdbc.SqlTime;
import org.springframework.stereotype.Component;

/**
 * Maintenance windows (seed 004's MAINTENANCE_MODE, scheduled ahead): while one is open, its service's monitors
 * raise and resolve no alerts, and their checks count as maintenance, not downtime. Windows come from the file and
 * from the API; the API's are re-read every few seconds so that every node sees a new one.
 */
@Component
class Maintenance implements Silences {

    /** {@code id} is null for a window of the configuration file. */
    record Window(Long id, String serviceId, Instant startsAt, Instant endsAt, String reason, String createdBy) {

        boolean covers(String service, Instant at) {
            return serviceId.equals(service) && !at.isBefore(startsAt) && at.isBefore(endsAt);
        }
    }

    private static final long REFRESH_MILLIS = 5_000;

    private final List<Window> declared = new ArrayList<>();
    private final MonitorRepository repository;
    private final Clock clock;
    private volatile List<Window> stored = List.of();
    private volatile long storedAt;

    Maintenance(TocsinConfig config, MonitorRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
        List<String> problems = new ArrayList<>();
        List<MaintenanceSpec> specs = config.maintenanceWindows();
        for (int i = 0; i < specs.size(); i++) {
            MaintenanceSpec s = specs.get(i);
            String path = "maintenance_windows[" + i + "]";
            if (s == null || s.service() == null || config.service(s.service()).isEmpty()) {
                problems.add(path + ".service: " + (s == null || s.service() == null ? "required" : "unknown service '"
                        + s.service() + "'"));
                continue;
            }
            Instant start = instant(path + ".start", s.start(), problems);
            Instant end = instant(path + ".end", s.end(), problems);
            if (start != null && end != null && !end.isAfter(start)) {
                problems.add(path + ".end: must be after start");
            } else if (start != null && end != null) {
                declared.add(new Window(null, s.service(), start, end, s.reason(), "config"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(config.source(), problems);
        }
    }

    private static Instant instant(String path, String text, List<String> problems) {
        if (text == null) {
            problems.add(path + ": required: an instant such as 2026-03-10T22:00:00Z");
            return null;
        }
        try {
            Instant at = Instant.parse(text);
            String outOfRange = SqlTime.rangeProblem(at, text);
            if (outOfRange != null) {
                problems.add(path + ": " + outOfRange);
                return null;
            }
            return at;
        } catch (DateTimeParseException e) {
            problems.add(path + ": expected an instant such as 2026-03-10T22:00:00Z, got '" + text + "'");
            return null;
        }
    }

    /** The window open for the service at {@code at}, if any. */
    Optional<Window> active(String serviceId, Instant at) {
        for (Window w : windows()) {
            if (w.covers(serviceId, at)) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }

    /** New alerts of a service in maintenance open no incident, whatever sent them (seed 004's MAINTENANCE_MODE). */
    @Override
    public Optional<String> silenced(String serviceId, Instant at) {
        return active(serviceId, at).map(w -> "maintenance" + (w.reason() == null ? "" : ": " + w.reason()));
    }

    /** Every window that has not ended yet, file and API, soonest first. */
    List<Window> upcoming() {
        Instant now = clock.instant();
        return windows().stream().filter(w -> w.endsAt().isAfter(now))
                .sorted(java.util.Comparator.comparing(Window::startsAt)).toList();
    }

    /** Every window of the file and every window of the API that ended after {@code endedAfter}, read afresh. */
    List<Window> since(Instant endedAfter) {
        List<Window> all = new ArrayList<>(declared.stream().filter(w -> w.endsAt().isAfter(endedAfter)).toList());
        repository.windows(endedAfter).forEach(w -> all.add(new Window(w.id(), w.serviceId(), w.startsAt(), w.endsAt(),
                w.reason(), w.createdBy())));
        all.sort(java.util.Comparator.comparing(Window::startsAt));
        return all;
    }

    /** Forget the cached API windows (after a change through the API on this node). */
    void changed() {
        storedAt = 0;
    }

    private List<Window> windows() {
        long now = System.currentTimeMillis();
        if (now - storedAt > REFRESH_MILLIS) {
            stored = repository.windows(clock.instant().minusSeconds(86_400)).stream()
                    .map(w -> new Window(w.id(), w.serviceId(), w.startsAt(), w.endsAt(), w.reason(), w.createdBy()))
                    .toList();
            storedAt = now;
        }
        List<Window> all = new ArrayList<>(declared);
        all.addAll(stored);
        return all;
    }
}
