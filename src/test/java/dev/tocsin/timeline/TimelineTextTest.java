package dev.tocsin.timeline;

import java.time.Instant;

import dev.tocsin.Http;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the UI and the command line word a timeline entry's data: every change as what changed, from what to what (who
 * did it is the entry's actor, shown beside it), in the data each kind is written with.
 */
class TimelineTextTest {

    private static String describe(String kind, String data) {
        return TimelineText.describe(kind, Http.parse(data));
    }

    @Test
    void aStatusChangeWithAMessageShowsTheTransitionThenTheMessage() {
        assertThat(describe("incident.status_changed", """
                {"from": "investigating", "to": "identified", "message": "Bad pool setting"}"""))
                .isEqualTo("investigating → identified · Bad pool setting");
        assertThat(describe("incident.acknowledged", """
                {"from": "triggered", "to": "acknowledged"}""")).isEqualTo("triggered → acknowledged");
        assertThat(describe("incident.acknowledged", """
                {"from": "triggered", "to": "acknowledged", "message": "acknowledged at the source"}"""))
                .isEqualTo("triggered → acknowledged · acknowledged at the source");
        assertThat(describe("incident.unacknowledged", """
                {"from": "acknowledged", "to": "triggered", "message": "snooze ended"}"""))
                .isEqualTo("acknowledged → triggered · snooze ended");
        assertThat(describe("incident.reopened", """
                {"from": "resolved", "to": "investigating"}""")).isEqualTo("resolved → investigating");
    }

    @Test
    void aResolutionShowsItsTransitionThenItsWordsAsOtherStatusChangesDo() {
        // incident.resolved records the status it left and its resolution; "resolved" is the kind's.
        assertThat(describe("incident.resolved", """
                {"from": "monitoring", "resolution": "Pool size restored"}"""))
                .isEqualTo("monitoring → resolved · Pool size restored");
        assertThat(describe("incident.resolved", """
                {"from": "acknowledged"}""")).isEqualTo("acknowledged → resolved");
        assertThat(describe("incident.resolved", """
                {"from": "triggered", "resolution": "all alerts resolved"}"""))
                .isEqualTo("triggered → resolved · all alerts resolved");
    }

    @Test
    void aRoleChangeShowsWhoHeldItBeforeAndAfter() {
        assertThat(describe("incident.role_assigned", """
                {"role": "incident_commander", "user": "ana", "previous": null}"""))
                .isEqualTo("incident commander: nobody → ana");
        assertThat(describe("incident.role_assigned", """
                {"role": "technical_lead", "user": "bo", "previous": "ana"}"""))
                .isEqualTo("technical lead: ana → bo");
        assertThat(describe("incident.role_cleared", """
                {"role": "incident_commander", "user": null, "previous": "ana"}"""))
                .isEqualTo("incident commander: ana → nobody");
        // Given at declaration: nobody held it before the incident existed.
        assertThat(describe("incident.role_assigned", """
                {"role": "incident_commander", "user": "ana"}""")).isEqualTo("incident commander: ana");
    }

    @Test
    void aSeverityChangeShowsItsTransition() {
        assertThat(describe("incident.severity_changed", """
                {"from": "P2", "to": "P1"}""")).isEqualTo("P2 → P1");
    }

    @Test
    void aStatusPageChoiceReadsFromTo() {
        assertThat(describe("incident.unpublished", """
                {"published": false, "previous": null, "on_page": false}""")).isEqualTo("status page: by the rule → hidden");
        assertThat(describe("incident.published", """
                {"published": true, "previous": false, "on_page": true}""")).isEqualTo("status page: hidden → published");
        assertThat(describe("incident.publication_cleared", """
                {"published": null, "previous": true, "on_page": false}"""))
                .isEqualTo("status page: published → by the rule (hidden)");
    }

    @Test
    void aPublicTitleChangeShowsTheTitleBeforeAndAfter() {
        assertThat(describe("incident.public_title_set", """
                {"public_title": "Payments are delayed", "previous": null}"""))
                .isEqualTo("public title: the page's own → \"Payments are delayed\"");
        assertThat(describe("incident.public_title_set", """
                {"public_title": "Some payments fail", "previous": "Payments are delayed"}"""))
                .isEqualTo("public title: \"Payments are delayed\" → \"Some payments fail\"");
        assertThat(describe("incident.public_title_cleared", """
                {"previous": "Some payments fail"}"""))
                .isEqualTo("public title: \"Some payments fail\" → the page's own");
    }

    @Test
    void aMonitorPausedOrResumedSaysWhichAndFromWhatToWhat() {
        assertThat(describe("monitor.paused", """
                {"monitor": "deep-health"}""")).isEqualTo("deep-health: running → paused");
        assertThat(describe("monitor.resumed", """
                {"monitor": "deep-health"}""")).isEqualTo("deep-health: paused → running");
    }

    @Test
    void anUpdateReminderNamesWhomItRemindedNotNobody() {
        // incident.update_due: a role and whom it reminded, but no "user" as a role change has.
        String text = describe("incident.update_due", """
                {"due_at": "2026-03-01T11:00:00Z", "last_update_at": "2026-03-01T10:30:00Z",
                 "update_interval": "30m", "reminded": "ana", "role": "communications_lead"}""");
        assertThat(text).contains("reminded: ana").doesNotContain("nobody");
    }

    @Test
    void plainFieldsReadAsAPersonWouldSayThem() {
        assertThat(describe("incident.impact_updated", """
                {"until": "2026-12-08T04:12:13.921Z", "data_loss": false, "users_affected": 120}"""))
                .isEqualTo("until: 2026-12-08 04:12 UTC · data loss: no · users affected: 120");
        assertThat(describe("incident.impact_updated", """
                {"data_loss": true, "note": "2026-13-45T00:00:00Z was typed"}"""))
                .isEqualTo("data loss: yes · note: 2026-13-45T00:00:00Z was typed");
    }

    @Test
    void anImpactChangeNamesEachFieldItChangedFromAndTo() {
        assertThat(describe("incident.impact_updated", """
                {"users_affected": 1200, "services_affected": ["checkout", "billing"], "data_loss": true,
                 "financial_impact": null,
                 "previous": {"users_affected": null, "services_affected": [], "data_loss": false}}"""))
                .isEqualTo("users affected: unknown → 1200 · services affected: none → checkout, billing · data loss: no → yes");
        assertThat(describe("incident.impact_updated", """
                {"users_affected": null, "services_affected": [], "data_loss": null, "financial_impact": "~$5k/h",
                 "previous": {"users_affected": 40, "financial_impact": null}}"""))
                .isEqualTo("users affected: 40 → unknown · financial impact: unknown → ~$5k/h");
    }

    @Test
    void aTimeIsWrittenToTheMinuteInUtcAndSaysSo() {
        assertThat(TimelineText.time(Instant.parse("2026-12-08T04:12:59.999Z"))).isEqualTo("2026-12-08 04:12 UTC");
    }
}
