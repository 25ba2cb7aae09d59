package dev.tocsin.oncall;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Schedules created, replaced and deleted through the API, next to those of the configuration file. */
class ScheduleApiTest extends ApiTest {

    private static final String WEEKEND = """
            {"time_zone": "Europe/Berlin",
             "layers": [{"name": "weekend", "rotation": {"kind": "weekly", "users": ["bo", "ana"], "start": "2026-01-03T09:00"},
                         "restrictions": [{"days": ["saturday"], "from": "09:00", "to": "09:00"}]}]}""";

    private static final String DAILY = """
            {"time_zone": "UTC",
             "layers": [{"name": "everyone", "rotation": {"kind": "daily", "users": ["ana", "bo"], "start": "2026-01-01T00:00"}}]}""";

    @Test
    void aScheduleCreatedThroughTheApiIsComputedLikeADeclaredOne() {
        String id = unique("support");
        Http.Response created = api.put("/api/v1/schedules/" + id, DAILY);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/schedules/" + id);

        // 2026-03-01 is day 59 of the rotation: odd, so Bo's.
        JsonNode shifts = api.get("/api/v1/schedules/" + id + "/shifts?from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z").json();
        assertThat(shifts.findValuesAsString("user")).containsExactly("bo", "ana");
        JsonNode onCall = api.get("/api/v1/oncall?at=2026-03-01T12:00:00Z").json().get("schedules");
        assertThat(onCall.findValuesAsString("schedule")).contains("primary", id);
        assertThat(anonymous.get("/api/v1/schedules/" + id + "/shifts.ics?key=" + Http.CALENDAR_KEY).body()).contains("UID:" + id + "-bo-");

        Http.Response replaced = api.put("/api/v1/schedules/" + id, DAILY.replace("[\"ana\", \"bo\"]", "[\"bo\"]"));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(api.get("/api/v1/schedules/" + id + "/shifts?from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z").json()
                .findValuesAsString("user")).containsExactly("bo");

        assertThat(api.delete("/api/v1/schedules/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/schedules/" + id + "/shifts").status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/schedules/" + id).status()).isEqualTo(404);

        assertThat(api.ledger().stream().map(e -> e.get("kind").asString()))
                .contains("schedule.created", "schedule.replaced", "schedule.deleted");
    }

    @Test
    void anInvalidScheduleIsRefusedFieldByFieldAndNothingIsStored() {
        String id = unique("broken");
        Http.Response r = api.put("/api/v1/schedules/" + id, WEEKEND);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsString("field")).containsExactly("layers[0].restrictions[0].to");
        assertThat(api.get("/api/v1/schedules/" + id + "/shifts").status()).isEqualTo(404);

        Http.Response zone = api.put("/api/v1/schedules/" + id, DAILY.replace("UTC", "Mars/Olympus"));
        assertThat(zone.json().get("errors").findValuesAsString("field")).containsExactly("time_zone");

        Http.Response unknownUser = api.put("/api/v1/schedules/" + id, DAILY.replace("\"ana\", \"bo\"", "\"ana\", \"zed\""));
        assertThat(unknownUser.status()).isEqualTo(400);
        assertThat(unknownUser.json().get("errors").findValuesAsString("field")).containsExactly("layers[0].rotation.users[1]");

        Http.Response nullOverride = api.put("/api/v1/schedules/" + id, DAILY.replaceFirst("}$", ", \"overrides\": [null]}"));
        assertThat(nullOverride.status()).as(nullOverride.body()).isEqualTo(400);
        assertThat(nullOverride.json().get("errors").findValuesAsString("field")).containsExactly("overrides[0]");
        Http.Response nullRestriction = api.put("/api/v1/schedules/" + id,
                DAILY.replace("\"start\": \"2026-01-01T00:00\"}", "\"start\": \"2026-01-01T00:00\"}, \"restrictions\": [null]"));
        assertThat(nullRestriction.status()).as(nullRestriction.body()).isEqualTo(400);
        assertThat(nullRestriction.json().get("errors").findValuesAsString("field"))
                .containsExactly("layers[0].restrictions[0]");
        assertThat(api.get("/api/v1/schedules/" + id + "/shifts").status()).isEqualTo(404);
    }

    /** A schedule with several problems was refused naming only the first; the next showed once that was fixed. */
    @Test
    void everyProblemOfAScheduleIsNamedInOneRefusal() {
        String id = unique("broken");
        Http.Response r = api.put("/api/v1/schedules/" + id, """
                {"id": "other", "time_zone": "Mars/Olympus",
                 "layers": [{"name": "day", "rotation": {"kind": "fortnightly", "every": 0, "users": ["ana", "zed"],
                                                         "start": "2026-01-01T00:00"}},
                            {"name": "night", "rotation": {"kind": "daily", "users": ["bo"], "start": "soon"},
                             "restrictions": [{"days": ["monday", "caturday"], "from": "25:00", "to": "09:00"}]}],
                 "overrides": [{"user": "yan", "start": "2026-03-01T08:00:00Z", "end": "2026-03-01T07:00:00Z"}]}""");

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsString("field")).containsExactlyInAnyOrder("id", "time_zone",
                "layers[0].rotation.kind", "layers[0].rotation.every", "layers[0].rotation.users[1]",
                "layers[1].rotation.start", "layers[1].restrictions[0].days[1]", "layers[1].restrictions[0].from",
                "overrides[0].user", "overrides[0].end");
        assertThat(api.get("/api/v1/schedules/" + id + "/shifts").status()).isEqualTo(404);
    }

    @Test
    void declaredSchedulesAreEditedInTheFileNotThroughTheApi() {
        Http.Response r = api.put("/api/v1/schedules/primary", DAILY);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.body()).contains("declared in the configuration file");
        assertThat(api.delete("/api/v1/schedules/primary").status()).isEqualTo(409);
        assertThat(new Http(port, Http.READ_KEY).put("/api/v1/schedules/x", DAILY).status()).isEqualTo(403);
    }
}
