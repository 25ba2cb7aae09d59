package dev.tocsin.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.tocsin.ApiTest;
import dev.tocsin.Await;
import dev.tocsin.EmbeddedPostgresSupport;
import dev.tocsin.PostgresRowsRead;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard and the services page read what is open, not every incident ever opened, on PostgreSQL as it
 * plans a statement it runs often: once, for any values (a generic plan). Here every statement is planned so, as it
 * is after its fifth run on a connection; PostgreSQL's own counters say how many rows each page read, before and
 * after many incidents came and went.
 */
class PostgresOpenIncidentReadsTest extends ApiTest {

    private static final int RESOLVED = 150;

    @DynamicPropertySource
    static void postgresPlanningForAnyValues(DynamicPropertyRegistry registry) {
        // Sequential scans off as well: a test's tables are so small that reading them whole is what a planner
        // should do, while what is asked here is whether a plan can read less than all of them.
        String url = EmbeddedPostgresSupport.newDatabase()
                + "&options=-c%20plan_cache_mode%3Dforce_generic_plan%20-c%20enable_seqscan%3Doff";
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
    }

    @Autowired
    DataSource dataSource;

    @Test
    void theDashboardAndTheServicesPageReadWhatIsOpenNotWhatWasEverOpened() throws Exception {
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        String token = unique("open");
        for (int n = 0; n < 3; n++) {
            incidentOfAlert(token + "-open-" + n);
        }
        long dashboardBefore = rowsRead(browser, "/dashboard");
        long servicesBefore = rowsRead(browser, "/ui/services");

        List<Long> resolved = new ArrayList<>();
        for (int n = 0; n < RESOLVED; n++) {
            assertThat(enqueue(trigger(CHECKOUT_KEY, token + "-past-" + n, "Past " + token + "-past-" + n, "error")).status()).isEqualTo(202);
        }
        for (int n = 0; n < RESOLVED; n++) {
            resolved.add(incidentOfAlert(token + "-past-" + n));
        }
        for (long id : resolved) {
            assertThat(api.post("/api/v1/incidents/" + id + "/resolve", "{}").status()).isEqualTo(200);
        }
        long dashboardAfter = rowsRead(browser, "/dashboard");
        long servicesAfter = rowsRead(browser, "/ui/services");

        assertThat(browser.get("/dashboard").body()).contains(token + "-open-0", token + "-open-2")
                .doesNotContain(token + "-past-");
        // Read by status, the pages' rows stay those of the three open incidents and their alerts; read by number,
        // each read every incident (and the dashboard every alert) ever received: 150 more of each here.
        assertThat(dashboardAfter - dashboardBefore).as("rows the dashboard read more after %d resolutions (%d, then %d)",
                RESOLVED, dashboardBefore, dashboardAfter).isLessThan(RESOLVED / 5);
        assertThat(servicesAfter - servicesBefore).as("rows the services page read more after %d resolutions (%d, then %d)",
                RESOLVED, servicesBefore, servicesAfter).isLessThan(RESOLVED / 5);
    }

    private long incidentOfAlert(String dedup) {
        if (alerts(dedup).isEmpty()) {
            assertThat(enqueue(trigger(CHECKOUT_KEY, dedup, "Open " + dedup, "error")).status()).isEqualTo(202);
        }
        Await.until("the incident of " + dedup,
                () -> alerts(dedup).size() == 1 && !alerts(dedup).get(0).get("incident_id").isNull(), Duration.ofSeconds(20));
        return incidentOf(dedup);
    }

    /** The rows of incidents and alerts that one view of the page read (the page is viewed once before, warm). */
    private long rowsRead(SignedInBrowser browser, String page) throws Exception {
        assertThat(browser.get(page).statusCode()).isEqualTo(200);
        long before = settledRowsRead();
        assertThat(browser.get(page).statusCode()).isEqualTo(200);
        return settledRowsRead() - before;
    }

    private long settledRowsRead() throws Exception {
        return new PostgresRowsRead(dataSource, "incident", "incident_state", "alert", "alert_state").settled();
    }
}
