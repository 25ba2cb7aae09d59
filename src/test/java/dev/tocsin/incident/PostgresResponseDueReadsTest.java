package dev.tocsin.incident;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.tocsin.ApiTest;
import dev.tocsin.EmbeddedPostgresSupport;
import dev.tocsin.PostgresRowsRead;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response-target processor looks every second for an incident whose response is due; on PostgreSQL that look
 * reads the due times of the index rather than every incident ever opened. Every statement is planned for any values
 * here (a generic plan), as PostgreSQL plans a statement after its fifth run on a connection; sequential scans stay
 * on, since the old look chose one by itself.
 */
class PostgresResponseDueReadsTest extends ApiTest {

    private static final int RESOLVED = 150;
    private static final int CYCLES = 5;

    @DynamicPropertySource
    static void postgresPlanningForAnyValues(DynamicPropertyRegistry registry) {
        String url = EmbeddedPostgresSupport.newDatabase() + "&options=-c%20plan_cache_mode%3Dforce_generic_plan";
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
    }

    @Autowired
    DataSource dataSource;

    @Test
    void theChecksForADueResponseReadWhatIsDueNotWhatWasEverOpened() throws Exception {
        for (int n = 0; n < 3; n++) {
            declare("Waiting " + n, "P3");
        }
        engine.runCycle(); // the first cycle of a node also gives a due time to incidents from before version 7
        long idleBefore = rowsReadBy(CYCLES);

        List<Long> past = new ArrayList<>();
        for (int n = 0; n < RESOLVED; n++) {
            past.add(declare("Past " + n, "P3"));
        }
        for (long id : past) {
            assertThat(api.post("/api/v1/incidents/" + id + "/resolve", "{}").status()).isEqualTo(200);
        }
        long idleAfter = rowsReadBy(CYCLES);
        // Nothing is due: the look finds that in the index. Read by scanning, each look read every incident's state.
        assertThat(idleAfter - idleBefore).as("rows %d idle cycles read more after %d incidents came and went (%d, then %d)",
                CYCLES, RESOLVED, idleBefore, idleAfter).isLessThan(RESOLVED / 5);

        List<Long> urgent = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            urgent.add(declare("Urgent " + n, "P0"));
        }
        clock.advance(Duration.ofMinutes(6));
        engine.runCycle();
        // In due-time order the look still finds what is due, and the claim after it marks each breach.
        for (long id : urgent) {
            assertThat(api.get("/api/v1/incidents/" + id + "/timeline").json().findValuesAsString("kind"))
                    .as("incident %d", id).contains("incident.response_target_breached");
        }
    }

    private long declare(String title, String severity) {
        Http.Response r = api.post("/api/v1/incidents", """
                {"title":"%s","service":"checkout","severity":"%s"}""".formatted(title, severity));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    /** The rows of the incident tables that this many engine cycles read. */
    private long rowsReadBy(int cycles) throws Exception {
        long before = settledRowsRead();
        for (int n = 0; n < cycles; n++) {
            engine.runCycle();
        }
        return settledRowsRead() - before;
    }

    private long settledRowsRead() throws Exception {
        return new PostgresRowsRead(dataSource, "incident", "incident_state").settled();
    }
}
