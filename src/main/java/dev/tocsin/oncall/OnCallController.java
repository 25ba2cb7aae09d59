package dev.tocsin.oncall;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.ScheduleSpec;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Who is on call: now or at any instant, and a schedule's shifts over a range. */
@RestController
class OnCallController {

    record ScheduleView(String id, String timeZone, List<String> layers, String onCallNow) {
    }

    record OnCall(String schedule, String user, Instant since, Instant until) {
    }

    record OnCallNow(Instant at, List<OnCall> schedules, List<WhoIsOnCall.Policy> escalationPolicies) {
    }

    private final Schedules schedules;
    private final ScheduleEditing editing;
    private final WhoIsOnCall whoIsOnCall;
    private final Clock clock;

    OnCallController(Schedules schedules, ScheduleEditing editing, WhoIsOnCall whoIsOnCall, Clock clock) {
        this.schedules = schedules;
        this.editing = editing;
        this.whoIsOnCall = whoIsOnCall;
        this.clock = clock;
    }

    @GetMapping("/api/v1/schedules")
    List<ScheduleView> list() {
        Instant now = clock.instant();
        return schedules.all().stream().map(s -> view(s, now)).toList();
    }

    private static ScheduleView view(Schedule s, Instant now) {
        return new ScheduleView(s.id(), s.zone().getId(), s.layers().stream().map(Layer::name).toList(),
                ScheduleCalculator.onCallAt(s, now).orElse(null));
    }

    /** Creates or replaces a schedule kept in the database (201 when created); the body is a schedule as in the config file. */
    @PutMapping("/api/v1/schedules/{id}")
    ResponseEntity<ScheduleView> save(@PathVariable String id, @RequestBody(required = false) ScheduleSpec body) {
        ScheduleEditing.Saved saved = editing.save(id, body, CurrentActor.get());
        ScheduleView view = view(saved.schedule(), clock.instant());
        return saved.created() ? ResponseEntity.created(URI.create("/api/v1/schedules/" + id)).body(view) : ResponseEntity.ok(view);
    }

    @DeleteMapping("/api/v1/schedules/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        editing.delete(id, CurrentActor.get());
        return ResponseEntity.noContent().build();
    }

    /** The shifts of a schedule within [from, to): by default the next two weeks. */
    @GetMapping("/api/v1/schedules/{id}/shifts")
    List<Shift> shifts(@PathVariable String id, @RequestParam(required = false) Instant from,
                       @RequestParam(required = false) Instant to) {
        Schedule schedule = schedules.find(id).orElseThrow(() -> new NotFoundException("schedule '" + id + "' does not exist"));
        Instant start = from != null ? from : clock.instant();
        Instant end = to != null ? to : start.plus(Duration.ofDays(14));
        if (!end.isAfter(start)) {
            throw new InvalidInputException("to", "must be after from");
        }
        return ScheduleCalculator.shifts(schedule, start, end);
    }

    /**
     * Who is on call at {@code at} (default now): every schedule's person with the shift they are in, and whom each
     * level of each escalation policy would page.
     */
    @GetMapping("/api/v1/oncall")
    OnCallNow onCall(@RequestParam(required = false) Instant at) {
        Instant when = at != null ? at : clock.instant();
        // Checked here, before the day either side is worked out, so that a refusal names the parameter sent.
        ScheduleCalculator.requireInstant("at", when);
        return new OnCallNow(when, schedulesAt(when), whoIsOnCall.at(when));
    }

    private List<OnCall> schedulesAt(Instant when) {
        return schedules.all().stream().map(s -> {
            // One day either side finds the shift around the instant; longer shifts are clipped to that window, and
            // so is the day before the first instant schedules are worked out for.
            Instant dayBefore = when.minus(Duration.ofDays(1));
            List<Shift> around = ScheduleCalculator.shifts(s,
                    dayBefore.isBefore(ScheduleCalculator.EARLIEST) ? ScheduleCalculator.EARLIEST : dayBefore,
                    when.plus(Duration.ofDays(1)));
            return around.stream().filter(shift -> shift.covers(when)).findFirst()
                    .map(shift -> new OnCall(s.id(), shift.user(), shift.start(), shift.end()))
                    .orElse(new OnCall(s.id(), null, null, null));
        }).toList();
    }
}
