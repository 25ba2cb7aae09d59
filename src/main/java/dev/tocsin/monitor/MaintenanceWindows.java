package dev.tocsin.monitor;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.tocsin.timeline.Actor;
import org.springframework.stereotype.Component;

/**
 * Maintenance windows for the web UI: the same windows, checks and timeline entries as
 * {@code /api/v1/maintenance-windows}, through the same service.
 */
@Component
public class MaintenanceWindows {

    /**
     * A window as people see it: {@code state} is active, upcoming or past; {@code id} is null for a window of the
     * configuration file, which is changed in the file, not cancelled.
     */
    public record Entry(Long id, String serviceId, Instant startsAt, Instant endsAt, String reason, String createdBy,
                        String state) {

        public boolean fromConfig() {
            return id == null;
        }
    }

    private final Maintenance maintenance;
    private final MonitorEditing editing;
    private final Clock clock;

    MaintenanceWindows(Maintenance maintenance, MonitorEditing editing, Clock clock) {
        this.maintenance = maintenance;
        this.editing = editing;
        this.clock = clock;
    }

    /** Every window that ended after {@code endedAfter} (all that are active or to come), soonest start first. */
    public List<Entry> since(Instant endedAfter) {
        Instant now = clock.instant();
        return maintenance.since(endedAfter).stream().map(w -> entry(w, now)).toList();
    }

    /**
     * Schedules one window per service, checked as the API checks a window, and with a reason required (the status
     * page shows it); an {@link dev.tocsin.problem.InvalidInputException} names each bad field and nothing is stored.
     */
    public List<Entry> schedule(List<String> services, String start, String end, String reason, Actor actor) {
        Instant now = clock.instant();
        return editing.openWindows(services, start, end, reason, true, actor).stream().map(w -> entry(w, now)).toList();
    }

    /** Cancels (deletes) a window made through the API or the UI. */
    public void cancel(long id, Actor actor) {
        editing.closeWindow(id, actor);
    }

    private static Entry entry(Maintenance.Window w, Instant now) {
        String state = now.isBefore(w.startsAt()) ? "upcoming" : now.isBefore(w.endsAt()) ? "active" : "past";
        return new Entry(w.id(), w.serviceId(), w.startsAt(), w.endsAt(), w.reason(), w.createdBy(), state);
    }
}
