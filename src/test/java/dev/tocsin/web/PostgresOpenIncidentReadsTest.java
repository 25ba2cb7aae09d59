package dev.tocsin.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.tocsin.ApiTest;
import dev.tocsin.Await;
import dev.tocsin.EmbeddedPostgresSupport;
import dev.tocsin.Http;
import dev.tocsin.PostgresRowsRead;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard, the services page and a service's page read what is open (and, for a service, its own last 90 days'
 * resolutions), not every incident ever opened, on PostgreSQL as it plans a statement it runs often: once, for any
 * values (a generic plan). Here every statement is planned so, as it is after its fifth run on a connection;
 * PostgreSQL's own counters say how many rows each page read, before and after many incidents came and went.
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
        // Every view of the status page rebuilds it, so that a view's rows are those of one build.
        registry.add("tocsin.status-page.max-age", () -> "0s");
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

    @Test
    void aServicePageReadsItsOwnOpenAndRecentIncidentsNotOtherServicesResolutionsNorOldOnes() throws Exception {
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        String token = unique("svc");
        long olderResolved = declare("Billing resolved first " + token, "billing", "P3");
        long newerResolved = declare("Billing resolved second " + token, "billing", "P3");
        for (long id : List.of(olderResolved, newerResolved)) {
            assertThat(api.post("/api/v1/incidents/" + id + "/resolve", "{}").status()).isEqualTo(200);
        }
        long minor = declare("Billing minor " + token, "billing", "P3");
        long major = declare("Billing major " + token, "billing", "P1");
        long billingBefore = rowsRead(browser, "/ui/services/billing");
        long checkoutBefore = rowsRead(browser, "/ui/services/checkout");
        long statusBefore = rowsRead(browser, "/status/summary.json");

        for (int n = 0; n < RESOLVED; n++) {
            long id = declare("Checkout past " + token + "-" + n, "checkout", "P3");
            assertThat(api.post("/api/v1/incidents/" + id + "/resolve", "{}").status()).isEqualTo(200);
        }
        long billingAfter = rowsRead(browser, "/ui/services/billing");

        String billing = browser.get("/ui/services/billing").body();
        String open = billing.substring(0, billing.indexOf("Recently resolved"));
        assertThat(open.indexOf("href=\"/incidents/" + major + "\"")).as("the P1 above the P3").isPositive()
                .isLessThan(open.indexOf("href=\"/incidents/" + minor + "\""));
        String recent = billing.substring(billing.indexOf("Recently resolved"));
        assertThat(recent).doesNotContain("Checkout past " + token);
        assertThat(recent.indexOf("href=\"/incidents/" + newerResolved + "\"")).as("newest first").isPositive()
                .isLessThan(recent.indexOf("href=\"/incidents/" + olderResolved + "\""));
        // 91 days on, those resolutions are older than the page's "recently resolved" (90 days) reaches back.
        clock.advance(Duration.ofDays(91));
        new PostgresRowsRead(dataSource, "incident").settled();
        long checkoutAfter = rowsRead(browser, "/ui/services/checkout");
        long statusAfter = rowsRead(browser, "/status/summary.json");
        String checkout = browser.get("/ui/services/checkout").body();
        assertThat(checkout.substring(checkout.indexOf("Recently resolved"))).doesNotContain("Checkout past " + token);
        // Read by number, each list walked every incident newer than what it looks for: 150 incidents and their
        // state rows more, twice over on the billing page, which finds fewer than 10 recent resolutions of its own.
        assertThat(billingAfter - billingBefore).as("rows billing's page read more after %d resolutions of checkout"
                + " (%d, then %d)", RESOLVED, billingBefore, billingAfter).isLessThan(RESOLVED / 5);
        assertThat(checkoutAfter - checkoutBefore).as("rows checkout's page read more once %d of its resolutions were"
                + " older than 90 days (%d, then %d)", RESOLVED, checkoutBefore, checkoutAfter).isLessThan(RESOLVED / 5);
        // The status page lists every open incident and the last 90 days' resolutions: neither is any of those 150.
        assertThat(statusAfter - statusBefore).as("rows the status page read more once %d resolutions were older than"
                + " 90 days (%d, then %d)", RESOLVED, statusBefore, statusAfter).isLessThan(RESOLVED / 5);
    }

    private long declare(String title, String service, String severity) {
        Http.Response created = api.post("/api/v1/incidents",
                "{\"title\":\"" + title + "\",\"service\":\"" + service + "\",\"severity\":\"" + severity + "\"}");
        assertThat(created.status()).isEqualTo(201);
        return created.json().get("id").asLong();
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
