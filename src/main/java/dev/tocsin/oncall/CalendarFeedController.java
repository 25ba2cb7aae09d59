package dev.tocsin.oncall;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.NotFoundException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * On-call shifts as iCalendar feeds that Google Calendar ("From URL") and Outlook ("Subscribe from web") poll.
 * They cannot send headers, so these two paths also take the API key as {@code ?key=} (see the API key filter).
 */
@RestController
class CalendarFeedController {

    /** A week back, so the shift that just ended stays visible, and two months ahead. */
    static final Duration PAST = Duration.ofDays(7);
    static final Duration AHEAD = Duration.ofDays(60);
    /**
     * How far beyond the window the shifts are worked out, so that a shift crossing its edge keeps its real start and
     * end (and its UID, which names the start) rather than being cut wherever the window happens to be this hour.
     */
    private static final Duration BEYOND = Duration.ofDays(31);
    private static final MediaType CALENDAR = MediaType.parseMediaType("text/calendar; charset=utf-8");

    private final Schedules schedules;
    private final TocsinConfig config;
    private final Clock clock;

    CalendarFeedController(Schedules schedules, TocsinConfig config, Clock clock) {
        this.schedules = schedules;
        this.config = config;
        this.clock = clock;
    }

    @GetMapping("/api/v1/schedules/{id}/shifts.ics")
    ResponseEntity<String> schedule(@PathVariable String id) {
        Schedule schedule = schedules.find(id).orElseThrow(() -> new NotFoundException("schedule '" + id + "' does not exist"));
        Instant now = clock.instant();
        List<ICalendarWriter.Event> events = shiftsAround(schedule, now).stream()
                .map(s -> event(schedule, s, "On call: " + name(s.user()) + " (" + schedule.id() + ")", "")).toList();
        return feed(id, ICalendarWriter.write("On call: " + schedule.id(), events, now));
    }

    @GetMapping("/api/v1/users/{id}/shifts.ics")
    ResponseEntity<String> user(@PathVariable String id) {
        TocsinConfig.User user = config.user(id).orElseThrow(() -> new NotFoundException("user '" + id + "' does not exist"));
        Instant now = clock.instant();
        List<ICalendarWriter.Event> events = new ArrayList<>();
        for (Schedule schedule : schedules.all()) {
            shiftsAround(schedule, now).stream()
                    .filter(s -> s.user().equals(id))
                    .forEach(s -> events.add(event(schedule, s, "On call for " + schedule.id(), "-personal")));
        }
        events.sort(Comparator.comparing(ICalendarWriter.Event::start));
        return feed(id, ICalendarWriter.write("On call: " + user.name(), events, now));
    }

    /**
     * The shifts that overlap the window, whole. Worked out from whole days beyond it, so the few shifts longer than
     * {@link #BEYOND} that are still cut move their start once a day, not at every refresh.
     */
    private static List<Shift> shiftsAround(Schedule schedule, Instant now) {
        Instant from = now.minus(PAST);
        Instant to = now.plus(AHEAD);
        return ScheduleCalculator.shifts(schedule, from.truncatedTo(ChronoUnit.DAYS).minus(BEYOND),
                        to.truncatedTo(ChronoUnit.DAYS).plus(BEYOND)).stream()
                .filter(s -> s.end().isAfter(from) && s.start().isBefore(to))
                .toList();
    }

    /**
     * The UID is the schedule, user and start: a refresh finds the same event again rather than a new one. A person's
     * own feed marks its UIDs apart from the schedule's, since calendar apps subscribed to both mishandle one UID in
     * two calendars.
     */
    private static ICalendarWriter.Event event(Schedule schedule, Shift shift, String summary, String feed) {
        String why = Shift.OVERRIDE.equals(shift.source()) ? "an override" : "layer " + shift.source();
        return new ICalendarWriter.Event(
                schedule.id() + "-" + shift.user() + "-" + shift.start().getEpochSecond() + feed + "@tocsin",
                shift.start(), shift.end(), summary, "On call in schedule " + schedule.id() + " by " + why + ".");
    }

    private String name(String userId) {
        return config.user(userId).map(TocsinConfig.User::name).orElse(userId);
    }

    private static ResponseEntity<String> feed(String id, String body) {
        return ResponseEntity.ok().contentType(CALENDAR)
                .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + id + ".ics\"").body(body);
    }
}
