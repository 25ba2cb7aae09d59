package dev.tocsin.oncall;

import java.time.Duration;
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
    void aScheduleFeedHasEveryShiftOfTheWindowWithACalendarKeyInTheUrl() {
        Http.Response r = anonymous.get("/api/v1/schedules/primary/shifts.ics?key=" + Http.CALENDAR_KEY);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/calendar;charset=utf-8");
        assertThat(r.header("Content-Disposition")).isEqualTo("inline; filename=\"primary.ics\"");

        // The window is a week back and 60 days ahead; the shift in progress a week ago shows whole, from its start.
        JsonNode shifts = api.get("/api/v1/schedules/primary/shifts?from=2026-02-01T00:00:00Z&to=2026-04-30T10:00:00Z").json();
        List<String> expected = new ArrayList<>();
        shifts.forEach(s -> {
            if (Instant.parse(s.get("end").asString()).isAfter(Instant.parse("2026-02-22T10:00:00Z"))) {
                expected.add(compact(s.get("start").asString()));
            }
        });
        assertThat(starts(r.body())).isEqualTo(expected).hasSizeGreaterThan(20);
        assertThat(expected.get(0)).as("Ana's weekend shift, from Friday 17:00 in Berlin").isEqualTo("20260220T160000Z");
        assertThat(r.body()).contains("SUMMARY:On call: Ana (primary)");
    }

    @Test
    void uidsStayTheSameAcrossRefreshes() {
        String first = anonymous.get("/api/v1/schedules/primary/shifts.ics?key=" + Http.CALENDAR_KEY).body();
        String second = anonymous.get("/api/v1/schedules/primary/shifts.ics?key=" + Http.CALENDAR_KEY).body();
        assertThat(uids(first)).isEqualTo(uids(second)).contains("UID:primary-ana-1772467200@tocsin");

        // An hour later the window has moved, but no shift began or ended: the same events under the same UIDs.
        clock.advance(Duration.ofHours(1));
        String later = anonymous.get("/api/v1/schedules/primary/shifts.ics?key=" + Http.CALENDAR_KEY).body();
        assertThat(uids(later)).isEqualTo(uids(first));
        assertThat(starts(later)).isEqualTo(starts(first));
    }

    private static List<String> uids(String feed) {
        return feed.lines().filter(l -> l.startsWith("UID:")).toList();
    }

    @Test
    void aUserFeedHasOnlyThatUsersShiftsUnderUidsOfItsOwn() {
        String feed = anonymous.get("/api/v1/users/bo/shifts.ics?key=" + Http.CALENDAR_KEY).body();
        assertThat(feed).contains("X-WR-CALNAME:On call: Bo").contains("SUMMARY:On call for primary");
        assertThat(uids(feed)).allMatch(l -> l.contains("-bo-")).isNotEmpty();
        assertThat(starts(feed)).isNotEmpty();
        String schedule = anonymous.get("/api/v1/schedules/primary/shifts.ics?key=" + Http.CALENDAR_KEY).body();
        assertThat(uids(feed)).doesNotContainAnyElementsOf(uids(schedule));
    }

    /**
     * A layer name sent to the API may hold control characters, which iCalendar TEXT cannot carry (RFC 5545, 3.3.11):
     * one in a DESCRIPTION makes strict readers refuse the whole feed.
     */
    @Test
    void controlCharactersOfANameAreLeftOutOfTheFeed() {
        String id = unique("bell");
        Http.Response created = api.put("/api/v1/schedules/" + id, """
                {"time_zone": "UTC",
                 "layers": [{"name": "night\\u0007shift\\u001b\\u007f", "rotation": {"kind": "daily", "users": ["ana"], "start": "2026-01-01T00:00"}}]}""");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        try {
            String feed = anonymous.get("/api/v1/schedules/" + id + "/shifts.ics?key=" + Http.CALENDAR_KEY).body();
            assertThat(feed).contains("DESCRIPTION:On call in schedule " + id + " by layer nightshift.\r\n");
            assertThat(feed.replace("\r\n", "").chars()).noneMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f);
        } finally {
            api.delete("/api/v1/schedules/" + id);
        }
    }

    @Test
    void aFeedWithoutShiftsIsStillACalendarWithAComponent() {
        String feed = anonymous.get("/api/v1/users/carla/shifts.ics?key=" + Http.CALENDAR_KEY).body();
        assertThat(feed).doesNotContain("BEGIN:VEVENT").contains("BEGIN:VTIMEZONE\r\nTZID:UTC\r\n")
                .endsWith("END:VTIMEZONE\r\nEND:VCALENDAR\r\n");
    }

    @Test
    void theKeyParameterWorksForCalendarFeedsOnly() {
        assertThat(anonymous.get("/api/v1/schedules/primary/shifts.ics").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/schedules/primary/shifts.ics?key=wrong-key-0000000").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/schedules?key=" + Http.READ_KEY).status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/schedules/nope/shifts.ics?key=" + Http.CALENDAR_KEY).status()).isEqualTo(404);
        assertThat(anonymous.get("/api/v1/users/nobody/shifts.ics?key=" + Http.CALENDAR_KEY).status()).isEqualTo(404);
    }

    /**
     * A feed's URL is kept in calendar settings and proxy logs: only a key that reads nothing but the feeds may be in
     * it. A read key there is refused, with what to do instead; a calendar key reads nothing else, in a URL or not.
     */
    @Test
    void onlyACalendarKeyGoesInAFeedsUrlAndItReadsNothingElse() {
        Http.Response read = anonymous.get("/api/v1/schedules/primary/shifts.ics?key=" + Http.READ_KEY);
        assertThat(read.status()).isEqualTo(401);
        assertThat(read.body()).contains("scope 'calendar' only", "key 'reader' can do more");
        assertThat(anonymous.get("/api/v1/users/bo/shifts.ics?key=" + Http.ADMIN_KEY).status()).isEqualTo(401);
        assertThat(api.as(Http.READ_KEY).get("/api/v1/schedules/primary/shifts.ics").status())
                .as("a read key in a header still reads the feed").isEqualTo(200);

        Http calendar = api.as(Http.CALENDAR_KEY);
        assertThat(calendar.get("/api/v1/users/bo/shifts.ics").status()).isEqualTo(200);
        for (String path : List.of("/api/v1/schedules", "/api/v1/schedules/primary/shifts", "/api/v1/incidents",
                "/api/v1/oncall")) {
            Http.Response r = calendar.get(path);
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).contains("read scope needed");
        }
        assertThat(calendar.post("/api/v1/incidents", "{\"title\":\"x\",\"service\":\"checkout\"}").status()).isEqualTo(403);

        Http.Response created = api.as(Http.ADMIN_KEY).post("/api/v1/api-keys",
                "{\"name\":\"" + unique("ana-calendar") + "\",\"scope\":\"calendar\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String secret = created.json().get("secret").asString();
        assertThat(anonymous.get("/api/v1/users/ana/shifts.ics?key=" + secret).body()).startsWith("BEGIN:VCALENDAR");
        assertThat(anonymous.get("/api/v1/users/ana/shifts?key=" + secret).status()).isEqualTo(401);
    }
}
