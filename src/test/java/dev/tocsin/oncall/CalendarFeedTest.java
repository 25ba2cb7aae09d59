package dev.tocsin.oncall;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Calendar feeds of the test configuration's "primary" schedule, fetched the way a calendar app does. */
class CalendarFeedTest extends ApiTest {

    private static final Pattern DTSTART = Pattern.compile("DTSTART:(\\d{8}T\\d{6}Z)");

    @BeforeEach
    void sundayMorning() {
        clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    }

    private static List<String> starts(String feed) {
        List<String> out = new ArrayList<>();
        Matcher m = DTSTART.matcher(feed);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static String compact(String isoInstant) {
        return isoInstant.replace("-", "").replace(":", "").replace(".000", "");
    }

    @Test
    void aScheduleFeedHasEveryShiftOfTheWindowWithAReadKeyInTheUrl() {
        Http.Response r = anonymous.get("/api/v1/schedules/primary/shifts.ics?key=" + Http.READ_KEY);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/calendar;charset=utf-8");
        assertThat(r.header("Content-Disposition")).isEqualTo("inline; filename=\"primary.ics\"");

        JsonNode shifts = api.get("/api/v1/schedules/primary/shifts?from=2026-02-22T10:00:00Z&to=2026-04-30T10:00:00Z").json();
        List<String> expected = new ArrayList<>();
        shifts.forEach(s -> expected.add(compact(s.get("start").asString())));
        assertThat(starts(r.body())).isEqualTo(expected).hasSizeGreaterThan(20);
        assertThat(r.body()).contains("SUMMARY:On call: Ana (primary)");
    }

    @Test
    void uidsStayTheSameAcrossRefreshes() {
        String first = anonymous.get("/api/v1/schedules/primary/shifts.ics?key=" + Http.READ_KEY).body();
        String second = anonymous.get("/api/v1/schedules/primary/shifts.ics?key=" + Http.READ_KEY).body();
        assertThat(first.lines().filter(l -> l.startsWith("UID:")).toList())
                .isEqualTo(second.lines().filter(l -> l.startsWith("UID:")).toList())
                .contains("UID:primary-ana-1772467200@tocsin");
    }

    @Test
    void aUserFeedHasOnlyThatUsersShifts() {
        String feed = anonymous.get("/api/v1/users/bo/shifts.ics?key=" + Http.READ_KEY).body();
        assertThat(feed).contains("X-WR-CALNAME:On call: Bo").contains("SUMMARY:On call for primary");
        assertThat(feed.lines().filter(l -> l.startsWith("UID:")).allMatch(l -> l.contains("-bo-"))).isTrue();
        assertThat(starts(feed)).isNotEmpty();
    }

    @Test
    void theKeyParameterWorksForCalendarFeedsOnly() {
        assertThat(anonymous.get("/api/v1/schedules/primary/shifts.ics").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/schedules/primary/shifts.ics?key=wrong-key-0000000").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/schedules?key=" + Http.READ_KEY).status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/schedules/nope/shifts.ics?key=" + Http.READ_KEY).status()).isEqualTo(404);
        assertThat(anonymous.get("/api/v1/users/nobody/shifts.ics?key=" + Http.READ_KEY).status()).isEqualTo(404);
    }
}
