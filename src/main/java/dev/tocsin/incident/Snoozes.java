package dev.tocsin.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tocsin.config.Durations;
import dev.tocsin.engine.TimerHandler;
import dev.tocsin.engine.Timers;
import dev.tocsin.problem.ConflictException;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * PagerDuty's snooze: an acknowledged incident that nobody can work on yet is put aside for a while, and goes back to
 * triggered when the while is over, which starts its escalation policy and its response target again. Any status
 * change meanwhile (resolving it, moving it on, a new acknowledgement) ends the snooze; so does a new snooze, which
 * replaces it.
 */
@Service
public class Snoozes implements TimerHandler {

    static final String NAME = "snooze-ends";
    static final Duration LONGEST = Duration.ofDays(7);

    private final IncidentRepository repository;
    private final IncidentService incidents;
    private final Timeline timeline;
    private final Timers timers;
    private final TransactionTemplate tx;
    private final Clock clock;

    Snoozes(IncidentRepository repository, IncidentService incidents, Timeline timeline, @Lazy Timers timers,
            TransactionTemplate tx, Clock clock) {
        this.repository = repository;
        this.incidents = incidents;
        this.timeline = timeline;
        this.timers = timers;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Snoozes an acknowledged incident for {@code duration} ("30m", "4h", at most 7 days).
     *
     * @throws InvalidInputException the duration is missing, not a duration, or out of range
     * @throws ConflictException the incident is not acknowledged
     */
    public Incident snooze(long id, String duration, Actor actor) {
        Duration length = parse(duration);
        return tx.execute(status -> {
            timeline.lock();
            Incident incident = incidents.get(id);
            if (incident.status() != IncidentStatus.ACKNOWLEDGED) {
                throw new ConflictException("incident " + id + " is " + incident.status().wire()
                        + ": only an acknowledged incident can be snoozed");
            }
            Instant now = clock.instant();
            // Kept to the millisecond: the timer names it so, and the fire compares it with what is stored.
            Instant until = now.plus(length).truncatedTo(ChronoUnit.MILLIS);
            if (incident.snoozedUntil() != null) {
                timers.cancel(NAME, instance(id, incident.snoozedUntil()));
            }
            repository.snooze(id, until, now);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("for", Durations.format(length));
            data.put("until", until.toString());
            timeline.append(new NewEvent("incident.snoozed", actor, id, null, incident.serviceId(), data));
            timers.set(NAME, instance(id, until), until);
            return incidents.get(id);
        });
    }

    /** Timer {@code <incident>:<until in epoch ms>}: un-acknowledges the incident if that snooze still holds. */
    @Override
    public void fire(String instance, Instant dueAt) {
        long id = Long.parseLong(instance.substring(0, instance.indexOf(':')));
        Instant until = Instant.ofEpochMilli(Long.parseLong(instance.substring(instance.indexOf(':') + 1)));
        tx.executeWithoutResult(status -> {
            timeline.lock();
            Incident incident = repository.find(id).orElse(null);
            if (incident == null || incident.status() != IncidentStatus.ACKNOWLEDGED || !until.equals(incident.snoozedUntil())) {
                return; // moved on, or snoozed again: this snooze no longer holds
            }
            incidents.changeStatus(id, IncidentStatus.TRIGGERED, "the snooze ended", Actor.system("snooze"));
        });
    }

    private static Duration parse(String duration) {
        if (duration == null || duration.isBlank()) {
            throw new InvalidInputException("duration", "required: how long to snooze, such as 30m, 4h or 1d");
        }
        Duration length;
        try {
            length = Durations.parse(duration.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("duration", "expected a duration such as 30m, 4h or 1d, got '" + duration + "'");
        }
        if (length.compareTo(Duration.ofMinutes(1)) < 0 || length.compareTo(LONGEST) > 0) {
            throw new InvalidInputException("duration", "between 1m and 7d, got " + duration);
        }
        return length;
    }

    private static String instance(long id, Instant until) {
        return id + ":" + until.toEpochMilli();
    }
}
