package dev.tocsin.oncall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import dev.tocsin.config.ConfigException;
import dev.tocsin.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Schedules declared in the configuration, read through the API: who is on call, and the shifts of a range. */
class OnCallApiTest extends ApiTest {

    private String onCallAt(String instant) {
        JsonNode all = api.get("/api/v1/oncall?at=" + instant).json().get("schedules");
        assertThat(all.get(0).get("schedule").asString()).isEqualTo("primary");
        return all.get(0).get("user").isNull() ? null : all.get(0).get("user").asString();
    }

    @Test
    void theWeeklyRotationHandsOffOnMondayMorningBerlinTime() {
        // Week 7 of the rotation (from 2026-02-23 09:00 CET) is Bo's, week 8 (from 2026-03-02) is Ana's.
        assertThat(onCallAt("2026-02-28T12:00:00Z")).isEqualTo("bo");
        assertThat(onCallAt("2026-03-02T07:59:59Z")).isEqualTo("bo");
        assertThat(onCallAt("2026-03-02T20:00:00Z")).isEqualTo("ana");
    }

    @Test
    void theBusinessHoursLayerWinsOnWeekdaysOnly() {
        assertThat(onCallAt("2026-03-03T12:00:00Z")).isEqualTo("bo");
        assertThat(onCallAt("2026-03-03T16:00:00Z")).isEqualTo("ana");
        assertThat(onCallAt("2026-03-07T12:00:00Z")).isEqualTo("ana");
    }

    @Test
    void shiftsOfARangeShowWhoAndWhy() {
        JsonNode shifts = api.get("/api/v1/schedules/primary/shifts?from=2026-03-07T00:00:00Z&to=2026-03-08T00:00:00Z").json();
        assertThat(shifts).hasSize(1);
        assertThat(shifts.get(0).get("user").asString()).isEqualTo("ana");
        assertThat(shifts.get(0).get("source").asString()).isEqualTo("override");

        JsonNode tuesday = api.get("/api/v1/schedules/primary/shifts?from=2026-03-03T00:00:00Z&to=2026-03-04T00:00:00Z").json();
        assertThat(tuesday.findValuesAsString("user")).containsExactly("ana", "bo", "ana");
        assertThat(tuesday.get(1).get("start").asString()).isEqualTo("2026-03-03T08:00:00Z");
        assertThat(tuesday.get(1).get("end").asString()).isEqualTo("2026-03-03T16:00:00Z");
    }

    @Test
    void schedulesAreListedWithTheirLayers() {
        JsonNode list = api.get("/api/v1/schedules").json();
        assertThat(list.get(0).get("time_zone").asString()).isEqualTo("Europe/Berlin");
        assertThat(list.get(0).get("layers").toString()).isEqualTo("[\"engineers\",\"business-hours\"]");
    }

    @Test
    void badRequestsNameTheParameter() {
        assertThat(api.get("/api/v1/schedules/nope/shifts").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/schedules/primary/shifts?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z")
                .json().get("errors").get(0).get("field").asString()).isEqualTo("to");
        assertThat(api.get("/api/v1/oncall?at=soon").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/schedules/primary/shifts?from=2026-01-01T00:00:00Z&to=2029-01-01T00:00:00Z").status())
                .isEqualTo(400);
    }

    /** The day either side that {@code /api/v1/oncall} looks at must not turn a bad {@code at} into a bad "from". */
    @Test
    void anInstantOutsideTheYearsOfSchedulesIsRefusedNamingAt() {
        for (String at : List.of("1899-12-31T00:00:00Z", "9999-06-01T00:00:00Z")) {
            Http.Response r = api.get("/api/v1/oncall?at=" + at);
            assertThat(r.status()).as(at).isEqualTo(400);
            assertThat(r.json().get("errors").get(0).get("field").asString()).as(r.body()).isEqualTo("at");
        }
        Http.Response first = api.get("/api/v1/oncall?at=1900-01-01T00:00:00Z");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("schedules").get(0).get("user").isNull()).as("before every rotation starts").isTrue();
    }

    @Test
    void anInvalidScheduleRefusesStartUpNamingTheField() throws IOException {
        Path file = Files.createTempFile("tocsin-schedules", ".yml");
        Files.writeString(file, """
                severities: [{id: P0, response_target: 5m}]
                users: [{id: ana}]
                schedules:
                  - id: primary
                    time_zone: Mars/Olympus
                    layers:
                      - name: engineers
                        rotation: {kind: fortnightly, users: [], start: "tomorrow"}
                      - name: leads
                        rotation: {kind: daily, users: [ana, zed], start: "2026-01-05T09:00"}
                        restrictions: [{days: [someday], from: "09:00", to: "17:00"}]
                """);
        var config = new ConfigLoader(name -> null).load(file.toString());
        // Validation happens in the constructor, before the stored schedules are ever read.
        assertThatThrownBy(() -> new Schedules(config, null, null)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(p ->
                        assertThat(p).startsWith("schedules[0].layers[0].rotation.kind")))
                .satisfies(e -> assertThat(e.getMessage()).contains(file.toString()));
        Files.delete(file);
    }
}
