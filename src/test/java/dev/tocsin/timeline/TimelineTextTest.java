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
}
