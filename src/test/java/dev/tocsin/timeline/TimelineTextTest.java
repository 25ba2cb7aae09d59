package dev.tocsin.timeline;

import dev.tocsin.Http;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the UI and the command line word a timeline entry's data, for the kinds whose data could mislead. */
class TimelineTextTest {

    @Test
    void aStatusChangeWithAMessageShowsTheTransitionThenTheMessage() {
        assertThat(TimelineText.describe(Http.parse("""
                {"from": "investigating", "to": "identified", "message": "Bad pool setting"}""")))
                .isEqualTo("investigating → identified · Bad pool setting");
        assertThat(TimelineText.describe(Http.parse("""
                {"from": "triggered", "to": "acknowledged"}"""))).isEqualTo("triggered → acknowledged");
    }

    @Test
    void anUpdateReminderNamesWhomItRemindedNotNobody() {
        // incident.update_due: a role and whom it reminded, but no "user" as a role change has.
        String text = TimelineText.describe(Http.parse("""
                {"due_at": "2026-03-01T11:00:00Z", "last_update_at": "2026-03-01T10:30:00Z",
                 "update_interval": "30m", "reminded": "ana", "role": "communications_lead"}"""));
        assertThat(text).contains("reminded: ana").doesNotContain("nobody");
        assertThat(TimelineText.describe(Http.parse("""
                {"role": "incident_commander", "user": null, "previous": "ana"}""")))
                .isEqualTo("incident commander: nobody");
    }

    @Test
    void plainFieldsReadAsAPersonWouldSayThem() {
        assertThat(TimelineText.describe(Http.parse("""
                {"until": "2026-12-08T04:12:13.921Z", "data_loss": false, "users_affected": 120}""")))
                .isEqualTo("until: 2026-12-08 04:12 UTC · data loss: no · users affected: 120");
        assertThat(TimelineText.describe(Http.parse("""
                {"data_loss": true, "note": "2026-13-45T00:00:00Z was typed"}""")))
                .isEqualTo("data loss: yes · note: 2026-13-45T00:00:00Z was typed");
    }
}
