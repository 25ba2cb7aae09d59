package dev.tocsin.oncall;

import java.time.Clock;
import java.util.Map;

import dev.tocsin.config.ScheduleSpec;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.ConflictException;
import dev.tocsin.problem.FieldErrors;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating, replacing and deleting schedules through the API. Schedules of the configuration file are edited in
 * the file, so the API refuses to touch them; every change is on the timeline.
 */
@Service
class ScheduleEditing {

    private final Schedules schedules;
    private final ScheduleRepository repository;
    private final TocsinConfig config;
    private final Timeline timeline;
    private final Clock clock;

    ScheduleEditing(Schedules schedules, ScheduleRepository repository, TocsinConfig config, Timeline timeline, Clock clock) {
        this.schedules = schedules;
        this.repository = repository;
        this.config = config;
        this.timeline = timeline;
        this.clock = clock;
    }

    /**
     * What a save stored: the schedule as this request defined it, read from nothing afterwards, since another node may
     * replace or delete it the moment this transaction commits.
     */
    record Saved(boolean created, Schedule schedule) {
    }

    /** Creates or replaces schedule {@code id}. */
    @Transactional
    Saved save(String id, ScheduleSpec body, Actor actor) {
        if (body == null) {
            throw new InvalidInputException("body", "required: a schedule with time_zone and layers");
        }
        FieldErrors errors = new FieldErrors();
        if (body.id() != null && !body.id().equals(id)) {
            errors.add("id", "'" + body.id() + "' differs from the id in the URL, '" + id + "'");
        }
        ScheduleSpec spec = new ScheduleSpec(id, body.timeZone(), body.layers(), body.overrides());
        Schedule schedule = errors.collect("", () -> schedules.validate(spec));
        errors.throwIfAny();
        refuseDeclared(id);
        timeline.lock();
        boolean created = repository.save(id, schedules.toJson(spec), clock.instant());
        timeline.append(new NewEvent(created ? "schedule.created" : "schedule.replaced", actor, null, null, null,
                Map.of("schedule", id)));
        return new Saved(created, schedule);
    }

    @Transactional
    void delete(String id, Actor actor) {
        // Escalation policies can only page schedules of the file, so no policy depends on a schedule deleted here.
        refuseDeclared(id);
        timeline.lock();
        if (!repository.delete(id)) {
            throw new NotFoundException("schedule '" + id + "' does not exist");
        }
        timeline.append(new NewEvent("schedule.deleted", actor, null, null, null, Map.of("schedule", id)));
    }

    private void refuseDeclared(String id) {
        if (schedules.declaredInConfig(id)) {
            throw new ConflictException("schedule '" + id + "' is declared in the configuration file (" + config.source()
                    + "); change it there");
        }
    }
}
