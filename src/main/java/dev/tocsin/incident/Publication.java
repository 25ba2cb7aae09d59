package dev.tocsin.incident;

import java.util.Locale;

import dev.tocsin.config.TocsinConfig;
import org.springframework.stereotype.Component;

/**
 * Whether the public status page shows an incident, and why: nothing of a service the page leaves off; else what a
 * person chose for it (publish or hide); else {@code status_page.publish}. The page, the API and the incident's page
 * ask here, so that they never disagree.
 */
@Component
public class Publication {

    /** Why an incident is on the page or not. */
    public enum Reason {
        /** {@code status_page.publish} decides: nobody chose for this incident. */
        RULE,
        /** Someone published or hid it. */
        PERSON,
        /** Its service is not among {@code status_page.services}: nothing of it is on the page, whatever was chosen. */
        SERVICE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Decision(boolean published, Reason by) {
    }

    private final TocsinConfig config;

    Publication(TocsinConfig config) {
        this.config = config;
    }

    public Decision of(Incident incident) {
        TocsinConfig.StatusPage page = config.statusPage();
        if (!page.services().isEmpty() && !page.services().contains(incident.serviceId())) {
            return new Decision(false, Reason.SERVICE);
        }
        if (incident.published() != null) {
            return new Decision(incident.published(), Reason.PERSON);
        }
        return new Decision(page.publish().publishes(incident.severity()), Reason.RULE);
    }

    public boolean published(Incident incident) {
        return of(incident).published();
    }

    /** The rule as the file writes it ({@code all}, {@code none}, {@code [P0, P1]}), for a page to say why. */
    public String rule() {
        return config.statusPage().publish().wire();
    }
}
