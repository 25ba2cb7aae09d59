package dev.tocsin.statuspage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import javax.xml.parsers.DocumentBuilderFactory;

import dev.tocsin.ApiTest;
import dev.tocsin.Await;
import dev.tocsin.Http;
import dev.tocsin.LoopbackSink;
import dev.tocsin.LoopbackSink.Answer;
import dev.tocsin.TestReceivers;
import dev.tocsin.timeline.Actor;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.monitor.MonitorEngine;
import dev.tocsin.monitor.MonitorTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * What the status page computes: its feeds, its 90-day figure and its day bars. Its own database, so that no other
 * test's monitors or maintenance windows colour its services.
 */
class StatusPageFiguresTest extends ApiTest {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry, "tocsin-status-figures-test");
    }

    @Autowired
    StatusPage page;

    @Autowired
    MonitorEngine monitors;

    @Autowired
    IncidentService incidents;

    private final LoopbackSink sink = TestReceivers.sink();

    /** U+FFFE is not an XML character; an incident title with it (or a monitor reason quoting a target) breaks the feeds. */
    @Test
    void theFeedsStayWellFormedWhateverATitleHolds() {
        Http.Response r = api.post("/api/v1/incidents", """
                {"title":"Checkout \\ufffe errors","service":"checkout","severity":"P2"}""");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        page.invalidate();
        String atom = anonymous.get("/status/feed.atom").body();
        String rss = anonymous.get("/status/feed.rss").body();
        assertThatCode(() -> parse(atom)).as("Atom").doesNotThrowAnyException();
        assertThatCode(() -> parse(rss)).as("RSS").doesNotThrowAnyException();
    }

    private static void parse(String xml) throws Exception {
        DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Yesterday 9 good checks, today 1 failed one: 90 % of the checks were up, as the monitor's own API says. An
     * average of the days (50 %) would weigh today's single check as much as all of yesterday.
     */
    @Test
    void theNinetyDayUptimeIsTheShareOfChecksUpLikeTheMonitorsOwn() {
        String id = unique("sp");
        String path = "/" + id;
        Http.Response created = api.put("/api/v1/monitors/" + id, """
                {"service":"storefront","type":"http","url":"%s%s","timeout":"1500ms"}""".formatted(sink.baseUrl(), path));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        MonitorTestSupport.housekeeping(monitors);
        sink.answer(path, Answer.status(200, "ok"));
        for (int i = 0; i < 9; i++) {
            api.post("/api/v1/monitors/" + id + "/check", null);
        }
        clock.advance(Duration.ofDays(1));
        sink.answer(path, Answer.status(500, "down"));
        api.post("/api/v1/monitors/" + id + "/check", null);
        MonitorTestSupport.flush(monitors);
        page.invalidate();

        double own = api.get("/api/v1/monitors/" + id).json().get("uptime_percent").get("90d").asDouble();
        JsonNode storefront = null;
        for (JsonNode c : anonymous.get("/status/summary.json").json().get("components")) {
            if (c.get("id").asString().equals("storefront")) {
                storefront = c;
            }
        }
        assertThat(own).isEqualTo(90.0);
        assertThat(storefront.get("uptime_90d").asDouble()).as("status page 90-day uptime").isEqualTo(own);
    }

    /**
     * A monitor's failure names it and its target (an internal host, a response body): the page, on either database,
     * shows the service and its impact instead, and then the public title a person gave, of up to 200 characters in any
     * script (two UTF-16 units for an emoji, three bytes for a CJK character in PostgreSQL's UTF-8). On payments, which
     * no other test here monitors: a failed check would count in that service's uptime.
     */
    @Test
    void aMonitorsIncidentIsShownByServiceAndImpactUntilAPublicTitleOfAnyScriptIsGiven() {
        String id = unique("pg-internal-probe");
        Http.Response created = api.put("/api/v1/monitors/" + id, """
                {"service":"payments","type":"http","url":"%s/%s","timeout":"1500ms","retries":0,"severity":"error"}"""
                .formatted(sink.baseUrl(), id));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        MonitorTestSupport.housekeeping(monitors);
        sink.answer("/" + id, Answer.status(500, "connection to pg-internal-3.acme.lan refused"));
        api.post("/api/v1/monitors/" + id + "/check", null);
        MonitorTestSupport.flush(monitors);
        Await.until("the monitor's alert opens an incident", () -> {
            JsonNode alerts = api.get("/api/v1/alerts?dedup_key=monitor:" + id).json();
            return alerts.size() == 1 && alerts.get(0).hasNonNull("incident_id");
        }, Duration.ofSeconds(10));
        JsonNode alert = api.get("/api/v1/alerts?dedup_key=monitor:" + id).json().get(0);
        assertThat(alert.get("summary").asString()).startsWith(id + ": ");
        long incident = alert.get("incident_id").asLong();
        assertThat(incident(incident).get("severity").asString()).isEqualTo("P1");

        page.invalidate();
        assertThat(anonymous.get("/status").body()).doesNotContain(id).contains("Payments: partial outage");
        assertThat(anonymous.get("/status/summary.json").body()).doesNotContain(id).contains("Payments: partial outage");
        assertThat(anonymous.get("/status/feed.atom").body()).doesNotContain(id);
        assertThat(anonymous.get("/status/feed.rss").body()).doesNotContain(id);

        for (String words : java.util.List.of("支付延迟".repeat(50), "😀".repeat(100), "Ünïcödé".repeat(28) + "abcd")) {
            Http.Response set = api.put("/api/v1/incidents/" + incident + "/public-title", "{\"public_title\":\"" + words + "\"}");
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            assertThat(incident(incident).get("public_title").asString()).isEqualTo(words);
            assertThat(anonymous.get("/status/summary.json").body()).contains(words);
        }
    }

    /** A day with maintenance is blue on the bars; once the window has ended it must stay so. */
    @Test
    void aPastMaintenanceDayStaysBlue() {
        Instant now = clock.instant();
        Http.Response w = api.post("/api/v1/maintenance-windows", """
                {"service":"billing","start":"%s","end":"%s","reason":"Ledger migration"}"""
                .formatted(now.minusSeconds(60), now.plus(Duration.ofHours(1))));
        assertThat(w.status()).as(w.body()).isEqualTo(201);
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        page.invalidate();
        assertThat(level(day)).isEqualTo("maintenance");
        clock.advance(Duration.ofHours(2));
        page.invalidate();
        assertThat(level(day)).as("the same day, after the window ended").isEqualTo("maintenance");
    }

    /** An incident resolved, or a maintenance window ending, exactly at 00:00 UTC leaves the next day's bar alone. */
    @Test
    void whatEndsAtMidnightDoesNotColourTheNextDay() {
        Instant midnight = clock.instant().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        LocalDate before = LocalDate.ofInstant(midnight.minusSeconds(1), ZoneOffset.UTC);
        LocalDate after = LocalDate.ofInstant(midnight, ZoneOffset.UTC);
        long id = incidents.declare(new IncidentService.Declaration("Queue stuck", null, "grouped", "P3", null, null),
                Actor.user("ana")).id();
        Http.Response w = api.post("/api/v1/maintenance-windows", """
                {"service":"storm","start":"%s","end":"%s","reason":"Broker upgrade"}"""
                .formatted(clock.instant(), midnight));
        assertThat(w.status()).as(w.body()).isEqualTo(201);
        clock.set(midnight);
        incidents.resolve(id, "drained", Actor.user("ana"));
        clock.advance(Duration.ofHours(3));
        page.invalidate();
        assertThat(level("grouped", before)).isEqualTo("minor");
        assertThat(level("grouped", after)).as("the day after a resolution at midnight").isEqualTo("ok");
        assertThat(level("storm", before)).isEqualTo("maintenance");
        assertThat(level("storm", after)).as("the day after a window ending at midnight").isEqualTo("ok");
    }

    /** The bars count every incident of the 90 days, not only the newest 500 of all services together. */
    @Test
    void aBusyInstancesOlderIncidentsStillColourTheBars() {
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        long first = incidents.declare(new IncidentService.Declaration("Nightly job late", null, "batch", "P3", null, null),
                Actor.user("ana")).id();
        incidents.resolve(first, "ran", Actor.user("ana"));
        for (int i = 0; i < 500; i++) {
            long id = incidents.declare(new IncidentService.Declaration("Noise " + i, null, "bursty", "P3", null, null),
                    Actor.user("ana")).id();
            incidents.resolve(id, "gone", Actor.user("ana"));
        }
        page.invalidate();
        assertThat(level("batch", day)).as("the batch incident, 501st newest").isEqualTo("minor");
    }

    private String level(LocalDate day) {
        return level("billing", day);
    }

    private String level(String service, LocalDate day) {
        StatusView.Component component = page.view().components().stream().filter(c -> c.id().equals(service))
                .findFirst().orElseThrow();
        return component.days().stream().filter(d -> d.date().equals(day)).findFirst().orElseThrow().level();
    }
}
