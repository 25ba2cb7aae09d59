package dev.tocsin.notify;

import java.util.ArrayList;
import java.util.List;

import dev.tocsin.config.SeverityScale;

/**
 * The messages Tocsin sends when the file declares no templates, in the seeds' words: seed 004's initial alert,
 * status update and resolution, and seed 003's P0 and P1 stakeholder templates for the two most urgent levels.
 */
final class DefaultTemplates {

    record Default(String kind, String severity, String subject, String text) {
    }

    private static final String INCIDENT_SUBJECT = "[{{severity}}] {{service_name}}: {{title}} (#{{incident_id}})";

    private DefaultTemplates() {
    }

    static List<Default> all(SeverityScale severities) {
        List<Default> out = new ArrayList<>();
        out.add(new Default("page", null, INCIDENT_SUBJECT, """
                {{severity}} incident on {{service_name}}: {{title}}
                You are paged as {{level_name}}: {{reason}}.
                Acknowledge: {{acknowledge_url}}
                Incident: {{incident_url}}"""));
        // Seed 004, "Initial Alert".
        out.add(new Default("opened", null, INCIDENT_SUBJECT, """
                🚨 INCIDENT DETECTED 🚨
                Severity: {{severity}} ({{severity_name}})
                Service: {{service_name}}
                Title: {{title}}
                Impact: {{#impact}}{{impact}}{{/impact}}{{^impact}}being assessed{{/impact}}
                Status: {{status_name}}
                IC: {{#commander}}{{commander}}{{/commander}}{{^commander}}not yet assigned{{/commander}}
                Thread: {{incident_url}}"""));
        // Seed 004, "Status Update".
        out.add(new Default("update", null, INCIDENT_SUBJECT, """
                📊 INCIDENT UPDATE: {{title}}
                Time: {{now}}
                Status: {{status_name}}
                Progress: {{message}}
                Next update: {{next_update}}
                {{incident_url}}"""));
        List<SeverityScale.Level> levels = severities.levels();
        if (!levels.isEmpty()) {
            // Seed 003, "Communication Template (P0)", for the most urgent level whatever it is called.
            out.add(new Default("update", levels.get(0).id(), INCIDENT_SUBJECT, """
                    🚨 {{severity}} INCIDENT: {{title}}

                    Status: {{status_upper}}
                    Started: {{started}}
                    Impact: {{#impact}}{{impact}}{{/impact}}{{^impact}}being assessed{{/impact}}

                    Current Action: {{message}}

                    Next Update: {{next_update}}

                    Status Page: {{status_page_url}}"""));
        }
        if (levels.size() > 1) {
            // Seed 003, "Communication Template (P1)".
            out.add(new Default("update", levels.get(1).id(), INCIDENT_SUBJECT, """
                    ⚠️ {{severity}} INCIDENT: {{title}}

                    Status: {{status_upper}}
                    Started: {{started}}
                    Impact: {{#impact}}{{impact}}{{/impact}}{{^impact}}being assessed{{/impact}}

                    Current Action: {{message}}

                    Next Update: {{next_update}}"""));
        }
        // Seed 004, "Resolution"; seed 002 asks for the post-mortem within 48 hours.
        out.add(new Default("resolved", null, INCIDENT_SUBJECT, """
                ✅ INCIDENT RESOLVED: {{title}}
                Duration: {{started}} to {{resolved}} ({{duration}})
                Resolution: {{#resolution}}{{resolution}}{{/resolution}}{{^resolution}}not recorded{{/resolution}}
                Follow-up: post-mortem within 48 hours
                {{incident_url}}"""));
        out.add(new Default("reminder", null, "Update due: [{{severity}}] {{title}} (#{{incident_id}})", """
                ⏰ A stakeholder update is due for {{severity}} incident #{{incident_id}}: {{title}}
                {{severity}} incidents get an update every {{update_interval}}; the last one was {{last_update}}.
                Post one: {{incident_url}}"""));
        out.add(new Default("test", null, "Tocsin test message", """
                ✅ Test message from Tocsin to {{destination}}.
                If you can read this, the channel works. Sent {{now}}."""));
        return out;
    }
}
