package dev.tocsin.incident;

import java.util.Locale;

import dev.tocsin.config.TocsinConfig;
import org.springframework.stereotype.Component;

/**
 * What the public status page calls an incident: the public title someone chose; else the title of an incident
 * declared by hand, which a person wrote; else, for one an alert or a monitor opened, whose title is a machine's
 * summary (a host, a response body, a pod), the service's name and the impact the page shows, as "Checkout: partial
 * outage".
 */
@Component
public class PublicTitles {

    /** A headline's length; the column is as long (V20). */
    public static final int MAX = 200;

    private final TocsinConfig config;

    PublicTitles(TocsinConfig config) {
        this.config = config;
    }

    public String shown(Incident incident) {
        if (incident.publicTitle() != null) {
            return incident.publicTitle();
        }
        if ("declared".equals(incident.origin())) {
            return incident.title();
        }
        String service = config.service(incident.serviceId()).map(TocsinConfig.Service::name)
                .orElse(incident.serviceId());
        return service + ": " + impact(incident.severity());
    }

    private String impact(String severity) {
        return Impact.of(config.severities().rank(severity)).name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /**
     * What an open incident does to its service on the page, by its severity's rank: the most urgent severity a major
     * outage, the next a partial one, any other degraded performance. The neutral title and the component's status
     * both come from here, so they never disagree.
     */
    public enum Impact {
        MAJOR_OUTAGE, PARTIAL_OUTAGE, DEGRADED_PERFORMANCE;

        public static Impact of(int rank) {
            return rank == 0 ? MAJOR_OUTAGE : rank == 1 ? PARTIAL_OUTAGE : DEGRADED_PERFORMANCE;
        }
    }
}
